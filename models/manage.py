"""Drivers manage their trips: edit (one transaction, with the notifications) and cancel;
and, issue #22, ask "Still OK?" after a change (release the unanswered seats at a time), say a
word to the car, remove a passenger (see `models.waitlist` for the issue's design).

An edit is computed against the version of the trip the driver's screen showed
(`base_version`): if another screen of theirs changed the trip meanwhile, the edit is
refused with a Conflict and the driver sees the fresh state. Each passenger gets one
message listing exactly the changes that concern them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from . import club, outbox, queries, requests, waitlist
from .base import utcnow
from .cleaning import clean_text
from .errors import Conflict, NotFound, PermissionDenied, ValidationError
from .logids import tg
from .rules import TRIP_GONE, is_row_id, require_open, require_pickup_count, require_trip, trip_lock
from .tables import (
    RECONFIRM_ASKED, RECONFIRM_OK, TRIP_CANCELLED, TRIP_OPEN, Participant, PickupPoint, Trip, User,
)
from .trips import (
    LegTimes, legs_lock, other_open_leg, require_in_order_with_other_leg, to_utc, validate_address, validate_comment, validate_date, validate_destination, validate_pickup_time,
    validate_seats,
)
from .users import require_user

log = logging.getLogger(__name__)
REASON_MAX = 300
WORD_MAX = 300  # the driver's word to the car
RECONFIRM_SHIFT = timedelta(minutes=15)  # a pickup moved by more asks "Still OK?"


@dataclass
class PointEdit:
    id: int | None  # None: a new point
    address: str
    time: time


@dataclass
class TripEdit:
    """The fields to change; None leaves a field as it is."""

    destination: str | None = None
    departure_date: date | None = None
    seats: int | None = None
    comment: str | None = None
    pickups: list[PointEdit] | None = None
    shift_minutes: int = 0  # every pickup time (of `pickups`, or the trip's) moved by this much

    @property
    def empty(self) -> bool:
        fields = (self.destination, self.departure_date, self.seats, self.comment, self.pickups)
        return all(v is None for v in fields) and not self.shift_minutes


def shift_points(points: list[PointEdit], minutes: int) -> list[PointEdit]:
    """Every pickup time moved by `minutes`, in time order. A time pushed onto another day is
    refused: that is a change of date."""
    moved = []
    for p in sorted(points, key=lambda p: p.time):
        at = p.time.hour * 60 + p.time.minute + minutes
        if not 0 <= at < 24 * 60:
            raise ValidationError("error-shift-other-day", shift=f"{minutes:+d}", time=f"{p.time:%H:%M}")
        moved.append(PointEdit(p.id, p.address, time(at // 60, at % 60)))
    return moved


def _as_edit(point: PickupPoint) -> PointEdit:
    return PointEdit(point.id, point.address, point.time)


def with_shift(edit: TripEdit, points: dict[int, PickupPoint]) -> TripEdit:
    """The edit with its shift applied to its own pickups, or to the trip's `points` if it has none."""
    if not edit.shift_minutes:
        return edit
    base = edit.pickups if edit.pickups is not None else [_as_edit(p) for p in points.values()]
    return replace(edit, pickups=shift_points(base, edit.shift_minutes), shift_minutes=0)


def require_seats_cover(booked: int, seats: int) -> int:
    """A trip keeps a seat for everyone booked on it: its seats never go below that."""
    if seats < booked:
        raise ValidationError("error-seats-below-booked", booked=booked)
    return seats


def owned_trip(actor: User, trip_id: int, *, action: str = "manage") -> Trip:
    """The trip, if the actor drives it (whatever their current role). Forged attempts are logged."""
    trip = Trip.get_or_none(Trip.id == trip_id)
    if trip is None:
        raise NotFound(TRIP_GONE)
    if trip.driver_id != actor.id:
        log.warning("Refused: user %s tried to %s trip %s of user %s", tg(actor.telegram_id), action, trip.id,
                    trip.driver_id)
        raise PermissionDenied("error-not-the-driver")
    return trip


