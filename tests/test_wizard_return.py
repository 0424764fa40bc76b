"""The way back in the trip wizard, and cancelling one leg (issue #22), through the real
dispatcher: "↩️ Driving back too?" on the summary (no tap more for a trip without one), the
departure place in one tap (the destination, or the event's venue), the time, the seats in one
tap (the way there's), the drop-off points in the pickup editor's drop-off mode, one summary
with both legs, and Confirm creating both (the way back linked to the way there). Cancelling a
leg whose other leg is still to come asks about that one too."""

from __future__ import annotations

import re
from datetime import date, time, timedelta
from zoneinfo import ZoneInfo

from aiogram.methods import AnswerCallbackQuery
from aiogram_dialog.test_tools.keyboard import InlineButtonTextLocator

from models import TRIP_CANCELLED, TRIP_OPEN, Trip, manage, queries, trips, users
from tests.harness import Player
from tests.redelivery import crash_env, deliver_twice, press_update  # noqa: F401 - crash_env is a fixture
from tests.steps import new_driver, open_my_trip
from tests.test_i18n_wizard import pick_date
from tests.test_wizard import walk_to_summary
from tests.test_wizard_events import seed_event, to_the_summary

UTC = ZoneInfo("UTC")
ADD, SAME_SEATS = re.escape("↩️ Driving back too?"), re.escape("👍 3, as on the way there")


def tomorrow() -> date:
    return trips.local_today(UTC) + timedelta(days=1)


def legs() -> list[tuple]:
    """Every trip: its destination, seats, comment, the trip it is the way back of, and its points."""
    return [(t.destination, t.seats, t.comment, t.outbound_id,
             [(p.address, f"{p.time:%H:%M}") for p in queries.pickup_points(t.id)])
            for t in Trip.select().order_by(Trip.id)]


async def drive_back(player: Player, *, leave: str = "21:30", dropoffs=(("Oak Street 12", "22:00"),),
                     place: str = "📍 Riverside Arena"):
    """From the summary: the way back from `place` (one tap) at `leave`, the same seats, the drop-offs."""
    screen = await player.click(ADD)
    assert "<b>The way back</b>: where do you leave from?" in screen.text
    screen = await player.click(re.escape(place))
    assert "When do you leave" in screen.text
    screen = await player.send(leave)
    assert "How many free seats on the way back?" in screen.text
    screen = await player.click(SAME_SEATS)
    for i, (address, at) in enumerate(dropoffs):
        if i:
            screen = await player.click("➕ Add another")
        assert f"Drop-off point {i + 1}: send the <b>address</b>" in screen.text
        screen = await player.send(address)
        assert "Drop-off time at" in screen.text and f"You leave at {leave}" in screen.text
        screen = await player.send(at)
        assert "<b>Drop-off points</b> on the way back" in screen.text
    return await player.click("✅ Done")


async def test_a_trip_and_its_way_back_in_one_wizard(env):
    dee = await new_driver(env)
    summary = await walk_to_summary(dee, comment="Bring the ball bag")
    assert dee.has_button(ADD) and not dee.has_button(re.escape("↩️ Way back"))
    summary = await drive_back(dee, dropoffs=(("Oak Street 12", "22:00"), ("Central Station", "22:15")))
    assert "Check your trip" in summary.text
    assert "↩️ <b>Way back</b> at 21:30 from <b>Riverside Arena</b>" in summary.text
    back = summary.text[summary.text.index("Way back"):]
    assert "💺 3 seats" in back and back.index("22:00") < back.index("22:15")
    assert "<b>22:00</b> — Oak Street 12" in back
    assert not dee.has_button(ADD)
    assert {"↩️ Way back", "📍 Drop-offs", "🚫 No way back"} <= set(dee.buttons())
    assert Trip.select().count() == 0  # nothing is written before Confirm

    created = await dee.click("✅ Confirm")
    assert "Trip created" in created.text and "Way back" in created.text
    there, back = Trip.select().order_by(Trip.id)
    assert legs() == [
        ("Riverside Arena", 3, "Bring the ball bag", None, [("Oak Street 12", "17:45"), ("Central Station", "18:00")]),
        ("Central Station", 3, "Bring the ball bag", there.id,
         [("Riverside Arena", "21:30"), ("Oak Street 12", "22:00"), ("Central Station", "22:15")]),
    ]
    assert back.departure_date == there.departure_date == tomorrow()
    assert f"start=trip_{there.id}" in created.text
    assert queries.trip_card(there.id, 1).other_leg.trip_id == back.id


async def test_without_a_way_back_nothing_changes(env):
    """The summary offers it as a button: Confirm straight away makes one trip, as before."""
    dee = await new_driver(env)
    await walk_to_summary(dee)
    await dee.click("✅ Confirm")
    assert [leg[3] for leg in legs()] == [None]


