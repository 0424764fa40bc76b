"""The background sender that delivers the outbox (`models.outbox`) to Telegram.

One task in the bot process, one message at a time, so a crash or a cut-short shutdown
repeats at most the one message in flight (`sendMessage` has no idempotency key).

Pacing: aiolimiter's `AsyncLimiter(1, 1/rate)` spaces sends evenly (one every 40 ms at
25/s); `AsyncLimiter(rate, 1)` would let `rate` go at once and draws 429s. Per chat, the
last send time is remembered and the next send to that chat waits `per_chat_interval`;
rows for chats that are not ready yet go to the end of the batch, so one busy chat does
not hold up the others.

Outcomes: accepted → sent. 429 → everything pauses for `retry_after`, then the same
message is retried (not counted as an attempt). 403 or "chat not found" → the user is
marked unreachable and their pending rows dropped. 5xx, network errors and timeouts →
retried with exponential backoff, then failed after `max_attempts`. Any other error →
failed. Every outcome is logged; failures are Sentry events, and each batch is one
Sentry transaction (only when Sentry is initialized).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from datetime import timedelta

import sentry_sdk
from aiogram import Bot
from aiogram.enums import ParseMode
from aiogram.exceptions import (
    ClientDecodeError,
    TelegramAPIError,
    TelegramBadRequest,
    TelegramEntityTooLarge,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.types import InlineKeyboardMarkup
from aiohttp import ClientError
from aiolimiter import AsyncLimiter

from models import Notification, outbox

log = logging.getLogger(__name__)

MAX_BACKOFF = 600.0


def is_unreachable(exc: Exception) -> bool:
    """The user blocked the bot or never started it, or the chat is gone."""
    return isinstance(exc, TelegramForbiddenError) or (
        isinstance(exc, TelegramBadRequest) and "chat not found" in exc.message.lower()
    )


def is_transient(exc: Exception) -> bool:
    """Worth another try later: 5xx, network errors, timeouts, a garbled answer (a proxy's error page)."""
    if isinstance(exc, TelegramEntityTooLarge):  # a TelegramNetworkError, but permanent
        return False
    return isinstance(exc, (TelegramServerError, TelegramNetworkError, ClientDecodeError, ClientError,
                            asyncio.TimeoutError))


class Notifier:
    """Delivers pending notifications until stopped.

    `run()` is the task body; `wake()` nudges it after a handler enqueued something (else it
    polls every `poll_interval` seconds); `stop(timeout)` lets the message in flight finish
    and leaves the rest pending for the next start; `send_pending_once()` sends one batch.
    """

    def __init__(
        self,
        bot: Bot,
        *,
        rate: float = 25,
        per_chat_interval: float = 1.0,
        max_attempts: int = 5,
        poll_interval: float = 1.0,
        backoff: float = 5.0,
        batch_size: int = 100,
        lease=None,
    ) -> None:
        from .leader import Lease

        self.bot = bot
        self.lease = lease or Lease()  # several replicas: only the lease holder sends
        self.per_chat_interval = per_chat_interval
        self.max_attempts = max_attempts
        self.poll_interval = poll_interval
        self.backoff = backoff
        self.batch_size = batch_size
        self._limiter = AsyncLimiter(1, 1 / rate)
        self._last_sent: dict[int, float] = {}  # chat id -> monotonic time of the last send
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()
        self._task: asyncio.Task | None = None

    # ------------------------------------------------------------------ lifecycle
    def wake(self) -> None:
        """Something was just enqueued (and committed): look now instead of at the next poll."""
        self._wake.set()

    async def run(self) -> None:
        self._task = asyncio.current_task()
        log.info("Notifier started (%d pending)", outbox.pending_count())
        try:
            while not self._stopping.is_set():
                self._wake.clear()  # before reading: a wake() during the batch is not lost
                try:
                    handled = await self.send_pending_once() if await self.lease.ensure() else 0
                except Exception:  # the database or a bug: never let the loop die
                    log.exception("Notifier batch failed; retrying in %.1fs", self.poll_interval)
                    sentry_sdk.capture_exception()
                    handled = 0
                if not handled:
                    with contextlib.suppress(asyncio.TimeoutError):
                        await asyncio.wait_for(self._wake.wait(), self.poll_interval)
        finally:  # also when stop() had to cancel us: hand the sender role over at once
            await self.lease.release()
        log.info("Notifier stopped (%d pending left for the next start)", outbox.pending_count())

    async def stop(self, timeout: float = 10.0) -> None:
        """Stop after the message in flight (waiting up to `timeout` for it); the rest stay pending."""
        self._stopping.set()
        self._wake.set()
        task = self._task
        if task is None or task.done() or task is asyncio.current_task():
            return
        done, _ = await asyncio.wait({task}, timeout=timeout)
        if not done:
            log.warning("Notifier did not stop within %.0fs; cancelling (its message may repeat)", timeout)
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _sleep(self, seconds: float) -> bool:
        """Sleep unless stopping; True if stop() interrupted it."""
        if seconds > 0:
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), seconds)
        return self._stopping.is_set()

    # ------------------------------------------------------------------ sending
    async def send_pending_once(self) -> int:
        """Send one batch (each recipient's oldest due row); return how many rows were handled."""
        batch = outbox.next_batch(self.batch_size, outbox.now_precise())
        if not batch:
            return 0
        if not sentry_sdk.get_client().is_active():
            return await self._send_batch(batch)
        with sentry_sdk.isolation_scope(), sentry_sdk.start_transaction(
            op="notifications.batch", name="notifications.batch"
        ) as tx:
            tx.set_data("size", len(batch))
            handled = await self._send_batch(batch)
            tx.set_data("handled", handled)
            return handled

    def _ready_at(self, chat_id: int) -> float:
        return self._last_sent.get(chat_id, float("-inf")) + self.per_chat_interval

    async def _send_batch(self, batch: list[Notification]) -> int:
        now = time.monotonic()
        # Chats that are ready keep their age order; the others follow as they become ready.
        batch.sort(key=lambda n: (max(now, self._ready_at(n.chat_id)), n.id))
        handled = 0
        for n in batch:
            if self._stopping.is_set() or await self._sleep(self._ready_at(n.chat_id) - time.monotonic()):
                break
            if not await self.lease.ensure():
                break  # another replica is the sender now
            if await self._deliver(n):
                handled += 1
        self._forget_idle_chats()
        return handled

    async def _deliver(self, n: Notification) -> bool:
        """Send one row and record the outcome; False if stop() interrupted a 429 pause."""
        while True:
            await self._limiter.acquire()
            try:
                markup = InlineKeyboardMarkup.model_validate_json(n.reply_markup) if n.reply_markup else None
                await self.bot.send_message(n.chat_id, n.text, parse_mode=ParseMode.HTML, reply_markup=markup)
            except TelegramRetryAfter as exc:
                log.warning("Telegram flood limit: pausing all sends for %ss (notification %s)",
                            exc.retry_after, n.id)
                if await self._sleep(exc.retry_after):
                    return False
                continue
            except Exception as exc:  # noqa: BLE001 - every outcome is recorded, the loop goes on
                self._last_sent[n.chat_id] = time.monotonic()
                self._record_error(n, exc)
                return True
            self._last_sent[n.chat_id] = time.monotonic()
            outbox.mark_sent(n.id)
            log.info("Sent notification %s (%s) to chat %s", n.id, n.kind, n.chat_id)
            return True

    def _record_error(self, n: Notification, exc: Exception) -> None:
        error = f"{type(exc).__name__}: {exc}"
        if is_unreachable(exc):
            reason = exc.message if isinstance(exc, TelegramAPIError) else str(exc)
            dropped = outbox.mark_unreachable(n.recipient_id, reason)
            log.info("User %s is unreachable (%s): dropped %d notification(s)", n.recipient_id, reason, dropped)
            return
        attempts = n.attempts + 1
        if is_transient(exc) and attempts < self.max_attempts:
            delay = min(self.backoff * 2 ** (attempts - 1), MAX_BACKOFF)
            outbox.mark_retry(n.id, error, outbox.now_precise() + timedelta(seconds=delay))
            log.warning("Notification %s: attempt %d/%d failed (%s); retrying in %.1fs",
                        n.id, attempts, self.max_attempts, error, delay)
            return
        outbox.mark_failed(n.id, error)
        log.error("Notification %s (%s) to chat %s failed after %d attempt(s): %s",
                  n.id, n.kind, n.chat_id, attempts, error, exc_info=not isinstance(exc, TelegramAPIError))
        with sentry_sdk.new_scope() as scope:
            scope.set_tag("notification.kind", n.kind)
            scope.set_context("notification", {"id": n.id, "attempts": attempts, "error": error})
            if isinstance(exc, TelegramAPIError):
                sentry_sdk.capture_message(f"Notification failed: {type(exc).__name__}", level="error")
            else:
                sentry_sdk.capture_exception(exc)

    def _forget_idle_chats(self) -> None:
        if len(self._last_sent) > 1000:
            cutoff = time.monotonic() - self.per_chat_interval
            self._last_sent = {c: t for c, t in self._last_sent.items() if t > cutoff}