@dataclass(frozen=True)
class Change:
    """One change an edit makes, as values (the edit window words them): `what` is "destination",
    "date", "seats", "comment" or "pickup". A pickup's `old` and `new` are `PointEdit`s: `old`
    None for a new point, `new` None for a removed one."""

    what: str
    old: Any
    new: Any


@dataclass
class EditPlan:
    """What an edit would do: what it changes and whose seats it would cost."""

    changes: list[Change]
    removed_passengers: list[User] = field(default_factory=list)
    booked: int = 0


def _points_by_id(trip: Trip) -> dict[int, PickupPoint]:
    return {p.id: p for p in PickupPoint.select().where(PickupPoint.trip == trip.id)}


def _pickup_changes(old: dict[int, PickupPoint], new: list[PointEdit]) -> list[Change]:
    """New points, moved or renamed ones, then the removed ones."""
    changes = [
        Change("pickup", None, p) if p.id is None else Change("pickup", _as_edit(old[p.id]), p)
        for p in new
        if p.id is None or (p.id in old and (old[p.id].address, old[p.id].time) != (p.address, p.time))
    ]
    kept = {p.id for p in new if p.id is not None}
    return changes + [Change("pickup", _as_edit(o), None) for pid, o in old.items() if pid not in kept]


def plan_edit(actor_telegram_id: int, trip_id: int, edit: TripEdit) -> EditPlan:
    """What the edit changes (old → new) for the driver's confirmation window. Reads only."""
    actor = require_user(actor_telegram_id)
    trip = owned_trip(actor, trip_id, action="edit")
    points = _points_by_id(trip)
    edit = with_shift(edit, points)
    fields = (("destination", trip.destination, edit.destination), ("date", trip.departure_date, edit.departure_date),
              ("seats", trip.seats, edit.seats), ("comment", trip.comment, edit.comment))
    changes = [Change(what, old, new) for what, old, new in fields if new is not None and new != old]
    removed: list[User] = []
    if edit.pickups is not None:
        changes += _pickup_changes(points, edit.pickups)
        gone = [c.old.id for c in changes if c.what == "pickup" and c.new is None]
        if gone:
            removed = list(User.select().join(Participant, on=(Participant.passenger == User.id))
                           .where(Participant.pickup_point.in_(gone)).order_by(User.name))
    return EditPlan(changes=changes, removed_passengers=removed, booked=queries.seats_taken(trip.id))


