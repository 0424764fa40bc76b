"""Databases that go away and come back: PostgreSQL restarts and failovers, Redis restarts.

From the bottom up:

- `resilient_database` builds the bot's own database (`init_database`). On PostgreSQL a
  statement or a `BEGIN` that finds the connection dead (a restart, a failover,
  `pg_terminate_backend`) runs again on a new connection, outside transactions only.
  Peewee's `ReconnectMixin` matches MySQL's messages and none of psycopg2's; we match
  psycopg2's error classes and SQLSTATEs (`models.base.is_disconnect`). A transaction killed
  midway cannot be resumed: it raises and the server rolls it back. Dialog-state writes are
  retried there and then (`retry_on_disconnect`: an overwrite is safe to repeat); anything
  else fails its update, which the guard below redoes. On every engine it counts the data
  commits made for the update being handled (`Effects`).
- `Availability`: one probe loop (PostgreSQL on a worker thread, so a connect that hangs
  never stalls the event loop; Redis with PING) telling waiting updates when the services
  answer again.
- `OutageGuard`, the outermost `dp.update` middleware (outside aiogram's error middleware,
  its FSM storage and its Redis lock): an update that fails because PostgreSQL or Redis is
  unreachable gets no "Sorry". It is redone once the services answer, if its failed attempt
  committed no data (redoing it then repeats nothing). In polling mode aiogram has already
  confirmed the update to Telegram, so it is held in memory (bounded by `hold_for` seconds
  and `max_attempts`; given up with an error log and a word to the user) and drained on
  shutdown. In webhook mode it waits `retry_wait` seconds at most, then the request answers
  503 and Telegram delivers the update again (`OutageAwareRequestHandler`). A user's later
  updates wait behind their held one, so nothing is overtaken. The de-duplication
  middleware runs inside the guard and records an update only once it was handled, so a
  redo or a redelivery is never skipped as a repeat.

An update whose failed attempt had already committed data (its second transaction killed
midway) is not redone: it is logged and the user is asked to check and try again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from contextvars import ContextVar
from typing import Any
from urllib.parse import urlparse

import peewee as pw
from aiogram import BaseMiddleware, Dispatcher
from aiogram.dispatcher.event.bases import UNHANDLED
from aiogram.dispatcher.middlewares.user_context import UserContextMiddleware
from aiogram.types import Update
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web

from models.base import is_disconnect, retry_on_disconnect

from .storage import PeeweeStorage

log = logging.getLogger(__name__)

APPLICATION_NAME = "carpool-bot"
CONNECT_TIMEOUT = 5  # seconds; libpq waits for the OS (minutes) on an unreachable host otherwise
REDELIVERABLE = "outage_redeliverable"  # handler data: Telegram delivers this update again on a non-200
UNAVAILABLE_TEXT = "bot-unavailable"  # catalog key (dialogs/locales/*/bot.ftl)


# ---------------------------------------------------------------------------------------------
# What counts as "the service is unreachable"

def is_redis_outage(exc: BaseException) -> bool:
    try:
        from redis.exceptions import ConnectionError as RedisConnectionError
        from redis.exceptions import TimeoutError as RedisTimeoutError
    except ImportError:
        return False
    return isinstance(exc, (RedisConnectionError, RedisTimeoutError))


def outage_of(exc: BaseException | None) -> BaseException | None:
    """The error saying PostgreSQL or Redis could not be reached, if that is why `exc` was
    raised. It may hide behind the error of some cleanup it broke (aiogram-dialog's error
    middleware raises KeyError when it cannot load the stack), so the chain is followed."""
    for _ in range(10):
        if exc is None:
            return None
        if is_disconnect(exc) or is_redis_outage(exc):
            return exc
        exc = exc.__cause__ or exc.__context__
    return None


def is_outage(exc: BaseException | None) -> bool:
    """The update failed because PostgreSQL or Redis could not be reached, not because of it."""
    return outage_of(exc) is not None


# ---------------------------------------------------------------------------------------------
# What an update has committed (is it safe to redo?)

class Effects:
    """Data changes committed on behalf of one attempt at an update. Dialog state
    (`fsm_record`, an overwrite) and de-duplication marks do not count: writing them again
    is harmless."""

    __slots__ = ("commits", "pending")

    def __init__(self) -> None:
        self.commits = 0
        self.pending = False  # written in the open transaction


_effects: ContextVar[Effects | None] = ContextVar("carpool_update_effects", default=None)
_WRITE = re.compile(r'\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)', re.IGNORECASE)
HARMLESS_TO_REPEAT = frozenset({"fsm_record", "processed_update"})


def _is_data_write(sql: str) -> bool:
    if sql[:6].upper() not in ("INSERT", "UPDATE", "DELETE"):  # most statements: SELECT
        return False
    match = _WRITE.match(sql)
    return match is not None and match.group(1) not in HARMLESS_TO_REPEAT


# ---------------------------------------------------------------------------------------------
# The bot's database: commits counted per update; on PostgreSQL, reconnect on a lost connection

class CountCommits:
    """Mixin for Peewee databases: notes the data commits made for the update being handled."""

    def execute_sql(self, sql, params=None):
        in_transaction = self.in_transaction()
        cursor = super().execute_sql(sql, params)
        effects = _effects.get()
        if effects is not None and _is_data_write(sql):
            if in_transaction:
                effects.pending = True
            else:
                effects.commits += 1  # autocommit: committed now
        return cursor

    def commit(self):
        super().commit()
        effects = _effects.get()
        if effects is not None and effects.pending:
            effects.commits += 1
            effects.pending = False

    def rollback(self):
        effects = _effects.get()
        if effects is not None:
            effects.pending = False
        super().rollback()


class ReconnectOnDisconnect(CountCommits):
    """Mixin for Peewee's PostgreSQL databases (see the module docstring)."""

    def execute_sql(self, sql, params=None):
        if self.in_transaction():
            return super().execute_sql(sql, params)
        return self._again_if_disconnected(super().execute_sql, sql, params)

    def begin(self, *args, **kwargs):
        return self._again_if_disconnected(super().begin, *args, **kwargs)

    def _again_if_disconnected(self, func, *args, **kwargs):
        try:
            return func(*args, **kwargs)
        except (pw.OperationalError, pw.InterfaceError) as exc:
            if self.in_transaction() or not is_disconnect(exc):
                raise
            log.warning("PostgreSQL connection lost (%s); reconnecting", _first_line(exc))
            self._drop_connection()
            return func(*args, **kwargs)  # opens a new connection; raises if the server is down

    def _drop_connection(self) -> None:
        try:
            self.close()
        except Exception:  # noqa: BLE001 - the connection is already broken
            self._state.reset()


