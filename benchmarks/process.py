"""Start-up time and memory of the real `carpool-bot` process, against the fake Bot API.

Start-up: from `Popen` to the first `getUpdates` the fake receives. Idle memory: VmRSS
from /proc/<pid>/status one second after that. Then `users` simulated players each send
/start and open a trip through a shared link (`/start trip_<id>`: registered as a
passenger, main menu with the trip card on top), and VmRSS is read again.

Baseline: `benchmarks/bare_bot.py`, the smallest aiogram polling bot, launched the same
way (same interpreter, same environment, its own fake API server), alternating with the
carpool bot so both see the same machine."""

from __future__ import annotations

import os
import signal
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from bot.infra.db import open_database
from models import db
from bot.devtools.fakeapi import FakeTelegram
from tests.process import carpool_bot_command

from . import datasets
from .recording import TOKEN

BARE_BOT = Path(__file__).resolve().parent / "bare_bot.py"
SETTLE_S = 1.0
FIRST_USER = 5_000_000


def cpu_s(pid: int) -> float:
    """User + system CPU time the process has used so far (/proc/<pid>/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for pid {pid}")


@dataclass
class Launch:
    kind: str  # "bare" or "carpool"
    tg: FakeTelegram
    workdir: Path
    proc: subprocess.Popen | None = None
    started: float = 0.0
    polls_before: int = 0
    startup_s: float | None = None
    startup_cpu_s: float | None = None

    def start(self) -> Launch:
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("TELEGRAM_", "DATABASE_", "SENTRY_", "LOG_", "REDIS_", "WEBHOOK_"))}
        env.update(TELEGRAM_TOKEN=self.tg.token, TELEGRAM_API_URL=self.tg.base_url,
                   DATABASE_URL=f"sqlite:///{self.workdir}/data/carpool.sqlite3",
                   LOG_DIR=str(self.workdir / "logs"), LOG_LEVEL="INFO", SHUTDOWN_TIMEOUT="10")
        command = carpool_bot_command() if self.kind == "carpool" else [sys.executable, str(BARE_BOT)]
        self.log = open(self.workdir / f"{self.kind}-output.log", "ab")
        self.polls_before = self.tg.polls_started
        self.started = time.monotonic()
        self.proc = subprocess.Popen(command, cwd=self.workdir, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        return self

    def wait_polling(self, timeout: float = 90) -> float:
        try:
            self.tg.wait_polling(after=self.polls_before, timeout=timeout)
        except AssertionError:
            raise AssertionError(f"{self.kind} bot is not polling; output:\n{self.output()}") from None
        self.startup_s = time.monotonic() - self.started
        self.startup_cpu_s = cpu_s(self.proc.pid)
        return self.startup_s

    def rss_kb(self) -> int:
        return rss_kb(self.proc.pid)

    def output(self) -> str:
        path = self.workdir / f"{self.kind}-output.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self, timeout: float = 30) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise AssertionError(f"{self.kind} bot did not stop; output:\n{self.output()}") from None
        finally:
            self.log.close()


def _seed(workdir: Path, cache: Path) -> list[int]:
    """The carpool bot's database, migrated, with 20 upcoming trips to share links to."""
    path = datasets.working_copy(datasets.schema_template(cache), workdir / "data" / "carpool.sqlite3")
    database = open_database(f"sqlite:///{path}")
    database.connect()
    previous = db.obj
    db.initialize(database)
    try:
        ids = datasets.add_present(seed=3, upcoming=20)["upcoming"]
    finally:
        db.initialize(previous)
        database.close()
    return ids


