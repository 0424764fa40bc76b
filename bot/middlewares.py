"""Middlewares that every update passes (registered on `dp.update.outer_middleware`,
so aiogram-dialog's background updates see them too)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, Update

from models import outbox, users

log = logging.getLogger(__name__)


class InFlight(BaseMiddleware):
    """Counts the updates being handled, so shutdown can wait for them (bounded).

    aiogram confirms updates to Telegram before handling them and, on shutdown,
    returns without waiting for running handlers: without this drain, an update
    that was being handled at SIGTERM would be lost.
    """

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task] = set()

    async def __call__(self, handler, event, data):
        task = asyncio.current_task()
        if task is not None:
            self._tasks.add(task)
        try:
            return await handler(event, data)
        finally:
            if task is not None:
                self._tasks.discard(task)

    @property
    def count(self) -> int:
        return len(self._tasks)

    async def drain(self, timeout: float) -> int:
        """Wait up to `timeout` seconds for running updates; return how many were left."""
        current = asyncio.current_task()
        pending = {t for t in self._tasks if t is not current and not t.done()}
        if not pending:
            return 0
        log.info("Waiting up to %.0fs for %d update(s) still being handled", timeout, len(pending))
        _, still = await asyncio.wait(pending, timeout=timeout)
        if still:
            log.warning("%d update(s) did not finish within %.0fs", len(still), timeout)
        return len(still)


class UserMiddleware(BaseMiddleware):
    """Puts the known player (`models.User` or None) into handler data as `user`.

    It never registers anyone: /start does that, so a stranger leaves no trace. A known
    player marked unreachable (blocked the bot) who writes or presses a button is
    reachable again: the notifier writes to them from then on.
    """

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        tg_user = data.get("event_from_user")
        user = data["user"] = users.get_user(tg_user.id) if tg_user is not None else None
        if user is not None and not user.reachable and _is_interaction(event):
            outbox.mark_reachable(user.telegram_id)
            user.reachable, user.unreachable_reason = True, ""
            log.info("User %s wrote to the bot: reachable again", user.id)
        return await handler(event, data)


def _is_interaction(event: TelegramObject) -> bool:
    """Something the user did in a chat with the bot (not a my_chat_member change, not
    aiogram-dialog's background updates, which carry no message)."""
    return isinstance(event, Update) and bool(event.message or event.edited_message or event.callback_query)
