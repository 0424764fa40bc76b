"""The waiting list of a full trip, and the shared design of issue #22 (seats that find their way).

Every helper of issue #22 codes against what this docstring says; a change to it is decided
and written down here.

## The waiting list (this module)
A player in line is a `WaitEntry` row (`models.tables`): `waiting` in line, `offered` a freed
seat held for them until `offer_expires_at`, then `took`, `left` (left the line, or passed on
the offer), `expired` (let the offer run out) or `cleared` (the trip was cancelled or left).
The line is ordered by id. At most one active (waiting or offered) entry per trip and player.

- `wait_for_seat(actor_tid, trip_id, pickup_point_id) -> int`: joins the line of a full open
  trip not departed yet and returns the position (1-based). Asking again changes the pickup
  point and keeps the place. A trip with a seat free for them is refused
  (`error-waitlist-seats-free`: join it), and so are the driver and a seated passenger.
- `leave_line(actor_tid, trip_id)`; `position(actor_tid, trip_id) -> int | None` (the entries
  still in line up to theirs, offered ones included: "2nd in line" has one player ahead).
- A seat is *promised* while an offer is out: `seats_promised(trip)`. Seats free for anyone
  are `seats - taken - promised`: `rides.join_trip` refuses a newcomer ("the trip is full")
  while the seat is held for the first in line; `queries.TripCard.seats_left` counts the same.
- `seat_freed(trip, now, hold)`: called INSIDE the transaction (trip locked) of every change
  that may free a seat: `rides.leave_trip` (a reminder's "Can't go" too), `manage.remove_passenger`,
  `manage.apply_edit` (seats raised, or seats lost with a removed pickup point),
  `manage.release_unanswered`, `pass_offer`, `leave_line`, `expire_offers`, /forget_me. While
  free seats exceed the outstanding offers the first waiting entry is offered the seat
  (notification `seat_offered`, with "✅ Take the seat" / "🙅 Pass"). Seats lowered under the
  offers withdraw the latest offers (back to waiting, in their place; `offer_withdrawn`).
  Restart-safe: every count is read from the database under the trip's lock and every change
  is a conditional update, so running it twice offers nothing twice.
- The hold: `hold` (default `DEFAULT_HOLD`, 30 min: `WAITLIST_HOLD` in bot/config.py), at most
  half the time left until departure, at least `MIN_HOLD` (5 min) — `offer_hold`. Decision:
  every operation that may offer a seat takes `hold: timedelta | None = None` (None: the
  default); the scheduler and the notices' handlers pass `settings.waitlist_hold`, and so
  should the dialogs (`manager.middleware_data["settings"].waitlist_hold`).
- `accept_offer(actor_tid, trip_id, pickup_point_id=None) -> Participant`: takes the held seat,
  atomic with the seat count under the trip's lock (as `rides.join_trip`); the driver is told
  (`waitlist_took`). The seat is at the entry's pickup point, or `pickup_point_id` (the card may
  let them pick another; needed when their point was removed and the trip has several:
  `error-offer-pick-point`). An offer that ran out is refused (`error-offer-expired`) unless
  nobody else is waiting (the seat would be anyone's). `rides.join_trip` by the player holding
  the offer takes the held seat too (`held_for_others`), and settles their entry.
- `pass_offer(actor_tid, trip_id)`: the entry is `left`, the next one is offered. Decision:
  passing is leaving the line (the player may get in line again, at its end).
- `expire_offers(now, hold) -> int` (scheduler): offers run out → `expired` (notification
  `offer_expired`, `passed_on`: whether the next in line was offered the seat; else it is
  free to anyone), the next in line offered.
- `clear_line(trip, reason)` (inside `manage.cancel_trip`: reason "cancelled") and
  `clear_departed(now) -> int` (scheduler: reason "departed"): the active entries are
  `cleared`, each player told (`waitlist_cleared`).

- What screens read (`queries.trip_card`): `seats_left` (without the promised seats),
  `promised`, `waiting` (players in line), `my_wait` / `position` (the viewer's entry and
  place), `offered` (a seat is held for the viewer: "✅ Take the seat"), `can_wait` ("⏳ Wait
  for a seat": a full open trip still to depart, not theirs, no seat, not in line yet);
  `queries.TripRow.seats_left` in the lists counts the promised seats too.

## Re-confirmation after a change (`models.manage`)
`apply_edit`: a staying passenger whose pickup time moves by more than `RECONFIRM_SHIFT` (15
min), whose point's address changes, or whose trip's date changes gets `Participant.reconfirm =
"asked"` and ONE notification `reconfirm` (what changed, as `trip_changed`'s params, +
"👍 Still OK" / "🚪 Leave the trip") instead of `trip_changed`. `still_ok(actor_tid, trip_id)`
→ "ok" (the driver is not told: the card shows ✅ / ❓ per passenger, `TripCard.reconfirm`);
leaving is `rides.leave_trip`; choosing another pickup point (`rides.change_pickup`) answers
too. `set_release(actor_tid, trip_id, at, tz)`: the driver's "Release unanswered seats at …"
(`at`: a local `time` on the trip's date, or a local `datetime`; None clears it; between now
and the departure). `release_unanswered(now, hold) -> int` (scheduler): at that time the
seats still "asked" are freed, each passenger told (`released`), the time cleared, and
`seat_freed` runs.

## The driver's word (`models.manage`)
`message_passengers(actor_tid, trip_id, text) -> int`: ≤ 300 characters, cleaned like a
comment; `driver_word` to every passenger; refused with nobody aboard
(`error-word-nobody`). `remove_passenger(actor_tid, trip_id, passenger_user_id, reason="")`:
the passenger (a `User.id`) is told (`removed`, with the reason); the seat goes to the line.

## Return legs (`models.trips`, `models.rides`, `models.queries`)
`trips.create_trip(..., outbound_id=…)` makes the return leg of the actor's own outbound trip
(open, not over; one open return per outbound; the return departs after the outbound). Its
pickup points are its drop-off points, the first one its departure place. Its creation key
must differ from the outbound's (unique per driver): the wizard uses `f"{key}.back"`. Decision: the
return leg has no `event` of its own (`event_id` is ignored with `outbound_id`): it belongs to
the outbound's event through `outbound`, so the event's cars, free seats and requests count
the way there only; nobody is told of it as a new car (`matching` skips it).
`rides.join_both(actor_tid, outbound_id, outbound_point_id, return_point_id)` takes both seats
in one transaction, refused as a whole if either is full (`error-trip-full`,
`error-return-full`). `queries.trip_card(...).other_leg` is the linked leg (`LegView`: id,
direction "back" or "out", date, first time and place, seats left, whether the viewer rides).

## Notifications (rendered by dialogs/notifications.py; keys in notifications.ftl)
`seat_offered` (entry, destination, date, address, time, expires: ISO UTC), `offer_expired`,
`offer_withdrawn`, `waitlist_cleared` (reason "cancelled" | "departed"), `waitlist_took` (to the
driver: passenger, seats_left, point), `reconfirm` (changes, destination, date), `released`,
`driver_word` (driver, text, destination, date), `removed` (driver, reason, destination, date).
Their buttons are callback buttons `wl:<action>:<trip id>` (dialogs/waitlist: take, pass,
ok, leave, …), handled like the reminders' answers.

Refusals: catalog keys in dialogs/locales/*/waitlist_errors.ftl.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import NoReturn

import peewee as pw

from . import club, matching, outbox, queries
from .base import utcnow
from .errors import Conflict, PermissionDenied
from .rules import require_open, require_trip, trip_lock
from .tables import (
    TRIP_CANCELLED, TRIP_OPEN, WAIT_ACTIVE, WAIT_CLEARED, WAIT_EXPIRED, WAIT_LEFT, WAIT_OFFERED, WAIT_TOOK,
    WAIT_WAITING, Participant, PickupPoint, Trip, User, WaitEntry,
)
from .users import get_user, require_user

log = logging.getLogger(__name__)

DEFAULT_HOLD = timedelta(minutes=30)  # WAITLIST_HOLD's default
MIN_HOLD = timedelta(minutes=5)
CLEARED_CANCELLED = "cancelled"
CLEARED_DEPARTED = "departed"

NOT_IN_LINE = "error-waitlist-not-in-line"
NO_OFFER = "error-offer-none"
OFFER_EXPIRED = "error-offer-expired"


def offer_hold(departs_at: datetime, now: datetime, hold: timedelta | None = None) -> timedelta:
    """How long a freed seat is held for the one offered it: `hold`, shortened close to
    departure to half the time left, never under `MIN_HOLD`."""
    return max(min(hold or DEFAULT_HOLD, (departs_at - now) / 2), MIN_HOLD)


def _active(trip_id: int) -> pw.Expression:
    return (WaitEntry.trip == trip_id) & WaitEntry.status.in_(WAIT_ACTIVE)


def seats_promised(trip: Trip | int) -> int:
    """Seats held for players offered them (outstanding offers, run out or not: the
    scheduler settles those)."""
    trip_id = trip.id if isinstance(trip, Trip) else trip
    return WaitEntry.select().where((WaitEntry.trip == trip_id) & (WaitEntry.status == WAIT_OFFERED)).count()


def active_entry(user_id: int, trip_id: int) -> WaitEntry | None:
    """The player's entry still in line for the trip (waiting or offered)."""
    return WaitEntry.get_or_none(_active(trip_id) & (WaitEntry.passenger == user_id))


