"""Notifications as kind + parameters, rendered when sent (issue #18): what each kind says,
the buttons its reader needs next, and what the sender does with a row that no longer
matters or cannot be rendered."""

from __future__ import annotations

import json
import logging
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from aiogram.types import Chat, Message

from bot.workers.notifier import Notifier
from dialogs.notifications import RENDERERS, NoticeButton, NotificationRenderer, Obsolete
from models import (
    NOTIFY_EXPIRED, NOTIFY_FAILED, NOTIFY_SENT, ROLE_DRIVER, ROLE_PASSENGER, Notification, Trip, lifecycle, manage,
    outbox, queries, rides, trips, users,
)
from models.trips import to_utc
from tests.notices import buttons, register, render_row, rendered
from tests.test_notifier import bot, make_bot, player, sends, state  # noqa: F401 - fixtures

UTC = ZoneInfo("UTC")
KINDS = {"joined", "left", "pickup_changed", "rider_way", "rider_late", "seat_removed", "trip_changed",
         "trip_cancelled", "reminder", "reminder_driver"}


def club() -> Trip:
    """Dee drives to "Gym <A&B>" the day after tomorrow; Ann is at Station, Bob at Oak St."""
    register((1, "Dee Driver", ROLE_DRIVER), (2, "Ann <Smith>", ROLE_PASSENGER), (3, "Bob Jones", ROLE_PASSENGER),
             username={1: "dee"})
    trip = trips.create_trip(1, trips.TripDraft(
        destination="Gym <A&B>", departure_date=trips.local_today(UTC) + timedelta(days=2), seats=3,
        pickups=[trips.PickupDraft("Station", time(18)), trips.PickupDraft("Oak St", time(18, 15))]), UTC)
    station, oak = queries.pickup_points(trip.id)
    rides.join_trip(2, trip.id, station.id)
    rides.join_trip(3, trip.id, oak.id)
    return Trip.get_by_id(trip.id)


def row_params(n: Notification) -> dict:
    return json.loads(n.params)


def test_every_kind_an_operation_writes_has_a_renderer():
    assert KINDS <= set(RENDERERS)


def test_rows_hold_kind_and_parameters_not_text(database):
    """An operation writes what happened: ids, ISO dates and times, numbers; no text, no names."""
    trip = club()
    joined = Notification.get(Notification.kind == "joined")
    assert (joined.text, joined.reply_markup, joined.trip_id) == ("", "", trip.id)
    assert row_params(joined) == {"passenger": users.get_user(2).id, "destination": "Gym <A&B>",
                                  "date": trip.departure_date.isoformat(), "address": "Station",
                                  "time": "18:00:00", "seats_left": 2}
    assert "Ann" not in joined.params


def test_driver_notices_say_who_and_open_the_trip(database):
    trip = club()
    oak = queries.pickup_points(trip.id)[1]
    rides.change_pickup(2, trip.id, oak.id)
    rides.leave_trip(3, trip.id, reason="can't go")
    joined, _, changed, left = rendered(Notification.chat_id == 1)
    day = f"{trip.departure_date:%a %d %b}"
    assert joined.text == (f'🙋 <a href="tg://user?id=2">Ann &lt;Smith&gt;</a> joined your trip to '
                           f"<b>Gym &lt;A&amp;B&gt;</b>: pickup Station, {day} at 18:00. 2 seats left.")
    assert changed.text.startswith('📍 <a href="tg://user?id=2">Ann &lt;Smith&gt;</a> now gets in at Oak St')
    assert left.text == (f'🚶 <a href="tg://user?id=3">Bob Jones</a> left your trip to <b>Gym &lt;A&amp;B&gt;</b> '
                         f"on {day} at 18:15 (can't go). 2 seats left.")
    for message in (joined, changed, left):
        assert buttons(message) == ["🚗 Open trip"]
        assert message.reply_markup.inline_keyboard[0][0].callback_data == f"nt:trip:{trip.id}"


