"""Read-only queries: everything a screen (or a notification rendered at send time) shows.

The trip list, the trip card, "My trips", past trips, the role switch's counts, templates,
recent destinations. Each is a few indexed queries (the getters' budget; tests guard it with
`assert_query_count`), and what several of them need is written once here: the seats taken
and the first pickup time of a trip (as subqueries correlated with it), "upcoming" and "not
over". Nothing here writes. The operations (rides, manage, lifecycle, templates, privacy) may
call these; the lookups they make inside their own transaction to check who acts
(`users.require_user`, `manage.owned_trip`, `lifecycle.rider_seat`) stay with them, and so do
the previews of an operation (`manage.plan_edit`, `privacy.forget_plan`), which share its code.
Data only: the dialogs format it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import peewee as pw

from .base import utcnow
from .errors import NotFound, PermissionDenied
from .rules import TRIP_GONE, is_row_id
from .tables import (
    CHAT_ACTIVE, EVENT_CANCELLED, EVENT_OPEN, REQUEST_OPEN, TRIP_CANCELLED, TRIP_DONE, TRIP_OPEN, WAIT_ACTIVE,
    WAIT_OFFERED, ClubChat, Event, Participant, PickupPoint, RideAlert, RideRequest, TemplatePickupPoint, Trip,
    TripTemplate, User, WaitEntry,
)
from .users import get_user, require_owner, require_user

PAGE_SIZE = 5  # trips a page of the trip list
HISTORY_LIMIT = 20  # past trips shown at most
HISTORY_PAGE = 5
TEMPLATE_GONE = "error-template-gone"


# --- the pieces several queries share --------------------------------------------------------


def _taken() -> pw.SelectQuery:
    """Seats taken in the outer query's trip."""
    return Participant.select(pw.fn.COUNT(Participant.id)).where(Participant.trip == Trip.id)


def _promised() -> pw.SelectQuery:
    """Seats held in the outer query's trip for players of its waiting list offered them (issue #22)."""
    return WaitEntry.select(pw.fn.COUNT(WaitEntry.id)).where(
        (WaitEntry.trip == Trip.id) & (WaitEntry.status == WAIT_OFFERED))


def _first_pickup() -> pw.SelectQuery:
    """The outer query's trip's first pickup time (local)."""
    return PickupPoint.select(pw.fn.MIN(PickupPoint.time)).where(PickupPoint.trip == Trip.id)


def _time(value) -> time | None:
    """A pickup time as a subquery returns it (SQLite: text)."""
    return PickupPoint.time.python_value(value)


def _upcoming(now: datetime | None = None) -> pw.Expression:
    """Open and not yet departed (first pickup still ahead)."""
    return (Trip.status == TRIP_OPEN) & (Trip.departs_at > (now or utcnow()))


def still_open(now: datetime | None = None) -> pw.Expression:
    """Open and not over (last pickup still ahead): seats and trips a player still has."""
    return (Trip.status == TRIP_OPEN) & (Trip.ends_at > (now or utcnow()))


def _not_over(now: datetime) -> pw.Expression:
    """Not over yet, cancelled ones included (shown as cancelled until their time)."""
    return (Trip.ends_at > now) & (Trip.status != TRIP_DONE)


def seats_taken(trip_id: int) -> int:
    return Participant.select().where(Participant.trip == trip_id).count()


def seat_elsewhere(user_id: int, trip: Trip, now: datetime | None = None) -> int | None:
    """The other open trip not over to `trip`'s event where the player has a seat (None: none,
    or `trip` goes to no event). A way back has no event of its own (`Trip.outbound` set): a
    seat on each leg is no second seat. One query."""
    if trip.event_id is None:
        return None
    return (Participant.select(Participant.trip).join(Trip)
            .where((Participant.passenger == user_id) & (Trip.event == trip.event_id) & (Trip.id != trip.id)
                   & Trip.outbound.is_null() & still_open(now))
            .limit(1).scalar())


# --- finding trips -------------------------------------------------------------------------