def _position(entry: WaitEntry) -> int:
    return WaitEntry.select().where(_active(entry.trip_id) & (WaitEntry.id <= entry.id)).count()


def position(actor_tid: int, trip_id: int) -> int | None:
    """The player's place in the trip's line (1-based), None when they are not in it."""
    user = get_user(actor_tid)
    entry = active_entry(user.id, trip_id) if user is not None else None
    return _position(entry) if entry is not None else None


def _trip_params(trip: Trip) -> dict:
    return dict(destination=trip.destination, date=trip.departure_date)


def _point_params(point: PickupPoint | None) -> dict:
    return dict(address=point.address, time=point.time) if point is not None else {}


def _is_seated(user_id: int, trip_id: int) -> bool:
    return Participant.select().where((Participant.trip == trip_id) & (Participant.passenger == user_id)).exists()


def _point(trip: Trip, pickup_point_id: int | None) -> PickupPoint | None:
    if pickup_point_id is None:
        return None
    point = PickupPoint.get_or_none((PickupPoint.id == pickup_point_id) & (PickupPoint.trip == trip.id))
    if point is None:
        raise Conflict("error-pickup-gone")
    return point


# --- joining and leaving the line -------------------------------------------------------------


def wait_for_seat(actor_tid: int, trip_id: int, pickup_point_id: int) -> int:
    """Get in line for a seat in a full trip, to get in at `pickup_point_id`. Returns the
    position. Asking again (another point) keeps the place."""
    actor = require_user(actor_tid)
    with trip_lock(trip_id) as trip:
        trip = require_open(trip)
        if trip.driver_id == actor.id:
            raise PermissionDenied("error-own-trip")
        if _is_seated(actor.id, trip.id):
            raise Conflict("error-seat-taken-already")
        point = _point(trip, pickup_point_id)
        entry = active_entry(actor.id, trip.id)
        if entry is None:
            if trip.seats - queries.seats_taken(trip.id) - seats_promised(trip) > 0:
                raise Conflict("error-waitlist-seats-free")
            entry = WaitEntry.create(trip=trip, passenger=actor, pickup_point=point)
            log.info("Waiting list: user %s in line for trip %s", actor.id, trip.id)
        elif entry.pickup_point_id != point.id:
            WaitEntry.update(pickup_point=point, updated_at=utcnow()).where(WaitEntry.id == entry.id).execute()
        return _position(entry)


