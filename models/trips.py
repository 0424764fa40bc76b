"""Trips: validation of what drivers type, and creating a trip with its pickup points.

Dates and pickup times are the club's local ones (the `tz` argument); the UTC
instants derived from them (`departs_at`, `ends_at`) are computed here, once.
"""

from __future__ import annotations

import contextlib
import logging
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import peewee as pw

from . import club, matching
from .base import db, utcnow
from .cleaning import clean_text, visible_length
from .errors import Conflict, ValidationError
from .rules import event_lock, is_row_id, require_event, require_open, require_pickup_count, trip_lock
from .tables import TRIP_OPEN, PickupPoint, Trip, TripTemplate, User
from .users import require_driver, require_owner, require_user

log = logging.getLogger(__name__)

DESTINATION_MIN, DESTINATION_MAX = 2, 100
ADDRESS_MIN, ADDRESS_MAX = 2, 200
COMMENT_MAX = 500
SEATS_MIN, SEATS_MAX = 1, 8
BOOKING_HORIZON_DAYS = 366

COMMENT_LINES_MAX = 12

DESTINATION_LENGTH = "error-destination-length"
ADDRESS_LENGTH = "error-address-length"


def _length(value: str, error: str, lo: int, hi: int) -> str:
    """`lo` counts visible characters (invisible ones are no text); `hi` counts all, as stored.
    `error` is the refusal's catalog key (its text names the field)."""
    if (visible := visible_length(value)) < lo or len(value) > hi:
        sent = visible if visible < lo else len(value)
        raise ValidationError(error, lo=lo, hi=hi, sent=sent)
    return value


def validate_destination(raw: str) -> str:
    return _length(clean_text(raw), DESTINATION_LENGTH, DESTINATION_MIN, DESTINATION_MAX)


def validate_address(raw: str) -> str:
    return _length(clean_text(raw), ADDRESS_LENGTH, ADDRESS_MIN, ADDRESS_MAX)


def validate_comment(raw: str) -> str:
    text = clean_text(raw, multiline=True)
    if len(text) > COMMENT_MAX:
        raise ValidationError("error-comment-length", most=COMMENT_MAX, sent=len(text))
    if (lines := text.count("\n") + 1) > COMMENT_LINES_MAX:
        raise ValidationError("error-comment-lines", most=COMMENT_LINES_MAX, sent=lines)
    return text


def validate_seats(raw: str | int) -> int:
    try:
        seats = int(str(raw).strip())
    except ValueError:
        raise ValidationError("error-seats-number", lo=SEATS_MIN, hi=SEATS_MAX) from None
    if not SEATS_MIN <= seats <= SEATS_MAX:
        raise ValidationError("error-seats-range", lo=SEATS_MIN, hi=SEATS_MAX)
    return seats


_TIME_RE = re.compile(r"^\s*(\d{1,2})\s*[:.h]\s*(\d{2})\s*$")


def parse_time(raw: str) -> time:
    """`18:30`, `9:05`, `18.30` -> time; anything else (or 25:61) is refused."""
    m = _TIME_RE.match(raw or "")
    if not m:
        raise ValidationError("error-time-format")
    hour, minute = int(m.group(1)), int(m.group(2))
    if hour > 23 or minute > 59:
        raise ValidationError("error-time-range")
    return time(hour, minute)


def local_today(tz: ZoneInfo) -> date:
    return datetime.now(tz).date()


def validate_date(day: date, tz: ZoneInfo) -> date:
    today = local_today(tz)
    if day < today:
        raise ValidationError("error-date-past")
    if day > today + timedelta(days=BOOKING_HORIZON_DAYS):
        raise ValidationError("error-date-too-far")
    return day


def to_utc(day: date, at: time, tz: ZoneInfo) -> datetime:
    """The naive-UTC instant of a local date and time in the club's zone."""
    local = datetime.combine(day, at).replace(tzinfo=tz)
    return local.astimezone(ZoneInfo("UTC")).replace(tzinfo=None)


def has_passed(day: date | None, at: time, tz: ZoneInfo) -> bool:
    """Whether `at` today (in the club's zone) is already past; any other day: no."""
    return day is not None and day == local_today(tz) and to_utc(day, at, tz) <= utcnow()


