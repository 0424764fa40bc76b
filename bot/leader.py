"""One notification sender at a time across replicas, so Telegram's limits hold for the
bot as a whole and no row is sent by two processes.

- PostgreSQL (`DATABASE_URL=postgresql://…`): a session-level advisory lock held on a
  connection of its own. The server releases it the moment that connection dies, so a
  crashed or partitioned leader hands over without waiting for a timeout.
- Otherwise, with `REDIS_URL`: a lease (`SET NX PX`), renewed while the leader works and
  only by its owner; a leader that cannot renew in time stops sending before the lease
  ends, and another replica takes it.
- Neither (SQLite, one process): no election; the only process sends.

A new leader sends what is pending; a message that the old leader had in flight when it
died may go out twice (at most one per crash: `sendMessage` has no idempotency key).
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
    """Interface: `await ensure()` -> True while this process may send; `await release()`."""

    name = "single process"

    async def ensure(self) -> bool:
        return True

    def held(self) -> bool:
        return True

    async def release(self) -> None:
        return None


class PostgresAdvisoryLease(Lease):
    name = "PostgreSQL advisory lock"

    def __init__(self, dsn: str, key: int | None = None, check_every: float = 1.0):
        self.dsn = dsn
        self.key = key if key is not None else zlib.crc32(LOCK_NAME.encode())
        self.check_every = check_every
        self._conn = None
        self._held = False
        self._checked = 0.0

    def _connect(self):
        import psycopg2

        conn = psycopg2.connect(self.dsn, connect_timeout=5, application_name="carpool-bot sender lease")
        conn.autocommit = True
        return conn

    def _try(self) -> bool:
        if self._conn is None or self._conn.closed:
            self._conn = self._connect()
        with self._conn.cursor() as cur:
            if not self._held:
                cur.execute("SELECT pg_try_advisory_lock(%s)", (self.key,))
                self._held = bool(cur.fetchone()[0])
            else:
                cur.execute("SELECT 1")  # still connected, so still holding it
        return self._held

    async def ensure(self) -> bool:
        now = time.monotonic()
        if self._held and now - self._checked < self.check_every:
            return True
        was = self._held
        try:
            held = await asyncio.to_thread(self._try)
        except Exception as exc:  # connection lost: the server has released the lock
            log.warning("Sender lease (advisory lock) lost or unavailable: %s", exc)
            self._drop()
            held = False
        self._checked = now
        if held != was:
            log.info("This process %s the notification sender", "is now" if held else "is no longer")
        return held

    def held(self) -> bool:
        return self._held

    def _drop(self) -> None:
        self._held = False
        if self._conn is not None:
            try:
                self._conn.close()
            except Exception:  # noqa: BLE001 - already broken
                pass
            self._conn = None

    async def release(self) -> None:
        if self._conn is not None and self._held:
            try:
                await asyncio.to_thread(self._unlock)
            except Exception:  # noqa: BLE001 - closing the connection releases it anyway
                pass
        self._drop()

    def _unlock(self) -> None:
        with self._conn.cursor() as cur:
            cur.execute("SELECT pg_advisory_unlock(%s)", (self.key,))


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

    def __init__(self, redis, ttl: float = 15.0, key: str = LOCK_NAME):
        self.redis = redis
        self.ttl = ttl
        self.key = key
        self.token = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._valid_until = 0.0

    async def ensure(self) -> bool:
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


def make_lease(database_url: str, redis=None) -> Lease:
    if database_url.startswith(("postgres://", "postgresql://", "postgresext://")):
        dsn = "postgresql://" + database_url.split("://", 1)[1]
        return PostgresAdvisoryLease(dsn)
    if redis is not None:
        return RedisLease(redis)
    return Lease()
