"""Trip lifecycle: reminders before departure, closing finished trips (the history: `models.queries`).

Everything `bot.workers.scheduler` does is an operation here, read from the database on every
tick: nothing is planned in memory, so a restart loses nothing, and running twice (or on
two replicas) sends nothing twice.

Reminders. For each offset of `Settings.reminders` (24h and 2h by default), a passenger
is reminded `offset` before *their* pickup and the driver `offset` before the trip's
first pickup (`Trip.departs_at`). Due times are UTC instants computed from the trip's
*current* local pickup times in the club's zone, so a DST change is counted in real
hours and an edit that moves a pickup moves the reminders not sent yet. `SentReminder`
(unique on trip, recipient, offset) records every reminder settled: an offset is never
sent twice, whatever the edits. Nothing is due for a cancelled or done trip, for someone
without a seat (who left), for a pickup already past, or for a due time not after the
trip's creation (driver) or the passenger's joining. When several offsets are due at
once for one person (the bot was down), only the smallest is sent and the others are
recorded as superseded: one message, not a burst of stale ones.

One-tap answers. A passenger's reminder carries inline buttons whose callback data is
`rm:<action>:<trip id>` (`answer_data`; `dialogs.reminders` draws the keyboards and
parses the data with aiogram's `CallbackData`). Texts and keyboards are not made here:
a reminder is written to the outbox as its kind and offset, and rendered when sent.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import peewee as pw

from . import club, outbox
from .base import db, utcnow
from .errors import Conflict, NotFound, PermissionDenied
from .logids import tg
from .rules import TRIP_GONE, is_row_id, require_open
from .tables import TRIP_DONE, TRIP_OPEN, Participant, PickupPoint, SentReminder, Trip, User
from .trips import to_utc
from .users import require_user

log = logging.getLogger(__name__)

CANT_GO_REASON = "can't go"  # a seat given up from a reminder: stored as data, shown translated


# --- due times ---------------------------------------------------------------------------


@dataclass(frozen=True)
class DueReminder:
    trip_id: int
    recipient_id: int  # User.id
    offset: timedelta
    due_at: datetime  # naive UTC
    pickup_at: datetime  # naive UTC: the passenger's pickup, or the driver's first one
    for_driver: bool

    @property
    def offset_minutes(self) -> int:
        return minutes(self.offset)


def minutes(offset: timedelta) -> int:
    return int(offset.total_seconds() // 60)


def due_reminders(now: datetime, offsets: tuple[timedelta, ...], tz: ZoneInfo) -> list[DueReminder]:
    """Every reminder due at `now` (naive UTC) and not settled yet. Three queries.

    Takes the club's zone (the brief's `due_reminders(now, offsets)` had none): a
    passenger's pickup instant is their pickup point's local time on the trip's date,
    which only the zone turns into UTC exactly (a DST change may fall between pickups).
    """
    if not offsets:
        return []
    # A pickup is never before departs_at nor after ends_at: this bounds the candidates by index.
    trips = {
        t.id: t
        for t in Trip.select(Trip.id, Trip.driver, Trip.departure_date, Trip.departs_at, Trip.created_at).where(
            (Trip.status == TRIP_OPEN) & (Trip.departs_at <= now + max(offsets)) & (Trip.ends_at > now)
        )
    }
    if not trips:
        return []
    settled = set(
        SentReminder.select(SentReminder.trip, SentReminder.recipient, SentReminder.offset_minutes)
        .where(SentReminder.trip.in_(list(trips)))
        .tuples()
    )
    # (trip, recipient, pickup instant, since, for_driver)
    candidates = [(t.id, t.driver_id, t.departs_at, t.created_at, True) for t in trips.values()]
    seats = (
        Participant.select(Participant.trip, Participant.passenger, Participant.joined_at, PickupPoint.time)
        .join(PickupPoint)
        .where(Participant.trip.in_(list(trips)))
        .tuples()
    )
    for trip_id, passenger_id, joined_at, at in seats:
        at = PickupPoint.time.python_value(at)
        candidates.append((trip_id, passenger_id, to_utc(trips[trip_id].departure_date, at, tz), joined_at, False))

    due = []
    for trip_id, recipient_id, pickup_at, since, for_driver in candidates:
        if pickup_at <= now:
            continue
        for offset in offsets:
            at = pickup_at - offset
            if since < at <= now and (trip_id, recipient_id, minutes(offset)) not in settled:
                due.append(DueReminder(trip_id, recipient_id, offset, at, pickup_at, for_driver))
    return due


# --- sending -----------------------------------------------------------------------------


ANSWER_PREFIX = "rm"
# The answers to a reminder, as callback actions: the last reminder before the pickup asks
# "On my way" / "Running late" / "Can't go"; an earlier one (24 h) asks "Still going?"
# with "Yes" (GOING) / "Can't go" (CANT_EARLY). "Can't go" asks to confirm: CANT_YES
# leaves the trip, CANT_NO (last) or GOING (earlier) keeps the seat.
WAY, LATE, CANT, CANT_YES, CANT_NO, LEFT = "way", "late", "cant", "yes", "no", "left"
GOING, CANT_EARLY = "ok", "drop"


def answer_data(action: str, trip_id: int) -> str:
    """Callback data of a reminder button; equals `dialogs.reminders.ReminderAnswer(...).pack()`."""
    return f"{ANSWER_PREFIX}:{action}:{trip_id}"


def _still_due(item: DueReminder) -> bool:
    """Re-checked inside the reminder's transaction: the trip is open, the passenger seated."""
    open_trip = (Trip.id == item.trip_id) & (Trip.status == TRIP_OPEN)
    if item.for_driver:
        return Trip.select().where(open_trip).exists()
    return Participant.select().join(Trip).where(open_trip & (Participant.passenger == item.recipient_id)).exists()