class ReconnectingPeeweeStorage(PeeweeStorage):
    """The database dialog storage, whose writes (overwrites of one user's state) are written
    again when the connection died under them, instead of failing the whole update."""

    _upsert = staticmethod(retry_on_disconnect(PeeweeStorage._upsert))


_classes: dict[tuple[type, type], type] = {}


def _with(mixin: type, base: type[pw.Database]) -> type[pw.Database]:
    if (mixin, base) not in _classes:
        name = ("Reconnecting" if mixin is ReconnectOnDisconnect else "Counting") + base.__name__
        _classes[mixin, base] = type(name, (mixin, base), {})
    return _classes[mixin, base]


def resilient_database(url: str, **params: Any) -> pw.Database:
    """The bot's own database for a `DATABASE_URL`: it counts the commits made for each update
    (the guard redoes only updates that committed nothing), and on PostgreSQL it reconnects,
    is named `carpool-bot` in `pg_stat_activity` and gives up a connect after 5 s (both can
    be set in the URL: `?application_name=...&connect_timeout=...`)."""
    from playhouse import db_url

    parsed = urlparse(url)
    kwargs = db_url.parseresult_to_dict(parsed)
    kwargs.update(params)
    base = db_url.schemes[parsed.scheme]
    if issubclass(base, pw.PostgresqlDatabase):
        kwargs.setdefault("application_name", APPLICATION_NAME)
        kwargs.setdefault("connect_timeout", CONNECT_TIMEOUT)
        return _with(ReconnectOnDisconnect, base)(**kwargs)
    return _with(CountCommits, base)(**kwargs)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}"


# ---------------------------------------------------------------------------------------------
# Knowing when the services answer again

