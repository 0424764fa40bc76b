"""The driver's tools on the trip card (issue #22), through the real dispatcher: who confirmed
after a change (✅ / ❓, and the passenger's 👍 Still OK), ⏰ Release unanswered at …, 💬 Message
passengers, 🚫 Remove a passenger; in English, Russian and German."""

from __future__ import annotations

import json
import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from models import (
    ROLE_DRIVER, ROLE_PASSENGER, Notification, Participant, Trip, WaitEntry, manage, queries, rides, trips, users,
    waitlist,
)
from models.tables import RECONFIRM_ASKED, RECONFIRM_OK, WAIT_OFFERED

UTC = ZoneInfo("UTC")


def trip_with(*riders: tuple[int, str], seats=2, driver_language=None):
    """Dee drives to the Cup final in two days, 18:00 at the Station; these riders (id, name) have seats."""
    users.register_user(1, "Dee Driver", username="dee", language=driver_language)
    users.set_role(1, ROLE_DRIVER)
    trip = trips.create_trip(1, trips.TripDraft(
        destination="Cup final", departure_date=trips.local_today(UTC) + timedelta(days=2), seats=seats,
        pickups=[trips.PickupDraft("Station", time(18))]), UTC)
    point = queries.pickup_points(trip.id)[0].id
    for uid, name in riders:
        users.register_user(uid, name)
        users.set_role(uid, ROLE_PASSENGER)
        rides.join_trip(uid, trip.id, point)
    return trip


def shift(trip, minutes):
    """The driver moves every pickup time by `minutes` (as the edit dialog does)."""
    manage.apply_edit(1, trip.id, queries.trip_version(trip.id), manage.TripEdit(shift_minutes=minutes), UTC)


def last_answer(env) -> str:
    return env.bot.callback_answers()[-1].text


def notices(kind: str) -> list[Notification]:
    return list(Notification.select().where(Notification.kind == kind).order_by(Notification.id))


async def test_who_confirmed_after_a_change_and_still_ok(env):
    trip = trip_with((2, "Ann Smith"), (3, "Bob"))
    shift(trip, 30)  # more than 15 minutes: both are asked "Still OK?"
    ann = env.player(2, "Ann")
    screen = await ann.send(f"/start trip_{trip.id}")
    assert "❓ The driver changed the trip: is it still OK for you?" in screen.text
    assert ann.has_button("👍 Still OK") and ann.has_button("🚶 Leave")
    screen = await ann.click("👍 Still OK")
    assert last_answer(env) == "Thanks! The driver sees you're still in. 👍"
    assert "still OK for you" not in screen.text and not ann.has_button("👍 Still OK")
    assert Participant.get(Participant.passenger == users.get_user(2).id).reconfirm == RECONFIRM_OK

    dee = env.player(1, "Dee")
    screen = await dee.send(f"/start trip_{trip.id}")
    assert re.search(r"• <a [^>]+>Ann</a> ✅\n      • <a [^>]+>Bob</a> ❓", screen.text)
    assert "After your change: ✅ still OK · ❓ no answer yet (1)" in screen.text
    assert dee.has_button("⏰ Release unanswered at …")

    shift(trip, 5)  # a small change asks nothing more
    assert Participant.get(Participant.passenger == users.get_user(2).id).reconfirm == RECONFIRM_OK


async def test_no_change_no_marks_and_no_release(env):
    trip = trip_with((2, "Ann Smith"))
    dee = env.player(1, "Dee")
    screen = await dee.send(f"/start trip_{trip.id}")
    assert "✅" not in screen.text and "❓" not in screen.text and "After your change" not in screen.text
    assert not dee.has_button("⏰ Release unanswered at …")
    assert dee.has_button("💬 Message passengers") and dee.has_button("🚫 Remove a passenger")
    ann = env.player(2, "Ann")
    await ann.send(f"/start trip_{trip.id}")
    assert not any(ann.has_button(b) for b in ("💬 Message passengers", "🚫 Remove a passenger", "👍 Still OK"))