@dataclass
class TripRow:
    id: int
    destination: str
    departure_date: date
    first_pickup: time | None
    driver_name: str
    seats: int
    taken: int
    driving: bool = False  # the viewer drives it
    riding: bool = False  # the viewer has a seat in it
    promised: int = 0  # seats held for players of the waiting list (issue #22)

    @property
    def seats_left(self) -> int:
        return max(self.seats - self.taken - self.promised, 0)

    @property
    def full(self) -> bool:
        return self.seats_left == 0


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
            _taken().alias("taken"), _first_pickup().alias("first_pickup"), pw.fn.EXISTS(seat).alias("riding"),
            _promised().alias("promised"),
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
            first_pickup=_time(r["first_pickup"]), driver_name=r["driver_name"], seats=r["seats"],
            taken=r["taken"] or 0, driving=me is not None and r["driver"] == me, riding=bool(r["riding"]),
            promised=r["promised"] or 0,
        )
        for r in query
    ]
    return rows, total


# --- one trip ------------------------------------------------------------------------------


@dataclass
class PointView:
    point: PickupPoint
    passengers: list[User] = field(default_factory=list)


@dataclass
class LegView:
    """The other leg of a trip with a return (issue #22), as its card shows it: "↩️ Back: Sat
    21:30 from Riverside Arena, 2 seats left". `direction`: "back" (the viewed trip is the
    outbound one) or "out" (the viewed trip is the return leg); `place` and `time` are its
    first pickup point's (a return leg's departure place)."""

    trip_id: int
    direction: str
    departure_date: date
    time: time | None
    place: str
    seats_left: int
    status: str
    departs_at: datetime
    riding: bool = False  # the viewer has a seat in it


@dataclass
class TripCard:
    """Everything a trip card shows, read in a few queries.

    Issue #22: `promised` seats are held for players of the waiting list offered them (not
    free: `seats_left` leaves them out); `waiting` players are in line (offered ones
    included); `my_wait` is the viewer's entry in line and `position` their place (1-based);
    `reconfirm` maps each passenger's `User.id` to their answer to "Still OK?" ("" nothing
    asked, "asked", "ok"); `other_leg` is the linked outbound or return leg."""

    trip: Trip
    driver: User
    points: list[PointView]
    taken: int
    viewer: User | None
    my_seat: Participant | None
    promised: int = 0
    waiting: int = 0
    my_wait: WaitEntry | None = None
    position: int | None = None
    reconfirm: dict[int, str] = field(default_factory=dict)
    other_leg: LegView | None = None

    @property
    def seats_left(self) -> int:
        return max(self.trip.seats - self.taken - self.promised, 0)

    @property
    def offered(self) -> bool:
        """A freed seat is held for the viewer: they may take it (`waitlist.accept_offer`)."""
        return self.my_wait is not None and self.my_wait.status == WAIT_OFFERED

    @property
    def can_wait(self) -> bool:
        """The viewer may get in line ("⏳ Wait for a seat"): a full open trip still to depart,
        not theirs, no seat in it, not in line yet."""
        return (
            self.trip.status == TRIP_OPEN and not self.departed and self.seats_left == 0
            and self.viewer is not None and not self.viewer_is_driver and self.my_seat is None
            and self.my_wait is None
        )

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


def trip_card(trip_id: int, viewer_telegram_id: int | None) -> TripCard:
    trip = Trip.select(Trip, User).join(User).where(Trip.id == trip_id).first()
    if trip is None:
        raise NotFound(TRIP_GONE)
    viewer = get_user(viewer_telegram_id) if viewer_telegram_id else None
    points = {p.id: PointView(p) for p in pickup_points(trip.id)}
    my_seat = None
    taken = 0
    reconfirm: dict[int, str] = {}
    for seat in (Participant.select(Participant, User).join(User).where(Participant.trip == trip.id)
                 .order_by(Participant.joined_at, Participant.id)):
        taken += 1
        reconfirm[seat.passenger_id] = seat.reconfirm
        if seat.pickup_point_id in points:
            points[seat.pickup_point_id].passengers.append(seat.passenger)
        if viewer is not None and seat.passenger_id == viewer.id:
            my_seat = seat
    line = list(WaitEntry.select().where((WaitEntry.trip == trip.id) & WaitEntry.status.in_(WAIT_ACTIVE))
                .order_by(WaitEntry.id))
    mine = next((i for i, e in enumerate(line) if viewer is not None and e.passenger_id == viewer.id), None)
    return TripCard(trip=trip, driver=trip.driver, points=list(points.values()), taken=taken,
                    viewer=viewer, my_seat=my_seat, promised=sum(e.status == WAIT_OFFERED for e in line),
                    waiting=len(line), my_wait=line[mine] if mine is not None else None,
                    position=mine + 1 if mine is not None else None, reconfirm=reconfirm,
                    other_leg=other_leg(trip, viewer))


