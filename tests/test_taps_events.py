"""Club events counted in taps on the real bot (issue #21): the real `carpool-bot` process
against the fake Bot API, one process for the whole module. A tap is one button press; typing a
text or a command is not a tap, and the pickup points (an address typed, a time, ✅ Done) are
counted apart, as the issue counts them.

Budgets: a driver offers a ride to an event in at most 4 taps plus the pickup points — from
/newtrip (the event, the seats, ⏭ Skip, ✅ Confirm) and from the event's card (🚗 I'm driving,
the seats, ⏭ Skip, ✅ Confirm) — and with a template of the weekly event in 2 (the event, ✅
Confirm); a registered player asks for a ride from the event's card in at most 2 (🙋 I need a
ride, ✅ Ask for a ride).
"""

from __future__ import annotations

import sqlite3
from datetime import date, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.test_taps_wizard import Tapper, buttons
from tests.world import bot_world

TOKEN = "123456:TEST-token-for-the-fake-bot-api-0000"
ADA, DEE, GIL, PAT, EVE = 1, 2, 3, 4, 5  # Ada runs the club; Dee, Gil and Eve drive; Pat rides
NAMES = {ADA: "Ada", DEE: "Dee", GIL: "Gil", PAT: "Pat", EVE: "Eve"}
UTC = ZoneInfo("UTC")


def tomorrow() -> date:
    from models import trips

    return trips.local_today(UTC) + timedelta(days=1)


def seed(url: str) -> dict:
    """Saturday's game and Thursday's weekly training, tomorrow; Gil has a template of the training."""
    from bot.infra.db import init_database
    from models import ROLE_DRIVER, ROLE_PASSENGER, events, templates, users

    database = init_database(url)
    try:
        for tid in NAMES:
            users.register_user(tid, NAMES[tid])
        for tid in NAMES:
            users.set_role(tid, ROLE_PASSENGER if tid == PAT else ROLE_DRIVER)
        admins = frozenset({ADA})
        game = events.create_event(ADA, events.EventDraft("game", "Cup final", "Riverside Arena", tomorrow(),
                                                          time(18, 30)), UTC, admins)
        training = events.create_event(ADA, events.EventDraft("training", "Training", "Club gym", tomorrow(),
                                                              time(19, 0), weekly=True), UTC, admins)
        templates.save_template(GIL, templates.TemplateDraft(
            name="Training run", destination="Training · Club gym", seats=2, pickups=[("Oak Street 12", time(18, 15))],
            event_id=training.id))
    finally:
        database.close()
    return {"game": game.id, "training": training.id}


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    with bot_world(tmp_path_factory.mktemp("taps_events"), TOKEN, NAMES, seed) as world:
        yield world


def query(world, sql: str, *args) -> list[tuple]:
    with sqlite3.connect(world.db, timeout=10) as con:
        return con.execute(sql, args).fetchall()


def trips_of(world, telegram_id: int) -> list[tuple]:
    return query(world, "select t.event_id, t.destination, t.departure_date, t.seats, count(p.id) from trip t "
                        "join user u on u.id = t.driver_id left join pickup_point p on p.trip_id = t.id "
                        "where u.telegram_id = ? group by t.id order by t.id", telegram_id)


def label(day: date, title: str, mark: str = "🏐") -> str:
    """An event's button ("🏐 Sat 05 Dec · Cup final"): the fake presses a unique substring."""
    return f"{mark} {day:%a %d %b} · {title}"


def pickup_points(driver: Tapper) -> None:
    """The pickup editor's part, counted apart: an address typed, the suggested time, ✅ Done."""
    driver.wait_screen("send the address")
    driver.send("Central Station")
    screen = driver.wait_screen("The event starts at 18:30")
    suggested = next(b for b in buttons(screen) if b.endswith("(suggested)"))
    driver.user.press(suggested)
    driver.wait_screen(lambda s: "Pickup points" in s.text and "Central Station" in s.text)
    driver.user.press("✅ Done")


def event_card(player: Tapper, title: str, shows: str) -> None:
    """/events, then the event `title` (not counted: the budgets start on its card, which shows
    the button `shows`)."""
    player.send("/events")
    player.wait_screen("Club events")
    player.user.press(label(tomorrow(), title))
    player.wait_screen(lambda s: shows in buttons(s))


def seats_to_created(driver: Tapper, seats: int) -> None:
    """From the seats to the created trip: the seats, the pickup points, ⏭ Skip, ✅ Confirm."""
    driver.wait_screen("How many free seats?")
    driver.tap(str(seats))
    pickup_points(driver)
    driver.wait_screen("Any comment")
    driver.tap("⏭ Skip")
    driver.wait_screen("Check your trip")
    driver.tap("✅ Confirm")
    driver.wait_screen("Trip created")


def test_a_driver_offers_a_ride_to_an_event_in_four_taps_plus_the_pickup_points(world):
    dee = Tapper(world.people[DEE])
    dee.send("/newtrip")
    dee.wait_screen("Which event are you driving to?")
    dee.tap(label(tomorrow(), "Cup final"))
    seats_to_created(dee, 3)
    assert dee.taps == 4
    assert trips_of(world, DEE) == [(world.ids["game"], "Cup final · Riverside Arena", tomorrow().isoformat(), 3, 1)]


def test_from_the_event_card_in_four_taps_plus_the_pickup_points(world):
    """Eve is on the game's card (reached through /events); from there, as many taps again."""
    eve = Tapper(world.people[EVE])
    event_card(eve, "Cup final", "🚗 I'm driving")
    eve.tap("🚗 I'm driving")
    seats_to_created(eve, 4)
    assert eve.taps == 4
    assert trips_of(world, EVE) == [(world.ids["game"], "Cup final · Riverside Arena", tomorrow().isoformat(), 4, 1)]


def test_a_weekly_events_template_makes_it_two_taps(world):
    gil = Tapper(world.people[GIL])
    gil.send("/newtrip")
    gil.wait_screen("Which event are you driving to?")
    gil.tap(label(tomorrow(), "Training", "🏃"))
    summary = gil.wait_screen("Check your trip")
    assert "Oak Street 12" in summary.text and "🏐 The event starts at 19:00" in summary.text
    gil.tap("✅ Confirm")
    gil.wait_screen("Trip created")
    assert gil.taps == 2
    assert trips_of(world, GIL) == [(world.ids["training"], "Training · Club gym", tomorrow().isoformat(), 2, 1)]


def test_a_player_asks_for_a_ride_from_the_event_card_in_two_taps(world):
    pat = Tapper(world.people[PAT])
    event_card(pat, "Cup final", "🙋 I need a ride")
    pat.tap("🙋 I need a ride")
    pat.wait_screen(lambda s: "✅ Ask for a ride" in buttons(s))
    pat.tap("✅ Ask for a ride")
    pat.wait_screen("🙋 You asked for a ride.")  # back on the card, which says so
    assert pat.taps == 2
    assert query(world, "select r.status, r.area from ride_request r join user u on u.id = r.passenger_id "
                        "where u.telegram_id = ? and r.event_id = ?", PAT, world.ids["game"]) == [("open", "")]
    # and it is in their "My trips", where it is changed or withdrawn
    pat.send("/mytrips")
    mine = pat.wait_screen("Waiting for a ride")
    assert any("Cup final" in b for b in buttons(mine))
