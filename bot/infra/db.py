"""Database setup: connect from DATABASE_URL, back up, and apply migrations safely.

Migrations on SQLite run on a connection of their own with foreign keys OFF: the
migrator rebuilds a table to change a column, and with foreign keys on the rebuild
cascade-deletes the child rows (GUIDE). After them, `PRAGMA foreign_key_check` must
come back empty, and a backup made with the sqlite3 backup API (consistent even
while the bot runs in WAL mode) is kept next to the database file.

Locks (issues #16.2 and #17.7):
- One process runs the bot on an SQLite file: `run` holds `fcntl.flock` on `<db>.lock`
  for its whole life, taken before migrating (`ProcessLock`). Never on the database file
  itself (closing any descriptor of it drops SQLite's own locks), and the lock file is
  never deleted (a process that opened the old one would keep "holding" a lock nobody
  else sees). `flock` holds between containers that share the volume on one host.
- Migrations are applied by one process at a time, each exactly once: a blocking `flock`
  on `<db>.migrate.lock` before SQLite is even opened (BEGIN EXCLUSIVE is not enough: a
  fresh file fails intermittently inside `PRAGMA journal_mode=wal`); on PostgreSQL a
  session advisory lock on the migrating connection, around everything from the first
  read of `migratehistory` on, released explicitly. The others wait, then find nothing
  left to do.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import sqlite3
import zlib
from collections.abc import Iterator
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


# PostgreSQL advisory lock key of migrations (the sender's lease uses another, bot/workers/leader.py).
MIGRATION_LOCK_KEY = zlib.crc32(b"carpool-bot:migrate")


class MigrationError(RuntimeError):
    pass


class AlreadyRunning(RuntimeError):
    """Another process runs the bot on this SQLite database (it holds `<db>.lock`)."""


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


def open_database(url: str, *, foreign_keys: bool = True, resilient: bool = False) -> pw.Database:
    """A new (unbound) Peewee database for the URL, with our SQLite pragmas. `resilient`: the
    bot's own database (bot/infra/resilience.py): on PostgreSQL a lost connection is replaced
    outside transactions, and commits are counted per update. Not for migrations: their
    advisory lock lives on one connection."""
    make = connect
    if resilient:
        from .resilience import resilient_database as make
    path = sqlite_path(url)
    if url.startswith(("sqlite", "sqliteext")):
        if path is not None:
            _prepare_sqlite_file(path)
        pragmas = dict(SQLITE_PRAGMAS, foreign_keys=int(foreign_keys))
        return make(url, pragmas=pragmas)
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    return make(url)


def init_database(url: str) -> pw.Database:
    """Bind the models' proxy to the database at URL and return it."""
    database = open_database(url, resilient=True)
    db.initialize(database)
    database.connect(reuse_if_open=True)
    return database


def _lock_file(path: Path, suffix: str) -> Path:
    return path.with_name(f"{path.name}.{suffix}")


def _open_lock_file(path: Path) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    return os.open(path, os.O_RDWR | os.O_CREAT, 0o600)  # not inherited by child processes


def _try_flock(fd: int) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False


class ProcessLock:
    """`<db>.lock`, held with `flock` while this process runs the bot on the SQLite file."""

    def __init__(self, db_path: Path):
        self.db_path = db_path
        self.path = _lock_file(db_path, "lock")
        self._fd: int | None = None

    def acquire(self) -> ProcessLock:
        fd = _open_lock_file(self.path)
        if not _try_flock(fd):
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip()
            os.close(fd)
            raise AlreadyRunning(
                f"Another carpool-bot is already running on {self.db_path} "
                f"({'process ' + holder if holder.isdigit() else 'its process'} holds {self.path}).\n"
                "Only one process may run the bot on an SQLite database: stop the other one first "
                "(for several replicas use PostgreSQL). `carpool-bot migrate` and `carpool-bot backup` "
                "work while it runs.")
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)  # who holds it, for the message above
        self._fd = fd
        return self

    def release(self) -> None:
        """Drop the lock (closing the descriptor does it); the file stays."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> ProcessLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()


def process_lock(url: str) -> ProcessLock | None:
    """The lock `run` holds for its whole life on an SQLite file; None elsewhere (PostgreSQL
    takes several replicas)."""
    path = sqlite_path(url)
    return ProcessLock(path) if path is not None else None


@contextlib.contextmanager
def _sqlite_migration_lock(path: Path | None) -> Iterator[None]:
    if path is None:
        yield
        return
    lock = _lock_file(path, "migrate.lock")
    fd = _open_lock_file(lock)
    try:
        if not _try_flock(fd):
            log.info("Another process is migrating %s; waiting for it (%s)", path, lock)
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


@contextlib.contextmanager
def _advisory_migration_lock(database: pw.Database) -> Iterator[None]:
    """PostgreSQL: a session advisory lock on the connection that migrates (and only it)."""
    if not isinstance(database, pw.PostgresqlDatabase):
        yield
        return
    key = (MIGRATION_LOCK_KEY,)
    if not database.execute_sql("SELECT pg_try_advisory_lock(%s)", key).fetchone()[0]:
        log.info("Another process is migrating the database; waiting for it")
        database.execute_sql("SELECT pg_advisory_lock(%s)", key)
    try:
        yield
    finally:
        try:  # explicitly: a pooled connection would otherwise keep holding it
            database.execute_sql("SELECT pg_advisory_unlock(%s)", key)
        except pw.DatabaseError:
            log.warning("Could not release the migration lock (the connection is gone, and the lock with it)",
                        exc_info=True)


@contextlib.contextmanager
def _migration_session(url: str) -> Iterator[pw.Database]:
    """A connection for migrating (foreign keys off), held under the migration lock."""
    with _sqlite_migration_lock(sqlite_path(url)):
        database = open_database(url, foreign_keys=False)
        try:
            database.connect(reuse_if_open=True)
            with _advisory_migration_lock(database):
                yield database
        finally:
            database.close()


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
    with _migration_session(url) as database:  # reading creates `migratehistory` when missing
        return list(make_router(database).diff)


def migrate(url: str, *, backup: bool = True) -> list[str]:
    """Apply pending migrations; on SQLite back the file up first. Returns what ran.

    Safe to call from several processes at once: one applies, the others wait, then
    return an empty list."""
    path = sqlite_path(url)
    with _migration_session(url) as database:
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
