"""Club events through the real dispatcher (issue #21): admins create, edit and cancel events;
players read the event card, ask for a ride (two taps), go on their own, join a car, set alerts;
who manages events (CLUB_ADMINS and the club chat's administrators)."""

from __future__ import annotations

import asyncio
import dataclasses
import re
from datetime import time, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from aiogram_dialog.test_tools.keyboard import InlineButtonTextLocator

from bot.config import ConfigError, load_settings
from bot.middlewares.admins import AdminsMiddleware
from dialogs.states import EventsSG
from models import ROLE_DRIVER, ROLE_PASSENGER, Notification, PermissionDenied, events, trips, users
from models.tables import Event, RideAlert, RideRequest
from tests.harness import DialogEnv
from tests.steps import new_driver, new_passenger, taps

UTC = ZoneInfo("UTC")
ADMIN = 1


@pytest.fixture
def club(database, settings):
    """The dialogs with player 1 as the club's admin (CLUB_ADMINS=1)."""
    return DialogEnv(dataclasses.replace(settings, club_admins=frozenset({ADMIN})))


def day(days: int = 3):
    return trips.local_today(UTC) + timedelta(days=days)


def seed_event(title="Cup final", venue="Riverside Arena", days=3, kind="game", weekly=False, at=time(18, 30)):
    if users.get_user(ADMIN) is None:
        users.register_user(ADMIN, "Ada Admin")
        users.set_role(ADMIN, ROLE_PASSENGER)
    return events.create_event(ADMIN, events.EventDraft(kind, title, venue, day(days), at, weekly), UTC,
                               frozenset({ADMIN}))


def seed_car(event, driver=5, name="Dee Driver", seats=3):
    users.register_user(driver, name)
    users.set_role(driver, ROLE_DRIVER)
    return trips.create_trip(driver, trips.TripDraft(
        destination=f"{event.title} · {event.venue}", departure_date=event.date, seats=seats,
        pickups=[trips.PickupDraft("Central Station", time(17, 45)), trips.PickupDraft("Oak Street", time(18))]),
        UTC, event_id=event.id)


async def admin(env):
    """The admin (registered by `seed_event`) on the main menu."""
    ada = env.player(ADMIN, "Ada")
    await ada.send("/start")
    return ada


async def open_event(player, label: str = ".*Cup final"):
    """/events, then the event's button: its card."""
    await player.send("/events")
    return await player.click(label)


async def an_asker_and_the_admin(env):
    """An event Ann asked for a ride to, and the admin on its card."""
    event = seed_event()
    ann = await new_passenger(env, 2, "Ann")
    await open_event(ann)
    await taps(ann, "🙋 I need a ride", "✅ Ask for a ride")
    ada = await admin(env)
    await open_event(ada)
    return event, ann, ada


# --- admins ---------------------------------------------------------------------------------


async def test_an_admin_creates_an_event_step_by_step(club):
    ada = await new_passenger(club, ADMIN, "Ada")
    screen = await ada.click("🏐 Events")
    assert "No events planned yet." in screen.text and ada.has_button("➕ New event")
    screen = await ada.click("➕ New event")
    assert "What kind of event is it?" in screen.text
    assert ada.buttons() == ["🏃 Training", "🏐 Game", "📌 Other", "✖️ Close without saving"]
    screen = await ada.click("🏐 Game")
    assert "What is it called?" in screen.text
    screen = await ada.send("Cup final")
    assert "Where is it?" in screen.text
    screen = await ada.send("Riverside Arena")
    assert "On which day?" in screen.text
    screen = await ada.pick_date(day(5))
    assert "When does it start?" in screen.text
    screen = await ada.send("18:30")
    assert "every week" in screen.text
    screen = await ada.click("1️⃣ Just once")
    assert "<b>New event</b>: check it" in screen.text
    assert "🏐 Game: <b>Cup final</b>" in screen.text and "📍 Riverside Arena" in screen.text
    assert f"📅 {day(5):%a %d %b %Y}, 18:30" in screen.text and "1️⃣ Just once" in screen.text
    screen = await ada.click("✅ Create event")
    assert "Club events" in screen.text and "Cup final" in screen.text and "no cars yet" in screen.text
    event = Event.get()
    assert (event.kind, event.title, event.venue, event.date, event.start_time, event.weekly) == (
        "game", "Cup final", "Riverside Arena", day(5), time(18, 30), False)
    assert any(a.text == "✅ Event created." for a in club.bot.callback_answers())