def other_leg(trip: Trip, viewer: User | None = None) -> LegView | None:
    """The return leg of `trip` (its latest one not cancelled), or the outbound trip of a return
    leg; None for a trip without one. One query."""
    if trip.outbound_id is not None:
        where, direction = Trip.id == trip.outbound_id, "out"
    else:
        where, direction = (Trip.outbound == trip.id) & (Trip.status != TRIP_CANCELLED), "back"
    first_place = (PickupPoint.select(PickupPoint.address).where(PickupPoint.trip == Trip.id)
                   .order_by(PickupPoint.time, PickupPoint.position).limit(1))
    seat = Participant.select(Participant.id).where(
        (Participant.trip == Trip.id) & (Participant.passenger == (viewer.id if viewer is not None else None)))
    row = (Trip.select(Trip.id, Trip.departure_date, Trip.seats, Trip.status, Trip.departs_at,
                       _taken().alias("taken"), _promised().alias("promised"), _first_pickup().alias("first"),
                       first_place.alias("place"), pw.fn.EXISTS(seat).alias("riding"))
           .where(where).order_by(Trip.id.desc()).dicts().first())
    if row is None:
        return None
    return LegView(trip_id=row["id"], direction=direction, departure_date=row["departure_date"],
                   time=_time(row["first"]), place=row["place"] or "",
                   seats_left=max(row["seats"] - (row["taken"] or 0) - (row["promised"] or 0), 0),
                   status=row["status"], departs_at=row["departs_at"], riding=bool(row["riding"]))


def trip_version(trip_id: int) -> int | None:
    row = Trip.select(Trip.version).where(Trip.id == trip_id).first()
    return row.version if row else None


def trip_exists(trip_id: int) -> bool:
    """Whether `trip_id` names a trip; a forged id (out of any column's range) names none."""
    return is_row_id(trip_id) and Trip.select().where(Trip.id == trip_id).exists()


def require_trip_id(trip_id: int) -> int:
    """An id that names a trip; a forged or stale one (out of range, deleted) is NotFound."""
    if not trip_exists(trip_id):
        raise NotFound(TRIP_GONE)
    return trip_id


def pickup_points(trip_id: int) -> list[PickupPoint]:
    """The trip's pickup points in the order of their times."""
    return list(PickupPoint.select().where(PickupPoint.trip == trip_id).order_by(PickupPoint.time, PickupPoint.position))


def passenger_telegram_ids(trip_id: int) -> list[int]:
    return [u.telegram_id for u in User.select(User.telegram_id).join(Participant, on=(Participant.passenger == User.id))
            .where(Participant.trip == trip_id)]


# --- a player's trips ----------------------------------------------------------------------


@dataclass
class RideRow:
    trip_id: int
    destination: str
    departure_date: date
    address: str
    time: time
    status: str


def my_rides(actor_telegram_id: int, now: datetime | None = None) -> list[RideRow]:
    """The passenger's upcoming seats with their pickup point, soonest first (one query)."""
    query = (
        Participant.select(Trip.id, Trip.destination, Trip.departure_date, Trip.status,
                           PickupPoint.address, PickupPoint.time)
        .join(Trip).switch(Participant).join(PickupPoint)
        .switch(Participant).join(User)
        .where((User.telegram_id == actor_telegram_id) & _not_over(now or utcnow()))
        .order_by(Trip.departs_at, Trip.id)
        .dicts()
    )
    return [
        RideRow(trip_id=r["id"], destination=r["destination"], departure_date=r["departure_date"],
                address=r["address"], time=_time(r["time"]), status=r["status"])
        for r in query
    ]


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
    query = (
        Trip.select(Trip.id, Trip.destination, Trip.departure_date, Trip.seats, Trip.status,
                    _taken().alias("taken"), _first_pickup().alias("first"))
        .join(User)
        .where((User.telegram_id == actor_telegram_id) & _not_over(now or utcnow()))
        .order_by(Trip.departs_at, Trip.id)
        .dicts()
    )
    return [
        DrivenRow(r["id"], r["destination"], r["departure_date"], _time(r["first"]), r["seats"], r["taken"] or 0,
                  r["status"])
        for r in query
    ]


