"""Widgets every dialog shares, with one wording per action (issue #18).

One place for the words on buttons, so "Back" always goes one step back, "Close without
saving" always leaves a form with nothing written, and "Cancel" only ever means cancelling
a trip. Inline buttons show about 30 characters on a phone: keep every label short and put
details in the message text.

| action | wording (English) | key | widget |
| --- | --- | --- | --- |
| one step back, or leave a screen that only shows things | ⬅️ Back | `back` | `back()` / `close()` |
| leave a form (wizard, edit) without writing anything | ✖️ Close without saving | `quit` | `quit_without_saving()` |
| say yes to what the confirm window asks | ✅ Yes, <verb> | per window | `confirm_window(..., yes=...)` |
| go on to the next step, keeping the value shown | ➡️ Next | `next` | `Next(T(NEXT))` |

The words are catalog keys (`dialogs/locales/*/common.ftl`), in the player's language (issue #19).
"""

from __future__ import annotations

from collections.abc import Callable

from aiogram.enums import ContentType
from aiogram.fsm.state import State
from aiogram.types import Message
from aiogram_dialog import DialogManager, DialogProtocol, Window
from aiogram_dialog.widgets.input import TextInput
from aiogram_dialog.widgets.kbd import Back, Button, Cancel, Column, Row, Select, SwitchTo
from aiogram_dialog.widgets.kbd import NextPage, PrevPage, Start, StubScroll, SwitchInlineQueryChosenChatButton
from aiogram_dialog.widgets.text import Format, Text

from models import DomainError

from .common import on_not_text, show_error
from .i18n import T, Tr, tr_of

BACK = "back"
QUIT = "quit"
NEXT = "next"


def back(id: str = "back", *, when=None, on_click: Callable | None = None) -> Back:  # noqa: A002
    """One step back inside a dialog (`id`: aiogram-dialog's own parameter name)."""
    return Back(T(BACK), id=id, when=when, on_click=on_click)


def close(id: str = "back", *, when=None) -> Cancel:  # noqa: A002
    """Leave a dialog that only shows things: for the player it is one step back."""
    return Cancel(T(BACK), id=id, when=when)


def back_to(state: State, id: str = "back", *, when=None) -> SwitchTo:  # noqa: A002
    """One step back to a window that is not the previous one in the dialog's order."""
    return SwitchTo(T(BACK), id=id, state=state, when=when)


def quit_without_saving(id: str = "quit") -> Cancel:  # noqa: A002
    """Leave a form; nothing of it is written."""
    return Cancel(T(QUIT), id=id)


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


class TextField(TextInput):
    """A TextInput that also answers stickers, photos and the like (instead of a second input
    widget, `common.text_only_guard()`): with one input in the window, `manager.find(id)`
    reaches it. Two inputs become aiogram-dialog's CombinedInput, whose `find` never looks
    inside (aiogram-dialog 2.6 and its main branch)."""

    async def process_message(self, message: Message, dialog: DialogProtocol, manager: DialogManager) -> bool:
        if message.content_type != ContentType.TEXT:
            await on_not_text(message, self, manager)
            return True
        return await super().process_message(message, dialog, manager)


def share_button(id: str = "share", when: str = "can_share") -> SwitchInlineQueryChosenChatButton:  # noqa: A002
    """📣 Share (issue #20): the player picks a chat and the trip's card, with its Join button, is
    posted there through inline mode (dialogs/club/handlers.py). The getter gives `share_query`
    and `can_share` (`share_data`)."""
    return SwitchInlineQueryChosenChatButton(T("share"), query=Format("{share_query}"), allow_user_chats=True,
                                             allow_group_chats=True, id=id, when=when)


async def share_data(bot, trip_id: int, live: bool = True) -> dict:
    """What `share_button` needs: shown while the trip can be joined, when the bot has inline
    mode on (@BotFather /setinline; `getMe`, cached by aiogram)."""
    me = await bot.me() if bot is not None and live else None
    return {"can_share": bool(me and me.supports_inline_queries), "share_query": f"trip_{trip_id}"}


# --- jumps that carry an id (issue #18): a Start/SwitchTo, so the preview and the diagram draw them ---


class _PerItem:
    """One button per `(id, label)` item of the getter's `items`, in a column. A press runs
    `on_click(event, widget, manager, item_id)` (which may refuse by raising a DomainError),
    then the jump of the Start/SwitchTo this is. The item id is read by aiogram-dialog's own
    `Select(type_factory=int)`: a forged non-number is its error (bot/app.py answers it)."""

    def _per_item(self, id: str, items: str, label: str) -> None:  # noqa: A002
        self.select = Select(Format(label), id=id, item_id_getter=lambda item: item[0], items=items,
                             type_factory=int, on_click=self)

    async def _render_keyboard(self, data: dict, manager: DialogManager) -> list:
        rows = await self.select.render_keyboard(data, manager)
        return [[button] for row in rows for button in row]

    async def _process_own_callback(self, callback, dialog, manager) -> bool:
        return False  # every button of this widget names its item

    async def _process_item_callback(self, callback, data: str, dialog, manager) -> bool:
        return await self.select._process_item_callback(callback, data, dialog, manager)

    async def process_event(self, event, source, manager: DialogManager, item_id: int) -> None:
        """The press on an item, from `self.select`."""
        if self.user_on_click:
            await self.user_on_click(event, self, manager, item_id)
        await self._jump(manager, item_id)


