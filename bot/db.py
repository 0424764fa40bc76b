"""Database setup: connect from DATABASE_URL, back up, and apply migrations safely.

Migrations on SQLite run on a connection of their own with foreign keys OFF: the
migrator rebuilds a table to change a column, and with foreign keys on the rebuild
cascade-deletes the child rows (GUIDE). After them, `PRAGMA foreign_key_check` must
come back empty, and a backup made with the sqlite3 backup API (consistent even
while the bot runs in WAL mode) is kept next to the database file.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import peewee as pw
from peewee_migrate import Router
from playhouse.db_url import connect

import migrations as migrations_pkg
from models import db

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(migrations_pkg.__file__).resolve().parent
SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "busy_timeout": 5000,
    "synchronous": "normal",
}


class MigrationError(RuntimeError):
    pass


def sqlite_path(url: str) -> Path | None:
    """The file behind an SQLite URL, or None for other engines and `:memory:`."""
    for prefix in ("sqlite:///", "sqliteext:///"):
        if url.startswith(prefix):
            rest = url[len(prefix):].split("?", 1)[0]
            return None if rest in ("", ":memory:") else Path(rest)
    return None


def _prepare_sqlite_file(path: Path) -> None:
    """Create the folder and an owner-only (0600) database file before SQLite opens it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
        os.close(fd)


def open_database(url: str, *, foreign_keys: bool = True) -> pw.Database:
    """A new (unbound) Peewee database for the URL, with our SQLite pragmas."""
    path = sqlite_path(url)
    if url.startswith(("sqlite", "sqliteext")):
        if path is not None:
            _prepare_sqlite_file(path)
        pragmas = dict(SQLITE_PRAGMAS, foreign_keys=int(foreign_keys))
        return connect(url, pragmas=pragmas)
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    return connect(url)


def init_database(url: str) -> pw.Database:
    """Bind the models' proxy to the database at URL and return it."""
    database = open_database(url)
    db.initialize(database)
    database.connect(reuse_if_open=True)
    return database


def backup_sqlite(src: Path, dest: Path) -> Path:
    """A consistent copy of a live SQLite database (sqlite3 backup API, WAL-safe)."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(src) as source, sqlite3.connect(dest) as target:
        source.backup(target)
    os.chmod(dest, 0o600)
    return dest


def make_router(database: pw.Database) -> Router:
    return Router(database, migrate_dir=MIGRATIONS_DIR, logger=logging.getLogger("migrations"))


def pending_migrations(url: str) -> list[str]:
    database = open_database(url, foreign_keys=False)
    try:
        return list(make_router(database).diff)
    finally:
        database.close()


def migrate(url: str, *, backup: bool = True) -> list[str]:
    """Apply pending migrations; on SQLite back the file up first. Returns what ran."""
    path = sqlite_path(url)
    database = open_database(url, foreign_keys=False)
    try:
        database.connect(reuse_if_open=True)
        router = make_router(database)
        todo = list(router.diff)
        if not todo:
            log.info("Database schema is up to date (%d migrations)", len(router.done))
            return []
        if backup and path is not None and router.done:
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
            dest = path.with_name(f"{path.name}.{stamp}.before-{todo[0]}.bak")
            backup_sqlite(path, dest)
            log.info("Backed up %s to %s before migrating", path, dest)
        log.info("Applying migrations: %s", ", ".join(todo))
        done = router.run()
        if isinstance(database, pw.SqliteDatabase):
            problems = database.execute_sql("PRAGMA foreign_key_check").fetchall()
            if problems:
                raise MigrationError(f"foreign key check failed after migrating: {problems[:5]}")
        return done
    finally:
        database.close()
