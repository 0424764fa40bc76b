"""The reminder's answer buttons (`models.lifecycle` holds the answers and their rules).

The last reminder before the pickup asks for "On my way" / "Running late" / "Can't go";
an earlier one (a day ahead) only asks "Still going?" with "Yes" / "Can't go": being on
the way makes sense an hour before, not a day. "Can't go" asks to confirm; "No, I'm
coming" returns to the keyboard the reminder had.

Labels are catalog keys (`dialogs/locales/*/reminders.ftl`), in the reader's language: the
recipient's when the reminder is sent, the presser's when a press redraws the keyboard.
Each function takes that language's `tr` (default: the current update's).
"""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from models.lifecycle import ANSWER_PREFIX, CANT, CANT_EARLY, CANT_NO, CANT_YES, GOING, LATE, LEFT, WAY

from ..i18n import Tr, tr_of

LABELS = {  # action -> catalog key of its button
    WAY: "reminder-way", LATE: "reminder-late", CANT: "reminder-cant",
    GOING: "reminder-going", CANT_EARLY: "reminder-cant-early",
    CANT_YES: "reminder-cant-yes", LEFT: "reminder-left",
}
CHOSEN = {WAY: "reminder-chosen-way", LATE: "reminder-chosen-late", GOING: "reminder-chosen-going"}
COMING = "reminder-coming"


class ReminderAnswer(CallbackData, prefix=ANSWER_PREFIX):
    """`rm:<action>:<trip id>`, at most ~20 bytes (Telegram allows 64)."""

    action: str
    trip_id: int


def _button(action: str, trip_id: int, tr: Tr, label: str | None = None) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=tr(label or LABELS[action]),
                                callback_data=ReminderAnswer(action=action, trip_id=trip_id).pack())


def ask_keyboard(trip_id: int, *, last: bool, chosen: str | None = None, tr: Tr | None = None) -> InlineKeyboardMarkup:
    """The answers a reminder offers, `chosen` marked."""
    tr = tr or tr_of()

    def b(action: str) -> InlineKeyboardButton:
        return _button(action, trip_id, tr, CHOSEN[action] if action == chosen else None)

    rows = [[b(WAY), b(LATE)], [b(CANT)]] if last else [[b(GOING), b(CANT_EARLY)]]
    return InlineKeyboardMarkup(inline_keyboard=rows)


def confirm_keyboard(trip_id: int, *, last: bool, tr: Tr | None = None) -> InlineKeyboardMarkup:
    """After "Can't go": leave the trip, or keep the seat (back to the reminder's answers)."""
    tr = tr or tr_of()
    keep = CANT_NO if last else GOING
    return InlineKeyboardMarkup(inline_keyboard=[[_button(CANT_YES, trip_id, tr), _button(keep, trip_id, tr, COMING)]])


def left_keyboard(trip_id: int, tr: Tr | None = None) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[[_button(LEFT, trip_id, tr or tr_of())]])


def keyboard_after(action: str, trip_id: int, tr: Tr | None = None) -> InlineKeyboardMarkup:
    """What the reminder shows once `action` is answered."""
    if action in (CANT, CANT_EARLY):
        return confirm_keyboard(trip_id, last=action == CANT, tr=tr)
    if action == CANT_YES:
        return left_keyboard(trip_id, tr)
    return ask_keyboard(trip_id, last=action != GOING, chosen=action if action in CHOSEN else None, tr=tr)
