"""The rules several operations share, each in one place with one wording.

Each `require_*` returns what it checked or raises a typed error (`models.errors`) naming
a catalog key, which the dialogs show in the player's language. Operations call these;
dialogs may call them too (to refuse early, with the same words), but the operation always
checks again.
"""

from __future__ import annotations

import contextlib
from datetime import datetime

import peewee as pw

from .base import db, utcnow
from .errors import Conflict, NotFound, ValidationError
from .tables import EVENT_CANCELLED, TRIP_CANCELLED, TRIP_OPEN, Event, Trip

PICKUPS_MAX = 10  # pickup points of a trip or a template

# Refusals several operations raise (catalog keys: dialogs/locales/*/errors.ftl).
TRIP_GONE = "error-trip-gone"
TRIP_LEFT = "error-trip-left"
TRIP_OVER = "error-trip-over"
PICKUPS_NONE = "error-pickups-none"
PICKUPS_TOO_MANY = "error-pickups-too-many"  # with most=PICKUPS_MAX
EVENT_GONE = "error-event-gone"
EVENT_STARTED = "error-event-started"
MAX_ID = 2**63 - 1


def is_row_id(value: int) -> bool:
    """Could be a primary key. Ids arrive in callback data, where anyone can write 10**30:
    SQLite cannot even compare that (OverflowError), PostgreSQL neither (bigint out of range)."""
    return 0 < value <= MAX_ID


@contextlib.contextmanager
def trip_lock(trip_id: int):
    """A write transaction holding the trip's lock for the check-then-write that follows:
    `BEGIN IMMEDIATE` on SQLite (the database-wide write lock, taken before any count),
    `SELECT … FOR UPDATE` on the trip row on PostgreSQL. Yields the trip as read under the
    lock (None if there is none, or the id could be no trip's: a forged callback). Inside a
    transaction already (a hook), it only locks the row: on SQLite the outer transaction
    holds the write lock already (it must have written, or be IMMEDIATE)."""
    if isinstance(db.obj, pw.SqliteDatabase):
        with db.atomic("IMMEDIATE"):
            yield Trip.get_or_none(Trip.id == trip_id) if is_row_id(trip_id) else None
    else:
        with db.atomic():
            yield Trip.select().where(Trip.id == trip_id).for_update().first() if is_row_id(trip_id) else None


def require_trip(trip: Trip | None) -> Trip:
    """A trip that exists (`trip` as read, perhaps under a lock)."""
    if trip is None:
        raise NotFound(TRIP_GONE)
    return trip


def require_open(trip: Trip | None, *, until: str = "departure", now: datetime | None = None) -> Trip:
    """Not cancelled nor done, and its time not come: `until="departure"` (the first pickup:
    joining, changing, editing a trip) or `until="end"` (the last pickup: leaving it,
    answering a reminder, cancelling it)."""
    trip = require_trip(trip)
    if trip.status == TRIP_CANCELLED:
        if trip.cancel_reason:
            raise Conflict("error-trip-cancelled-because", reason=trip.cancel_reason)
        raise Conflict("error-trip-cancelled")
    deadline = trip.departs_at if until == "departure" else trip.ends_at
    if trip.status != TRIP_OPEN or deadline <= (now or utcnow()):
        raise Conflict(TRIP_LEFT if until == "departure" else TRIP_OVER)
    return trip


def require_pickup_count(count: int) -> int:
    """A trip or a template has 1 to `PICKUPS_MAX` pickup points."""
    if count < 1:
        raise ValidationError(PICKUPS_NONE)
    if count > PICKUPS_MAX:
        raise ValidationError(PICKUPS_TOO_MANY, most=PICKUPS_MAX)
    return count


def require_room_for_pickup(count: int) -> None:
    """One more pickup point may be added to `count` (the pickup editor asks before it opens)."""
    if count >= PICKUPS_MAX:
        raise ValidationError(PICKUPS_TOO_MANY, most=PICKUPS_MAX)


# --- events (issue #21) ------------------------------------------------------------------------


def locked_event(event_id: int) -> Event | None:
    """The event, read inside a write transaction that holds it until the end: `FOR UPDATE` on
    PostgreSQL; on SQLite the transaction's write lock (it must have written already, or be
    `IMMEDIATE`) is the whole database's. Operations that read "who still needs a ride" and
    change it (asking, joining a trip to the event, attaching a trip) meet here, so two of them
    never both miss the other's row. Lock order: a trip, then its event."""
    if not is_row_id(event_id):
        return None
    query = Event.select().where(Event.id == event_id)
    return (query if isinstance(db.obj, pw.SqliteDatabase) else query.for_update()).first()


@contextlib.contextmanager
def event_lock(event_id: int):
    """A write transaction holding the event's lock (`locked_event`) for the check-then-write
    that follows; yields the event (None if there is none)."""
    with db.atomic("IMMEDIATE") if isinstance(db.obj, pw.SqliteDatabase) else db.atomic():
        yield locked_event(event_id)


def require_event(event: Event | None, *, now: datetime | None = None) -> Event:
    """An event that exists, is not cancelled and has not started: one can still ride to it."""
    if event is None:
        raise NotFound(EVENT_GONE)
    if event.status == EVENT_CANCELLED:
        if event.cancel_reason:
            raise Conflict("error-event-cancelled-because", reason=event.cancel_reason)
        raise Conflict("error-event-cancelled")
    if event.starts_at <= (now or utcnow()):
        raise Conflict(EVENT_STARTED)
    return event
