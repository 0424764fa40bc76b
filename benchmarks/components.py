"""The pieces a click is made of, timed alone on the same databases: the query every
update makes (UserMiddleware's `get_user`), the storage calls aiogram-dialog makes, and
the getters and operations behind each scenario. Not targets: they say where a
scenario's time goes (with the statements, Peewee's SQL building and SQLite's share)."""

from __future__ import annotations

import itertools
import statistics
import time

from aiogram.fsm.storage.base import StorageKey

from bot.infra.storage import PeeweeStorage
from models import PickupPoint, queries, rides, users

from . import datasets
from .clicks import Env, percentile
from .recording import BOT_ID


def _operations(env: Env) -> list[tuple[str, str, object]]:
    env.activate()
    storage = PeeweeStorage()
    key = StorageKey(bot_id=BOT_ID, chat_id=8_100_001, user_id=8_100_001, destiny="aiogd:context:bench")
    data = {"intent_id": "bench", "stack_id": "", "state": "TripSG:card", "start_data": {"trip_id": 1},
            "dialog_data": {"point_id": 1, "seen_version": 1}, "widget_data": {}}
    join_trip = env.ids["join_trip"]
    point = PickupPoint.select(PickupPoint.id).where(PickupPoint.trip == join_trip).first().id
    card_trip = env.ids["upcoming"][0]
    joiner = datasets.PASSENGERS["start"]

    def run(coro_fn):
        def call():
            coro = coro_fn()
            try:
                coro.send(None)  # PeeweeStorage never awaits: one step runs it to the end
            except StopIteration as stop:
                return stop.value
            raise RuntimeError("storage call awaited something")
        return call

    run(lambda: storage.set_data(key, data))()
    try:  # the de-duplication middleware's store (bot/middlewares/dedupe.py), when this checkout has it
        from bot.middlewares.dedupe import DatabaseSeen
    except ImportError:
        dedupe = None
    else:
        seen_store, update_ids = DatabaseSeen(), itertools.count(800_000_000)

        def dedupe():
            update_id = next(update_ids)
            run(lambda: seen_store.seen(update_id))()
            run(lambda: seen_store.add(update_id))()
    return [
        ("get_user", "users.get_user (UserMiddleware, every update)", lambda: users.get_user(joiner)),
        *([("dedupe", "dedupe seen + add (every update)", dedupe)] if dedupe else []),
        ("storage_get_data", "PeeweeStorage.get_data", run(lambda: storage.get_data(key))),
        ("storage_set_data", "PeeweeStorage.set_data (existing key)", run(lambda: storage.set_data(key, data))),
        ("list_upcoming", "queries.list_upcoming (trip list getter)", lambda: queries.list_upcoming(0)),
        ("trip_card", "queries.trip_card (card getter)", lambda: queries.trip_card(card_trip, joiner)),
        ("join_leave", "rides.join_trip + leave_trip",
         lambda: (rides.join_trip(joiner, join_trip, point), rides.leave_trip(joiner, join_trip))),
        ("recent_destinations", "queries.recent_destination_choices", lambda: queries.recent_destination_choices(
            datasets.DRIVER)),
    ]


def run_components(envs: dict[str, Env], iterations: int, warmup: int = 10) -> dict:
    ops = {name: _operations(env) for name, env in envs.items()}
    out: dict[str, dict] = {}
    for i, (key, label, _) in enumerate(ops["small"]):
        entry = out.setdefault(key, {"label": label})
        samples: dict[str, dict[str, list]] = {name: {"ns": [], "cpu": [], "q": [], "sql": [], "build": []}
                                               for name in envs}
        for name, env in envs.items():
            env.activate()
            fn = ops[name][i][2]
            for _ in range(warmup):
                fn()
        for r in range(iterations):
            for name, env in (envs.items() if r % 2 == 0 else reversed(envs.items())):
                env.activate()
                fn, counter, s = ops[name][i][2], env.counter, samples[name]
                q0, sql0, b0 = counter.queries, counter.sql_ns, counter.build_ns
                started, cpu_started = time.perf_counter_ns(), time.thread_time_ns()
                fn()
                s["ns"].append(time.perf_counter_ns() - started)
                s["cpu"].append(time.thread_time_ns() - cpu_started)
                s["q"].append(counter.queries - q0)
                s["sql"].append(counter.sql_ns - sql0)
                s["build"].append(counter.build_ns - b0)
        for name, s in samples.items():
            ns = sorted(s["ns"])
            entry[name] = {
                "median_us": round(statistics.median(ns) / 1000, 1),
                "p99_us": round(percentile(ns, 99) / 1000, 1),
                "cpu_median_us": round(statistics.median(s["cpu"]) / 1000, 1),
                "queries": statistics.median(s["q"]),
                "sqlite_us": round(statistics.median(s["sql"]) / 1000, 1),
                "peewee_build_us": round(statistics.median(s["build"]) / 1000, 1),
            }
        if "large" in entry:
            entry["large_vs_small"] = round(entry["large"]["cpu_median_us"] / entry["small"]["cpu_median_us"], 3)
    return out