@dataclass
class PastRow:
    trip_id: int
    destination: str
    departure_date: date
    first_pickup: time | None
    status: str
    as_driver: bool


def past_trips(
    telegram_id: int, page: int = 0, page_size: int = HISTORY_PAGE, limit: int = HISTORY_LIMIT
) -> tuple[list[PastRow], int]:
    """One page of the player's cancelled and done trips, as driver or passenger (a seat
    they still held), most recent first; and the total, capped at `limit`. Three queries."""
    user = get_user(telegram_id)
    if user is None:
        return [], 0
    mine = (Trip.driver == user.id) | Trip.id.in_(
        Participant.select(Participant.trip).where(Participant.passenger == user.id)
    )
    where = mine & Trip.status.in_([TRIP_CANCELLED, TRIP_DONE])
    total = min(Trip.select().where(where).count(), limit)
    start = max(page, 0) * page_size
    count = max(min(page_size, total - start), 0)
    if not count:
        return [], total
    query = (
        Trip.select(Trip.id, Trip.destination, Trip.departure_date, Trip.status, Trip.driver,
                    _first_pickup().alias("first"))
        .where(where)
        .order_by(Trip.departs_at.desc(), Trip.id.desc())
        .offset(start)
        .limit(count)
        .dicts()
    )
    rows = [
        PastRow(r["id"], r["destination"], r["departure_date"], _time(r["first"]), r["status"],
                r["driver"] == user.id)
        for r in query
    ]
    return rows, total


@dataclass(frozen=True)
class RoleStats:
    """What stays the same when a player switches role (shown before they confirm)."""

    driving: int  # upcoming open trips they drive
    riding: int  # upcoming open trips they have a seat in


def role_stats(telegram_id: int) -> RoleStats:
    user = require_user(telegram_id)
    upcoming = still_open()
    driving = Trip.select().where(upcoming & (Trip.driver == user)).count()
    riding = Participant.select().join(Trip).where(upcoming & (Participant.passenger == user)).count()
    return RoleStats(driving=driving, riding=riding)


def people(user_ids) -> dict[int, User]:
    """Players by `User.id` (one query), for texts that name them when they are shown:
    a player who used /forget_me reads "Former player" from then on."""
    ids = {i for i in user_ids if i is not None}
    return {u.id: u for u in User.select().where(User.id.in_(list(ids)))} if ids else {}


# --- templates and recent destinations (the wizard, /templates) ------------------------------


def list_templates(actor_telegram_id: int) -> list[TripTemplate]:
    return list(
        TripTemplate.select(TripTemplate)
        .join(User)
        .where(User.telegram_id == actor_telegram_id)
        .order_by(TripTemplate.name)
    )


def owned_template(actor: User, template_id: int) -> TripTemplate:
    """One of the actor's templates; a forged or stale id is NotFound, someone else's refused."""
    template = TripTemplate.get_or_none(TripTemplate.id == template_id) if is_row_id(template_id) else None
    if template is None:
        raise NotFound(TEMPLATE_GONE)
    require_owner(actor, template.driver_id, "template")
    return template


def template(actor_telegram_id: int, template_id: int) -> tuple[TripTemplate, list[TemplatePickupPoint]]:
    """The actor's template and its pickup points in time order. Owner only."""
    found = owned_template(require_user(actor_telegram_id), template_id)
    points = list(TemplatePickupPoint.select().where(TemplatePickupPoint.template == found.id)
                  .order_by(TemplatePickupPoint.time, TemplatePickupPoint.position))
    return found, points


def recent_destination_choices(actor_telegram_id: int, limit: int = 4) -> list[tuple[int, str]]:
    """The driver's last distinct destinations as (id of a trip that had it, destination),
    most recent first. The trip id makes a short, checkable button id."""
    rows = (
        Trip.select(Trip.id, Trip.destination)
        .join(User)
        .where(User.telegram_id == actor_telegram_id)
        .order_by(Trip.id.desc())
        .limit(50)
    )
    seen: dict[str, int] = {}
    for row in rows:
        seen.setdefault(row.destination, row.id)
        if len(seen) == limit:
            break
    return [(trip_id, dest) for dest, trip_id in seen.items()]


