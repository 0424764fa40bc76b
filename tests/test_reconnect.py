"""A PostgreSQL connection that dies under the bot (issue #17, item 5), in-process:
the reconnecting database, the one-operation retry, and the guard that redoes, holds or
hands back (webhook 503) an update that failed because a service was unreachable."""

from __future__ import annotations

import asyncio
import dataclasses
import time

import peewee as pw
import psycopg2
import pytest
from aiogram import Dispatcher
from aiogram.types import Update

from bot.app import build_dispatcher, build_error_router
from bot.infra import resilience
from dialogs.i18n import tr_for
from bot.infra.db import init_database, migrate, open_database
from models import User, db, users
from models.base import retry_on_disconnect
from tests.conftest import PG_ADMIN_URL
from tests.harness import RecordingBot


# ------------------------------------------------------------------ helpers

def kill_my_connection() -> None:
    """Terminate the backend behind this thread's connection, and wait until it is gone."""
    pid = db.execute_sql("SELECT pg_backend_pid()").fetchone()[0]
    admin = psycopg2.connect(PG_ADMIN_URL)
    admin.autocommit = True
    try:
        with admin.cursor() as cur:
            cur.execute("SELECT pg_terminate_backend(%s)", (pid,))
            for _ in range(200):
                cur.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", (pid,))
                if cur.fetchone() is None:
                    return
                time.sleep(0.01)
    finally:
        admin.close()
    raise AssertionError(f"backend {pid} did not exit")


def disconnect_error() -> pw.InterfaceError:
    """What Peewee raises for a statement on a connection that died (as psycopg2 reports it)."""
    driver = psycopg2.InterfaceError("connection already closed")
    return pw.InterfaceError(driver, *driver.args)


def message_update(update_id: int, user_id: int = 7, text: str = "hello") -> Update:
    return Update.model_validate({
        "update_id": update_id,
        "message": {"message_id": update_id, "date": int(time.time()), "text": text,
                    "chat": {"id": user_id, "type": "private", "first_name": "Ann"},
                    "from": {"id": user_id, "is_bot": False, "first_name": "Ann"}},
    })


@pytest.fixture
def pg(pg_url):
    migrate(pg_url)
    database = init_database(pg_url)
    yield database
    if not db.is_closed():
        db.close()


# ------------------------------------------------------------------ the database

def test_plain_peewee_stays_broken_after_the_connection_dies(pg_url):
    """The bug: Peewee alone never reconnects; every statement fails until a restart."""
    migrate(pg_url)
    plain = open_database(pg_url)
    db.initialize(plain)
    try:
        User.select().count()
        kill_my_connection()
        for _ in range(3):
            with pytest.raises((pw.OperationalError, pw.InterfaceError)):
                User.select().count()
    finally:
        plain.close()


def test_reconnects_outside_and_at_the_start_of_a_transaction(pg):
    assert type(pg).__name__ == "ReconnectingPostgresqlDatabase"
    assert pg.execute_sql("SELECT current_setting('application_name')").fetchone()[0] == "carpool-bot"
    kill_my_connection()
    assert User.select().count() == 0  # a plain statement, on a new connection
    kill_my_connection()
    user, created = users.register_user(1, "Ann")  # BEGIN on the dead connection, then a new one
    assert created and User.select().count() == 1


def test_a_transaction_killed_midway_raises_an_outage_and_leaves_nothing(pg):
    with pytest.raises((pw.OperationalError, pw.InterfaceError)) as caught:
        with db.atomic():
            User.create(telegram_id=1, name="Ann")
            kill_my_connection()
            User.create(telegram_id=2, name="Bob")
    assert resilience.is_outage(caught.value)
    assert User.select().count() == 0  # rolled back by the server; the next statement reconnected


def test_a_query_error_is_not_an_outage(pg):
    users.register_user(1, "Ann")
    with pytest.raises(pw.IntegrityError) as caught:
        User.create(telegram_id=1, name="Ann again")
    assert not resilience.is_outage(caught.value)
    with pytest.raises(pw.ProgrammingError) as caught:
        db.execute_sql("SELECT no_such_column FROM \"user\"")
    assert not resilience.is_outage(caught.value)