class ItemStart(_PerItem, Start):
    """A button per item that starts `state` with `{key: item id}` (a trip list opening the card)."""

    def __init__(self, id: str, items: str, state: State, *, key: str, on_click: Callable | None = None,  # noqa: A002
                 label: str = "{item[1]}", when=None) -> None:
        Start.__init__(self, Format(label), id=id, state=state, on_click=on_click, when=when)
        self._per_item(id, items, label)
        self.key = key

    async def _jump(self, manager: DialogManager, item_id: int) -> None:
        await manager.start(self.state, data={self.key: item_id}, mode=self.mode, show_mode=self.show_mode)


class ItemSwitchTo(_PerItem, SwitchTo):
    """A button per item that switches to `state` after `on_click` took the item (a pickup point)."""

    def __init__(self, id: str, items: str, state: State, *, on_click: Callable | None = None,  # noqa: A002
                 label: str = "{item[1]}", when=None) -> None:
        SwitchTo.__init__(self, Format(label), id=id, state=state, on_click=on_click, when=when)
        self._per_item(id, items, label)

    async def _jump(self, manager: DialogManager, item_id: int) -> None:
        await manager.switch_to(self.state, show_mode=self.show_mode)


class StartWith(Start):
    """A Start that hands on what this dialog was started with: `carry` names the keys of its
    start data (the trip card's "Edit" starts the editor with the card's `trip_id`)."""

    def __init__(self, text: Text, id: str, state: State, *, carry: tuple[str, ...],  # noqa: A002
                 on_click: Callable | None = None, when=None) -> None:
        super().__init__(text, id=id, state=state, on_click=on_click, when=when)
        self.carry = carry

    async def _process_own_callback(self, callback, dialog, manager: DialogManager) -> bool:
        if self.user_on_click:
            await self.user_on_click(callback, self, manager)
        await manager.start(self.state, data=self.data_for(manager), mode=self.mode, show_mode=self.show_mode)
        return True

    def data_for(self, manager: DialogManager) -> dict:
        return {key: manager.start_data[key] for key in self.carry}


class StartWithData(StartWith):
    """A StartWith whose data `data(manager)` builds when pressed, from this dialog's own state
    (the wizard hands its draft's pickup points to the pickup editor)."""

    def __init__(self, text: Text, id: str, state: State, *, data: Callable[[DialogManager], dict],  # noqa: A002
                 on_click: Callable | None = None, when=None) -> None:
        super().__init__(text, id, state, carry=(), on_click=on_click, when=when)
        self.build = data

    def data_for(self, manager: DialogManager) -> dict:
        return self.build(manager)


def go_to(state: State, act: Callable) -> Callable:
    """The `on_success` (or `on_click`) of a form step whose next window is fixed: `act(event,
    widget, manager, value)` checks and stores (a `models` call); a DomainError it raises is shown
    (typed text gets the "⚠️" reply every refusal gets) and the window stays; otherwise the dialog
    shows `state`. The window also declares that jump with a widget, so the diagram draws it."""

    async def handler(event, widget, manager: DialogManager, *value) -> None:
        try:
            await act(event, widget, manager, *value)
        except DomainError as exc:
            await show_error(event, exc)
            return
        await manager.switch_to(state)

    return handler


# --- lists paged by their getter -----------------------------------------------------------------


def pager(scroll: str) -> Row:
    """A list's pages: `StubScroll(id=scroll, pages="pages")` (the getter pages the query itself,
    see `paged`) and ◀️ Previous / Next ▶️, each shown where it leads; one row, or none."""
    return Row(
        StubScroll(id=scroll, pages="pages"),
        PrevPage(scroll, id="prev", text=T("page-previous"), when=lambda data, w, m: data["current_page"] > 0),
        NextPage(scroll, id="next", text=T("page-next"),
                 when=lambda data, w, m: data["current_page"] + 1 < data["pages"]),
    )


async def paged(manager: DialogManager, scroll: str, fetch: Callable[[int], tuple[list, int]],
                page_size: int) -> tuple[list, int, dict]:
    """The rows of the scroll's page (`fetch(page) -> (rows, total)`), the page and the pager's
    data. A list that shrank under the user shows its last page."""
    managed = manager.find(scroll)
    page = await managed.get_page()
    rows, total = fetch(page)
    pages = max(-(-total // page_size), 1)
    if page >= pages:
        page = pages - 1
        await managed.set_page(page)
        rows, total = fetch(page)
    return rows, page, page_data(page, pages, tr_of(manager))


def page_data(page: int, pages: int, tr: Tr | None = None) -> dict:
    tr = tr or tr_of()
    return {"pages": pages, "page_info": tr("page-info", page=page + 1, pages=pages) if pages > 1 else ""}