def _wait_all(users, predicate, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    waiting = list(users)
    while waiting:
        waiting = [u for u in waiting if not predicate(u.screen())]
        if not waiting:
            return
        if time.monotonic() > deadline:
            screen = waiting[0].screen()
            raise AssertionError(f"{len(waiting)} simulated users still waiting; e.g. user {waiting[0].id} sees "
                                 f"{screen.text[:200] if screen else None!r}")
        time.sleep(0.05)


def _simulate(tg: FakeTelegram, trips: list[int], count: int) -> float:
    """`count` newcomers send /start, then open a shared trip; returns updates per second."""
    users = [tg.user(FIRST_USER + i, first_name=f"Rider{i}", username=None) for i in range(count)]
    started = time.monotonic()
    for u in users:
        u.send("/start")
    _wait_all(users, lambda s: s is not None and "Welcome" in s.text, timeout=60 + count * 0.2)
    for i, u in enumerate(users):
        u.send(f"/start trip_{trips[i % len(trips)]}")
    _wait_all(users, lambda s: s is not None and "Pickup points" in s.text, timeout=60 + count * 0.2)
    return 2 * count / (time.monotonic() - started)


class ProcessBench:
    """Both bots, started in turn (`run`), or — tiny mode — both at once as soon as possible
    (`launch_parallel` early, `finish_parallel` later: their imports overlap the in-process
    sections; quick, and its timings mean nothing)."""

    def __init__(self, workdir: Path, cache: Path, users: int, repeats: int = 1, settle: float = SETTLE_S):
        self.carpool_dir, self.bare_dir = workdir / "carpool", workdir / "bare"
        self.bare_dir.mkdir(parents=True, exist_ok=True)
        self.cache, self.users, self.repeats, self.settle = cache, users, repeats, settle
        self.runs: dict[str, list[dict]] = {"bare": [], "carpool": []}
        self.after: dict = {}
        self.parallel = False
        self.fakes: dict[str, FakeTelegram] = {}
        self.launches: dict[str, Launch] = {}

    def _start_fakes(self) -> None:
        self.trips = _seed(self.carpool_dir, self.cache)
        self.fakes = {"bare": FakeTelegram(token=TOKEN).start(), "carpool": FakeTelegram(token=TOKEN).start()}

    def _launch(self, kind: str) -> Launch:
        launch = Launch(kind, self.fakes[kind], self.bare_dir if kind == "bare" else self.carpool_dir).start()
        self.launches[kind] = launch
        return launch

    def _record_idle(self, launch: Launch) -> None:
        self.runs[launch.kind].append({"startup_s": round(launch.startup_s, 3),
                                       "startup_cpu_s": round(launch.startup_cpu_s, 2),
                                       "rss_idle_kb": launch.rss_kb()})

    def run(self) -> dict:
        """`repeats` start-ups of each, alternating; the last carpool one also gets the users."""
        self._start_fakes()
        try:
            # warm the page cache for both (the first import of aiogram after a while is slower)
            subprocess.run([sys.executable, "-c", "import bot.cli, bot.app, aiogram_dialog"], check=True,
                           cwd=Path(__file__).resolve().parent.parent)
            for r in range(self.repeats):
                for kind in (["bare", "carpool"] if r % 2 == 0 else ["carpool", "bare"]):
                    launch = self._launch(kind)
                    launch.wait_polling()
                    time.sleep(self.settle)
                    self._record_idle(launch)
                    if kind == "carpool" and r == self.repeats - 1:
                        self.after = _after_users(launch, self.fakes["carpool"], self.trips, self.users, self.settle)
                    launch.stop()
        finally:
            self.cleanup()
        return self.result()

    def launch_parallel(self) -> None:
        self.parallel = True
        self._start_fakes()
        for kind in ("bare", "carpool"):
            self._launch(kind)

    def finish_parallel(self) -> dict:
        try:
            for launch in self.launches.values():
                launch.wait_polling()
            time.sleep(self.settle)
            for launch in self.launches.values():
                self._record_idle(launch)
            self.after = _after_users(self.launches["carpool"], self.fakes["carpool"], self.trips, self.users,
                                      self.settle)
            for launch in self.launches.values():
                launch.proc.send_signal(signal.SIGTERM)
            for launch in self.launches.values():
                launch.stop()
        finally:
            self.cleanup()
        return self.result()

    def cleanup(self) -> None:
        for launch in self.launches.values():
            if launch.proc is not None and launch.proc.poll() is None:
                launch.proc.kill()
                launch.proc.wait()
                launch.log.close()
        for fake in self.fakes.values():
            fake.stop()

    def result(self) -> dict:
        result = {}
        for kind, rows in self.runs.items():
            result[kind] = {
                # best of the runs: a busy machine only ever adds to a start-up, never takes away
                "startup_s": round(min(r["startup_s"] for r in rows), 3),
                "startup_median_s": round(statistics.median(r["startup_s"] for r in rows), 3),
                "startup_cpu_s": round(statistics.median(r["startup_cpu_s"] for r in rows), 2),
                "rss_idle_mb": round(statistics.median(r["rss_idle_kb"] for r in rows) / 1024, 1),
                "runs": rows,
            }
        result["carpool"].update(self.after)
        c, b = result["carpool"], result["bare"]
        result["startup_ratio"] = round(c["startup_s"] / b["startup_s"], 3)
        result["startup_median_ratio"] = round(c["startup_median_s"] / b["startup_median_s"], 3)
        result["startup_cpu_ratio"] = round(c["startup_cpu_s"] / b["startup_cpu_s"], 3) if b["startup_cpu_s"] else None
        result["rss_idle_ratio"] = round(c["rss_idle_mb"] / b["rss_idle_mb"], 3)
        result["parallel"] = self.parallel
        return result


def _after_users(launch: Launch, tg: FakeTelegram, trips: list[int], users: int, settle: float) -> dict:
    idle = launch.rss_kb()
    rate = _simulate(tg, trips, users)
    time.sleep(settle)
    rss = launch.rss_kb()
    return {
        "users": users,
        "rss_after_users_mb": round(rss / 1024, 1),
        "rss_per_user_kb": round((rss - idle) / users, 1) if users else None,
        "e2e_updates_per_s": round(rate, 1),
    }