async def test_a_field_opened_from_the_summary_returns_to_it(club):
    ada = await new_passenger(club, ADMIN, "Ada")
    await ada.send("/events")
    await taps(ada, "➕ New event", "🏃 Training")
    await ada.send("Tuesday training")
    await ada.send("Club gym")
    await ada.pick_date(day(2))
    await ada.send("19:00")
    screen = await ada.click("🔁 Every week")
    assert "🔁 Every week" in screen.text
    screen = await ada.click("📍 Venue")
    assert "Now: <i>Club gym</i>" in screen.text and ada.has_button("⬅️ Back")
    screen = await ada.send("Sports centre")
    assert "<b>New event</b>" in screen.text and "📍 Sports centre" in screen.text  # back on the summary
    screen = await ada.click("🕘 Time")
    screen = await ada.send("25:00")  # refused: the step stays
    assert "⚠️" in club.bot.sent_texts(ADMIN)[-1]
    screen = await ada.send("19:15")
    assert ", 19:15" in screen.text
    await ada.click("✅ Create event")
    event = Event.get()
    assert (event.venue, event.start_time, event.weekly, event.series_id) == ("Sports centre", time(19, 15), True,
                                                                              event.id)


async def test_players_who_are_not_admins_get_no_managing_buttons(club):
    event = seed_event()
    ann = await new_passenger(club, 2, "Ann")
    await ann.send("/events")
    assert not ann.has_button("➕ New event")
    await ann.click(".*Cup final")
    assert not ann.has_button("✏️ Edit") and not ann.has_button("❌ Cancel event")
    with pytest.raises(PermissionDenied) as refused:  # the operation itself refuses (forged presses end there)
        events.edit_event(2, event.id, events.EventDraft("game", "Hacked", "Xy", event.date, time(18)), UTC,
                          frozenset({ADMIN}))
    assert refused.value.key == "error-not-admin"
    assert "Hacked" not in (await open_event(ann)).text


async def test_an_admin_edits_an_event_and_the_requesters_are_told(club):
    event, ann, ada = await an_asker_and_the_admin(club)
    screen = await ada.click("✏️ Edit")
    assert "<b>Edit event</b>" in screen.text and "🏐 Game: <b>Cup final</b>" in screen.text
    screen = await ada.click("✏️ Title")
    assert "Now: <i>Cup final</i>" in screen.text
    screen = await ada.send("Cup final, 2nd leg")
    assert "<b>Cup final, 2nd leg</b>" in screen.text and ada.has_button("✅ Save changes")
    screen = await ada.click("✅ Save changes")
    assert "<b>Cup final, 2nd leg</b>" in screen.text and ada.has_button("✏️ Edit")  # the card again
    assert Event.get_by_id(event.id).title == "Cup final, 2nd leg"
    told = Notification.get(Notification.kind == "event_changed")
    assert told.recipient.telegram_id == 2


async def test_an_admin_cancels_an_event_with_a_reason(club):
    event, ann, ada = await an_asker_and_the_admin(club)
    screen = await ada.click("❌ Cancel event")
    assert "<b>Cancel Cup final</b>" in screen.text and "You may type a reason" in screen.text
    screen = await ada.send("the hall is closed")
    assert "Reason: <i>the hall is closed</i>" in screen.text
    screen = await ada.click("✅ Yes, cancel it")
    assert "❌ <b>Cancelled</b>: the hall is closed" in screen.text
    assert not ada.has_button("✏️ Edit") and not ada.has_button("🙋 I need a ride")
    assert Event.get_by_id(event.id).status == "cancelled"
    assert Notification.get(Notification.kind == "event_cancelled").recipient.telegram_id == 2
    screen = await ann.send("/events")
    assert "Cup final" not in screen.text  # the list shows what is still on


# --- players -------------------------------------------------------------------------------


async def test_a_player_asks_for_a_ride_from_the_card_in_two_taps(club):
    event = seed_event()
    ann = await new_passenger(club, 2, "Ann")
    screen = await open_event(ann)
    assert "🏐 <b>Cup final</b>" in screen.text and "📍 Riverside Arena" in screen.text
    assert "No cars yet." in screen.text and "Nobody is waiting for a ride." in screen.text
    screen = await ann.click("🙋 I need a ride")
    assert "Where should a driver pick you up?" in screen.text
    screen = await ann.click("✅ Ask for a ride")  # the second tap
    assert "🙋 <b>Still need a ride</b> (1): Ann" in screen.text and "🙋 You asked for a ride." in screen.text
    assert not ann.has_button("🙋 I need a ride")
    request = RideRequest.get()
    assert (request.event_id, request.status, request.area) == (event.id, "open", "")


