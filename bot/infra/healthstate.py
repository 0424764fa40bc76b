"""What this process knows about its own health, for `/healthz` and the heartbeat file.

`SELECT 1` answered while every update failed (a read-only database, a full disk). The
state here is unhealthy when

- the database refuses a write: `probe_write` runs a tiny write transaction and rolls it
  back (every heartbeat, and for `/healthz` at most once a second), or
- most recent updates failed: `bot.middlewares.outcomes.UpdateOutcomes`, an outer
  middleware, records whether each update was handled or ended in an unexpected error (a
  refusal from `models` or a stale button is a handled update); with at least
  `min_failures` failures among the updates of the last `window` seconds (at most `keep`
  of them) and more failures than successes.

Both recover by themselves: the next probe succeeds, new updates succeed, or the failures
age out of the window when no traffic comes. Transitions are logged once (WARNING when it
turns unhealthy, with the cause; INFO when it is healthy again) and set `changed`, which
wakes the heartbeat so the file follows at once.

The heartbeat file is JSON (`healthy`, `reason`, `host`, `pid`, `time`), replaced
atomically; `bot/health.py` (`python -m bot.health`) reads it with the standard library only.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import socket
import time
from collections import deque
from collections.abc import Callable
from pathlib import Path

from models import FsmRecord, db

log = logging.getLogger(__name__)

WINDOW = 300.0
KEEP = 20
MIN_FAILURES = 3
DB_REFUSES_WRITES = "the database refuses writes"


class _RollBack(Exception):
    pass


def probe_write() -> None:
    """Insert a row and roll it back: raises when the database does not take writes
    (read-only file or server, `query_only`, locked). Rolled back, so it leaves nothing;
    a full disk that still takes this tiny write shows in the updates' outcomes."""
    key = f"health-probe:{socket.gethostname()}:{os.getpid()}"
    try:
        with db.atomic():
            FsmRecord.insert(key=key, data="{}").execute()
            raise _RollBack
    except _RollBack:
        pass


class HealthState:
    def __init__(self, *, probe: Callable[[], None] = probe_write, window: float = WINDOW, keep: int = KEEP,
                 min_failures: int = MIN_FAILURES, clock: Callable[[], float] = time.monotonic):
        self._probe = probe
        self.window = window
        self.min_failures = min_failures
        self._clock = clock
        self._outcomes: deque[tuple[float, bool]] = deque(maxlen=keep)
        self._write_failing = False
        self._probed_at: float | None = None
        self._reported = ""  # the kind of problem last logged: "", "db" or "updates"
        self.changed = asyncio.Event()

    def record(self, ok: bool) -> None:
        """One real update ended: handled (`ok`) or in an unexpected error."""
        self._outcomes.append((self._clock(), ok))
        self.status()

    def probe(self, max_age: float = 0.0) -> None:
        """Run the write probe, unless one ran less than `max_age` seconds ago."""
        now = self._clock()
        if self._probed_at is not None and now - self._probed_at < max_age:
            return
        self._probed_at = now
        try:
            self._probe()
        except Exception as exc:  # noqa: BLE001 - whatever stops a write makes us unhealthy
            if not self._write_failing:
                log.warning("Write probe failed: %s: %s", type(exc).__name__, exc)
            self._write_failing = True
        else:
            self._write_failing = False
        self.status()

    def status(self) -> tuple[bool, str]:
        """(healthy, reason); the reason is '' when healthy and carries no internals."""
        reason = DB_REFUSES_WRITES if self._write_failing else self._updates_problem()
        kind = "" if not reason else "db" if reason == DB_REFUSES_WRITES else "updates"
        if kind != self._reported:  # a transition, not every new count: logged once, beat at once
            if reason:
                log.warning("Unhealthy: %s", reason)
            else:
                log.info("Healthy again")
            self._reported = kind
            self.changed.set()
        return not reason, reason

    def _updates_problem(self) -> str:
        since = self._clock() - self.window
        recent = [ok for at, ok in self._outcomes if at >= since]
        failed = recent.count(False)
        if failed >= self.min_failures and failed * 2 > len(recent):
            return f"{failed} of the last {len(recent)} updates failed"
        return ""


_warned: set[str] = set()  # other writers already reported


def write_heartbeat(path: Path, healthy: bool, reason: str) -> str | None:
    """Replace `path` with this process' state (its folder made if missing); warn when
    another process wrote it since. Returns why it could not be written, or None."""
    me = {"host": socket.gethostname(), "pid": os.getpid()}
    try:
        before = json.loads(path.read_text(encoding="utf-8"))
        other = {"host": before["host"], "pid": before["pid"]}
        if other != me and time.time() - float(before["time"]) < 120 and str(other) not in _warned:
            _warned.add(str(other))
            log.warning("HEARTBEAT_FILE %s is also written by another bot (host %s, pid %s): one process' "
                        "health would hide another's; give each its own file, e.g. with {hostname} in "
                        "the name", path, other["host"], other["pid"])
    except (OSError, ValueError, KeyError, TypeError):
        pass  # none yet, or not ours to read
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(json.dumps(dict(me, healthy=healthy, reason=reason, time=time.time())), encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        return str(exc.strerror or exc)
    return None


def remove_heartbeat(path: Path) -> None:
    """A stopped bot leaves no heartbeat that could pass for it."""
    try:
        if json.loads(path.read_text(encoding="utf-8")).get("pid") == os.getpid():
            path.unlink()
    except (OSError, ValueError, AttributeError):
        pass
