"""Drivers manage their trips: edit (one transaction, with the notifications) and cancel.

An edit is computed against the version of the trip the driver's screen showed
(`base_version`): if another screen of theirs changed the trip meanwhile, the edit is
refused with a Conflict and the driver sees the fresh state. Each passenger gets one
message listing exactly the changes that concern them.
"""

from __future__ import annotations

import html
import logging
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from . import outbox
from .base import utcnow
from .errors import Conflict, NotFound, PermissionDenied, ValidationError
from .logids import tg
from .rides import _trip_lock
from .rules import TRIP_GONE, require_open, require_pickup_count, require_trip
from .tables import TRIP_CANCELLED, Participant, PickupPoint, Trip, User
from .trips import (
    short, to_utc, validate_address, validate_comment, validate_date, validate_destination,
    validate_pickup_time, validate_seats,
)
from .users import require_user

log = logging.getLogger(__name__)
REASON_MAX = 300
DIFF_VALUE_MAX = 100  # characters of one value in the edit diff (the destination's own maximum)


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
            raise ValidationError(f"Moving the times by {minutes:+d} min puts {p.time:%H:%M} on another day: "
                                  "change the date instead.")
        moved.append(PointEdit(p.id, p.address, time(at // 60, at % 60)))
    return moved


def with_shift(edit: TripEdit, points: dict[int, PickupPoint]) -> TripEdit:
    """The edit with its shift applied to its own pickups, or to the trip's `points` if it has none."""
    if not edit.shift_minutes:
        return edit
    base = edit.pickups if edit.pickups is not None else [PointEdit(p.id, p.address, p.time) for p in points.values()]
    return replace(edit, pickups=shift_points(base, edit.shift_minutes), shift_minutes=0)


def require_seats_cover(booked: int, seats: int) -> int:
    """A trip keeps a seat for everyone booked on it: its seats never go below that."""
    if seats < booked:
        are = "passenger is" if booked == 1 else "passengers are"
        raise ValidationError(f"{booked} {are} booked: seats cannot go below {booked}.")
    return seats


def owned_trip(actor: User, trip_id: int, *, action: str = "manage") -> Trip:
    """The trip, if the actor drives it (whatever their current role). Forged attempts are logged."""
    trip = Trip.get_or_none(Trip.id == trip_id)
    if trip is None:
        raise NotFound(TRIP_GONE)
    if trip.driver_id != actor.id:
        log.warning("Refused: user %s tried to %s trip %s of user %s", tg(actor.telegram_id), action, trip.id,
                    trip.driver_id)
        raise PermissionDenied("Only the driver of this trip can change it.")
    return trip


@dataclass
class EditPlan:
    """What an edit would do: the diff lines and whose seats it would cost."""

    lines: list[str]
    removed_passengers: list[User] = field(default_factory=list)
    booked: int = 0


def _fmt_day(day: date) -> str:
    return f"{day:%a %d %b %Y}"


def _points_by_id(trip: Trip) -> dict[int, PickupPoint]:
    return {p.id: p for p in PickupPoint.select().where(PickupPoint.trip == trip.id)}


def plan_edit(actor_telegram_id: int, trip_id: int, edit: TripEdit) -> EditPlan:
    """The diff (old → new) for the driver's confirmation window. Reads only."""
    actor = require_user(actor_telegram_id)
    trip = owned_trip(actor, trip_id, action="edit")
    edit = with_shift(edit, _points_by_id(trip))
    # Values are cut (addresses to 100, comments to 150 characters): ten changed pickup points
    # with 200-character addresses passed Telegram's 4096 and the window could not be shown.
    e = lambda s, limit=DIFF_VALUE_MAX: html.escape(short(str(s), limit), quote=False)  # noqa: E731
    lines = []
    if edit.destination is not None and edit.destination != trip.destination:
        lines.append(f"🏁 Destination: {e(trip.destination)} → {e(edit.destination)}")
    if edit.departure_date is not None and edit.departure_date != trip.departure_date:
        lines.append(f"📅 Date: {_fmt_day(trip.departure_date)} → {_fmt_day(edit.departure_date)}")
    if edit.seats is not None and edit.seats != trip.seats:
        lines.append(f"💺 Seats: {trip.seats} → {edit.seats}")
    if edit.comment is not None and edit.comment != trip.comment:
        lines.append(f"💬 Comment: {e(trip.comment or '—', 150)} → {e(edit.comment or '—', 150)}")
    removed: list[User] = []
    if edit.pickups is not None:
        old = _points_by_id(trip)
        kept = {p.id for p in edit.pickups if p.id is not None}
        for p in edit.pickups:
            if p.id is None:
                lines.append(f"📍 New pickup: {p.time:%H:%M} {e(p.address)}")
            elif p.id in old and (old[p.id].address, old[p.id].time) != (p.address, p.time):
                o = old[p.id]
                lines.append(f"📍 {o.time:%H:%M} {e(o.address)} → {p.time:%H:%M} {e(p.address)}")
        for pid, o in old.items():
            if pid not in kept:
                lines.append(f"📍 Removed: {o.time:%H:%M} {e(o.address)}")
        gone = [pid for pid in old if pid not in kept]
        if gone:
            removed = list(User.select().join(Participant, on=(Participant.passenger == User.id))
                           .where(Participant.pickup_point.in_(gone)).order_by(User.name))
    booked = Participant.select().where(Participant.trip == trip.id).count()
    return EditPlan(lines=lines, removed_passengers=removed, booked=booked)


def apply_edit(
    actor_telegram_id: int, trip_id: int, base_version: int, edit: TripEdit, tz: ZoneInfo,
    expected_losers: list[int] | None = None,
) -> Trip:
    """Write the edit and every passenger's notification in one transaction.

    `expected_losers`: Telegram ids of the passengers the driver was told would lose their seat
    (none when no warning was shown). Passengers join and leave without changing the trip's
    version, so if the removal would now cost someone else their seat, the edit is refused.
    """
    actor = require_user(actor_telegram_id)
    with _trip_lock(trip_id) as locked:
        require_trip(locked)
        trip = require_open(owned_trip(actor, trip_id, action="edit"))
        if trip.version != base_version:
            raise Conflict("This trip was changed on another screen meanwhile. Here is its current state; "
                           "make your changes again.")
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
                raise Conflict("A pickup point changed meanwhile. Open the trip again.")
            new_points = [PointEdit(p.id, validate_address(p.address), p.time) for p in edit.pickups]
        else:
            new_points = [PointEdit(p.id, p.address, p.time) for p in old_points.values()]
        if edit.departure_date is not None or edit.pickups is not None:
            for p in new_points:
                validate_pickup_time(day, p.time, tz)

        kept_ids = {p.id for p in new_points if p.id is not None}
        removed_ids = [pid for pid in old_points if pid not in kept_ids]
        seats_taken = list(Participant.select(Participant, User).join(User).where(Participant.trip == trip.id))
        losing = [s for s in seats_taken if s.pickup_point_id in removed_ids]
        staying = [s for s in seats_taken if s.pickup_point_id not in removed_ids]
        if expected_losers is not None and {s.passenger.telegram_id for s in losing} != set(expected_losers):
            raise Conflict("Passengers joined or left the pickup points you are removing meanwhile. "
                           "Here is the current state; check it and confirm again.")
        require_seats_cover(len(staying), seats)

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
        times = [to_utc(day, p.time, tz) for p in new_points]
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
        for s in staying:
            changes = _changes_for(s, old, old_points, destination, day, comment, new_by_id)
            if changes:
                outbox.notify(s.passenger, "trip_changed", trip=trip, changes=changes, **known)
    return Trip.get_by_id(trip_id)


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
    from .trips import clean_text

    reason = clean_text(raw)
    if len(reason) > REASON_MAX:
        raise ValidationError(f"Keep the reason under {REASON_MAX} characters (you sent {len(reason)}).")
    return reason


def cancel_trip(actor_telegram_id: int, trip_id: int, reason: str = "") -> Trip:
    """Cancel (never delete) the trip; every passenger is told once, with the reason."""
    actor = require_user(actor_telegram_id)
    reason = validate_reason(reason)
    with _trip_lock(trip_id) as locked:
        require_trip(locked)
        trip = require_open(owned_trip(actor, trip_id, action="cancel"), until="end")
        Trip.update(status=TRIP_CANCELLED, cancel_reason=reason, version=Trip.version + 1,
                    updated_at=utcnow()).where(Trip.id == trip.id).execute()
        for seat in Participant.select(Participant, User).join(User).where(Participant.trip == trip.id):
            outbox.notify(seat.passenger, "trip_cancelled", trip=trip, destination=trip.destination,
                          date=trip.departure_date, cancel_reason=reason)
    return Trip.get_by_id(trip_id)


@dataclass
class DrivenRow:
    trip_id: int
    destination: str
    departure_date: date
    first_pickup: time | None
    seats: int
    taken: int
    status: str


def driven_trips(actor_telegram_id: int, now: datetime | None = None) -> list[DrivenRow]:
    """The driver's upcoming trips (cancelled ones too, until their time) with passenger counts."""
    import peewee as pw

    now = now or utcnow()
    taken = Participant.select(pw.fn.COUNT(Participant.id)).where(Participant.trip == Trip.id)
    first = PickupPoint.select(pw.fn.MIN(PickupPoint.time)).where(PickupPoint.trip == Trip.id)
    query = (
        Trip.select(Trip.id, Trip.destination, Trip.departure_date, Trip.seats, Trip.status,
                    taken.alias("taken"), first.alias("first"))
        .join(User)
        .where((User.telegram_id == actor_telegram_id) & (Trip.ends_at > now) & (Trip.status != "done"))
        .order_by(Trip.departs_at, Trip.id)
        .dicts()
    )
    return [
        DrivenRow(r["id"], r["destination"], r["departure_date"], PickupPoint.time.python_value(r["first"]),
                  r["seats"], r["taken"] or 0, r["status"])
        for r in query
    ]


def passenger_telegram_ids(trip_id: int) -> list[int]:
    return [u.telegram_id for u in User.select(User.telegram_id).join(Participant, on=(Participant.passenger == User.id))
            .where(Participant.trip == trip_id)]