def destination_of_own_trip(actor_telegram_id: int, trip_id: int) -> str | None:
    """The destination of one of the actor's own trips (None for anyone else's)."""
    if not is_row_id(trip_id):
        return None
    row = (
        Trip.select(Trip.destination)
        .join(User)
        .where((Trip.id == trip_id) & (User.telegram_id == actor_telegram_id))
        .first()
    )
    return row.destination if row else None


def club_chat_ready() -> bool:
    """Whether the bot is in a club chat, where a new trip can be announced (issue #20)."""
    return ClubChat.select().where(ClubChat.status.in_(CHAT_ACTIVE)).exists()


# --- club events and ride requests (issue #21) -------------------------------------------------
#
# "Cars" are an event's open trips not over yet (a car that has left is still going), "free
# seats" the seats left in those still to depart, "need a ride" its open requests.

EVENT_GONE = "error-event-gone"
REQUEST_GONE = "error-request-gone"
EVENTS_LIMIT = 20


@dataclass(frozen=True)
class EventSummary:
    cars: int = 0
    free_seats: int = 0
    need_ride: int = 0


def _summaries(event_ids: list[int], now: datetime) -> dict[int, EventSummary]:
    """Summaries of these events (two queries, whatever their number)."""
    if not event_ids:
        return {}
    cars: dict[int, int] = {}
    free: dict[int, int] = {}
    trips = (Trip.select(Trip.event, Trip.seats, Trip.departs_at, _taken().alias("taken"),
                         _promised().alias("promised"))
             .where(Trip.event.in_(event_ids) & (Trip.status == TRIP_OPEN) & (Trip.ends_at > now)).dicts())
    for t in trips:  # seats held for a waiting list (issue #22) are not free, as in TripRow.seats_left
        cars[t["event"]] = cars.get(t["event"], 0) + 1
        if t["departs_at"] > now:
            left = t["seats"] - (t["taken"] or 0) - (t["promised"] or 0)
            free[t["event"]] = free.get(t["event"], 0) + max(left, 0)
    needs = dict(RideRequest.select(RideRequest.event, pw.fn.COUNT(RideRequest.id))
                 .where(RideRequest.event.in_(event_ids) & (RideRequest.status == REQUEST_OPEN))
                 .group_by(RideRequest.event).tuples())
    return {i: EventSummary(cars.get(i, 0), free.get(i, 0), needs.get(i, 0)) for i in event_ids}


def event_summary(event_id: int, now: datetime | None = None) -> EventSummary:
    """(cars, free seats, still need a ride) of one event: its card, the club chat's board."""
    return _summaries([event_id], now or utcnow())[event_id]


def event_summaries(event_ids: list[int], now: datetime | None = None) -> dict[int, EventSummary]:
    """`event_summary` of several events at once (the board): two queries."""
    return _summaries(list(event_ids), now or utcnow())


@dataclass
class EventChoice:
    """An upcoming event as the trip wizard offers it."""

    id: int
    kind: str
    title: str
    venue: str
    date: date
    start_time: time


@dataclass
class EventRow(EventChoice):
    """An upcoming event in the list, with its summary."""

    weekly: bool = False
    cars: int = 0
    free_seats: int = 0
    need_ride: int = 0


def _upcoming_events(now: datetime) -> pw.ModelSelect:
    return (Event.select().where((Event.status == EVENT_OPEN) & (Event.starts_at > now))
            .order_by(Event.starts_at, Event.id))


def upcoming_events(now: datetime | None = None, limit: int = EVENTS_LIMIT) -> list[EventRow]:
    """Open events still to start, soonest first, each with its summary (three queries)."""
    now = now or utcnow()
    events = list(_upcoming_events(now).limit(limit))
    sums = _summaries([e.id for e in events], now)
    return [EventRow(e.id, e.kind, e.title, e.venue, e.date, e.start_time, e.weekly, *_counts(sums[e.id]))
            for e in events]


def _counts(summary: EventSummary) -> tuple[int, int, int]:
    return summary.cars, summary.free_seats, summary.need_ride


def event_choices(now: datetime | None = None, limit: int = 6) -> list[tuple[int, EventChoice]]:
    """Upcoming open events for the wizard's first step, soonest first: (id, what its button
    and text show). One query."""
    return [(e.id, EventChoice(e.id, e.kind, e.title, e.venue, e.date, e.start_time))
            for e in _upcoming_events(now or utcnow()).limit(limit)]


