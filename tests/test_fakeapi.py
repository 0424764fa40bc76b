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


# --- the club's group chat and inline mode (issue #20) -------------------------------------------

CLUB = -1001234567890
BOT_ID = int(TOKEN.split(":")[0])
JOIN_URL = "https://t.me/carpool_test_bot?start=trip_3"


async def updates_of(bot: Bot, *kinds: str) -> list:
    """Take (and confirm) every pending update; return the payloads of those of ``kinds`` (message,
    my_chat_member, ...), in order."""
    updates = await bot.get_updates(timeout=0)
    if updates:
        await bot.get_updates(offset=updates[-1].update_id + 1, timeout=0)
    return [payload for u in updates for kind in kinds if (payload := getattr(u, kind)) is not None]


def card(text: str = "<b>Riverside</b>, Sat 10:00", result_id: str = "trip_3", **extra) -> dict:
    """An inline result as the bot would answer it: an article with a Join URL button."""
    return {"type": "article", "id": result_id, "title": "Riverside",
            "input_message_content": {"message_text": text, "parse_mode": "HTML"},
            "reply_markup": {"inline_keyboard": [[{"text": "🙋 Join", "url": JOIN_URL}]]}, **extra}


@pytest.mark.asyncio
async def test_the_bots_membership_and_rights_in_a_group(tg):
    ann = tg.user(1001, "Ann")
    tg.group(CLUB, "Club", bot_status="administrator", can_pin_messages=True)
    tg.set_member_status(CLUB, ann.id, "creator")
    with pytest.raises(ValueError, match="can_fly"):
        tg.group(CLUB, can_fly=True)
    with pytest.raises(ValueError, match="no right of a chat member whose status is 'member'"):
        tg.set_member_status(CLUB, 1002, "member", can_pin_messages=True)
    async with make_bot(tg) as bot:
        me = await bot.get_chat_member(CLUB, BOT_ID)
        assert (me.status, me.can_pin_messages, me.can_manage_chat, me.can_delete_messages) == (
            "administrator", True, True, False)
        admins = await bot.get_chat_administrators(CLUB)
        assert [(a.user.id, a.status) for a in admins] == [(1001, "creator"), (BOT_ID, "administrator")]
        sent = await bot.send_message(CLUB, "Rides this week")
        assert (sent.chat.type, sent.chat.title) == ("supergroup", "Club")

        assert tg.set_bot_rights(CLUB, "member") is not None  # demoted by Ann, the owner
        assert tg.set_bot_rights(CLUB, "member") is None  # nothing changed: no update
        [update] = await updates_of(bot, "my_chat_member")
        assert (update.from_user.id, update.chat.id) == (1001, CLUB)
        assert (update.old_chat_member.status, update.old_chat_member.can_pin_messages) == ("administrator", True)
        assert update.new_chat_member.status == "member"
        assert tg.bot_member(CLUB)["status"] == "member"

        tg.set_bot_rights(CLUB, "kicked")
        with pytest.raises(TelegramForbiddenError, match="bot was kicked from the supergroup chat"):
            await bot.send_message(CLUB, "still here?")
        with pytest.raises(TelegramForbiddenError, match="bot was kicked from the supergroup chat"):
            await bot.edit_message_text("edited", chat_id=CLUB, message_id=sent.message_id)
        with pytest.raises(TelegramForbiddenError, match="kicked"):
            await bot.get_chat_member(CLUB, 1001)
        tg.set_bot_rights(CLUB, "left")
        with pytest.raises(TelegramForbiddenError, match="bot is not a member of the supergroup chat"):
            await bot.send_message(CLUB, "still here?")
        assert [u.new_chat_member.status for u in await updates_of(bot, "my_chat_member")] == ["kicked", "left"]

        tg.set_bot_rights(CLUB, "member", by=1002)  # added back, by Bob: a service message too
        [added] = await updates_of(bot, "message")
        assert [u.id for u in added.new_chat_members] == [BOT_ID] and added.from_user.id == 1002
        assert "added Carpool Test Bot" in tg.chat_history(CLUB)[-1].text
        await bot.send_message(CLUB, "back")
        with pytest.raises(TelegramBadRequest, match="chat not found"):
            await bot.send_message(-100999, "no such group")
        with pytest.raises(TelegramBadRequest, match="there are no administrators in the private chat"):
            await bot.get_chat_administrators(1001)
    assert [m.text for m in tg.chat_messages(CLUB)] == ["Rides this week", "back"]