def leave_line(actor_tid: int, trip_id: int, *, now: datetime | None = None, hold: timedelta | None = None) -> None:
    """Leave the trip's line (an offer held for them goes to the next one)."""
    actor = require_user(actor_tid)
    now = now or utcnow()
    with trip_lock(trip_id) as trip:
        trip = require_trip(trip)
        entry = active_entry(actor.id, trip.id)
        if entry is None:
            raise Conflict(NOT_IN_LINE)
        _settle(entry, WAIT_LEFT, now)
        if entry.status == WAIT_OFFERED:
            seat_freed(trip, now, hold, released=1)


def _settle(entry: WaitEntry, status: str, now: datetime, *, was: tuple[str, ...] = WAIT_ACTIVE) -> bool:
    """The entry leaves the line as `status`, if it is still `was` (a conditional update)."""
    return bool(WaitEntry.update(status=status, updated_at=now).where(
        (WaitEntry.id == entry.id) & WaitEntry.status.in_(was)).execute())


# --- offers ----------------------------------------------------------------------------------


def seat_freed(trip: Trip | int, now: datetime | None = None, hold: timedelta | None = None, *,
               released: int = 0) -> list[WaitEntry]:
    """Offer the seats free beyond the outstanding offers to the first in line; withdraw the
    latest offers if the seats fell under them. Inside the caller's transaction, the trip
    locked. Returns the entries offered a seat now. `released`: offers the caller has just
    settled (passed, left, run out); when the seats promised end up fewer or more than
    before them, the club chat's post and board are edited (the seats free for anyone)."""
    now = now or utcnow()
    trip = Trip.get_by_id(trip.id if isinstance(trip, Trip) else trip)  # as changed by the caller
    if trip.status != TRIP_OPEN or trip.departs_at <= now:
        return []
    free = max(trip.seats - queries.seats_taken(trip.id), 0)
    promised = seats_promised(trip)
    promised_before = promised + released
    while promised > free:
        _withdraw_latest(trip, now)
        promised -= 1
    offered: list[WaitEntry] = []
    expires = now + offer_hold(trip.departs_at, now, hold)
    while free > promised:
        entry = (WaitEntry.select(WaitEntry, User).join(User)
                 .where((WaitEntry.trip == trip.id) & (WaitEntry.status == WAIT_WAITING))
                 .order_by(WaitEntry.id).first())
        if entry is None:
            break
        if WaitEntry.update(status=WAIT_OFFERED, offered_at=now, offer_expires_at=expires, updated_at=now).where(
                (WaitEntry.id == entry.id) & (WaitEntry.status == WAIT_WAITING)).execute():
            point = PickupPoint.get_or_none(PickupPoint.id == entry.pickup_point_id) if entry.pickup_point_id else None
            outbox.notify(entry.passenger, "seat_offered", trip=trip, entry=entry.id, expires=expires,
                          **_trip_params(trip), **_point_params(point))
            offered.append(entry)
            promised += 1
    if offered:
        log.info("Waiting list: trip %s, a seat offered to entries %s until %s", trip.id,
                 [e.id for e in offered], expires)
    if promised != promised_before:
        club.touch(trip, now)  # "FULL" or the seats left, in the club chat's post and board
    return offered


