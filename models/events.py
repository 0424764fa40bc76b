"""Club events (issue #21): trainings, games, anything the club rides to.

Who manages them: club admins only — the Telegram ids in CLUB_ADMINS and the administrators
of the club chat. `models` cannot ask Telegram, so the caller passes that set as `admins`
(`frozenset[int]` of Telegram ids; the dialogs get it from handler data, `club_admins`) and
every managing operation checks it with `require_admin`.

What they do:
- `create_event(actor_tid, draft, tz, admins, key=None)`: one event, idempotent with the
  create dialog's intent `key` (as `trips.create_trip`). A weekly event starts a series (its
  `series` is itself).
- `edit_event(actor_tid, event_id, draft, tz, admins)`: the drivers of its open trips (and of
  their ways back), the players seated in them and its open requesters get one "event_changed"
  notification each (`concerned`; params: `event`, `title`, `date`, `changes` — {field:
  [old, new]} for title, kind, venue, date, time). Trips keep
  their own date and times: their drivers decide. Switching `weekly` off ends the series
  after this occurrence; on, starts one (or continues it).
- `cancel_event(actor_tid, event_id, reason="", tz=None, admins=frozenset())`: "event_cancelled"
  to the same people (params `event`, `title`, `date`, `reason`): the drivers hear that their
  car's event is cancelled, but their trips stay open, they decide (the card marks the event
  cancelled); requests stay as they are (nobody rides to a cancelled event: the lists skip it).
- `roll_weekly(now, tz) -> int`: the scheduler's: a weekly series whose latest occurrence
  has started gets its next one (the first week whose start is still ahead), once: the
  unique (series, date) index settles two schedulers racing.
- `suggested_pickup(event) -> time`: a pickup time for a trip to it (`PICKUP_LEAD` before
  the start, never before midnight).

Ride requests and alerts: `models.requests`; what happens to them when a trip is created or
joined: `models.matching`; what the screens read: `models.queries` (events section).

The API as built, for the dialogs (F1's notes where it differs from or adds to the shared design):
- Locks: every operation that reads "who still needs a ride" and changes it takes the
  event's lock (`rules.event_lock` / `rules.locked_event`), after the trip's lock when both.
- `requests.request_free(actor_tid, day, destination, area="", tz=UTC)`: `tz` added (the date
  check needs the club's today). `requests.going_alone` is refused like a request while the
  player has a seat in, or drives, an open trip to the event (Conflict "error-request-seated"
  / "error-request-driving").
- `trips.create_trip(..., event_id=None)`: the event must be open and not started (NotFound
  "error-event-gone", Conflict "error-event-cancelled[-because]" / "error-event-started").
- Templates: `TemplateDraft.event_id`; `templates.draft_from_trip` fills it with the trip's
  event's series (None for a one-off event); `queries.next_in_series(template.event_id)` is
  the occurrence to use.
- Queries: `upcoming_events(now, limit)` → `EventRow` (an `EventChoice` with weekly, cars,
  free_seats, need_ride); `event_choices(now, limit=6)` → [(id, EventChoice)];
  `event_card(event_id, viewer_tid)` → `EventCard` (event; trips: `EventTrip`, a `TripRow`
  with driver_id, driver_forgotten, departs_at and points: `EventPoint`(id, address, time,
  riders); needs: `Need`(request_id, user_id, first_name, forgotten, area); my_request,
  my_seat_trip_id, is_driving; `.summary`, `.started`, `.cancelled`, `.needs_ride`);
  `event_summary(id)` / `event_summaries(ids)` → `EventSummary`(cars, free_seats,
  need_ride); `my_requests(tid)` → [`RequestRow`]; `my_request(tid, request_id)`;
  `my_alerts(tid)` → [`AlertRow`]; `has_alert(tid, event_id)`; `event(id)`, `event_exists(id)`.
- Notification kinds: "event_changed", "event_cancelled", "ride_requests" (params
  {"event": id} exactly: the batching compares them), "event_new_trip", "alert_new_trip";
  rendered in `dialogs.notifications` with a "🏐 Open event" button (`nt:event:<id>`).
- /forget_me deletes the player's requests and alerts (`models.privacy`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import peewee as pw

from . import club, outbox
from .base import db, utcnow
from .cleaning import clean_text
from .errors import Conflict, NotFound, PermissionDenied, ValidationError
from .logids import tg
from .rules import EVENT_GONE, EVENT_STARTED, event_lock, is_row_id
from .tables import (
    EVENT_CANCELLED, EVENT_KINDS, EVENT_OPEN, REQUEST_OPEN, TRIP_OPEN, Event, Participant, RideRequest, Trip, User,
)
from .manage import validate_reason
from .trips import _length, has_passed, to_utc, validate_date
from .users import require_user

log = logging.getLogger(__name__)

TITLE_MIN, TITLE_MAX = 2, 60
VENUE_MIN, VENUE_MAX = 2, 100
PICKUP_LEAD = timedelta(minutes=45)
NOT_ADMIN = "error-not-admin"


@dataclass
class EventDraft:
    """What the create/edit dialog collected, as plain values (local date and time)."""

    kind: str
    title: str
    venue: str
    date: date
    start_time: time
    weekly: bool = False


def validate_title(raw: str) -> str:
    """2–60 characters ("Away game", "Thursday training"); a ValueError for TextInput."""
    return _length(clean_text(raw), "error-event-title-length", TITLE_MIN, TITLE_MAX)


def validate_venue(raw: str) -> str:
    """The address players go to, 2–100 characters."""
    return _length(clean_text(raw), "error-event-venue-length", VENUE_MIN, VENUE_MAX)


def validate_kind(kind: str) -> str:
    if kind not in EVENT_KINDS:
        raise ValidationError("error-event-kind")
    return kind


def validate_draft(draft: EventDraft, tz: ZoneInfo) -> EventDraft:
    day = validate_date(draft.date, tz)
    if has_passed(day, draft.start_time, tz):
        raise ValidationError("error-event-time-passed", time=f"{draft.start_time:%H:%M}")
    return EventDraft(kind=validate_kind(draft.kind), title=validate_title(draft.title),
                      venue=validate_venue(draft.venue), date=day, start_time=draft.start_time, weekly=bool(draft.weekly))


def is_admin(actor: User | None, admins: frozenset[int]) -> bool:
    return actor is not None and actor.telegram_id in admins


def require_admin(actor: User, admins: frozenset[int]) -> User:
    """Only club admins manage events (`admins`: Telegram ids, see the module's docstring)."""
    if not is_admin(actor, admins):
        log.info("Event management refused to %s: not a club admin", tg(actor.telegram_id))
        raise PermissionDenied(NOT_ADMIN)
    return actor


def _admin(actor_tid: int, admins: frozenset[int]) -> User:
    return require_admin(require_user(actor_tid), admins)


def create_event(actor_tid: int, draft: EventDraft, tz: ZoneInfo, admins: frozenset[int],
                 key: str | None = None) -> Event:
    """Create an event (admins only). `key`: the dialog's intent id; the same confirmation
    delivered again returns the event the first one made."""
    actor = _admin(actor_tid, admins)
    if (made := _created_with(actor, key)) is not None:
        return made
    clean = validate_draft(draft, tz)
    try:
        with db.atomic():
            event = Event.create(kind=clean.kind, title=clean.title, venue=clean.venue, date=clean.date,
                                 start_time=clean.start_time, starts_at=to_utc(clean.date, clean.start_time, tz),
                                 weekly=clean.weekly, created_by=actor, creation_key=key)
            if clean.weekly:
                event.series = event.id
                event.save(only=[Event.series])
            club.touch_boards()
    except pw.IntegrityError:  # the same confirmation, delivered to another replica at once
        if (made := _created_with(actor, key)) is None:
            raise
        return made
    log.info("Event %s (%s, %s) created by %s", event.id, clean.kind, clean.date, tg(actor_tid))
    return event


def _created_with(actor: User, key: str | None) -> Event | None:
    if key is None:
        return None
    return Event.get_or_none((Event.created_by == actor.id) & (Event.creation_key == key))


def _open_event(event: Event | None, now: datetime) -> Event:
    """An event an admin may still change: it exists, is not cancelled, has not started."""
    if event is None:
        raise NotFound(EVENT_GONE)
    if event.status == EVENT_CANCELLED:
        raise Conflict("error-event-cancelled")
    if event.starts_at <= now:
        raise Conflict(EVENT_STARTED)
    return event


def concerned(event_id: int, now: datetime | None = None) -> list[User]:
    """Who hears about a change to the event: the drivers of its open trips not over yet and
    of their open ways back, the players with a seat in any of those cars, and the players
    whose request to it is open; each once. Three subqueries, one query."""
    now = now or utcnow()
    live = (Trip.status == TRIP_OPEN) & (Trip.ends_at > now)
    there = Trip.select(Trip.id).where((Trip.event == event_id) & live)
    cars = Trip.select(Trip.id).where(live & (Trip.id.in_(there) | Trip.outbound.in_(there)))
    drivers = Trip.select(Trip.driver).where(Trip.id.in_(cars))
    riders = Participant.select(Participant.passenger).where(Participant.trip.in_(cars))
    askers = RideRequest.select(RideRequest.passenger).where(
        (RideRequest.event == event_id) & (RideRequest.status == REQUEST_OPEN))
    return list(User.select().where(User.id.in_(drivers) | User.id.in_(riders) | User.id.in_(askers))
                .order_by(User.id))


def edit_event(actor_tid: int, event_id: int, draft: EventDraft, tz: ZoneInfo, admins: frozenset[int]) -> Event:
    """Change an event (admins only); whoever is concerned hears what changed."""
    _admin(actor_tid, admins)
    clean = validate_draft(draft, tz)
    now = utcnow()
    with event_lock(event_id) as event:
        event = _open_event(event, now)
        changes: dict[str, list] = {}
        for name, old, new in (("title", event.title, clean.title), ("kind", event.kind, clean.kind),
                               ("venue", event.venue, clean.venue), ("date", event.date, clean.date),
                               ("time", event.start_time, clean.start_time)):
            if old != new:
                changes[name] = [old, new]
        if not changes and event.weekly == clean.weekly:
            return event
        event.kind, event.title, event.venue = clean.kind, clean.title, clean.venue
        event.date, event.start_time = clean.date, clean.start_time
        event.starts_at = to_utc(clean.date, clean.start_time, tz)
        event.weekly = clean.weekly
        if clean.weekly and event.series_id is None:
            event.series = event.id
        event.version += 1
        event.updated_at = now
        try:
            with db.atomic():
                event.save()
        except pw.IntegrityError:  # moved onto the date of another occurrence of its series
            raise Conflict("error-event-date-taken") from None
        if changes:
            for user in concerned(event.id, now):
                if user.telegram_id != actor_tid:
                    outbox.notify(user, "event_changed", event=event.id, title=event.title, date=event.date,
                                  changes=_json_changes(changes))
        club.touch_boards(now)
    log.info("Event %s edited by %s: %s", event.id, tg(actor_tid), ", ".join(changes) or "weekly")
    return event


def _json_changes(changes: dict[str, list]) -> dict[str, list]:
    return {k: [v.isoformat() if isinstance(v, (date, time)) else v for v in pair] for k, pair in changes.items()}


def cancel_event(actor_tid: int, event_id: int, reason: str = "", tz: ZoneInfo | None = None,
                 admins: frozenset[int] = frozenset()) -> Event:
    """Cancel (never delete) an event (admins only): its drivers, their passengers and its open
    requesters are told (`concerned`); the cars stay open, their drivers decide.
    A weekly series goes on (cancel this week's only); to end it, edit `weekly` off."""
    _admin(actor_tid, admins)
    reason = validate_reason(reason)
    now = utcnow()
    with event_lock(event_id) as event:
        event = _open_event(event, now)
        Event.update(status=EVENT_CANCELLED, cancel_reason=reason, version=Event.version + 1,
                     updated_at=now).where(Event.id == event.id).execute()
        for user in concerned(event.id, now):
            if user.telegram_id != actor_tid:
                outbox.notify(user, "event_cancelled", event=event.id, title=event.title, date=event.date,
                              reason=reason)
        club.touch_boards(now)
    log.info("Event %s cancelled by %s", event.id, tg(actor_tid))
    return Event.get_by_id(event.id)


def roll_weekly(now: datetime | None = None, tz: ZoneInfo = ZoneInfo("UTC")) -> int:
    """Give each weekly series whose latest occurrence has started its next occurrence: the
    same event a week later (or the first week still ahead, after a long stop). Returns how
    many were made. Idempotent: a series whose latest occurrence is ahead is left alone, and
    the unique (series, date) index refuses a second copy made by a racing scheduler."""
    now = now or utcnow()
    latest = (Event.select(Event.series, pw.fn.MAX(Event.date).alias("last"))
              .where(Event.series.is_null(False)).group_by(Event.series))
    due = list(
        Event.select()
        .join(latest, on=((Event.series == latest.c.series_id) & (Event.date == latest.c.last)))
        .where(Event.weekly & (Event.starts_at <= now))
    )
    made = 0
    for last in due:
        day = last.date + timedelta(days=7)
        while to_utc(day, last.start_time, tz) <= now:
            day += timedelta(days=7)
        try:
            with db.atomic():
                Event.create(kind=last.kind, title=last.title, venue=last.venue, date=day,
                             start_time=last.start_time, starts_at=to_utc(day, last.start_time, tz),
                             weekly=True, series=last.series_id, created_by=last.created_by_id)
                club.touch_boards(now)
        except pw.IntegrityError:  # another scheduler made it first
            continue
        made += 1
        log.info("Weekly event %s: the next occurrence on %s", last.series_id, day)
    return made


def suggested_pickup(event: Event) -> time:
    """A pickup time for a trip to `event`: `PICKUP_LEAD` before its start (not before 00:00)."""
    start = datetime.combine(event.date, event.start_time)
    return max(start - PICKUP_LEAD, datetime.combine(event.date, time(0))).time()


def get_event(event_id: int) -> Event:
    """The event (NotFound for a forged or stale id)."""
    event = Event.get_or_none(Event.id == event_id) if is_row_id(event_id) else None
    if event is None:
        raise NotFound(EVENT_GONE)
    return event


__all__ = [
    "EVENT_KINDS", "EVENT_OPEN", "EventDraft", "cancel_event", "concerned", "create_event", "edit_event", "get_event",
    "is_admin", "require_admin", "roll_weekly", "suggested_pickup", "validate_kind", "validate_title",
    "validate_venue",
]