def apply_edit(
    actor_telegram_id: int, trip_id: int, base_version: int, edit: TripEdit, tz: ZoneInfo,
    expected_losers: list[int] | None = None, *, hold: timedelta | None = None,
) -> Trip:
    """Write the edit and every passenger's notification in one transaction.

    `expected_losers`: Telegram ids of the passengers the driver was told would lose their seat
    (none when no warning was shown). Passengers join and leave without changing the trip's
    version, so if the removal would now cost someone else their seat, the edit is refused.

    Issue #22: a passenger whose pickup moves by more than `RECONFIRM_SHIFT`, whose pickup
    address changes or whose date changes is asked "Still OK?" (`reconfirm`, instead of
    `trip_changed`); seats freed or added go to the waiting list (`waitlist.seat_freed`,
    holding them `hold`).
    """
    actor = require_user(actor_telegram_id)
    with legs_lock(trip_id) as locked:
        require_trip(locked)
        trip = require_open(owned_trip(actor, trip_id, action="edit"))
        if trip.version != base_version:
            raise Conflict("error-trip-changed-meanwhile")
        old_points = _points_by_id(trip)
        edit = with_shift(edit, old_points)
        old = {"destination": trip.destination, "date": trip.departure_date, "comment": trip.comment}

        destination = validate_destination(edit.destination) if edit.destination is not None else trip.destination
        day = validate_date(edit.departure_date, tz) if edit.departure_date is not None else trip.departure_date
        seats = validate_seats(edit.seats) if edit.seats is not None else trip.seats
        comment = validate_comment(edit.comment) if edit.comment is not None else trip.comment
        if edit.pickups is not None:
            require_pickup_count(len(edit.pickups))
            if any(p.id is not None and p.id not in old_points for p in edit.pickups):
                raise Conflict("error-pickup-changed-meanwhile")
            new_points = [PointEdit(p.id, validate_address(p.address), p.time) for p in edit.pickups]
        else:
            new_points = [_as_edit(p) for p in old_points.values()]
        if edit.departure_date is not None or edit.pickups is not None:
            for p in new_points:
                validate_pickup_time(day, p.time, tz)

        kept_ids = {p.id for p in new_points if p.id is not None}
        removed_ids = [pid for pid in old_points if pid not in kept_ids]
        seats_taken = list(Participant.select(Participant, User).join(User).where(Participant.trip == trip.id))
        losing = [s for s in seats_taken if s.pickup_point_id in removed_ids]
        staying = [s for s in seats_taken if s.pickup_point_id not in removed_ids]
        if expected_losers is not None and {s.passenger.telegram_id for s in losing} != set(expected_losers):
            raise Conflict("error-removed-pickups-changed")
        require_seats_cover(len(staying), seats)
        times = [to_utc(day, p.time, tz) for p in new_points]
        require_in_order_with_other_leg(trip, LegTimes(min(times), max(times)))

        # write
        for p in new_points:
            if p.id is None:
                p.id = PickupPoint.create(trip=trip, address=p.address, time=p.time).id
            else:
                PickupPoint.update(address=p.address, time=p.time).where(PickupPoint.id == p.id).execute()
        for position, p in enumerate(sorted(new_points, key=lambda x: x.time)):
            PickupPoint.update(position=position).where(PickupPoint.id == p.id).execute()
        for s in losing:
            s.delete_instance()
        if removed_ids:
            PickupPoint.delete().where(PickupPoint.id.in_(removed_ids)).execute()
        Trip.update(
            destination=destination, departure_date=day, seats=seats, comment=comment,
            departs_at=min(times), ends_at=max(times), version=Trip.version + 1, updated_at=utcnow(),
        ).where(Trip.id == trip.id).execute()

        # tell each passenger what concerns them (the trip as they knew it, and what changed)
        new_by_id = {p.id: p for p in new_points}
        known = dict(destination=old["destination"], date=old["date"])
        for s in losing:
            point = old_points[s.pickup_point_id]
            outbox.notify(s.passenger, "seat_removed", trip=trip, driver=actor.id, address=point.address,
                          time=point.time, **known)
        now = utcnow()
        if losing:  # they need a ride to the event again
            requests.reopen_for(trip, now, [s.passenger_id for s in losing])
        for s in staying:
            changes = _changes_for(s, old, old_points, destination, day, comment, new_by_id)
            if changes and _needs_reconfirm(changes):
                Participant.update(reconfirm=RECONFIRM_ASKED, asked_at=now).where(Participant.id == s.id).execute()
                outbox.notify(s.passenger, "reconfirm", trip=trip, changes=changes, **known)
            elif changes:
                outbox.notify(s.passenger, "trip_changed", trip=trip, changes=changes, **known)
        waitlist.seat_freed(trip, now, hold)  # seats added or lost with a point go to the line
        club.touch(trip)  # the club chat's post and board show the trip as it is now
    return Trip.get_by_id(trip_id)


def _needs_reconfirm(changes: dict) -> bool:
    """A change the passenger should confirm: another date, another pickup address, or a
    pickup time moved by more than `RECONFIRM_SHIFT`."""
    if "date" in changes or "address" in changes:
        return True
    if "time" not in changes:
        return False
    before, after = changes["time"]
    moved = abs((after.hour * 60 + after.minute) - (before.hour * 60 + before.minute))
    return moved > RECONFIRM_SHIFT.total_seconds() // 60


def _changes_for(seat, old, old_points, destination, day, comment, new_by_id) -> dict:
    """What concerns this passenger: {field: [old, new]} (the comment: its new text only)."""
    changes: dict = {}
    if destination != old["destination"]:
        changes["destination"] = [old["destination"], destination]
    if day != old["date"]:
        changes["date"] = [old["date"], day]
    before, after = old_points[seat.pickup_point_id], new_by_id[seat.pickup_point_id]
    if before.time != after.time:
        changes["time"] = [before.time, after.time]
    if before.address != after.address:
        changes["address"] = [before.address, after.address]
    if comment != old["comment"]:
        changes["comment"] = comment
    return changes