def test_retry_on_disconnect_runs_the_operation_once_more(pg):
    runs = []

    @retry_on_disconnect
    def rename(name: str) -> None:
        runs.append(name)
        with db.atomic():
            User.update(name=name).where(User.telegram_id == 1).execute()
            if len(runs) == 1:
                kill_my_connection()
            User.update(username="x").where(User.telegram_id == 1).execute()

    users.register_user(1, "Ann")
    rename("Anna")
    assert runs == ["Anna", "Anna"]
    assert User.get(User.telegram_id == 1).name == "Anna"


def test_retry_on_disconnect_leaves_other_errors_and_outer_transactions_alone(pg):
    runs = []

    @retry_on_disconnect
    def fails(error: Exception) -> None:
        runs.append(1)
        raise error

    with pytest.raises(ValueError):
        fails(ValueError("a bug"))
    assert runs == [1]
    runs.clear()
    with pytest.raises(pw.InterfaceError):
        with db.atomic():
            fails(disconnect_error())  # the outer transaction died too: not retried inside it
    assert runs == [1]


def test_storage_writes_survive_a_connection_killed_midway(pg, monkeypatch):
    from aiogram.fsm.storage.base import StorageKey

    killed = []
    execute = pg.execute_sql

    def kill_in_the_first_state_write(sql, params=None):
        if "fsm_record" in sql and pg.in_transaction() and not killed:
            killed.append(sql)
            kill_my_connection()
        return execute(sql, params)

    monkeypatch.setattr(pg, "execute_sql", kill_in_the_first_state_write)
    storage = resilience.ReconnectingPeeweeStorage()
    key = StorageKey(bot_id=1, chat_id=2, user_id=2)
    asyncio.run(storage.set_data(key, {"step": 3}))
    assert killed and asyncio.run(storage.get_data(key)) == {"step": 3}


def test_effects_count_data_commits_not_dialog_state(pg):
    from aiogram.fsm.storage.base import StorageKey

    effects = resilience.Effects()
    token = resilience._effects.set(effects)
    try:
        asyncio.run(resilience.ReconnectingPeeweeStorage().set_state(StorageKey(1, 2, 2), "A:b"))
        User.select().count()
        assert effects.commits == 0
        with pytest.raises(RuntimeError):
            with db.atomic():
                users.register_user(5, "Eve")
                raise RuntimeError("rolled back")
        assert effects.commits == 0 and not effects.pending
        users.register_user(5, "Eve")
        assert effects.commits == 1
        User.update(name="E").where(User.telegram_id == 5).execute()  # autocommit
        assert effects.commits == 2
    finally:
        resilience._effects.reset(token)


# ------------------------------------------------------------------ the guard

class FakeAvailability:
    """Up after `down` more calls; records the timeouts it was asked to wait."""

    def __init__(self, down: int = 0, up: bool = True):
        self.down, self.up, self.waits = down, up, []

    async def wait_up(self, timeout: float) -> bool:
        self.waits.append(timeout)
        if self.down > 0:
            self.down -= 1
            await asyncio.sleep(min(timeout, 0.01))
            return False
        return self.up


class Gate(FakeAvailability):
    """Down until `released` is set: the updates held for the outage wait for it."""

    def __init__(self):
        super().__init__()
        self.released = asyncio.Event()

    async def wait_up(self, timeout: float) -> bool:
        await self.released.wait()
        return True


async def until(check, timeout: float = 5.0) -> None:
    for _ in range(int(timeout / 0.001)):
        if check():
            return
        await asyncio.sleep(0.001)
    raise AssertionError("condition not met")


def guarded_dispatcher(handler, *, availability=None, **options) -> tuple[Dispatcher, resilience.OutageGuard]:
    dp = Dispatcher()
    dp.include_router(build_error_router())  # the real catch-all: it must hand outages back
    dp.message.register(handler)
    guard = resilience.install(dp, database=None, **options)
    guard.availability = availability or FakeAvailability()
    return dp, guard


async def test_an_update_failing_for_an_outage_is_redone_without_sorry():
    calls = []

    async def handler(message):
        calls.append(message.text)
        if len(calls) < 3:
            raise disconnect_error()
        await message.answer("done")

    bot = RecordingBot()
    dp, guard = guarded_dispatcher(handler)
    await dp.feed_update(bot, message_update(1))
    assert calls == ["hello"] * 3
    assert [m.text for m in bot.calls] == ["done"]  # no "Sorry"
    assert guard.redone == 1 and guard.given_up == 0


