"""The scheduler: one task in the bot that, every `interval` seconds, closes finished
trips, enqueues the reminders that are due (`models.lifecycle`), keeps the waiting lists
moving (issue #22: seats still unconfirmed after a change are released at the driver's
time, `manage.release_unanswered`; the lines of trips that left are closed,
`waitlist.clear_departed`; offers that ran out go to the next in line,
`waitlist.expire_offers`, each seat held `waitlist_hold`: WAITLIST_HOLD), gives each weekly
club event whose latest occurrence has started its next one (`models.events.roll_weekly`),
and once an hour deletes the finished notifications (sent, failed, dropped, expired) older
than the retention period (`NOTIFICATION_RETENTION_DAYS`, `models.outbox.purge_finished`).

Everything it needs is read from the database on each tick and every reminder (offer,
release) is recorded with the notification it enqueued, so a restart loses nothing (a reminder
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

from models import events, lifecycle, manage, outbox, utcnow, waitlist

from .loop import stop_loop

log = logging.getLogger(__name__)


DEFAULT_RETENTION = timedelta(days=30)


@dataclass(frozen=True)
class TickResult:
    closed: int
    reminders: int
    purged: int = 0
    events: int = 0  # weekly events' next occurrences made
    released: int = 0  # unconfirmed seats released at the driver's time (issue #22)
    cleared: int = 0  # waiting list entries closed: their trip left
    expired: int = 0  # seat offers that ran out (the next in line offered)


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
        waitlist_hold: timedelta = waitlist.DEFAULT_HOLD,
    ) -> None:
        self.offsets = offsets
        self.waitlist_hold = waitlist_hold
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
        """Close finished trips, then enqueue due reminders, then move the waiting lists on
        (waking the notifier if anything was enqueued), then roll the weekly events on."""
        now = now or utcnow()
        closed = lifecycle.close_finished_trips(now)
        sent = lifecycle.send_due_reminders(now, self.offsets, self.tz)
        released = manage.release_unanswered(now, self.waitlist_hold)
        cleared = waitlist.clear_departed(now)
        expired = waitlist.expire_offers(now, self.waitlist_hold)
        if (sent or released or cleared or expired) and self.notifier is not None:
            self.notifier.wake()
        if closed or sent:
            log.info("Scheduler: %d trip(s) closed, %d reminder(s) enqueued", closed, sent)
        if released or cleared or expired:
            log.info("Scheduler: %d unconfirmed seat(s) released, %d waiting list entries closed, %d offer(s) ran out",
                     released, cleared, expired)
        rolled = events.roll_weekly(now, self.tz)
        return TickResult(closed, sent, self._purge(now), rolled, released, cleared, expired)

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
