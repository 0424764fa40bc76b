"""Trips to club events through the real dispatcher (issue #21): the wizard's first step offers
the upcoming events, an event fills the destination and the date and the pickup editor suggests
a time before its start; the event card's "🚗 I'm driving" opens the wizard at the seats; a
template of a weekly event fills everything, its next date included; "My trips" lists the
player's open ride requests, whose area is changed and which are withdrawn there; the club
chat's board says how each event's rides stand."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from aiogram_dialog.test_tools.keyboard import InlineButtonTextLocator

from dialogs.club.render import board, board_events
from dialogs.i18n import tr_for
from models import ROLE_DRIVER, RideRequest, Trip, TripTemplate, events, queries, requests, rides, trips, users
from models.tables import REQUEST_WITHDRAWN
from tests.harness import Player
from tests.steps import new_driver, new_passenger
from tests.test_forgery import own_button, press, rewrite

UTC = ZoneInfo("UTC")
ADMIN = 99


def today() -> date:
    return trips.local_today(UTC)


def seed_event(title: str = "Cup final", venue: str = "Riverside Arena", days: int = 1, at: time = time(18, 30),
               weekly: bool = False, kind: str = "game"):
    if users.get_user(ADMIN) is None:
        users.register_user(ADMIN, "Ada Admin")
    return events.create_event(ADMIN, events.EventDraft(kind, title, venue, today() + timedelta(days=days), at,
                                                        weekly), UTC, frozenset({ADMIN}))


def event_label(event, title: str = "Cup final", mark: str = "🏐") -> str:
    """The event's button (the events list's and the wizard's): "🏐 Sat 05 Dec · Cup final", a long
    title cut to fit a phone ("🏃 Sat 05 Dec · Thursday train…")."""
    return re.escape(f"{mark} {event.date:%a %d %b} · {title[:10]}") + ".*"


async def pickup_suggested(player: Player, address: str = "Central Station"):
    """At the pickup editor's first address: type it, take the suggested time, Done."""
    screen = await player.send(address)
    assert "Pickup time" in screen.text
    suggested = next(b for b in player.buttons() if b.endswith("(suggested)"))
    await player.click(re.escape(suggested))
    return await player.click("✅ Done")


async def to_the_summary(player: Player, event, mark: str = "🏐"):
    """/newtrip, the event, 3 seats, a pickup point at the suggested time, no comment: the summary."""
    await player.send("/newtrip")
    await player.click(event_label(event, event.title, mark))
    await player.click("3")
    await pickup_suggested(player)
    return await player.click("⏭ Skip")


async def test_a_driver_offers_a_ride_to_an_event(env):
    event = seed_event()
    dee = await new_driver(env)
    screen = await dee.send("/newtrip")
    assert "Which event are you driving to?" in screen.text
    assert "Cup final" in screen.text and "Riverside Arena" in screen.text and "18:30" in screen.text
    assert dee.has_button("📍 Somewhere else")
    screen = await dee.click(event_label(event))
    assert "How many free seats?" in screen.text
    screen = await dee.click("3")
    assert "send the <b>address</b>" in screen.text
    screen = await dee.send("Central Station")
    assert "The event starts at 18:30: 17:45 gets everyone there in time." in screen.text
    screen = await dee.click(re.escape("👍 17:45 (suggested)"))
    assert "<b>17:45</b> — Central Station" in screen.text
    await dee.click("✅ Done")
    summary = await dee.click("⏭ Skip")
    assert "🏁 <b>Cup final · Riverside Arena</b>" in summary.text
    assert f"📅 {event.date:%a %d %b %Y}" in summary.text and "🏐 The event starts at 18:30" in summary.text
    # the place and the day are the event's: changed by picking another event, not typed
    assert dee.has_button("🏐 Event") and not dee.has_button("🏁 Destination") and not dee.has_button("📅 Date")
    created = await dee.click("✅ Confirm")
    assert "Trip created" in created.text
    trip = Trip.get()
    assert (trip.event_id, trip.destination, trip.departure_date) == (event.id, "Cup final · Riverside Arena",
                                                                      event.date)
    assert [(p.address, p.time) for p in queries.pickup_points(trip.id)] == [("Central Station", time(17, 45))]
    assert queries.event_summary(event.id).cars == 1


async def test_somewhere_else_is_a_free_trip_and_back_returns_to_the_events(env):
    event = seed_event()
    dee = await new_driver(env)
    await dee.send("/newtrip")
    await dee.click(event_label(event))
    screen = await dee.click("⬅️ Back")  # from the seats: the events again
    assert "Which event are you driving to?" in screen.text
    screen = await dee.click("📍 Somewhere else")
    assert "Where to?" in screen.text and "Now:" not in screen.text  # the event's place went with it
    screen = await dee.click("⬅️ Back")
    assert "Which event are you driving to?" in screen.text
    await dee.click("📍 Somewhere else")
    await dee.send("Beach volley")
    screen = await dee.pick_date(today() + timedelta(days=2))
    assert "How many free seats?" in screen.text
    await dee.click("2")
    screen = await dee.send("Station")
    assert "(suggested)" not in " ".join(dee.buttons())  # no event, no suggestion
    await dee.send("9:30")
    await dee.click("✅ Done")
    summary = await dee.click("⏭ Skip")
    assert dee.has_button("🏁 Destination") and dee.has_button("📅 Date") and not dee.has_button("🏐 Event")
    await dee.click("✅ Confirm")
    trip = Trip.get()
    assert (trip.destination, trip.event_id) == ("Beach volley", None) and "🏐" not in summary.text


