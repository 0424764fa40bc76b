"""What one update costs, through the real dispatcher, and how it grows with data.

Every scenario feeds Telegram updates to `Dispatcher.feed_update` of a dispatcher built by
`bot.app.build_dispatcher` (the bot's default storage, `PeeweeStorage`, on an SQLite file
built by `bot.infra.db.migrate`) with a `RecordingSession` bot: all of aiogram, aiogram-dialog,
the middlewares, getters, operations and SQL run; only the network is missing.

Baselines in the same process and database: a bare aiogram message handler, and a
one-window aiogram-dialog dialog with a trivial getter on the same storage (its /start
for messages, a button press for callbacks). Scenarios run interleaved in small batches,
round after round, so a noisy neighbour slows all of them alike and the ratios hold.
"""

from __future__ import annotations

import asyncio
import contextvars
import dataclasses
import logging
import statistics
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import peewee as pw
from aiogram import Dispatcher, Router
from aiogram.filters import CommandStart
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message, Update
from aiogram_dialog import Dialog, DialogManager, StartMode, Window, setup_dialogs
from aiogram_dialog.widgets.kbd import Button
from aiogram_dialog.widgets.text import Const, Format

from bot.app import build_dispatcher, create_bot
from bot.config import Settings
from bot.infra.db import open_database
from bot.infra.storage import PeeweeStorage
from models import db

from . import datasets
from .recording import TOKEN, RecordingSession, SimUser, make_bot


class BenchmarkError(AssertionError):
    """A scenario did not do what it should have: its timings would be meaningless."""


class QueryCounter:
    """Counts the SQL statements (savepoints aside) and transactions of one database, and
    times what the database calls cost: `sql_ns` inside SQLite (execute, BEGIN, COMMIT),
    `build_ns` in Peewee turning query objects into SQL text."""

    def __init__(self) -> None:
        self.queries = 0
        self.transactions = 0
        self.sql_ns = 0
        self.build_ns = 0

    def install(self, database: pw.Database) -> None:
        execute, execute_sql, begin, commit = database.execute, database.execute_sql, database.begin, database.commit
        clock = time.perf_counter_ns

        def counting_execute(query, **context_options):
            started, sql_before = clock(), self.sql_ns
            try:
                return execute(query, **context_options)  # compiles, then calls execute_sql below
            finally:
                self.build_ns += clock() - started - (self.sql_ns - sql_before)

        def counting_execute_sql(sql, params=None):
            if not sql.startswith(("SAVEPOINT", "RELEASE", "ROLLBACK")):
                self.queries += 1
            started = clock()
            try:
                return execute_sql(sql, params)
            finally:
                self.sql_ns += clock() - started

        def counting_begin(*args, **kwargs):
            self.transactions += 1
            started = clock()
            try:
                return begin(*args, **kwargs)
            finally:
                self.sql_ns += clock() - started

        def timed_commit(*args, **kwargs):
            started = clock()
            try:
                return commit(*args, **kwargs)
            finally:
                self.sql_ns += clock() - started

        database.execute = counting_execute
        database.execute_sql = counting_execute_sql
        database.begin = counting_begin
        database.commit = timed_commit


STEP_LABEL: contextvars.ContextVar[str] = contextvars.ContextVar("benchmark_step_label", default="")


class StepTimer:
    """The longest single event-loop step (one `Handle._run`: a task running from one await
    that really yields to the next). Nothing else runs meanwhile: it bounds the loop's lag.
    Measured in this thread's CPU time (`longest_ns`) and wall time (`longest_wall_ns`): on a
    busy machine a step can also be stretched by another process taking the core.
    With `record_over_ns` set, steps using more CPU than that are kept as
    (cpu ns, wall ns, STEP_LABEL of the task)."""

    longest_ns = 0
    longest_wall_ns = 0
    record_over_ns: int | None = None
    long_steps: list[tuple[int, int, str]] = []
    _installed = False

    @classmethod
    def install(cls) -> None:
        if cls._installed:
            return
        run, clock, cpu_clock = asyncio.events.Handle._run, time.perf_counter_ns, time.thread_time_ns

        def timed_run(handle):
            started, cpu_started = clock(), cpu_clock()
            try:
                return run(handle)
            finally:
                cpu, wall = cpu_clock() - cpu_started, clock() - started
                if cpu > cls.longest_ns:
                    cls.longest_ns = cpu
                if wall > cls.longest_wall_ns:
                    cls.longest_wall_ns = wall
                if cls.record_over_ns is not None and cpu > cls.record_over_ns:
                    context = handle._context
                    cls.long_steps.append((cpu, wall, context.get(STEP_LABEL, "") if context is not None else ""))

        cls._original = run
        asyncio.events.Handle._run = timed_run
        cls._installed = True

    @classmethod
    def uninstall(cls) -> None:
        if cls._installed:
            asyncio.events.Handle._run = cls._original
            cls._installed = False


