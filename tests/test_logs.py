"""Logs that fit containers and carry no Telegram ids in clear (issue #17.9, issue #16.8).

- LOG_DIR empty: stdout only (the Docker image); LOG_FORMAT=json: one JSON object a line,
  tracebacks inside it, secrets redacted.
- The key of the `tg:xxxxxxxx` pseudonyms is LOG_ID_KEY, or derived from the bot token
  (HMAC): the same across restarts, never the token; `carpool-bot whois ID` prints it.
- aiogram's and aiogram-dialog's own records carry no user ids at INFO.
"""

from __future__ import annotations

import hashlib
import hmac
import inspect
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.logs import setup_logging
from models.logids import pseudonym, tg

TOKEN = "123456:TEST-token-for-the-fake-bot-api-0000"
OTHER_TOKEN = "654321:another-token-for-the-fake-api-000"
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def restore_logging():
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in list(root.handlers):
        root.removeHandler(handler)
        if handler not in handlers:
            handler.close()
    for handler in handlers:
        root.addHandler(handler)
    root.setLevel(level)


def log_env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "LOG_", "DATABASE_", "WEBHOOK_"))}
    env.update(extra)
    return env


# --- the pseudonyms' key ----------------------------------------------------------------------

def test_log_id_key_setting_keys_the_pseudonyms():
    key = "a-long-operator-chosen-log-id-key"
    setup_logging("INFO", None, log_id_key=key, token=TOKEN)
    expected = "tg:" + hmac.new(key.encode(), b"5550001234", hashlib.sha256).hexdigest()[:8]
    assert pseudonym(5550001234) == expected == str(tg(5550001234))


def test_key_from_the_token_is_stable_across_restarts_and_is_not_the_token():
    setup_logging("INFO", None, token=TOKEN)
    first = pseudonym(5550001234)
    setup_logging("INFO", None, token=TOKEN)  # a restart: same token, same pseudonyms
    assert pseudonym(5550001234) == first
    setup_logging("INFO", None, token=OTHER_TOKEN)
    assert pseudonym(5550001234) != first  # another bot: unlinkable
    from models import logids

    assert TOKEN.encode() not in logids._key and TOKEN.partition(":")[2].encode() not in logids._key