@pytest.mark.asyncio
async def test_a_restricted_bot_and_one_without_an_admin_named(tg):
    tg.group(CLUB, "Club", username="carpool_club", bot_status="restricted", can_send_messages=False)
    async with make_bot(tg) as bot:
        with pytest.raises(TelegramBadRequest, match="not enough rights to send text messages to the chat"):
            await bot.send_message("@carpool_club", "hi")
        tg.set_bot_rights(CLUB, can_send_messages=True)  # only the rights change
        assert (await bot.send_message("@carpool_club", "hi")).chat.id == CLUB
        [update] = await updates_of(bot, "my_chat_member")
        assert update.from_user.username == "GroupAnonymousBot"  # no admin registered: the anonymous one
        assert (update.old_chat_member.can_send_messages, update.new_chat_member.can_send_messages) == (False, True)


@pytest.mark.asyncio
async def test_pins_need_the_right_and_leave_a_service_message(tg):
    tg.group(CLUB, "Club", bot_status="administrator", can_pin_messages=True)
    async with make_bot(tg) as bot:
        board = await bot.send_message(CLUB, "Rides this week")
        post = await bot.send_message(CLUB, "Riverside, Sat 10:00")
        assert await bot.pin_chat_message(CLUB, board.message_id, disable_notification=True)
        assert tg.pinned(CLUB) == board.message_id
        service = tg.chat_history(CLUB)[-1]
        assert (service.text, service.service) == ("Carpool Test Bot pinned “Rides this week”",
                                                   {"pinned_message": board.message_id})
        assert [m.message_id for m in tg.chat_messages(CLUB)] == [board.message_id, post.message_id]
        assert await bot.pin_chat_message(CLUB, board.message_id)  # pinned already: no second service message
        assert len(tg.chat_history(CLUB)) == 3
        assert (await bot.get_chat(CLUB)).pinned_message.message_id == board.message_id
        with pytest.raises(TelegramBadRequest, match="message to pin not found"):
            await bot.pin_chat_message(CLUB, 999)
        with pytest.raises(TelegramBadRequest, match="message can't be edited"):
            await bot.edit_message_text("x", chat_id=CLUB, message_id=service.message_id)

        await bot.pin_chat_message(CLUB, post.message_id)
        assert tg.pinned_messages(CLUB) == [board.message_id, post.message_id]
        assert await bot.unpin_chat_message(CLUB)  # the most recent one
        assert tg.pinned(CLUB) == board.message_id
        with pytest.raises(TelegramBadRequest, match="message to unpin not found"):
            await bot.unpin_chat_message(CLUB, message_id=999)
        assert await bot.unpin_all_chat_messages(CLUB) and tg.pinned(CLUB) is None

        tg.set_bot_rights(CLUB, can_pin_messages=False)
        for call in (bot.pin_chat_message(CLUB, board.message_id), bot.unpin_chat_message(CLUB),
                     bot.unpin_all_chat_messages(CLUB)):
            with pytest.raises(TelegramBadRequest) as refused:
                await call
            assert refused.value.message == "Bad Request: not enough rights to manage pinned messages in the chat"
        tg.set_bot_rights(CLUB, "member")
        with pytest.raises(TelegramBadRequest, match="not enough rights to manage pinned messages"):
            await bot.pin_chat_message(CLUB, board.message_id)
        tg.group(CLUB, permissions={"can_pin_messages": True})  # members may pin in this group: so may the bot
        assert await bot.pin_chat_message(CLUB, board.message_id)

        tg.delete_by_admin(CLUB, board.message_id)  # an admin deletes the pinned board
        assert tg.pinned(CLUB) is None
        with pytest.raises(TelegramBadRequest, match="message to edit not found"):
            await bot.edit_message_text("Rides this week (2)", chat_id=CLUB, message_id=board.message_id)
    private = tg.user(1001)
    async with make_bot(tg) as bot:  # in a private chat the bot pins without rights
        hello = await bot.send_message(1001, "hello")
        assert await bot.pin_chat_message(1001, hello.message_id)
        assert private.screen().message_id == hello.message_id  # the service message is not the screen


