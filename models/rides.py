"""Finding, joining and leaving trips. A seat can never be overbooked.

The seat check and the insert run in one transaction that first takes the trip's
write lock: `BEGIN IMMEDIATE` on SQLite (the database-wide write lock, taken
before the count), `SELECT … FOR UPDATE` on the trip row on PostgreSQL. Two
passengers racing for the last seat are serialized there; the second one counts
the first one's seat and is told the trip is full.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from datetime import datetime

import peewee as pw

from . import outbox
from .base import db, utcnow
from .errors import Conflict, NotFound, PermissionDenied
from .rules import TRIP_GONE, require_open, require_trip
from .tables import TRIP_DONE, TRIP_OPEN, Participant, PickupPoint, Trip, User
from .trips import is_row_id
from .users import require_user

PAGE_SIZE = 5


def first_name(name: str) -> str:
    return (name or "").split(" ", 1)[0] or "Player"


def _upcoming(now: datetime | None = None) -> pw.Expression:
    """Open and not yet departed (first pickup still ahead)."""
    return (Trip.status == TRIP_OPEN) & (Trip.departs_at > (now or utcnow()))


@dataclass
class TripRow:
    id: int
    destination: str
    departure_date: object
    first_pickup: object
    driver_name: str
    seats: int
    taken: int
    driving: bool = False  # the viewer drives it
    riding: bool = False  # the viewer has a seat in it

    @property
    def seats_left(self) -> int:
        return max(self.seats - self.taken, 0)

    @property
    def full(self) -> bool:
        return self.seats_left == 0


def _taken_subquery():
    return (
        Participant.select(pw.fn.COUNT(Participant.id))
        .where(Participant.trip == Trip.id)
    )


def _first_pickup_subquery():
    return PickupPoint.select(pw.fn.MIN(PickupPoint.time)).where(PickupPoint.trip == Trip.id)


def list_upcoming(
    page: int = 0, page_size: int = PAGE_SIZE, now: datetime | None = None, viewer: int | None = None
) -> tuple[list[TripRow], int]:
    """One page of upcoming open trips, soonest first, and the total count; each row says
    whether `viewer` (a Telegram id) drives it or has a seat in it. Three queries at most."""
    where = _upcoming(now)
    total = Trip.select().where(where).count()
    me = User.select(User.id).where(User.telegram_id == viewer).scalar() if viewer is not None else None
    seat = Participant.select(Participant.id).where((Participant.trip == Trip.id) & (Participant.passenger == me))
    query = (
        Trip.select(
            Trip.id, Trip.destination, Trip.departure_date, Trip.seats, Trip.driver, User.name.alias("driver_name"),
            _taken_subquery().alias("taken"), _first_pickup_subquery().alias("first_pickup"),
            pw.fn.EXISTS(seat).alias("riding"),
        )
        .join(User)
        .where(where)
        .order_by(Trip.departs_at, Trip.id)
        .offset(max(page, 0) * page_size)
        .limit(page_size)
        .dicts()
    )
    rows = [
        TripRow(
            id=r["id"], destination=r["destination"], departure_date=r["departure_date"],
            first_pickup=PickupPoint.time.python_value(r["first_pickup"]),
            driver_name=r["driver_name"], seats=r["seats"], taken=r["taken"] or 0,
            driving=me is not None and r["driver"] == me, riding=bool(r["riding"]),
        )
        for r in query
    ]
    return rows, total


@dataclass
class PointView:
    point: PickupPoint
    passengers: list[User] = field(default_factory=list)


@dataclass
class TripCard:
    """Everything a trip card shows, read in a few queries."""

    trip: Trip
    driver: User
    points: list[PointView]
    taken: int
    viewer: User | None
    my_seat: Participant | None

    @property
    def seats_left(self) -> int:
        return max(self.trip.seats - self.taken, 0)

    @property
    def viewer_is_driver(self) -> bool:
        return self.viewer is not None and self.viewer.id == self.driver.id

    @property
    def departed(self) -> bool:
        return self.trip.departs_at <= utcnow()

    @property
    def joinable(self) -> bool:
        return (
            self.trip.status == TRIP_OPEN and not self.departed and self.seats_left > 0
            and not self.viewer_is_driver and self.my_seat is None
        )

    @property
    def passengers(self) -> list[User]:
        return [p for view in self.points for p in view.passengers]


def trip_version(trip_id: int) -> int | None:
    row = Trip.select(Trip.version).where(Trip.id == trip_id).first()
    return row.version if row else None


def trip_exists(trip_id: int) -> bool:
    return Trip.select().where(Trip.id == trip_id).exists()


def require_trip_id(trip_id: int) -> int:
    """An id that names a trip; a forged or stale one (out of range, deleted) is NotFound."""
    if not is_row_id(trip_id) or not trip_exists(trip_id):
        raise NotFound(TRIP_GONE)
    return trip_id


def trip_card(trip_id: int, viewer_telegram_id: int | None) -> TripCard:
    trip = Trip.select(Trip, User).join(User).where(Trip.id == trip_id).first()
    if trip is None:
        raise NotFound(TRIP_GONE)
    viewer = User.get_or_none(User.telegram_id == viewer_telegram_id) if viewer_telegram_id else None
    points = {p.id: PointView(p) for p in PickupPoint.select().where(PickupPoint.trip == trip.id)
              .order_by(PickupPoint.time, PickupPoint.position)}
    my_seat = None
    taken = 0
    for seat in (Participant.select(Participant, User).join(User).where(Participant.trip == trip.id)
                 .order_by(Participant.joined_at, Participant.id)):
        taken += 1
        if seat.pickup_point_id in points:
            points[seat.pickup_point_id].passengers.append(seat.passenger)
        if viewer is not None and seat.passenger_id == viewer.id:
            my_seat = seat
    return TripCard(trip=trip, driver=trip.driver, points=list(points.values()), taken=taken,
                    viewer=viewer, my_seat=my_seat)


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
        raise Conflict("That pickup point is no longer part of this trip.")
    return point


def join_trip(
    actor_telegram_id: int, trip_id: int, pickup_point_id: int, seen_version: int | None = None
) -> Participant:
    """Take a seat at a pickup point; the driver is told. Atomic against overbooking.

    `seen_version`: the trip version the passenger's screen showed; if the driver
    changed the trip since, the join is refused so they can look at it first.
    """
    actor = require_user(actor_telegram_id)
    with _trip_lock(trip_id) as trip:
        trip = require_open(trip)
        if seen_version is not None and trip.version != seen_version:
            raise Conflict("The driver changed this trip a moment ago. Check the new details, then join again.")
        if trip.driver_id == actor.id:
            raise PermissionDenied("This is your own trip: drivers cannot take a seat in it.")
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
            raise Conflict("You already have a seat in this trip.")
        point = _point_of(trip, pickup_point_id)
        if taken >= trip.seats:
            raise Conflict("Sorry, this trip is full.")
        seat = Participant.create(trip=trip, passenger=actor, pickup_point=point)
        outbox.notify(trip.driver, "joined", trip=trip, passenger=actor.id, seats_left=trip.seats - taken - 1,
                      **_point_params(trip, point))
    return seat


def _point_params(trip: Trip, point: PickupPoint) -> dict:
    """What a notification about a seat at `point` shows, as it is now."""
    return dict(destination=trip.destination, date=trip.departure_date, address=point.address, time=point.time)


def _my_seat(actor: User, trip: Trip) -> Participant:
    seat = Participant.get_or_none((Participant.trip == trip.id) & (Participant.passenger == actor.id))
    if seat is None:
        raise Conflict("You do not have a seat in this trip.")
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
        taken = Participant.select().where(Participant.trip == trip.id).count()
        outbox.notify(trip.driver, "left", trip=trip, passenger=actor.id, reason=reason,
                      seats_left=trip.seats - taken, **_point_params(trip, point))


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


@dataclass
class RideRow:
    trip_id: int
    destination: str
    departure_date: object
    address: str
    time: object
    status: str


def my_rides(actor_telegram_id: int, now: datetime | None = None) -> list[RideRow]:
    """The passenger's upcoming seats with their pickup point, soonest first (one query)."""
    now = now or utcnow()
    query = (
        Participant.select(Trip.id, Trip.destination, Trip.departure_date, Trip.status,
                           PickupPoint.address, PickupPoint.time)
        .join(Trip).switch(Participant).join(PickupPoint)
        .switch(Participant).join(User)
        .where((User.telegram_id == actor_telegram_id) & (Trip.ends_at > now) & (Trip.status != TRIP_DONE))
        .order_by(Trip.departs_at, Trip.id)
        .dicts()
    )
    return [
        RideRow(trip_id=r["id"], destination=r["destination"], departure_date=r["departure_date"],
                address=r["address"], time=PickupPoint.time.python_value(r["time"]), status=r["status"])
        for r in query
    ]
