"""Widgets every dialog shares, with one wording per action (issue #18).

One place for the words on buttons, so "Back" always goes one step back, "Close without
saving" always leaves a form with nothing written, and "Cancel" only ever means cancelling
a trip. Inline buttons show about 30 characters on a phone: keep every label short and put
details in the message text.

| action | wording | widget |
| --- | --- | --- |
| one step back, or leave a screen that only shows things | ⬅️ Back | `back()` / `close()` |
| leave a form (wizard, edit) without writing anything | ✖️ Close without saving | `quit_without_saving()` |
| say yes to what the confirm window asks | ✅ Yes, <verb> | `confirm_window(..., yes=...)` |
"""

from __future__ import annotations

from collections.abc import Callable

from aiogram.fsm.state import State
from aiogram_dialog import Window
from aiogram_dialog.widgets.kbd import Back, Button, Cancel, Column, Row, Select, SwitchTo
from aiogram_dialog.widgets.text import Const, Format, Text

BACK_TEXT = "⬅️ Back"
QUIT_TEXT = "✖️ Close without saving"


def back(id: str = "back") -> Back:  # noqa: A002 - aiogram-dialog's own parameter name
    """One step back inside a dialog."""
    return Back(Const(BACK_TEXT), id=id)


def close(id: str = "back") -> Cancel:  # noqa: A002
    """Leave a dialog that only shows things: for the player it is one step back."""
    return Cancel(Const(BACK_TEXT), id=id)


def back_to(state: State, id: str = "back") -> SwitchTo:  # noqa: A002
    """One step back to a window that is not the previous one in the dialog's order."""
    return SwitchTo(Const(BACK_TEXT), id=id, state=state)


def quit_without_saving(id: str = "quit") -> Cancel:  # noqa: A002
    """Leave a form; nothing of it is written."""
    return Cancel(Const(QUIT_TEXT), id=id)


def pick_list(id: str, items: str, on_click: Callable, label: str = "{item[1]}") -> Column:  # noqa: A002
    """A column of buttons, one per `(id, label)` pair of the getter's `items`; the item id
    reaches `on_click` as an int (a forged non-number is refused before it, bot/app.py)."""
    return Column(Select(Format(label), id=id, item_id_getter=lambda item: item[0], items=items,
                         type_factory=int, on_click=on_click))


def confirm_window(
    text: Text,
    yes: Button,
    state: State,
    *,
    no: Button | None = None,
    getter=None,
    preview_data=None,
) -> Window:
    """A question and its answers: `no` (default: one step back) and `yes`, on one row."""
    return Window(
        text,
        Row(no or back(), yes),
        state=state,
        getter=getter,
        preview_data=preview_data,
    )