def send_due_reminders(now: datetime, offsets: tuple[timedelta, ...], tz: ZoneInfo) -> int:
    """Enqueue every due reminder and record it, one transaction per recipient and trip
    (the notification and its `SentReminder` rows commit together). Idempotent: a second
    call, or a racing replica, finds them settled (the unique index refuses a duplicate).
    Returns how many notifications were enqueued.

    The notification (`reminder` for a passenger, `reminder_driver`) carries the offset and
    whether it is the last one before the pickup (the smallest offset): it is rendered
    from the trip as it is when it goes out."""
    groups: dict[tuple[int, int], list[DueReminder]] = defaultdict(list)
    for item in due_reminders(now, offsets, tz):
        groups[item.trip_id, item.recipient_id].append(item)
    sent = 0
    for (trip_id, recipient_id), items in groups.items():
        items.sort(key=lambda d: d.offset)
        item = items[0]  # the smallest offset due; larger ones it supersedes
        try:
            with db.atomic():
                if not _still_due(item):
                    continue
                SentReminder.insert_many([
                    {"trip": trip_id, "recipient": recipient_id, "offset_minutes": d.offset_minutes,
                     "due_at": d.due_at, "superseded": d is not item}
                    for d in items
                ]).execute()
                outbox.notify(User.get_by_id(recipient_id), "reminder_driver" if item.for_driver else "reminder",
                              trip=trip_id, offset=item.offset_minutes, last=item.offset == min(offsets))
        except pw.IntegrityError:
            log.info("Reminder for trip %s, user %s already settled elsewhere", trip_id, recipient_id)
            continue
        sent += 1
    return sent


# --- the passenger's answers ---------------------------------------------------------------


def rider_seat(actor_telegram_id: int, trip_id: int, now: datetime | None = None) -> Participant:
    """The actor's seat in a trip still open (not cancelled, not over). Anything else —
    a forged trip id, someone without a seat — is refused and logged."""
    actor = require_user(actor_telegram_id)
    trip = Trip.get_or_none(Trip.id == trip_id) if is_row_id(trip_id) else None
    if trip is None:
        log.warning("Refused reminder answer: user %s, no trip %s", tg(actor_telegram_id), trip_id)
        raise NotFound(TRIP_GONE)
    seat = Participant.get_or_none((Participant.trip == trip.id) & (Participant.passenger == actor.id))
    if seat is None:
        log.warning("Refused reminder answer: user %s has no seat in trip %s", tg(actor_telegram_id), trip_id)
        raise PermissionDenied("error-no-seat")
    require_open(trip, until="end", now=now)
    seat.trip, seat.passenger = trip, actor
    return seat


def reminded_seat(actor_telegram_id: int, trip_id: int, now: datetime | None = None
                  ) -> tuple[Participant, SentReminder]:
    """`rider_seat`, and the latest reminder this passenger was sent for the trip: the one
    an answer counts for. A press before any reminder was sent (forged, or a keyboard from
    elsewhere) is refused."""
    seat = rider_seat(actor_telegram_id, trip_id, now)
    reminder = (
        SentReminder.select()
        .where((SentReminder.trip == seat.trip.id) & (SentReminder.recipient == seat.passenger.id)
               & (SentReminder.superseded == False))  # noqa: E712 - SQL, not Python
        .order_by(SentReminder.due_at.desc(), SentReminder.id.desc())
        .first()
    )
    if reminder is None:
        log.warning("Refused reminder answer: user %s got no reminder for trip %s", tg(actor_telegram_id), trip_id)
        raise Conflict("error-no-reminder-yet")
    return seat, reminder


def tell_driver(actor_telegram_id: int, trip_id: int, action: str) -> bool:
    """'On my way' or 'Running late' from a seated passenger, to the driver (outbox), once
    per reminder and answer. Returns False when this answer to this reminder was already
    told (a second press, a second phone, a forged press): nobody is told again."""
    if action not in (WAY, LATE):
        raise ValueError(f"unknown answer {action!r}")
    told = SentReminder.told_way_at if action == WAY else SentReminder.told_late_at
    with db.atomic():
        seat, reminder = reminded_seat(actor_telegram_id, trip_id)
        first = (SentReminder.update({told: utcnow()})
                 .where((SentReminder.id == reminder.id) & told.is_null()).execute())
        if not first:
            return False
        trip, point = seat.trip, seat.pickup_point
        outbox.notify(User.get_by_id(trip.driver_id), f"rider_{action}", trip=trip, passenger=seat.passenger.id,
                      destination=trip.destination, address=point.address, time=point.time)
    return True


# --- closing finished trips ----------------------------------------------------------------


def close_finished_trips(now: datetime | None = None) -> int:
    """Mark open trips whose last pickup has passed as done. Returns how many."""
    now = now or utcnow()
    finished = (Trip.status == TRIP_OPEN) & (Trip.ends_at <= now)
    with db.atomic():
        ids = [t for (t,) in Trip.select(Trip.id).where(finished).tuples()]
        if not ids:
            return 0
        Trip.update(status=TRIP_DONE, version=Trip.version + 1, updated_at=now).where(Trip.id.in_(ids)).execute()
        for trip_id in ids:
            club.touch(trip_id, now)  # the club chat's post says it is over; the board drops it
        return len(ids)
