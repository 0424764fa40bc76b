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


# --- issue #17 items 3 and 4: refused before anything is created ---------------------------------

GOOD_TOKEN = "123456:ABCdefGHIjklMNOpqrSTUvwxYZ"
CHECKED = ["WEBHOOK_HOST", "HEARTBEAT_FILE", "LOG_FORMAT", "LOG_ID_KEY"]


@pytest.fixture
def clean_checked(monkeypatch):
    for name in CHECKED:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TELEGRAM_TOKEN", GOOD_TOKEN)


def problem_names(**env) -> set[str]:
    with pytest.MonkeyPatch.context() as mp:
        for name, value in env.items():
            mp.setenv(name, value)
        try:
            load_settings(None)
        except ConfigError as exc:
            return {p.split(":")[0] for p in exc.problems}
    return set()


@pytest.mark.parametrize("url", ["sqlite:///", "sqlite:///:memory:", "sqlite://", "sqliteext:///:memory:",
                                 "sqlite:///?timeout=5"])
def test_sqlite_url_must_name_a_file(clean_checked, url):
    assert problem_names(DATABASE_URL=url) == {"DATABASE_URL"}


@pytest.mark.parametrize("host", ["no such host!", "", "[::]", "999.1.1.1", "-bad-.example", "a" * 64 + ".org"])
def test_webhook_host_must_be_a_host_or_address(clean_checked, host):
    assert problem_names(WEBHOOK_HOST=host) == {"WEBHOOK_HOST"}


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "127.0.0.1", "::1", "localhost", "bot-1.internal", "bot."])
def test_webhook_host_accepts_names_and_addresses(clean_checked, host):
    assert problem_names(WEBHOOK_HOST=host) == set()


def test_paths_must_be_writable_without_being_created(clean_checked, tmp_path):
    names = problem_names(LOG_DIR="/proc/nope", HEARTBEAT_FILE="/proc/nope/hb",
                          DATABASE_URL="sqlite:////proc/nope/db.sqlite3")
    assert names == {"LOG_DIR", "HEARTBEAT_FILE", "DATABASE_URL"}
    a_file = tmp_path / "file"
    a_file.write_text("")
    assert problem_names(LOG_DIR=str(a_file / "logs"), HEARTBEAT_FILE=str(tmp_path)) == {"LOG_DIR", "HEARTBEAT_FILE"}
    deep = tmp_path / "a" / "b"
    assert problem_names(LOG_DIR=str(deep / "logs"), HEARTBEAT_FILE=str(deep / "hb-{hostname}"),
                         DATABASE_URL=f"sqlite:///{deep}/c/db.sqlite3") == set()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]  # checked, nothing created


def test_heartbeat_file_template_takes_only_the_hostname(clean_checked, tmp_path):
    assert problem_names(HEARTBEAT_FILE=str(tmp_path / "hb-{pid}")) == {"HEARTBEAT_FILE"}


def test_log_settings(clean_checked, tmp_path):
    assert problem_names(LOG_FORMAT="xml") == {"LOG_FORMAT"}
    assert problem_names(LOG_ID_KEY="short") == {"LOG_ID_KEY"}
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("LOG_DIR", "")
        mp.setenv("LOG_FORMAT", "json")
        mp.setenv("LOG_ID_KEY", "k" * 32)
        s = load_settings(None)
    assert s.log_dir is None and s.log_format == "json" and s.log_id_key == "k" * 32


def _refused_run(tmp_path, **bad) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in VARS + CHECKED and not k.startswith("WEBHOOK_")}
    env.update(TELEGRAM_TOKEN=GOOD_TOKEN, TELEGRAM_API_URL="http://127.0.0.1:9",
               DATABASE_URL=f"sqlite:///{tmp_path}/data/db.sqlite3", LOG_DIR=str(tmp_path / "logs"),
               WEBHOOK_URL="https://bot.example.org/hook", WEBHOOK_SECRET="s" * 40)
    env.update(bad)
    return subprocess.run([sys.executable, "-m", "bot", "run"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=60)


def test_every_path_and_host_problem_in_one_message_nothing_created(tmp_path):
    proc = _refused_run(tmp_path, LOG_DIR="/proc/nope", WEBHOOK_HOST="no such host!",
                        HEARTBEAT_FILE="/proc/nope/hb")
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
    assert proc.stderr.count("Configuration error") == 1
    for name in ("LOG_DIR", "WEBHOOK_HOST", "HEARTBEAT_FILE"):
        assert sum(line.strip().startswith(f"- {name}:") for line in proc.stderr.splitlines()) == 1, proc.stderr
    assert list(tmp_path.iterdir()) == []  # no database, no tables, no log folder


@pytest.mark.parametrize("bad", [
    {"LOG_DIR": "/proc/nope"},
    {"WEBHOOK_HOST": "no such host!"},
    {"HEARTBEAT_FILE": "/proc/nope/hb"},
])
def test_each_problem_alone_refuses_before_writing(tmp_path, bad):
    proc = _refused_run(tmp_path, **bad)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("url", ["sqlite:///", "sqlite:///:memory:"])
def test_in_memory_database_refused_by_every_command(tmp_path, url):
    env = {k: v for k, v in os.environ.items() if k not in VARS + CHECKED}
    env.update(DATABASE_URL=url, LOG_DIR=str(tmp_path / "logs"))
    proc = subprocess.run([sys.executable, "-m", "bot", "migrate"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "DATABASE_URL" in proc.stderr and "Traceback" not in proc.stderr
    assert list(tmp_path.iterdir()) == []
