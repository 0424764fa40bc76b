"""The one-tap answers on a passenger's reminder, through the real dispatcher: each press
is answered, checked (a seat in that trip, the trip open), and shown on the keyboard."""

from __future__ import annotations

import html
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from aiogram.exceptions import TelegramBadRequest
from aiogram.methods import EditMessageReplyMarkup
from aiogram.types import Chat, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram_dialog.test_tools.keyboard import InlineButtonTextLocator

from dialogs.reminders import ReminderAnswer
from dialogs.reminders.keyboards import ask_keyboard, confirm_keyboard
from models import (
    ROLE_DRIVER, ROLE_PASSENGER, TRIP_CANCELLED, Conflict, Notification, Participant, Trip, lifecycle, queries, rides,
    trips,
)
from models.trips import to_utc
from tests.harness import RecordingBot, button_texts
from tests.notices import register, render_row

UTC = ZoneInfo("UTC")


def seed(seats: int = 3) -> Trip:
    register((1, "Dee Driver", ROLE_DRIVER), (2, "Ann Smith", ROLE_PASSENGER), (3, "Bob Jones", ROLE_PASSENGER),
             username={1: "dee"})
    trip = trips.create_trip(1, trips.TripDraft(
        destination="Riverside Arena", departure_date=trips.local_today(UTC) + timedelta(days=2), seats=seats,
        pickups=[trips.PickupDraft("Central Station", time(17, 45))]), UTC)
    rides.join_trip(2, trip.id, queries.pickup_points(trip.id)[0].id)
    return trip


def reminder_message(trip: Trip, chat_id: int = 2, before: timedelta = timedelta(hours=2)) -> Message:
    """The reminder as Telegram would show it: the outbox row rendered as the notifier sends it.
    `before` the pickup; the last reminder is the 2 h one (24 h ahead: an earlier one)."""
    now = to_utc(trip.departure_date, time(17, 45), UTC) - before
    lifecycle.send_due_reminders(now, (timedelta(hours=24), timedelta(hours=2)), UTC)
    row = (Notification.select().where((Notification.chat_id == chat_id) & (Notification.kind == "reminder"))
           .order_by(Notification.id.desc()).get())
    shown = render_row(row, now=now)
    return Message(message_id=500 + row.id, date=datetime.now(), chat=Chat(id=chat_id, type="private"),
                   text=shown.text, reply_markup=shown.reply_markup)


class DriverNote:
    """A notification to the driver (Dee), as she reads it."""

    def __init__(self, row: Notification):
        self.kind, self.trip_id, self.text = row.kind, row.trip_id, render_row(row).text


def driver_notes() -> list[DriverNote]:
    return [DriverNote(n) for n in Notification.select().where(
        (Notification.chat_id == 1) & (Notification.kind != "reminder_driver") & (Notification.kind != "joined")
    ).order_by(Notification.id)]


class Presser:
    """Presses buttons on a given message as one user; returns the answer and the new keyboard."""

    def __init__(self, env, user_id: int):
        self.env, self.player = env, env.player(user_id)

    async def press(self, message: Message, text: str):
        before = len(self.env.bot.calls)
        callback_id = await self.player.client.click(message, InlineButtonTextLocator(text))
        new = self.env.bot.calls[before:]
        answers = [c for c in new if getattr(c, "callback_query_id", None) == callback_id]
        assert len(answers) == 1, f"the press on {text!r} was answered {len(answers)} times"
        edits = [c for c in new if isinstance(c, EditMessageReplyMarkup)]
        markup = edits[-1].reply_markup if edits else None
        shown = message.model_copy(update={"reply_markup": markup}) if markup else message
        return answers[0], shown, bool(edits)


def test_callback_data_format_and_size():
    assert ReminderAnswer(action="late", trip_id=123).pack() == lifecycle.answer_data("late", 123)
    for worst in (confirm_keyboard(2**63 - 1, last=True), confirm_keyboard(2**63 - 1, last=False)):
        assert all(len(b.callback_data.encode()) <= 64 for row in worst.inline_keyboard for b in row)


async def test_on_my_way_and_running_late_tell_the_driver(env):
    trip = seed()
    ann = Presser(env, 2)
    message = reminder_message(trip)
    answer, shown, edited = await ann.press(message, "🚗 On my way")
    assert answer.text == "The driver knows you're on your way 👍" and not answer.show_alert
    assert button_texts(shown) == ["✅ On my way", "⏰ Running late", "❌ Can't go"] and edited
    assert [n.kind for n in driver_notes()] == ["rider_way"]
    assert "Ann Smith" in driver_notes()[0].text and "Central Station, 17:45" in driver_notes()[0].text

    answer, shown, _ = await ann.press(shown, "✅ On my way")  # a second tap: nobody told twice
    assert "on your way" in answer.text and len(driver_notes()) == 1

    answer, shown, _ = await ann.press(shown, "⏰ Running late")
    assert "running late" in answer.text
    assert button_texts(shown) == ["🚗 On my way", "✅ Running late", "❌ Can't go"]
    assert [n.kind for n in driver_notes()] == ["rider_way", "rider_late"]
    assert "running late" in driver_notes()[-1].text and driver_notes()[-1].trip_id == trip.id


