"""Health check for Docker's HEALTHCHECK: is the heartbeat file fresh?

Imports only the standard library (a check that imports aiogram costs ~3 s and
~165 MB every run). The running bot touches HEARTBEAT_FILE every few seconds
while its event loop turns and the database answers, in polling and webhook mode.

    python -m bot.health [FILE] [--max-age SECONDS]   -> exit 0 healthy, 1 not
"""

from __future__ import annotations

import argparse
import os
import sys
import time

DEFAULT_MAX_AGE = 60.0


def is_fresh(path: str, max_age: float = DEFAULT_MAX_AGE, now: float | None = None) -> bool:
    try:
        age = (now if now is not None else time.time()) - os.stat(path).st_mtime
    except OSError:
        return False
    return age <= max_age


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.health")
    parser.add_argument("file", nargs="?", default=os.environ.get("HEARTBEAT_FILE", ""))
    parser.add_argument("--max-age", type=float, default=float(os.environ.get("HEARTBEAT_MAX_AGE", DEFAULT_MAX_AGE)))
    args = parser.parse_args(argv)
    if not args.file:
        print("unhealthy: no heartbeat file configured (HEARTBEAT_FILE)", file=sys.stderr)
        return 1
    if is_fresh(args.file, args.max_age):
        print("healthy")
        return 0
    print(f"unhealthy: {args.file} missing or older than {args.max_age:.0f}s", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
