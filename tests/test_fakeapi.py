"""The fake Telegram Bot API server, driven by a real aiogram Bot."""

from __future__ import annotations

import asyncio
import json
import os
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest
from aiogram import Bot, Dispatcher, F
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError, TelegramRetryAfter
from aiogram.types import BotCommand, CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

from bot.devtools.fakeapi import ALLOWED_NEWER, BENIGN_ERRORS, FakeTelegram, SpecNotFoundError
from bot.devtools.fakeapi import spec as fakespec
from bot.devtools.fakeapi.server import _HANDLERS

TOKEN = "123456:ABC"


class _Session(AiohttpSession):
    """AiohttpSession without its 250 ms sleep on close (keeps the tests fast)."""

    async def close(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()


def make_bot(tg: FakeTelegram, **defaults) -> Bot:
    session = _Session(api=TelegramAPIServer.from_base(tg.base_url))
    return Bot(TOKEN, session=session, default=DefaultBotProperties(**defaults) if defaults else None)


def run_polling(dp: Dispatcher, bot: Bot) -> Callable[[], None]:
    """Poll in a thread with its own loop (as the bot subprocess would); returns a stopper."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_until_complete, args=(
        dp.start_polling(bot, handle_signals=False, polling_timeout=1),))
    thread.start()

    def stop() -> None:
        # not .result(): start_polling returning ends run_until_complete before stop_polling resumes
        asyncio.run_coroutine_threadsafe(dp.stop_polling(), loop)
        thread.join(5)
        loop.close()
        assert not thread.is_alive()
    return stop


def keyboard(*rows: list[tuple[str, str]]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[
        [InlineKeyboardButton(text=t, callback_data=d) for t, d in row] for row in rows])


def post(tg: FakeTelegram, method: str, token: str = TOKEN, **params) -> tuple[int, dict]:
    data = urllib.parse.urlencode(params).encode()
    try:
        with urllib.request.urlopen(f"{tg.base_url}/bot{token}/{method}", data=data, timeout=5) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


@pytest.fixture
def tg():
    with FakeTelegram(token=TOKEN) as fake:
        yield fake


@pytest.mark.asyncio
async def test_get_me_and_commands(tg):
    async with make_bot(tg) as bot:
        me = await bot.get_me()
        assert (me.id, me.is_bot, me.username, me.first_name) == (123456, True, "carpool_test_bot", "Carpool Test Bot")
        await bot.set_my_commands([BotCommand(command="start", description="Main menu")])
        assert [c.command for c in await bot.get_my_commands()] == ["start"]
        assert tg.commands() == [{"command": "start", "description": "Main menu"}]
        with pytest.raises(TelegramBadRequest, match="BOT_COMMAND_INVALID"):
            await bot.set_my_commands([BotCommand(command="Start Now", description="x")])
        await bot.delete_my_commands()
        assert await bot.get_my_commands() == []
        assert (await bot.get_webhook_info()).url == ""
    assert [r.method for r in tg.requests][:2] == ["getMe", "setMyCommands"]
    assert len(tg.rejected()) == 1


@pytest.mark.asyncio
async def test_send_message_with_keyboard_shows_on_screen(tg):
    ann = tg.user(1001, first_name="Ann")
    async with make_bot(tg, parse_mode="HTML") as bot:
        sent = await bot.send_message(1001, "<b>Trips</b> &amp; rides", reply_markup=keyboard([("Join", "join:7")]))
        assert sent.text == "Trips & rides" and sent.entities[0].type == "bold"
        assert sent.reply_markup.inline_keyboard[0][0].callback_data == "join:7"
    method, params, status = tg.requests[-1]
    assert (method, status, params["chat_id"], params["parse_mode"]) == ("sendMessage", 200, 1001, "HTML")
    screen = ann.screen()
    assert (screen.text, screen.raw_text, screen.buttons) == ("Trips & rides", "<b>Trips</b> &amp; rides", [["Join"]])
    assert screen.message_id == sent.message_id
    assert not tg.rejected()


@pytest.mark.asyncio
async def test_limits_and_html_are_enforced(tg):
    tg.user(1001)
    async with make_bot(tg) as bot:
        with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
            await bot.send_message(1001, "x", reply_markup=keyboard([("Long", "x" * 65)]))
        with pytest.raises(TelegramBadRequest, match="message is too long"):
            await bot.send_message(1001, "x" * 4097)
        await bot.send_message(1001, "<i>" + "x" * 4096 + "</i>", parse_mode="HTML")  # tags do not count
        with pytest.raises(TelegramBadRequest, match="can't parse entities"):
            await bot.send_message(1001, "Bob <3 rides", parse_mode="HTML")  # unescaped user text
        with pytest.raises(TelegramBadRequest, match="can't parse entities"):
            await bot.send_message(1001, "<b>open", parse_mode="HTML")
        with pytest.raises(TelegramBadRequest, match="Text buttons are unallowed"):
            await bot.send_message(1001, "x", reply_markup={"inline_keyboard": [[{"text": "no action"}]]})
        with pytest.raises(TelegramBadRequest, match="exactly one"):
            await bot.send_message(1001, "x", reply_markup={"inline_keyboard": [[
                {"text": "two", "callback_data": "a", "url": "https://example.org"}]]})
    assert len(tg.rejected()) == 6


def test_unknown_parameter_method_and_token_are_rejected(tg):
    tg.user(1001)
    assert post(tg, "sendMessage", chat_id=1001, text="hi", colour="red") == (
        400, {"ok": False, "error_code": 400, "description": "Bad Request: unknown parameter colour"})
    assert post(tg, "sendMessage", chat_id=1001)[1]["description"] == "Bad Request: message text is empty"
    assert post(tg, "sendTelepathy", chat_id=1001) == (
        404, {"ok": False, "error_code": 404, "description": "Not Found: method not found"})
    assert post(tg, "getMe", token="999:XYZ")[0] == 401
    # required parameters are checked for every method the spec describes, implemented or not yet
    assert post(tg, "pinChatMessage", chat_id=1001)[1]["description"] == "Bad Request: message_id is empty"
    assert post(tg, "banChatMember", chat_id=-100, user_id=1)[1]["description"] == (
        "Bad Request: method not supported by fake")
    assert post(tg, "sendmessage", chat_id=1001, text="case-insensitive")[0] == 200
    assert [r.method for r in tg.rejected()] == ["sendMessage", "sendMessage", "sendTelepathy", "pinChatMessage",
                                                 "banChatMember"]


@pytest.mark.asyncio
async def test_edit_not_modified_and_not_found(tg):
    ann = tg.user(1001)
    async with make_bot(tg) as bot:
        msg = await bot.send_message(1001, "Seats: 3", reply_markup=keyboard([("Join", "join")]))
        with pytest.raises(TelegramBadRequest, match="message is not modified: specified new message content"):
            await bot.edit_message_text("Seats: 3", chat_id=1001, message_id=msg.message_id,
                                        reply_markup=keyboard([("Join", "join")]))
        edited = await bot.edit_message_text("Seats: 2", chat_id=1001, message_id=msg.message_id)
        assert edited.edit_date and edited.reply_markup is None  # no reply_markup: the keyboard goes
        assert (ann.screen().text, ann.screen().buttons, ann.screen().edits) == ("Seats: 2", [], 1)
        with pytest.raises(TelegramBadRequest, match="message is not modified"):
            await bot.edit_message_reply_markup(chat_id=1001, message_id=msg.message_id)
        with pytest.raises(TelegramBadRequest, match="message to edit not found"):
            await bot.edit_message_text("x", chat_id=1001, message_id=999)
        assert await bot.delete_message(1001, msg.message_id)
        assert ann.screen() is None
        with pytest.raises(TelegramBadRequest, match="message to delete not found"):
            await bot.delete_message(1001, msg.message_id)


@pytest.mark.asyncio
async def test_fault_injection_retry_after_and_rate_limit(tg):
    tg.user(1001), tg.user(1002)
    async with make_bot(tg) as bot:
        tg.fail_next("sendMessage", 429, retry_after=7)
        with pytest.raises(TelegramRetryAfter) as caught:
            await bot.send_message(1001, "hi")
        assert caught.value.retry_after == 7
        await bot.send_message(1001, "hi")  # only the next call failed
        assert not tg.rejected()  # injected faults are not the bot's fault

        tg.rate_limit(global_per_sec=30, per_chat_per_sec=1)
        await bot.send_message(1001, "one")
        await bot.send_message(1002, "other chat")
        with pytest.raises(TelegramRetryAfter) as caught:
            await bot.send_message(1001, "two")
        assert caught.value.retry_after == 1
        tg.rate_limit(None, None, None)
        await bot.send_message(1001, "three")

        tg.delay("getMe", 0.3)
        started = time.monotonic()
        await bot.get_me()
        assert time.monotonic() - started >= 0.3


@pytest.mark.asyncio
async def test_blocked_and_unknown_users_are_forbidden(tg):
    ann = tg.user(1001)
    async with make_bot(tg) as bot:
        with pytest.raises(TelegramForbiddenError):
            await bot.send_message(4242, "never pressed /start")
        ann.block_bot()
        with pytest.raises(TelegramForbiddenError, match="bot was blocked by the user"):
            await bot.send_message(1001, "hi")
        [update] = await bot.get_updates(allowed_updates=["my_chat_member"])
        assert update.my_chat_member.new_chat_member.status == "kicked"
        ann.unblock_bot()
        await bot.send_message(1001, "welcome back")
        tg.group(-100777, "Club")
        tg.set_member_status(-100777, 1001, "administrator")
        assert (await bot.get_chat_member(-100777, 1001)).status == "administrator"
        assert (await bot.get_chat_member(-100777, 1002)).status == "member"
        assert (await bot.get_chat(1001)).type == "private"


@pytest.mark.asyncio
async def test_get_updates_long_polls_and_confirms_by_offset(tg):
    ann = tg.user(1001, first_name="Ann", username="ann")
    async with make_bot(tg) as bot:
        threading.Timer(0.2, ann.send, args=("/start now",)).start()
        started = time.monotonic()
        [update] = await bot.get_updates(timeout=5)
        assert 0.15 < time.monotonic() - started < 2
        assert update.update_id == 1 and update.message.text == "/start now"
        assert update.message.from_user.username == "ann" and update.message.chat.id == 1001
        assert [(e.type, e.offset, e.length) for e in update.message.entities] == [("bot_command", 0, 6)]
        assert await bot.get_updates(offset=update.update_id + 1, timeout=0) == []
        assert tg.pending_updates == []
        ann.send("again")
        [update] = await bot.get_updates(offset=update.update_id + 1, timeout=1)
        assert update.update_id == 2


@pytest.mark.asyncio
async def test_press_checks_the_button_is_still_there(tg):
    ann = tg.user(1001)
    async with make_bot(tg) as bot:
        msg = await bot.send_message(1001, "Trip", reply_markup=keyboard([("Join", "join"), ("Leave", "leave")]))
        old = ann.screen()
        cb_id = ann.press("Jo")  # a unique substring is enough
        [update] = await bot.get_updates()
        assert update.callback_query.data == "join" and update.callback_query.message.message_id == msg.message_id
        assert tg.unanswered_callbacks() == [cb_id]
        await bot.answer_callback_query(cb_id, text="Joined")
        assert tg.callback_answer(cb_id) == {"text": "Joined"}
        with pytest.raises(TelegramBadRequest, match="query is too old"):
            await bot.answer_callback_query(cb_id)  # a query is answered once
        with pytest.raises(TelegramBadRequest, match="MESSAGE_TOO_LONG"):
            await bot.answer_callback_query(ann.press("Leave"), text="x" * 201)

        await bot.edit_message_reply_markup(chat_id=1001, message_id=msg.message_id,
                                            reply_markup=keyboard([("Leave", "leave")]))
        with pytest.raises(AssertionError, match="stale button"):
            ann.press("Join", message=old)
        with pytest.raises(AssertionError, match="no button"):
            ann.press("Join")
        forced = ann.press("Join", message=old, force=True)
        assert tg.pending_updates[-1]["callback_query"]["id"] == forced


def test_dispatcher_echo_against_the_fake(tg):
    """The e2e pattern: the bot runs elsewhere (here a thread), the test drives it synchronously."""
    ann = tg.user(1001)
    dp = Dispatcher()

    @dp.message(F.text)
    async def echo(message: Message) -> None:
        await message.reply(message.text, reply_markup=keyboard([("Again", "again")]))

    @dp.callback_query()
    async def on_press(query: CallbackQuery) -> None:
        await query.answer()
        await query.message.edit_text(f"pressed {query.data}")

    stop = run_polling(dp, make_bot(tg, parse_mode="HTML", link_preview_is_disabled=True))
    try:
        ann.send("hello")
        assert ann.wait_screen("hello", timeout=5).buttons == [["Again"]]
        cb_id = ann.press("Again")
        ann.wait_screen(lambda s: s.text == "pressed again", timeout=5)
        assert tg.callback_answer(cb_id) == {}
        sent = tg.wait_for_request("sendMessage")
        # aiogram sends the legacy disable_web_page_preview next to link_preview_options
        assert sent.params["disable_web_page_preview"] is True and "link_preview_options" in sent.params
        assert sent.params["reply_parameters"]["message_id"] == 1
        with pytest.raises(AssertionError, match="did not match 'nothing'"):
            ann.wait_screen("nothing", timeout=0.1)
    finally:
        stop()
    assert not tg.rejected(), tg.describe_requests()


def test_aiogram_dialog_flow_against_the_fake(tg):
    """aiogram-dialog works against the fake, and provokes (and handles) "message is not modified"."""
    from aiogram.filters import CommandStart
    from aiogram.fsm.state import State, StatesGroup
    from aiogram_dialog import Dialog, DialogManager, StartMode, Window, setup_dialogs
    from aiogram_dialog.widgets.input import MessageInput
    from aiogram_dialog.widgets.kbd import Button
    from aiogram_dialog.widgets.text import Const, Format

    class TripSG(StatesGroup):
        destination = State()
        confirm = State()

    async def on_destination(message: Message, widget, manager: DialogManager) -> None:
        manager.dialog_data["to"] = message.text
        await manager.switch_to(TripSG.confirm)

    async def getter(dialog_manager: DialogManager, **kwargs) -> dict:
        return {"to": dialog_manager.dialog_data.get("to")}

    dp = Dispatcher()
    dp.include_router(Dialog(
        Window(Const("Where to?"), MessageInput(on_destination), state=TripSG.destination),
        Window(Format("Going to {to}"), Button(Const("OK"), id="ok"), state=TripSG.confirm, getter=getter)))
    setup_dialogs(dp)

    @dp.message(CommandStart())
    async def start(message: Message, dialog_manager: DialogManager) -> None:
        await dialog_manager.start(TripSG.destination, mode=StartMode.RESET_STACK)

    ann = tg.user(1001)
    stop = run_polling(dp, make_bot(tg))
    try:
        ann.send("/start")
        ann.wait_screen("Where to?", timeout=5)
        ann.send("Paris")
        assert ann.wait_screen("Going to Paris", timeout=5).buttons == [["OK"]]
        cb_id = ann.press("OK")
        tg.wait_for_request("answerCallbackQuery", timeout=5)
        assert tg.callback_answer(cb_id) == {}
    finally:
        stop()
    # removing the keyboard of the keyboard-less "Where to?" message, re-rendering an unchanged window
    assert {r.method for r in tg.rejected()} == {"editMessageReplyMarkup", "editMessageText"}
    assert not tg.rejected(ignore=BENIGN_ERRORS)


def test_allowed_newer_covers_what_aiogram_can_send():
    """Every parameter aiogram's model of an implemented method has is in api.json or ALLOWED_NEWER."""
    import aiogram.methods

    spec = fakespec.require_spec()
    models = {m.__api_method__: m for m in vars(aiogram.methods).values()
              if isinstance(m, type) and hasattr(m, "__api_method__")}
    for method in _HANDLERS.keys() | {"getUpdates"}:
        unknown = set(models[method].model_fields) - spec.allowed_params(method)
        assert not unknown, f"{method}: add {unknown} to ALLOWED_NEWER"
    assert set(ALLOWED_NEWER) <= set(_HANDLERS)


def test_spec_path_errors_are_clear(monkeypatch, tmp_path):
    monkeypatch.setenv(fakespec.SPEC_ENV, str(tmp_path / "missing.json"))
    with pytest.raises(SpecNotFoundError, match="CARPOOL_BOT_API_SPEC"):
        fakespec.find_spec_path()
    monkeypatch.delenv(fakespec.SPEC_ENV)
    assert fakespec.find_spec_path() == FAKEAPI / "botapi.json"


# --- the Bot API description lives in the repository (issue #17, item 10) ------------------------

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
FAKEAPI = ROOT / "bot" / "devtools" / "fakeapi"


def test_the_spec_comes_from_inside_the_repository():
    """A fresh clone has nothing beside it: the fake's spec is bot/devtools/fakeapi/botapi.json, with its notice."""
    spec = fakespec.require_spec()
    assert spec.path.resolve().is_relative_to(FAKEAPI)
    notice = (FAKEAPI / "NOTICE.md").read_text()
    assert spec.version in notice and "MIT" in notice and "PaulSonOfLars/telegram-bot-api-spec" in notice


def test_nothing_reads_outside_the_repository():
    """No file of the repository points at the shared folder beside the clone."""
    shared = re.compile("|".join([r"\.\./" + "shared", "shared" + r"""["'/, ]+telegram-bot-api"""]))
    skip = {".git", ".venv", "node_modules", ".pytest_cache", ".hypothesis", "__pycache__"}
    hits = []
    for folder, dirs, files in os.walk(ROOT):
        dirs[:] = [d for d in dirs if d not in skip]
        for path in (Path(folder) / name for name in files):
            if path.suffix not in {".png", ".sqlite3"}:
                text = path.read_text(errors="ignore")
                hits += [f"{path.relative_to(ROOT)}: {m.group(0)}" for m in shared.finditer(text)]
    assert not hits


def test_bundled_spec_describes_every_implemented_method_and_only_what_they_reach():
    from bot.devtools.fakeapi import trim_spec

    spec = fakespec.require_spec()
    assert _HANDLERS.keys() | {"getUpdates"} <= set(spec.methods), "add it to trim_spec.METHODS and regenerate"
    bundled = json.loads(trim_spec.TRIMMED.read_text())
    assert set(bundled["methods"]) == set(trim_spec.METHODS)
    assert trim_spec.dump(trim_spec.trim(bundled)) == trim_spec.TRIMMED.read_text()  # closed: nothing missing
    assert {"InlineKeyboardButton", "ChatMemberAdministrator", "InlineQueryResultArticle"} <= set(spec.types)
    assert "sendPhoto" in bundled["other_methods"] and "StickerSet" not in spec.types


async def test_a_delayed_request_counts_as_arrived_before_its_answer(tg):
    """wait_arrived() tells a test the bot is waiting on Telegram (no sleep needed to land there)."""
    tg.user(1001)
    tg.delay("sendMessage", 0.5)
    async with make_bot(tg) as bot:
        sending = asyncio.create_task(bot.send_message(1001, "slow"))
        await asyncio.to_thread(tg.wait_arrived, "sendMessage", 1, 5)
        assert tg.arrived("sendMessage") == 1 and not sending.done()
        assert not [r for r in tg.requests if r.method == "sendMessage"]  # in flight: not answered yet
        await sending
    assert [r.status for r in tg.requests if r.method == "sendMessage"] == [200]
    with pytest.raises(AssertionError, match="arrived 1x, not 2x"):
        tg.wait_arrived("sendMessage", 2, timeout=0.1)