def validate_pickup_time(day: date | None, at: time, tz: ZoneInfo) -> time:
    """For a trip today, a pickup time already past is refused."""
    if has_passed(day, at, tz):
        raise ValidationError("error-time-passed", time=f"{at:%H:%M}")
    return at


@dataclass
class PickupDraft:
    address: str
    time: time


@dataclass
class TripDraft:
    """Everything the wizard collected, as plain values."""

    destination: str
    departure_date: date
    seats: int
    pickups: list[PickupDraft] = field(default_factory=list)
    comment: str = ""


def validate_draft(draft: TripDraft, tz: ZoneInfo) -> TripDraft:
    """Re-check every field (the wizard did too, but anything can reach an operation)."""
    pickups = [PickupDraft(validate_address(p.address), p.time) for p in draft.pickups]
    require_pickup_count(len(pickups))
    day = validate_date(draft.departure_date, tz)
    for p in pickups:
        validate_pickup_time(day, p.time, tz)
    return TripDraft(
        destination=validate_destination(draft.destination),
        departure_date=day,
        seats=validate_seats(draft.seats),
        pickups=sorted(pickups, key=lambda p: p.time),
        comment=validate_comment(draft.comment),
    )


def create_trip(actor_telegram_id: int, draft: TripDraft, tz: ZoneInfo, *, key: str | None = None,
                announce: bool = True, event_id: int | None = None, outbound_id: int | None = None) -> Trip:
    """Create a trip and its pickup points in one transaction. Drivers only.

    `outbound_id` (issue #22): the trip is the return leg of that trip, the actor's own, open
    and not over, with no open return leg yet; it departs after the outbound does. Its pickup
    points are its drop-off points, the first one its departure place. It has no event of its
    own (`event_id` is ignored): it belongs to the outbound's event through `Trip.outbound`,
    and nobody is told of it as a new car (see `models.waitlist`'s design notes).

    `event_id`: the club event it goes to (issue #21), open and not started; the caller fills
    the draft's destination and date from it. The event's open requesters and the alert
    subscribers hear of it (`matching.trip_created`; without an event, those whose free
    request or alert matches its date and destination).

    `announce`: post it in the club chat, where the bot is (the summary's "Post to the club
    chat"); the board shows every trip either way.

    `key` (the wizard's intent id) makes the creation idempotent: a second call with the
    same key — the same Confirm delivered again after a crash, or pressed again on a
    window that never moved on — returns the trip the first one made, and creates nothing."""
    actor = require_user(actor_telegram_id)
    require_driver(actor)
    if (made := created_with(Trip, actor, key)) is not None:
        return made  # before validating: "today 18:00" may have passed since the first delivery
    clean = validate_draft(draft, tz)
    times = [to_utc(clean.departure_date, p.time, tz) for p in clean.pickups]
    if outbound_id is not None:
        event_id = None
    try:
        with _creation_lock(event_id, outbound_id) as locked:
            event = require_event(locked) if event_id is not None else None  # locked before the trip refers to it
            outbound = _outbound(actor, locked) if outbound_id is not None else None
            if outbound is not None:
                require_legs_in_order(outbound, LegTimes(min(times), max(times)))
            trip = Trip.create(
                driver=actor,
                destination=clean.destination,
                departure_date=clean.departure_date,
                seats=clean.seats,
                comment=clean.comment,
                departs_at=min(times),
                ends_at=max(times),
                creation_key=key,
                event=event,
                outbound=outbound,
            )
            PickupPoint.insert_many(
                [
                    {"trip": trip.id, "address": p.address, "time": p.time, "position": i}
                    for i, p in enumerate(clean.pickups)
                ]
            ).execute()
            if announce:
                club.announce(trip)
            else:
                club.touch(trip)  # the board
            matching.trip_created(trip, event)
    except pw.IntegrityError:  # a concurrent delivery of the same confirmation (another replica) won
        if (made := created_with(Trip, actor, key)) is None:
            raise
        return made
    return trip


def create_with_return(actor_telegram_id: int, draft: TripDraft, back: TripDraft, tz: ZoneInfo, *,
                       key: str | None = None, announce: bool = True, event_id: int | None = None
                       ) -> tuple[Trip, Trip]:
    """The way there and its way back (`create_trip`, then `create_trip(outbound_id=…)`; the way
    back's key is `key` + ".back"), both or neither: one transaction, so a refused way back
    leaves no way there, no announcement and no notification behind."""
    with write_transaction():
        trip = create_trip(actor_telegram_id, draft, tz, key=key, announce=announce, event_id=event_id)
        way_back = create_trip(actor_telegram_id, back, tz, key=None if key is None else f"{key}.back",
                               announce=announce, outbound_id=trip.id)
    return trip, way_back


