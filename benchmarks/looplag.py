"""Event-loop lag under load: while the dispatcher handles `rate` updates a second (fed
with `dp.feed_update` as tasks, as aiogram's polling does), a probe measures how late a
10 ms `asyncio.sleep` wakes up. Whatever runs synchronously between two awaits (SQLite
calls, rendering, a WAL checkpoint) delays every other user by that much.

The load: `users` players, each walking through /start → Find → next page → previous
page → a shared trip link → Join → pickup point → ✅ Join → Leave → Yes, leave, one
update at a time (a player whose last update is still running is skipped that tick)."""

from __future__ import annotations

import asyncio
import gc
import time

from . import datasets
from .clicks import STEP_LABEL, Env, ErrorWatch, StepTimer, bare_dispatcher, percentile
from .recording import ButtonNotFound, SimUser

PROBE_S = 0.010
LONG_STEP_S = 0.005  # the target: a loop step longer than this is a lag the probe can see


def _by_label(steps: list[tuple[int, int, str]]) -> dict:
    """Long steps per kind of update: how many, the most CPU one used and the longest it lasted (ms)."""
    out: dict[str, dict] = {}
    for cpu, wall, label in steps:
        entry = out.setdefault(label or "(other)", {"count": 0, "max_cpu_ms": 0.0, "max_wall_ms": 0.0})
        entry["count"] += 1
        entry["max_cpu_ms"] = max(entry["max_cpu_ms"], round(cpu / 1e6, 2))
        entry["max_wall_ms"] = max(entry["max_wall_ms"], round(wall / 1e6, 2))
    return dict(sorted(out.items(), key=lambda kv: -kv[1]["count"]))


def _script(trip_id: int):
    return [
        ("/start", lambda u: u.message("/start")),
        ("find", lambda u: u.click("🔎 Find a trip")),
        ("next_page", lambda u: u.click("Next ▶️")),
        ("previous_page", lambda u: u.click("◀️ Previous")),
        ("shared_link", lambda u: u.message(f"/start trip_{trip_id}")),
        ("join", lambda u: u.click("🙋 Join")),
        ("pickup_point", lambda u: u.click(prefix="📍 ")),
        ("join_confirm", lambda u: u.click("✅ Join")),
        ("leave", lambda u: u.click("🚶 Leave")),
        ("leave_confirm", lambda u: u.click("🚶 Yes, leave")),
    ]


class GcWatch:
    """Pauses of Python's cyclic garbage collector (they stop the loop too), in CPU time."""

    def __init__(self) -> None:
        self.pauses: list[tuple[int, float]] = []
        self._started = 0.0

    def __call__(self, phase: str, info: dict) -> None:
        if phase == "start":
            self._started = time.thread_time()
        else:
            self.pauses.append((info["generation"], time.thread_time() - self._started))

    def __enter__(self) -> GcWatch:
        gc.callbacks.append(self)
        return self

    def __exit__(self, *exc) -> None:
        gc.callbacks.remove(self)


BARE_USERS = 8_200_000


async def run_lag_suite(env: Env, rate: float, duration: float) -> dict:
    """The carpool dispatcher under load, with two baselines from the same run: the probe on
    an idle loop (the machine's own noise) and a bare aiogram handler at the same rate.
    The heap is settled as the bot's run mode does before it starts serving."""
    from bot.runmodes.runner import settle_heap

    settle_heap()
    idle = await run_lag(env, 0, min(2.0, duration / 2))
    bare = await run_lag(env, rate, duration / 2, dp=bare_dispatcher(),
                         scripts=[[("ping", lambda u: u.message("/ping"))]] * 20, first_user=BARE_USERS)
    result = await run_lag(env, rate, duration)
    keep = ("lag_p50_ms", "lag_p99_ms", "lag_max_ms", "achieved_rate", "cpu_busy", "cpu_ms_per_update", "probes")
    result["baselines"] = {"idle": {k: idle[k] for k in keep}, "bare_handler": {k: bare[k] for k in keep}}
    return result


