"""bot/compat/: each workaround works, and each bug is still in the installed library.

A test named `..._upstream` asserts the bug itself, without our workaround: when a library
upgrade fixes it, that test fails and its message says which workaround to delete."""

from __future__ import annotations

import pytest
from aiogram import Dispatcher, Router
from aiogram.filters import CommandStart
from aiogram.fsm.state import State, StatesGroup
from aiogram.methods.base import TelegramMethod
from aiogram_dialog import Dialog, DialogManager, StartMode, Window, setup_dialogs
from aiogram_dialog import utils as dialog_utils
from aiogram_dialog.api.entities import stack
from aiogram_dialog.context import intent_middleware
from aiogram_dialog.test_tools import BotClient, MockMessageManager
from aiogram_dialog.test_tools.memory_storage import JsonMemoryStorage
from aiogram_dialog.tools.preview import render_preview_content
from aiogram_dialog.widgets.input import MessageInput, TextInput
from aiogram_dialog.widgets.kbd import Button
from aiogram_dialog.widgets.text import Const

from bot.compat import intent_ids, reply_callbacks
from bot.compat.preview_events import unbound_bot_calls_do_nothing
from dialogs.widgets import TextField

FIXED = "fixed upstream in the installed version: delete {} (see its docstring)"


class CompatSG(StatesGroup):
    first = State()
    second = State()


# --- intent ids ------------------------------------------------------------------------------


def test_intent_ids_still_collide_upstream(monkeypatch):
    monkeypatch.setattr(stack.time, "time", lambda: 1_700_000_000.0)  # one second: 100 values at most
    library = [stack.id_to_str(stack.new_int_id()) for _ in range(101)]
    assert len(set(library)) < len(library), FIXED.format("bot/compat/intent_ids.py")


def test_our_intent_ids_are_unique_and_short():
    ours = {intent_ids.new_id() for _ in range(10_000)}
    assert len(ours) == 10_000
    assert max(len(i) for i in ours) <= 9  # short: intent ids are part of callback_data


def test_install_makes_new_contexts_use_them(monkeypatch):
    monkeypatch.setattr(stack.time, "time", lambda: 1_700_000_000.0)
    intent_ids.install()
    s = stack.Stack()
    ids = {s.push(State("x", group_name="G"), None).id for _ in range(99)}
    assert len(ids) == 99


# --- texts read as reply-keyboard presses ------------------------------------------------------

PERSIAN_WITH_ZWNJ = "کتاب\u200c\u200c"  # "book" and two zero-width non-joiners, as a keyboard may type them


async def typed_texts(text: str) -> list[str]:
    """What a dialog's text input receives when a player types `text` (no reply keyboard shown)."""
    received: list[str] = []

    async def on_text(message, widget, manager: DialogManager) -> None:
        received.append(message.text)

    async def start(message, dialog_manager: DialogManager) -> None:
        await dialog_manager.start(CompatSG.first, mode=StartMode.RESET_STACK)

    dp = Dispatcher(storage=JsonMemoryStorage())
    dp.include_router(Dialog(Window(Const("Type something"), MessageInput(on_text), state=CompatSG.first),
                             Window(Const("-"), state=CompatSG.second)))
    dp.message.register(start, CommandStart())
    setup_dialogs(dp, message_manager=MockMessageManager())
    client = BotClient(dp)
    await client.send("/start")
    await client.send(text)
    return received


async def test_typed_text_is_still_a_press_upstream(monkeypatch):
    monkeypatch.setattr(intent_middleware, "split_reply_callback", dialog_utils.split_reply_callback)
    assert await typed_texts(PERSIAN_WITH_ZWNJ) == [], FIXED.format("bot/compat/reply_callbacks.py")
    with pytest.raises(UnicodeDecodeError):  # 0xFF is no UTF-8: the middleware itself fails
        dialog_utils.split_reply_callback("x" + dialog_utils.REPLY_CALLBACK_SYMBOLS[15] * 2)


async def test_with_the_workaround_a_text_is_text(monkeypatch):
    monkeypatch.setattr(intent_middleware, "split_reply_callback", dialog_utils.split_reply_callback)
    reply_callbacks.install()  # undone by monkeypatch afterwards
    assert await typed_texts(PERSIAN_WITH_ZWNJ) == [PERSIAN_WITH_ZWNJ]
    assert await typed_texts("x" + dialog_utils.REPLY_CALLBACK_SYMBOLS[15] * 2) == ["x\U0001d17a\U0001d17a"]


# --- the preview's presses ---------------------------------------------------------------------


def answering_router() -> Router:
    """One button whose handler answers (a toast) before it moves on."""

    async def on_click(callback, button, manager: DialogManager) -> None:
        await callback.answer("Saved")
        await manager.switch_to(CompatSG.second)

    router = Router()
    router.include_router(Dialog(Window(Const("First"), Button(Const("Save"), id="save", on_click=on_click),
                                        state=CompatSG.first),
                                 Window(Const("Second"), state=CompatSG.second)))
    return router


def first_window(page: str) -> str:
    return page.split(f'id="{CompatSG.first.state}"', 1)[1].split(f'id="{CompatSG.second.state}"', 1)[0]


async def test_preview_presses_still_have_no_bot_upstream():
    page = await render_preview_content(answering_router(), simulate_events=True)
    assert f'href="#{CompatSG.second.state}"' not in first_window(page), FIXED.format("bot/compat/preview_events.py")


async def test_in_the_preview_an_answer_does_nothing_and_the_jump_is_kept():
    original = TelegramMethod.__await__
    with unbound_bot_calls_do_nothing():
        page = await render_preview_content(answering_router(), simulate_events=True)
    assert f'href="#{CompatSG.second.state}"' in first_window(page)
    assert TelegramMethod.__await__ is original


# --- CombinedInput.find (the workaround is dialogs.widgets.TextField) -----------------------------


async def ignore(message, widget, manager) -> None:
    pass


def test_combined_input_still_hides_its_inputs_upstream():
    window = Window(Const("-"), TextInput(id="name"), MessageInput(ignore), state=CompatSG.first)
    assert window.find("name") is None, FIXED.format("dialogs.widgets.TextField (use TextInput + MessageInput)")


def test_a_text_field_alone_is_found():
    field = TextField(id="name")
    assert Window(Const("-"), field, state=CompatSG.first).find("name") is field