async def test_the_guard_is_outside_aiogram_and_the_bots_middlewares(settings):
    app = build_dispatcher(settings)
    first = app.dispatcher.update.outer_middleware[0]
    assert first is app.extras["outage_guard"]
    assert type(app.dispatcher.update.outer_middleware[1]).__name__ == "ErrorsMiddleware"


async def test_polling_holds_an_update_until_the_database_answers():
    calls = []

    async def handler(message):
        calls.append(1)
        if len(calls) == 1:
            raise disconnect_error()

    availability = FakeAvailability(down=0)
    dp, guard = guarded_dispatcher(handler, availability=availability, hold_for=600)
    await dp.feed_update(RecordingBot(), message_update(1))
    assert calls == [1, 1]
    assert availability.waits and availability.waits[0] > 500  # polling: held up to hold_for


async def test_polling_gives_up_after_hold_for_and_says_so():
    async def handler(message):
        raise disconnect_error()

    bot = RecordingBot()
    dp, guard = guarded_dispatcher(handler, availability=FakeAvailability(up=False), hold_for=0.05)
    await dp.feed_update(bot, message_update(1))
    assert guard.given_up == 1
    assert [m.text for m in bot.calls] == [tr_for("en")(resilience.UNAVAILABLE_TEXT)]


async def test_webhook_updates_wait_briefly_then_go_back_to_telegram():
    calls = []

    async def handler(message):
        calls.append(1)
        raise disconnect_error()

    availability = FakeAvailability(down=1)
    dp, guard = guarded_dispatcher(handler, availability=availability, retry_wait=0.05)
    redelivery = resilience.Redelivery()
    await dp.feed_update(RecordingBot(), message_update(1), **{resilience.REDELIVERABLE: redelivery})
    assert redelivery.requested  # the webhook answers 503
    assert calls == [1] and availability.waits[0] <= 0.05


async def test_other_errors_still_get_the_usual_sorry():
    async def handler(message):
        raise RuntimeError("a bug")

    bot = RecordingBot()
    dp, guard = guarded_dispatcher(handler)
    await dp.feed_update(bot, message_update(1))
    assert len(bot.calls) == 1 and "Sorry, something went wrong" in bot.calls[0].text
    assert guard.redone == guard.given_up == 0


async def test_an_update_that_committed_data_before_the_outage_is_not_redone(pg):
    calls = []

    async def handler(message):
        calls.append(1)
        users.register_user(message.from_user.id, "Ann")  # committed
        raise disconnect_error()  # then the connection died in its next transaction

    bot = RecordingBot()
    dp, guard = guarded_dispatcher(handler)
    await dp.feed_update(bot, message_update(1))
    assert calls == [1]  # redoing it would repeat the registration
    assert [m.text for m in bot.calls] == [tr_for("en")(resilience.UNAVAILABLE_TEXT)]


async def test_held_updates_are_drained_on_shutdown():
    gate = Gate()
    calls = []

    async def handler(message):
        calls.append(1)
        if len(calls) == 1:
            raise disconnect_error()

    dp, guard = guarded_dispatcher(handler, availability=gate)
    task = asyncio.create_task(dp.feed_update(RecordingBot(), message_update(1)))
    await until(lambda: guard.held)
    assert guard.held == 1
    asyncio.get_running_loop().call_later(0.05, gate.released.set)
    assert await guard.drain(5) == 0
    await task
    assert calls == [1, 1]


async def test_a_later_update_of_the_same_user_waits_behind_the_held_one():
    gate = Gate()
    fail_once, done = {"first"}, []

    async def handler(message):
        if message.text in fail_once:
            fail_once.discard(message.text)
            raise disconnect_error()
        done.append(message.text)

    dp, guard = guarded_dispatcher(handler, availability=gate)
    bot = RecordingBot()
    first = asyncio.create_task(dp.feed_update(bot, message_update(1, text="first")))
    await until(lambda: guard.held == 1)
    second = asyncio.create_task(dp.feed_update(bot, message_update(2, text="second")))
    await dp.feed_update(bot, message_update(3, user_id=8, text="someone else"))  # not held up
    await asyncio.sleep(0.01)
    assert done == ["someone else"] and guard.held == 2  # "second" waits its turn, drained too
    gate.released.set()
    await asyncio.gather(first, second)
    assert done == ["someone else", "first", "second"]
    assert not guard._order  # no lock left behind