async def test_release_unanswered_seats_at_a_time_then_never(env):
    trip = trip_with((2, "Ann Smith"), (3, "Bob"))
    shift(trip, 30)  # 18:30 now
    manage.still_ok(2, trip.id)
    dee = env.player(1, "Dee")
    await dee.send(f"/start trip_{trip.id}")
    screen = await dee.click("⏰ Release unanswered at …")
    assert screen.text.startswith("⏰ <b>Release unanswered seats</b>\n\n1 passenger hasn't answered \"Still OK?\"")
    assert "The trip leaves at " in screen.text and "Release them at:" in screen.text
    assert dee.buttons() == ["⏰ 06:30", "⏰ 12:30", "⏰ 15:30", "⏰ 16:30", "⏰ 17:30", "⏰ 18:00", "⬅️ Back"]
    screen = await dee.click("⏰ 16:30")
    assert last_answer(env) == "Unanswered seats will be released at 16:30."
    assert "⏰ Seats still unanswered are released at 16:30." in screen.text
    assert Trip.get_by_id(trip.id).release_unanswered_at == datetime.combine(trip.departure_date, time(16, 30))

    screen = await dee.click("⏰ Release unanswered at …")
    assert "Now set: <b>16:30</b>." in screen.text
    screen = await dee.click("🔓 Don't release")
    assert last_answer(env) == "Unanswered seats stay booked."
    assert "released at" not in screen.text and Trip.get_by_id(trip.id).release_unanswered_at is None


async def test_release_frees_the_unanswered_seat_for_the_line(env):
    """What the driver set, done by the scheduler: Bob (no answer) loses his seat, Cat in line is offered it."""
    trip = trip_with((2, "Ann Smith"), (3, "Bob"))
    users.register_user(4, "Cat")
    waitlist.wait_for_seat(4, trip.id, queries.pickup_points(trip.id)[0].id)
    shift(trip, 30)
    manage.still_ok(2, trip.id)
    dee = env.player(1, "Dee")
    await dee.send(f"/start trip_{trip.id}")
    await dee.click("⏰ Release unanswered at …")
    await dee.click("⏰ 16:30")
    assert manage.release_unanswered(datetime.combine(trip.departure_date, time(16, 31))) == 1
    assert [p.passenger.name for p in Participant.select()] == ["Ann Smith"]
    assert WaitEntry.get().status == WAIT_OFFERED and len(notices("released")) == 1


async def test_message_passengers_typed_shown_then_sent_with_the_count(env):
    trip = trip_with((2, "Ann Smith"), (3, "Bob"))
    dee = env.player(1, "Dee")
    await dee.send(f"/start trip_{trip.id}")
    screen = await dee.click("💬 Message passengers")
    assert screen.text.startswith("💬 <b>Message your passengers</b>")
    assert dee.buttons() == ["⬅️ Back"]  # nothing to send yet
    screen = await dee.send("I'm 5 minutes late, <north> exit")
    assert screen.text.startswith("💬 Send this to your 2 passengers?\n\n<i>I'm 5 minutes late, &lt;north&gt; exit</i>")
    assert dee.buttons() == ["⬅️ Back", "📨 Send"]
    assert not notices("driver_word")  # not before Send
    screen = await dee.send("x" * 301)
    assert env.bot.sent_texts(1)[-1].startswith("⚠️")  # too long: said why; the message shown is still the first
    screen = await dee.click("📨 Send", dee.screen())
    assert last_answer(env) == "Sent to 2 passengers."
    assert "🏁 <b>Cup final</b>" in screen.text  # back on the card
    sent = notices("driver_word")
    assert len(sent) == 2 and all(json.loads(n.params)["word"] == "I'm 5 minutes late, <north> exit" for n in sent)
    screen = await dee.click("💬 Message passengers")
    assert screen.text.startswith("💬 <b>Message your passengers</b>")  # the next one starts empty


