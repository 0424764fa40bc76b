"""Issue #16, item 3, on PostgreSQL: two senders never send the same row, and a sender
that freezes or loses its network loses the sender lock within bounded time.

Two `Notifier`s run in this process, each with its own advisory-lock connection (as two
replicas would); the lock connection of the leader is killed with `pg_terminate_backend`,
frozen with SIGSTOP (a child process), or cut off by a proxy that stops forwarding.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg2
import pytest

from bot.infra.db import init_database, migrate
from bot.workers.leader import PostgresAdvisoryLease
from bot.workers.notifier import Notifier
from models import db, outbox
from tests.conftest import TOKEN
from tests.test_notifier import assert_each_sent_once, make_bot, notify, player, running, sends, until

from bot.devtools.fakeapi import FakeTelegram

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def pg(pg_url):
    migrate(pg_url)
    init_database(pg_url)
    yield "postgresql://" + pg_url.split("://", 1)[1]
    db.close()


def terminate(dsn: str, pid: int) -> None:
    with contextlib.closing(psycopg2.connect(dsn)) as admin:
        admin.autocommit = True
        with admin.cursor() as cur:
            cur.execute("SELECT pg_terminate_backend(%s)", (pid,))


async def test_a_terminated_lock_connection_doubles_nothing(pg):
    """The old leader goes on until its next lease check while the new one starts: each
    row is claimed before it is sent, so they share the rows instead of doubling them."""
    with FakeTelegram(token=TOKEN) as tg:
        rows = [notify(player(tg, 100 + i), f"hello {i}") for i in range(30)]
        tg.delay("sendMessage", 0.02)
        bots = [make_bot(tg.base_url) for _ in range(2)]
        old, new = (Notifier(b, per_chat_interval=0, poll_interval=0.02, lease=PostgresAdvisoryLease(pg))
                    for b in bots)
        try:
            async with running(old):
                await until(lambda: len(sends(tg)) >= 3)
                async with running(new):
                    await asyncio.sleep(0.1)
                    assert old.lease.held() and not new.lease.held()
                    terminate(pg, old.lease._conn.get_backend_pid())
                    await until(lambda: outbox.pending_count() == 0, timeout=10)
                    await until(lambda: new.lease.held() and not old.lease.held(), timeout=5)
        finally:
            for b in bots:
                await b.session.close()
        assert_each_sent_once(tg, rows)


# ---------------------------------------------------------------------------- frozen or cut-off leader

HOLDER = """
import asyncio, sys
from bot.workers.leader import PostgresAdvisoryLease

async def main():
    lease = PostgresAdvisoryLease(sys.argv[1], check_every=0.1)
    lease.idle_timeout = float(sys.argv[2])
    while not await lease.ensure():
        await asyncio.sleep(0.05)
    print("held", flush=True)
    while True:  # a live sender checks its lease all the time
        await lease.ensure()
        await asyncio.sleep(0.1)

asyncio.run(main())
"""


async def test_a_frozen_sender_loses_the_lock(pg):
    """SIGSTOP: the kernel still answers TCP keepalives for a stopped process, so only the
    server's idle-session timeout frees the lock."""
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, pg, "1.0"], cwd=ROOT, stdout=subprocess.PIPE)
    other = PostgresAdvisoryLease(pg)
    try:
        line = await asyncio.wait_for(asyncio.to_thread(holder.stdout.readline), 20)
        assert line.strip() == b"held"
        assert not await other.ensure()
        os.kill(holder.pid, signal.SIGSTOP)
        frozen = time.monotonic()
        while not await other.ensure():
            assert time.monotonic() - frozen < 6, "the frozen sender still holds the lock"
            await asyncio.sleep(0.1)
        assert time.monotonic() - frozen < 1.0 + 2.0
    finally:
        holder.kill()
        holder.wait()
        holder.stdout.close()
        await other.release()


