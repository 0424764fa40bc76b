"""The real `carpool-bot` process (webhook mode, against the fake Bot API): when its
updates start failing, `/healthz` and `python -m bot.health` both say so within a beat,
and both recover by themselves once the cause is gone (issue #17.1)."""

import json
import os
import sqlite3
import subprocess
import sys
import urllib.error
import urllib.request

import pytest

from tests.process import BotProcess
from tests.test_webhook import SECRET, Hook, message_update, post, wait_until


def healthz(base: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(f"{base}/healthz", timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())
    except (urllib.error.URLError, ConnectionError, OSError):
        return 0, {}


def health_cli(env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bot.health"], env=env, capture_output=True, text=True, timeout=30)


def test_failing_updates_turn_the_process_unhealthy_and_it_recovers(tg, tmp_path):
    web = Hook()
    template = str(tmp_path / "run" / "heartbeat-{hostname}")
    bot = BotProcess(tg, tmp_path, **web.env, HEARTBEAT_FILE=template)
    check_env = dict(os.environ, HEARTBEAT_FILE=template)
    base, url = web.base, web.url
    database = tmp_path / "data" / "carpool.sqlite3"
    try:
        for n in range(1, 8):
            tg.user(100 + n, f"Player{n}")
        bot.start(wait_polling=False)
        assert wait_until(lambda: healthz(base)[0] == 200, timeout=60), bot.output()
        assert wait_until(lambda: health_cli(check_env).returncode == 0), bot.output()

        # Every update now fails inside the bot (its users table is gone), while SELECT 1 still answers.
        with sqlite3.connect(database) as con:
            con.execute('ALTER TABLE "user" RENAME TO "user_away"')
        for n in range(1, 4):
            assert post(url, message_update(n, 100 + n, "/start"), SECRET) == 200
        status, body = healthz(base)
        assert status == 503 and body == {"status": "unhealthy", "reason": "3 of the last 3 updates failed"}
        assert wait_until(lambda: health_cli(check_env).returncode == 1, timeout=5)
        assert "3 of the last 3 updates failed" in health_cli(check_env).stderr

        # The cause goes away: new updates succeed and the process is healthy again, with no restart.
        with sqlite3.connect(database) as con:
            con.execute('ALTER TABLE "user_away" RENAME TO "user"')
        for n in range(4, 8):
            assert post(url, message_update(n, 100 + n, "/start"), SECRET) == 200
        assert healthz(base) == (200, {"status": "ok"})
        assert wait_until(lambda: health_cli(check_env).returncode == 0, timeout=5), bot.output()
        assert "Unhealthy: 3 of the last 3 updates failed" in bot.output()
        assert bot.output().count("Unhealthy:") == 1 and bot.output().count("Healthy again") == 1  # transitions only

        code, _ = bot.stop()
        assert code == 0
        assert list((tmp_path / "run").iterdir()) == []  # its heartbeat went with it
    finally:
        bot.kill()
