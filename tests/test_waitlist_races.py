"""Races of the waiting list (issue #22), on an SQLite file and on PostgreSQL: ten players wait
for a full car of three; three seats are freed at once while newcomers try to join and the
players in line tap "Take the seat" too early — exactly the first three in line are offered a
seat, in order, nobody else gets one and the car is never overbooked. Then everyone taps at
once; the three leave again at once and the next three are offered their seats; those pass at
once; and two schedulers let the offers run out at the same moment: every player is offered a
seat once at most, always in the order of the line. Each job runs in its own thread and
connection, all released at the same moment."""

from __future__ import annotations

from collections import Counter
from datetime import time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.infra.db import init_database, migrate
from models import (
    ROLE_DRIVER, ROLE_PASSENGER, Notification, Participant, Trip, User, WaitEntry, db, queries, rides, trips, users,
    utcnow, waitlist,
)
from models.tables import WAIT_EXPIRED, WAIT_LEFT, WAIT_OFFERED, WAIT_TOOK, WAIT_WAITING
from tests.test_events_concurrency import _at_once

UTC = ZoneInfo("UTC")
DRIVER = 1
SEATED = (11, 12, 13)
LINE = tuple(range(21, 31))  # ten players in line, in this order
NEWCOMERS = (41, 42, 43)


def _seed() -> Trip:
    for tid in (DRIVER, *SEATED, *LINE, *NEWCOMERS):
        users.register_user(tid, f"Player{tid} Example")
        users.set_role(tid, ROLE_DRIVER if tid == DRIVER else ROLE_PASSENGER)
    trip = trips.create_trip(DRIVER, trips.TripDraft(
        destination="Riverside Arena", departure_date=trips.local_today(UTC) + timedelta(days=2), seats=len(SEATED),
        pickups=[trips.PickupDraft("Central Station", time(18))]), UTC)
    point = queries.pickup_points(trip.id)[0].id
    for tid in SEATED:
        rides.join_trip(tid, trip.id, point)
    for tid in LINE:
        waitlist.wait_for_seat(tid, trip.id, point)
    return trip


def _line(trip: Trip) -> dict[int, str]:
    """Telegram id → status, for everyone who got in line."""
    rows = WaitEntry.select(User.telegram_id, WaitEntry.status).join(User).where(WaitEntry.trip == trip.id)
    return dict(rows.tuples())


def _offers() -> Counter:
    """How many times each player was offered a seat."""
    return Counter(n.chat_id for n in Notification.select().where(Notification.kind == "seat_offered"))


def _seated(trip: Trip) -> set[int]:
    return {tid for (tid,) in Participant.select(User.telegram_id).join(User)
            .where(Participant.trip == trip.id).tuples()}


def _check_invariants(trip: Trip) -> None:
    taken = Participant.select().where(Participant.trip == trip.id).count()
    promised = waitlist.seats_promised(trip)
    assert taken + promised <= trip.seats, f"{taken} seats taken and {promised} promised in a car of {trip.seats}"
    assert all(count == 1 for count in _offers().values()), f"a player was offered a seat twice: {_offers()}"
    assert not (_seated(trip) & set(NEWCOMERS)), "a newcomer jumped the line"


def _accept(tid: int, trip_id: int):
    return lambda: f"took {waitlist.accept_offer(tid, trip_id).id}"


def _scenario() -> None:
    trip = _seed()
    point = queries.pickup_points(trip.id)[0].id
    first, second, third, last = LINE[:3], LINE[3:6], LINE[6:9], LINE[9]

    # three seats freed at once, newcomers joining and the whole line tapping too early
    jobs = [lambda t=t: rides.leave_trip(t, trip.id) or "left" for t in SEATED]
    jobs += [lambda t=t: rides.join_trip(t, trip.id, point) and "joined" for t in NEWCOMERS]
    jobs += [_accept(t, trip.id) for t in LINE]
    outcomes = _at_once(jobs)
    assert not [o for o in outcomes if o.startswith("crash")], outcomes
    assert outcomes.count("left") == 3 and "joined" not in outcomes
    assert {t for t, s in _line(trip).items() if s in (WAIT_OFFERED, WAIT_TOOK)} == set(first)
    assert set(_offers()) == set(first)
    _check_invariants(trip)

    # everyone in line taps "Take the seat" at once: the first three have the car
    outcomes = _at_once([_accept(t, trip.id) for t in LINE])
    assert not [o for o in outcomes if o.startswith("crash")], outcomes
    assert _seated(trip) == set(first)
    assert sum(o == "refused: error-offer-not-yet" for o in outcomes) == 7
    _check_invariants(trip)

    # the three leave at once: the next three in line are offered the seats, in order
    _at_once([lambda t=t: rides.leave_trip(t, trip.id) or "left" for t in first])
    line = _line(trip)
    assert [line[t] for t in LINE] == [WAIT_TOOK] * 3 + [WAIT_OFFERED] * 3 + [WAIT_WAITING] * 4
    _check_invariants(trip)

    # they pass at once: the next three
    _at_once([lambda t=t: waitlist.pass_offer(t, trip.id) or "passed" for t in second])
    line = _line(trip)
    assert [line[t] for t in LINE] == [WAIT_TOOK] * 3 + [WAIT_LEFT] * 3 + [WAIT_OFFERED] * 3 + [WAIT_WAITING]
    _check_invariants(trip)

    # their offers run out, two schedulers at the same moment: the last one in line is offered a
    # seat once, and the two seats nobody waits for are free for anyone
    later = utcnow() + waitlist.DEFAULT_HOLD + timedelta(minutes=1)
    outcomes = _at_once([lambda: f"expired {waitlist.expire_offers(later)}" for _ in range(2)])
    assert sorted(outcomes) == ["expired 0", "expired 3"]
    line = _line(trip)
    assert [line[t] for t in (*third, last)] == [WAIT_EXPIRED] * 3 + [WAIT_OFFERED]
    assert set(_offers()) == set(LINE)
    _check_invariants(trip)
    assert queries.trip_card(trip.id, NEWCOMERS[0]).seats_left == 2
    outcomes = _at_once([lambda t=t: rides.join_trip(t, trip.id, point) and "joined" for t in NEWCOMERS])
    assert outcomes.count("joined") == 2 and outcomes.count("refused: error-trip-full") == 1
    taken = Participant.select().where(Participant.trip == trip.id).count()
    assert taken + waitlist.seats_promised(trip) == trip.seats == 3


@pytest.fixture(params=["sqlite_file", "postgresql"])
def backend(request):
    """The migrated database of each test: an SQLite file, then the local PostgreSQL."""
    if request.param == "sqlite_file":
        yield request.getfixturevalue("database")
        return
    url = request.getfixturevalue("pg_url")
    migrate(url)
    yield init_database(url)
    db.close()


def test_ten_in_line_three_seats_freed_at_once(backend):
    _scenario()
