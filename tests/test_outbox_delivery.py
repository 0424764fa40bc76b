"""Issue #16: the sender never loses nor doubles a notification — long outages (simulated
clock), a database that refuses the write after a successful send, expiry, retention.

A simulated clock (`SimClock`) replaces `models.outbox.now_precise`, the one source of
"now" for the outbox and the sender: it runs a few hundred times faster than the wall
clock, so ten minutes of outage take two seconds while the sender's real waits
(polling, pacing) stay short.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from datetime import date, timedelta

import sentry_sdk
from aiogram.client.session.middlewares.base import BaseRequestMiddleware
from aiogram.methods import SendMessage

from bot.infra.db import sqlite_path
from bot.workers.leader import Lease
from bot.workers.notifier import Notifier
from models import (
    NOTIFY_EXPIRED,
    NOTIFY_PENDING,
    NOTIFY_SENDING,
    NOTIFY_SENT,
    Notification,
    Trip,
    db,
    outbox,
)
from tests.test_notifier import (  # noqa: F401 - fixtures too
    assert_each_sent_once,
    bot,
    notify,
    player,
    running,
    sends,
    sentry_events,
    state,
    until,
)


class SimClock:
    """Naive-UTC now, running `speed` times faster than the wall clock from its creation."""

    def __init__(self, speed: float) -> None:
        self.start = outbox.now_precise()
        self.started = time.monotonic()
        self.speed = speed

    def __call__(self):
        return self.start + timedelta(seconds=self.seconds(time.monotonic()))

    def seconds(self, monotonic: float) -> float:
        """Simulated seconds since the start at a wall-clock (monotonic) instant."""
        return (monotonic - self.started) * self.speed


class Outage(BaseRequestMiddleware):
    """Telegram answers `sendMessage` with 502 Bad Gateway while `active()` is true."""

    def __init__(self, tg, active) -> None:
        self.tg, self.active = tg, active

    async def __call__(self, make_request, bot, method):
        if isinstance(method, SendMessage) and self.active():
            self.tg.fail_next("sendMessage", 502)
        return await make_request(bot, method)


def attempts_to(tg, chat_id: int) -> list:
    """Every sendMessage request to a chat (a failed one carries its parameters as sent)."""
    return [r for r in tg.requests if r.method == "sendMessage" and str(r.params["chat_id"]) == str(chat_id)]


def trip_ending_in(driver, hours: float) -> Trip:
    ends = outbox.now_precise() + timedelta(hours=hours)
    return Trip.create(driver=driver, destination="Gym", departure_date=date.today(), seats=3,
                       departs_at=ends, ends_at=ends)


# ---------------------------------------------------------------------------- 1. long outages


async def test_ten_minutes_of_502_then_recovery_every_notification_arrives_once(
        database, tg, bot, monkeypatch, caplog):
    clock = SimClock(speed=300)  # 10 minutes = 2 s
    monkeypatch.setattr(outbox, "now_precise", clock)
    recovery = clock.start + timedelta(minutes=10)
    bot.session.middleware(Outage(tg, lambda: clock() < recovery))
    driver = player(tg, 99, "Dee")
    trip = trip_ending_in(driver, hours=3)
    rows = [notify(player(tg, i), f"Trip {i} is off", "trip_cancelled", trip=trip) for i in (1, 2, 3)]
    caplog.set_level(logging.INFO, "bot.workers.notifier")

    # Pacing is not under test: at 300x, 40 ms between two sends would be 12 simulated seconds.
    async with running(Notifier(bot, rate=1000, per_chat_interval=0, poll_interval=0.01)):
        await until(lambda: outbox.pending_count() == 0, timeout=10)

    assert_each_sent_once(tg, rows)
    for n in rows:
        at = [clock.seconds(r.at) for r in attempts_to(tg, n.chat_id)]
        assert len(at) >= 10, at  # tried all along: 5, 10, 20, 40, then every 60 s
        gaps = [b - a for a, b in zip(at, at[1:])]
        slack = 30  # 0.1 s of a busy machine at 300x
        assert max(gaps) <= 60 + slack, gaps
        assert at[-1] - 600 <= 60 + slack, at  # arrived within a minute of the recovery
    delays = [float(r.args[-1]) for r in caplog.records if "retrying in" in r.msg]
    assert delays and max(delays) == 60.0, delays  # the backoff is capped at a minute


async def test_a_notification_expires_once_it_no_longer_matters_and_operators_see_why(
        database, tg, bot, monkeypatch, caplog, sentry_events):
    clock = SimClock(speed=300)  # 5 minutes = 1 s
    monkeypatch.setattr(outbox, "now_precise", clock)
    bot.session.middleware(Outage(tg, lambda: True))  # Telegram does not come back
    trip = trip_ending_in(player(tg, 99, "Dee"), hours=5 / 60)  # the last pickup in 5 minutes
    n = notify(player(tg, 1), "Trip is off", "trip_cancelled", trip=trip)
    aged = notify(player(tg, 2), "Ann joined", "joined")
    Notification.update(created_at=clock.start - timedelta(hours=23, minutes=58)).where(
        Notification.id == aged.id).execute()  # 24 hours old in 2 minutes
    caplog.set_level(logging.WARNING, "bot.workers.notifier")

    async with running(Notifier(bot, per_chat_interval=0, poll_interval=0.01)):
        await until(lambda: outbox.pending_count() == 0, timeout=5)

    n, aged = state(n), state(aged)
    assert n.state == aged.state == NOTIFY_EXPIRED
    assert n.error.startswith(f"expired undelivered: trip {trip.id} was over at ") and n.attempts >= 5
    assert n.error.endswith("last: TelegramServerError: Telegram server says - Bad Gateway")
    assert aged.error.startswith("expired undelivered: not delivered within 24 h")
    assert clock.seconds(attempts_to(tg, 1)[-1].at) < 5 * 60  # tried until the trip was over...
    assert len(attempts_to(tg, 1)) == n.attempts  # ...and never after
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING and "expired" in r.msg]
    assert len(warnings) == 2 and all("tg:" in w and "chat_id" not in w for w in warnings)
    sentry_sdk.flush()
    events = sentry_events.items("event")
    assert [(e["message"], e["level"]) for e in events] == [("Notification expired undelivered", "warning")] * 2
    assert sorted(e["tags"]["notification.kind"] for e in events) == ["joined", "trip_cancelled"]


# ---------------------------------------------------------------------------- claims in one process


async def test_stop_during_a_flood_wait_hands_the_row_back_unsent(database, tg, bot):
    n = notify(player(tg, 1), "hi")
    tg.fail_next("sendMessage", 429, retry_after=5)
    notifier = Notifier(bot)
    task = asyncio.create_task(notifier.run())
    await until(lambda: len(sends(tg)) == 1)
    await asyncio.sleep(0.05)
    assert state(n).state == NOTIFY_SENDING
    await notifier.stop(2)
    assert task.done()
    row = state(n)
    assert (row.state, row.attempts, row.claimed_by) == (NOTIFY_PENDING, 0, "")


async def test_a_claim_left_by_a_dead_sender_goes_out_again(database, tg, bot):
    """The only process (SQLite) finds its dead predecessor's claim at once; replicas wait
    for the claim timeout (the claim's owner may only be slow)."""
    ann = player(tg, 1, "Ann")
    rows = [notify(ann, "in flight when it died"), notify(ann, "next")]
    assert outbox.claim(rows[0].id, "dead-host:1:0000")

    async with running(Notifier(bot, per_chat_interval=0, poll_interval=0.01)):
        await until(lambda: outbox.pending_count() == 0)
    assert [r.params["text"] for r in sends(tg)] == ["in flight when it died", "next"]
    assert_each_sent_once(tg, rows)

    class Replica(Lease):
        sole_sender = False

    late = notify(ann, "claimed by a replica that froze")
    assert outbox.claim(late.id, "frozen-host:2:0000")
    started = time.monotonic()
    async with running(Notifier(bot, per_chat_interval=0, poll_interval=0.01, claim_timeout=0.5, lease=Replica())):
        await until(lambda: state(late).state == NOTIFY_SENT)
    assert time.monotonic() - started >= 0.5


# ---------------------------------------------------------------------------- 4. the write after a send


async def test_mark_sent_failing_after_a_send_retries_the_write_not_the_send(database, db_url, tg, bot):
    """'database is locked' right after Telegram accepted the message: the write is retried
    until it succeeds, and the message is not sent again."""
    ann = player(tg, 1, "Ann")
    n = notify(ann, "hello")
    db.execute_sql("PRAGMA busy_timeout = 20")  # fail fast instead of waiting 5 s for the lock
    locks: list[sqlite3.Connection] = []

    class LockAfterSend(BaseRequestMiddleware):
        async def __call__(self, make_request, bot, method):
            result = await make_request(bot, method)
            if isinstance(method, SendMessage) and not locks:  # another writer holds the lock 0.3 s
                con = sqlite3.connect(sqlite_path(db_url), isolation_level=None)
                con.execute("BEGIN IMMEDIATE")
                locks.append(con)
                asyncio.get_running_loop().call_later(0.3, con.close)
            return result

    bot.session.middleware(LockAfterSend())
    async with running(Notifier(bot, per_chat_interval=0, poll_interval=0.02)):
        await until(lambda: state(n).state == NOTIFY_SENT)
        await asyncio.sleep(0.1)  # time enough for a (wrong) second send

    assert locks, "the lock was never taken"
    assert [r.params["text"] for r in tg.requests if r.method == "sendMessage"] == ["hello"]
    assert Notification.get_by_id(n.id).attempts == 1
