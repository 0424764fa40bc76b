"""One notification sender at a time across replicas, so Telegram's limits hold for the
bot as a whole and no row is sent by two processes.

- PostgreSQL (`DATABASE_URL=postgresql://…`): a session-level advisory lock held on a
  connection of its own. The server releases it the moment that connection dies, so a
  crashed or partitioned leader hands over without waiting for a timeout.
- Otherwise, with `REDIS_URL`: a lease (`SET NX PX`), renewed while the leader works and
  only by its owner; a leader that cannot renew in time stops sending before the lease
  ends, and another replica takes it.
- Neither (SQLite, one process): no election; the only process sends.

The lock says who *should* send; it is not what keeps a row from going out twice. An old
leader can go on for a moment after it lost the lock (until its next check), so every row
is claimed in the database before it is sent (`models.outbox.claim`): two senders never
send the same row. A message that a leader had in flight when it died may go out twice
(at most one per crash per message in flight: `sendMessage` has no idempotency key).

A leader that dies, freezes (SIGSTOP, a stalled VM) or loses its network must lose the
lock within a minute. A PostgreSQL session lock outlives its holder for as long as the
server believes the connection is alive: for ever for a stopped process (its kernel still
answers TCP keepalives), about two hours (the kernel's keepalive default) for a vanished
host. So the lock connection sets `idle_session_timeout` (the server ends the session, and
with it the lock, after `idle_timeout` seconds without a query; the holder checks every
`check_every` seconds, from a background task while it sends) and short TCP keepalives on
both ends; and the holder gives up the role itself when a check gets no answer within
`check_timeout` seconds — well before the server frees the lock for another replica.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import time
import uuid
import zlib

log = logging.getLogger(__name__)

LOCK_NAME = "carpool-bot:notifier"


class Lease:
    """Interface: `await ensure()` -> True while this process may send; `await release()`;
    `await keep()` (a task) checks or renews the lease every `check_every` seconds while the
    sender is busy elsewhere (a long flood wait, a slow request).

    This base class is the single process (SQLite): no election, and `sole_sender` — no
    other process can be sending, so claims found at start were left by a dead run."""

    name = "single process"
    sole_sender = True
    check_every = 1.0

    async def ensure(self) -> bool:
        return True

    def held(self) -> bool:
        return True

    async def release(self) -> None:
        return None

    async def keep(self) -> None:
        if self.sole_sender:
            return
        while True:
            await self.ensure()
            await asyncio.sleep(self.check_every)


class PostgresAdvisoryLease(Lease):
    name = "PostgreSQL advisory lock"
    sole_sender = False

    def __init__(self, dsn: str, key: int | None = None, check_every: float = 1.0,
                 idle_timeout: float = 30.0, check_timeout: float = 5.0):
        self.dsn = dsn
        self.key = key if key is not None else zlib.crc32(LOCK_NAME.encode())
        self.check_every = check_every
        self.idle_timeout = idle_timeout  # the server frees the lock of a holder this long silent
        self.check_timeout = check_timeout  # a check unanswered this long: no longer the sender
        self._conn = None
        self._held = False
        self._checked = 0.0
        self._lock = asyncio.Lock()

    def _connect(self):
        import psycopg2

        conn = psycopg2.connect(
            self.dsn, connect_timeout=max(1, round(self.check_timeout)), application_name="carpool-bot sender lease",
            # the client notices a dead server or network (keepalives; unacknowledged data)
            keepalives=1, keepalives_idle=10, keepalives_interval=5, keepalives_count=3, tcp_user_timeout=20000,
        )
        conn.autocommit = True
        with conn.cursor() as cur:
            for name, value in (
                ("idle_session_timeout", int(self.idle_timeout * 1000)),  # PostgreSQL 14+
                ("tcp_keepalives_idle", 10), ("tcp_keepalives_interval", 5), ("tcp_keepalives_count", 3),
                ("statement_timeout", int(self.check_timeout * 1000)),
            ):
                try:
                    cur.execute(f"SET {name} = %s", (value,))
                except psycopg2.Error as exc:  # an older server: the rest still help
                    log.warning("Sender lease: cannot set %s (%s)", name, exc)
        return conn

    def _check(self, conn, held: bool):
        """In a thread: (the connection, whether we hold the lock)."""
        if conn is None or conn.closed:
            conn, held = self._connect(), False
        with conn.cursor() as cur:
            if not held:
                cur.execute("SELECT pg_try_advisory_lock(%s)", (self.key,))
                held = bool(cur.fetchone()[0])
            else:
                cur.execute("SELECT 1")  # still connected, so still holding it
        return conn, held

    async def _in_thread(self, fn, *args):
        """Run `fn` in a thread; TimeoutError after `check_timeout` (the thread is left to
        finish on its own, and the connection it used is closed when it does)."""
        future = asyncio.get_running_loop().run_in_executor(None, fn, *args)
        done, _ = await asyncio.wait({future}, timeout=self.check_timeout)
        if not done:
            abandoned, self._conn, self._held = self._conn, None, False

            def close_when_done(f: asyncio.Future) -> None:
                result = None if f.cancelled() or f.exception() else f.result()
                _close_quietly(abandoned, result[0] if isinstance(result, tuple) else None)

            future.add_done_callback(close_when_done)
            raise TimeoutError(f"no answer from the database within {self.check_timeout:g}s")
        return future.result()

    async def ensure(self) -> bool:
        async with self._lock:  # the sender and the keeper task: one check at a time
            if self._held and time.monotonic() - self._checked < self.check_every:
                return True
            was = self._held
            try:
                self._conn, held = await self._in_thread(self._check, self._conn, self._held)
            except Exception as exc:  # connection lost: the server has released the lock (or will)
                log.warning("Sender lease (advisory lock) lost or unavailable: %s", exc)
                self._drop()
                held = False
            self._held = held
            self._checked = time.monotonic()
            if held != was:
                log.info("This process %s the notification sender", "is now" if held else "is no longer")
            return held

    def held(self) -> bool:
        return self._held

    def _drop(self) -> None:
        self._held = False
        conn, self._conn = self._conn, None
        _close_quietly(conn)

    async def release(self) -> None:
        if self._conn is not None and self._held:
            try:
                await self._in_thread(self._unlock, self._conn)
            except Exception:  # noqa: BLE001 - closing the connection releases it anyway
                pass
        self._drop()

    def _unlock(self, conn) -> None:
        with conn.cursor() as cur:
            cur.execute("SELECT pg_advisory_unlock(%s)", (self.key,))


def _close_quietly(*conns) -> None:
    for conn in conns:
        if conn is not None:
            try:
                conn.close()
            except Exception:  # noqa: BLE001 - already broken
                pass


_RENEW = """
if redis.call('get', KEYS[1]) == ARGV[1] then
    return redis.call('pexpire', KEYS[1], ARGV[2])