async def test_cant_go_asks_then_frees_the_seat(env):
    trip = seed(seats=1)
    ann = Presser(env, 2)
    message = reminder_message(trip)
    answer, shown, _ = await ann.press(message, "❌ Can't go")
    assert button_texts(shown) == ["Yes, I can't go", "No, I'm coming"] and "Confirm" in answer.text
    assert Participant.select().count() == 1 and driver_notes() == []

    answer, shown, _ = await ann.press(shown, "No, I'm coming")
    assert button_texts(shown) == ["🚗 On my way", "⏰ Running late", "❌ Can't go"] and "see you" in answer.text
    assert Participant.select().count() == 1 and driver_notes() == []

    _, shown, _ = await ann.press(shown, "❌ Can't go")
    answer, shown, _ = await ann.press(shown, "Yes, I can't go")
    assert "seat is free" in answer.text and button_texts(shown) == ["❌ You left this trip"]
    assert Participant.select().count() == 0
    assert queries.list_upcoming()[0][0].seats_left == 1  # someone else can take it
    (left,) = driver_notes()
    assert left.kind == "left" and "(can't go)" in html.unescape(left.text) and "Ann Smith" in left.text

    answer, _, edited = await ann.press(shown, "❌ You left this trip")  # not a dead button
    assert "/trips" in answer.text and not edited


async def test_a_day_ahead_the_reminder_asks_still_going(env):
    """Issue #18: the 24 h reminder offered "On my way" a day early. It asks "Still going?";
    "Can't go" asks to confirm, and "No, I'm coming" returns to its own two answers."""
    trip = seed()
    ann = Presser(env, 2)
    message = reminder_message(trip, before=timedelta(hours=24))
    assert "Still going?" in message.text and button_texts(message) == ["👍 Yes", "🚫 Can't go"]
    answer, shown, edited = await ann.press(message, "👍 Yes")
    assert "see you" in answer.text and button_texts(shown) == ["✅ Yes", "🚫 Can't go"] and edited
    _, shown, _ = await ann.press(shown, "🚫 Can't go")
    assert button_texts(shown) == ["Yes, I can't go", "No, I'm coming"]
    answer, shown, _ = await ann.press(shown, "No, I'm coming")
    assert button_texts(shown) == ["✅ Yes", "🚫 Can't go"] and "see you" in answer.text
    assert Participant.select().count() == 1 and driver_notes() == []
    _, shown, _ = await ann.press(shown, "🚫 Can't go")
    answer, shown, _ = await ann.press(shown, "Yes, I can't go")
    assert "seat is free" in answer.text and button_texts(shown) == ["❌ You left this trip"]
    assert Participant.select().count() == 0 and [n.kind for n in driver_notes()] == ["left"]

    last = reminder_message(seed_rider(trip, 3), chat_id=3)  # Bob, two hours before: the last reminder
    assert "Let the driver know" in last.text
    assert button_texts(last) == ["🚗 On my way", "⏰ Running late", "❌ Can't go"]


def seed_rider(trip: Trip, tid: int) -> Trip:
    rides.join_trip(tid, trip.id, queries.pickup_points(trip.id)[0].id)
    return trip


async def test_refused_presses_change_nothing(env):
    trip = seed()
    message = reminder_message(trip)
    other = trips.create_trip(1, trips.TripDraft(
        destination="Cup", departure_date=trips.local_today(UTC) + timedelta(days=3), seats=2,
        pickups=[trips.PickupDraft("Oak Street", time(9))]), UTC)

    bob = Presser(env, 3)  # no seat in the trip, pressing Ann's buttons (forwarded or forged)
    for label in ("🚗 On my way", "⏰ Running late", "❌ Can't go"):
        answer, _, edited = await bob.press(message, label)
        assert answer.show_alert and "do not have a seat" in answer.text and not edited

    def forged(trip_id, action="yes") -> Message:
        markup = InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(
            text="x", callback_data=f"rm:{action}:{trip_id}")]])
        return message.model_copy(update={"reply_markup": markup})

    ann = Presser(env, 2)
    answer, _, edited = await ann.press(forged(999_999), "x")
    assert answer.show_alert and "does not exist" in answer.text and not edited
    answer, _, _ = await ann.press(forged(other.id), "x")  # a real trip she is not in
    assert answer.show_alert and "do not have a seat" in answer.text
    for data in ("abc", "way:abc", "zzz:1"):  # malformed or unknown: answered, nothing else
        markup = InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text="x", callback_data=f"rm:{data}")]])
        answer, _, edited = await ann.press(message.model_copy(update={"reply_markup": markup}), "x")
        assert "out of date" in answer.text and not edited
    assert Participant.select().count() == 1 and driver_notes() == []

    Trip.update(status=TRIP_CANCELLED).where(Trip.id == trip.id).execute()
    answer, _, edited = await ann.press(message, "❌ Can't go")
    assert answer.show_alert and "cancelled" in answer.text and not edited
    answer, _, _ = await ann.press(forged(trip.id), "x")
    assert "cancelled" in answer.text
    assert Participant.select().count() == 1 and driver_notes() == []