async def test_a_typed_area_asks_at_once(club):
    seed_event()
    ann = await new_passenger(club, 2, "Ann")
    await open_event(ann)
    await ann.click("🙋 I need a ride")
    screen = await ann.send("Oak Street")
    assert "Ann (from Oak Street)" in screen.text and "You asked for a ride from Oak Street." in screen.text
    assert RideRequest.get().area == "Oak Street"
    await ann.click("✋ I go on my own")
    screen = await ann.click("🙋 I need a ride")
    screen = await ann.send("x" * 61)  # too long: said, and the window stays
    assert "Where should a driver pick you up?" in screen.text or "⚠️" in club.bot.sent_texts(2)[-1]
    assert RideRequest.get().status == "own"


async def test_the_card_lists_the_cars_and_a_car_opens_its_trip(club):
    event = seed_event()
    trip = seed_car(event)
    ann = await new_passenger(club, 2, "Ann")
    await open_event(ann)
    await taps(ann, "🙋 I need a ride", "✅ Ask for a ride")
    screen = ann.screen()
    assert "🚗 <b>Cars going</b> (1):" in screen.text and "• <b>Dee</b>: 3 of 3 seats free" in screen.text
    assert "📍 17:45 Central Station · 18:00 Oak Street" in screen.text
    screen = await ann.click("🚗 Dee · 17:45 · 3 free")
    assert "Central Station" in screen.text and ann.has_button("📍 17:45 Central Station")  # the trip card
    await ann.click("📍 17:45 Central Station")
    await ann.click("✅ Join")
    screen = await ann.click("⬅️ Back")  # the trip card's Back: the event card again, fresh
    assert "✅ You have a seat with Dee." in screen.text and "Nobody is waiting for a ride." in screen.text
    assert "2 of 3 seats free" in screen.text and not ann.has_button("🙋 I need a ride")
    assert RideRequest.get().status == "seated" and RideRequest.get().trip_id == trip.id


async def test_going_on_my_own_and_an_alert_of_new_trips(club):
    event = seed_event(weekly=True)
    ann = await new_passenger(club, 2, "Ann")
    screen = await open_event(ann)
    assert "🔁 Every week" in screen.text
    screen = await ann.click("✋ I go on my own")
    assert "✋ You go on your own." in screen.text and not ann.has_button("✋ I go on my own")
    assert RideRequest.get().status == "own"
    screen = await ann.click("🔔 Tell me about new trips")
    assert "🔔 You hear of new trips to it." in screen.text and not ann.has_button("🔔 Tell me about new trips")
    assert RideAlert.get().event_id == event.id
    await ann.click("⬅️ Back")
    screen = await ann.click("🔔 My alerts")
    assert "🏐 <b>Cup final</b>" in screen.text
    screen = await ann.click("❌ Cup final")
    assert "No alerts yet." in screen.text and RideAlert.select().count() == 0


async def test_an_alert_for_a_place_on_a_weekday(club):
    ann = await new_passenger(club, 2, "Ann")
    await ann.send("/events")
    screen = await taps(ann, "🔔 My alerts", "➕ Trips to a place")
    assert "Trips to where?" in screen.text
    screen = await ann.send("Riverside")
    assert "Trips to <b>Riverside</b> on which day?" in screen.text and "Saturday" in ann.buttons()
    screen = await ann.click("Saturday")
    assert "• 🏁 <b>Riverside</b> · Saturday" in screen.text
    alert = RideAlert.get()
    assert (alert.destination, alert.weekday, alert.event_id) == ("Riverside", 5, None)
    await taps(ann, "➕ Trips to a place")
    await ann.send("Club gym")
    screen = await ann.click("any day")
    assert "Club gym</b> · any day" in screen.text
    assert RideAlert.get(RideAlert.destination == "Club gym").weekday is None


async def test_a_ride_to_a_place_that_is_no_event(club):
    ann = await new_passenger(club, 2, "Ann")
    await ann.send("/events")
    screen = await ann.click("🙋 Ride elsewhere")
    assert "Where do you need a ride to?" in screen.text
    await ann.send("Club gym")
    await ann.pick_date(day(4))
    screen = ann.screen()
    assert "A ride to Club gym</b>" in screen.text
    screen = await ann.click("✅ Ask for a ride")
    assert "Club events" in screen.text
    request = RideRequest.get()
    assert (request.event_id, request.destination, request.date, request.status) == (None, "Club gym", day(4), "open")


