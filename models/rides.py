"""Joining and leaving trips (finding them: `models.queries`). A seat can never be overbooked.

The seat check and the insert run in one transaction that first takes the trip's
write lock: `BEGIN IMMEDIATE` on SQLite (the database-wide write lock, taken
before the count), `SELECT … FOR UPDATE` on the trip row on PostgreSQL. Two
passengers racing for the last seat are serialized there; the second one counts
the first one's seat and is told the trip is full.
"""

from __future__ import annotations

import contextlib

import peewee as pw

from . import club, matching, outbox, queries
from .base import db
from .errors import Conflict, PermissionDenied
from .rules import require_open, require_trip
from .tables import Participant, PickupPoint, Trip, User
from .users import require_user


@contextlib.contextmanager
def _trip_lock(trip_id: int):
    """A write transaction holding the trip's lock for the check-then-write that follows."""
    if isinstance(db.obj, pw.SqliteDatabase):
        with db.atomic("IMMEDIATE"):
            yield Trip.get_or_none(Trip.id == trip_id)
    else:
        with db.atomic():
            yield Trip.select().where(Trip.id == trip_id).for_update().first()


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

    `seen_version`: the trip version the passenger's screen showed; if the driver
    changed the trip since, the join is refused so they can look at it first.
    """
    actor = require_user(actor_telegram_id)
    with _trip_lock(trip_id) as trip:
        trip = require_open(trip)
        if seen_version is not None and trip.version != seen_version:
            raise Conflict("error-trip-changed-before-join")
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
        point = _point_of(trip, pickup_point_id)
        if taken >= trip.seats:
            raise Conflict("error-trip-full")
        seat = Participant.create(trip=trip, passenger=actor, pickup_point=point)
        matching.seat_taken(trip, actor)  # their ride request to its event is answered (issue #21)
        outbox.notify(trip.driver, "joined", trip=trip, passenger=actor.id, seats_left=trip.seats - taken - 1,
                      **_point_params(trip, point))
        club.touch(trip)  # seats left, in the club chat's post and board
    return seat


def _point_params(trip: Trip, point: PickupPoint) -> dict:
    """What a notification about a seat at `point` shows, as it is now."""
    return dict(destination=trip.destination, date=trip.departure_date, address=point.address, time=point.time)


def _my_seat(actor: User, trip: Trip) -> Participant:
    seat = Participant.get_or_none((Participant.trip == trip.id) & (Participant.passenger == actor.id))
    if seat is None:
        raise Conflict("error-no-seat")
    return seat


def leave_trip(actor_telegram_id: int, trip_id: int, reason: str = "") -> None:
    """Give up a seat in a trip not yet over; it is free at once and the driver is told.
    A cancelled or finished trip keeps its seats: they are the players' history."""
    actor = require_user(actor_telegram_id)
    with _trip_lock(trip_id) as trip:
        seat = _my_seat(actor, require_trip(trip))
        require_open(trip, until="end")
        point = seat.pickup_point
        seat.delete_instance()
        outbox.notify(trip.driver, "left", trip=trip, passenger=actor.id, reason=reason,
                      seats_left=trip.seats - queries.seats_taken(trip.id), **_point_params(trip, point))
        club.touch(trip)


def change_pickup(actor_telegram_id: int, trip_id: int, pickup_point_id: int) -> Participant:
    actor = require_user(actor_telegram_id)
    with _trip_lock(trip_id) as trip:
        trip = require_open(trip)
        seat = _my_seat(actor, trip)
        point = _point_of(trip, pickup_point_id)
        if seat.pickup_point_id == point.id:
            return seat
        seat.pickup_point = point
        seat.save(only=[Participant.pickup_point])
        outbox.notify(trip.driver, "pickup_changed", trip=trip, passenger=actor.id, **_point_params(trip, point))
        return seat