async def run_lag(env: Env, rate: float, duration: float, users: int = datasets.LAG_USERS, dp=None,
                  scripts: list | None = None, first_user: int = datasets.LAG_BASE) -> dict:
    """`rate` 0: the probe alone."""
    env.activate()
    dp = dp or env.dp
    trips = env.ids["upcoming"]
    scripts = scripts or [_script(trips[i % len(trips)]) for i in range(users)]
    players = [(env.user(first_user + i), script, [0]) for i, script in enumerate(scripts)]
    busy: set[int] = set()
    latencies: list[float] = []
    lags: list[float] = []
    restarts = 0
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()

    recording = False

    async def probe() -> None:
        while not stop.is_set():
            started = loop.time()
            await asyncio.sleep(PROBE_S)
            if recording:
                lags.append(loop.time() - started - PROBE_S)

    async def handle(user: SimUser, label: str, update) -> None:
        STEP_LABEL.set(label)
        started = loop.time()
        try:
            await dp.feed_update(env.bot, update)
        finally:
            if recording:
                latencies.append(loop.time() - started)
            busy.discard(user.id)

    def next_update(user: SimUser, script, pos):
        nonlocal restarts
        label, make = script[pos[0]]
        try:
            update = make(user)
            pos[0] = (pos[0] + 1) % len(script)
        except ButtonNotFound:  # e.g. the trip filled up: start over
            restarts += 1
            label, update = "/start", user.message("/start")
            pos[0] = 1
        return label, update

    tasks: set[asyncio.Task] = set()
    fed = 0
    StepTimer.install()
    with ErrorWatch() as watch, GcWatch() as gc_watch:
        probe_task = asyncio.create_task(probe())
        await asyncio.sleep(0.05)
        warmup = min(1.0, duration * 0.2)  # first-use costs (caches, the first GCs) are not the steady state
        warmed = loop.time() + warmup
        tick = loop.time()
        started = cpu_started = None
        i = 0
        while started is None or loop.time() - started < duration:
            if started is None and loop.time() >= warmed:
                recording, fed, started, cpu_started = True, 0, loop.time(), time.process_time()
                StepTimer.long_steps, StepTimer.record_over_ns = [], int(LONG_STEP_S * 1e9)
                gc_watch.pauses.clear()
            for _ in range(len(players) if rate else 0):
                user, script, pos = players[i % len(players)]
                i += 1
                if user.id not in busy:
                    busy.add(user.id)
                    task = asyncio.create_task(handle(user, *next_update(user, script, pos)))
                    tasks.add(task)
                    task.add_done_callback(tasks.discard)
                    fed += 1
                    break
            tick += 1 / rate if rate else 0.05
            await asyncio.sleep(max(0.0, tick - loop.time()))
        elapsed = loop.time() - started
        cpu = time.process_time() - cpu_started
        StepTimer.record_over_ns = None
        gc_pauses = list(gc_watch.pauses)
        if tasks:
            await asyncio.wait(set(tasks), timeout=30)
        stop.set()
        await probe_task
        errors = len(watch.records)
    lags.sort()
    latencies.sort()
    return {
        "target_rate": rate,
        "achieved_rate": round(fed / elapsed, 1),
        "updates": fed,
        "duration_s": round(elapsed, 2),
        "users": len(players) if rate else 0,
        "probe_ms": PROBE_S * 1000,
        "probes": len(lags),
        "lag_p50_ms": round(percentile(lags, 50) * 1000, 2),
        "lag_p99_ms": round(percentile(lags, 99) * 1000, 2),
        "lag_max_ms": round(lags[-1] * 1000, 2) if lags else None,
        "update_p50_ms": round(percentile(latencies, 50) * 1000, 2),
        "update_p99_ms": round(percentile(latencies, 99) * 1000, 2),
        "cpu_busy": round(cpu / elapsed, 3),  # share of one core the process used: the loop's load
        "cpu_ms_per_update": round(cpu / fed * 1000, 2) if fed else 0.0,
        "long_steps": len(StepTimer.long_steps),
        "long_step_ms": LONG_STEP_S * 1000,
        "long_steps_by_update": _by_label(StepTimer.long_steps),
        "gc_pauses": len(gc_pauses),
        "gc_gen2": sum(1 for g, _ in gc_pauses if g == 2),
        "gc_max_ms": round(max((d for _, d in gc_pauses), default=0) * 1000, 2),
        "gc_total_ms": round(sum(d for _, d in gc_pauses) * 1000, 1),
        "restarts": restarts,
        "errors_logged": errors,
    }
