"""The reminder's answer buttons (`models.lifecycle` holds the answers and their rules).

The last reminder before the pickup asks for "On my way" / "Running late" / "Can't go";
an earlier one (a day ahead) only asks "Still going?" with "Yes" / "Can't go": being on
the way makes sense an hour before, not a day. "Can't go" asks to confirm; "No, I'm
coming" returns to the keyboard the reminder had.
"""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from models.lifecycle import ANSWER_PREFIX, CANT, CANT_EARLY, CANT_NO, CANT_YES, GOING, LATE, LEFT, WAY

LABELS = {
    WAY: "🚗 On my way", LATE: "⏰ Running late", CANT: "❌ Can't go",
    GOING: "👍 Yes", CANT_EARLY: "🚫 Can't go",
    CANT_YES: "Yes, I can't go", LEFT: "❌ You left this trip",
}
CHOSEN = {WAY: "✅ On my way", LATE: "✅ Running late", GOING: "✅ Yes"}
COMING = "No, I'm coming"


class ReminderAnswer(CallbackData, prefix=ANSWER_PREFIX):
    """`rm:<action>:<trip id>`, at most ~20 bytes (Telegram allows 64)."""

    action: str
    trip_id: int


def _button(action: str, trip_id: int, label: str | None = None) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=label or LABELS[action],
                                callback_data=ReminderAnswer(action=action, trip_id=trip_id).pack())


def ask_keyboard(trip_id: int, *, last: bool, chosen: str | None = None) -> InlineKeyboardMarkup:
    """The answers a reminder offers, `chosen` marked."""
    def b(action: str) -> InlineKeyboardButton:
        return _button(action, trip_id, CHOSEN[action] if action == chosen else None)

    rows = [[b(WAY), b(LATE)], [b(CANT)]] if last else [[b(GOING), b(CANT_EARLY)]]
    return InlineKeyboardMarkup(inline_keyboard=rows)


def confirm_keyboard(trip_id: int, *, last: bool) -> InlineKeyboardMarkup:
    """After "Can't go": leave the trip, or keep the seat (back to the reminder's answers)."""
    keep = CANT_NO if last else GOING
    return InlineKeyboardMarkup(inline_keyboard=[[_button(CANT_YES, trip_id), _button(keep, trip_id, COMING)]])


def left_keyboard(trip_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[[_button(LEFT, trip_id)]])


def keyboard_after(action: str, trip_id: int) -> InlineKeyboardMarkup:
    """What the reminder shows once `action` is answered."""
    if action in (CANT, CANT_EARLY):
        return confirm_keyboard(trip_id, last=action == CANT)
    if action == CANT_YES:
        return left_keyboard(trip_id)
    return ask_keyboard(trip_id, last=action != GOING, chosen=action if action in CHOSEN else None)
