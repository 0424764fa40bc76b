"""The background sender that delivers the outbox (`models.outbox`) to Telegram.

One task in the bot process, one message at a time. Each row is claimed in the database
right before it is sent (`outbox.claim`), so two senders (an old leader that has not yet
noticed it lost the sender lease, and the new one) never send the same row.

Delivery promise: at-least-once, with at most one duplicate per crash of the sender for
each message it had in flight (one today; a sender with N requests in flight could repeat
up to N). `sendMessage` has no idempotency key: a sender that dies between Telegram's
answer and the database write leaves a claim that goes back to pending after
`claim_timeout`, and that message goes out again. When the write itself fails (database
locked or down) after a successful send, the write is retried until it succeeds — the
message is never sent again for that.

Pacing: aiolimiter's `AsyncLimiter(1, 1/rate)` spaces sends evenly (one every 40 ms at
25/s); `AsyncLimiter(rate, 1)` would let `rate` go at once and draws 429s. Per chat, the
last send time is remembered and the next send to that chat waits `per_chat_interval`;
rows for chats that are not ready yet go to the end of the batch, so one busy chat does
not hold up the others.

Rendering: a row holds a message kind and its parameters; its text and buttons are
rendered right before it is sent (`render`, by default `dialogs.notifications`'s
renderer in UTC and English; the runner passes the club's time zone and
`settings.default_language`), in the recipient's language (`User.language`, else that
default), so a retry shows the latest names and a player who switched language reads the
new one. A row that turns out no longer to matter when rendered (a reminder whose seat was
given up) is `expired`; one that cannot be rendered (a bug) fails like a 400.

Outcomes:
- accepted → sent;
- 429 → everything pauses for `retry_after`, then the same message is retried (not an attempt);
- 403, or 400 "chat not found" → the user is marked unreachable, their unsent rows dropped;
- any other 400 (and 413) → failed at once: Telegram will never take that message;
- anything else Telegram or the network can answer (5xx, timeouts, connection errors,
  401/404/409) → retried with exponential backoff (`backoff`, doubling, at most
  `max_backoff` = 60 s apart) for as long as the message matters: until its trip is over
  (the last pickup has passed) or it is `max_age` (24 h) old; then it is `expired`,
  with the reason in its `error` column, a WARNING log line and a Sentry event.
Every outcome is logged (chat ids as `tg(...)` pseudonyms); each batch is one Sentry
transaction (only when Sentry is initialized).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import time
import uuid
from datetime import timedelta

import peewee as pw
import sentry_sdk
from aiogram import Bot
from aiogram.enums import ParseMode
from aiogram.exceptions import (
    ClientDecodeError,
    TelegramAPIError,
    TelegramBadRequest,
    TelegramEntityTooLarge,
    TelegramForbiddenError,
    TelegramMigrateToChat,
    TelegramRetryAfter,
)
from aiohttp import ClientError
from aiolimiter import AsyncLimiter

from dialogs.notifications import NotificationRenderer, Obsolete, Rendered
from models import Notification, outbox
from models.logids import tg

from .loop import stop_loop

log = logging.getLogger(__name__)

MAX_BACKOFF = 60.0  # transient failures: never more than a minute between two tries
MAX_AGE = timedelta(hours=24)  # a notification not delivered by then no longer matters
CLAIM_TIMEOUT = 120.0  # > 2x aiogram's 60 s request timeout: a live sender always finishes first
WRITE_RETRY_MAX = 2.0  # the longest pause between two tries of a database write
REPEAT_WARNING_EVERY = 10  # a long outage: a WARNING at the first and every 10th failed attempt


def is_unreachable(exc: Exception) -> bool:
    """The user blocked the bot or never started it, or the chat is gone."""
    return isinstance(exc, TelegramForbiddenError) or (
        isinstance(exc, TelegramBadRequest) and "chat not found" in exc.message.lower()
    )


def is_transient(exc: Exception) -> bool:
    """Worth another try later: everything Telegram or the network can answer except a
    refusal of this very message (400, 403, 413). A 401/404/409 is a configuration or
    server problem that an operator can fix while the message still matters."""
    if isinstance(exc, (TelegramBadRequest, TelegramForbiddenError, TelegramEntityTooLarge, TelegramMigrateToChat)):
        return False
    return isinstance(exc, (TelegramAPIError, ClientDecodeError, ClientError, asyncio.TimeoutError, OSError))


def _owner() -> str:
    """Who holds a claim, for the operator reading the table: host, process, instance."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _report(message: str, kind: str, context: dict, level: str = "error", exc: Exception | None = None) -> None:
    """One Sentry event (a no-op when Sentry is off), tagged with the notification kind."""
    with sentry_sdk.new_scope() as scope:
        scope.set_tag("notification.kind", kind)
        scope.set_context("notification", context)
        if exc is not None and not isinstance(exc, TelegramAPIError):
            sentry_sdk.capture_exception(exc)
        else:
            sentry_sdk.capture_message(message, level=level)