@pytest.mark.asyncio
async def test_editing_and_deleting_in_a_group(tg):
    ann = tg.user(1001)
    tg.group(CLUB, "Club", bot_status="administrator")
    async with make_bot(tg) as bot:
        post = await bot.send_message(CLUB, "Seats left: 3", reply_markup={"inline_keyboard": [[
            {"text": "🙋 Join", "url": JOIN_URL}]]})
        edited = await bot.edit_message_text("Seats left: 2", chat_id=CLUB, message_id=post.message_id,
                                             reply_markup=post.reply_markup)
        assert edited.edit_date and edited.reply_markup.inline_keyboard[0][0].url == JOIN_URL
        with pytest.raises(TelegramBadRequest, match="message is not modified: specified new message content and "
                                                     "reply markup are exactly the same"):
            await bot.edit_message_text("Seats left: 2", chat_id=CLUB, message_id=post.message_id,
                                        reply_markup=post.reply_markup)
        await bot.edit_message_reply_markup(chat_id=CLUB, message_id=post.message_id)
        assert tg.chat_messages(CLUB)[-1].buttons == []
        chatter = ann.send_in_group(CLUB, "who drives?")
        with pytest.raises(TelegramBadRequest, match="message can't be edited"):
            await bot.edit_message_text("x", chat_id=CLUB, message_id=chatter)
        with pytest.raises(TelegramBadRequest, match="message can't be deleted"):  # an admin without that right
            await bot.delete_message(CLUB, chatter)
        tg.set_bot_rights(CLUB, can_delete_messages=True)
        assert await bot.delete_message(CLUB, chatter)
        assert await bot.delete_message(CLUB, post.message_id)  # its own message
        assert tg.chat_history(CLUB) == []


@pytest.mark.asyncio
async def test_a_groups_flood_limit_counts_sends_and_edits(tg):
    tg.group(CLUB, "Club", bot_status="administrator", can_pin_messages=True)
    tg.rate_limit(global_per_sec=None, per_chat_per_sec=None, per_group_per_min=20)
    started = time.monotonic()
    async with make_bot(tg) as bot:
        post = await bot.send_message(CLUB, "Seats left: 0")
        for seats in range(1, 20):  # 1 send + 19 edits: the group's 20 a minute
            await bot.edit_message_text(f"Seats left: {seats}", chat_id=CLUB, message_id=post.message_id)
        with pytest.raises(TelegramRetryAfter) as caught:
            await bot.edit_message_text("Seats left: 99", chat_id=CLUB, message_id=post.message_id)
        assert 1 <= caught.value.retry_after <= 60
        with pytest.raises(TelegramRetryAfter):
            await bot.send_message(CLUB, "one more")
        tg.user(1001)
        await bot.send_message(1001, "a private chat is not the group")
        assert await bot.pin_chat_message(CLUB, post.message_id)  # pins are no messages of the flood limit
    calls = tg.group_calls(CLUB, since=started)
    assert len(calls) == 23 and [r.status for r in calls].count(429) == 2
    assert {r.method for r in calls} == {"sendMessage", "editMessageText", "pinChatMessage"}
    assert tg.group_calls(CLUB, since=time.monotonic()) == []


