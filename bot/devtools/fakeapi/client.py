"""aiogram's own client pointed at the fake (`FakeTelegram.base_url`), for the tests and the
benchmarks that talk to it without the bot process."""

from __future__ import annotations

from typing import Any

from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer


class QuickSession(AiohttpSession):
    """AiohttpSession without its 250 ms sleep on close (keeps the tests fast)."""

    async def close(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()


def fake_bot(base_url: str, token: str, session: dict[str, Any] | None = None, **defaults: Any) -> Bot:
    """A Bot on the fake at `base_url`; `session` holds the session's options (a `timeout`),
    `defaults` the bot's DefaultBotProperties (`parse_mode="HTML"`)."""
    api_session = QuickSession(api=TelegramAPIServer.from_base(base_url), **(session or {}))
    return Bot(token, session=api_session, default=DefaultBotProperties(**defaults) if defaults else None)
