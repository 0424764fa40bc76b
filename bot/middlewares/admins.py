"""Who manages the club's events (issue #21): `club_admins` in handler data.

The Telegram ids in `CLUB_ADMINS`, and — when `CLUB_CHAT_ID` is set — the administrators of the
club's group (`getChatAdministrators`, bots left out), looked up at most once per `ttl` seconds
and shared by every update. The operations decide with it (`models.events.require_admin(actor,
admins)`): the dialogs only hide the buttons of those who may not.

When Telegram cannot be asked (the network, the bot not in the group) the last list known stays
in force, and the next try waits `error_ttl` seconds; with none known yet, only `CLUB_ADMINS`
manage events meanwhile. Only what a player does in their private chat with the bot (where the
events dialogs are) may ask Telegram; group updates, `my_chat_member` changes and aiogram-dialog's
background updates (a window redrawn for another player, `update_id` 0) take the list as it is.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram_dialog.api.entities import DialogUpdate

log = logging.getLogger(__name__)


class AdminsMiddleware(BaseMiddleware):
    def __init__(self, admins: frozenset[int], chat_id: int | None, *, ttl: float = 300, error_ttl: float = 30,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.admins, self.chat_id, self.ttl, self.error_ttl, self.clock = admins, chat_id, ttl, error_ttl, clock
        self._chat_admins: frozenset[int] = frozenset()
        self._until = float("-inf")  # when the chat's list must be asked again
        self._lookup: asyncio.Future | None = None

    @classmethod
    def from_settings(cls, settings) -> AdminsMiddleware:
        return cls(settings.club_admins, settings.club_chat_id)

    async def __call__(self, handler, event: Any, data: dict[str, Any]) -> Any:
        chat = data.get("event_chat")
        ask = not isinstance(event, DialogUpdate) and chat is not None and chat.type == "private"
        data["club_admins"] = await self.current(data.get("bot"), wait=ask)
        return await handler(event, data)

    async def current(self, bot: Bot | None, wait: bool = True) -> frozenset[int]:
        """CLUB_ADMINS ∪ the club chat's administrators (asked again when the cache expired)."""
        if self.chat_id is None or bot is None:
            return self.admins
        if wait and self.clock() >= self._until:
            if self._lookup is None:
                self._lookup = asyncio.ensure_future(self._refresh(bot))
                self._lookup.add_done_callback(self._forget_lookup)
            await asyncio.shield(self._lookup)
        return self.admins | self._chat_admins

    def _forget_lookup(self, _: asyncio.Future) -> None:
        self._lookup = None

    async def _refresh(self, bot: Bot) -> None:
        try:
            members = await bot.get_chat_administrators(self.chat_id, request_timeout=10)
            self._chat_admins = frozenset(m.user.id for m in members if not m.user.is_bot)
            self._until = self.clock() + self.ttl
        except Exception as exc:  # noqa: BLE001 - the last list known stays; CLUB_ADMINS always count
            log.warning("getChatAdministrators(%s) failed (%s): keeping the last list for %ss",
                        self.chat_id, exc, self.error_ttl)
            self._until = self.clock() + self.error_ttl
