"""The updates being handled, so that shutdown can wait for them."""

from __future__ import annotations

import asyncio
import logging

from aiogram import BaseMiddleware

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
