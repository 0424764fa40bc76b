"""Operations: the Dockerfile lints, backups restore, the health check reads the heartbeat."""

import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot import health
from bot.cli import main as cli_main
from models import Participant, Trip, User, db

ROOT = Path(__file__).resolve().parent.parent


def test_dockerfile_passes_hadolint():
    hadolint = shutil.which("hadolint") or str(Path(sys.executable).parent / "hadolint")
    proc = subprocess.run([hadolint, "--failure-threshold", "info", str(ROOT / "Dockerfile")],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_dockerignore_keeps_secrets_and_data_out():
    lines = [x.strip() for x in (ROOT / ".dockerignore").read_text().splitlines() if x.strip() and not x.startswith("#")]
    assert lines[0] == "*"  # deny by default, then allow only the code
    allowed = {line[1:].rstrip("/") for line in lines if line.startswith("!")}
    assert allowed == {"pyproject.toml", "README.md", "bot", "dialogs", "models", "migrations"}


def test_backup_and_restore_keep_every_row(database, db_url, tmp_path, monkeypatch, capsys):
    from tests.test_migrations import counts, populate

    populate()
    before = counts()
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.chdir(tmp_path)
    dest = tmp_path / "nightly.sqlite3"
    assert cli_main(["backup", str(dest)]) == 0  # while the bot's connection is open
    assert "backed up" in capsys.readouterr().out
    db.close()
    # restore: stop the bot, put the copy in place of the database, start again
    live = Path(db_url.removeprefix("sqlite:///"))
    for suffix in ("", "-wal", "-shm"):
        Path(f"{live}{suffix}").unlink(missing_ok=True)
    shutil.copy(dest, live)
    db.connect()
    assert counts() == before and Participant.select().count() == 1
    with sqlite3.connect(dest) as con:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_backup_default_name_and_postgres_advice(database, db_url, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", db_url)
    assert cli_main(["backup"]) == 0
    live = Path(db_url.removeprefix("sqlite:///"))
    assert list(live.parent.glob("carpool.backup-*.sqlite3"))
    monkeypatch.setenv("DATABASE_URL", "postgresql://carpool@localhost/carpool")
    assert cli_main(["backup"]) == 2
    assert "pg_dump" in capsys.readouterr().err


def test_health_reads_the_heartbeat(tmp_path, monkeypatch):
    monkeypatch.delenv("HEARTBEAT_FILE", raising=False)
    assert health.main([]) == 1  # nothing configured: unhealthy, not healthy
    beat = tmp_path / "heartbeat"
    assert health.main([str(beat)]) == 1  # missing
    beat.touch()
    assert health.main([str(beat), "--max-age", "60"]) == 0
    old = time.time() - 120
    os.utime(beat, (old, old))
    assert health.main([str(beat), "--max-age", "60"]) == 1


def test_health_check_does_not_import_aiogram(tmp_path):
    beat = tmp_path / "hb"
    beat.touch()
    code = ("import sys, runpy; sys.argv=['x', %r]; "
            "rc = 0\ntry:\n    runpy.run_module('bot.health', run_name='__main__')\nexcept SystemExit as e:\n    rc = e.code\n"
            "assert 'aiogram' not in sys.modules and 'peewee' not in sys.modules, 'heavy import'\nsys.exit(rc)") % str(beat)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=30)
    assert proc.returncode == 0, proc.stderr