async def test_a_webhook_update_behind_a_held_one_goes_back_to_telegram_in_time():
    async def handler(message):
        raise disconnect_error()

    dp, guard = guarded_dispatcher(handler, availability=FakeAvailability(up=False), retry_wait=0.1)
    first, second = resilience.Redelivery(), resilience.Redelivery()
    await asyncio.gather(
        dp.feed_update(RecordingBot(), message_update(1), **{resilience.REDELIVERABLE: first}),
        dp.feed_update(RecordingBot(), message_update(2), **{resilience.REDELIVERABLE: second}),
    )
    assert first.requested and second.requested


async def test_a_redis_outage_after_a_data_commit_on_sqlite_is_not_redone(database):
    from redis.exceptions import ConnectionError as RedisConnectionError

    calls = []

    async def handler(message):
        calls.append(1)
        users.register_user(message.from_user.id, "Ann")  # committed to SQLite
        raise RedisConnectionError("Connection closed by server.")  # then the dialog state write fails

    bot = RecordingBot()
    dp, guard = guarded_dispatcher(handler)
    await dp.feed_update(bot, message_update(1))
    assert type(database).__name__ == "CountingSqliteDatabase"
    assert calls == [1] and [m.text for m in bot.calls] == [tr_for("en")(resilience.UNAVAILABLE_TEXT)]


async def test_availability_probes_once_for_many_waiters(pg):
    probes = []
    availability = resilience.Availability(db, interval=0.01)
    original = availability.probe

    async def counting_probe():
        probes.append(1)
        return len(probes) >= 3 and await original()

    availability.probe = counting_probe
    results = await asyncio.gather(*(availability.wait_up(5) for _ in range(50)))
    assert all(results) and len(probes) == 3
    assert not await resilience.Availability(db).wait_up(0)


# ------------------------------------------------------------------ with the whole dispatcher

async def test_webhook_answers_503_while_the_database_is_down_and_handles_the_redelivery(pg, pg_url, settings):
    """Real dispatcher, real dedupe, real PostgreSQL refusing connections: the update is
    answered 503 (not 200 with "Sorry"), is not recorded as handled, and its redelivery works."""
    from aiohttp.test_utils import TestClient, TestServer

    from bot.runmodes.webhook import build_web_app

    settings = dataclasses.replace(settings, database_url=pg_url)
    from aiogram.client.session.aiohttp import AiohttpSession

    app = build_dispatcher(settings)
    bot = RecordingBot()
    bot.session = AiohttpSession()  # the webhook handler reads JSON with the bot's session (no request is made)
    web_app = build_web_app(app.dispatcher, bot, path="/hook", secret="s" * 32)
    name = pg_url.rsplit("/", 1)[1]
    admin = psycopg2.connect(PG_ADMIN_URL)
    admin.autocommit = True
    app.extras["outage_guard"].retry_wait = 0.3
    body = message_update(11, user_id=70, text="/start").model_dump(mode="json", exclude_none=True)
    try:
        async with TestClient(TestServer(web_app)) as client:
            with admin.cursor() as cur:
                cur.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
                cur.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (name,))
            headers = {"X-Telegram-Bot-Api-Secret-Token": "s" * 32}
            down = await client.post("/hook", json=body, headers=headers)
            assert down.status == 503 and down.headers["Retry-After"]
            assert not [c for c in bot.calls if "Sorry" in (getattr(c, "text", "") or "")]
            with admin.cursor() as cur:
                cur.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
            again = await client.post("/hook", json=body, headers=headers)  # Telegram redelivers
            assert again.status == 200
            assert users.get_user(70) is not None  # /start registered the player this time
            assert any("Welcome" in (getattr(c, "text", "") or "") for c in bot.calls)
            assert app.extras["dedupe"].skipped == 0
    finally:
        with admin.cursor() as cur:
            cur.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
        admin.close()