def write_transaction():
    """An outer write transaction for operations that each open their own (they become
    savepoints in it): on SQLite `BEGIN IMMEDIATE`, since a nested `atomic('IMMEDIATE')` is a
    mere savepoint and could not take the write lock itself."""
    return db.atomic("IMMEDIATE") if isinstance(db.obj, pw.SqliteDatabase) else db.atomic()


def _creation_lock(event_id: int | None, outbound_id: int | None):
    """The write transaction a creation runs in, holding what the new trip refers to: its
    event (`event_lock`), or the outbound trip of a return leg (`trip_lock`); yields it."""
    if event_id is not None:
        return event_lock(event_id)
    if outbound_id is not None:
        return trip_lock(outbound_id)
    return _nothing_locked()


@contextlib.contextmanager
def _nothing_locked():
    with db.atomic():
        yield None


def _outbound(actor: User, outbound: Trip | None) -> Trip:
    """The trip a return leg comes back from, locked: the actor's own, open and not over,
    without an open return leg yet."""
    outbound = require_open(outbound, until="end")
    require_owner(actor, outbound.driver_id, "trip")
    if Trip.select().where((Trip.outbound == outbound.id) & (Trip.status == TRIP_OPEN)).exists():
        raise Conflict("error-return-exists")
    return outbound


@dataclass(frozen=True)
class LegTimes:
    """A leg's first and last pickup (naive UTC), as `Trip.departs_at` and `Trip.ends_at`."""

    departs_at: datetime
    ends_at: datetime


def leg_times(draft: TripDraft, tz: ZoneInfo) -> LegTimes:
    """A draft's first and last pickup, as the trip made of it would have them (UTC)."""
    times = [to_utc(draft.departure_date, p.time, tz) for p in draft.pickups]
    return LegTimes(min(times), max(times))


def require_legs_in_order(outbound: Trip | LegTimes, back: Trip | LegTimes) -> None:
    """THE rule of a trip and its way back (creation, an edit of either leg, the wizard): the
    way back departs after the way there's last pickup (`ends_at`)."""
    if back.departs_at <= outbound.ends_at:
        raise ValidationError("error-return-before-outbound")


def other_open_leg(trip: Trip) -> Trip | None:
    """The open leg linked to `trip`: its way back, or the way there it comes back from."""
    if trip.outbound_id is not None:
        return Trip.get_or_none((Trip.id == trip.outbound_id) & (Trip.status == TRIP_OPEN))
    return Trip.get_or_none((Trip.outbound == trip.id) & (Trip.status == TRIP_OPEN))


def require_in_order_with_other_leg(trip: Trip, times: LegTimes) -> None:
    """`trip`, moved to `times`, still in order with its open linked leg (if any)."""
    other = other_open_leg(trip)
    if other is None:
        return
    if trip.outbound_id is not None:
        require_legs_in_order(other, times)
    else:
        require_legs_in_order(times, other)


@contextlib.contextmanager
def legs_lock(trip_id: int):
    """`trip_lock` on the trip and on its open linked leg, the way there first (the order
    `rides.join_both` takes): an edit or a cancellation that must see the other leg as it is.
    Yields the trip as read under the lock (None if there is none)."""
    row = Trip.get_or_none(Trip.id == trip_id) if is_row_id(trip_id) else None
    if row is not None and row.outbound_id is not None:
        with trip_lock(row.outbound_id), trip_lock(trip_id) as locked:
            yield locked
        return
    with trip_lock(trip_id) as locked:
        back = (Trip.get_or_none((Trip.outbound == locked.id) & (Trip.status == TRIP_OPEN))
                if locked is not None else None)
        if back is None:
            yield locked
        else:
            with trip_lock(back.id):
                yield locked


def created_with(model: type[Trip] | type[TripTemplate], actor: User, key: str | None):
    """The actor's trip or template made with creation `key` (None without a key)."""
    if key is None:
        return None
    made = model.get_or_none((model.driver == actor.id) & (model.creation_key == key))
    if made is not None:
        log.info("%s %s already made with this key: returning it", model.__name__, made.id)
    return made