def test_passenger_notices_offer_another_ride(database):
    trip = club()
    station, oak = queries.pickup_points(trip.id)
    Notification.delete().execute()
    edit = manage.TripEdit(comment="Bring <water>", pickups=[
        manage.PointEdit(station.id, "Station", time(18, 5))])  # Oak St goes: Bob loses his seat
    manage.apply_edit(1, trip.id, trip.version, edit, UTC, expected_losers=[3])
    (changed,) = rendered(Notification.chat_id == 2)
    assert changed.text == (
        f"✏️ The driver changed the trip to <b>Gym &lt;A&amp;B&gt;</b> on {trip.departure_date:%a %d %b %Y}:\n"
        "• your pickup time: 18:00 → <b>18:05</b>\n• driver's note: Bring &lt;water&gt;")
    assert buttons(changed) == ["🚗 Open trip"]
    (removed,) = rendered(Notification.chat_id == 3)
    assert "removed your pickup point (18:15 Oak St)" in removed.text
    assert removed.text.endswith('ask the driver: <a href="https://t.me/dee">Dee Driver</a>.')
    assert buttons(removed) == ["🔎 Find another ride", "🚗 Open trip"]

    manage.cancel_trip(1, trip.id, "the gym is <closed>")
    cancelled = rendered(Notification.chat_id == 2)[-1]
    assert "is cancelled.\nReason: the gym is &lt;closed&gt;" in cancelled.text
    assert buttons(cancelled) == ["🔎 Find another ride"]
    assert cancelled.reply_markup.inline_keyboard[0][0].callback_data == "nt:find:0"


def test_plural_forms_and_no_dash_for_a_removed_note(database):
    """Issue #18: "💬 —" and "(s)" clutter texts: a removed note says so; counts agree."""
    trip = club()
    manage.apply_edit(1, trip.id, trip.version, manage.TripEdit(comment="Bring water"), UTC)
    manage.apply_edit(1, trip.id, trip.version + 1, manage.TripEdit(comment=""), UTC)
    assert rendered(Notification.chat_id == 2)[-1].text.endswith("• the driver's note is removed")
    Trip.update(seats=2).where(Trip.id == trip.id).execute()
    rides.leave_trip(2, trip.id)
    assert rendered(Notification.chat_id == 1)[-1].text.endswith("1 seat left.")
    pickup = to_utc(trip.departure_date, time(18), UTC)
    Trip.update(seats=1).where(Trip.id == trip.id).execute()
    lifecycle.send_due_reminders(pickup - timedelta(hours=2), (timedelta(hours=2),), UTC)
    driver = render_row(Notification.get(Notification.kind == "reminder_driver"))
    assert "💺 1 of 1 seat taken." in driver.text


def test_rider_answers_name_the_passenger(database):
    trip = club()
    pickup = to_utc(trip.departure_date, time(18), UTC)
    lifecycle.send_due_reminders(pickup - timedelta(hours=2), (timedelta(hours=2),), UTC)
    lifecycle.tell_driver(2, trip.id, lifecycle.LATE)
    late = render_row(Notification.get(Notification.kind == "rider_late"))
    assert late.text == ('⏰ <a href="tg://user?id=2">Ann &lt;Smith&gt;</a> is running late for the pickup '
                         "(Station, 18:00; trip to <b>Gym &lt;A&amp;B&gt;</b>).")


def test_a_reminder_whose_seat_is_gone_no_longer_matters(database):
    trip = club()
    pickup = to_utc(trip.departure_date, time(18), UTC)
    lifecycle.send_due_reminders(pickup - timedelta(hours=2), (timedelta(hours=2),), UTC)
    reminder = Notification.get((Notification.kind == "reminder") & (Notification.chat_id == 2))
    driver = Notification.get(Notification.kind == "reminder_driver")
    rides.leave_trip(2, trip.id)
    with pytest.raises(Obsolete):
        render_row(reminder)
    assert "nobody" in render_row(driver, now=pickup - timedelta(hours=2)).text  # the trip as it is now
    manage.cancel_trip(1, trip.id)
    with pytest.raises(Obsolete):
        render_row(driver)


def test_a_finished_text_is_sent_as_it_is(database):
    users.register_user(2, "Ann")
    markup = {"inline_keyboard": [[{"text": "Go", "callback_data": "x"}]]}
    row = outbox.enqueue(users.get_user(2), "<b>Hello</b>", "broadcast", reply_markup=markup)
    message = render_row(Notification.get_by_id(row.id))
    assert message.text == "<b>Hello</b>" and buttons(message) == ["Go"]


def test_the_renderer_uses_the_club_time_zone(database):
    trip = club()
    pickup = to_utc(trip.departure_date, time(18), UTC)
    lifecycle.send_due_reminders(pickup - timedelta(hours=24), (timedelta(hours=24),), UTC)
    row = Notification.get((Notification.kind == "reminder") & (Notification.chat_id == 2))
    # 23:30 UTC on the eve of the eve is already the eve in Auckland (UTC+12/13): "tomorrow" there
    late_evening = datetime.combine(trip.departure_date - timedelta(days=2), time(23, 30))
    assert "tomorrow" not in NotificationRenderer(UTC)(row, now=late_evening).text
    assert "tomorrow" in NotificationRenderer(ZoneInfo("Pacific/Auckland"))(row, now=late_evening).text