end
return 0
"""
_RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then
    return redis.call('del', KEYS[1])
end
return 0
"""


class RedisLease(Lease):
    name = "Redis lease"
    sole_sender = False

    def __init__(self, redis, ttl: float = 15.0, key: str = LOCK_NAME):
        self.redis = redis
        self.ttl = ttl
        self.key = key
        self.check_every = ttl / 5  # ensure() renews once 20 % of the lease has passed
        self.token = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._valid_until = 0.0
        self._lock = asyncio.Lock()

    async def ensure(self) -> bool:
        async with self._lock:  # the sender and the keeper task: a lost race must not clear a win
            return await self._ensure()

    async def _ensure(self) -> bool:
        now = time.monotonic()
        was = self.held()
        if was and now < self._valid_until - self.ttl * 0.4:
            return True  # renewed recently enough
        try:
            if was:
                ok = await self.redis.eval(_RENEW, 1, self.key, self.token, int(self.ttl * 1000))
            else:
                ok = await self.redis.set(self.key, self.token, nx=True, px=int(self.ttl * 1000))
        except Exception as exc:
            log.warning("Sender lease (Redis) unavailable: %s", exc)
            ok = False
        # stop sending a safe margin before the lease could have passed to another replica
        self._valid_until = now + self.ttl * 0.6 if ok else 0.0
        if bool(ok) != was:
            log.info("This process %s the notification sender", "is now" if ok else "is no longer")
        return bool(ok)

    def held(self) -> bool:
        return time.monotonic() < self._valid_until

    async def release(self) -> None:
        try:
            await self.redis.eval(_RELEASE, 1, self.key, self.token)
        except Exception:  # noqa: BLE001 - it expires by itself
            pass
        self._valid_until = 0.0


def make_lease(database_url: str, redis=None, *, idle_timeout: float = 30.0) -> Lease:
    """`idle_timeout` (SENDER_LEASE_TIMEOUT): how long PostgreSQL keeps a silent (frozen) sender's lock."""
    if database_url.startswith(("postgres://", "postgresql://", "postgresext://")):
        dsn = "postgresql://" + database_url.split("://", 1)[1]
        return PostgresAdvisoryLease(dsn, idle_timeout=idle_timeout)
    if redis is not None:
        return RedisLease(redis)
    return Lease()