class NotModifiedBot(RecordingBot):
    """Telegram refuses an edit that changes nothing; the handler must shrug it off."""

    async def __call__(self, method, request_timeout=None):
        if isinstance(method, EditMessageReplyMarkup):
            self.calls.append(method)
            raise TelegramBadRequest(method=method, message="Bad Request: message is not modified")
        return await super().__call__(method, request_timeout)


@pytest.fixture
def strict_env(env):
    env.bot = NotModifiedBot()
    return env


async def test_unchanged_keyboard_error_is_ignored(strict_env):
    trip = seed()
    ann = Presser(strict_env, 2)
    answer, _, edited = await ann.press(reminder_message(trip), "⏰ Running late")
    assert edited and "running late" in answer.text and [n.kind for n in driver_notes()] == ["rider_late"]


# --- an answer counts only for a reminder sent, once per reminder (issue #16, item 6) ------


def answer_message(trip: Trip, chat_id: int = 2) -> Message:
    """A message carrying the reminder's buttons, without any reminder having been sent
    (a forged press, or a keyboard from somewhere else)."""
    markup = ask_keyboard(trip.id, last=True)
    return Message(message_id=77, date=datetime.now(), chat=Chat(id=chat_id, type="private"), text="x",
                   reply_markup=markup)


async def test_answers_before_any_reminder_tell_nobody(env):
    trip = seed()
    ann = Presser(env, 2)
    message = answer_message(trip)
    for label in ("🚗 On my way", "⏰ Running late") * 3:  # six presses, days before the reminder
        answer, _, edited = await ann.press(message, label)
        assert answer.show_alert and "no reminder" in answer.text.lower() and not edited
    assert driver_notes() == []


async def test_each_answer_goes_once_per_reminder(env):
    trip = seed()
    ann = Presser(env, 2)
    message = reminder_message(trip)  # the 2 h reminder
    for _ in range(3):  # the same, unmarked keyboard pressed again (a second phone, a forged press)
        answer, _, _ = await ann.press(message, "🚗 On my way")
    assert "already" in answer.text.lower() and "on your way" in answer.text
    for _ in range(3):
        answer, shown, _ = await ann.press(message, "⏰ Running late")
    assert "already" in answer.text.lower()
    assert [n.kind for n in driver_notes()] == ["rider_way", "rider_late"]


async def test_a_later_reminder_takes_answers_again(env):
    trip = seed()
    ann = Presser(env, 2)
    pickup = to_utc(trip.departure_date, time(17, 45), UTC)
    lifecycle.send_due_reminders(pickup - timedelta(hours=24), (timedelta(hours=24), timedelta(hours=2)), UTC)
    message = answer_message(trip)
    await ann.press(message, "🚗 On my way")
    answer, _, _ = await ann.press(message, "🚗 On my way")
    assert "already" in answer.text.lower()
    lifecycle.send_due_reminders(pickup - timedelta(hours=2), (timedelta(hours=24), timedelta(hours=2)), UTC)
    answer, _, _ = await ann.press(message, "🚗 On my way")  # the 2 h reminder: a fresh answer
    assert "already" not in answer.text.lower()
    assert [n.kind for n in driver_notes()] == ["rider_way", "rider_way"]


def test_tell_driver_rules(database):
    trip = seed()
    with pytest.raises(Conflict, match="^error-no-reminder-yet$"):
        lifecycle.tell_driver(2, trip.id, "way")
    reminder_message(trip)
    assert lifecycle.tell_driver(2, trip.id, "way") is True
    assert lifecycle.tell_driver(2, trip.id, "way") is False  # already sent for this reminder
    assert lifecycle.tell_driver(2, trip.id, "late") is True
    assert [n.kind for n in driver_notes()] == ["rider_way", "rider_late"]
