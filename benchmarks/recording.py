"""A Bot whose session does everything the real one does except the network, and
simulated Telegram users that build updates from what the bot "sent".

`RecordingSession` is aiogram's own `AiohttpSession` with `make_request` cut short:
it still builds the multipart form (the real serialization cost), yields to the event
loop once (a real request always does), answers with the JSON Telegram would send and
parses it through `check_response` (the real deserialization cost). It keeps each
chat's messages, so a `SimUser` can press the buttons of the window on its screen.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from typing import Any

from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.enums import ParseMode
from aiogram.methods import (
    AnswerCallbackQuery,
    DeleteMessage,
    EditMessageReplyMarkup,
    EditMessageText,
    GetMe,
    SendMessage,
    TelegramMethod,
)
from aiogram.types import CallbackQuery, Update

TOKEN = "123456:BENCH-token-for-the-recording-session-00"
BOT_ID = 123456
BOT_USER = {"id": BOT_ID, "is_bot": True, "first_name": "Carpool", "username": "carpool_bench_bot"}


def _markup(value: Any) -> dict | None:
    if value is None:
        return None
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json", exclude_none=True)
    return value


class RecordingSession(AiohttpSession):
    """No network: serialize the request, record it, answer like Telegram, parse the answer."""

    def __init__(self) -> None:
        super().__init__()
        self.calls = 0
        self.by_method: dict[str, int] = {}
        self.chats: dict[int, dict[int, dict]] = {}  # chat id -> message id -> Message JSON
        self._ids = itertools.count(1000)
        self.update_ids = itertools.count(1)
        self.alerts: dict[str, str] = {}  # user id (as text) -> the last callback answer with a text

    async def make_request(self, bot: Bot, method: TelegramMethod, timeout: int | None = None) -> Any:
        self.build_form_data(bot=bot, method=method)  # what AiohttpSession would put on the wire
        self.calls += 1
        name = method.__api_method__
        self.by_method[name] = self.by_method.get(name, 0) + 1
        raw = json.dumps({"ok": True, "result": self._answer(method)}, ensure_ascii=False)
        await asyncio.sleep(0)  # the real session awaits the network here
        response = self.check_response(bot=bot, method=method, status_code=200, content=raw)
        return response.result

    async def close(self) -> None:  # nothing to close (the aiohttp session is never created)
        return None

    # ------------------------------------------------------------------ answers
    def _message(self, chat_id: int, message_id: int, text: str, reply_markup: Any) -> dict:
        msg = {
            "message_id": message_id,
            "from": BOT_USER,
            "chat": {"id": chat_id, "type": "private", "first_name": f"U{chat_id}"},
            "date": int(time.time()),
            "text": text,
        }
        markup = _markup(reply_markup)
        if markup and markup.get("inline_keyboard"):
            msg["reply_markup"] = markup
        return msg

    def _answer(self, method: TelegramMethod) -> Any:
        if isinstance(method, SendMessage):
            chat_id = int(method.chat_id)
            msg = self._message(chat_id, next(self._ids), method.text, method.reply_markup)
            self.chats.setdefault(chat_id, {})[msg["message_id"]] = msg
            return msg
        if isinstance(method, (EditMessageText, EditMessageReplyMarkup)):
            chat_id = int(method.chat_id)
            old = self.chats.setdefault(chat_id, {}).get(method.message_id)
            text = method.text if isinstance(method, EditMessageText) else (old or {}).get("text", "")
            msg = self._message(chat_id, method.message_id, text, method.reply_markup)
            self.chats[chat_id][method.message_id] = msg
            return msg
        if isinstance(method, DeleteMessage):
            self.chats.get(int(method.chat_id), {}).pop(method.message_id, None)
            return True
        if isinstance(method, GetMe):
            return BOT_USER
        if isinstance(method, AnswerCallbackQuery):
            if method.text:
                self.alerts[method.callback_query_id.split("-", 1)[0]] = method.text
            return True
        return True  # setMyCommands, deleteWebhook, …

    # ------------------------------------------------------------------ what a chat shows
    def last_message(self, chat_id: int) -> dict | None:
        msgs = self.chats.get(chat_id)
        return msgs[max(msgs)] if msgs else None

    def screen(self, chat_id: int) -> dict | None:
        """The newest message with an inline keyboard: the dialog window the user sees."""
        msgs = self.chats.get(chat_id) or {}
        for mid in sorted(msgs, reverse=True):
            if msgs[mid].get("reply_markup"):
                return msgs[mid]
        return None


def make_bot(session: RecordingSession | None = None, like: Bot | None = None) -> Bot:
    """A Bot on a recording session. `like`: a Bot made by `bot.app.create_bot`, whose
    defaults and request middlewares (e.g. retries) are copied, so requests take the same path."""
    session = session or RecordingSession()
    if like is not None:
        session.middleware = like.session.middleware
        return Bot(token=like.token, session=session, default=like.default)
    return Bot(token=TOKEN, session=session, default=DefaultBotProperties(parse_mode=ParseMode.HTML))


class ButtonNotFound(LookupError):
    pass


class SimUser:
    """One Telegram user in a private chat with the bot (chat id == user id)."""

    def __init__(self, session: RecordingSession, user_id: int, first_name: str = "", username: str | None = None):
        self.session = session
        self.id = user_id
        self.user = {"id": user_id, "is_bot": False, "first_name": first_name or f"User{user_id}",
                     "language_code": "en"}
        if username:
            self.user["username"] = username
        self.chat = {"id": user_id, "type": "private", "first_name": self.user["first_name"]}
        self._message_ids = itertools.count(1)

    def message(self, text: str) -> Update:
        return Update.model_validate({
            "update_id": next(self.session.update_ids),
            "message": {"message_id": next(self._message_ids), "from": self.user, "chat": self.chat,
                        "date": int(time.time()), "text": text},
        })

    def buttons(self) -> list[str]:
        screen = self.session.screen(self.id)
        if not screen:
            return []
        return [b["text"] for row in screen["reply_markup"]["inline_keyboard"] for b in row]

    def text(self) -> str:
        """The text of the newest bot message in the chat."""
        msg = self.session.last_message(self.id)
        return msg["text"] if msg else ""

    def screen_text(self) -> str:
        screen = self.session.screen(self.id)
        return screen["text"] if screen else ""

    def click(self, text: str | None = None, *, prefix: str | None = None, index: int = 0) -> Update:
        """A press on the button whose text is `text` (or the `index`-th starting with `prefix`)."""
        screen = self.session.screen(self.id)
        if screen is None:
            raise ButtonNotFound(f"user {self.id} has no window on screen")
        flat = [b for row in screen["reply_markup"]["inline_keyboard"] for b in row]
        if text is not None:
            found = [b for b in flat if b["text"] == text]
        else:
            found = [b for b in flat if b["text"].startswith(prefix or "")]
        if len(found) <= index:
            raise ButtonNotFound(f"no button {text or prefix!r} on screen of user {self.id}: "
                                 f"{[b['text'] for b in flat]}")
        callback = CallbackQuery.model_validate({
            "id": f"{self.id}-{next(self.session.update_ids)}", "from": self.user, "chat_instance": str(self.id),
            "data": found[index]["callback_data"], "message": screen,
        })
        return Update(update_id=next(self.session.update_ids), callback_query=callback)

    def has_button(self, text: str) -> bool:
        return text in self.buttons()


__all__ = ["BOT_ID", "TOKEN", "ButtonNotFound", "RecordingSession", "SimUser", "make_bot"]