def _withdraw_latest(trip: Trip, now: datetime) -> None:
    entry = (WaitEntry.select(WaitEntry, User).join(User)
             .where((WaitEntry.trip == trip.id) & (WaitEntry.status == WAIT_OFFERED))
             .order_by(WaitEntry.id.desc()).first())
    WaitEntry.update(status=WAIT_WAITING, offered_at=None, offer_expires_at=None, updated_at=now).where(
        WaitEntry.id == entry.id).execute()
    outbox.notify(entry.passenger, "offer_withdrawn", trip=trip, entry=entry.id, **_trip_params(trip))


def _takeable(entry: WaitEntry, now: datetime) -> bool:
    """An offer still good: in time, or run out with nobody else waiting for the seat."""
    if entry.offer_expires_at is not None and entry.offer_expires_at > now:
        return True
    return not WaitEntry.select().where(
        (WaitEntry.trip == entry.trip_id) & (WaitEntry.status == WAIT_WAITING)).exists()


def held_for_others(trip: Trip, user_id: int, now: datetime | None = None) -> tuple[int, WaitEntry | None]:
    """For a join (the trip locked): the seats held for others (their offers), and the
    joiner's own entry in the line (None: not in it). A seat offered to the joiner, and
    still theirs to take (`_takeable`), is not held from them. One query, as a rule."""
    line = list(WaitEntry.select(WaitEntry.id, WaitEntry.trip, WaitEntry.passenger, WaitEntry.status,
                                 WaitEntry.offer_expires_at).where(_active(trip.id)))
    mine = next((e for e in line if e.passenger_id == user_id), None)
    promised = sum(e.status == WAIT_OFFERED for e in line)
    if mine is not None and mine.status == WAIT_OFFERED and _takeable(mine, now or utcnow()):
        promised -= 1
    return promised, mine