@pytest.mark.asyncio
async def test_privacy_mode_decides_which_group_messages_reach_the_bot(tg):
    ann, bob = tg.user(1001, "Ann"), tg.user(1002, "Bob")
    tg.group(CLUB, "Club")
    tg.set_member_status(CLUB, bob.id, "left")
    async with make_bot(tg) as bot:
        assert (await bot.get_me()).can_read_all_group_messages is False
        ann.send_in_group(CLUB, "who drives on Saturday?")
        ann.send_in_group(CLUB, "/board")  # a general command: the bot has not posted here yet
        ann.send_in_group(CLUB, "/board@other_bot")
        ann.send_in_group(CLUB, "/board@carpool_test_bot now")
        [message] = await updates_of(bot, "message")
        assert (message.chat.type, message.from_user.id, message.text) == (
            "supergroup", 1001, "/board@carpool_test_bot now")
        assert [(e.type, e.length) for e in message.entities] == [("bot_command", 23)]

        board = await bot.send_message(CLUB, "Rides this week")
        ann.send_in_group(CLUB, "/board")  # now it has: a general command reaches it
        ann.send_in_group(CLUB, "thanks!", reply_to=board.message_id)
        ann.send_in_group(CLUB, "chatter")
        got = await updates_of(bot, "message")
        assert [m.text for m in got] == ["/board", "thanks!"]
        assert got[1].reply_to_message.message_id == board.message_id
        with pytest.raises(AssertionError, match="not in group"):
            bob.send_in_group(CLUB, "hi")

        tg.set_bot_rights(CLUB, "administrator")  # an admin bot gets every message
        ann.send_in_group(CLUB, "more chatter")
        assert [m.text for m in await updates_of(bot, "message")] == ["more chatter"]
        tg.set_bot_rights(CLUB, "member")
        tg.set_privacy(False)
        assert (await bot.get_me()).can_read_all_group_messages is True
        ann.send_in_group(CLUB, "and more")
        assert [m.text for m in await updates_of(bot, "message")] == ["and more"]
        tg.set_bot_rights(CLUB, "left")
        ann.send_in_group(CLUB, "/board@carpool_test_bot")  # the bot is gone: nothing reaches it
        assert await updates_of(bot, "message") == []
    assert len([m for m in tg.chat_history(CLUB) if not m.from_bot and not m.service]) == 10  # all, seen or not


def test_a_dispatcher_answers_its_group_command_and_notices_its_removal(tg):
    """aiogram's Command filter (the @mention) and my_chat_member handlers, end to end."""
    from aiogram.filters import Command

    ann = tg.user(1001, "Ann")
    tg.group(CLUB, "Club", bot_status="administrator", can_pin_messages=True)
    tg.set_member_status(CLUB, ann.id, "creator")
    removed = threading.Event()
    dp = Dispatcher()

    @dp.message(Command("board"))
    async def board(message: Message) -> None:
        sent = await message.answer("Rides this week")
        await sent.pin(disable_notification=True)

    @dp.my_chat_member()
    async def membership(update) -> None:
        if update.new_chat_member.status in ("left", "kicked"):
            removed.set()

    stop = run_polling(dp, make_bot(tg))
    try:
        ann.send_in_group(CLUB, "/board@carpool_test_bot")
        tg.wait_for_request("pinChatMessage", timeout=5)
        assert tg.pinned(CLUB) == tg.chat_messages(CLUB)[-1].message_id
        tg.set_bot_rights(CLUB, "kicked", by=ann)
        assert removed.wait(5)
    finally:
        stop()
    assert not tg.rejected(), tg.describe_requests()