def test_whois_prints_the_pseudonym_the_logs_use(tmp_path):
    setup_logging("INFO", None, token=TOKEN)
    expected = pseudonym(5550001234)
    proc = subprocess.run([sys.executable, "-m", "bot", "whois", "5550001234"], cwd=tmp_path,
                          env=log_env(TELEGRAM_TOKEN=TOKEN), capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == expected
    assert list(tmp_path.iterdir()) == []  # no log folder, no database

    proc = subprocess.run([sys.executable, "-m", "bot", "whois", "5550001234"], cwd=tmp_path,
                          env=log_env(TELEGRAM_TOKEN=TOKEN, LOG_ID_KEY="a-long-operator-chosen-log-id-key"),
                          capture_output=True, text=True, timeout=60)
    setup_logging("INFO", None, log_id_key="a-long-operator-chosen-log-id-key")
    assert proc.returncode == 0 and proc.stdout.strip() == pseudonym(5550001234)

    proc = subprocess.run([sys.executable, "-m", "bot", "whois", "5550001234"], cwd=tmp_path, env=log_env(),
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and "LOG_ID_KEY" in proc.stderr and "Traceback" not in proc.stderr


# --- aiogram's own records --------------------------------------------------------------------

def test_aiogram_dialog_broken_stack_warning_carries_pseudonyms(capsys, tmp_path):
    from aiogram_dialog.context import intent_middleware

    message = "Stack is broken for user %s, chat %s, resetting"
    assert message in inspect.getsource(intent_middleware)  # the record the filter rewrites still exists
    setup_logging("INFO", tmp_path, token=TOKEN)  # two handlers: stdout and the file
    logging.getLogger(intent_middleware.__name__).warning(message, 5550001234, 5550001234)
    expected = f"user {pseudonym(5550001234)}, chat {pseudonym(5550001234)}"
    for out in (capsys.readouterr().out, (tmp_path / "carpool-bot.log").read_text()):
        assert "5550001234" not in out and expected in out


def test_aiogram_update_records_only_at_debug(capsys):
    setup_logging("INFO", None, token=TOKEN)
    assert not logging.getLogger("aiogram.event").isEnabledFor(logging.INFO)
    setup_logging("DEBUG", None, token=TOKEN)  # what its comment promised: kept for DEBUG runs
    assert logging.getLogger("aiogram.event").isEnabledFor(logging.INFO)


# --- where and how lines are written ----------------------------------------------------------

def test_empty_log_dir_means_stdout_only(tmp_path, capsys):
    setup_logging("INFO", None, token=TOKEN)
    logging.getLogger("carpool").info("hello")
    assert "hello" in capsys.readouterr().out
    assert [type(h).__name__ for h in logging.getLogger().handlers] == ["StreamHandler"]


def test_json_lines_redacted_with_tracebacks_inside(capsys):
    secret = "s3cret-webhook-token-0123456789abcdef"
    setup_logging("INFO", None, (TOKEN, secret), json_lines=True, token=TOKEN)
    log = logging.getLogger("carpool.test")
    log.info("calling https://api.telegram.org/bot%s/getMe with %s for %s", TOKEN, secret, tg(5550001234))
    try:
        raise RuntimeError(f"boom {secret}")
    except RuntimeError:
        log.exception("it failed")
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2
    first, second = map(json.loads, lines)
    assert first["level"] == "INFO" and first["logger"] == "carpool.test" and first["time"].endswith("Z")
    assert "[REDACTED]" in first["message"] and pseudonym(5550001234) in first["message"]
    assert second["message"] == "it failed" and "RuntimeError: boom [REDACTED]" in second["exception"]
    assert TOKEN not in "\n".join(lines) and secret not in "\n".join(lines) and "5550001234" not in "\n".join(lines)


def test_the_image_and_compose_log_to_stdout_only():
    from tests.test_image_steps import dockerfile_steps

    _, _, env = dockerfile_steps()
    assert env["LOG_DIR"] == ""
    assert "/app/logs" not in (ROOT / "Dockerfile").read_text()
    compose = (ROOT / "compose.yaml").read_text()
    assert "logs" not in compose.split("\nvolumes:")[-1]  # no log volume
    assert 'LOG_DIR: ""' in compose  # over whatever LOG_DIR the .env of a plain install has


def test_the_running_bot_writes_json_lines_to_stdout_and_no_user_id_from_aiogram(tmp_path):
    """A real process at INFO, as in a container: LOG_DIR empty, LOG_FORMAT=json."""
    from bot.devtools.fakeapi import FakeTelegram
    from tests.process import BotProcess

    user_id = 5550001234
    with FakeTelegram(token=TOKEN) as fake:
        bot = BotProcess(fake, tmp_path, LOG_DIR="", LOG_FORMAT="json")
        try:
            bot.start()
            ann = fake.user(user_id, "Ann")
            ann.send("/start")
            ann.wait_screen("Welcome")
            code, _ = bot.stop()
        finally:
            bot.kill()
    assert code == 0, bot.output()
    records = [json.loads(line) for line in bot.output().splitlines()]  # every line is one JSON object
    assert {"aiogram.dispatcher", "bot.runmodes.runner"} <= {r["logger"] for r in records}
    ours_and_aiogram = [r for r in records if r["logger"].startswith((
        "aiogram", "bot.runmodes.runner", "bot.runmodes.webhook", "bot.health", "bot.infra.healthstate", "bot.cli",
        "bot.logs", "carpool"))]
    assert not [r for r in ours_and_aiogram if str(user_id) in json.dumps(r)]
    assert not (tmp_path / "logs").exists()