async def test_i_m_driving_opens_the_wizard_at_the_seats_for_the_event(club):
    seed_event()
    dee = await new_driver(club, 5, "Dee")
    await open_event(dee)
    screen = await dee.click("🚗 I'm driving")  # the event is the destination and the date: seats next
    assert "How many free seats?" in screen.text
    screen = await dee.click("⬅️ Back")
    assert "🏐 <b>Cup final</b>" in screen.text and dee.has_button("🚗 I'm driving")  # the card again
    ann = await new_passenger(club, 6, "Ann")
    await open_event(ann)
    screen = await ann.click("🚗 I'm driving")  # a passenger is asked to switch first
    assert "switch to driver?" in screen.text


async def test_a_notification_opens_the_card_and_back_closes_it(club):
    event = seed_event()
    ann = await new_passenger(club, 2, "Ann")
    await club.app.bg_factory.bg(club.bot, user_id=2, chat_id=2).start(EventsSG.card, data={"event_id": event.id})
    for _ in range(10):  # the background start is a task of aiogram-dialog's
        await asyncio.sleep(0.01)
    screen = ann.screen()
    assert "🏐 <b>Cup final</b>" in screen.text
    screen = await ann.click("⬅️ Back")
    assert "you are a 🙋 passenger" in screen.text


async def test_an_event_gone_meanwhile_is_refused_from_the_list(club):
    event = seed_event()
    ann = await new_passenger(club, 2, "Ann")
    await ann.send("/events")
    Event.delete_by_id(event.id)
    # answered by the error handler (an alert), not by the dialog: the harness's click would insist
    callback_id = await ann.client.click(ann.screen(), InlineButtonTextLocator(".*Cup final"))
    assert [a.show_alert for a in club.bot.callback_answers() if a.callback_query_id == callback_id] == [True]
    assert "Club events" in ann.screen().text


async def test_the_list_counts_cars_seats_and_who_needs_a_ride(club):
    event = seed_event()
    seed_car(event)
    seed_event(title="Tuesday training", venue="Club gym", days=5, kind="training")
    ann = await new_passenger(club, 2, "Ann")
    await open_event(ann)
    await taps(ann, "🙋 I need a ride", "✅ Ask for a ride")
    screen = await ann.send("/events")
    assert "🚗 1 car · 💺 3 free seats · 🙋 1 still needs a ride" in screen.text
    assert "🚗 no cars yet · 💺 0 free seats · 🙋 nobody waiting" in screen.text
    assert re.fullmatch(r"🏐 \w{3} \d\d \w{3} · Cup final", ann.buttons()[0])
    assert all(len(b) <= 30 for b in ann.buttons())


async def test_a_russian_player_reads_the_card_in_russian(club):
    seed_event()
    olga = await new_passenger(club, 3, "Olga")
    users.set_language(3, "ru")
    screen = await open_event(olga)
    assert "🚗 Машин пока нет." in screen.text and "🙋 Никто не ждёт попутку." in screen.text
    assert {"🙋 Меня нужно подвезти", "🚗 Я за рулём", "✋ Доберусь своим ходом"} <= set(olga.buttons())
    screen = await taps(olga, "🙋 Меня нужно подвезти", "✅ Попросить подвезти")
    assert "🙋 <b>Ещё нужно подвезти</b> (1): Olga" in screen.text and "Ты просишь подвезти." in screen.text


async def test_events_is_a_command_and_in_help(club):
    await new_passenger(club, 2, "Ann")
    screen = await club.player(2).send("/events")
    assert "Club events" in screen.text
    await club.player(2).send("/help")
    assert "/events — the club's games and trainings" in club.bot.sent_texts(2)[-1]


# --- who manages events ----------------------------------------------------------------------


class ChatAdmins:
    """A Bot stand-in answering getChatAdministrators, counting the calls."""

    def __init__(self, ids, fail=False):
        self.ids, self.fail, self.calls = ids, fail, 0

    async def get_chat_administrators(self, chat_id, request_timeout=None):
        self.calls += 1
        if self.fail:
            raise RuntimeError("network down")
        return [SimpleNamespace(user=SimpleNamespace(id=i, is_bot=i == 99)) for i in self.ids]


async def test_admins_are_club_admins_and_the_club_chat_s_administrators_cached():
    clock = [0.0]
    admins = AdminsMiddleware(frozenset({7}), -100123, ttl=300, error_ttl=30, clock=lambda: clock[0])
    bot = ChatAdmins([8, 99])
    assert await admins.current(bot) == {7, 8}  # the bot itself (99) is no admin
    bot.ids = [9]
    clock[0] = 299
    assert await admins.current(bot) == {7, 8} and bot.calls == 1  # cached
    clock[0] = 300
    assert await admins.current(bot) == {7, 9} and bot.calls == 2
    bot.fail = True
    clock[0] = 700
    assert await admins.current(bot) == {7, 9}  # Telegram cannot be asked: the last list stays
    clock[0] = 710
    assert await admins.current(bot) == {7, 9} and bot.calls == 3  # and is not asked again for 30 s
    assert await admins.current(bot, wait=False) == {7, 9}