def event_exists(event_id: int) -> bool:
    """Whether `event_id` names an event (a forged id names none)."""
    return is_row_id(event_id) and Event.select().where(Event.id == event_id).exists()


def event(event_id: int) -> Event:
    """One event as stored (NotFound for a forged or stale id)."""
    found = Event.get_or_none(Event.id == event_id) if is_row_id(event_id) else None
    if found is None:
        raise NotFound(EVENT_GONE)
    return found


def next_in_series(event_id: int, now: datetime | None = None) -> Event | None:
    """The next open occurrence still to start of the weekly series `event_id` belongs to
    (a template's event); None when there is none (the series ended)."""
    if not is_row_id(event_id):
        return None
    series = Event.select(Event.series).where(Event.id == event_id).scalar()
    if series is None:
        return None
    return _upcoming_events(now or utcnow()).where(Event.series == series).first()


def first_name(user: User) -> str:
    """What lists show of a player: the first word of their name."""
    return (user.name or "").split(" ")[0]


@dataclass
class EventPoint:
    id: int
    address: str
    time: time
    riders: int  # seats taken at this point


@dataclass
class EventTrip(TripRow):
    """A car going to the event: a trip list's row (`driver_name` a first name) with its pickup
    points, each with the seats taken there."""

    driver_id: int = 0
    driver_forgotten: bool = False  # used /forget_me: show "Former player"
    departs_at: datetime | None = None
    points: list[EventPoint] = field(default_factory=list)


@dataclass
class Need:
    """An open request to the event, as drivers see it."""

    request_id: int
    user_id: int
    first_name: str
    forgotten: bool
    area: str  # "" = anywhere


@dataclass
class EventCard:
    event: Event
    trips: list[EventTrip]
    needs: list[Need]
    my_request: RideRequest | None = None
    my_seat_trip_id: int | None = None
    is_driving: bool = False

    @property
    def summary(self) -> EventSummary:
        now = utcnow()
        return EventSummary(len(self.trips), sum(t.seats_left for t in self.trips if t.departs_at > now),
                            len(self.needs))

    @property
    def started(self) -> bool:
        return self.event.starts_at <= utcnow()

    @property
    def cancelled(self) -> bool:
        return self.event.status == EVENT_CANCELLED

    @property
    def needs_ride(self) -> bool:
        """The viewer's request is open."""
        return self.my_request is not None and self.my_request.status == REQUEST_OPEN


def event_card(event_id: int, viewer_tid: int | None, now: datetime | None = None) -> EventCard:
    """An event with its cars (open trips not over, soonest first, each pickup point with its
    seats taken) and who still needs a ride, as `viewer_tid` sees it. Seven queries at most."""
    now = now or utcnow()
    found = event(event_id)
    viewer = get_user(viewer_tid) if viewer_tid else None
    trips = list(Trip.select(Trip, User, _taken().alias("taken"), _promised().alias("promised")).join(User)
                 .where((Trip.event == found.id) & (Trip.status == TRIP_OPEN) & (Trip.ends_at > now))
                 .order_by(Trip.departs_at, Trip.id))
    ids = [t.id for t in trips]
    points: dict[int, list[EventPoint]] = {i: [] for i in ids}
    riders: dict[int, int] = {}
    my_seat_trip_id = None
    if ids:
        for trip_id, point_id, passenger in (Participant.select(Participant.trip, Participant.pickup_point,
                                                                Participant.passenger)
                                             .where(Participant.trip.in_(ids)).tuples()):
            riders[point_id] = riders.get(point_id, 0) + 1
            if viewer is not None and passenger == viewer.id:
                my_seat_trip_id = trip_id
        for p in (PickupPoint.select().where(PickupPoint.trip.in_(ids))
                  .order_by(PickupPoint.time, PickupPoint.position)):
            points[p.trip_id].append(EventPoint(p.id, p.address, p.time, riders.get(p.id, 0)))
    rows = [EventTrip(t.id, t.destination, t.departure_date, points[t.id][0].time if points[t.id] else None,
                      first_name(t.driver), t.seats, t.taken or 0, driving=viewer is not None and t.driver_id == viewer.id,
                      riding=my_seat_trip_id == t.id, driver_id=t.driver_id,
                      driver_forgotten=t.driver.forgotten_at is not None, departs_at=t.departs_at, points=points[t.id],
                      promised=t.promised or 0)
            for t in trips]
    needs = [Need(r.id, r.passenger_id, first_name(r.passenger), r.passenger.forgotten_at is not None, r.area)
             for r in RideRequest.select(RideRequest, User).join(User)
             .where((RideRequest.event == found.id) & (RideRequest.status == REQUEST_OPEN))
             .order_by(RideRequest.updated_at, RideRequest.id)]
    mine = RideRequest.get_or_none((RideRequest.event == found.id) & (RideRequest.passenger == viewer.id)) \
        if viewer is not None else None
    return EventCard(event=found, trips=rows, needs=needs, my_request=mine, my_seat_trip_id=my_seat_trip_id,
                     is_driving=any(t.driving for t in rows))