class GenericRebuilds:
    """Times pydantic re-creating a parametrized generic model. aiogram's `check_response`
    builds `Response[<result type>]` on every Bot API call; pydantic caches those classes in a
    WeakValueDictionary, so once the garbage collector has taken one it is built again."""

    count = 0
    ns = 0
    _original = None

    @classmethod
    def install(cls) -> None:
        if cls._original is not None:
            return
        from pydantic._internal import _generics

        original, clock = _generics.create_generic_submodel, time.perf_counter_ns

        def timed(*args, **kwargs):
            started = clock()
            try:
                return original(*args, **kwargs)
            finally:
                cls.count += 1
                cls.ns += clock() - started

        cls._original = original
        _generics.create_generic_submodel = timed

    @classmethod
    def uninstall(cls) -> None:
        if cls._original is not None:
            from pydantic._internal import _generics

            _generics.create_generic_submodel = cls._original
            cls._original = None


class ErrorWatch(logging.Handler):
    """Catches ERROR records (the bot's error handler logs instead of raising)."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def __enter__(self) -> ErrorWatch:
        logging.getLogger().addHandler(self)
        return self

    def __exit__(self, *exc) -> None:
        logging.getLogger().removeHandler(self)


def bench_settings(url: str, log_dir: Path) -> Settings:
    """The bot's defaults, except the per-user throttle (bot/middlewares/access.py): a simulated user taps
    far faster than a person, so it is set as high as the configuration allows (1000/s),
    which keeps the middleware and its cost on every update without refusing any."""
    extra = {"throttle_rate": 1000} if "throttle_rate" in {f.name for f in dataclasses.fields(Settings)} else {}
    return Settings(telegram_token=TOKEN, database_url=url, log_dir=log_dir, **extra)


class Env:
    """One database file with the carpool dispatcher (and, for the small one, the baselines)."""

    def __init__(self, name: str, path: Path, ids: dict | None = None):
        self.name = name
        self.path = path
        self.url = f"sqlite:///{path}"
        self.database = open_database(self.url)
        self.database.connect()
        self.counter = QueryCounter()
        self.counter.install(self.database)
        self.settings = bench_settings(self.url, path.parent / "logs")
        self.session = RecordingSession()
        self.bot = make_bot(self.session, like=create_bot(self.settings))
        self.activate()
        self.ids = ids if ids is not None else datasets.add_present()
        self.app = build_dispatcher(self.settings)
        self.dp = self.app.dispatcher
        self.sizes = datasets.counts()

    def activate(self) -> None:
        """Point the models (and PeeweeStorage) at this environment's database."""
        if db.obj is not self.database:
            db.initialize(self.database)

    def user(self, telegram_id: int, first_name: str = "") -> SimUser:
        return SimUser(self.session, telegram_id, first_name or f"Player {telegram_id % 1000}")

    def close(self) -> None:
        if db.obj is self.database:
            db.initialize(None)
        self.database.close()


# --------------------------------------------------------------------------- baselines


def bare_dispatcher() -> Dispatcher:
    dp = Dispatcher()

    @dp.message()
    async def pong(message: Message) -> None:
        await message.answer("pong")

    return dp


class OneSG(StatesGroup):
    main = State()


async def _one_getter(dialog_manager: DialogManager, **kwargs) -> dict:
    return {"n": dialog_manager.dialog_data.get("n", 0)}


async def _one_again(event: CallbackQuery, button: Button, manager: DialogManager) -> None:
    manager.dialog_data["n"] = manager.dialog_data.get("n", 0) + 1


def one_window_dispatcher() -> Dispatcher:
    """aiogram-dialog's floor: one window, a trivial getter, the bot's storage."""
    dp = Dispatcher(storage=PeeweeStorage())
    router = Router()

    @router.message(CommandStart())
    async def start(message: Message, dialog_manager: DialogManager) -> None:
        await dialog_manager.start(OneSG.main, mode=StartMode.RESET_STACK)

    dialog = Dialog(Window(
        Format("Clicks: {n}"),
        Button(Const("➕ Again"), id="again", on_click=_one_again),
        getter=_one_getter,
        state=OneSG.main,
    ))
    dp.include_routers(router, dialog)
    setup_dialogs(dp)
    return dp


# --------------------------------------------------------------------------- scenarios