class Availability:
    """`await wait_up(timeout)` -> True as soon as every service answers (one shared probe loop,
    every `interval` seconds, only while someone waits)."""

    def __init__(self, database: pw.Database | pw.DatabaseProxy | None, redis=None, *,
                 interval: float = 0.25, probe_timeout: float = 5.0) -> None:
        self.database = database
        self.redis = redis
        self.interval = interval
        self.probe_timeout = probe_timeout
        self._episode: asyncio.Future | None = None
        self._waiters = 0
        self._task: asyncio.Task | None = None

    async def wait_up(self, timeout: float) -> bool:
        if timeout <= 0:
            return False
        if self._episode is None or self._episode.done():
            self._episode = asyncio.get_running_loop().create_future()
            self._task = asyncio.create_task(self._probe_loop(self._episode), name="outage-probe")
        episode = self._episode
        self._waiters += 1
        try:
            await asyncio.wait({episode}, timeout=timeout)  # never cancels the shared episode
        finally:
            self._waiters -= 1
        return episode.done() and not episode.cancelled()

    async def _probe_loop(self, episode: asyncio.Future) -> None:
        failures = 0
        while not episode.done():
            if await self.probe():
                if failures:
                    log.info("Database services answer again (after %d failed probe(s))", failures)
                episode.set_result(True)
                return
            failures += 1
            await asyncio.sleep(self.interval)
            if self._waiters == 0 and not episode.done():
                episode.cancel()

    async def probe(self) -> bool:
        try:
            if self.database is not None:
                await asyncio.wait_for(asyncio.to_thread(self._probe_database), self.probe_timeout)
            if self.redis is not None:
                await asyncio.wait_for(self.redis.ping(), self.probe_timeout)
            return True
        except Exception as exc:  # noqa: BLE001 - any failure means "not yet"
            log.debug("Probe: still unavailable (%s)", _first_line(exc))
            return False

    def _probe_database(self) -> None:
        """On a worker thread: its own connection (Peewee's are per thread), closed after."""
        database = self.database
        try:
            database.connect(reuse_if_open=True)
            database.execute_sql("SELECT 1")
        finally:
            with contextlib.suppress(Exception):
                database.close()


# ---------------------------------------------------------------------------------------------
# Updates that fail because a service is unreachable

class Redelivery:
    """Handler data of a webhook update (`REDELIVERABLE`): set when it could not be handled
    now, so the request answers 503 and Telegram delivers the update again."""

    __slots__ = ("requested",)

    def __init__(self) -> None:
        self.requested = False


class OutageGuard(BaseMiddleware):
    """The outermost `dp.update` middleware (see the module docstring). `redone`, `given_up`
    and `held` count what it did, for tests and logs."""

    def __init__(self, availability: Availability, *, retry_wait: float = 5.0, hold_for: float = 600.0,
                 max_attempts: int = 5, max_held: int = 5000) -> None:
        self.availability = availability
        self.retry_wait = retry_wait
        self.hold_for = hold_for
        self.max_attempts = max_attempts
        self.max_held = max_held
        self._held: set[asyncio.Task] = set()
        self._order: dict[tuple, list] = {}  # (chat, user) -> [lock, updates using it]
        self.redone = 0
        self.given_up = 0

    @property
    def held(self) -> int:
        return len(self._held)

    async def __call__(self, handler, event: Any, data: dict[str, Any]) -> Any:
        if not isinstance(event, Update):
            return await handler(event, data)
        redelivery: Redelivery | None = data.get(REDELIVERABLE)
        deadline = asyncio.get_running_loop().time() + (self.retry_wait if redelivery else self.hold_for)
        task = asyncio.current_task()
        try:
            async with self._in_order(event, deadline) as in_turn:
                if not in_turn:
                    return await self._give_up(event, "an earlier update of this user is still held", redelivery)
                return await self._attempts(handler, event, data, redelivery, deadline)
        finally:
            self._held.discard(task)

    @contextlib.asynccontextmanager
    async def _in_order(self, event: Update, deadline: float):
        """One update of a user at a time, in arrival order, also while one of them is held: a
        later tap must not overtake the held one. (aiogram's own per-user lock is taken inside
        the guard, so it is free while an update waits here.) aiogram-dialog's background
        updates (id 0, started by a handler that may hold this lock) are not ordered."""
        context = UserContextMiddleware.resolve_event_context(event)
        key = (context.chat_id, context.user_id)
        if not event.update_id or key == (None, None):
            yield True
            return
        entry = self._order.setdefault(key, [asyncio.Lock(), 0])
        entry[1] += 1
        try:
            lock = entry[0]
            if lock.locked():
                self._held.add(asyncio.current_task())  # waits behind a held update: drained too
                try:
                    async with asyncio.timeout_at(deadline):
                        await lock.acquire()
                except TimeoutError:
                    yield False
                    return
            else:
                await lock.acquire()  # free: taken at once
            try:
                yield True
            finally:
                lock.release()
        finally:
            entry[1] -= 1
            if not entry[1]:
                del self._order[key]

    async def _attempts(self, handler, event: Update, data: dict[str, Any], redelivery: Redelivery | None,
                        deadline: float) -> Any:
        snapshot = dict(data)
        for attempt in range(1, self.max_attempts + 1):
            effects = Effects()
            token = _effects.set(effects)
            try:
                result = await handler(event, data)
            except Exception as exc:
                failure = outage_of(exc)
                if failure is None:
                    raise
            else:
                if attempt > 1:
                    self.redone += 1
                    log.info("Update %s handled at attempt %d, after the outage", event.update_id, attempt)
                return result
            finally:
                _effects.reset(token)
            service = _service(failure)
            if effects.commits:  # redoing it would repeat them
                self.given_up += 1
                log.error("Update %s: %s lost after %d commit(s) of it; not redone", event.update_id, service,
                          effects.commits)
                await _tell(event, UNAVAILABLE_TEXT)
                return None  # handled as far as it goes: a webhook answers 200, Telegram does not repeat it
            log.warning("Update %s: %s unreachable (%s); %s", event.update_id, service, _first_line(failure),
                        "waiting briefly, then Telegram redelivers" if redelivery else "waiting to redo it")
            if not await self._wait(deadline):
                waited = self.retry_wait if redelivery else self.hold_for
                return await self._give_up(event, f"{service} still unreachable after {waited:.0f}s", redelivery)
            data = dict(snapshot)
        return await self._give_up(event, f"{service} failed it {self.max_attempts} times", redelivery)

    async def _wait(self, deadline: float) -> bool:
        task = asyncio.current_task()
        if task not in self._held and len(self._held) >= self.max_held:
            log.error("Already %d updates held for the database: not holding another", len(self._held))
            return False
        self._held.add(task)
        try:
            return await self.availability.wait_up(deadline - asyncio.get_running_loop().time())
        except asyncio.CancelledError:
            log.error("An update held for the database was cut short (shutdown or cancel)")
            raise

    async def _give_up(self, event: Update, why: str, redelivery: Redelivery | None) -> Any:
        self.given_up += 1
        if redelivery is not None:
            log.warning("Update %s not handled (%s): answering 503 so Telegram delivers it again",
                        event.update_id, why)
            redelivery.requested = True
            return UNHANDLED
        log.error("Update %s lost: %s", event.update_id, why)
        await _tell(event, UNAVAILABLE_TEXT)
        return UNHANDLED

    async def drain(self, timeout: float) -> int:
        """On shutdown: wait up to `timeout` for held updates (the services may be back); return
        how many were still waiting."""
        pending = {t for t in self._held if not t.done()}
        if not pending:
            return 0
        log.warning("Waiting up to %.0fs for %d update(s) held for the database", timeout, len(pending))
        _, still = await asyncio.wait(pending, timeout=timeout)
        if still:
            log.error("%d update(s) held for the database are lost at shutdown", len(still))
        return len(still)