async def test_the_summary_switches_to_another_event(env):
    cup = seed_event()
    training = seed_event("Thursday training", "Club gym", days=3, at=time(19), kind="training")
    dee = await new_driver(env)
    await to_the_summary(dee, cup)
    screen = await dee.click("🏐 Event")
    assert "Which event are you driving to?" in screen.text
    summary = await dee.click(event_label(training, "Thursday training", "🏃"))  # straight back: all is filled
    assert "Check your trip" in summary.text and "🏁 <b>Thursday training · Club gym</b>" in summary.text
    await dee.click("✅ Confirm")
    assert (Trip.get().event_id, Trip.get().departure_date) == (training.id, training.date)


async def test_an_event_cancelled_meanwhile_is_refused_and_the_list_stays(env):
    event = seed_event()
    dee = await new_driver(env)
    await dee.send("/newtrip")
    events.cancel_event(ADMIN, event.id, "the pitch is flooded", UTC, frozenset({ADMIN}))
    # refused by the error handler, in an alert (aiogram-dialog's message manager answers nothing)
    await dee.client.click(dee.screen(), InlineButtonTextLocator(event_label(event)))
    answer = env.bot.callback_answers()[-1]
    assert (answer.text, answer.show_alert) == ("This event has been cancelled: the pitch is flooded", True)
    assert "Which event are you driving to?" in dee.screen().text


async def test_im_driving_on_the_event_card_opens_the_wizard_at_the_seats(env):
    event = seed_event()
    dee = await new_driver(env)
    await dee.send("/events")
    await dee.click(event_label(event))
    screen = await dee.click("🚗 I'm driving")
    assert "How many free seats?" in screen.text
    screen = await dee.click("⬅️ Back")  # back on the card it came from
    assert "Cup final" in screen.text and dee.has_button("🚗 I'm driving")
    await dee.click("🚗 I'm driving")
    await dee.click("4")
    await pickup_suggested(dee)
    await dee.click("⏭ Skip")
    await dee.click("✅ Confirm")
    assert (Trip.get().event_id, Trip.get().seats) == (event.id, 4)


async def test_a_passenger_driving_from_the_card_switches_then_goes_to_the_seats(env):
    event = seed_event()
    pat = await new_passenger(env, 3, "Pat")
    await pat.send("/events")
    await pat.click(event_label(event))
    screen = await pat.click("🚗 I'm driving")
    assert "You're a passenger; switch to driver?" in screen.text
    screen = await pat.click("🚗 Switch to driver")
    assert "How many free seats?" in screen.text and users.get_user(3).role == ROLE_DRIVER


async def offer_and_save_template(dee: Player, event, name: str) -> None:
    """The wizard to `event`, then "💾 Save as template" named `name`."""
    await to_the_summary(dee, event, "🏃")
    await dee.click("✅ Confirm")
    await dee.click("💾 Save as template")
    await dee.send(name)


async def test_a_weekly_events_template_fills_everything_its_next_date_too(env):
    first = seed_event("Thursday training", "Club gym", at=time(19), weekly=True, kind="training")
    dee = await new_driver(env)
    await offer_and_save_template(dee, first, "Training run")
    template = TripTemplate.get()
    assert template.event_id == first.series_id == first.id
    # next week's occurrence, as the scheduler makes it once this one has started
    assert events.roll_weekly(first.starts_at + timedelta(minutes=1), UTC) == 1
    second = queries.upcoming_events()[-1]
    assert second.date == first.date + timedelta(days=7)

    await dee.send("/newtrip")
    summary = await dee.click(event_label(second, "Thursday training", "🏃"))  # 2 taps in all
    assert "Check your trip" in summary.text and "Central Station" in summary.text
    await dee.click("✅ Confirm")
    assert Trip.select().where(Trip.event == second.id).count() == 1

    screen = await dee.send("/templates")
    screen = await dee.click("📋 Training run")
    assert f"🏐 For Thursday training, every week: next on {first.date:%a %d %b}" in screen.text
    summary = await dee.click(re.escape(f"🚗 Use: {first.date:%a %d %b}"))
    assert "Check your trip" in summary.text and f"📅 {first.date:%a %d %b %Y}" in summary.text
    await dee.click("✅ Confirm")
    assert Trip.select().where(Trip.event == first.id).count() == 2

    await dee.send("/newtrip")  # the templates, from the events: 🏐 one goes straight to the summary
    screen = await dee.click("📋 From a template")
    assert dee.has_button("🏐 Training run")
    summary = await dee.click("🏐 Training run")
    assert "Check your trip" in summary.text and "🏐 The event starts at 19:00" in summary.text