@dataclass
class Figures:
    samples_ns: list[int] = field(default_factory=list)  # wall clock
    cpu_ns: list[int] = field(default_factory=list)  # this thread's CPU time (blind to other processes)
    queries: list[int] = field(default_factory=list)
    transactions: list[int] = field(default_factory=list)
    api_calls: list[int] = field(default_factory=list)
    sql_ns: list[int] = field(default_factory=list)
    build_ns: list[int] = field(default_factory=list)
    step_ns: list[int] = field(default_factory=list)
    rebuilds: list[int] = field(default_factory=list)
    rebuild_ns: list[int] = field(default_factory=list)

    def summary(self) -> dict:
        ns, cpu = sorted(self.samples_ns), sorted(self.cpu_ns)
        return {
            "n": len(ns),
            "median_us": round(statistics.median(ns) / 1000, 1),
            "p99_us": round(percentile(ns, 99) / 1000, 1),
            "mean_us": round(statistics.fmean(ns) / 1000, 1),
            "cpu_median_us": round(statistics.median(cpu) / 1000, 1),
            "cpu_p99_us": round(percentile(cpu, 99) / 1000, 1),
            "queries": statistics.median(self.queries),
            "transactions": statistics.median(self.transactions),
            "api_calls": statistics.median(self.api_calls),
            "sqlite_us": round(statistics.median(self.sql_ns) / 1000, 1),
            "peewee_build_us": round(statistics.median(self.build_ns) / 1000, 1),
            "longest_step_us": round(statistics.median(self.step_ns) / 1000, 1),
            # sporadic, so means: how often a Bot API answer's Response[T] class was rebuilt, and the cost
            "response_rebuilds_per_update": round(statistics.fmean(self.rebuilds), 3),
            "response_rebuild_us_per_update": round(statistics.fmean(self.rebuild_ns) / 1000, 1),
        }


def percentile(sorted_values: list, pct: float):
    """Nearest-rank percentile of an already sorted list."""
    if not sorted_values:
        return float("nan")
    rank = max(1, min(len(sorted_values), round(pct / 100 * len(sorted_values) + 0.5)))
    return sorted_values[rank - 1]


class Scenario:
    name = ""
    label = ""
    kind = "callback"  # what the timed update is: "message" or "callback"
    user_id = 0  # the Telegram user who presses (`self.user`) …
    user_name = ""  # … and their first name ("" for "Player <id>")

    def __init__(self, env: Env, dp: Dispatcher | None = None, watch: ErrorWatch | None = None):
        self.env = env
        self.dp = dp or env.dp
        self.watch = watch
        self.user = env.user(self.user_id, self.user_name)
        self.figures = Figures()
        self.recording = False
        self.profiler = None  # a cProfile.Profile to run around the timed update only

    @property
    def key(self) -> str:
        return f"{self.name}@{self.env.name}"

    async def setup(self) -> None:
        pass

    async def iteration(self) -> None:
        raise NotImplementedError

    async def feed(self, update: Update, expect: str | None = None, button: str | None = None) -> None:
        """An update of `self.user` (not timed); then the screen must show `expect` and `button`."""
        await self.dp.feed_update(self.env.bot, update)
        self._check(expect, button)

    async def timed(self, update: Update, expect: str | None = None, button: str | None = None) -> None:
        counter, session = self.env.counter, self.env.session
        q0, t0, c0, s0, b0 = counter.queries, counter.transactions, session.calls, counter.sql_ns, counter.build_ns
        if self.profiler is not None:
            self.profiler.enable()
        await asyncio.sleep(0)  # the update starts on a fresh loop step…
        StepTimer.longest_ns = StepTimer.longest_wall_ns = 0
        r0, rn0 = GenericRebuilds.count, GenericRebuilds.ns
        started, cpu_started = time.perf_counter_ns(), time.thread_time_ns()
        await self.dp.feed_update(self.env.bot, update)
        elapsed, cpu = time.perf_counter_ns() - started, time.thread_time_ns() - cpu_started
        await asyncio.sleep(0)  # …and its last step ends here, so it is counted
        longest_step = StepTimer.longest_ns
        if self.profiler is not None:
            self.profiler.disable()
        if self.recording:
            self.figures.samples_ns.append(elapsed)
            self.figures.cpu_ns.append(cpu)
            self.figures.queries.append(counter.queries - q0)
            self.figures.transactions.append(counter.transactions - t0)
            self.figures.api_calls.append(session.calls - c0)
            self.figures.sql_ns.append(counter.sql_ns - s0)
            self.figures.build_ns.append(counter.build_ns - b0)
            self.figures.step_ns.append(longest_step)
            self.figures.rebuilds.append(GenericRebuilds.count - r0)
            self.figures.rebuild_ns.append(GenericRebuilds.ns - rn0)
        self._check(expect, button)

    def _check(self, expect: str | None, button: str | None) -> None:
        user = self.user
        problems = []
        if self.watch is not None and self.watch.records:
            problems.append("errors logged: " + "; ".join(r.getMessage() for r in self.watch.records[:3]))
            self.watch.records.clear()
        if expect is not None and expect not in user.text():
            problems.append(f"expected {expect!r} on screen")
        if button is not None and not user.has_button(button):
            problems.append(f"expected button {button!r}")
        if problems:
            raise BenchmarkError(f"{self.key}: {', '.join(problems)}; screen: {user.text()[:300]!r}, "
                                 f"buttons: {user.buttons()}, last answer: "
                                 f"{self.env.session.alerts.get(str(user.id))!r}")


