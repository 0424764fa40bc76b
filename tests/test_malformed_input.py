"""Malformed deep links and callback data are ignored quietly (issue #16, item 12): at most
a stale-screen answer, nothing changed, and never an ERROR record or a traceback."""

from __future__ import annotations

import logging
from datetime import time, timedelta
from zoneinfo import ZoneInfo

import pytest
from aiogram.types import Chat, Message

from models import ROLE_DRIVER, ROLE_PASSENGER, Notification, Trip, queries, rides, trips, users
from tests.steps import new_driver
from tests.test_forgery import SEP, intent_of, press

UTC = ZoneInfo("UTC")


@pytest.fixture(autouse=True)
def no_error_records(caplog):
    caplog.set_level(logging.INFO)
    yield
    errors = [r for r in caplog.get_records("call") if r.levelno >= logging.ERROR]
    assert not errors, [(r.getMessage(), r.exc_info and repr(r.exc_info[1])) for r in errors]


@pytest.mark.parametrize("payload", ["trip_²", "trip_٣", "trip_99999999999999999999999", "trip_", "trip_-1",
                                     "trip_1e3", "trip_ 12"])
async def test_malformed_trip_deep_link(env, payload):
    ann = env.player(2, "Ann")
    screen = await ann.send(f"/start {payload}")
    assert "couldn't find that trip" in env.bot.sent_texts(2)[0]
    assert "Sorry" not in " ".join(env.bot.sent_texts(2))
    assert screen is not None and "passenger" in screen.text  # the menu, as for a removed trip


@pytest.mark.parametrize("item", ["abc", "", "M13", "M0", "Mx", "Y99999", "Y0", "Yx", "99999999999999999999",
                                  "-99999999999999", "1.5"])
async def test_forged_calendar_press(env, item):
    dee = await new_driver(env)
    await dee.send("/newtrip")
    calendar = await dee.send("Gym")
    answer = await press(dee, calendar, f"{intent_of(calendar)}{SEP}cal:{item}")
    assert answer is None or "Sorry" not in (answer.text or "")
    screen = dee.screen()
    assert "Which day?" in screen.text  # still the same step, and the calendar still works
    day = trips.local_today(UTC) + timedelta(days=1)
    assert "How many free seats?" in (await dee.pick_date(day)).text


async def test_forged_select_item_is_not_a_number(env):
    """A `Select(type_factory=int)` item that is no number: aiogram-dialog's `int()` fails
    before any handler of ours runs."""
    dee = await new_driver(env)
    step = await dee.send("/newtrip")  # the destination step, with its Select of recent destinations
    for item in ("abc", "1e9", "", "99999999999999999999999"):
        answer = await press(dee, step, f"{intent_of(step)}{SEP}recent:{item}")
        assert answer is None or "Sorry" not in (answer.text or "")
    assert "Where to?" in dee.screen().text
    assert "Which day?" in (await dee.send("Gym")).text


@pytest.mark.parametrize("data", ["rm:way:99999999999999999999", "rm:late:-99999999999999999999", "rm:way:0",
                                  "rm:yes:1e3"])
async def test_forged_reminder_answer_out_of_range(env, data):
    users.register_user(1, "Dee")
    users.set_role(1, ROLE_DRIVER)
    users.register_user(2, "Ann")
    users.set_role(2, ROLE_PASSENGER)
    trip = trips.create_trip(1, trips.TripDraft(
        destination="Gym", departure_date=trips.local_today(UTC) + timedelta(days=2), seats=2,
        pickups=[trips.PickupDraft("Station", time(18))]), UTC)
    rides.join_trip(2, trip.id, queries.pickup_points(trip.id)[0].id)
    ann = env.player(2, "Ann")
    message = Message(message_id=5, date=trip.created_at, chat=Chat(id=2, type="private"), text="x")
    answer = await press(ann, message, data)
    assert answer is not None and "Sorry" not in answer.text
    assert Notification.select().where(Notification.kind.startswith("rider")).count() == 0
    assert Trip.select().count() == 1


async def test_forged_template_ids_beyond_64_bits(env):
    dee = await new_driver(env)
    for item in ("99999999999999999999999", "-99999999999999999999999"):
        listing = await dee.send("/templates")
        answer = await press(dee, listing, f"{intent_of(listing)}{SEP}tpl:{item}")
        assert answer is not None and answer.show_alert and "no longer exists" in answer.text
    assert "Your templates" in dee.screen().text
