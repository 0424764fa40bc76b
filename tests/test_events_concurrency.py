"""Concurrency of club events (issue #21), on an SQLite file and on PostgreSQL: two drivers
attach trips to an event while five players ask for a ride and join a car to it, all at once,
each from its own thread and connection. Afterwards the counts agree everywhere: nobody both
has a seat and still "needs a ride", every request of a seated player is closed, no car is
overbooked, each driver has at most one batched message waiting, nobody hears of one trip
twice, and the list, the card and the summary say the same."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import time, timedelta
from zoneinfo import ZoneInfo

from bot.infra.db import init_database, migrate
from models import (
    NOTIFY_UNSENT, ROLE_DRIVER, ROLE_PASSENGER, Conflict, Notification, Participant, RideRequest, Trip, db, events,
    outbox, queries, requests, rides, trips, users,
)
from models.tables import REQUEST_OPEN, REQUEST_SEATED

UTC = ZoneInfo("UTC")
ADMIN, ADMINS = 100, frozenset({100})
FIRST_CAR_DRIVER = 3
DRIVERS = (1, 2)
PLAYERS = (11, 12, 13, 14, 15)
ROUNDS = 3


def _seed() -> None:
    for tid, role in ((ADMIN, ROLE_PASSENGER), (FIRST_CAR_DRIVER, ROLE_DRIVER), *((d, ROLE_DRIVER) for d in DRIVERS),
                      *((p, ROLE_PASSENGER) for p in PLAYERS)):
        users.register_user(tid, f"Player{tid} Example")
        users.set_role(tid, role)


def _trip(driver: int, event, seats: int) -> Trip:
    return trips.create_trip(driver, trips.TripDraft(
        destination=f"{event.title} · {event.venue}", departure_date=event.date, seats=seats,
        pickups=[trips.PickupDraft("Station", time(17)), trips.PickupDraft("Oak Street", time(17, 15))]),
        UTC, event_id=event.id)


def _at_once(jobs: list) -> list[str]:
    """Run every job at the same moment, each in its own thread (and connection)."""
    barrier = threading.Barrier(len(jobs))
    outcomes: list[str] = []
    lock = threading.Lock()

    def run(job) -> None:
        barrier.wait()
        try:
            result = job()
        except Conflict as exc:
            result = f"refused: {exc.key}"
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            result = f"crash: {type(exc).__name__}: {exc}"
        finally:
            db.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not any(t.is_alive() for t in threads), "a thread is stuck (a deadlock?)"
    return outcomes


def _player_job(tid: int, first_car: Trip, point_id: int, ask_first: bool):
    """Ask for a ride and take a seat in the first car, in one order or the other."""
    def ask() -> str:
        requests.request_ride(tid, first_car.event_id, "Oak Street")
        return "asked"

    def join() -> str:
        rides.join_trip(tid, first_car.id, point_id)
        return "joined"

    def job() -> str:
        done = []
        for step in ((ask, join) if ask_first else (join, ask)):
            try:
                done.append(step())
            except Conflict as exc:
                done.append(exc.key)
        return "+".join(done)

    return job


def _round(day_offset: int) -> tuple[int, list[str]]:
    event = events.create_event(ADMIN, events.EventDraft(
        "game", f"Game {day_offset}", "Riverside Arena", trips.local_today(UTC) + timedelta(days=day_offset),
        time(18)), UTC, ADMINS)
    first_car = _trip(FIRST_CAR_DRIVER, event, seats=2)
    point = queries.pickup_points(first_car.id)[0].id
    jobs = [lambda d=d: f"drove {_trip(d, event, seats=3).id}" for d in DRIVERS]
    jobs += [_player_job(tid, first_car, point, ask_first=i % 2 == 0) for i, tid in enumerate(PLAYERS)]
    outcomes = _at_once(jobs)
    assert not [o for o in outcomes if o.startswith("crash")], outcomes
    return event.id, outcomes


def _check(event_id: int, outcomes: list[str]) -> None:
    cars = list(Trip.select().where(Trip.event == event_id).order_by(Trip.id))
    assert len(cars) == 3 and sum(o.startswith("drove") for o in outcomes) == 2
    seats = {(p.passenger_id, p.trip_id) for p in Participant.select().where(Participant.trip.in_([c.id for c in cars]))}
    taken = Counter(trip_id for _, trip_id in seats)
    assert all(taken[c.id] <= c.seats for c in cars), "a car is overbooked"
    assert taken[cars[0].id] == 2 == sum("joined" in o for o in outcomes)  # five players, two seats
    seated_players = {p for p, _ in seats}
    rows = {r.passenger_id: r for r in RideRequest.select().where(RideRequest.event == event_id)}
    for user_id, request in rows.items():
        if user_id in seated_players:
            assert request.status == REQUEST_SEATED, f"player {user_id} has a seat and still needs a ride"
        else:
            assert request.status == REQUEST_OPEN
    players = {users.get_user(tid).id for tid in PLAYERS}
    assert players - set(rows) <= seated_players, "a player without a seat has no request"
    assert sum("error-request-seated" in o for o in outcomes) == len(players - set(rows))
    need = sum(r.status == REQUEST_OPEN for r in rows.values())
    free = sum(c.seats - taken[c.id] for c in cars)
    summary = queries.event_summary(event_id)
    assert summary == queries.EventSummary(3, free, need)
    card = queries.event_card(event_id, None)
    assert card.summary == summary and len(card.needs) == need
    listed = next(r for r in queries.upcoming_events() if r.id == event_id)
    assert (listed.cars, listed.free_seats, listed.need_ride) == (3, free, need)
    # the drivers' batched message: at most one waiting per driver and event
    waiting = Counter(n.recipient_id for n in Notification.select().where(
        (Notification.kind == "ride_requests") & Notification.state.in_(NOTIFY_UNSENT)
        & (Notification.params == outbox.dump_params({"event": event_id}))))
    assert all(count == 1 for count in waiting.values()), waiting
    # a player hears of one new trip once
    told = Counter((n.recipient_id, n.trip_id) for n in Notification.select().where(
        Notification.kind == "event_new_trip"))
    assert all(count == 1 for count in told.values()), told


def _scenario() -> None:
    _seed()
    for day in range(2, 2 + ROUNDS):
        event_id, outcomes = _round(day)
        _check(event_id, outcomes)


def test_drivers_and_players_at_once_sqlite_file(database):
    _scenario()


def test_drivers_and_players_at_once_postgresql(pg_url):
    migrate(pg_url)
    init_database(pg_url)
    try:
        _scenario()
    finally:
        db.close()