async def test_the_way_back_is_changed_or_dropped_from_the_summary(env):
    dee = await new_driver(env)
    await walk_to_summary(dee)
    await drive_back(dee)
    # every step shows what it holds and goes on with Next; the seats go back to the summary
    screen = await dee.click(re.escape("↩️ Way back"))
    assert "Now: <i>Riverside Arena</i>" in screen.text
    screen = await dee.send("North gate")
    assert "When do you leave North gate?" in screen.text and "Now: <i>21:30</i>" in screen.text
    screen = await dee.click("➡️ Next")
    assert "Now: <i>3</i>" in screen.text
    summary = await dee.click("2")
    assert "Check your trip" in summary.text and "from <b>North gate</b>" in summary.text
    assert "💺 2 seats\n📍 Drop-off points" in summary.text
    # the drop-offs open in the editor's drop-off mode
    screen = await dee.click("📍 Drop-offs")
    assert "<b>Drop-off points</b> on the way back" in screen.text and "Oak Street 12" in screen.text
    await dee.click("➕ Add another")
    await dee.send("Bakery")
    screen = await dee.send("22:30")
    assert "Bakery" in screen.text
    summary = await dee.click("✅ Done")
    assert "Check your trip" in summary.text and "<b>22:30</b> — Bakery" in summary.text
    # and dropped
    summary = await dee.click("🚫 No way back")
    assert "Way back" not in summary.text and dee.has_button(ADD)
    await dee.click("✅ Confirm")
    assert len(legs()) == 1


async def test_times_that_do_not_fit_between_the_legs_are_refused(env):
    dee = await new_driver(env)
    await walk_to_summary(dee)  # pickups 17:45 and 18:00
    await dee.click(ADD)
    await dee.click(re.escape("📍 Riverside Arena"))
    screen = await dee.send("17:50")
    assert "When do you leave" in screen.text  # the window stays
    assert "pick a time after 18:00" in env.bot.sent_texts(1)[-1]
    await dee.send("21:30")
    screen = await dee.click(SAME_SEATS)
    await dee.send("Oak Street 12")
    screen = await dee.send("21:30")
    assert "Drop-off time at" in screen.text  # refused: not after leaving
    assert "after you leave at 21:30" in env.bot.sent_texts(1)[-1]
    await dee.send("22:00")
    await dee.click("✅ Done")
    # leaving after the first drop-off is refused too
    await dee.click(re.escape("↩️ Way back"))
    await dee.click("➡️ Next")
    screen = await dee.send("22:10")
    assert "When do you leave" in screen.text and "first drop-off is at 22:00" in env.bot.sent_texts(1)[-1]
    # a pickup of the way there moved after the way back leaves: Confirm refuses, nothing is made
    await dee.click("⬅️ Back")  # to where the way back leaves from
    await dee.click("⬅️ Back")  # to the summary
    await dee.click("📍 Pickups")
    await dee.click("➕ Add another")
    await dee.send("Late street")
    await dee.send("21:45")
    summary = await dee.click("✅ Done")
    assert "Check your trip" in summary.text
    # answered by the error handler (an alert), not by the dialog: the harness's click would insist
    callback_id = await dee.client.click(summary, InlineButtonTextLocator("✅ Confirm"))
    [alert] = [a for a in env.bot.callback_answers() if a.callback_query_id == callback_id]
    assert alert.show_alert and "pick a time after 21:45" in alert.text
    assert "Check your trip" in dee.screen().text and Trip.select().count() == 0


async def test_a_trip_to_an_event_comes_back_from_its_venue(env):
    event = seed_event(venue="Riverside Arena", at=time(18, 30))
    dee = await new_driver(env)
    await to_the_summary(dee, event)
    await dee.click(ADD)
    assert dee.has_button(re.escape("📍 Riverside Arena"))  # the venue, not the destination "Cup final · …"
    assert not [b for b in dee.buttons() if "Cup final" in b]
    await dee.click(re.escape("📍 Riverside Arena"))
    await dee.send("21:00")
    await dee.click(SAME_SEATS)
    await dee.send("Central Station")
    await dee.send("21:40")
    await dee.click("✅ Done")
    await dee.click("✅ Confirm")
    there, back = Trip.select().order_by(Trip.id)
    assert there.event_id == event.id and back.outbound_id == there.id
    assert queries.pickup_points(back.id)[0].address == "Riverside Arena"


async def test_confirm_redelivered_after_a_crash_creates_each_leg_once(crash_env):
    env = crash_env
    dee = await new_driver(env)
    await walk_to_summary(dee)
    await drive_back(dee)
    await deliver_twice(env, press_update(dee, "✅ Confirm"), crash_on=AnswerCallbackQuery)
    assert [leg[3] is None for leg in legs()] == [True, False]
    assert "Trip created" in dee.screen().text


# --- cancelling one leg asks about the other -------------------------------------------------------


def both_legs(dee_id: int = 1) -> tuple[Trip, Trip]:
    draft = trips.TripDraft("Club gym", tomorrow(), 3, [trips.PickupDraft("Station", time(18))], "")
    there = trips.create_trip(dee_id, draft, UTC)
    back = trips.create_trip(dee_id, trips.TripDraft("Station", tomorrow(), 3, [
        trips.PickupDraft("Club gym", time(21, 30)), trips.PickupDraft("Station", time(22))], ""), UTC,
        outbound_id=there.id)
    return there, back


