"""Joining and leaving trips (finding them: `models.queries`). A seat can never be overbooked.

The seat check and the insert run in one transaction that first takes the trip's
write lock: `BEGIN IMMEDIATE` on SQLite (the database-wide write lock, taken
before the count), `SELECT … FOR UPDATE` on the trip row on PostgreSQL. Two
passengers racing for the last seat are serialized there; the second one counts
the first one's seat and is told the trip is full. A seat given up goes to the trip's
waiting list (`models.waitlist`); `join_both` takes a seat in a trip and its return leg.
"""

from __future__ import annotations

from datetime import timedelta

import peewee as pw

from . import club, matching, outbox, queries, trips, waitlist
from .errors import Conflict, PermissionDenied
from .rules import require_open, require_trip, trip_lock
from .tables import RECONFIRM_ASKED, RECONFIRM_OK, TRIP_OPEN, WAIT_OFFERED, Participant, PickupPoint, Trip, User
from .users import require_user

TRIP_FULL = "error-trip-full"
RETURN_FULL = "error-return-full"  # the way back of a "Join both" (issue #22)


def _point_of(trip: Trip, pickup_point_id: int) -> PickupPoint:
    point = PickupPoint.get_or_none((PickupPoint.id == pickup_point_id) & (PickupPoint.trip == trip.id))
    if point is None:
        raise Conflict("error-pickup-gone")
    return point


def join_trip(
    actor_telegram_id: int, trip_id: int, pickup_point_id: int, seen_version: int | None = None
) -> Participant:
    """Take a seat at a pickup point; the driver is told. Atomic against overbooking. The
    joiner's request for the trip's event (or date and destination) closes: "seated".

    A seat held for the first in the waiting list (issue #22, `models.waitlist`) is not free:
    a newcomer is told the trip is full; the player it is held for takes it here too.

    `seen_version`: the trip version the passenger's screen showed; if the driver
    changed the trip since, the join is refused so they can look at it first.
    """
    actor = require_user(actor_telegram_id)
    with trip_lock(trip_id) as trip:
        trip = require_open(trip)
        if seen_version is not None and trip.version != seen_version:
            raise Conflict("error-trip-changed-before-join")
        seat, _ = _take_seat(actor, trip, pickup_point_id, TRIP_FULL)
    return seat


def _take_seat(actor: User, trip: Trip, pickup_point_id: int, full: str) -> tuple[Participant, int]:
    """The checks and writes of a join, the trip locked and open: the seat, and the seats
    left in the trip after it. `full`: the refusal when no seat is free."""
    if trip.driver_id == actor.id:
        raise PermissionDenied("error-own-trip")
    taken, mine = (
        Participant.select(
            pw.fn.COUNT(Participant.id),
            pw.fn.COALESCE(pw.fn.SUM(pw.Case(None, [(Participant.passenger == actor.id, 1)], 0)), 0),
        )
        .where(Participant.trip == trip.id)
        .tuples()
        .get()
    )  # one query for both checks
    if mine:
        raise Conflict("error-seat-taken-already")
    matching.require_one_car(actor, trip)
    point = _point_of(trip, pickup_point_id)
    held, entry = waitlist.held_for_others(trip, actor.id)
    if taken + held >= trip.seats:
        raise Conflict(full)
    seat = Participant.create(trip=trip, passenger=actor, pickup_point=point)
    matching.seat_taken(trip, actor)  # their ride request to its event is answered (issue #21)
    offered = entry is not None and entry.status == WAIT_OFFERED
    waitlist.seated(entry)
    outbox.notify(trip.driver, "waitlist_took" if offered else "joined", trip=trip, passenger=actor.id,
                  seats_left=trip.seats - taken - 1, **_point_params(trip, point))
    club.touch(trip)  # seats left, in the club chat's post and board
    return seat, trip.seats - taken - 1


def join_both(actor_telegram_id: int, outbound_id: int, outbound_point_id: int, return_point_id: int
              ) -> tuple[Participant, Participant]:
    """A seat in a trip and in its return leg, in one transaction (issue #22): refused as a
    whole if either is full (`error-trip-full`, `error-return-full`) or refuses the player.
    `return_point_id` is a drop-off point of the return leg (its pickup points). Both trips
    are locked, the outbound first (every operation locks one trip, or these two in this order)."""
    actor = require_user(actor_telegram_id)
    with trip_lock(outbound_id) as outbound:
        outbound = require_open(outbound)
        back = Trip.get_or_none((Trip.outbound == outbound.id) & (Trip.status == TRIP_OPEN))
        if back is None:
            raise Conflict("error-return-gone")
        with trip_lock(back.id) as back:
            back = require_open(back)
            trips.require_legs_in_order(outbound, back)  # legs stored out of order before the rule: no seats
            there, _ = _take_seat(actor, outbound, outbound_point_id, TRIP_FULL)
            home, _ = _take_seat(actor, back, return_point_id, RETURN_FULL)
    return there, home


def _point_params(trip: Trip, point: PickupPoint) -> dict:
    """What a notification about a seat at `point` shows, as it is now."""
    return dict(destination=trip.destination, date=trip.departure_date, address=point.address, time=point.time)


def _my_seat(actor: User, trip: Trip) -> Participant:
    seat = Participant.get_or_none((Participant.trip == trip.id) & (Participant.passenger == actor.id))
    if seat is None:
        raise Conflict("error-no-seat")
    return seat


def leave_trip(actor_telegram_id: int, trip_id: int, reason: str = "", *, hold: timedelta | None = None) -> None:
    """Give up a seat in a trip not yet over; it is free at once and the driver is told.
    A cancelled or finished trip keeps its seats: they are the players' history. The seat
    is offered to the first in the waiting list (`waitlist.seat_freed`, holding it `hold`)."""
    actor = require_user(actor_telegram_id)
    with trip_lock(trip_id) as trip:
        seat = _my_seat(actor, require_trip(trip))
        require_open(trip, until="end")
        point = seat.pickup_point
        seat.delete_instance()
        outbox.notify(trip.driver, "left", trip=trip, passenger=actor.id, reason=reason,
                      seats_left=trip.seats - queries.seats_taken(trip.id), **_point_params(trip, point))
        waitlist.seat_freed(trip, hold=hold)
        club.touch(trip)


def change_pickup(actor_telegram_id: int, trip_id: int, pickup_point_id: int) -> Participant:
    actor = require_user(actor_telegram_id)
    with trip_lock(trip_id) as trip:
        trip = require_open(trip)
        seat = _my_seat(actor, trip)
        point = _point_of(trip, pickup_point_id)
        if seat.pickup_point_id == point.id:
            return seat
        seat.pickup_point = point
        if seat.reconfirm == RECONFIRM_ASKED:  # picking a point after the driver's change answers "Still OK?"
            seat.reconfirm = RECONFIRM_OK
        seat.save(only=[Participant.pickup_point, Participant.reconfirm])
        outbox.notify(trip.driver, "pickup_changed", trip=trip, passenger=actor.id, **_point_params(trip, point))
        return seat
