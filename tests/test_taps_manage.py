"""A driver's edit and cancel, counted in taps on the real bot (issue #18): the real
`carpool-bot` process against the fake Bot API, one process for the module. A tap is one
button press; typing a text or a command is not a tap. Each story starts where a driver
starts, with /mytrips, so the trip's own button counts.

Budgets: moving every pickup time of a 2-pickup trip by 30 minutes in at most 4 taps (the
trip, Edit, "+30 min", Confirm; it took 15 through the pickups editor), and cancelling in at
most 3 (the trip, "Cancel trip", Yes; a reason is typed in the same window, or not at all).
"""

from __future__ import annotations

import sqlite3
from datetime import time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.devtools.fakeapi import FakeUser
from tests.world import bot_world, wait_message

TOKEN = "123456:TEST-token-for-the-fake-bot-api-0000"
UTC = ZoneInfo("UTC")
DEE, ANN, BOB = 1, 2, 3


def seed(url: str) -> dict[str, int]:
    """Dee drives to the gym and to the cup final, each from Station 18:00 and Oak St 18:15;
    Ann gets in at Station and Bob at Oak St, in both."""
    from bot.infra.db import init_database
    from models import ROLE_DRIVER, ROLE_PASSENGER, queries, rides, trips, users

    database = init_database(url)
    try:
        users.register_user(DEE, "Dee")
        users.set_role(DEE, ROLE_DRIVER)
        for tid, name in ((ANN, "Ann"), (BOB, "Bob")):
            users.register_user(tid, name)
            users.set_role(tid, ROLE_PASSENGER)
        ids = {}
        for name, days in (("Club gym", 2), ("Cup final", 3)):
            trip = trips.create_trip(DEE, trips.TripDraft(
                destination=name, departure_date=trips.local_today(UTC) + timedelta(days=days), seats=3,
                pickups=[trips.PickupDraft("Station", time(18)), trips.PickupDraft("Oak St", time(18, 15))]), UTC)
            station, oak = queries.pickup_points(trip.id)
            rides.join_trip(ANN, trip.id, station.id)
            rides.join_trip(BOB, trip.id, oak.id)
            ids[name] = trip.id
        return ids
    finally:
        database.close()


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    with bot_world(tmp_path_factory.mktemp("taps_manage"), TOKEN, {DEE: "Dee", ANN: "Ann", BOB: "Bob"}, seed) as w:
        yield w


def has_button(label: str):
    return lambda screen: any(label in b for row in screen.buttons for b in row)


def story(user: FakeUser, steps: list[tuple[str, str, object]]) -> int:
    """Drive `user` through `steps`, each ("tap", button, then) or ("type", text, then), where
    `then` is what the next screen shows (a text, or a predicate); return the number of taps."""
    taps = 0
    for kind, what, then in steps:
        if kind == "tap":
            user.press(what)
            taps += 1
        else:
            user.send(what)
        user.wait_screen(then)
    return taps


def pickup_times(world, trip_id: int) -> list[str]:
    with sqlite3.connect(world.db, timeout=10) as con:
        rows = con.execute("select time from pickup_point where trip_id = ? order by time", (trip_id,)).fetchall()
    return [str(t)[:5] for (t,) in rows]


def trip_row(world, trip_id: int) -> tuple[str, str]:
    with sqlite3.connect(world.db, timeout=10) as con:
        return con.execute("select status, cancel_reason from trip where id = ?", (trip_id,)).fetchone()


def cancel(world, trip: str, reason: str | None) -> int:
    """From /mytrips, the driver cancels `trip`, typing `reason` on the way if there is one."""
    typed = [("type", reason, f"Reason: {reason}")] if reason else []
    return story(world.people[DEE], [
        ("type", "/mytrips", has_button(trip)),
        ("tap", trip, has_button("❌ Cancel trip")),
        ("tap", "❌ Cancel trip", "Cancel the trip"),
        *typed,
        ("tap", "❌ Yes, cancel the trip", lambda s: "Cancel the trip" not in s.text and "ancelled" in s.text),
    ])


def test_moving_every_pickup_time_by_30_minutes_takes_four_taps(world):
    dee = world.people[DEE]
    taps = story(dee, [
        ("type", "/mytrips", has_button("Club gym")),
        ("tap", "Club gym", has_button("✏️ Edit")),
        ("tap", "✏️ Edit", "Edit trip"),
        ("tap", "+30 min", lambda s: "18:00 Station → 18:30 Station" in s.text
                                     and "18:15 Oak St → 18:45 Oak St" in s.text),
        ("tap", "✅ Confirm", lambda s: "Edit trip" not in s.text and "18:30" in s.text),
    ])
    assert taps <= 4, taps
    assert pickup_times(world, world.ids["Club gym"]) == ["18:30", "18:45"]
    wait_message(world.people[ANN], "18:00 → 18:30")  # each is told their own new time
    wait_message(world.people[BOB], "18:15 → 18:45")


def test_cancelling_takes_three_taps_with_or_without_a_reason(world):
    assert cancel(world, "Cup final", "rain") <= 3
    assert trip_row(world, world.ids["Cup final"]) == ("cancelled", "rain")
    for passenger in (ANN, BOB):
        assert "rain" in wait_message(world.people[passenger], "is cancelled").text
    assert cancel(world, "Club gym", None) <= 3
    assert trip_row(world, world.ids["Club gym"]) == ("cancelled", "")
