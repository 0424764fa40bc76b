"""One-tap answers to a seat offered from the waiting list and to "Still OK?" after the driver's
change (issue #22, `models.waitlist`, `models.manage`): plain aiogram callback handlers, as the
notices are notifications, not dialog windows — the reminders' answers' way (dialogs/reminders).

Anyone can send any callback data: every press is checked by the operation (an offer held for
the presser, a seat of theirs, the trip still open), a refusal changes nothing and is shown
(`error_text`), and every press is answered — a malformed one too — so no button spins for
ever. The hold of the next offer a press may make is `settings.waitlist_hold` (WAITLIST_HOLD).
Answers and the redrawn keyboard are in the presser's language (`locale` in handler data).
"""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.types import CallbackQuery

from models import DomainError, manage, rides, waitlist
from models.rules import is_row_id

from ..common import error_text
from ..i18n import tr_of
from ..reminders.handlers import _show_keyboard  # replacing a notice's keyboard, as a reminder's
from .keyboards import LEAVE, LEFT, OK, PASS, PASSED, PREFIX, STAY, TAKE, TOOK, YES, WaitlistAnswer, keyboard_after

# What a press answers (catalog keys, dialogs/locales/*/waitlist.ftl).
ANSWERED = {
    TAKE: "waitlist-told-took",
    PASS: "waitlist-told-passed",
    OK: "waitlist-told-ok",
    STAY: "waitlist-told-ok",
    LEAVE: "waitlist-confirm-leave",
    YES: "waitlist-told-left",
}
SAID = {TOOK: "waitlist-seat-yours", PASSED: "waitlist-passed-already", LEFT: "waitlist-left-already"}
STALE = "waitlist-stale"


def _act(action: str, actor: int, trip_id: int, hold) -> bool:
    """Run the answer's operation; True when it wrote notifications (the notifier is woken)."""
    if action == TAKE:
        waitlist.accept_offer(actor, trip_id)
    elif action == PASS:
        waitlist.pass_offer(actor, trip_id, hold=hold)
    elif action in (OK, STAY):
        manage.still_ok(actor, trip_id)
        return False
    elif action == YES:
        rides.leave_trip(actor, trip_id, hold=hold)
    else:  # LEAVE only asks to confirm
        return False
    return True


async def on_answer(callback: CallbackQuery, callback_data: WaitlistAnswer, bot: Bot, notifier=None,
                    settings=None, locale: str | None = None) -> None:
    action, trip_id, actor = callback_data.action, callback_data.trip_id, callback.from_user.id
    tr = tr_of(data={"locale": locale})  # the presser's language (bot.middlewares.user)
    if action in SAID:
        await callback.answer(tr(SAID[action]))
        return
    if action not in ANSWERED or not is_row_id(trip_id):
        await callback.answer(tr(STALE))
        return
    try:
        wrote = _act(action, actor, trip_id, getattr(settings, "waitlist_hold", None))
    except DomainError as exc:
        await callback.answer(error_text(exc, tr)[:200], show_alert=True)
        return
    if wrote and notifier is not None:
        notifier.wake()
    await callback.answer(tr(ANSWERED[action]))
    await _show_keyboard(callback, bot, keyboard_after(action, trip_id, tr))


async def on_malformed(callback: CallbackQuery, locale: str | None = None) -> None:
    await callback.answer(tr_of(data={"locale": locale})(STALE))


def build_waitlist_router() -> Router:
    router = Router(name="waitlist")
    router.callback_query.register(on_answer, WaitlistAnswer.filter())
    router.callback_query.register(on_malformed, F.data.startswith(f"{PREFIX}:"))
    return router