class Notifier:
    """Delivers pending notifications until stopped.

    `run()` is the task body; `wake()` nudges it after a handler enqueued something (else it
    polls every `poll_interval` seconds); `stop(timeout)` lets the message in flight finish
    and leaves the rest pending for the next start; `send_pending_once()` sends one batch.
    Times in the database come from `models.outbox.now_precise` (tests simulate it).
    """

    def __init__(
        self,
        bot: Bot,
        *,
        rate: float = 25,
        per_chat_interval: float = 1.0,
        poll_interval: float = 1.0,
        backoff: float = 5.0,
        max_backoff: float = MAX_BACKOFF,
        max_age: timedelta = MAX_AGE,
        claim_timeout: float = CLAIM_TIMEOUT,
        batch_size: int = 100,
        lease=None,
        render=None,
        poster=None,
    ) -> None:
        from .leader import Lease

        self.bot = bot
        self.render = render or NotificationRenderer()  # row -> Rendered (text, buttons)
        self.lease = lease or Lease()  # several replicas: only the lease holder sends
        self.owner = _owner()
        # The club chat's posts (bot/workers/poster.py), made with this owner: posted in this
        # loop, so only the lease holder posts and a stop stops both.
        self.poster = poster(self.owner) if poster is not None else None
        self.per_chat_interval = per_chat_interval
        self.poll_interval = poll_interval
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.max_age = max_age
        self.claim_timeout = claim_timeout
        self.batch_size = batch_size
        self._limiter = AsyncLimiter(1, 1 / rate)
        self._last_sent: dict[int, float] = {}  # chat id -> monotonic time of the last send
        self._claims_recovered = False
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
        keeper = asyncio.create_task(self.lease.keep(), name="sender-lease")
        try:
            while not self._stopping.is_set():
                self._wake.clear()  # before reading: a wake() during the batch is not lost
                try:
                    handled = await self._round() if await self.lease.ensure() else 0
                except Exception:  # the database or a bug: never let the loop die
                    log.exception("Notifier batch failed; retrying in %.1fs", self.poll_interval)
                    sentry_sdk.capture_exception()
                    handled = 0
                if not handled:
                    with contextlib.suppress(asyncio.TimeoutError):
                        await asyncio.wait_for(self._wake.wait(), self.poll_interval)
        finally:  # also when stop() had to cancel us: hand the sender role over at once
            keeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await keeper
            await self.lease.release()
        log.info("Notifier stopped (%d pending left for the next start)", outbox.pending_count())

    async def stop(self, timeout: float = 10.0) -> None:
        """Stop after the message in flight (waiting up to `timeout` for it); the rest stay pending."""
        self._stopping.set()
        self._wake.set()
        if not await stop_loop(self._task, timeout):
            log.warning("Notifier did not stop within %.0fs; cancelled (its message may repeat)", timeout)

    async def _sleep(self, seconds: float) -> bool:
        """Sleep unless stopping; True if stop() interrupted it."""
        if seconds > 0:
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), seconds)
        return self._stopping.is_set()

    # ------------------------------------------------------------------ housekeeping
    def _housekeeping(self) -> None:
        """Claims of dead senders back to pending; rows that no longer matter expired."""
        now = outbox.now_precise()
        # The only possible sender (one process on SQLite) finds its dead predecessor's claims
        # at its first batch; with replicas, a claim is someone else's until it times out.
        recover_all = self.lease.sole_sender and not self._claims_recovered
        released = outbox.release_claims(None if recover_all else now - timedelta(seconds=self.claim_timeout))
        self._claims_recovered = True
        for row_id, owner in released:
            log.warning("Notification %s: claim of sender %s released (that sender stopped); "
                        "it goes out again and may arrive twice", row_id, owner)
        for e in outbox.expire(now, self.max_age):
            log.warning("Notification %s (%s) to %s expired undelivered: %s", e.id, e.kind, tg(e.chat_id), e.reason)
            _report("Notification expired undelivered", e.kind,
                    {"id": e.id, "attempts": e.attempts, "error": e.reason}, level="warning")

    # ------------------------------------------------------------------ sending
    async def _round(self) -> int:
        handled = await self.send_pending_once()
        if self.poster is not None and not self._stopping.is_set():
            handled += await self.poster.post_due_once()
        return handled

    async def send_pending_once(self) -> int:
        """Send one batch (each recipient's oldest due row); return how many rows were handled."""
        self._housekeeping()
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
            if not outbox.claim(n.id, self.owner, outbox.now_precise()):
                continue  # another sender has it, or it changed since the batch was read
            if await self._deliver(n):
                handled += 1
        self._forget_idle_chats()
        return handled

    async def _deliver(self, n: Notification) -> bool:
        """Send one claimed row and record the outcome; False if it was handed back unsent
        (stop() during a 429 pause, the lease or the claim lost meanwhile)."""
        claimed = time.monotonic()
        delivered = False
        message = await self._render(n)
        if message is None:
            return True
        try:
            while True:
                await self._limiter.acquire()
                if time.monotonic() - claimed > self.claim_timeout / 3:  # a long pause, or we were frozen
                    if not outbox.renew_claim(n.id, self.owner, outbox.now_precise()):
                        log.warning("Notification %s: claim lost during a pause; not sending it", n.id)
                        return False
                    claimed = time.monotonic()
                try:
                    await self.bot.send_message(n.chat_id, message.text, parse_mode=ParseMode.HTML,
                                                reply_markup=message.reply_markup)
                except TelegramRetryAfter as exc:
                    log.warning("Telegram flood limit: pausing all sends for %ss (notification %s)",
                                exc.retry_after, n.id)
                    if await self._sleep(exc.retry_after) or not await self.lease.ensure():
                        outbox.release(n.id, self.owner)
                        return False
                    continue
                except Exception as exc:  # noqa: BLE001 - every outcome is recorded, the loop goes on
                    self._last_sent[n.chat_id] = time.monotonic()
                    await self._record_error(n, exc)
                    return True
                delivered = True
                self._last_sent[n.chat_id] = time.monotonic()
                await self._write("the delivery", outbox.mark_sent, n.id)
                log.info("Sent notification %s (%s) to %s", n.id, n.kind, tg(n.chat_id))
                return True
        except asyncio.CancelledError:  # stop() ran out of time (shutdown): Telegram may have it
            with contextlib.suppress(Exception):
                if delivered:
                    outbox.mark_sent(n.id)
                else:
                    outbox.release(n.id, self.owner, "interrupted while sending (it may have been delivered)")
            raise

    async def _render(self, n: Notification) -> Rendered | None:
        """The claimed row's message; None (and the row settled) if it no longer matters
        or cannot be rendered."""
        try:
            return self.render(n)
        except Obsolete as exc:
            await self._write("an expiry", outbox.mark_expired, n.id, self.owner, str(exc))
            log.info("Notification %s (%s) to %s no longer matters: %s", n.id, n.kind, tg(n.chat_id), exc)
        except Exception as exc:  # noqa: BLE001 - a bug in a renderer must not stop the sender
            error = f"could not render: {type(exc).__name__}: {exc}"
            await self._write("a failure", outbox.mark_failed, n.id, self.owner, error)
            log.error("Notification %s (%s) to %s: %s", n.id, n.kind, tg(n.chat_id), error, exc_info=True)
            _report("Notification could not be rendered", n.kind, {"id": n.id, "error": error}, exc=exc)
        return None

    async def _write(self, what: str, operation, *args):
        """Run a database write until it succeeds ("database is locked", a connection lost):
        after a successful send, retrying the write is the way not to send it twice."""
        pause, failures = 0.05, 0
        while True:
            try:
                result = operation(*args)
            except (pw.DatabaseError, pw.InterfaceError) as exc:
                failures += 1
                if failures == 1:
                    log.warning("Notifier: could not record %s (%s); retrying the write", what, exc)
                    sentry_sdk.capture_exception(exc)
                await asyncio.sleep(pause)  # stop() waits for this; its timeout cancels it if it must
                pause = min(pause * 2, WRITE_RETRY_MAX)
                continue
            if failures:
                log.info("Notifier: recorded %s after %d failed write(s)", what, failures)
            return result

    async def _record_error(self, n: Notification, exc: Exception) -> None:
        error = f"{type(exc).__name__}: {exc}"
        attempt = n.attempts + 1
        if is_unreachable(exc):
            reason = exc.message if isinstance(exc, TelegramAPIError) else str(exc)
            dropped = await self._write("an unreachable user", outbox.mark_unreachable, n.recipient_id, reason)
            log.info("User %s is unreachable (%s): dropped %d notification(s)", n.recipient_id, reason, dropped)
            return
        if is_transient(exc):
            delay = min(self.backoff * 2 ** (attempt - 1), self.max_backoff)
            retry_at = outbox.now_precise() + timedelta(seconds=delay)
            await self._write("a retry", outbox.mark_retry, n.id, self.owner, error, retry_at)
            level = logging.WARNING if attempt == 1 or attempt % REPEAT_WARNING_EVERY == 0 else logging.INFO
            log.log(level, "Notification %s (%s): attempt %d failed (%s); retrying in %.1fs",
                    n.id, n.kind, attempt, error, delay)
            return
        await self._write("a failure", outbox.mark_failed, n.id, self.owner, error)
        log.error("Notification %s (%s) to %s failed after %d attempt(s): %s",
                  n.id, n.kind, tg(n.chat_id), attempt, error, exc_info=not isinstance(exc, TelegramAPIError))
        _report(f"Notification failed: {type(exc).__name__}", n.kind,
                {"id": n.id, "attempts": attempt, "error": error}, exc=exc)

    def _forget_idle_chats(self) -> None:
        if len(self._last_sent) > 1000:
            cutoff = time.monotonic() - self.per_chat_interval
            self._last_sent = {c: t for c, t in self._last_sent.items() if t > cutoff}
