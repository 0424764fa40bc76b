"""Notifications carry the buttons their reader needs next (issue #18), counted in taps on
the real `carpool-bot` process against the fake Bot API: the driver told that someone
joined opens the trip in one tap; a passenger told the trip is cancelled finds another
ride in one tap; a reminder a day ahead asks "Still going?", not "On my way".

The outbox rows are written before the bot starts (by the operations, in this process),
so they go out when it starts: rendered then, by the bot's own renderer.
"""

from __future__ import annotations

from datetime import time, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.world import bot_world, wait_message

TOKEN = "123456:TEST-token-for-the-fake-bot-api-0000"
UTC = ZoneInfo("UTC")
DEE, GIL, ANN, BOB = 1, 2, 10, 11
NAMES = {DEE: "Dee", GIL: "Gil", ANN: "Ann", BOB: "Bob"}


def seed(url: str) -> dict[str, int]:
    """Ann joins Dee's gym trip (Dee is told), Gil cancels the cup final Ann had a seat in
    (Ann is told), and Bob, in the gym trip too, is due his reminder a day ahead."""
    from bot.infra.db import init_database
    from models import (
        ROLE_DRIVER, ROLE_PASSENGER, Participant, Trip, lifecycle, manage, queries, rides, trips, users, utcnow,
    )

    database = init_database(url)
    try:
        for tid, name in NAMES.items():
            users.register_user(tid, name)
            users.set_role(tid, ROLE_DRIVER if tid in (DEE, GIL) else ROLE_PASSENGER)

        def trip(driver: int, destination: str, days: int) -> int:
            return trips.create_trip(driver, trips.TripDraft(
                destination=destination, departure_date=trips.local_today(UTC) + timedelta(days=days), seats=3,
                pickups=[trips.PickupDraft("Station", time(18))]), UTC).id

        ids = {"gym": trip(DEE, "Club gym", 2), "cup": trip(GIL, "Cup final", 3)}
        for name, tid in (("gym", BOB), ("cup", ANN), ("gym", ANN)):  # Dee's last notice: Ann joined
            rides.join_trip(tid, ids[name], queries.pickup_points(ids[name])[0].id)
        manage.cancel_trip(GIL, ids["cup"], "no referee")
        pickup = trips.to_utc(trips.local_today(UTC) + timedelta(days=2), time(18), UTC)
        # The reminders a day ahead, written as the scheduler will tomorrow (seats and trips made before).
        Participant.update(joined_at=utcnow() - timedelta(minutes=5)).execute()
        Trip.update(created_at=utcnow() - timedelta(minutes=5)).execute()
        lifecycle.send_due_reminders(pickup - timedelta(hours=24), (timedelta(hours=24), timedelta(hours=2)), UTC)
        return ids
    finally:
        database.close()


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    with bot_world(tmp_path_factory.mktemp("notices"), TOKEN, NAMES, seed) as world:
        yield world


def buttons(message) -> list[str]:
    return [b for row in message.buttons for b in row]


def test_the_driver_opens_the_trip_from_the_notice_in_one_tap(world):
    dee = world.people[DEE]
    notice = wait_message(dee, "Ann joined your trip")
    assert buttons(notice) == ["🚗 Open trip"]
    dee.press("🚗 Open trip", message=notice)  # 1 tap
    card = dee.wait_screen(lambda s: "Club gym" in s.text and "Pickup points" in s.text)
    assert "Ann" in card.text and "Bob" in card.text  # the driver's card: who gets in where


def test_a_cancelled_passenger_finds_another_ride_in_one_tap(world):
    ann = world.people[ANN]
    notice = wait_message(ann, "is cancelled")
    assert "no referee" in notice.text and buttons(notice) == ["🔎 Find another ride"]
    ann.press("🔎 Find another ride", message=notice)  # 1 tap
    listing = ann.wait_screen("Upcoming trips")
    assert any("Club gym" in b for b in buttons(listing))


def test_a_day_ahead_the_reminder_asks_still_going(world):
    bob = world.people[BOB]
    reminder = wait_message(bob, "Reminder:")
    assert "Still going?" in reminder.text and buttons(reminder) == ["👍 Yes", "🚫 Can't go"]
    assert "On my way" not in str(reminder.buttons)