def validate_reason(raw: str) -> str:
    reason = clean_text(raw)
    if len(reason) > REASON_MAX:
        raise ValidationError("error-reason-length", most=REASON_MAX, sent=len(reason))
    return reason


def cancel_trip(actor_telegram_id: int, trip_id: int, reason: str = "") -> Trip:
    """Cancel (never delete) the trip; every passenger is told once, with the reason."""
    actor = require_user(actor_telegram_id)
    reason = validate_reason(reason)
    with trip_lock(trip_id) as locked:
        require_trip(locked)
        trip = require_open(owned_trip(actor, trip_id, action="cancel"), until="end")
        Trip.update(status=TRIP_CANCELLED, cancel_reason=reason, version=Trip.version + 1,
                    updated_at=utcnow()).where(Trip.id == trip.id).execute()
        for seat in Participant.select(Participant, User).join(User).where(Participant.trip == trip.id):
            outbox.notify(seat.passenger, "trip_cancelled", trip=trip, destination=trip.destination,
                          date=trip.departure_date, cancel_reason=reason)
        waitlist.clear_line(trip, waitlist.CLEARED_CANCELLED)  # the players in line are told
        requests.reopen_for(trip, utcnow())  # its passengers need a ride to the event again
        club.touch(trip)  # "❌ Cancelled: reason" in the club chat
    return Trip.get_by_id(trip_id)


def cancel_both(actor_telegram_id: int, trip_id: int, reason: str = "") -> list[Trip]:
    """"❌ Cancel both ways" from either leg: the trip and its linked leg (when that one is open
    and still to depart) are cancelled (`cancel_trip`, each passenger told once) in one
    transaction — both or neither. Returns the trips cancelled, the way there first."""
    with legs_lock(trip_id) as locked:
        trip = require_trip(locked)
        other = other_open_leg(trip)
        legs = [trip] if other is None or other.departs_at <= utcnow() else (
            [other, trip] if trip.outbound_id is not None else [trip, other])
        return [cancel_trip(actor_telegram_id, leg.id, reason) for leg in legs]


# --- re-confirmation after a change (issue #22) -----------------------------------------------


def _seat_of(actor: User, trip: Trip) -> Participant:
    seat = Participant.get_or_none((Participant.trip == trip.id) & (Participant.passenger == actor.id))
    if seat is None:
        raise Conflict("error-no-seat")
    return seat


def still_ok(actor_telegram_id: int, trip_id: int) -> Participant:
    """"👍 Still OK" after the driver's change: the seat is confirmed ("ok"). Quiet: the driver
    sees it on the card. A seat nobody asked about stays as it is."""
    actor = require_user(actor_telegram_id)
    with trip_lock(trip_id) as trip:
        trip = require_open(trip, until="end")
        seat = _seat_of(actor, trip)
        if seat.reconfirm == RECONFIRM_ASKED:
            seat.reconfirm = RECONFIRM_OK
            seat.save(only=[Participant.reconfirm])
    return seat


def set_release(actor_telegram_id: int, trip_id: int, at: time | datetime | None, tz: ZoneInfo) -> Trip:
    """The driver's "Release unanswered seats at …": `at` a local time on the trip's date, or a
    local date and time (the evening before); None: never. Between now and the departure."""
    actor = require_user(actor_telegram_id)
    with trip_lock(trip_id) as locked:
        require_trip(locked)
        trip = require_open(owned_trip(actor, trip_id, action="set the release time of"))
        when = None
        if at is not None:
            local = at if isinstance(at, datetime) else datetime.combine(trip.departure_date, at)
            when = to_utc(local.date(), local.time().replace(second=0, microsecond=0), tz)
            if not utcnow() < when < trip.departs_at:
                raise ValidationError("error-release-time")
        Trip.update(release_unanswered_at=when, updated_at=utcnow()).where(Trip.id == trip.id).execute()
    return Trip.get_by_id(trip_id)


