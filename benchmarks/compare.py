"""Commits' click costs in the same run: `python -m benchmarks.compare BEFORE AFTER [AFTER…]`.

Each commit is exported (`git archive`, so nobody's work in progress is measured) to a temporary
folder, and `python -m benchmarks --sections clicks` runs there, alternating before / after
`--runs` times, in turn, with this interpreter (the same venv) and one shared database cache (keyed by the
schema, so each commit gets its own databases). Every run sets its clicks against its own
one-window baseline; the table prints each click's ratio per run, the median of the runs, and the
change from BEFORE to each AFTER. Taking turns keeps a slow spell of a shared machine from landing
on one side only.

    .venv/bin/python -m benchmarks.compare c55ea8c HEAD            # 3 runs each, default mode
    .venv/bin/python -m benchmarks.compare c55ea8c 742a310 HEAD --runs 2 --quick
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "benchmarks" / "results" / "cache"


def export(commit: str, into: Path) -> str:
    """The commit's tree in `into`; returns its short hash."""
    short = subprocess.run(["git", "rev-parse", "--short", commit], cwd=ROOT, check=True, capture_output=True,
                           text=True).stdout.strip()
    into.mkdir(parents=True)
    archive = subprocess.run(["git", "archive", "--format=tar", short], cwd=ROOT, check=True, capture_output=True)
    with tarfile.open(fileobj=__import__("io").BytesIO(archive.stdout)) as tar:
        tar.extractall(into, filter="data")
    return short


def run_clicks(tree: Path, commit: str, out: Path, cache: Path, quick: bool) -> dict:
    """`python -m benchmarks --sections clicks` in `tree` (its own packages first on the path)."""
    env = {**os.environ, "CARPOOL_BENCH_COMMIT": commit, "PYTHONPATH": str(tree)}
    command = [sys.executable, "-m", "benchmarks", "--sections", "clicks", "--out", str(out), "--cache", str(cache),
               *(["--quick"] if quick else [])]
    done = subprocess.run(command, cwd=tree, env=env, capture_output=True, text=True)
    if done.returncode not in (0, 1):  # 1: a target missed, which is a result; anything else is broken
        raise SystemExit(f"benchmark of {commit} broke (exit {done.returncode}):\n{done.stdout}\n{done.stderr}")
    return json.loads(out.read_text())


def ratios(result: dict) -> dict[str, tuple[float, float, float]]:
    """Per click: (CPU-time ratio to its one-window baseline, wall-clock ratio, CPU µs)."""
    return {name: (entry["vs_one_window"], entry["vs_one_window_wall"], entry["small"]["cpu_median_us"])
            for name, entry in result["clicks"].items() if "large" in entry}


def baselines(result: dict) -> dict[str, float]:
    return {name: entry["small"]["cpu_median_us"] for name, entry in result["clicks"].items() if "large" not in entry}


def table(commits: tuple[str, ...], runs: dict[str, list[dict]]) -> str:
    """Per click, each commit's ratios (one per run) and their median; the change of each later
    commit's median from the first's. Then the wall-clock ratios and the absolute CPU medians."""
    first = commits[0]
    clicks = list(ratios(runs[first][0]))

    def median(commit: str, figure) -> float:
        return statistics.median(figure(r) for r in runs[commit])

    def change(commit: str, figure) -> str:
        return "" if commit == first else f" ({(median(commit, figure) / median(first, figure) - 1) * 100:+.1f} %)"

    lines = [f"machine {socket.gethostname()}, {os.cpu_count()} CPUs; {len(runs[first])} runs of each commit, "
             "in turn; ratio = CPU-time median / the one-window baseline's, same run", ""]
    for name in clicks:
        lines.append(f"{name}:")
        for commit in commits:
            figure = (lambda r, n=name: ratios(r)[n][0])
            each = " ".join(f"{figure(r):.2f}×" for r in runs[commit])
            lines.append(f"  {commit:<8} {each:<40} median {median(commit, figure):.2f}×{change(commit, figure)}")
    lines.append("wall-clock ratios (medians of the runs):")
    for name in clicks:
        cells = [f"{commit} {median(commit, lambda r, n=name: ratios(r)[n][1]):.2f}×"
                 f"{change(commit, lambda r, n=name: ratios(r)[n][1])}" for commit in commits]
        lines.append(f"  {name:<12} " + ", ".join(cells))
    lines.append("absolute CPU medians, µs (medians of the runs):")
    for name in (*baselines(runs[first][0]), *clicks):
        def cpu(result: dict, n: str = name) -> float:
            return baselines(result).get(n) or ratios(result)[n][2]

        lines.append(f"  {name:<20} " + ", ".join(f"{c} {median(c, cpu):.0f}{change(c, cpu)}" for c in commits))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.compare", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("before")
    parser.add_argument("after", nargs="+")
    parser.add_argument("--runs", type=int, default=3, help="runs of each commit, alternating (default 3)")
    parser.add_argument("--quick", action="store_true", help="each run in the benchmarks' quick mode")
    parser.add_argument("--cache", type=Path, default=CACHE, help="the databases' cache (shared by both)")
    parser.add_argument("--out", type=Path, help="write every run's figures here as JSON")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="carpool-compare-"))
    try:
        trees = {}
        for label in (args.before, *args.after):
            path = work / f"tree-{len(trees)}"
            trees[export(label, path)] = path
        commits = tuple(trees)
        if len(commits) != 1 + len(args.after):
            parser.error("a commit is named twice")
        runs: dict[str, list[dict]] = {c: [] for c in commits}
        for i in range(args.runs):
            for commit in commits:
                print(f"run {i + 1}/{args.runs}: {commit}…", flush=True)
                result = run_clicks(trees[commit], commit, work / f"{commit}-{i}.json", args.cache, args.quick)
                runs[commit].append(result)
                print("  " + ", ".join(f"{k} {v[0]:.2f}×" for k, v in ratios(result).items()), flush=True)
        print()
        print(table(commits, runs))
        if args.out:
            args.out.parent.mkdir(parents=True, exist_ok=True)
            args.out.write_text(json.dumps(runs, indent=1, default=str) + "\n")
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