async def test_remove_a_passenger_with_a_reason_the_seat_goes_to_the_line(env):
    trip = trip_with((2, "Ann Smith"), (3, "Bob"))
    users.register_user(4, "Cat")
    waitlist.wait_for_seat(4, trip.id, queries.pickup_points(trip.id)[0].id)
    dee = env.player(1, "Dee")
    await dee.send(f"/start trip_{trip.id}")
    screen = await dee.click("🚫 Remove a passenger")
    assert screen.text.startswith("Whom do you remove from the trip?")
    assert dee.buttons() == ["👤 18:00 Ann Smith", "👤 18:00 Bob", "⬅️ Back"]
    screen = await dee.click("👤 18:00 Bob")
    assert screen.text == ("Remove <b>Bob</b> (18:00, Station) from this trip?\n\n"
                           "You may send a reason first: they'll read it.")
    screen = await dee.send("no <show> twice")
    assert "Reason: no &lt;show&gt; twice" in screen.text
    screen = await dee.click("🚫 Yes, remove")
    assert last_answer(env) == "Removed; the seat is free again."
    assert "Bob" not in screen.text and [p.passenger.name for p in Participant.select()] == ["Ann Smith"]
    [removed] = notices("removed")
    assert removed.chat_id == 3 and json.loads(removed.params)["remove_reason"] == "no <show> twice"
    assert WaitEntry.get().status == WAIT_OFFERED  # Cat is offered Bob's seat


async def test_removing_someone_who_left_meanwhile(env):
    trip = trip_with((2, "Ann Smith"), (3, "Bob"))
    dee = env.player(1, "Dee")
    await dee.send(f"/start trip_{trip.id}")
    await dee.click("🚫 Remove a passenger")
    await dee.click("👤 18:00 Bob")
    rides.leave_trip(3, trip.id)
    screen = await dee.click("🚫 Yes, remove")  # the confirmation was drawn before he left
    refusal = env.bot.callback_answers()[-1]
    assert refusal.show_alert and refusal.text == "That passenger is no longer in this trip." and not notices("removed")
    assert "🏁 <b>Cup final</b>" in screen.text and "Bob" not in screen.text  # the fresh card

    await dee.click("🚫 Remove a passenger")
    await dee.click("👤 18:00 Ann Smith")
    rides.leave_trip(2, trip.id)
    screen = await dee.send("late")  # a reason typed after she left: the window says she is gone
    assert screen.text.startswith("This passenger is no longer in the trip.") and "Reason: late" in screen.text
    assert dee.buttons() == ["⬅️ Back"]


async def test_a_russian_driver_messages_and_removes(env):
    trip = trip_with((2, "Ann Smith"), (3, "Bob"), driver_language="ru")
    shift(trip, 30)
    dee = env.player(1, "Dee")
    screen = await dee.send(f"/start trip_{trip.id}")
    assert "После твоего изменения: ✅ всё в силе · ❓ пока не ответили (2)" in screen.text
    assert dee.has_button("⏰ Освободить без ответа в …")
    screen = await dee.click("💬 Написать пассажирам")
    assert screen.text.startswith("💬 <b>Сообщение пассажирам</b>")
    screen = await dee.send("Опаздываю на 5 минут")
    assert screen.text.startswith("💬 Отправить пассажирам (2)?")
    await dee.click("📨 Отправить")
    assert last_answer(env) == "Отправлено 2 пассажирам."
    await dee.click("🚫 Убрать пассажира")
    screen = await dee.click("👤 18:30 Bob")
    assert screen.text.startswith("Убрать <b>Bob</b> (18:30, Station) из этой поездки?")
    await dee.click("🚫 Да, убрать")
    assert last_answer(env) == "Пассажир убран, место снова свободно."
    screen = await dee.click("⏰ Освободить без ответа в …")
    assert screen.text.startswith("⏰ <b>Освободить места без ответа</b>\n\n1 пассажир не ответил")


async def test_a_german_driver_releases(env):
    trip = trip_with((2, "Ann Smith"), driver_language="de")
    shift(trip, 30)
    dee = env.player(1, "Dee")
    await dee.send(f"/start trip_{trip.id}")
    screen = await dee.click("⏰ Ohne Antwort freigeben um …")
    assert "1 Mitfahrer hat seit deiner Änderung nicht" in screen.text
    await dee.click("⏰ 17:30")
    assert last_answer(env) == "Plätze ohne Antwort werden um 17:30 freigegeben."
    assert Trip.get_by_id(trip.id).release_unanswered_at is not None
    assert Participant.get().reconfirm == RECONFIRM_ASKED