def release_unanswered(now: datetime | None = None, hold: timedelta | None = None) -> int:
    """The scheduler's: trips whose release time has come free the seats still waiting for a
    "Still OK?" answer (each passenger told, "released"), and the waiting list gets them. The
    time is cleared in the same transaction: a restart or a second scheduler releases
    nothing twice. One transaction per trip. Returns how many seats were freed."""
    now = now or utcnow()
    due = [t for (t,) in Trip.select(Trip.id).where(
        Trip.release_unanswered_at.is_null(False) & (Trip.release_unanswered_at <= now)).tuples()]
    freed = 0
    for trip_id in due:
        with trip_lock(trip_id) as trip:
            if trip is None or trip.release_unanswered_at is None or trip.release_unanswered_at > now:
                continue  # another scheduler did it
            Trip.update(release_unanswered_at=None).where(Trip.id == trip.id).execute()
            if trip.status != TRIP_OPEN or trip.departs_at <= now:
                continue
            released = []
            for seat in (Participant.select(Participant, User).join(User)
                         .where((Participant.trip == trip.id) & (Participant.reconfirm == RECONFIRM_ASKED))):
                point = seat.pickup_point
                seat.delete_instance()
                outbox.notify(seat.passenger, "released", trip=trip, destination=trip.destination,
                              date=trip.departure_date, address=point.address, time=point.time)
                released.append(seat.passenger_id)
            if released:  # they need a ride to the event again
                requests.reopen_for(trip, now, released)
            freed += len(released)
            waitlist.seat_freed(trip, now, hold)
            club.touch(trip, now)
    if freed:
        log.info("Released %d unanswered seat(s)", freed)
    return freed


# --- the driver's word (issue #22) --------------------------------------------------------------


def validate_word(raw: str) -> str:
    """A message to the car: cleaned like a comment, 1 to `WORD_MAX` characters."""
    text = clean_text(raw, multiline=True)
    if not text:
        raise ValidationError("error-word-empty")
    if len(text) > WORD_MAX:
        raise ValidationError("error-word-length", most=WORD_MAX, sent=len(text))
    return text


def message_passengers(actor_telegram_id: int, trip_id: int, text: str) -> int:
    """The driver's short message to every passenger ("driver_word", through the outbox, with
    the trip's name). Returns how many were told; nobody aboard is refused."""
    actor = require_user(actor_telegram_id)
    text = validate_word(text)
    with trip_lock(trip_id) as locked:
        require_trip(locked)
        trip = require_open(owned_trip(actor, trip_id, action="message the passengers of"), until="end")
        seats = list(Participant.select(Participant, User).join(User).where(Participant.trip == trip.id))
        if not seats:
            raise Conflict("error-word-nobody")
        for seat in seats:
            outbox.notify(seat.passenger, "driver_word", trip=trip, driver=actor.id, word=text,
                          destination=trip.destination, date=trip.departure_date)
    log.info("Trip %s: the driver's word to %d passenger(s)", trip_id, len(seats))
    return len(seats)


def remove_passenger(actor_telegram_id: int, trip_id: int, passenger_user_id: int, reason: str = "", *,
                     hold: timedelta | None = None) -> None:
    """The driver takes a passenger (a `User.id`) off the trip, with a reason they are told
    ("removed"); the seat goes to the waiting list."""
    actor = require_user(actor_telegram_id)
    reason = validate_reason(reason)
    with trip_lock(trip_id) as locked:
        require_trip(locked)
        trip = require_open(owned_trip(actor, trip_id, action="remove a passenger of"), until="end")
        seat = (Participant.select(Participant, User).join(User)
                .where((Participant.trip == trip.id) & (Participant.passenger == passenger_user_id)).first()
                if is_row_id(passenger_user_id) else None)
        if seat is None:
            raise Conflict("error-passenger-gone")
        point = seat.pickup_point
        seat.delete_instance()
        outbox.notify(seat.passenger, "removed", trip=trip, driver=actor.id, remove_reason=reason,
                      destination=trip.destination, date=trip.departure_date, address=point.address,
                      time=point.time)
        waitlist.seat_freed(trip, hold=hold)
        requests.reopen_for(trip, utcnow(), [passenger_user_id])
        club.touch(trip)
    log.info("Trip %s: the driver removed passenger %s", trip_id, passenger_user_id)
