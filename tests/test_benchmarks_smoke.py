"""The benchmark command still runs and still reports every figure (issue #13).

`python -m benchmarks --tiny` (run here in-process) runs every section in seconds: a tiny history
database, a handful of iterations, 20 notifications through the rate-limited fake Bot
API, both bot processes once. Timings that short mean nothing, so no target is
asserted here: the benchmarks check those, not the tests."""

import json

from benchmarks.run import REQUIRED_FIGURES, lookup, main


def test_tiny_benchmark_run_reports_every_figure(tmp_path, capsys):
    out = tmp_path / "latest.json"
    code = main(["--tiny", "--out", str(out), "--cache", str(tmp_path / "cache")])
    printed = capsys.readouterr()
    assert code in (0, 1), f"benchmark broke (exit {code}):\n{printed.out}\n{printed.err}"

    results = json.loads(out.read_text())
    missing = []
    for path in REQUIRED_FIGURES:
        try:
            lookup(results, path)
        except (KeyError, TypeError):
            missing.append(path)
    assert not missing, f"figures missing from the JSON: {missing}"
    assert results["meta"]["mode"] == "tiny"
    # 5 clicks vs the one-window dialog, the same 5 large vs small, fan-out ×3, loop lag, RSS, start-up
    assert len(results["targets"]) == 16
    assert all(isinstance(t["passed"], bool) for t in results["targets"])
    # the scenarios really ran: statements counted, Bot API calls made, nothing lost or broken
    assert results["clicks"]["join"]["small"]["queries"] > 0
    assert results["clicks"]["join"]["small"]["api_calls"] > 0
    assert results["fanout"]["notifications"] == 20 and results["loop_lag"]["errors_logged"] == 0

    table = printed.out
    for heading in ("Per update", "What the clicks are made of", "Fan-out:", "Loop lag:", "Process:", "Targets:"):
        assert heading in table, f"{heading!r} missing from the printed table:\n{table}"
    assert str(out) in table  # says where the figures went
