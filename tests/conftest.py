"""Shared fixtures: a real SQLite database built by the real migrations, settings,
and a dialog harness driving the bot's own dispatcher with aiogram-dialog's test tools."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

from bot.config import Settings
from bot.infra.db import init_database, migrate
from models import db

TOKEN = "123456:TEST-token-for-the-fake-bot-api-0000"

# Hypothesis: no per-example deadline (xdist workers and bot processes share two cores here, so a
# deadline measures the machine's load, not the code); HYPOTHESIS_PROFILE=thorough for a deep run.
hypothesis_settings.register_profile("suite", deadline=None)
hypothesis_settings.register_profile("thorough", deadline=None, max_examples=1000)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "suite"))


@pytest.hookimpl(tryfirst=True)
def pytest_cmdline_main(config):
    """The README's plain ``pytest`` (the whole suite) runs on pytest-xdist workers, one per core;
    a run of chosen files or tests, ``-n N`` and ``-p no:xdist`` are left as asked."""
    if (hasattr(config, "workerinput") or getattr(config.option, "numprocesses", False) is not None
            or config.args_source != pytest.Config.ArgsSource.TESTPATHS or config.option.usepdb):
        return
    config.option.numprocesses = "auto"
    if config.option.dist == "no":
        config.option.dist = "worksteal"  # the real-process tests last 5-15 s: even out the end


# Names a test module imports when its tests run programs (bot processes, the CLI, pip).
_RUNS_PROGRAMS = ("BotProcess", "subprocess", "carpool_bot_command")


def runs_programs(item) -> bool:
    module = getattr(item, "module", None)
    return module is not None and any(name in vars(module) for name in _RUNS_PROGRAMS)


def pytest_collection_modifyitems(config, items):
    """On xdist workers, tests that run programs (the long ones, 3-40 s) go first: a long test
    that starts last keeps one core busy while the other idles. Every worker sorts alike."""
    if hasattr(config, "workerinput"):
        items.sort(key=lambda item: not runs_programs(item))  # stable: file order otherwise


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory) -> Path:
    """An empty database with every migration applied, copied for each test."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    migrate(f"sqlite:///{path}", backup=False)
    return path


@pytest.fixture
def db_url(tmp_path, migrated_template) -> str:
    path = tmp_path / "carpool.sqlite3"
    shutil.copy(migrated_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def database(db_url):
    database = init_database(db_url)
    yield database
    database.close()


@pytest.fixture
def settings(db_url, tmp_path) -> Settings:
    # throttle_rate=0: the tests tap far faster than a person (tests/test_access.py checks the throttle)
    return Settings(telegram_token=TOKEN, database_url=db_url, log_dir=tmp_path / "logs", throttle_rate=0)


def require_services() -> bool:
    return os.environ.get("CARPOOL_REQUIRE_SERVICES") == "1"


@pytest.fixture
def env(database, settings):
    from tests.harness import DialogEnv

    return DialogEnv(settings)


PG_ADMIN_URL = os.environ.get("CARPOOL_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")


def _redis_test_url(base: str, worker: str | None) -> str:
    """``base`` for a plain run; under pytest-xdist, worker ``gwN`` gets database number ``base - N``
    (15, 14, ...) so that one worker's flush never empties another's data."""
    if not worker or not worker.startswith("gw"):
        return base
    head, _, number = base.rpartition("/")
    index = int(worker[2:])
    assert int(number) - index >= 0, f"too many xdist workers for Redis databases below {base}"
    return f"{head}/{int(number) - index}"


REDIS_TEST_URL = _redis_test_url(os.environ.get("CARPOOL_TEST_REDIS", "redis://127.0.0.1:6379/15"),
                                 os.environ.get("PYTEST_XDIST_WORKER"))


def _service_missing(name: str, error: Exception):
    if require_services():
        pytest.fail(f"{name} is required (CARPOOL_REQUIRE_SERVICES=1) but not answering: {error}")
    pytest.skip(f"{name} not running here: {error}")


@pytest.fixture
def pg_url():
    """A fresh, empty PostgreSQL database for one test, dropped afterwards."""
    import uuid

    import psycopg2  # a test dependency: missing is an install error, not a skip
    try:
        admin = psycopg2.connect(PG_ADMIN_URL, connect_timeout=3)
    except psycopg2.OperationalError as exc:
        _service_missing("PostgreSQL", exc)
    admin.autocommit = True
    name = f"carpool_t_{uuid.uuid4().hex[:12]}"
    with admin.cursor() as cur:
        cur.execute(f'CREATE DATABASE "{name}"')
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}"
    finally:
        if not db.is_closed() and getattr(db.obj, "database", None) == name:
            db.close()
        with admin.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@pytest.fixture
def redis_url():
    """The local Redis (database 15), emptied before and after the test."""
    import redis  # a test dependency
    client = redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=3)
    try:
        client.flushdb()
    except redis.RedisError as exc:
        _service_missing("Redis", exc)
    yield REDIS_TEST_URL
    client.flushdb()
    client.close()


@pytest.fixture
def tg():
    """The fake Telegram Bot API (bot/devtools/fakeapi) for one test."""
    from bot.devtools.fakeapi import FakeTelegram

    with FakeTelegram(token=TOKEN) as fake:
        yield fake