@pytest.mark.asyncio
async def test_inline_queries_are_answered_checked_and_chosen():
    from aiogram.types import InlineQueryResultArticle, InputTextMessageContent

    with FakeTelegram(token=TOKEN) as tg:
        ann, bob = tg.user(1001, "Ann"), tg.user(1002, "Bob", started=False)
        tg.group(CLUB, "Club")
        async with make_bot(tg, parse_mode="HTML") as bot:
            assert (await bot.get_me()).supports_inline_queries is False  # a new bot
            with pytest.raises(AssertionError, match="inline mode is off"):
                ann.inline_query("riverside")
            tg.set_inline(True, feedback=True)
            assert (await bot.get_me()).supports_inline_queries is True

            query_id = ann.inline_query("riverside", chat_type="supergroup")
            [query] = await updates_of(bot, "inline_query")
            assert (query.id, query.query, query.chat_type, query.from_user.id) == (
                query_id, "riverside", "supergroup", 1001)
            article = InlineQueryResultArticle(
                id="trip_3", title="Riverside", description="Sat 10:00 · 2 seats",
                input_message_content=InputTextMessageContent(message_text="<b>Riverside</b>, Sat 10:00"),
                reply_markup={"inline_keyboard": [[{"text": "🙋 Join", "url": JOIN_URL}]]})
            assert await bot.answer_inline_query(query_id, [article], cache_time=5, is_personal=True)
            answer = tg.inline_answer(query_id)
            assert ([r["id"] for r in answer["results"]], answer["cache_time"], answer["is_personal"]) == (
                ["trip_3"], 5, True)
            with pytest.raises(TelegramBadRequest, match="query is too old"):
                await bot.answer_inline_query(query_id, [article])  # answered once

            shared = ann.choose_inline_result(query_id, "trip_3", CLUB)
            assert (shared.text, shared.via_bot, shared.from_bot, shared.buttons) == (
                "Riverside, Sat 10:00", True, False, [["🙋 Join"]])
            assert tg.chat_history(CLUB)[-1] == shared
            # "via @bot" reaches the bot even in privacy mode; inline feedback is on
            posted, chosen = await updates_of(bot, "message", "chosen_inline_result")
            assert posted.via_bot.id == BOT_ID and posted.from_user.id == 1001
            assert (chosen.result_id, chosen.query, chosen.inline_message_id) == (
                "trip_3", "riverside", shared.inline_message_id)
            assert await bot.edit_message_text("<b>Riverside</b>, Sat 10:00 · full", reply_markup=article.reply_markup,
                                               inline_message_id=chosen.inline_message_id) is True
            assert tg.chat_history(CLUB)[-1].text == "Riverside, Sat 10:00 · full"
            with pytest.raises(TelegramBadRequest, match="MESSAGE_ID_INVALID"):
                await bot.edit_message_text("x", inline_message_id="nope")

            with pytest.raises(TelegramForbiddenError, match="can't initiate conversation"):
                await bot.send_message(1002, "Bob has never opened the bot")
            assert bob.press("Join", message=tg.chat_history(CLUB)[-1]) is None  # the URL button
            [start] = await updates_of(bot, "message")
            assert (start.chat.id, start.text) == (1002, "/start trip_3")
            await bot.send_message(1002, "Riverside: join?")  # the chat is open now

            to_bob = ann.inline_query("", chat_type="private")
            await bot.answer_inline_query(to_bob, [article])
            dm = ann.choose_inline_result(to_bob, "trip_3", bob.id)  # a chat between two users: the bot sees none
            assert dm.inline_message_id and dm not in tg.chat_history(1002)
            assert [type(u).__name__ for u in await updates_of(bot, "message", "chosen_inline_result")] == [
                "ChosenInlineResult"]
            with pytest.raises(AssertionError, match="no result 'trip_9'"):
                ann.choose_inline_result(to_bob, "trip_9", CLUB)

            late = ann.inline_query("late")
            tg.inline_answer_timeout = 0
            with pytest.raises(TelegramBadRequest, match="query is too old and response timeout expired"):
                await bot.answer_inline_query(late, [article])
        assert not tg.rejected(ignore=["query is too old", "MESSAGE_ID_INVALID", "can't initiate conversation"])


