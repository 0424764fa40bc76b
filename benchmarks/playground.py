"""Start-up and memory of `carpool-bot playground` (issue #24), against the bot itself.

Start-up: from `Popen` to the line that gives the page's URL, which the playground prints once the
bot polls its built-in fake (a press on the page is answered from then on). After a warm-up import,
as `process.py` does: "under 5 s after the first import". Memory: VmRSS `settle` seconds later, set
against the real `carpool-bot` process on its own fake, started the same way (fresh SQLite file,
migrations on start), alternating with the playground so both see the same machine. The playground
process holds the bot *and* the fake Bot API with the page; the bot's own fake runs here, not in it.
"""

from __future__ import annotations

import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bot.devtools.fakeapi import FakeTelegram
from bot.devtools.playground import start_process
from tests.process import carpool_bot_command

from .process import Launch, rss_kb
from .recording import TOKEN

STARTUP_LIMIT_S = 5.0


def _stop(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def run_playground(workdir: Path, repeats: int, settle: float, warm: bool = True) -> dict:
    if warm:
        subprocess.run([sys.executable, "-c", "import bot.cli, bot.app, aiogram_dialog, aiohttp"], check=True,
                       cwd=Path(__file__).resolve().parent.parent)  # the first import, as process.py warms it
    runs: dict[str, list[dict]] = {"playground": [], "bot": []}
    with FakeTelegram(token=TOKEN) as tg:
        for r in range(repeats):
            for kind in (["playground", "bot"] if r % 2 == 0 else ["bot", "playground"]):
                folder = workdir / f"{kind}-{r}"
                (folder / "data").mkdir(parents=True)
                if kind == "playground":
                    proc, _, startup = start_process(carpool_bot_command(), "--db", str(folder / "pg.sqlite3"))
                    time.sleep(settle)
                    runs[kind].append({"startup_s": round(startup, 3), "rss_idle_kb": rss_kb(proc.pid)})
                    _stop(proc)
                else:
                    launch = Launch("carpool", tg, folder).start()
                    startup = launch.wait_polling()
                    time.sleep(settle)
                    runs[kind].append({"startup_s": round(startup, 3), "rss_idle_kb": launch.rss_kb()})
                    launch.stop()
    result = {kind: {"startup_s": round(min(x["startup_s"] for x in rows), 3),
                     "startup_median_s": round(statistics.median(x["startup_s"] for x in rows), 3),
                     "rss_idle_mb": round(statistics.median(x["rss_idle_kb"] for x in rows) / 1024, 1),
                     "runs": rows} for kind, rows in runs.items()}
    result["rss_vs_bot"] = round(result["playground"]["rss_idle_mb"] / result["bot"]["rss_idle_mb"], 3)
    # Without a bytecode cache (PYTHONDONTWRITEBYTECODE) both processes compile the project's modules at
    # every start, which leaves more memory behind than loading them: say which way it was measured.
    result["bytecode_cache"] = not sys.flags.dont_write_bytecode
    return result