class Proxy:
    """A TCP proxy to PostgreSQL that can stop forwarding without closing anything: to both
    ends, the other host has vanished (its kernel still acknowledges, nothing comes back)."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.frozen = asyncio.Event()
        self.server = None
        self.writers: list[asyncio.StreamWriter] = []

    async def __aenter__(self) -> Proxy:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self.server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc) -> None:
        self.server.close()
        for w in self.writers:  # a client thread still waiting for an answer gets EOF
            w.close()

    async def _serve(self, reader, writer) -> None:
        up_reader, up_writer = await asyncio.open_connection(*self.target)
        self.writers += [writer, up_writer]

        async def pipe(src, dst):
            while not self.frozen.is_set():
                data = await src.read(65536)
                if not data or self.frozen.is_set():
                    break
                dst.write(data)
                await dst.drain()
            await asyncio.Event().wait()  # vanished: hold both sockets open, say nothing

        tasks = [asyncio.create_task(pipe(reader, up_writer)), asyncio.create_task(pipe(up_reader, writer))]
        try:
            await asyncio.gather(*tasks)
        finally:
            for t in tasks:
                t.cancel()


async def test_a_leader_cut_off_from_the_database_stops_and_loses_the_lock(pg):
    """The network to the database goes silent: the leader stops counting itself the sender
    within its check timeout, and the server frees the lock for another replica."""
    async with Proxy("127.0.0.1", 5432) as proxy:
        via_proxy = pg.replace("@127.0.0.1:5432/", f"@127.0.0.1:{proxy.port}/")
        assert via_proxy != pg
        leader = PostgresAdvisoryLease(via_proxy, check_every=0.1)
        leader.idle_timeout = 1.0
        leader.check_timeout = 1.0
        other = PostgresAdvisoryLease(pg)
        try:
            assert await leader.ensure() and not await other.ensure()
            proxy.frozen.set()
            cut = time.monotonic()
            await asyncio.sleep(0.15)
            assert not await asyncio.wait_for(leader.ensure(), 5), "still counts itself the sender"
            assert time.monotonic() - cut < 2.5
            while not await other.ensure():
                assert time.monotonic() - cut < 6, "the lock is still held for the vanished leader"
                await asyncio.sleep(0.1)
        finally:
            await other.release()
            leader._drop()


async def test_the_leader_keeps_its_lock_through_a_long_flood_wait(pg, caplog):
    """The idle-session timeout must not take the lock from a healthy leader that is only
    waiting (a 429 pause longer than the timeout): a background task keeps checking it."""
    with FakeTelegram(token=TOKEN) as tg:
        n = notify(player(tg, 1), "after the flood wait")
        tg.fail_next("sendMessage", 429, retry_after=2)
        bot = make_bot(tg.base_url)
        lease = PostgresAdvisoryLease(pg, check_every=0.2, idle_timeout=1.0)
        try:
            async with running(Notifier(bot, poll_interval=0.05, lease=lease)):
                await until(lambda: lease.held())
                while len(sends(tg)) < 2:
                    assert lease.held() and lease._conn is not None
                    await asyncio.sleep(0.1)
                await until(lambda: outbox.pending_count() == 0)
        finally:
            await bot.session.close()
        assert_each_sent_once(tg, [n])
        assert "lost or unavailable" not in caplog.text


async def test_the_lock_connection_has_short_timeouts(pg):
    lease = PostgresAdvisoryLease(pg)
    try:
        assert await lease.ensure()
        with lease._conn.cursor() as cur:
            settings = {}
            for name in ("idle_session_timeout", "tcp_keepalives_idle", "tcp_keepalives_interval",
                         "tcp_keepalives_count", "statement_timeout"):
                cur.execute(f"SHOW {name}")
                settings[name] = cur.fetchone()[0]
        assert settings == {"idle_session_timeout": "30s", "tcp_keepalives_idle": "10", "tcp_keepalives_interval": "5",
                            "tcp_keepalives_count": "3", "statement_timeout": "5s"}
        params = lease._conn.get_dsn_parameters()
        assert (params["keepalives_idle"], params["tcp_user_timeout"]) == ("10", "20000")
    finally:
        await lease.release()


def test_a_claim_run_again_by_its_owner_still_holds(database):
    """A reconnect re-runs a claim whose commit answer was lost: it must not count as taken by
    someone else (the row would wait out the claim timeout)."""
    from models import users

    row = outbox.enqueue(users.register_user(501, "Rae")[0], "hi", kind="test")
    assert outbox.claim(row.id, "sender-a")
    assert outbox.claim(row.id, "sender-a")  # the same claim again
    assert not outbox.claim(row.id, "sender-b")