@dataclass
class RequestRow:
    """One of a player's ride requests: to an event (`event_id`, its kind, title, venue, date
    and start), or free (`destination` and `date`, no event)."""

    id: int
    status: str
    area: str
    date: date | None
    event_id: int | None = None
    kind: str = ""
    title: str = ""
    venue: str = ""
    start_time: time | None = None
    destination: str = ""
    event_cancelled: bool = False


def _request_rows(where: pw.Expression) -> list[RequestRow]:
    query = (RideRequest.select(RideRequest, Event).join(Event, pw.JOIN.LEFT_OUTER).where(where)
             .order_by(pw.fn.COALESCE(Event.date, RideRequest.date), RideRequest.id))
    rows = []
    for r in query:
        e = r.event if r.event_id is not None else None
        rows.append(RequestRow(
            id=r.id, status=r.status, area=r.area, date=e.date if e else r.date, event_id=r.event_id,
            kind=e.kind if e else "", title=e.title if e else "", venue=e.venue if e else "",
            start_time=e.start_time if e else None, destination=r.destination,
            event_cancelled=bool(e and e.status == EVENT_CANCELLED)))
    return rows


def _current(now: datetime) -> pw.Expression:
    """A request still ahead: its event has not started; a free one's date (local: a day's
    leeway for the time zone) has not passed."""
    return ((RideRequest.event.is_null(False) & (Event.starts_at > now))
            | (RideRequest.event.is_null() & (RideRequest.date >= (now - timedelta(days=1)).date())))


def my_requests(telegram_id: int, now: datetime | None = None) -> list[RequestRow]:
    """The player's open requests still ahead, soonest first ("My trips"). One query."""
    user = get_user(telegram_id)
    if user is None:
        return []
    return _request_rows((RideRequest.passenger == user.id) & (RideRequest.status == REQUEST_OPEN)
                         & _current(now or utcnow()))


def my_request(telegram_id: int, request_id: int) -> RequestRow:
    """One of the player's requests (MyTripsSG.request); a forged or stale id is NotFound,
    someone else's refused."""
    actor = require_user(telegram_id)
    request = RideRequest.get_or_none(RideRequest.id == request_id) if is_row_id(request_id) else None
    if request is None:
        raise NotFound(REQUEST_GONE)
    if request.passenger_id != actor.id:
        raise PermissionDenied("error-request-not-yours")
    return _request_rows(RideRequest.id == request.id)[0]


@dataclass
class AlertRow:
    id: int
    event_id: int | None
    title: str  # the event's ("" without one)
    kind: str
    destination: str
    weekday: int | None


def my_alerts(telegram_id: int) -> list[AlertRow]:
    """The player's alerts, oldest first. One query."""
    query = (RideAlert.select(RideAlert, Event).join(Event, pw.JOIN.LEFT_OUTER)
             .switch(RideAlert).join(User, on=(RideAlert.user == User.id))
             .where(User.telegram_id == telegram_id).order_by(RideAlert.id))
    return [AlertRow(a.id, a.event_id, a.event.title if a.event_id else "", a.event.kind if a.event_id else "",
                     a.destination, a.weekday) for a in query]


def has_alert(telegram_id: int, event_id: int) -> bool:
    """Whether the player hears of new trips to this event (or its weekly series)."""
    ev = Event.select(Event.id, Event.series).where(Event.id == event_id).first() if is_row_id(event_id) else None
    if ev is None:
        return False
    return (RideAlert.select().join(User, on=(RideAlert.user == User.id))
            .where((User.telegram_id == telegram_id) & RideAlert.event.in_({ev.id, ev.series_id or ev.id})).exists())
