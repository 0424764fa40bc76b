"""Request middlewares of the handlers' Bot: retries, and one answer per button press.

Retry the handlers' Bot API calls through Telegram's passing failures.

A handler's `sendMessage`/`editMessageText` that meets a 429 waits `retry_after` and
tries again; a 5xx or a network error is retried twice with a short backoff. Without
this, a flood-limit answer or a hiccup of Telegram's servers leaves a user without the
window they asked for. Polling (`getUpdates`) has aiogram's own backoff, and the
notification sender its own bookkeeping (it uses a Bot without this middleware).
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque

from aiogram.client.session.middlewares.base import BaseRequestMiddleware
from aiogram.exceptions import TelegramNetworkError, TelegramRetryAfter, TelegramServerError
from aiogram.methods import AnswerCallbackQuery, GetUpdates

log = logging.getLogger(__name__)


class RetryMiddleware(BaseRequestMiddleware):
    def __init__(self, attempts: int = 3, backoff: float = 0.5, max_wait: float = 30.0) -> None:
        self.attempts = attempts
        self.backoff = backoff
        self.max_wait = max_wait

    async def __call__(self, make_request, bot, method):
        if isinstance(method, GetUpdates):
            return await make_request(bot, method)
        failures = 0
        while True:
            try:
                return await make_request(bot, method)
            except TelegramRetryAfter as exc:
                if exc.retry_after > self.max_wait:
                    raise
                log.warning("%s: flood limit, retrying in %ss", type(method).__name__, exc.retry_after)
                await asyncio.sleep(exc.retry_after)
            except (TelegramServerError, TelegramNetworkError) as exc:
                failures += 1
                if failures >= self.attempts:
                    raise
                delay = self.backoff * 2 ** (failures - 1)
                log.warning("%s failed (%s); retry %d in %.1fs", type(method).__name__, exc, failures, delay)
                await asyncio.sleep(delay)


class AnswerOnceMiddleware(BaseRequestMiddleware):
    """Answer each callback query once.

    aiogram-dialog answers every button press after the handler ran, also when the
    handler already answered it with a toast or an alert; Telegram refuses the second
    answer ("query is too old … or query ID is invalid"). The second one is dropped here.
    """

    def __init__(self, remember: int = 2048) -> None:
        self._order: deque[str] = deque(maxlen=remember)
        self._answered: set[str] = set()

    async def __call__(self, make_request, bot, method):
        if not isinstance(method, AnswerCallbackQuery):
            return await make_request(bot, method)
        if method.callback_query_id in self._answered:
            return True
        result = await make_request(bot, method)
        if len(self._order) == self._order.maxlen:
            self._answered.discard(self._order[0])
        self._order.append(method.callback_query_id)
        self._answered.add(method.callback_query_id)
        return result
