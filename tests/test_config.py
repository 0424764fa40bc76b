"""Configuration: every problem reported at once, exit 2, nothing written."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import ConfigError, load_settings, parse_offsets

ROOT = Path(__file__).resolve().parent.parent
VARS = ["TELEGRAM_TOKEN", "DATABASE_URL", "SENTRY_DSN", "SENTRY_TRACES_SAMPLE_RATE", "LOG_LEVEL",
        "LOG_DIR", "TIMEZONE", "TELEGRAM_API_URL", "REMINDERS", "REDIS_URL", "SHUTDOWN_TIMEOUT"]


@pytest.fixture(autouse=True)
def clean_env(monkeypatch):
    for name in VARS:
        monkeypatch.delenv(name, raising=False)


def test_defaults(monkeypatch):
    monkeypatch.setenv("TELEGRAM_TOKEN", "123456:ABCdefGHIjklMNOpqrSTUvwxYZ")
    s = load_settings(None)
    assert s.database_url == "sqlite:///data/carpool.sqlite3"
    assert s.timezone_name == "UTC" and s.sentry_dsn == "" and s.log_level == "INFO"
    assert [o.total_seconds() for o in s.reminders] == [86400, 7200]


def test_every_problem_listed_at_once(monkeypatch):
    monkeypatch.setenv("TELEGRAM_TOKEN", "not-a-token")
    monkeypatch.setenv("SENTRY_TRACES_SAMPLE_RATE", "1.5")
    monkeypatch.setenv("TIMEZONE", "Mars/Olympus")
    monkeypatch.setenv("LOG_LEVEL", "chatty")
    monkeypatch.setenv("SENTRY_DSN", "nonsense")
    with pytest.raises(ConfigError) as info:
        load_settings(None)
    names = {p.split(":")[0] for p in info.value.problems}
    assert names == {"TELEGRAM_TOKEN", "SENTRY_TRACES_SAMPLE_RATE", "TIMEZONE", "LOG_LEVEL", "SENTRY_DSN"}


def test_empty_sentry_dsn_is_off(monkeypatch):
    monkeypatch.setenv("TELEGRAM_TOKEN", "123456:ABCdefGHIjklMNOpqrSTUvwxYZ")
    monkeypatch.setenv("SENTRY_DSN", "")
    assert load_settings(None).sentry_dsn == ""


def test_env_file_is_read(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("TELEGRAM_TOKEN=987654:ABCdefGHIjklMNOpqrSTUvwxYZ\nTIMEZONE=Europe/Berlin\n")
    s = load_settings(env_file)
    assert s.telegram_token.startswith("987654:") and s.timezone_name == "Europe/Berlin"


def test_reminder_offsets():
    assert [o.total_seconds() for o in parse_offsets("2h, 24h,30m")] == [86400, 7200, 1800]
    assert parse_offsets("") == ()
    with pytest.raises(ValueError):
        parse_offsets("tomorrow")


def test_cli_reports_all_problems_and_writes_nothing(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in VARS}
    env.update(TELEGRAM_TOKEN="oops", TIMEZONE="Nowhere/Town",
               DATABASE_URL=f"sqlite:///{tmp_path}/data/db.sqlite3", LOG_DIR=str(tmp_path / "logs"))
    proc = subprocess.run([sys.executable, "-m", "bot", "run"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=60,)
    assert proc.returncode == 2, proc.stderr
    assert "TELEGRAM_TOKEN" in proc.stderr and "TIMEZONE" in proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
    assert list(tmp_path.iterdir()) == []


def test_cli_help_lists_subcommands():
    proc = subprocess.run([sys.executable, "-m", "bot", "--help"], capture_output=True, text=True,
                          timeout=60, cwd=ROOT)
    assert proc.returncode == 0
    assert "run" in proc.stdout and "migrate" in proc.stdout