def test_answer_inline_query_refuses_what_telegram_refuses(tg):
    ann = tg.user(1001)
    tg.set_inline(True)

    def answer(results: list, **params) -> str:
        status, body = post(tg, "answerInlineQuery", inline_query_id=ann.inline_query("x"),
                            results=json.dumps(results), **params)
        return "ok" if status == 200 else body["description"]

    assert answer([card(result_id=f"r{i}") for i in range(50)]) == "ok"
    assert answer([card(result_id=f"r{i}") for i in range(51)]) == "Bad Request: RESULTS_TOO_MUCH"
    assert answer([card(), card()]) == "Bad Request: RESULT_ID_DUPLICATE"
    assert answer([card(result_id="x" * 65)]) == "Bad Request: RESULT_ID_INVALID"
    assert answer([card(result_id="ж" * 33)]) == "Bad Request: RESULT_ID_INVALID"  # 66 bytes
    assert answer([card(type="telepathy")]) == "Bad Request: RESULT_TYPE_INVALID"
    no_title = card()
    del no_title["title"]
    assert answer([no_title]) == "Bad Request: can't parse inline query result: Can't find field \"title\""
    assert answer([card(text="Bob <3 rides")]).startswith("Bad Request: can't parse entities")
    assert answer([card(reply_markup={"inline_keyboard": [[{"text": "x", "callback_data": "y" * 65}]]})]) == (
        "Bad Request: BUTTON_DATA_INVALID")
    assert answer([card()], button=json.dumps({"text": "Open the bot", "start_parameter": "trip 3"})) == (
        "Bad Request: START_PARAM_INVALID")
    assert answer([card()], button=json.dumps({"text": "Open the bot", "start_parameter": "trip_3"})) == "ok"
    assert answer([card()], next_offset="x" * 65) == "Bad Request: NEXT_OFFSET_INVALID"
    assert answer([], switch_pm_text="Open the bot", switch_pm_parameter="start") == "ok"  # the legacy pair
    status, body = post(tg, "answerInlineQuery", inline_query_id="404", results="[]")
    assert body["description"] == "Bad Request: query is too old and response timeout expired or query ID is invalid"


@pytest.mark.asyncio
async def test_url_and_switch_inline_buttons(tg):
    ann = tg.user(1001, "Ann")
    share = {"query": "trip_3", "allow_group_chats": True, "allow_user_chats": True}
    markup = {"inline_keyboard": [
        [{"text": "🙋 Join", "url": JOIN_URL}, {"text": "Site", "url": "https://example.org/trip/3"}],
        [{"text": "📣 Share", "switch_inline_query_chosen_chat": share},
         {"text": "Forward", "switch_inline_query": "trip_3"}, {"text": "Here", "switch_inline_query_current_chat": ""}],
        [{"text": "Groups only", "switch_inline_query_chosen_chat": {"query": "x", "allow_channel_chats": False}}]]}
    async with make_bot(tg) as bot:
        wrong = {"inline_keyboard": [[{"text": "Share", "switch_inline_query_chosen_chat": {"allow_group_chats": "yes"}}]]}
        assert post(tg, "sendMessage", chat_id=1001, text="x", reply_markup=json.dumps(wrong))[1]["description"] == (
            "Bad Request: can't parse inline keyboard button: Field \"allow_group_chats\" must be of type Boolean")
        msg = await bot.send_message(1001, "Riverside, Sat 10:00", reply_markup=markup)
        old = ann.screen()
        with pytest.raises(AssertionError, match="inline mode is off"):
            ann.press("Share")
        tg.set_inline(True)
        ids = [ann.press("📣 Share"), ann.press("Share", chat_type="private"), ann.press("Forward", chat_type="group"),
               ann.press("Here")]
        assert len(set(ids)) == 4  # four inline queries
        with pytest.raises(AssertionError, match="lets the user pick no channel"):
            ann.press("📣 Share", chat_type="channel")
        with pytest.raises(AssertionError, match="lets the user pick no chat"):
            ann.press("Groups only")
        queries = await updates_of(bot, "inline_query")
        assert [(q.query, q.chat_type) for q in queries] == [
            ("trip_3", "supergroup"), ("trip_3", "private"), ("trip_3", "group"), ("", "sender")]

        assert ann.press("Site") is None and await updates_of(bot, "message") == []  # a browser opens
        assert ann.press("Join", message=msg.message_id) is None
        [start] = await updates_of(bot, "message")
        assert start.text == "/start trip_3" and [e.type for e in start.entities] == ["bot_command"]
        assert ann.open_url("tg://resolve?domain=Carpool_Test_Bot&start=trip_4")
        assert ann.open_url("https://t.me/carpool_test_bot") is None  # the chat is open already: nothing is sent
        assert ann.open_url("https://t.me/another_bot?start=trip_3") is None
        for payload in ("trip 3", "x" * 65, ""):
            with pytest.raises(AssertionError, match="is not 1-64 characters"):
                ann.open_url(f"https://t.me/carpool_test_bot?start={urllib.parse.quote(payload)}")
        assert [m.text for m in await updates_of(bot, "message")] == ["/start trip_4"]

        await bot.edit_message_reply_markup(chat_id=1001, message_id=msg.message_id)
        with pytest.raises(AssertionError, match="stale button 'Join'"):  # a URL button gone from the message
            ann.press("Join", message=old)