async def test_my_trips_lists_a_request_whose_area_changes_and_which_is_withdrawn(env):
    event = seed_event()
    ann = await new_passenger(env, 2, "Ann")
    request = requests.request_ride(2, event.id, "Oak Street")
    screen = await ann.send("/mytrips")
    assert "⏳ <b>Waiting for a ride</b>" in screen.text and "from Oak Street" in screen.text
    screen = await ann.click(re.escape(f"⏳ 1. {event.date:%a} 18:30 Cup final"))
    assert "Your ride request" in screen.text and "📍 From: Oak Street" in screen.text
    screen = await ann.send("Elm Road 4")
    assert "📍 From: Elm Road 4" in screen.text and RideRequest.get_by_id(request.id).area == "Elm Road 4"
    screen = await ann.click("🌍 From anywhere")
    assert "📍 From: anywhere" in screen.text and RideRequest.get_by_id(request.id).area == ""
    screen = await ann.send("x" * 61)
    assert RideRequest.get_by_id(request.id).area == ""  # refused: too long
    screen = await ann.click("🗑 Withdraw request")
    assert "You have no upcoming trips" in screen.text
    assert RideRequest.get_by_id(request.id).status == REQUEST_WITHDRAWN
    assert env.bot.callback_answers()[-1].text == "Request withdrawn."


async def test_a_request_is_gone_from_my_trips_once_the_player_has_a_seat(env):
    event = seed_event()
    dee = await new_driver(env)
    await to_the_summary(dee, event)
    await dee.click("✅ Confirm")
    ann = await new_passenger(env, 2, "Ann")
    requests.request_ride(2, event.id)
    trip = Trip.get()
    rides.join_trip(2, trip.id, queries.pickup_points(trip.id)[0].id)
    screen = await ann.send("/mytrips")
    assert "Your seats" in screen.text and "Waiting for a ride" not in screen.text


async def test_someone_elses_request_cannot_be_opened(env, caplog):
    event = seed_event()
    other = seed_event("Thursday training", "Club gym", days=2, kind="training")
    await new_passenger(env, 2, "Ann")
    bob = await new_passenger(env, 3, "Bob")
    anns = requests.request_ride(2, event.id, "Oak Street")
    requests.request_ride(3, other.id)
    mine = await bob.send("/mytrips")
    answer = await press(bob, mine, rewrite(own_button(mine, "req:"), anns.id))
    assert answer.text == "That ride request is someone else's."
    assert "Your ride request" not in bob.screen().text
    assert RideRequest.get_by_id(anns.id).area == "Oak Street"


async def test_a_russian_player_reads_the_events_and_the_request_in_russian(env):
    event = seed_event()
    ann = await new_passenger(env, 2, "Ann")
    users.set_language(2, "ru")
    requests.request_ride(2, event.id, "Oak Street")
    screen = await ann.send("/mytrips")
    assert "⏳ <b>Ждёшь машину</b> (нажми, чтобы изменить или отменить):" in screen.text
    screen = await ann.click(r"⏳ 1\. .* Cup final")
    assert screen.text.startswith("⏳ <b>Твоя заявка на поездку</b>\n🏐 <b>Cup final</b> · Riverside Arena\n📅 ")
    assert "📍 Откуда: Oak Street" in screen.text and ann.has_button("🗑 Отменить заявку")

    dee = await new_driver(env, 1, "Dee")
    users.set_language(1, "ru")
    screen = await dee.send("/newtrip")
    assert screen.text.startswith("🏐 <b>На какое событие едешь?</b>")
    assert dee.has_button("📍 Другое место")
    await dee.click(r"🏐 .* · Cup final")
    await dee.click("3")
    screen = await dee.send("Вокзал")
    assert "🏐 Начало в 18:30: выезд в 17:45 — и все успевают." in screen.text
    assert dee.has_button(re.escape("👍 17:45 (предлагаю)"))


async def test_the_board_says_how_each_events_rides_stand(env):
    event = seed_event()
    seed_event("Far away game", "Somewhere", days=12)  # beyond the board's week
    await new_driver(env)
    trips.create_trip(1, trips.TripDraft("Cup final · Riverside Arena", event.date, 3,
                                         [trips.PickupDraft("Station", time(17, 45))]), UTC, event_id=event.id)
    await new_passenger(env, 2, "Ann")
    await new_passenger(env, 3, "Bob")
    requests.request_ride(2, event.id)
    requests.request_ride(3, event.id, "Oak Street")
    now = datetime.now(UTC).replace(tzinfo=None)
    rows = board_events(now, UTC)
    assert [row.title for row in rows] == ["Cup final"]
    text = board([], tr_for("en"), "carpool_test_bot", now, rows).text
    assert f"🏐 {event.date:%a} · <b>Cup final</b>: 🚗 1 car · 💺 3 free seats · 🙋 2 still need a ride" in text
    ru = board([], tr_for("ru"), "carpool_test_bot", now, rows).text
    assert "<b>Cup final</b>: 🚗 1 машина" in ru

