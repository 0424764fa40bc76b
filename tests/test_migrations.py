"""Migrations: apply to empty SQLite and PostgreSQL, agree with the models, keep rows."""

import shutil
import sqlite3
import stat
from datetime import date, time, timedelta

import pytest
from peewee_migrate import Router

from bot.infra.db import MIGRATIONS_DIR, backup_sqlite, init_database, migrate, open_database, pending_migrations
from models import ALL_MODELS, Participant, PickupPoint, TemplatePickupPoint, Trip, TripTemplate, User, db, utcnow

ALL_NAMES = sorted(p.stem for p in MIGRATIONS_DIR.glob("[0-9][0-9][0-9]_*.py"))


def assert_no_drift(url, tmp_path):
    """peewee-migrate's auto-generator finds nothing to write (run on a copy of the folder)."""
    copy = tmp_path / "migrations_copy"
    copy.mkdir()
    for f in MIGRATIONS_DIR.glob("[0-9][0-9][0-9]_*.py"):
        shutil.copy(f, copy)
    database = open_database(url, foreign_keys=False)
    db.initialize(database)
    try:
        created = Router(database, migrate_dir=copy).create("drift", auto=ALL_MODELS)
        leftover = sorted(p.name for p in copy.glob("*drift*"))
        detail = (copy / f"{leftover[0]}").read_text() if leftover else ""
        assert created is None and not leftover, f"models and migrations disagree:\n{detail}"
    finally:
        database.close()


def populate(orm=None):
    """One of everything, with children that a table rebuild would cascade away. `orm`: the
    tables as the first migration left them (peewee-migrate's `migrator.orm`), where today's
    models have columns that do not exist yet and the migration's models no Python defaults;
    by default today's models."""
    now = utcnow()
    orm = orm or {model._meta.table_name: model for model in ALL_MODELS}

    def make(table, /, **values):
        model = orm[table]
        stamps = {f: now for f in ("created_at", "updated_at", "joined_at") if f in model._meta.fields}
        return model.create(**stamps, **values)

    driver = make("user", telegram_id=10**12, name="Dee", role="driver")
    rider = make("user", telegram_id=2**40, name="Rae", role="passenger")
    trip = make("trip", driver=driver, destination="Gym", departure_date=date.today(), seats=3,
                departs_at=now + timedelta(days=1), ends_at=now + timedelta(days=1))
    point = make("pickup_point", trip=trip, address="Station", time=time(18, 30))
    make("participant", trip=trip, passenger=rider, pickup_point=point)
    tpl = make("trip_template", driver=driver, name="Weekly", destination="Gym", seats=3)
    make("template_pickup_point", template=tpl, address="Station", time=time(18, 30))


def counts():
    """Rows per table, for the tables that exist yet (later migrations add more)."""
    return {m.__name__: m.select().count() for m in ALL_MODELS if m.table_exists()}


def test_sqlite_empty_database(tmp_path):
    url = f"sqlite:///{tmp_path}/new/carpool.sqlite3"
    assert migrate(url) == ALL_NAMES
    path = tmp_path / "new" / "carpool.sqlite3"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert migrate(url) == []  # idempotent
    assert_no_drift(url, tmp_path)
    # no backup for a brand-new database
    assert not list(path.parent.glob("*.bak"))


def test_postgresql_empty_database(pg_url, tmp_path):
    assert migrate(pg_url) == ALL_NAMES
    init_database(pg_url)
    populate()  # telegram ids above 32 bits need BIGINT on PostgreSQL
    assert User.get(User.telegram_id == 10**12).name == "Dee"
    db.close()
    assert_no_drift(pg_url, tmp_path)


def test_every_migration_keeps_rows(tmp_path):
    """Apply the migrations one by one on a populated database; no row may vanish."""
    url = f"sqlite:///{tmp_path}/carpool.sqlite3"
    migrate_first = ALL_NAMES[0]
    database = open_database(url, foreign_keys=False)
    from bot.infra.db import make_router

    router = make_router(database)
    router.run(migrate_first)
    with database.bind_ctx(list(router.migrator.orm)):
        populate(router.migrator.orm)
    database.close()
    init_database(url)
    before = counts()
    db.close()
    migrate(url)
    init_database(url)
    after = counts()
    assert {name: after[name] for name in before} == before
    db.close()


