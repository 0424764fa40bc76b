"""Benchmark databases: the same "present" with and without years of history.

* small  — the migrated schema + the present: the benchmark's users, 40 drivers and
           200 upcoming trips (a few seats taken).
* large  — the same present on top of history: 10,000 players, 50,000 past trips with
           their pickup points and passengers, the outbox rows those trips produced,
           templates, and the dialog state of every player who ever used the bot.

History is generated once and cached under `benchmarks/results/cache/`, keyed by a hash
of the migration files (the schema version) and the sizes, so reruns only copy a file.
The present is added at run time (its trips must be in the future) with a fixed seed, so
both databases hold the very same present: any difference in a click's cost is the
history's doing. History ids come first, as they would in a real database.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import random
import shutil
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path

import peewee as pw

import models
from bot.infra.db import MIGRATIONS_DIR, migrate, open_database
from models import (
    NOTIFY_SENT, ROLE_DRIVER, ROLE_PASSENGER, TRIP_CANCELLED, TRIP_DONE, FsmRecord, Notification, Participant,
    PickupPoint, TemplatePickupPoint, Trip, TripTemplate, User, db, utcnow,
)

from .recording import BOT_ID

log = logging.getLogger("benchmarks.datasets")

GENERATOR_VERSION = 2  # bump when the history generator changes
CHUNK = 1000  # rows per INSERT (8 columns × 1000 stays under SQLite's 32,766 variables)

# Telegram ids of the "present" (identical in both databases).
PASSENGERS = {"start": 7_000_001, "list": 7_000_002, "card": 7_000_003, "join": 7_000_004}
DRIVER = 7_000_100  # the wizard's driver: in the large database a weekly driver for years
LAG_BASE = 7_100_000  # users of the event-loop lag test
LAG_USERS = 100
PRESENT_DRIVERS = [7_200_000 + i for i in range(40)]
REGULARS = [7_300_000 + i for i in range(50)]
UPCOMING = 200
JOIN_DESTINATION = "Benchmark Cup"

VENUES = [
    "Riverside Arena", "Club gym", "North Hall", "Lakeside Sports Centre", "University court",
    "Away game at Oldtown", "Beach volleyball park", "Hillcrest school gym", "City tournament",
    "Regional cup, Westfield", "Harbour arena", "Training camp", "Eastside community hall",
    "Forest park courts", "Stadium annex", "Old mill gym", "Summer league, Bayview",
]
STREETS = ["Central Station, north exit", "Oak Street 12", "Market square", "Library stop", "Mill Road 3",
           "Park & ride West", "Church corner", "Elm Avenue 40", "Bus depot", "Harbour gate"]
FIRST = ["Anna", "Ben", "Clara", "David", "Eva", "Felix", "Greta", "Hugo", "Ines", "Jonas", "Kira", "Leo",
         "Mia", "Noah", "Olga", "Paul", "Rosa", "Sam", "Tina", "Uwe", "Vera", "Will", "Yara", "Zoe"]
LAST = ["Smith", "Novak", "Garcia", "Müller", "Rossi", "Kowalski", "Dubois", "Jensen", "Silva", "Horvat", ""]


@dataclass(frozen=True)
class Sizes:
    users: int = 10_000
    past_trips: int = 50_000


def present_ids() -> list[int]:
    return sorted({*PASSENGERS.values(), DRIVER, *PRESENT_DRIVERS, *REGULARS,
                   *range(LAG_BASE, LAG_BASE + LAG_USERS)})


def schema_key() -> str:
    """Hash of the migration files: the schema version the cache is valid for."""
    h = hashlib.sha1(f"gen{GENERATOR_VERSION}".encode())
    for path in sorted(MIGRATIONS_DIR.glob("*.py")):
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:12]


def _url(path: Path) -> str:
    return f"sqlite:///{path}"


@contextlib.contextmanager
def _quiet_migrations():
    """peewee-migrate and bot.infra.db log every step at INFO: silence them while we build."""
    loggers = [logging.getLogger(name) for name in ("migrations", "peewee_migrate", "bot.infra.db")]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.WARNING)
    try:
        yield
    finally:
        for lg, level in zip(loggers, levels):
            lg.setLevel(level)


def schema_template(cache: Path) -> Path:
    """An empty database with every migration applied (cached per schema version)."""
    cache.mkdir(parents=True, exist_ok=True)
    path = cache / f"schema-{schema_key()}.sqlite3"
    if not path.exists():
        tmp = path.with_suffix(".building")
        tmp.unlink(missing_ok=True)
        with _quiet_migrations():
            migrate(_url(tmp), backup=False)
        _compact(tmp)
        tmp.rename(path)
    return path


def _compact(path: Path) -> None:
    """Fold the WAL into the main file so a plain copy is the whole database."""
    database = open_database(_url(path))
    database.connect()
    database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    database.execute_sql("PRAGMA journal_mode=delete")
    database.close()


def _insert(model: type[pw.Model], fields: list, rows: list[tuple]) -> None:
    with db.atomic():
        for chunk in pw.chunked(rows, CHUNK):
            model.insert_many(chunk, fields=fields).execute()


def history_path(cache: Path, sizes: Sizes) -> Path:
    return cache / f"history-u{sizes.users}-t{sizes.past_trips}-{schema_key()}.sqlite3"


def history_database(cache: Path, sizes: Sizes) -> Path:
    """The schema plus `sizes` of history, built once (tens of seconds) and cached."""
    path = history_path(cache, sizes)
    if path.exists():
        return path
    tmp = path.with_suffix(".building")
    shutil.copy(schema_template(cache), tmp)
    started = time.perf_counter()
    database = open_database(_url(tmp))
    previous = db.obj
    db.initialize(database)
    try:
        database.connect()
        _build_history(sizes, random.Random(1))
        database.close()
    finally:
        db.initialize(previous)
    _compact(tmp)
    tmp.rename(path)
    log.info("Built %s in %.1fs", path.name, time.perf_counter() - started)
    return path


def present_name(tg: int) -> str:
    return "Dora Driver" if tg == DRIVER else f"Player {tg % 1000}"


def _name(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}".strip()


def _build_history(sizes: Sizes, rng: random.Random) -> None:
    now = utcnow()
    created = now - timedelta(days=3 * 365)
    present = present_ids()
    present_set = set(present)
    filler = [1_000_000_000 + i for i in range(max(sizes.users - len(present), 0))]
    tg_ids = present + filler  # user id i+1 has telegram id tg_ids[i]
    drivers_tg = {DRIVER, *PRESENT_DRIVERS, *rng.sample(filler, k=len(filler) // 4)}
    user_rows = []
    for i, tg in enumerate(tg_ids, start=1):
        role = ROLE_DRIVER if tg in drivers_tg else ROLE_PASSENGER
        if tg in present_set:  # exactly as add_present() writes them in the small database
            user_rows.append((i, tg, present_name(tg), None, role, "", True, "", created, created))
            continue
        reachable = rng.random() > 0.03
        user_rows.append((i, tg, _name(rng), f"u{tg}" if rng.random() < 0.7 else None, role,
                          rng.choice(["", "blue Golf", "red Skoda, AB-123", "grey van"]) if role == ROLE_DRIVER else "",
                          reachable, "" if reachable else "Forbidden: bot was blocked by the user", created, created))
    _insert(User, [User.id, User.telegram_id, User.name, User.username, User.role, User.car, User.reachable,
                   User.unreachable_reason, User.created_at, User.updated_at], user_rows)
    user_id = {tg: i for i, tg in enumerate(tg_ids, start=1)}
    driver_ids = [user_id[tg] for tg in drivers_tg if tg != DRIVER]
    passenger_ids = [user_id[tg] for tg in tg_ids if tg not in drivers_tg]

    # Past trips: the wizard's driver drove weekly for three years, the rest at random.
    n = sizes.past_trips
    own = min(150, n // 10)
    trip_rows, point_rows, seat_rows, note_rows = [], [], [], []
    point_id = seat_id = 0
    span = 3 * 365 * 24 * 3600
    for trip_id in range(1, n + 1):
        driver = user_id[DRIVER] if trip_id % max(n // own, 1) == 0 else rng.choice(driver_ids)
        departs = now - timedelta(days=1, seconds=int((1 - trip_id / (n + 1)) * span)) + timedelta(hours=rng.randint(0, 5))
        departs = departs.replace(minute=rng.choice([0, 15, 30, 45]), second=0)
        cancelled = rng.random() < 0.1
        seats = rng.randint(2, 6)
        k = rng.randint(1, 3)
        times = [departs + timedelta(minutes=15 * j) for j in range(k)]
        trip_rows.append((trip_id, driver, rng.choice(VENUES), departs.date(), seats,
                          TRIP_CANCELLED if cancelled else TRIP_DONE, "", "Car broke down" if cancelled else "",
                          times[0], times[-1], rng.randint(1, 3), departs - timedelta(days=3), departs))
        points = []
        for j, t in enumerate(times):
            point_id += 1
            points.append(point_id)
            point_rows.append((point_id, trip_id, rng.choice(STREETS), dtime(t.hour, t.minute), j))
        riders = rng.sample(passenger_ids, k=min(rng.randint(0, seats), 4))
        for rider in riders:
            seat_id += 1
            seat_rows.append((seat_id, trip_id, rider, rng.choice(points), departs - timedelta(days=2)))
            note_rows.append((driver, tg_ids[driver - 1], f"🙋 Player {rider} joined your trip: pickup at "
                              f"{t:%H:%M}. {seats - 1} seats left.", "joined", trip_id, NOTIFY_SENT, 1,
                              departs - timedelta(days=2), departs - timedelta(days=2)))
            if cancelled:
                note_rows.append((rider, tg_ids[rider - 1], "❌ The trip you joined was cancelled: Car broke down.",
                                  "trip_cancelled", trip_id, NOTIFY_SENT, 1, departs - timedelta(days=1),
                                  departs - timedelta(days=1)))
    _insert(Trip, [Trip.id, Trip.driver, Trip.destination, Trip.departure_date, Trip.seats, Trip.status,
                   Trip.comment, Trip.cancel_reason, Trip.departs_at, Trip.ends_at, Trip.version,
                   Trip.created_at, Trip.updated_at], trip_rows)
    _insert(PickupPoint, [PickupPoint.id, PickupPoint.trip, PickupPoint.address, PickupPoint.time,
                          PickupPoint.position], point_rows)
    _insert(Participant, [Participant.id, Participant.trip, Participant.passenger, Participant.pickup_point,
                          Participant.joined_at], seat_rows)
    _insert(Notification, [Notification.recipient, Notification.chat_id, Notification.text, Notification.kind,
                           Notification.trip, Notification.state, Notification.attempts, Notification.created_at,
                           Notification.sent_at], note_rows)

    # Templates of some drivers (not the wizard's driver: its wizard opens on the destination).
    tpl_rows, tpl_points = [], []
    for tpl_id, driver in enumerate(rng.sample(driver_ids, k=min(len(driver_ids), sizes.users // 10)), start=1):
        tpl_rows.append((tpl_id, driver, "Tuesday training", rng.choice(VENUES), rng.randint(2, 6), "", created, created))
        for j in range(2):
            tpl_points.append((tpl_id, rng.choice(STREETS), dtime(18, 15 * j), j))
    _insert(TripTemplate, [TripTemplate.id, TripTemplate.driver, TripTemplate.name, TripTemplate.destination,
                           TripTemplate.seats, TripTemplate.comment, TripTemplate.created_at,
                           TripTemplate.updated_at], tpl_rows)
    _insert(TemplatePickupPoint, [TemplatePickupPoint.template, TemplatePickupPoint.address,
                                  TemplatePickupPoint.time, TemplatePickupPoint.position], tpl_points)

    # Dialog state of everyone who used the bot (not the present's users: they start clean).
    fsm_rows = []
    for tg in filler:
        prefix = f"fsm:{BOT_ID}:{tg}:{tg}"
        ctx = f"{rng.getrandbits(48):x}"
        fsm_rows.append((f"{prefix}:aiogd:stack:data", None,
                         json.dumps({"intents": [ctx], "id": "", "last_message_id": rng.randint(1, 10**5),
                                     "last_reply_keyboard": False, "last_media_id": None,
                                     "last_media_unique_id": None, "last_income_media_group_id": None}), now))
        fsm_rows.append((f"{prefix}:aiogd:context:{ctx}:data", None,
                         json.dumps({"intent_id": ctx, "stack_id": "", "state": "MainSG:menu",
                                     "start_data": None, "dialog_data": {}, "widget_data": {}}), now))
    _insert(FsmRecord, [FsmRecord.key, FsmRecord.state, FsmRecord.data, FsmRecord.updated_at], fsm_rows)

    # The update ids of the last two days, as the de-duplication middleware keeps them.
    processed = getattr(models, "ProcessedUpdate", None)
    if processed is not None:
        first = 900_000_000
        _insert(processed, [processed.update_id, processed.seen_at],
                [(first + i, now - timedelta(hours=47) + timedelta(seconds=i * 8)) for i in range(sizes.users * 2)])


# ---------------------------------------------------------------------- the present


def add_present(seed: int = 2, upcoming: int = UPCOMING) -> dict:
    """Users, drivers and `upcoming` future trips (same seed → same present). Returns ids
    the scenarios need. Runs on whatever database `models.db` is bound to."""
    rng = random.Random(seed)
    now = utcnow()
    roles = {tg: ROLE_PASSENGER for tg in present_ids()}
    roles.update({tg: ROLE_DRIVER for tg in (DRIVER, *PRESENT_DRIVERS)})
    with db.atomic():
        for chunk in pw.chunked(sorted(roles.items()), CHUNK):
            User.insert_many(
                [(tg, present_name(tg), role, now, now) for tg, role in chunk],
                fields=[User.telegram_id, User.name, User.role, User.created_at, User.updated_at],
            ).on_conflict_ignore().execute()
        ids = dict(User.select(User.telegram_id, User.id).where(User.telegram_id.in_(list(roles))).tuples())
        today = date.today()
        trip_ids = []
        for i in range(upcoming + 1):
            join = i == upcoming
            day = today + timedelta(days=3 if join else 1 + i * 30 // max(upcoming, 1))
            first = datetime.combine(day, dtime(8 + rng.randint(0, 11), rng.choice([0, 15, 30, 45])))
            k = 2 if join else rng.randint(1, 3)
            times = [first + timedelta(minutes=15 * j) for j in range(k)]
            seats = 8 if join else rng.randint(3, 8)
            trip = Trip.create(driver=ids[PRESENT_DRIVERS[i % len(PRESENT_DRIVERS)]],
                               destination=JOIN_DESTINATION if join else rng.choice(VENUES),
                               departure_date=day, seats=seats, comment="" if rng.random() < 0.5 else "Bring water",
                               departs_at=times[0], ends_at=times[-1])
            PickupPoint.insert_many([(trip.id, rng.choice(STREETS), dtime(t.hour, t.minute), j)
                                     for j, t in enumerate(times)],
                                    fields=[PickupPoint.trip, PickupPoint.address, PickupPoint.time,
                                            PickupPoint.position]).execute()
            if not join:
                points = [p.id for p in PickupPoint.select(PickupPoint.id).where(PickupPoint.trip == trip.id)]
                for rider in rng.sample(REGULARS, k=rng.randint(0, 2)):
                    Participant.create(trip=trip, passenger=ids[rider], pickup_point=rng.choice(points))
            trip_ids.append(trip.id)
    return {"upcoming": trip_ids[:-1], "join_trip": trip_ids[-1]}


def working_copy(source: Path, dest: Path) -> Path:
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(source, dest)
    return dest


def counts() -> dict:
    return {m._meta.table_name: m.select().count() for m in (User, Trip, PickupPoint, Participant, Notification,
                                                              FsmRecord)}