def status(trip: Trip) -> str:
    return Trip.get_by_id(trip.id).status


async def cancelling(env, leg: str, language: str = "en", cancel: str = "❌ Cancel trip"):
    """Dee drives both legs (to Club gym and back to Station); Dee opens `leg`'s card and taps
    Cancel: the players, both legs and the cancel window."""
    dee = await new_driver(env)
    if language != "en":
        users.set_language(dee.id, language)
    there, back = both_legs()
    await open_my_trip(dee, rf".*{leg}.*")
    return dee, there, back, await dee.click(cancel)


async def test_cancelling_the_way_there_asks_about_the_way_back(env):
    dee, there, back, screen = await cancelling(env, "Club gym")
    assert f"↩️ The way back is still on: {tomorrow():%a %d %b} 21:30 from Club gym." in screen.text
    assert "Cancel it as well?" in screen.text
    assert {"❌ Cancel both ways", "❌ Only the way there"} <= set(dee.buttons())
    assert "❌ Yes, cancel the trip" not in dee.buttons()
    await dee.send("rain")
    await dee.click("❌ Cancel both ways")
    assert (status(there), status(back)) == (TRIP_CANCELLED, TRIP_CANCELLED)
    assert Trip.get_by_id(back.id).cancel_reason == "rain"


async def test_cancelling_only_one_leg_keeps_the_other(env):
    dee, there, back, _ = await cancelling(env, "Club gym")
    await dee.click("❌ Only the way there")
    assert (status(there), status(back)) == (TRIP_CANCELLED, TRIP_OPEN)
    # the way back alone: no question any more
    await open_my_trip(dee, r".*Station.*")
    screen = await dee.click("❌ Cancel trip")
    assert "still on" not in screen.text and dee.has_button("❌ Yes, cancel the trip")


async def test_cancelling_the_way_back_asks_about_the_way_there(env):
    dee, there, back, screen = await cancelling(env, "Station")
    assert f"➡️ The way there is still on: {tomorrow():%a %d %b} 18:00 from Station." in screen.text
    await dee.click("❌ Only the way back")
    assert (status(there), status(back)) == (TRIP_OPEN, TRIP_CANCELLED)


async def test_cancel_both_when_the_other_leg_went_meanwhile(env):
    """The other leg was cancelled on another screen after the window was drawn: this one is
    cancelled all the same."""
    dee, there, back, _ = await cancelling(env, "Club gym")
    manage.cancel_trip(1, back.id, "")
    await dee.click("❌ Cancel both ways")
    assert (status(there), status(back)) == (TRIP_CANCELLED, TRIP_CANCELLED)


# --- in Russian ------------------------------------------------------------------------------------


async def test_a_russian_driver_reads_the_way_back_in_russian(env):
    dee = await new_driver(env)
    users.set_language(dee.id, "ru")
    await dee.send("/newtrip")
    await dee.send("Стадион")
    await pick_date(dee, "ru", tomorrow())
    await dee.click("3")
    await dee.send("Вокзал")
    await dee.send("18:30")
    await dee.click("✅ Готово")
    await dee.click("⏭ Пропустить")
    screen = await dee.click(re.escape("↩️ Еду и обратно?"))
    assert screen.text.startswith("↩️ <b>Обратный путь</b>: откуда выезжаешь?")
    screen = await dee.click(re.escape("📍 Стадион"))
    assert screen.text.startswith("🕒 <b>Во сколько выезжаешь от Стадион?</b>")
    screen = await dee.send("21:30")
    assert screen.text.startswith("💺 <b>Сколько свободных мест обратно?</b>")
    screen = await dee.click(re.escape("👍 3, как туда"))
    assert screen.text == "📍 Точка высадки 1: отправь <b>адрес</b> (2–200 символов)."
    screen = await dee.send("Дом")
    assert "Во сколько высадка по адресу <b>Дом</b>?" in screen.text and "Выезжаешь в 21:30" in screen.text
    screen = await dee.send("22:00")
    assert screen.text.startswith("📍 <b>Где высаживаю</b> на обратном пути (по времени):")
    summary = await dee.click("✅ Готово")
    assert "\n\n↩️ <b>Обратно</b> в 21:30 от <b>Стадион</b>\n💺 3 места\n📍 Где высаживаю:\n1. <b>22:00</b> — Дом" \
        in summary.text
    assert {"↩️ Обратный путь", "📍 Высадка", "🚫 Без обратного"} <= set(dee.buttons())
    await dee.click("✅ Подтвердить")
    assert [leg[0] for leg in legs()] == ["Стадион", "Дом"]


async def test_a_russian_driver_is_asked_about_the_way_back_when_cancelling(env):
    dee, there, back, screen = await cancelling(env, "Club gym", "ru", "❌ Отменить поездку")
    assert "↩️ Обратный путь тоже в силе: " in screen.text and "21:30 от Club gym.\nОтменить и его?" in screen.text
    await dee.click("❌ Отменить туда и обратно")
    assert (status(there), status(back)) == (TRIP_CANCELLED, TRIP_CANCELLED)