def seated(entry: WaitEntry | None, now: datetime | None = None) -> None:
    """The player of `entry` took a seat in its trip another way (`rides.join_trip`, inside
    its transaction): the entry, offered or waiting, is settled as taken."""
    if entry is not None:
        _settle(entry, WAIT_TOOK, now or utcnow())


def _refuse_no_offer(actor: User, trip: Trip) -> NoReturn:
    """Why there is nothing to take: the player's latest entry in the trip's line says."""
    last = (WaitEntry.select().where((WaitEntry.trip == trip.id) & (WaitEntry.passenger == actor.id))
            .order_by(WaitEntry.id.desc()).first())
    status = last.status if last is not None else None
    if status == WAIT_WAITING:
        raise Conflict("error-offer-not-yet")  # the card shows their place
    if status == WAIT_EXPIRED:
        raise Conflict(OFFER_EXPIRED)
    if status == WAIT_TOOK:
        raise Conflict("error-seat-taken-already")
    if status == WAIT_LEFT:
        raise Conflict("error-offer-passed")
    raise Conflict(NO_OFFER)


def accept_offer(actor_tid: int, trip_id: int, pickup_point_id: int | None = None,
                 now: datetime | None = None) -> Participant:
    """Take the seat offered: atomic with the seat count under the trip's lock. The driver
    is told who took it."""
    actor = require_user(actor_tid)
    now = now or utcnow()
    with trip_lock(trip_id) as trip:
        trip = require_open(trip, now=now)
        entry = WaitEntry.get_or_none((WaitEntry.trip == trip.id) & (WaitEntry.passenger == actor.id)
                                      & (WaitEntry.status == WAIT_OFFERED))
        if entry is None:
            _refuse_no_offer(actor, trip)
        if not _takeable(entry, now):
            raise Conflict(OFFER_EXPIRED)
        if _is_seated(actor.id, trip.id):
            _settle(entry, WAIT_TOOK, now)
            raise Conflict("error-seat-taken-already")
        matching.require_one_car(actor, trip)  # seated in another car to the event meanwhile
        point = _point(trip, pickup_point_id) or _entry_point(entry, trip)
        taken = queries.seats_taken(trip.id)
        if taken >= trip.seats:  # cannot happen while offers follow the seats; never overbook
            log.error("Waiting list: trip %s offered entry %s a seat it does not have", trip.id, entry.id)
            raise Conflict("error-trip-full")
        seat = Participant.create(trip=trip, passenger=actor, pickup_point=point, joined_at=now)
        _settle(entry, WAIT_TOOK, now)
        matching.seat_taken(trip, actor, now)
        outbox.notify(trip.driver, "waitlist_took", trip=trip, passenger=actor.id,
                      seats_left=trip.seats - taken - 1, **_trip_params(trip), **_point_params(point))
        club.touch(trip)
    return seat


def _entry_point(entry: WaitEntry, trip: Trip) -> PickupPoint:
    """Where the player asked to get in; their point removed since: the trip's only point, or
    they pick one."""
    if entry.pickup_point_id is not None:
        point = PickupPoint.get_or_none(PickupPoint.id == entry.pickup_point_id)
        if point is not None:
            return point
    points = list(PickupPoint.select().where(PickupPoint.trip == trip.id).limit(2))
    if len(points) != 1:
        raise Conflict("error-offer-pick-point")
    return points[0]


