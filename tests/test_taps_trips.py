"""Finding and joining, counted in taps on the real bot (issue #18): the real `carpool-bot`
process against the fake Bot API, one process for the whole module. A tap is one button
press; typing a text or a command, or opening a shared link, is not a tap.

Budgets: a registered passenger joins from a shared link in at most 2 taps (with one pickup
point: Join, then the confirmation); from the menu in at most 3 (the menu lists the next
rides: the trip, its pickup point's button on the card, the confirmation). And the screens fit a phone: list buttons of
at most ~30 characters, the details in the message text, your own trips marked.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import time, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from bot.devtools.fakeapi import BENIGN_ERRORS, FakeTelegram, FakeUser
from tests.process import BotProcess

TOKEN = "123456:TEST-token-for-the-fake-bot-api-0000"
UTC = ZoneInfo("UTC")
BUTTON_MAX = 30  # characters an inline button shows on a phone before "…"
DEE, GIL, EVE = 1, 2, 3  # two drivers; Eve has a seat in Dee's gym trip
NAMES = {DEE: "Dee", GIL: "Gil", EVE: "Eve", 10: "Ann", 11: "Bob", 12: "Cat", 13: "Fay", 14: "Gus"}


@dataclass
class Tapper:
    """A Telegram user whose button presses are counted."""

    user: FakeUser
    taps: int = 0

    def press(self, text: str) -> None:
        self.taps += 1
        self.user.press(text)

    def send(self, text: str) -> None:
        self.user.send(text)

    def wait_screen(self, expected):
        return self.user.wait_screen(expected)


def buttons(screen) -> list[str]:
    return [b for row in screen.buttons for b in row]


def _trip(driver: int, destination: str, points: list[tuple[str, time]], seats: int = 3, days: int = 3):
    from models import trips

    return trips.create_trip(driver, trips.TripDraft(
        destination=destination, departure_date=trips.local_today(UTC) + timedelta(days=days), seats=seats,
        pickups=[trips.PickupDraft(address, at) for address, at in points]), UTC).id


def seed(url: str) -> dict[str, int]:
    from bot.infra.db import init_database
    from models import ROLE_DRIVER, ROLE_PASSENGER, queries, rides, trips, users

    database = init_database(url)
    try:
        for tid, name in NAMES.items():
            users.register_user(tid, name)
            users.set_role(tid, ROLE_DRIVER if tid in (DEE, GIL) else ROLE_PASSENGER)
        ids = {
            "gym": _trip(DEE, "Club gym", [("Station", time(18))], days=2),
            "arena": _trip(DEE, "Away game – Riverside Arena", [("Station", time(18)), ("Oak Street", time(18, 15))]),
            "cup": _trip(GIL, "Cup final", [("Market", time(9, 30))], seats=1, days=4),
            "beach": _trip(GIL, "Beach volley", [("Pier", time(10))], days=5),
        }
        first = {name: queries.pickup_points(trip_id)[0].id for name, trip_id in ids.items()}
        rides.join_trip(EVE, ids["gym"], first["gym"])
        rides.join_trip(EVE, ids["cup"], first["cup"])  # the cup final is full now
        rides.join_trip(DEE, ids["beach"], first["beach"])  # Dee drives two, rides in one
        return ids
    finally:
        database.close()


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("taps")
    with FakeTelegram(token=TOKEN) as tg:
        bot = BotProcess(tg, workdir)
        bot.prepare_database()
        ids = seed(bot.env["DATABASE_URL"])
        people = {tid: tg.user(tid, name, None) for tid, name in NAMES.items()}  # they talk to the bot
        bot.start()
        try:
            yield SimpleNamespace(tg=tg, bot=bot, ids=ids, people=people, db=workdir / "data" / "carpool.sqlite3")
            assert bot.stop()[0] == 0 and "Traceback" not in bot.output()
            assert not tg.rejected(ignore=BENIGN_ERRORS), tg.rejected(ignore=BENIGN_ERRORS)
        finally:
            bot.kill()


def seat_point(world, trip_id: int, telegram_id: int) -> str | None:
    with sqlite3.connect(world.db, timeout=10) as con:
        row = con.execute(
            "select pp.address from participant p join user u on u.id = p.passenger_id "
            "join pickup_point pp on pp.id = p.pickup_point_id where p.trip_id = ? and u.telegram_id = ?",
            (trip_id, telegram_id)).fetchone()
    return row[0] if row else None


def player(world, telegram_id: int) -> Tapper:
    return Tapper(world.people[telegram_id])


def test_join_from_a_shared_link_with_one_pickup_point_is_join_then_confirm(world):
    ann = player(world, 10)
    ann.send(f"/start trip_{world.ids['gym']}")
    card = ann.wait_screen("Club gym")
    assert "🙋 Join" in buttons(card)
    ann.press("🙋 Join")
    confirm = ann.wait_screen("Take a seat")
    assert "18:00" in confirm.text and "Station" in confirm.text
    ann.press("✅ Join")
    ann.wait_screen("You have a seat")
    assert ann.taps == 2
    assert seat_point(world, world.ids["gym"], 10) == "Station"


def test_join_from_a_shared_link_with_two_pickup_points_takes_two_taps(world):
    bob = player(world, 11)
    bob.send(f"/start trip_{world.ids['arena']}")
    card = bob.wait_screen("Riverside Arena")
    assert {"📍 18:00 Station", "📍 18:15 Oak Street"} <= set(buttons(card))  # each joins at its point
    bob.press("📍 18:15 Oak Street")
    confirm = bob.wait_screen("Take a seat")
    assert "18:15" in confirm.text and "Oak Street" in confirm.text
    bob.press("✅ Join")
    bob.wait_screen("You have a seat")
    assert bob.taps <= 2
    assert seat_point(world, world.ids["arena"], 11) == "Oak Street"


def test_join_from_the_menu_takes_three_taps(world):
    gus = player(world, 14)
    gus.send("/start")
    menu = gus.wait_screen("Next rides")
    assert "Away game – Riverside Arena" in menu.text  # the details in the text, short buttons
    assert all(len(b) <= BUTTON_MAX for b in buttons(menu)), buttons(menu)
    gus.press(next(b for b in buttons(menu) if "Away game" in b))
    gus.wait_screen("Pickup points")
    gus.press("📍 18:15 Oak Street")
    gus.wait_screen("Take a seat")
    gus.press("✅ Join")
    gus.wait_screen("You have a seat")
    assert gus.taps == 3  # the trip on the menu, its pickup point, the confirmation
    assert seat_point(world, world.ids["arena"], 14) == "Oak Street"


def test_join_from_the_trip_list_takes_three_taps(world):
    cat = player(world, 12)
    cat.send("/start")
    cat.wait_screen("you are a 🙋 passenger")
    cat.press("🔎 Find a trip")
    listing = cat.wait_screen("Upcoming trips")
    from_list = cat.taps
    cat.press(next(b for b in buttons(listing) if "Away game" in b))
    cat.wait_screen("Pickup points")
    cat.press("📍 18:00 Station")
    cat.wait_screen("Take a seat")
    cat.press("✅ Join")
    cat.wait_screen("You have a seat")
    assert cat.taps - from_list <= 3  # the trip, its pickup point, the confirmation
    assert cat.taps <= 4  # with "Find a trip" in the menu
    assert seat_point(world, world.ids["arena"], 12) == "Station"


def test_the_list_fits_a_phone_and_marks_your_trips(world):
    eve = player(world, EVE)
    eve.send("/trips")
    listing = eve.wait_screen("Upcoming trips")
    trip_buttons = [b for b in buttons(listing) if b != "⬅️ Back"]
    assert len(trip_buttons) == 4 and all(len(b) <= BUTTON_MAX for b in trip_buttons), trip_buttons
    text = listing.text
    # what the buttons no longer hold is in the text: the whole destination, day, time, seats, FULL
    assert "Away game – Riverside Arena" in text and "FULL" in text and "2 seats left" in text
    assert "Cup final" in text and "18:00" in text and "09:30" in text
    gym = next(b for b in trip_buttons if "Club gym" in b)
    cup = next(b for b in trip_buttons if "Cup final" in b)
    assert gym.startswith("✅") and cup.startswith("✅")  # Eve has a seat in both
    dee = player(world, DEE)
    dee.send("/trips")
    listing = dee.wait_screen("Upcoming trips")
    own = [b for b in buttons(listing) if "Club gym" in b or "Away game" in b]
    assert len(own) == 2 and all(b.startswith("🚗") for b in own)  # Dee drives both
    assert next(b for b in buttons(listing) if "Beach" in b).startswith("✅")


def test_a_full_trip_is_not_a_dead_end(world):
    fay = player(world, 13)
    fay.send(f"/start trip_{world.ids['cup']}")
    card = fay.wait_screen("Cup final")
    assert "Full" in card.text and "🙋 Join" not in buttons(card)
    fay.press("🔎 Find another ride")
    listing = fay.wait_screen("Upcoming trips")
    assert any("Club gym" in b for b in buttons(listing))


def test_my_trips_shows_each_heading_with_its_own_trips(world):
    dee = player(world, DEE)
    dee.send("/mytrips")
    mine = dee.wait_screen("My trips")
    text = mine.text
    drive, seats = text.index("Trips you drive"), text.index("Your seats")
    assert drive < text.index("Club gym") < text.index("Riverside Arena") < seats < text.index("Beach volley")
    labels = buttons(mine)
    assert all(len(b) <= BUTTON_MAX for b in labels), labels
    assert next(b for b in labels if "Club gym" in b).startswith("🚗")
    assert next(b for b in labels if "Beach" in b).startswith("🙋")