# --- the sender ---------------------------------------------------------------------------------


def markup(request) -> dict:
    value = request.params["reply_markup"]
    return json.loads(value) if isinstance(value, str) else value


async def test_sender_renders_at_send_time_with_buttons(database, tg, bot):
    for tid, name in ((1, "Dee"), (2, "Ann"), (3, "Bob")):
        tg.user(tid, name)
    trip = club()
    users.register_user(2, "Annie", "Smith")  # renamed before the notice goes out: the new name shows
    assert await Notifier(bot).send_pending_once() == 1
    (sent,) = sends(tg, 1)
    assert "Annie Smith" in sent.params["text"] and "Ann &lt;Smith&gt;" not in sent.params["text"]
    assert markup(sent)["inline_keyboard"][0][0] == {
        "text": "🚗 Open trip", "callback_data": f"nt:trip:{trip.id}"}
    assert [n.state for n in Notification.select().order_by(Notification.id)] == [NOTIFY_SENT, "pending"]  # Bob's next


async def test_sender_expires_what_no_longer_matters_and_fails_what_it_cannot_render(database, tg, bot, caplog):
    for tid, name in ((1, "Dee"), (2, "Ann"), (3, "Bob")):
        tg.user(tid, name)
    trip = club()
    Notification.delete().execute()
    bobs_pickup = to_utc(trip.departure_date, time(18, 15), UTC)
    lifecycle.send_due_reminders(bobs_pickup - timedelta(hours=2), (timedelta(hours=2),), UTC)
    bobs = Notification.get((Notification.kind == "reminder") & (Notification.chat_id == 3))
    rides.leave_trip(3, trip.id)  # before his reminder went out
    Notification.delete().where(Notification.kind == "left").execute()
    broken = outbox.notify(users.get_user(2), "no_such_kind", trip=trip)
    with caplog.at_level(logging.INFO, logger="bot.workers.notifier"):
        await Notifier(bot).send_pending_once()
        await Notifier(bot).send_pending_once()  # Ann's second row, after the broken one
    assert state(bobs).state == NOTIFY_EXPIRED and "no seat" in state(bobs).error
    assert sends(tg, 3) == []
    assert state(broken).state == NOTIFY_FAILED and "no renderer" in state(broken).error
    assert "could not render" in caplog.text and "no longer matters" in caplog.text
    assert [markup(r)["inline_keyboard"][0][0]["text"] for r in sends(tg, 2)] == [
        "🚗 On my way"]  # Ann's reminder went out all the same
    assert len(sends(tg, 1)) == 1  # and Dee's


# --- the buttons ------------------------------------------------------------------------------


def notice(chat_id: int, data: str) -> Message:
    from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

    markup = InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text="x", callback_data=data)]])
    return Message(message_id=900, date=datetime.now(), chat=Chat(id=chat_id, type="private"), text="notice",
                   reply_markup=markup)


async def test_open_trip_and_find_another_ride_take_one_tap(env):
    trip = club()
    dee = env.player(1, "Dee")
    screen = await dee.click("x", notice(1, NoticeButton(to="trip", trip_id=trip.id).pack()))
    assert "Gym &lt;A&amp;B&gt;" in screen.text and "Pickup points" in screen.text
    ann = env.player(2, "Ann")
    screen = await ann.click("x", notice(2, NoticeButton(to="find").pack()))
    assert screen.text != "notice" and any("Gym" in b for b in ann.buttons())


async def test_forged_or_stale_notice_buttons_are_answered(env):
    club()
    ann = env.player(2, "Ann")
    for data in ("nt:trip:999999", "nt:trip:99999999999999999999999", "nt:elsewhere:1", "nt:", "nt:trip:x"):
        before = len(env.bot.callback_answers())
        await ann.client.click(notice(2, data), _locator())
        answers = env.bot.callback_answers()[before:]
        assert len(answers) == 1 and answers[0].text, data
    stranger = env.player(77, "Zed")
    await stranger.client.click(notice(77, NoticeButton(to="find").pack()), _locator())
    assert "/start" in env.bot.callback_answers()[-1].text and users.get_user(77) is None


def _locator():
    from aiogram_dialog.test_tools.keyboard import InlineButtonTextLocator

    return InlineButtonTextLocator("x")


def test_the_data_fits_telegram():
    assert len(NoticeButton(to="trip", trip_id=2**63 - 1).pack().encode()) <= 64
