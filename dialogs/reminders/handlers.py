"""One-tap answers to a reminder (`models.lifecycle`): plain aiogram callback handlers,
as the reminder is a notification, not a dialog window.

Anyone can send any callback data: every press is checked by the operation (the presser
has a seat in that trip, the trip is still open, and a reminder was sent to them: an
answer counts for the latest one, once per answer), a refusal changes nothing, and
every press is answered — a malformed one too — so no button ever spins forever.
"""

from __future__ import annotations

import logging

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramAPIError, TelegramBadRequest
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from models import DomainError, lifecycle, rides
from models.lifecycle import CANT, CANT_EARLY, CANT_NO, CANT_YES, GOING, LATE, LEFT, WAY

from .keyboards import ReminderAnswer, keyboard_after

log = logging.getLogger(__name__)

ANSWERED = {
    WAY: "The driver knows you're on your way 👍",
    LATE: "The driver knows you're running late ⏰",
    CANT: "Sure? Confirm below that you can't go.",
    CANT_EARLY: "Sure? Confirm below that you can't go.",
    CANT_YES: "You left the trip: your seat is free again and the driver is told.",
    CANT_NO: "Great, see you there! 👍",
    GOING: "Great, see you there! 👍",
}
ALREADY = {
    WAY: "Already sent: the driver knows you're on your way.",
    LATE: "Already sent: the driver knows you're running late.",
}
STALE = "That button is out of date."


async def _show_keyboard(callback: CallbackQuery, bot: Bot, keyboard: InlineKeyboardMarkup) -> None:
    message = callback.message
    if not isinstance(message, Message):  # inaccessible (older than 48 hours) or unknown
        return
    try:
        await bot.edit_message_reply_markup(
            chat_id=message.chat.id, message_id=message.message_id,
            reply_markup=keyboard,
        )
    except TelegramBadRequest as exc:
        if "message is not modified" not in exc.message:
            log.warning("Could not update a reminder's keyboard: %s", exc.message)
    except TelegramAPIError:  # the answer is recorded already; the keyboard is cosmetic
        log.warning("Could not update a reminder's keyboard", exc_info=True)


async def on_answer(callback: CallbackQuery, callback_data: ReminderAnswer, bot: Bot, notifier=None) -> None:
    action, trip_id, actor = callback_data.action, callback_data.trip_id, callback.from_user.id
    if action == LEFT:
        await callback.answer("You left this trip. Find another ride with /trips.")
        return
    if action not in ANSWERED:
        await callback.answer(STALE)
        return
    text, told = ANSWERED[action], False
    try:
        if action in (WAY, LATE):
            told = lifecycle.tell_driver(actor, trip_id, action)
            text = text if told else ALREADY[action]
        elif action == CANT_YES:
            lifecycle.reminded_seat(actor, trip_id)
            rides.leave_trip(actor, trip_id, reason="can't go")
            told = True
        else:
            lifecycle.reminded_seat(actor, trip_id)
    except DomainError as exc:
        await callback.answer(str(exc)[:200], show_alert=True)
        return
    if told and notifier is not None:
        notifier.wake()
    await callback.answer(text)
    await _show_keyboard(callback, bot, keyboard_after(action, trip_id))


async def on_malformed(callback: CallbackQuery) -> None:
    await callback.answer(STALE)


def build_reminders_router() -> Router:
    router = Router(name="reminders")
    router.callback_query.register(on_answer, ReminderAnswer.filter())
    router.callback_query.register(on_malformed, F.data.startswith(f"{lifecycle.ANSWER_PREFIX}:"))
    return router
