"""The scheduler: one task in the bot that, every `interval` seconds, closes finished
trips, enqueues the reminders that are due (`models.lifecycle`) and gives each weekly club
event whose latest occurrence has started its next one (`models.events.roll_weekly`), and once an hour
deletes the finished notifications (sent, failed, dropped, expired) older than the
retention period (`NOTIFICATION_RETENTION_DAYS`, `models.outbox.purge_finished`).

Everything it needs is read from the database on each tick and every reminder is
recorded with the notification it enqueued, so a restart loses nothing (a reminder
that fell due while the bot was down goes out at the next tick) and nothing is planned
in memory. The notifier delivers; the scheduler only wakes it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import sentry_sdk

from models import events, lifecycle, outbox, utcnow

from .loop import stop_loop

log = logging.getLogger(__name__)


DEFAULT_RETENTION = timedelta(days=30)


@dataclass(frozen=True)
class TickResult:
    closed: int
    reminders: int
    purged: int = 0
    events: int = 0  # weekly events' next occurrences made


class Scheduler:
    """`run()` is the task body, `stop(timeout)` ends it, `tick(now)` does one round (tests
    pass `now` to simulate time)."""

    def __init__(
        self,
        offsets: tuple[timedelta, ...],
        tz: ZoneInfo,
        *,
        notifier=None,
        interval: float = 60.0,
        retention: timedelta | None = DEFAULT_RETENTION,
        purge_every: timedelta = timedelta(hours=1),
    ) -> None:
        self.offsets = offsets
        self.tz = tz
        self.notifier = notifier
        self.interval = interval
        self.retention = retention  # None: keep notifications for ever
        self.purge_every = purge_every
        self._purged_at: datetime | None = None
        self._backlog = False
        self._stopping = asyncio.Event()
        self._task: asyncio.Task | None = None

    def tick(self, now: datetime | None = None) -> TickResult:
        """Close finished trips, then enqueue due reminders (waking the notifier if any), then
        roll the weekly events on."""
        now = now or utcnow()
        closed = lifecycle.close_finished_trips(now)
        sent = lifecycle.send_due_reminders(now, self.offsets, self.tz)
        if sent and self.notifier is not None:
            self.notifier.wake()
        if closed or sent:
            log.info("Scheduler: %d trip(s) closed, %d reminder(s) enqueued", closed, sent)
        rolled = events.roll_weekly(now, self.tz)
        return TickResult(closed, sent, self._purge(now), rolled)

    def _purge(self, now: datetime) -> int:
        """Delete one chunk of expired history, once per `purge_every` — or at every tick
        while a backlog remains (the first run on an old database), a short write each."""
        due = self._purged_at is None or self._backlog or now - self._purged_at >= self.purge_every
        if self.retention is None or not due:
            return 0
        purged = outbox.purge_finished(now - self.retention)
        self._purged_at, self._backlog = now, purged >= outbox.PURGE_CHUNK
        if purged:
            log.info("Scheduler: %d finished notification(s) older than %d days deleted",
                     purged, self.retention.days)
        return purged

    async def run(self) -> None:
        self._task = asyncio.current_task()
        log.info("Scheduler started (every %.0fs; reminders %s)", self.interval,
                 ", ".join(str(o) for o in self.offsets) or "off")
        while not self._stopping.is_set():
            try:
                self.tick()
            except Exception:  # the database or a bug: log it, try again at the next tick
                log.exception("Scheduler tick failed")
                sentry_sdk.capture_exception()
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), self.interval)
        log.info("Scheduler stopped")

    async def stop(self, timeout: float = 10.0) -> None:
        """Stop after the tick in progress (a tick is synchronous: it is never cut in half)."""
        self._stopping.set()
        await stop_loop(self._task, timeout)