@pytest.mark.asyncio
async def test_command_scopes_and_languages(tg):
    from aiogram.types import (BotCommandScopeAllGroupChats, BotCommandScopeAllPrivateChats, BotCommandScopeChat,
                               BotCommandScopeChatAdministrators)

    ann, ivan = tg.user(1001, "Ann"), tg.user(1002, "Ivan", language_code="ru")
    tg.group(CLUB, "Club")
    tg.set_member_status(CLUB, ann.id, "administrator")

    def commands(*names: str) -> list[BotCommand]:
        return [BotCommand(command=n, description=n.title()) for n in names]

    async with make_bot(tg) as bot:
        await bot.set_my_commands(commands("start"))
        await bot.set_my_commands(commands("start", "trips"), scope=BotCommandScopeAllPrivateChats())
        await bot.set_my_commands(commands("start", "poezdki"), scope=BotCommandScopeAllPrivateChats(),
                                  language_code="ru")
        await bot.set_my_commands(commands("board", "trips", "help"), scope=BotCommandScopeAllGroupChats())
        await bot.set_my_commands(commands("board", "settings"), scope=BotCommandScopeChatAdministrators(chat_id=CLUB))
        assert [c.command for c in await bot.get_my_commands(scope=BotCommandScopeAllGroupChats())] == [
            "board", "trips", "help"]
        with pytest.raises(TelegramBadRequest, match="invalid language code specified"):
            await bot.set_my_commands(commands("start"), language_code="english")
        with pytest.raises(TelegramBadRequest, match="chat not found"):
            await bot.set_my_commands(commands("start"), scope=BotCommandScopeChat(chat_id=-100999))
        await bot.set_my_commands([], scope=BotCommandScopeChat(chat_id=CLUB))  # none: the wider scope shows
    assert post(tg, "setMyCommands", commands='[{"command": "a", "description": "A"}]',
                scope='{"type": "everyone"}')[1]["description"] == "Bad Request: can't parse BotCommandScope JSON object"
    assert post(tg, "setMyCommands", commands='[{"command": "a", "description": "A"}]',
                scope='{"type": "chat"}')[1]["description"] == (
        "Bad Request: can't parse BotCommandScope: Can't find field \"chat_id\"")

    def menu(chat_id: int, user_id: int | None = None) -> list[str]:
        return [c["command"] for c in tg.visible_commands(chat_id, user_id)]

    assert menu(1001) == ["start", "trips"] and menu(1002) == ["start", "poezdki"]
    assert menu(CLUB, ivan.id) == ["board", "trips", "help"]
    assert menu(CLUB, ann.id) == ["board", "settings"]  # the group's admins
    assert tg.commands({"type": "chat_administrators", "chat_id": CLUB})[1]["command"] == "settings"
