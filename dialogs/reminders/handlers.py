"""One-tap answers to a reminder (`models.lifecycle`): plain aiogram callback handlers,
as the reminder is a notification, not a dialog window.

Anyone can send any callback data: every press is checked by the operation (the presser
has a seat in that trip, the trip is still open, and a reminder was sent to them: an
answer counts for the latest one, once per answer), a refusal changes nothing, and
every press is answered — a malformed one too — so no button ever spins forever.
Answers and the redrawn keyboard are in the presser's language (`locale` in handler data).
"""

from __future__ import annotations

import logging

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramAPIError, TelegramBadRequest
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from models import DomainError, lifecycle, rides
from models.lifecycle import CANT, CANT_EARLY, CANT_GO_REASON, CANT_NO, CANT_YES, GOING, LATE, LEFT, WAY

from ..common import error_text
from ..i18n import tr_of
from .keyboards import ReminderAnswer, keyboard_after

log = logging.getLogger(__name__)

# What a press answers (catalog keys, dialogs/locales/*/reminders.ftl), in the presser's language.
ANSWERED = {
    WAY: "reminder-told-way",
    LATE: "reminder-told-late",
    CANT: "reminder-confirm-cant",
    CANT_EARLY: "reminder-confirm-cant",
    CANT_YES: "reminder-seat-freed",
    CANT_NO: "reminder-see-you",
    GOING: "reminder-see-you",
}
ALREADY = {
    WAY: "reminder-already-way",
    LATE: "reminder-already-late",
}
STALE = "reminder-stale"
# The reason the driver's "left" notice gives: stored as data in the outbox row, shown in the
# driver's language by `dialogs.notifications`.


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


async def on_answer(callback: CallbackQuery, callback_data: ReminderAnswer, bot: Bot, notifier=None,
                    locale: str | None = None, settings=None) -> None:
    action, trip_id, actor = callback_data.action, callback_data.trip_id, callback.from_user.id
    tr = tr_of(data={"locale": locale})  # the presser's language (bot.middlewares.user)
    if action == LEFT:
        await callback.answer(tr("reminder-you-left"))
        return
    if action not in ANSWERED:
        await callback.answer(tr(STALE))
        return
    key, told = ANSWERED[action], False
    try:
        if action in (WAY, LATE):
            told = lifecycle.tell_driver(actor, trip_id, action)
            key = key if told else ALREADY[action]
        elif action == CANT_YES:
            lifecycle.reminded_seat(actor, trip_id)
            # the freed seat is held WAITLIST_HOLD for the first in line (issue #22)
            rides.leave_trip(actor, trip_id, reason=CANT_GO_REASON, hold=getattr(settings, "waitlist_hold", None))
            told = True
        else:
            lifecycle.reminded_seat(actor, trip_id)
    except DomainError as exc:
        await callback.answer(error_text(exc, tr)[:200], show_alert=True)
        return
    if told and notifier is not None:
        notifier.wake()
    await callback.answer(tr(key))
    await _show_keyboard(callback, bot, keyboard_after(action, trip_id, tr))


async def on_malformed(callback: CallbackQuery, locale: str | None = None) -> None:
    await callback.answer(tr_of(data={"locale": locale})(STALE))


def build_reminders_router() -> Router:
    router = Router(name="reminders")
    router.callback_query.register(on_answer, ReminderAnswer.filter())
    router.callback_query.register(on_malformed, F.data.startswith(f"{lifecycle.ANSWER_PREFIX}:"))
    return router
