"""How long a handler may take: the update's deadline, retries within it, one answer per press.

Every update (aiogram-dialog's background ones too) is handled within `UPDATE_TIMEOUT`
seconds (`UpdateDeadline`), so that a per-user lock can be bounded: on Redis it expires
a few seconds after that (`bot.app.LOCK_TIMEOUT`), and a process killed mid-update blocks
that user's next updates for those seconds, not aiogram's default 60.

Within its deadline, a handler's `sendMessage`/`editMessageText` that meets a 429 waits
`retry_after` and tries again — unless the wait would pass the deadline, then it fails at
once; a 5xx or a network error is retried twice with a short backoff. Without this, a
flood-limit answer or a hiccup of Telegram's servers leaves a user without the window they
asked for. Polling (`getUpdates`) has aiogram's own backoff, and the notification sender
its own bookkeeping (it uses a Bot without these middlewares).
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from contextvars import ContextVar, Token

from aiogram import BaseMiddleware
from aiogram.client.session.middlewares.base import BaseRequestMiddleware
from aiogram.exceptions import TelegramBadRequest, TelegramNetworkError, TelegramRetryAfter, TelegramServerError
from aiogram.methods import AnswerCallbackQuery, GetUpdates

log = logging.getLogger(__name__)

UPDATE_TIMEOUT = 10.0  # seconds: the longest any update is handled (a few API calls, one short 429)

# The loop time by which the update being handled must be done (None outside updates). Set
# for each update by `UpdateDeadline`, background updates included: they run in a copy of
# the context of the update that started them, and must not inherit its deadline.
DEADLINE: ContextVar[float | None] = ContextVar("update_deadline", default=None)


def set_deadline(seconds: float) -> Token:
    return DEADLINE.set(asyncio.get_running_loop().time() + seconds)


def time_left() -> float | None:
    """Seconds left to the current update's deadline (None outside an update)."""
    deadline = DEADLINE.get()
    return None if deadline is None else deadline - asyncio.get_running_loop().time()


class UpdateDeadline(BaseMiddleware):
    """Cuts an update short after `timeout` seconds (an outer middleware on `dp.update`):
    what runs after the lock expired could overwrite a newer update's dialog state."""

    def __init__(self, timeout: float | None = None) -> None:
        self.timeout = UPDATE_TIMEOUT if timeout is None else timeout

    async def __call__(self, handler, event, data):
        token = set_deadline(self.timeout)
        try:
            async with asyncio.timeout(self.timeout):
                return await handler(event, data)
        finally:
            DEADLINE.reset(token)


class RetryMiddleware(BaseRequestMiddleware):
    def __init__(self, attempts: int = 3, backoff: float = 0.5, max_wait: float = 30.0) -> None:
        self.attempts = attempts
        self.backoff = backoff
        self.max_wait = max_wait

    def _may_wait(self, seconds: float) -> bool:
        left = time_left()
        return seconds <= self.max_wait and (left is None or seconds < left)

    async def __call__(self, make_request, bot, method):
        if isinstance(method, GetUpdates):
            return await make_request(bot, method)
        failures = 0
        while True:
            try:
                return await make_request(bot, method)
            except TelegramRetryAfter as exc:
                if not self._may_wait(exc.retry_after):
                    raise
                log.warning("%s: flood limit, retrying in %ss", type(method).__name__, exc.retry_after)
                await asyncio.sleep(exc.retry_after)
            except (TelegramServerError, TelegramNetworkError) as exc:
                failures += 1
                delay = self.backoff * 2 ** (failures - 1)
                if failures >= self.attempts or not self._may_wait(delay):
                    raise
                log.warning("%s failed (%s); retry %d in %.1fs", type(method).__name__, exc, failures, delay)
                await asyncio.sleep(delay)


class AnswerOnceMiddleware(BaseRequestMiddleware):
    """Answer each callback query once, and let a press too old to answer go quietly.

    aiogram-dialog answers every button press after the handler ran, also when the
    handler already answered it with a toast or an alert; Telegram refuses the second
    answer ("query is too old … or query ID is invalid"). The second one is dropped here.
    Telegram refuses the first one too when the press waited long (a redelivery after a
    crash, behind the dead process's lock): the answer is only the button's spinner, so
    the handler goes on to show the right window instead of failing with a traceback.
    """

    def __init__(self, remember: int = 2048) -> None:
        self._order: deque[str] = deque(maxlen=remember)
        self._answered: set[str] = set()

    async def __call__(self, make_request, bot, method):
        if not isinstance(method, AnswerCallbackQuery):
            return await make_request(bot, method)
        if method.callback_query_id in self._answered:
            return True
        try:
            result = await make_request(bot, method)
        except TelegramBadRequest as exc:
            if "query is too old" not in exc.message:
                raise
            log.info("Callback query too old to answer (%s); the update goes on", method.callback_query_id)
            result = True
        if len(self._order) == self._order.maxlen:
            self._answered.discard(self._order[0])
        self._order.append(method.callback_query_id)
        self._answered.add(method.callback_query_id)
        return result