def _service(exc: BaseException) -> str:
    return "Redis" if is_redis_outage(exc) else "PostgreSQL"


async def _tell(event: Update, key: str) -> None:
    """Best effort: Telegram is reachable even when our database is not. The player could not
    be read: the language is the one their Telegram app reports."""
    from dialogs.i18n import pick_language, tr_for

    user = (event.callback_query or event.message).from_user if (event.callback_query or event.message) else None
    text = tr_for(pick_language(getattr(user, "language_code", None)))(key)
    try:
        if event.callback_query is not None:
            await event.callback_query.answer(text[:200], show_alert=True)
        elif event.message is not None:
            await event.message.answer(text)
    except Exception:  # noqa: BLE001 - the update is logged as lost already
        log.warning("Could not tell the user about the outage", exc_info=True)


def install(dp: Dispatcher, *, database=None, redis=None, shutdown_timeout: float = 10.0,
            **options: Any) -> OutageGuard:
    """Put the guard outside every other `dp.update` middleware, aiogram's own included (its
    error middleware, FSM storage and Redis event lock), and drain it on shutdown."""
    guard = OutageGuard(Availability(database, redis), **options)
    manager = dp.update.outer_middleware
    others = list(manager)
    for middleware in others:
        manager.unregister(middleware)
    manager(guard)
    for middleware in others:
        manager(middleware)

    async def drain_held() -> None:
        await guard.drain(shutdown_timeout)

    dp.shutdown.register(drain_held)
    return guard


# ---------------------------------------------------------------------------------------------
# Webhook: a non-200 for an update that could not be handled now

class OutageAwareRequestHandler(SimpleRequestHandler):
    """aiogram's webhook handler, answering 503 (with `Retry-After`) for an update the guard
    could not handle now, so Telegram delivers it again; 200 otherwise, as aiogram does."""

    def __init__(self, *args: Any, retry_after: int = 5, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.retry_after = retry_after

    async def _handle_request(self, bot, request: web.Request) -> web.Response:
        redelivery = Redelivery()
        result = await self.dispatcher.feed_webhook_update(
            bot, await request.json(loads=bot.session.json_loads), **self.data, **{REDELIVERABLE: redelivery})
        if redelivery.requested:
            return web.json_response({"ok": False, "description": "temporarily unavailable"},
                                     status=503, headers={"Retry-After": str(self.retry_after)})
        return web.Response(body=self._build_response_writer(bot=bot, result=result))