class BareHandler(Scenario):
    name, label, kind = "bare_handler", "bare aiogram message handler", "message"
    user_id = 8_000_001

    def __init__(self, env, watch=None):
        super().__init__(env, bare_dispatcher(), watch)

    async def iteration(self) -> None:
        await self.timed(self.user.message("/ping"), expect="pong")


class OneWindowStart(Scenario):
    name, label, kind = "one_window_start", "one-window dialog, /start (baseline)", "message"
    user_id = 8_000_002

    async def iteration(self) -> None:
        await self.timed(self.user.message("/start"), expect="Clicks:")


class OneWindowClick(Scenario):
    name, label, kind = "one_window_click", "one-window dialog, a press (baseline)", "callback"
    user_id = 8_000_003

    async def setup(self) -> None:
        await self.feed(self.user.message("/start"), expect="Clicks:")

    async def iteration(self) -> None:
        await self.timed(self.user.click("➕ Again"), expect="Clicks:")


class StartMenu(Scenario):
    name, label, kind = "start", "/start of a known user → main menu", "message"
    user_id = datasets.PASSENGERS["start"]

    async def iteration(self) -> None:
        await self.timed(self.user.message("/start"), expect="What would you like to do?")


class ListPage(Scenario):
    name, label = "list_page", "trip list: next/previous page"
    user_id = datasets.PASSENGERS["list"]

    async def setup(self) -> None:
        await self.feed(self.user.message("/start"), expect="What would you like to do?")
        await self.feed(self.user.click("🔎 Find a trip"), expect="Upcoming trips", button="Next ▶️")

    async def iteration(self) -> None:
        target = "Next ▶️" if self.user.has_button("Next ▶️") else "◀️ Previous"
        await self.timed(self.user.click(target), expect="Upcoming trips")


class OpenCard(Scenario):
    name, label = "trip_card", "open a trip card from the list"
    user_id = datasets.PASSENGERS["card"]

    async def setup(self) -> None:
        await self.feed(self.user.message("/start"), expect="What would you like to do?")
        await self.feed(self.user.click("🔎 Find a trip"), expect="Upcoming trips")

    async def iteration(self) -> None:
        await self.timed(self.user.click(prefix=("🟢", "🔴")), expect="Pickup points")
        await self.feed(self.user.click("⬅️ Back"), expect="Upcoming trips")


class JoinClick(Scenario):
    name, label = "join", "join: the ✅ Join press"
    user_id = datasets.PASSENGERS["join"]

    async def setup(self) -> None:
        await self.feed(self.user.message(f"/start trip_{self.env.ids['join_trip']}"), button="🙋 Join")

    async def iteration(self) -> None:
        u = self.user
        await self.feed(u.click("🙋 Join"), expect="Pick your pickup point")
        await self.feed(u.click(prefix="📍 "), expect="Take a seat")
        await self.timed(u.click("✅ Join"), expect="You have a seat")
        await self.feed(u.click("🚶 Leave"), expect="Leave this trip?")
        await self.feed(u.click("🚶 Yes, leave"), button="🙋 Join")


class WizardStep(Scenario):
    name, label, kind = "wizard_step", "wizard: destination typed → calendar", "message"
    user_id = datasets.DRIVER
    user_name = "Dora"

    async def setup(self) -> None:
        await self.feed(self.user.message("/start"), expect="What would you like to do?")
        await self.feed(self.user.click("🚗 New trip"), expect="Where to?")

    async def iteration(self) -> None:
        await self.timed(self.user.message("Riverside Arena"), expect="Which day?")
        await self.feed(self.user.click("⬅️ Back"), expect="Where to?")


CARPOOL_SCENARIOS = [StartMenu, ListPage, OpenCard, JoinClick, WizardStep]
BASELINE_OF = {"message": "one_window_start", "callback": "one_window_click"}


async def run_interleaved(scenarios: Iterable[Scenario], rounds: int, batch: int, warmup: int) -> None:
    """Set up, warm up, then run `rounds` × `batch` recorded iterations of each, interleaved."""
    scenarios = list(scenarios)
    StepTimer.install()
    GenericRebuilds.install()
    for s in scenarios:
        s.env.activate()
        await s.setup()
    for s in scenarios:
        s.env.activate()
        for _ in range(warmup):
            await s.iteration()
        s.recording = True
    for r in range(rounds):
        for s in (scenarios if r % 2 == 0 else reversed(scenarios)):
            s.env.activate()
            for _ in range(batch):
                await s.iteration()