def test_backup_before_pending_migration(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path}/carpool.sqlite3"
    path = tmp_path / "carpool.sqlite3"
    database = open_database(url, foreign_keys=False)
    from bot.infra.db import make_router

    router = make_router(database)
    router.run(ALL_NAMES[0])
    with database.bind_ctx(list(router.migrator.orm)):
        populate(router.migrator.orm)
    database.close()
    # Pretend one more migration is pending.
    extra = tmp_path / "migs"
    shutil.copytree(MIGRATIONS_DIR, extra)
    (extra / "999_noop.py").write_text("def migrate(migrator, database, fake=False):\n    pass\n")
    monkeypatch.setattr("bot.infra.db.MIGRATIONS_DIR", extra)
    assert "999_noop" in pending_migrations(url)
    migrate(url)
    backups = list(tmp_path.glob("carpool.sqlite3.*.bak"))
    assert len(backups) == 1
    with sqlite3.connect(backups[0]) as con:
        assert con.execute("select count(*) from participant").fetchone()[0] == 1
        assert "999_noop" not in {r[0] for r in con.execute("select name from migratehistory")}


def test_backup_is_consistent_while_writing(tmp_path):
    """The backup API copies committed WAL content that a plain file copy would miss."""
    url = f"sqlite:///{tmp_path}/live.sqlite3"
    migrate(url)
    init_database(url)
    populate()  # committed, still in the WAL (no checkpoint yet)
    dest = backup_sqlite(tmp_path / "live.sqlite3", tmp_path / "copy.sqlite3")
    with sqlite3.connect(dest) as con:
        assert con.execute("select count(*) from user").fetchone()[0] == 2
    db.close()


# --- Replicas starting together on a fresh database (issue #17 item 7) -------------------------

RACERS = 4


def _race_migrate(url, barrier, results):
    """One replica: wait for the others, then migrate at the same instant."""
    try:
        barrier.wait(timeout=60)
        results.put(("ok", migrate(url, backup=False)))
    except BaseException as exc:  # noqa: BLE001 - reported to the test
        results.put(("error", f"{type(exc).__name__}: {exc}"))


def race_migrations(url: str, racers: int = RACERS) -> list[tuple[str, object]]:
    """`racers` processes released by one barrier, each running `migrate(url)`."""
    import multiprocessing

    ctx = multiprocessing.get_context("spawn")  # fresh interpreters, like separate replicas
    barrier, results = ctx.Barrier(racers), ctx.Queue()
    procs = [ctx.Process(target=_race_migrate, args=(url, barrier, results)) for _ in range(racers)]
    for p in procs:
        p.start()
    outcomes = [results.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(30)
        assert p.exitcode == 0
    return outcomes


def assert_applied_once(outcomes, history: list[str]):
    errors = [detail for status, detail in outcomes if status != "ok"]
    assert not errors, f"{len(errors)} of {len(outcomes)} replicas crashed: {errors}"
    applied = sorted(name for _, done in outcomes for name in done)
    assert applied == ALL_NAMES, f"each migration applied by exactly one replica, got {applied}"
    assert sorted(history) == ALL_NAMES, f"migratehistory: {sorted(history)}"


def test_replicas_migrating_a_fresh_sqlite_file_together(tmp_path):
    path = tmp_path / "fresh" / "carpool.sqlite3"
    outcomes = race_migrations(f"sqlite:///{path}")
    with sqlite3.connect(path) as con:
        history = [r[0] for r in con.execute("select name from migratehistory")]
    assert_applied_once(outcomes, history)


def test_replicas_migrating_a_fresh_postgresql_database_together(pg_url):
    outcomes = race_migrations(pg_url)
    database = init_database(pg_url)
    history = [r[0] for r in database.execute_sql("select name from migratehistory")]
    database.close()
    assert_applied_once(outcomes, history)


def test_postgresql_migration_lock_is_released_on_a_connection_that_lives_on(pg_url, monkeypatch):
    """A pooled connection outlives `close()`: the advisory lock must be unlocked explicitly, or the
    next `migrate` of every other replica would wait forever."""
    import bot.infra.db

    kept, real_open = [], bot.infra.db.open_database

    def open_pooled(url, **kwargs):
        database = real_open(url, **kwargs)
        database.close = lambda: kept.append(database)  # back to the pool, still connected
        return database

    monkeypatch.setattr(bot.infra.db, "open_database", open_pooled)
    assert migrate(pg_url) == ALL_NAMES
    assert kept and not kept[0].is_closed()
    other = init_database(pg_url)  # another replica
    key = bot.infra.db.MIGRATION_LOCK_KEY
    held = other.execute_sql("select count(*) from pg_locks where locktype = 'advisory' and objid = %s", (key,))
    assert held.fetchone()[0] == 0
    assert other.execute_sql("select pg_try_advisory_lock(%s), pg_advisory_unlock(%s)", (key, key)).fetchone() \
        == (True, True)
    other.close()
    for database in kept:
        type(database).close(database)
