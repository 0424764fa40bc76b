"""One process per SQLite file (issue #16 item 2): a second `carpool-bot run` is refused with one
clear message before it migrates, polls or writes a log line, while `migrate` and `backup`
keep working next to the running bot."""

import os
import stat
import sqlite3
import subprocess

import pytest

from bot.infra.db import AlreadyRunning, ProcessLock, process_lock
from bot.devtools.fakeapi import BENIGN_ERRORS
from tests.process import BotProcess, carpool_bot_command

TOKEN = "123456:TEST-token-for-the-fake-bot-api-0000"
EXIT_REFUSED = 3  # the documented exit status of a refused start (bot/cli.py)


def carpool_bot(env: dict, *args: str, cwd, timeout: float = 60) -> subprocess.CompletedProcess:
    """Run `carpool-bot ARGS` to its end (a run that is not refused would poll on: a timeout)."""
    try:
        return subprocess.run(carpool_bot_command() + list(args), cwd=cwd, env=env, capture_output=True,
                              text=True, timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        raise AssertionError(f"carpool-bot {' '.join(args)} did not exit within {timeout}s "
                             f"(it was not refused); output:\n{exc.output!r}") from None


def assert_refused(proc: subprocess.CompletedProcess, db_path) -> None:
    assert proc.returncode == EXIT_REFUSED, proc.stdout + proc.stderr
    assert proc.stderr.count("already running") == 1 and str(db_path) in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
    assert proc.stdout == ""  # refused before logging anything


def test_the_lock_is_beside_the_database_and_refuses_a_second_holder(tmp_path):
    db_path = tmp_path / "data" / "carpool.sqlite3"
    first = ProcessLock(db_path).acquire()
    assert first.path == tmp_path / "data" / "carpool.sqlite3.lock" and not db_path.exists()
    assert stat.S_IMODE(first.path.stat().st_mode) == 0o600
    with pytest.raises(AlreadyRunning) as refused:  # flock is per open file: a second open conflicts
        ProcessLock(db_path).acquire()
    assert f"process {os.getpid()} holds" in str(refused.value)
    first.release()
    assert first.path.exists()  # never deleted: a holder of the old file would go unseen
    process_lock(f"sqlite:///{db_path}").acquire().release()  # free again
    assert process_lock("postgresql://carpool@127.0.0.1/carpool") is None  # several replicas are fine there


def test_run_is_refused_before_migrating_while_the_lock_is_held(tg, tmp_path):
    """Whoever holds `<db>.lock` (here the test), `run` refuses before touching the database."""
    env = BotProcess(tg, tmp_path).env
    db_path = tmp_path / "data" / "carpool.sqlite3"
    with ProcessLock(db_path):
        proc = carpool_bot(env, "run", cwd=tmp_path)
        assert_refused(proc, db_path)
        assert not db_path.exists()  # not migrated (the lock is taken before migrating)
        assert not (tmp_path / "logs").exists()  # nor logged into the other process's log file
        assert tg.requests == []  # nor called Telegram
        # The maintenance commands do not need it.
        assert carpool_bot(env, "migrate", cwd=tmp_path).returncode == 0
        assert db_path.exists()


def test_a_second_run_next_to_a_running_bot_is_refused_while_migrate_and_backup_work(tg, tmp_path):
    bot = BotProcess(tg, tmp_path)
    db_path = tmp_path / "data" / "carpool.sqlite3"
    try:
        bot.start()
        ann = tg.user(1001, "Ann")
        requests = len(tg.requests)

        second = carpool_bot(bot.env, "run", cwd=tmp_path)
        assert_refused(second, db_path)
        assert f"process {bot.proc.pid} holds" in second.stderr  # says who

        migrate = carpool_bot(bot.env, "migrate", cwd=tmp_path)
        assert migrate.returncode == 0 and "Applied " in migrate.stdout, migrate.stdout + migrate.stderr
        copy = tmp_path / "copy.sqlite3"
        backup = carpool_bot(bot.env, "backup", str(copy), cwd=tmp_path)
        assert backup.returncode == 0, backup.stderr
        with sqlite3.connect(copy) as con:
            assert con.execute("select count(*) from migratehistory").fetchone()[0] > 0

        # No request came from the refused process: no getMe, no second poller (no 409).
        assert all(r.method == "getUpdates" for r in tg.requests[requests:])
        assert not [r for r in tg.requests if r.status == 409]
        ann.send("/start")  # the running bot still answers, once
        ann.wait_screen("Welcome")
        code, _ = bot.stop()
        assert code == 0, bot.output()
        assert not tg.rejected(ignore=BENIGN_ERRORS)
    finally:
        bot.kill()
    assert (tmp_path / "data" / "carpool.sqlite3.lock").exists()
