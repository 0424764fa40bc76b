"""Health that tells the truth (issue #17, items 1 and 2).

In-process: a read-only database (`PRAGMA query_only`) and failing updates turn both
`/healthz` and the heartbeat file unhealthy, and both recover by themselves when the
cause goes away. The heartbeat file is per process (`{hostname}`), and the check fails
on a file another host or a dead process wrote instead of passing for it.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import time
from contextlib import asynccontextmanager

import pytest
from aiogram import Bot
from aiohttp.test_utils import TestClient, TestServer

from bot import health
from bot.infra.healthstate import HealthState, write_heartbeat
from bot.runmodes.runner import heartbeat
from bot.runmodes.webhook import build_web_app
from models import db
from tests.conftest import TOKEN

SECRET = "s3cret-webhook-token-0123456789abcdef"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


# --- the state: recent update outcomes and the write probe ------------------------------------

def test_most_recent_updates_failing_is_unhealthy_and_recovers():
    clock = Clock()
    state = HealthState(probe=lambda: None, clock=clock, window=60, min_failures=3)
    assert state.status() == (True, "")
    for _ in range(2):
        state.record(False)
    assert state.status()[0]  # two failures are not a trend
    state.record(False)
    healthy, reason = state.status()
    assert not healthy and "3 of the last 3 updates failed" in reason
    for _ in range(3):
        state.record(True)
    assert state.status()[0] is True  # 3 of 6: not most any more
    for _ in range(4):
        state.record(False)
    assert not state.status()[0]
    clock.now += 61  # no traffic since: the failures age out
    assert state.status() == (True, "")


def test_a_failing_write_probe_is_unhealthy_until_it_succeeds():
    outcome: list[Exception] = [OSError("database or disk is full")]

    def probe():
        if outcome:
            raise outcome[0]

    state = HealthState(probe=probe, clock=Clock())
    state.probe()
    healthy, reason = state.status()
    assert not healthy and reason == "the database refuses writes"
    outcome.clear()
    state.probe()
    assert state.status() == (True, "")


def test_probe_runs_at_most_once_per_max_age():
    calls = []
    clock = Clock()
    state = HealthState(probe=lambda: calls.append(clock.now), clock=clock)
    state.probe(max_age=1.0)
    state.probe(max_age=1.0)
    clock.now += 1.0
    state.probe(max_age=1.0)
    assert calls == [1000.0, 1001.0]


def test_status_changes_wake_the_heartbeat():
    state = HealthState(probe=lambda: None, clock=Clock(), min_failures=1)

    async def scenario():
        state.changed.clear()
        state.record(True)
        assert not state.changed.is_set()  # no change, no early beat
        state.record(False)  # one of two: not most
        assert not state.changed.is_set()
        state.record(False)
        assert state.changed.is_set()

    asyncio.run(scenario())


# --- a read-only database ---------------------------------------------------------------------

@asynccontextmanager
async def webhook_client(settings):
    from bot.app import build_dispatcher

    app = build_dispatcher(settings)
    bot = Bot(TOKEN)
    client = TestClient(TestServer(build_web_app(app.dispatcher, bot, path="/hook", secret=SECRET)))
    await client.start_server()
    try:
        yield client, app
    finally:
        await client.close()


async def healthz(client) -> tuple[int, dict]:
    response = await client.get("/healthz")
    return response.status, await response.json()


async def test_read_only_database_fails_healthz_and_recovers(database, settings, monkeypatch):
    monkeypatch.setattr("bot.runmodes.webhook.PROBE_MAX_AGE", 0.0)  # probe on every request
    async with webhook_client(settings) as (client, _):
        assert await healthz(client) == (200, {"status": "ok"})
        db.execute_sql("PRAGMA query_only = 1")  # every write now fails, reads still work
        try:
            status, body = await healthz(client)
            assert status == 503 and body["reason"] == "the database refuses writes"
        finally:
            db.execute_sql("PRAGMA query_only = 0")
        assert await healthz(client) == (200, {"status": "ok"})  # recovered by itself


async def test_read_only_database_fails_the_heartbeat_file_and_recovers(database, tmp_path):
    beat = tmp_path / "hb-{hostname}"
    state = HealthState()
    task = asyncio.create_task(heartbeat(beat, state, interval=0.05))
    try:
        await wait_for(lambda: health.main([str(beat)]) == 0)
        db.execute_sql("PRAGMA query_only = 1")
        await wait_for(lambda: health.main([str(beat)]) == 1)
        assert "the database refuses writes" in health.check(health.heartbeat_path(beat))
        db.execute_sql("PRAGMA query_only = 0")
        await wait_for(lambda: health.main([str(beat)]) == 0)
    finally:
        db.execute_sql("PRAGMA query_only = 0")
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    assert not health.heartbeat_path(beat).exists()  # a stopped bot leaves no healthy heartbeat


async def wait_for(check, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.02)


# --- failing updates --------------------------------------------------------------------------

async def test_failing_updates_fail_healthz_and_recover(database, settings, monkeypatch):
    from aiogram.methods import SendMessage

    from bot.app import build_dispatcher
    from tests.harness import RecordingBot

    app = build_dispatcher(settings)
    state: HealthState = app.dispatcher["health_state"]
    bot = RecordingBot()

    async def start(update_id: int, user_id: int = 5) -> None:
        await app.dispatcher.feed_raw_update(bot, {
            "update_id": update_id,
            "message": {"message_id": update_id, "date": int(time.time()), "text": "/start",
                        "chat": {"id": user_id, "type": "private"},
                        "from": {"id": user_id, "is_bot": False, "first_name": "Ann"},
                        "entities": [{"type": "bot_command", "offset": 0, "length": 6}]},
        })

    import bot.middlewares.user as middlewares

    real_get_user = middlewares.users.get_user

    def broken(*args, **kwargs):
        raise OSError("disk I/O error")

    monkeypatch.setattr(middlewares.users, "get_user", broken)
    for n in range(1, 4):
        await start(n)
    assert any("Sorry" in c.text for c in bot.calls if isinstance(c, SendMessage))
    healthy, reason = state.status()
    assert not healthy and reason == "3 of the last 3 updates failed"
    monkeypatch.setattr(middlewares.users, "get_user", real_get_user)
    for n in range(4, 8):
        await start(n)
    assert state.status() == (True, "")


# --- one heartbeat per process (item 2) --------------------------------------------------------

def test_heartbeat_file_is_per_host(tmp_path):
    template = tmp_path / "heartbeat-{hostname}"
    assert health.heartbeat_path(template, host="a") != health.heartbeat_path(template, host="b")
    assert health.heartbeat_path(template) == tmp_path / f"heartbeat-{socket.gethostname()}"
    assert health.heartbeat_path(tmp_path / "plain") == tmp_path / "plain"


def test_a_heartbeat_from_another_host_or_a_dead_process_does_not_count(tmp_path):
    beat = tmp_path / "shared-heartbeat"
    write_heartbeat(beat, True, "")
    assert health.main([str(beat)]) == 0
    beat.write_text(json.dumps({"healthy": True, "host": "replica-2", "pid": os.getpid(), "reason": ""}))
    assert "host 'replica-2'" in health.check(beat)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    beat.write_text(json.dumps({"healthy": True, "host": socket.gethostname(), "pid": dead.pid, "reason": ""}))
    assert "is gone" in health.check(beat)
    write_heartbeat(beat, False, "4 of the last 5 updates failed")
    assert health.check(beat) == "4 of the last 5 updates failed"
    beat.write_text("garbage")
    assert "not a heartbeat file" in health.check(beat)


def test_the_bot_warns_when_another_process_writes_its_heartbeat(tmp_path, caplog):
    beat = tmp_path / "hb"
    write_heartbeat(beat, True, "")
    beat.write_text(json.dumps({"healthy": True, "host": "replica-2", "pid": 1, "reason": "",
                                "time": time.time()}))
    with caplog.at_level("WARNING"):
        write_heartbeat(beat, True, "")
    assert "replica-2" in caplog.text and "{hostname}" in caplog.text


def test_write_probe_on_a_read_only_postgresql_session(pg_url):
    from bot.infra.db import init_database, migrate

    migrate(pg_url, backup=False)
    database = init_database(pg_url)
    try:
        state = HealthState()
        state.probe()
        assert state.status() == (True, "")
        db.execute_sql("SET default_transaction_read_only = on")  # a standby, or a server made read-only
        state.probe()
        assert state.status() == (False, "the database refuses writes")
        db.execute_sql("SET default_transaction_read_only = off")
        state.probe()
        assert state.status() == (True, "")
        assert db.execute_sql("SELECT count(*) FROM fsm_record").fetchone()[0] == 0  # the probe leaves nothing
    finally:
        database.close()


async def test_an_unwritable_heartbeat_is_logged_once_per_streak(database, tmp_path, caplog):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    state = HealthState()
    task = asyncio.create_task(heartbeat(blocker / "hb", state, interval=0.01))
    try:
        await asyncio.sleep(0.2)  # about 20 beats
        assert not task.done()  # still beating: a failed write does not end the task
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    warnings = [r for r in caplog.records if "Cannot write the heartbeat file" in r.getMessage()]
    assert len(warnings) == 1
