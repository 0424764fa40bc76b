"""Offering a ride, counted in taps on the real bot (issue #18): the real `carpool-bot` process
against the fake Bot API, one process for the whole module. A tap is one button press; typing
a text or a command is not a tap.

Budgets: a driver publishes this week's trip from a template in at most 3 taps (the template,
the date, "✅ Confirm" on a summary that shows everything), and the template's comment is kept;
a passenger who has the car this week offers a ride with one tap more than a driver: /newtrip
asks "You're a passenger; switch to driver?" and its button switches and goes on.
"""

from __future__ import annotations

import sqlite3
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.devtools.fakeapi import FakeUser
from tests.world import bot_world

TOKEN = "123456:TEST-token-for-the-fake-bot-api-0000"
DEE, GIL, PAT = 1, 2, 3  # Dee drives and has a template; Gil drives, no template; Pat rides
NAMES = {DEE: "Dee", GIL: "Gil", PAT: "Pat"}


def club_zone() -> ZoneInfo:
    """A zone whose tomorrow is on the calendar's first page (not in next month), so that a
    date is one tap whatever day the tests run: UTC-11 and UTC+14 are 25 hours apart, and
    at most one of them is on the last day of a month."""
    for name in ("Pacific/Pago_Pago", "Pacific/Kiritimati"):
        today = datetime.now(ZoneInfo(name)).date()
        if (today + timedelta(days=1)).month == today.month:
            return ZoneInfo(name)
    raise AssertionError("unreachable: both zones on a month's last day")  # pragma: no cover


class Tapper:
    """A Telegram user whose button presses are counted."""

    def __init__(self, user: FakeUser) -> None:
        self.user, self.taps = user, 0

    def tap(self, text: str) -> None:
        self.taps += 1
        self.user.press(text)

    def __getattr__(self, name: str):  # send, wait_screen, screen: as the user does
        return getattr(self.user, name)


def buttons(screen) -> list[str]:
    return [b for row in screen.buttons for b in row]


def seed(url: str) -> dict:
    from bot.infra.db import init_database
    from models import ROLE_DRIVER, ROLE_PASSENGER, templates, users

    database = init_database(url)
    try:
        for tid, name in NAMES.items():
            users.register_user(tid, name)
            users.set_role(tid, ROLE_PASSENGER if tid == PAT else ROLE_DRIVER)
        templates.save_template(DEE, templates.TemplateDraft(
            name="Tuesday training", destination="Club gym", seats=3, comment="Bring the ball bag",
            pickups=[("Central Station", time(18)), ("Oak Street 12", time(18, 15))]))
    finally:
        database.close()
    return {}


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    zone = club_zone()
    with bot_world(tmp_path_factory.mktemp("taps_wizard"), TOKEN, NAMES, seed, TIMEZONE=zone.key) as world:
        world.tomorrow = datetime.now(zone).date() + timedelta(days=1)
        yield world


def trips_of(world, telegram_id: int) -> list[tuple]:
    with sqlite3.connect(world.db, timeout=10) as con:
        return con.execute(
            "select t.destination, t.departure_date, t.seats, t.comment, count(p.id) from trip t "
            "join user u on u.id = t.driver_id left join pickup_point p on p.trip_id = t.id "
            "where u.telegram_id = ? group by t.id order by t.id", (telegram_id,)).fetchall()


def role_of(world, telegram_id: int) -> str:
    with sqlite3.connect(world.db, timeout=10) as con:
        return con.execute("select role from user where telegram_id = ?", (telegram_id,)).fetchone()[0]


def test_publish_this_weeks_trip_from_a_template_in_three_taps(world):
    dee, day = Tapper(world.people[DEE]), world.tomorrow
    dee.send("/newtrip")
    dee.wait_screen("Start from one of your templates")
    dee.tap("📋 Tuesday training")
    dee.wait_screen("Which day?")
    dee.tap(f"{day:%d}")
    summary = dee.wait_screen("Check your trip")
    for shown in ("Club gym", f"{day:%a %d %b %Y}", "3 seats", "18:00", "Central Station", "18:15",
                  "Oak Street 12", "Bring the ball bag"):
        assert shown in summary.text, f"{shown!r} not on the summary:\n{summary.text}"
    # every field can still be changed from here
    assert {"🏁 Destination", "📅 Date", "💺 Seats", "📍 Pickups", "💬 Comment"} <= set(buttons(summary))
    dee.tap("✅ Confirm")
    created = dee.wait_screen("Trip created")
    assert "Bring the ball bag" in created.text
    assert dee.taps == 3
    assert trips_of(world, DEE) == [("Club gym", day.isoformat(), 3, "Bring the ball bag", 2)]


def offer_from_scratch(player: Tapper, day: date, destination: str) -> None:
    """The whole wizard without a template, from the first question to the created trip."""
    player.wait_screen("Where to?")
    player.send(destination)
    player.wait_screen("Which day?")
    player.tap(f"{day:%d}")
    player.wait_screen("How many free seats?")
    player.tap("3")
    player.wait_screen("send the address")
    player.send("Station")
    player.wait_screen("Pickup time")
    player.send("18:30")
    player.wait_screen(lambda s: "Pickup points" in s.text and "Station" in s.text)
    player.tap("✅ Done")
    player.wait_screen("Any comment")
    player.tap("⏭ Skip")
    player.wait_screen("Check your trip")
    player.tap("✅ Confirm")
    player.wait_screen("Trip created")


def test_a_passenger_offers_a_ride_with_one_tap_more_than_a_driver(world):
    gil, pat = Tapper(world.people[GIL]), Tapper(world.people[PAT])
    gil.send("/newtrip")
    offer_from_scratch(gil, world.tomorrow, "Riverside Arena")

    pat.send("/newtrip")
    ask = pat.wait_screen("You're a passenger; switch to driver?")
    assert "🚗 Switch to driver" in buttons(ask)
    pat.tap("🚗 Switch to driver")
    offer_from_scratch(pat, world.tomorrow, "Beach volley")
    assert pat.taps == gil.taps + 1, (pat.taps, gil.taps)
    assert role_of(world, PAT) == "driver"
    assert [t[0] for t in trips_of(world, PAT)] == ["Beach volley"]