async def test_without_a_club_chat_only_club_admins_manage_events():
    bot = ChatAdmins([8])
    assert await AdminsMiddleware(frozenset({7}), None).current(bot) == {7} and bot.calls == 0


async def test_the_middleware_puts_club_admins_in_handler_data_asking_only_for_private_chats():
    seen = {}

    async def handler(event, data):
        seen.update(data)

    bot = ChatAdmins([8])
    admins = AdminsMiddleware(frozenset({7}), -100123)
    await admins(handler, object(), {"bot": bot, "event_chat": SimpleNamespace(type="supergroup")})
    assert seen["club_admins"] == {7} and bot.calls == 0  # a group's update never asks
    await admins(handler, object(), {"bot": bot, "event_chat": SimpleNamespace(type="private")})
    assert seen["club_admins"] == {7, 8} and bot.calls == 1


def test_club_admins_setting(monkeypatch, tmp_path):
    monkeypatch.setenv("TELEGRAM_TOKEN", "123456:TEST-token-for-the-fake-bot-api-0000")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/x.sqlite3")
    monkeypatch.setenv("LOG_DIR", "")
    monkeypatch.setenv("CLUB_ADMINS", " 12345678, 87654321 ,")
    assert load_settings(env_file=None).club_admins == {12345678, 87654321}
    monkeypatch.setenv("CLUB_ADMINS", "12345678,@ada")
    with pytest.raises(ConfigError) as bad:
        load_settings(env_file=None)
    assert any(p.startswith("CLUB_ADMINS: '@ada' is not a Telegram user id") for p in bad.value.problems)
    monkeypatch.delenv("CLUB_ADMINS")
    assert load_settings(env_file=None).club_admins == frozenset()


def test_the_club_chat_s_administrators_manage_events_on_the_real_bot(tmp_path):
    """The real process with CLUB_CHAT_ID (tests/club_world.py): the group's owner, in no
    CLUB_ADMINS, gets "➕ New event" (getChatAdministrators, through aiogram); a member does not."""
    from tests.club_world import ADMIN as OWNER, PAT, club_world

    with club_world(tmp_path) as world:
        ada, pat = world.people[OWNER], world.people[PAT]
        ada.send("/events")
        listing = ada.wait_screen("Club events")
        assert "➕ New event" in [b for row in listing.buttons for b in row]
        ada.press("➕ New event")
        ada.wait_screen("What kind of event is it?")
        pat.send("/events")
        listing = pat.wait_screen("Club events")
        assert "➕ New event" not in [b for row in listing.buttons for b in row]
        assert [r.status for r in world.tg.requests if r.method == "getChatAdministrators"] == [200]  # cached


@pytest.mark.parametrize("language", ["en", "ru", "de"])
def test_a_crowded_card_and_list_stay_within_telegram_s_4096_characters(language):
    from datetime import datetime

    from dialogs.common import TEXT_MAX, visible_length
    from dialogs.events.render import PREVIEW_EVENT, card_text, events_listing
    from dialogs.i18n import tr_for
    from models.queries import EventCard, EventPoint, EventRow, EventTrip, Need

    tr = tr_for(language)
    points = [EventPoint(i, "A" * 200, time(17, i), 1) for i in range(10)]
    cars = [EventTrip(i, "x", day(), time(17), "Maximiliane", 8, 1, driver_id=i, departs_at=datetime.now(),
                      points=points) for i in range(40)]
    needs = [Need(i, i, "Konstantin", False, "B" * 60) for i in range(80)]
    event = Event(**{**PREVIEW_EVENT.__data__, "title": "T" * 60, "venue": "V" * 100})
    text = card_text(EventCard(event=event, trips=cars, needs=needs), True, tr)
    assert visible_length(text) <= TEXT_MAX and "Maximiliane" in text and "Konstantin" in text
    rows = [EventRow(i, "game", "T" * 60, "V" * 100, day(), time(18), True, 9, 40, 30) for i in range(20)]
    listing = events_listing(rows, tr)
    assert visible_length(listing) <= TEXT_MAX - 200 and listing.count("T" * 60) == 20