def pass_offer(actor_tid: int, trip_id: int, *, now: datetime | None = None, hold: timedelta | None = None) -> None:
    """Say no to the seat offered: out of the line, the next one is offered."""
    actor = require_user(actor_tid)
    now = now or utcnow()
    with trip_lock(trip_id) as trip:
        trip = require_trip(trip)
        entry = WaitEntry.get_or_none((WaitEntry.trip == trip.id) & (WaitEntry.passenger == actor.id)
                                      & (WaitEntry.status == WAIT_OFFERED))
        if entry is None:
            _refuse_no_offer(actor, trip)
        _settle(entry, WAIT_LEFT, now, was=(WAIT_OFFERED,))
        seat_freed(trip, now, hold, released=1)


# --- the scheduler -----------------------------------------------------------------------------


def expire_offers(now: datetime | None = None, hold: timedelta | None = None) -> int:
    """Offers that ran out become `expired` (each player told), and the next in line is
    offered the seat. One transaction per trip. Returns how many offers ran out."""
    now = now or utcnow()
    due = (WaitEntry.status == WAIT_OFFERED) & (WaitEntry.offer_expires_at <= now)
    trip_ids = [t for (t,) in WaitEntry.select(WaitEntry.trip).where(due).distinct().tuples()]
    count = 0
    for trip_id in trip_ids:
        with trip_lock(trip_id) as trip:
            if trip is None:  # deleted meanwhile, its line with it
                continue
            ran_out = [entry for entry in WaitEntry.select(WaitEntry, User).join(User)
                       .where(due & (WaitEntry.trip == trip_id)).order_by(WaitEntry.id)
                       if _settle(entry, WAIT_EXPIRED, now, was=(WAIT_OFFERED,))]
            offered = seat_freed(trip, now, hold, released=len(ran_out))
            for n, entry in enumerate(ran_out):
                # passed_on: the seat went to the next in line; else nobody waits: it is anyone's
                outbox.notify(entry.passenger, "offer_expired", trip=trip_id, entry=entry.id,
                              passed_on=n < len(offered), **_trip_params(trip))
            count += len(ran_out)
    if count:
        log.info("Waiting list: %d offer(s) ran out", count)
    return count


def clear_line(trip: Trip, reason: str, now: datetime | None = None) -> int:
    """Close the trip's line (inside the caller's transaction, the trip locked): every
    active entry is `cleared` and its player told why (`CLEARED_CANCELLED`, `CLEARED_DEPARTED`)."""
    now = now or utcnow()
    count = 0
    for entry in WaitEntry.select(WaitEntry, User).join(User).where(_active(trip.id)).order_by(WaitEntry.id):
        if _settle(entry, WAIT_CLEARED, now):
            outbox.notify(entry.passenger, "waitlist_cleared", trip=trip, entry=entry.id, reason=reason,
                          **_trip_params(trip))
            count += 1
    return count


def clear_departed(now: datetime | None = None) -> int:
    """The scheduler's: the lines of trips that have left (or are no longer open) are
    closed, each player told. One transaction per trip. Returns how many entries."""
    now = now or utcnow()
    gone = (Trip.departs_at <= now) | (Trip.status != TRIP_OPEN)
    trip_ids = [t for (t,) in WaitEntry.select(WaitEntry.trip).join(Trip)
                .where(WaitEntry.status.in_(WAIT_ACTIVE) & gone).distinct().tuples()]
    count = 0
    for trip_id in trip_ids:
        with trip_lock(trip_id) as trip:
            if trip is None:
                continue
            reason = CLEARED_CANCELLED if trip.status == TRIP_CANCELLED else CLEARED_DEPARTED
            count += clear_line(trip, reason, now)
    return count


def leave_every_line(user: User, now: datetime | None = None, hold: timedelta | None = None) -> int:
    """/forget_me: the player leaves every line (inside the caller's transaction); a seat
    offered to them goes to the next one."""
    now = now or utcnow()
    count = 0
    for entry in WaitEntry.select().where((WaitEntry.passenger == user.id) & WaitEntry.status.in_(WAIT_ACTIVE)):
        with trip_lock(entry.trip_id) as trip:
            if _settle(entry, WAIT_LEFT, now):
                count += 1
                if entry.status == WAIT_OFFERED:
                    seat_freed(trip, now, hold, released=1)
    return count
