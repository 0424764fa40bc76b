"""Run the benchmarks, print the table, write the figures as JSON, check the targets.

    .venv/bin/python -m benchmarks            # the default run (a few minutes on 2 cores)
    .venv/bin/python -m benchmarks --quick    # shorter: fewer iterations, 150 notifications, 200 users
    .venv/bin/python -m benchmarks --profile join        # cProfile of one scenario (add @large)

Exit status: 0 when every target passes, 1 when one fails (the JSON and the table are
written either way), 2 when a benchmark itself broke.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import logging
import os
import platform
import pstats
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `python benchmarks/run.py` as well as `python -m benchmarks`
    sys.path.insert(0, str(ROOT))

from benchmarks import clicks, components, datasets, fanout, looplag, playground, process  # noqa: E402
from models import db  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"

# The targets (issue #13). Never loosen one to make it pass: profile and report instead.
CLICK_VS_ONE_WINDOW = 2.0
LARGE_VS_SMALL = 1.1
FANOUT_VS_LIMIT = 1.3
LOOP_LAG_P99_MS = 5.0
PROCESS_VS_BARE = 1.25


@dataclass(frozen=True)
class Mode:
    name: str
    rounds: int  # interleaved rounds of every scenario
    batch: int  # iterations per scenario per round
    warmup: int
    sizes: datasets.Sizes
    lag_s: float
    lag_rate: float
    notifications: int
    users: int  # simulated users of the real process
    repeats: int  # start-ups of each bot
    parallel_processes: bool = False
    settle_s: float = process.SETTLE_S


MODES = {
    "default": Mode("default", rounds=20, batch=15, warmup=10, sizes=datasets.Sizes(10_000, 50_000),
                    lag_s=10, lag_rate=150, notifications=300, users=1000, repeats=5),
    "quick": Mode("quick", rounds=6, batch=10, warmup=5, sizes=datasets.Sizes(10_000, 50_000),
                  lag_s=3, lag_rate=150, notifications=150, users=200, repeats=2),
    # The smoke test's mode: every figure, none of them meaningful.
    "tiny": Mode("tiny", rounds=1, batch=2, warmup=1, sizes=datasets.Sizes(300, 200),
                 lag_s=0.3, lag_rate=100, notifications=20, users=2, repeats=1, parallel_processes=True,
                 settle_s=0.1),
}

SECTIONS = ("clicks", "fanout", "lag", "process")
OPTIONAL_SECTIONS = ("playground",)  # `--sections playground`: `carpool-bot playground` against the bot (issue #24)

# Every figure the JSON must hold (the smoke test checks them): dotted paths.
REQUIRED_FIGURES = [
    *(f"clicks.{name}.small.{f}" for name in ("bare_handler", "one_window_start", "one_window_click")
      for f in ("median_us", "p99_us", "cpu_median_us", "queries")),
    *(f"clicks.{s.name}.{size}.{f}" for s in clicks.CARPOOL_SCENARIOS for size in ("small", "large")
      for f in ("median_us", "p99_us", "cpu_median_us", "queries", "transactions", "api_calls", "sqlite_us",
                "peewee_build_us", "longest_step_us", "response_rebuild_us_per_update")),
    *(f"clicks.{s.name}.{f}" for s in clicks.CARPOOL_SCENARIOS
      for f in ("vs_one_window", "vs_one_window_wall", "large_vs_small", "large_vs_small_wall")),
    *(f"components.{c}.{size}.median_us" for c in ("get_user", "storage_get_data", "storage_set_data",
                                                   "list_upcoming", "trip_card", "join_leave",
                                                   "recent_destinations") for size in ("small", "large")),
    "databases.small.trip", "databases.large.trip", "databases.large.user",
    "fanout.wall_s", "fanout.limit_s", "fanout.ratio_to_limit", "fanout.http_429", "fanout.lost",
    "loop_lag.lag_p99_ms", "loop_lag.lag_max_ms", "loop_lag.achieved_rate", "loop_lag.cpu_busy",
    "loop_lag.baselines.idle.lag_p99_ms", "loop_lag.baselines.bare_handler.lag_p99_ms",
    "process.bare.startup_s", "process.bare.rss_idle_mb", "process.carpool.startup_s",
    "process.carpool.rss_idle_mb", "process.carpool.rss_after_users_mb", "process.startup_ratio",
    "process.startup_cpu_ratio", "process.bare.startup_cpu_s", "process.carpool.startup_cpu_s",
    "process.rss_idle_ratio",
    "targets",
]


# The optional playground section's figures (tests/test_playground.py checks them).
PLAYGROUND_FIGURES = [f"playground.{kind}.{f}" for kind in ("playground", "bot")
                      for f in ("startup_s", "startup_median_s", "rss_idle_mb")] + ["playground.rss_vs_bot"]


def lookup(data: dict, dotted: str):
    for part in dotted.split("."):
        data = data[part]
    return data


# --------------------------------------------------------------------------- sections


async def build_envs(mode: Mode, workdir: Path, cache: Path) -> dict[str, clicks.Env]:
    started = time.perf_counter()
    cached = datasets.history_path(cache, mode.sizes).exists()
    history = datasets.history_database(cache, mode.sizes)
    small = clicks.Env("small", datasets.working_copy(datasets.schema_template(cache), workdir / "small.sqlite3"))
    large = clicks.Env("large", datasets.working_copy(history, workdir / "large.sqlite3"))
    print(f"  databases ready in {time.perf_counter() - started:.1f}s (history {'cached' if cached else 'built'}: "
          f"{history.name})", flush=True)
    return {"small": small, "large": large}


def make_scenarios(envs: dict[str, clicks.Env], watch: clicks.ErrorWatch) -> list[clicks.Scenario]:
    small = envs["small"]
    one = clicks.one_window_dispatcher()
    scenarios: list[clicks.Scenario] = [
        clicks.BareHandler(small, watch), clicks.OneWindowStart(small, one, watch),
        clicks.OneWindowClick(small, one, watch),
    ]
    for cls in clicks.CARPOOL_SCENARIOS:
        scenarios += [cls(envs["small"], watch=watch), cls(envs["large"], watch=watch)]
    return scenarios


def summarize_clicks(scenarios: list[clicks.Scenario]) -> dict:
    out: dict[str, dict] = {}
    for s in scenarios:
        entry = out.setdefault(s.name, {"label": s.label, "kind": s.kind})
        entry[s.env.name] = s.figures.summary()
    for name, entry in out.items():
        baseline = out.get(clicks.BASELINE_OF[entry["kind"]])
        entry["baseline"] = clicks.BASELINE_OF[entry["kind"]]
        # The ratios the targets use are of CPU time (see benchmarks/README.md: on a loaded machine a
        # long update is preempted more often than a short one, which skews wall-clock medians).
        entry["vs_one_window"] = round(entry["small"]["cpu_median_us"] / baseline["small"]["cpu_median_us"], 3)
        entry["vs_one_window_wall"] = round(entry["small"]["median_us"] / baseline["small"]["median_us"], 3)
        entry["p99_vs_one_window_wall"] = round(entry["small"]["p99_us"] / baseline["small"]["p99_us"], 3)
        if "large" in entry:
            entry["large_vs_small"] = round(entry["large"]["cpu_median_us"] / entry["small"]["cpu_median_us"], 3)
            entry["large_vs_small_wall"] = round(entry["large"]["median_us"] / entry["small"]["median_us"], 3)
    return out


async def run_async_sections(mode: Mode, workdir: Path, cache: Path, sections: set[str], results: dict) -> None:
    if "clicks" in sections or "lag" in sections:
        envs = await build_envs(mode, workdir, cache)
        results["databases"] = {name: env.sizes for name, env in envs.items()}
        try:
            if "clicks" in sections:
                started = time.perf_counter()
                with clicks.ErrorWatch() as watch:
                    scenarios = make_scenarios(envs, watch)
                    await clicks.run_interleaved(scenarios, mode.rounds, mode.batch, mode.warmup)
                results["clicks"] = summarize_clicks(scenarios)
                results["components"] = components.run_components(envs, max(mode.rounds * mode.batch // 2, 2),
                                                                  warmup=mode.warmup)
                print(f"  clicks: {time.perf_counter() - started:.1f}s", flush=True)
            if "lag" in sections:
                started = time.perf_counter()
                results["loop_lag"] = await looplag.run_lag_suite(envs["large"], mode.lag_rate, mode.lag_s)
                results["loop_lag"]["database"] = "large"
                print(f"  loop lag: {time.perf_counter() - started:.1f}s", flush=True)
        finally:
            for env in envs.values():
                env.close()
    if "fanout" in sections:
        started = time.perf_counter()
        results["fanout"] = await fanout.run_fanout(workdir, cache, mode.notifications)
        print(f"  fan-out: {time.perf_counter() - started:.1f}s", flush=True)


# --------------------------------------------------------------------------- targets and table


def evaluate(results: dict) -> list[dict]:
    targets = []

    def target(name: str, value, limit, passed: bool, unit: str = "", note: str = "") -> None:
        targets.append({"target": name, "value": value, "limit": limit, "unit": unit, "passed": bool(passed),
                        "note": note})

    for name, entry in results.get("clicks", {}).items():
        if "large" not in entry:
            continue
        target(f"{name}: ≤ {CLICK_VS_ONE_WINDOW}× the one-window dialog", entry["vs_one_window"],
               CLICK_VS_ONE_WINDOW, entry["vs_one_window"] <= CLICK_VS_ONE_WINDOW, "×",
               f"CPU time; wall-clock median {entry['vs_one_window_wall']:.2f}×")
    for name, entry in results.get("clicks", {}).items():
        if "large" in entry:
            target(f"{name}: large database ≤ {LARGE_VS_SMALL}× the small one", entry["large_vs_small"],
                   LARGE_VS_SMALL, entry["large_vs_small"] <= LARGE_VS_SMALL, "×",
                   f"CPU time; wall-clock median {entry['large_vs_small_wall']:.2f}×")
    if f := results.get("fanout"):
        target(f"fan-out of {f['notifications']}: ≤ {FANOUT_VS_LIMIT}× the limit's {f['limit_s']} s",
               f["ratio_to_limit"], FANOUT_VS_LIMIT, f["ratio_to_limit"] <= FANOUT_VS_LIMIT, "×")
        target("fan-out: zero 429s", f["http_429"], 0, f["http_429"] == 0)
        target("fan-out: zero lost", f["lost"], 0, f["lost"] == 0)
    if lag := results.get("loop_lag"):
        base = lag["baselines"]
        target(f"loop lag p99 ≤ {LOOP_LAG_P99_MS} ms at {lag['target_rate']:.0f} updates/s", lag["lag_p99_ms"],
               LOOP_LAG_P99_MS, lag["lag_p99_ms"] <= LOOP_LAG_P99_MS, "ms",
               f"loop {lag['cpu_busy']:.0%} busy; same run: idle loop p99 {base['idle']['lag_p99_ms']} ms, bare "
               f"aiogram handler p99 {base['bare_handler']['lag_p99_ms']} ms")
    if pg := results.get("playground"):
        target(f"playground ready ≤ {playground.STARTUP_LIMIT_S:.0f} s after the first import",
               pg["playground"]["startup_s"], playground.STARTUP_LIMIT_S,
               pg["playground"]["startup_s"] <= playground.STARTUP_LIMIT_S, "s",
               f"best of {len(pg['playground']['runs'])}; median {pg['playground']['startup_median_s']} s")
        target("playground idle RSS ≤ the bot's", pg["rss_vs_bot"], 1.0, pg["rss_vs_bot"] <= 1.0, "×",
               f"{pg['playground']['rss_idle_mb']} MB (bot + fake Bot API + page) vs {pg['bot']['rss_idle_mb']} MB")
    if p := results.get("process"):
        target(f"idle RSS ≤ {PROCESS_VS_BARE}× the bare aiogram bot", p["rss_idle_ratio"], PROCESS_VS_BARE,
               p["rss_idle_ratio"] <= PROCESS_VS_BARE, "×",
               f"{p['carpool']['rss_idle_mb']} MB vs {p['bare']['rss_idle_mb']} MB")
        target(f"start-up ≤ {PROCESS_VS_BARE}× the bare aiogram bot", p["startup_ratio"], PROCESS_VS_BARE,
               p["startup_ratio"] <= PROCESS_VS_BARE, "×",
               f"best of {len(p['bare']['runs'])}: {p['carpool']['startup_s']} s vs {p['bare']['startup_s']} s; "
               f"medians {p['startup_median_ratio']:.2f}×, CPU time {p['startup_cpu_ratio']:.2f}×")
    return targets


def render_table(results: dict) -> str:
    lines = []
    meta = results["meta"]
    lines.append(f"Carpool bot benchmarks — mode {meta['mode']}, {meta['date']}, commit {meta.get('commit')}, "
                 f"Python {meta['python']}, {meta['cpus']} CPUs")
    if c := results.get("clicks"):
        dbs = results.get("databases", {})
        small, large = dbs.get("small", {}), dbs.get("large", {})
        lines.append("")
        lines.append("Per update through build_dispatcher + PeeweeStorage, µs: wall median and p99, cpu: median CPU "
                     "time of the update (the ratios use it); sqlite: inside SQLite; peewee: building the SQL; "
                     "pydgen: pydantic rebuilding aiogram's Response[T] (mean); step: the longest stretch without "
                     "yielding to the event loop; q: statements; tx: transactions; api: Bot API calls")
        lines.append(f"small db: {small.get('user')} users, {small.get('trip')} trips; large db: {large.get('user')} "
                     f"users, {large.get('trip')} trips ({large.get('participant')} seats, "
                     f"{large.get('notification')} notifications, {large.get('fsm_record')} dialog-state rows)")
        header = (f"{'scenario':<38} {'wall':>6} {'p99':>6} {'cpu':>6} {'sqlite':>6} {'peewee':>6} {'pydgen':>6} "
                  f"{'step':>6} {'q':>3} {'tx':>3} {'api':>3} {'×1-win':>7} │ {'wall':>6} {'p99':>6} {'cpu':>6} "
                  f"{'q':>3} {'×small':>7}")
        lines += [header, "─" * len(header)]
        for name, e in c.items():
            s = e["small"]
            row = (f"{e['label'][:38]:<38} {s['median_us']:>6.0f} {s['p99_us']:>6.0f} {s['cpu_median_us']:>6.0f} "
                   f"{s['sqlite_us']:>6.0f} {s['peewee_build_us']:>6.0f} {s['response_rebuild_us_per_update']:>6.0f} "
                   f"{s['longest_step_us']:>6.0f} {s['queries']:>3.0f} {s['transactions']:>3.0f} {s['api_calls']:>3.0f} "
                   f"{e['vs_one_window']:>6.2f}×")
            if "large" in e:
                g = e["large"]
                row += (f" │ {g['median_us']:>6.0f} {g['p99_us']:>6.0f} {g['cpu_median_us']:>6.0f} {g['queries']:>3.0f} "
                        f"{e['large_vs_small']:>6.2f}×")
            else:
                row += " │"
            lines.append(row)
    if comp := results.get("components"):
        lines.append("")
        lines.append("What the clicks are made of, each timed alone on the same databases (µs, medians; no targets)")
        header = (f"{'piece':<46} {'wall':>6} {'cpu':>6} {'sqlite':>6} {'peewee':>6} {'q':>3} │ {'wall':>6} "
                  f"{'cpu':>6} {'×small':>7}")
        lines += [header, "─" * len(header)]
        for e in comp.values():
            s, g = e["small"], e["large"]
            lines.append(f"{e['label'][:46]:<46} {s['median_us']:>6.0f} {s['cpu_median_us']:>6.0f} "
                         f"{s['sqlite_us']:>6.0f} {s['peewee_build_us']:>6.0f} {s['queries']:>3.0f} │ "
                         f"{g['median_us']:>6.0f} {g['cpu_median_us']:>6.0f} {e['large_vs_small']:>6.2f}×")
    if f := results.get("fanout"):
        lines.append("")
        lines.append(f"Fan-out: {f['notifications']} notifications to {f['chats']} chats via the fake Bot API "
                     f"(30/s, 1/s per chat): {f['wall_s']:.2f} s vs {f['limit_s']:.2f} s allowed "
                     f"({f['ratio_to_limit']:.2f}×, {f['rate_per_s']}/s), 429s: {f['http_429']}, lost: {f['lost']}, "
                     f"duplicates: {f['duplicates']}")
    if lag := results.get("loop_lag"):
        idle, bare = lag["baselines"]["idle"], lag["baselines"]["bare_handler"]
        lines.append(f"Loop lag baselines: idle loop p99 {idle['lag_p99_ms']:.2f} ms (max {idle['lag_max_ms']:.2f}); "
                     f"bare aiogram handler at {bare['achieved_rate']:.0f}/s p99 {bare['lag_p99_ms']:.2f} ms "
                     f"(max {bare['lag_max_ms']:.2f}, CPU {bare['cpu_busy']:.0%})")
        top = ", ".join(f"{k} {v['count']}× (≤{v['max_cpu_ms']:.0f} ms)" for k, v in
                        list(lag["long_steps_by_update"].items())[:5])
        lines.append(f"  loop steps using > {lag['long_step_ms']:.0f} ms of CPU: {lag['long_steps']} ({top}); "
                     f"GC pauses {lag['gc_pauses']} ({lag['gc_gen2']} full, max {lag['gc_max_ms']:.1f} ms CPU)")
        lines.append(f"Loop lag: {lag['achieved_rate']:.0f} updates/s for {lag['duration_s']:.1f} s "
                     f"({lag['database']} db, {lag['users']} users): 10 ms sleep late by p50 {lag['lag_p50_ms']:.2f} ms, "
                     f"p99 {lag['lag_p99_ms']:.2f} ms, max {lag['lag_max_ms']:.2f} ms; update latency p50 "
                     f"{lag['update_p50_ms']:.1f} ms, p99 {lag['update_p99_ms']:.1f} ms; CPU {lag['cpu_busy']:.0%} of a core "
                     f"({lag['cpu_ms_per_update']:.1f} ms/update); errors {lag['errors_logged']}")
    if p := results.get("process"):
        b, cp = p["bare"], p["carpool"]
        lines.append(f"Process: start-up to first getUpdates (best of {len(b['runs'])}) {cp['startup_s']:.2f} s vs bare "
                     f"aiogram {b['startup_s']:.2f} s ({p['startup_ratio']:.2f}×; CPU {cp['startup_cpu_s']:.2f} s vs "
                     f"{b['startup_cpu_s']:.2f} s); idle RSS {cp['rss_idle_mb']:.1f} MB vs "
                     f"{b['rss_idle_mb']:.1f} MB ({p['rss_idle_ratio']:.2f}×); after {cp['users']} users "
                     f"{cp['rss_after_users_mb']:.1f} MB ({cp['rss_per_user_kb']} KB/user, "
                     f"{cp['e2e_updates_per_s']} updates/s end to end)")
    if pg := results.get("playground"):
        g, b = pg["playground"], pg["bot"]
        lines.append(f"Playground: ready (URL said, bot polling) in {g['startup_s']:.2f} s best, {g['startup_median_s']:.2f} s "
                     f"median (bot alone to first getUpdates {b['startup_s']:.2f} s); idle RSS {g['rss_idle_mb']:.1f} MB vs "
                     f"the bot's {b['rss_idle_mb']:.1f} MB ({pg['rss_vs_bot']:.3f}×)")
    if targets := results.get("targets"):
        lines.append("")
        lines.append("Targets:")
        for t in targets:
            value = f"{t['value']}{t['unit']}" if t["unit"] != "×" else f"{t['value']:.2f}×"
            note = f" ({t['note']})" if t.get("note") else ""
            lines.append(f"  {'PASS' if t['passed'] else 'FAIL'}  {t['target']}: {value}{note}")
    return "\n".join(lines)


# --------------------------------------------------------------------------- profile


async def profile_scenario(spec: str, mode: Mode, workdir: Path, cache: Path, iterations: int, out: Path) -> None:
    name, _, db_name = spec.partition("@")
    envs = await build_envs(mode, workdir, cache)
    try:
        with clicks.ErrorWatch() as watch:
            scenario = next((s for s in make_scenarios(envs, watch)
                             if s.name == name and s.env.name == (db_name or "small")), None)
            if scenario is None:
                raise SystemExit(f"unknown scenario {spec!r}")
            scenario.env.activate()
            await scenario.setup()
            for _ in range(mode.warmup):
                await scenario.iteration()
            # CPU time of this thread: what other processes on a busy machine do is not counted
            profiler = scenario.profiler = cProfile.Profile(time.thread_time_ns, 1e-9)
            for _ in range(iterations):
                await scenario.iteration()
    finally:
        for env in envs.values():
            env.close()
    out.parent.mkdir(parents=True, exist_ok=True)
    profiler.dump_stats(out)
    print(f"\ncProfile (CPU time) of the timed update of {iterations} iterations of {spec}; saved to {out}")
    print("The project's own code (getters, operations, middlewares, storage), by cumulative time:")
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(r"/(models|dialogs|bot)/", 25)
    stats = pstats.Stats(profiler).strip_dirs()
    stats.sort_stats("cumulative").print_stats(45)
    stats.sort_stats("tottime").print_stats(25)


# --------------------------------------------------------------------------- main


def measured_commit() -> str | None:
    """The code measured: $CARPOOL_BENCH_COMMIT (a run from an exported tree), else git's HEAD,
    marked "+dirty" when the working tree has changes."""
    if env := os.environ.get("CARPOOL_BENCH_COMMIT"):
        return env
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                              timeout=10, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                               capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return head + ("+dirty" if dirty else "")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="a short run (fewer iterations and users)")
    parser.add_argument("--tiny", action="store_true", help="every figure in seconds, none meaningful (smoke test)")
    parser.add_argument("--sections", default=",".join(SECTIONS),
                        help=f"comma-separated subset of {', '.join(SECTIONS)} (default: all of them), or "
                             f"{', '.join(OPTIONAL_SECTIONS)}")
    parser.add_argument("--out", type=Path, default=RESULTS / "latest.json", help="where to write the JSON")
    parser.add_argument("--cache", type=Path, default=RESULTS / "cache", help="where the built databases are kept")
    parser.add_argument("--profile", metavar="SCENARIO[@large]", help="cProfile one scenario instead")
    parser.add_argument("--profile-iterations", type=int, default=200)
    args = parser.parse_args(argv)
    mode = MODES["tiny" if args.tiny else "quick" if args.quick else "default"]
    sections = {s.strip() for s in args.sections.split(",") if s.strip()}
    if unknown := sections - set(SECTIONS) - set(OPTIONAL_SECTIONS):
        parser.error(f"unknown sections: {', '.join(sorted(unknown))}")
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    event_log = logging.getLogger("aiogram.event")
    event_level, bound_db = event_log.level, db.obj
    event_log.setLevel(logging.WARNING)  # as bot.logs does

    workdir = Path(tempfile.mkdtemp(prefix="carpool-bench-"))
    try:
        if args.profile:
            asyncio.run(profile_scenario(args.profile, mode, workdir, args.cache, args.profile_iterations,
                                         RESULTS / f"profile-{args.profile.replace('@', '-')}.prof"))
            return 0
        results: dict = {"meta": {
            "mode": mode.name, "settings": asdict(mode), "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "commit": measured_commit(),
            "python": platform.python_version(), "platform": platform.platform(), "cpus": os.cpu_count(),
            "sections": sorted(sections),
        }}
        started = time.perf_counter()
        print(f"Running benchmarks ({mode.name}: {', '.join(s for s in (*SECTIONS, *OPTIONAL_SECTIONS) if s in sections)})…",
              flush=True)
        bench = None
        if "process" in sections:
            bench = process.ProcessBench(workdir / "process", args.cache, mode.users, mode.repeats, mode.settle_s)
            if mode.parallel_processes:
                bench.launch_parallel()  # their imports overlap the sections below
        try:
            asyncio.run(run_async_sections(mode, workdir, args.cache, sections, results))
            if bench is not None:
                t = time.perf_counter()
                results["process"] = bench.finish_parallel() if mode.parallel_processes else bench.run()
                print(f"  process: {time.perf_counter() - t:.1f}s", flush=True)
            if "playground" in sections:
                t = time.perf_counter()
                results["playground"] = playground.run_playground(workdir / "playground", mode.repeats, mode.settle_s,
                                                                    warm=not mode.parallel_processes)
                print(f"  playground: {time.perf_counter() - t:.1f}s", flush=True)
        except (clicks.BenchmarkError, AssertionError) as exc:
            print(f"\nBENCHMARK BROKEN: {exc}", file=sys.stderr)
            return 2
        finally:
            if bench is not None:
                bench.cleanup()
        results["meta"]["duration_s"] = round(time.perf_counter() - started, 1)
        results["targets"] = evaluate(results)
        table = render_table(results)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(results, indent=2, ensure_ascii=False, default=str) + "\n")
        print()
        print(table)
        print(f"\nFigures written to {args.out} (took {results['meta']['duration_s']:.0f} s)")
        return 0 if all(t["passed"] for t in results["targets"]) else 1
    finally:  # leave the process as we found it (the smoke test runs this in pytest's process)
        shutil.rmtree(workdir, ignore_errors=True)
        clicks.StepTimer.uninstall()
        clicks.GenericRebuilds.uninstall()
        event_log.setLevel(event_level)
        db.initialize(bound_db)


if __name__ == "__main__":
    sys.exit(main())
