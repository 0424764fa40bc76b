"""The buttons of the waiting list's offer and of "Still OK?" (issue #22; `models.waitlist` holds
the rules). Callback data `wl:<action>:<trip id>`, parsed with aiogram's `CallbackData`.

A seat offered: "✅ Take the seat" / "🙅 Pass". "Still OK?" after the driver's change:
"👍 Still OK" / "🚪 Leave the trip"; leaving asks to confirm ("Yes, leave the trip" / "No, I'm
staying": staying answers "Still OK"). Once answered, the keyboard shows the answer (a button
that only says it) above "🚗 Open trip".

Labels are catalog keys (`dialogs/locales/*/waitlist.ftl`) in the reader's language: the
recipient's when the notice is sent, the presser's when a press redraws the keyboard.
"""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from ..i18n import Tr

PREFIX = "wl"
# Actions. TAKE / PASS answer an offer; OK / LEAVE answer "Still OK?", LEAVE asking to confirm
# with YES (leave) or STAY (still OK). TOOK, PASSED, LEFT: the answer shown once given.
TAKE, PASS, OK, LEAVE, YES, STAY = "take", "pass", "ok", "leave", "yes", "stay"
TOOK, PASSED, LEFT = "took", "passed", "left"

LABELS = {
    TAKE: "waitlist-take", PASS: "waitlist-pass", OK: "waitlist-still-ok", LEAVE: "waitlist-leave",
    YES: "waitlist-leave-yes", STAY: "waitlist-leave-no", TOOK: "waitlist-chosen-took",
    PASSED: "waitlist-chosen-passed", LEFT: "waitlist-chosen-left",
}
CHOSEN_OK = "waitlist-chosen-ok"


class WaitlistAnswer(CallbackData, prefix=PREFIX):
    """`wl:<action>:<trip id>`, at most ~25 bytes (Telegram allows 64)."""

    action: str
    trip_id: int


def _button(action: str, trip_id: int, tr: Tr, label: str | None = None) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=tr(label or LABELS[action]),
                                callback_data=WaitlistAnswer(action=action, trip_id=trip_id).pack())


def _open_trip(trip_id: int, tr: Tr) -> list[InlineKeyboardButton]:
    from ..notifications import open_trip  # the notices' own button (that module imports this one)

    label, data = open_trip(trip_id, tr)
    return [InlineKeyboardButton(text=label, callback_data=data.pack())]


def _markup(trip_id: int, tr: Tr, *rows: list[InlineKeyboardButton]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[*rows, _open_trip(trip_id, tr)])


def offer_keyboard(trip_id: int, tr: Tr) -> InlineKeyboardMarkup:
    """A seat offered: take it or pass."""
    return _markup(trip_id, tr, [_button(TAKE, trip_id, tr), _button(PASS, trip_id, tr)])


def reconfirm_keyboard(trip_id: int, tr: Tr, *, confirmed: bool = False) -> InlineKeyboardMarkup:
    """"Still OK?": still OK (marked once answered) or leave the trip."""
    ok = _button(OK, trip_id, tr, CHOSEN_OK if confirmed else None)
    return _markup(trip_id, tr, [ok, _button(LEAVE, trip_id, tr)])


def keyboard_after(action: str, trip_id: int, tr: Tr) -> InlineKeyboardMarkup:
    """What the notice shows once `action` is answered."""
    if action == LEAVE:
        return _markup(trip_id, tr, [_button(YES, trip_id, tr), _button(STAY, trip_id, tr)])
    if action in (OK, STAY):
        return reconfirm_keyboard(trip_id, tr, confirmed=True)
    outcome = {TAKE: TOOK, PASS: PASSED, YES: LEFT}.get(action, action)
    return _markup(trip_id, tr, [_button(outcome, trip_id, tr)])
