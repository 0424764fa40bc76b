"""Health check for Docker's HEALTHCHECK: does this process' bot say it is healthy?

Imports only the standard library (a check that imports aiogram costs ~3 s and
~165 MB every run). The running bot rewrites HEARTBEAT_FILE every few seconds, and at
once when its health changes, with what it knows (`bot/infra/healthstate.py`): whether the
database takes a write and whether most recent updates failed. The check passes when
the file is fresh, says healthy, and was written by a live bot on this host.

One file per process: `{hostname}` in HEARTBEAT_FILE is replaced by the host name (in a
container: the container's), so replicas sharing a volume do not share a heartbeat.
A file written by another host or by a process that is gone fails the check instead of
passing for it.

    python -m bot.health [FILE] [--max-age SECONDS]   -> exit 0 healthy, 1 not
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import sys
import time
from pathlib import Path

DEFAULT_MAX_AGE = 60.0
HOSTNAME = "{hostname}"


def heartbeat_path(template: str | os.PathLike, host: str | None = None) -> Path:
    """HEARTBEAT_FILE with `{hostname}` replaced by this host's name (or `host`)."""
    return Path(str(template).replace(HOSTNAME, host or socket.gethostname()))


def is_fresh(path: str | os.PathLike, max_age: float = DEFAULT_MAX_AGE, now: float | None = None) -> bool:
    try:
        age = (now if now is not None else time.time()) - os.stat(path).st_mtime
    except OSError:
        return False
    return age <= max_age


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, owned by another user
        return True
    except OSError:
        return False
    return True


def check(path: str | os.PathLike, max_age: float = DEFAULT_MAX_AGE) -> str | None:
    """Why this process' bot is not healthy according to `path`, or None when it is."""
    if not is_fresh(path, max_age):
        return f"{path} missing or older than {max_age:.0f}s"
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        return f"cannot read {path}: {exc.strerror}"
    if not text.strip():
        return None  # touched by hand or by an older bot: freshness is all it tells
    try:
        beat = json.loads(text)
        host, pid, healthy = beat["host"], int(beat["pid"]), bool(beat["healthy"])
    except (ValueError, KeyError, TypeError):
        return f"{path} is not a heartbeat file"
    if host != socket.gethostname():
        return (f"{path} was written by the bot on host {host!r}, not this one: give each process its own "
                f"HEARTBEAT_FILE (e.g. /data/heartbeat-{HOSTNAME}) or keep it off shared volumes")
    if not _alive(pid):
        return f"the bot that wrote {path} (pid {pid}) is gone"
    if not healthy:
        return beat.get("reason") or "the bot reports itself unhealthy"
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.health")
    parser.add_argument("file", nargs="?", default=os.environ.get("HEARTBEAT_FILE", ""),
                        help=f"the bot's HEARTBEAT_FILE ({HOSTNAME} allowed; default: $HEARTBEAT_FILE)")
    parser.add_argument("--max-age", type=float, default=float(os.environ.get("HEARTBEAT_MAX_AGE", DEFAULT_MAX_AGE)))
    args = parser.parse_args(argv)
    if not args.file:
        print("unhealthy: no heartbeat file configured (HEARTBEAT_FILE)", file=sys.stderr)
        return 1
    problem = check(heartbeat_path(args.file), args.max_age)
    if problem is None:
        print("healthy")
        return 0
    print(f"unhealthy: {problem}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
