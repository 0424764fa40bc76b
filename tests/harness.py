"""Drive the bot's real dispatcher in-process, as several Telegram users.

`DialogEnv` builds the dispatcher with the bot's own factory, aiogram-dialog's
`JsonMemoryStorage` (fails on non-JSON values, as Redis would) and
`MockMessageManager`; each `Player` is a `BotClient`. Handlers that call the Bot
API themselves (plain answers, notifications) go through `RecordingBot`, which
records the calls instead of sending them.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from aiogram import Bot
from aiogram.methods import AnswerCallbackQuery, GetMe, SendMessage, TelegramMethod
from aiogram.types import Chat, Message, User
from aiogram_dialog.test_tools import BotClient, MockMessageManager
from aiogram_dialog.test_tools.keyboard import InlineButtonTextLocator
from aiogram_dialog.test_tools.memory_storage import JsonMemoryStorage

from bot.app import build_dispatcher
from bot.config import Settings


class RecordingBot(Bot):
    """A Bot that records every API call and answers it with a plausible result."""

    def __init__(self) -> None:  # no token, no session: nothing can reach Telegram
        self.calls: list[TelegramMethod] = []
        self._message_id = 10_000
        self._me = None

    @property
    def id(self) -> int:
        return 42

    def __hash__(self) -> int:
        return 42

    def __eq__(self, other) -> bool:
        return self is other

    async def __call__(self, method: TelegramMethod[Any], request_timeout: int | None = None) -> Any:
        self.calls.append(method)
        if isinstance(method, AnswerCallbackQuery):
            return True
        if isinstance(method, GetMe):
            return User(id=42, is_bot=True, first_name="Carpool", username="carpool_test_bot")
        if isinstance(method, SendMessage):
            self._message_id += 1
            return Message(
                message_id=self._message_id,
                date=datetime.now(),
                chat=Chat(id=int(method.chat_id), type="private"),
                text=method.text,
            )
        return True

    def sent_texts(self, chat_id: int | None = None) -> list[str]:
        return [
            c.text for c in self.calls
            if isinstance(c, SendMessage) and (chat_id is None or int(c.chat_id) == chat_id)
        ]

    def callback_answers(self) -> list[AnswerCallbackQuery]:
        return [c for c in self.calls if isinstance(c, AnswerCallbackQuery)]


def button_texts(message: Message) -> list[str]:
    if not message.reply_markup:
        return []
    return [b.text for row in message.reply_markup.inline_keyboard for b in row]


class Player:
    """One simulated Telegram user talking to the bot."""

    def __init__(self, env: "DialogEnv", user_id: int, first_name: str):
        self.env = env
        self.id = user_id
        self.client = BotClient(env.dp, user_id=user_id, chat_id=user_id, bot=env.bot)
        # Telegram's update ids are global: give each simulated user its own range, or
        # the dispatcher's de-duplication (rightly) skips another user's "repeat".
        self.client.last_update_id = user_id * 1_000_000
        self.client.user = self.client.user.model_copy(update={"first_name": first_name})

    async def send(self, text: str) -> Message | None:
        await self.client.send(text)
        return self.last_screen()

    async def click(self, text: str, message: Message | None = None) -> Message:
        """Press the button whose text matches `text` (a regex, whole text) on the screen."""
        message = message or self.screen()
        callback_id = await self.client.click(message, InlineButtonTextLocator(text))
        self.env.mm.assert_answered(callback_id)
        return self.screen()

    def last_screen(self) -> Message | None:
        for msg in reversed(self.env.mm.sent_messages):
            if msg.chat.id == self.id and msg.text is not None:
                return msg
        return None

    def screen(self) -> Message:
        """The last message shown to this player by the dialogs."""
        msg = self.last_screen()
        if msg is None:
            raise AssertionError(f"nothing shown to user {self.id}")
        return msg

    async def pick_date(self, day) -> Message:
        """Press `day` on the calendar window on screen, paging months forward as needed."""
        for _ in range(13):
            texts = self.buttons()
            wanted = [f"{day:%d}", f"[ {day:%d} ]"]
            header = f"🗓 {day:%B %Y}"
            if header in texts:
                label = next(t for t in texts if t in wanted)
                return await self.click(re.escape(label))
            await self.click(r".* >>")
        raise AssertionError(f"could not reach {day} on the calendar")

    def buttons(self) -> list[str]:
        return button_texts(self.screen())

    def has_button(self, pattern: str) -> bool:
        return any(re.fullmatch(pattern, b) for b in self.buttons())


class DialogEnv:
    def __init__(self, settings: Settings):
        self.settings = settings
        self.mm = MockMessageManager()
        self.bot = RecordingBot()
        self.app = build_dispatcher(settings, storage=JsonMemoryStorage(), message_manager=self.mm)
        self.dp = self.app.dispatcher
        self.players: dict[int, Player] = {}

    def player(self, user_id: int, first_name: str = "") -> Player:
        if user_id not in self.players:
            self.players[user_id] = Player(self, user_id, first_name or f"User{user_id}")
        return self.players[user_id]
