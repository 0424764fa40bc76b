"""`carpool-bot` as tests/test_replicas.py runs it: the real entry point (`bot.cli.main`), with one
knob the bot does not expose as a setting (yet): the sender lease's idle timeout.

A frozen sender (SIGSTOP, a stalled VM) keeps its PostgreSQL session, and with it the advisory
lock, until the server ends the idle session: `PostgresAdvisoryLease.idle_timeout`, 30 s
(bot/leader.py). `CARPOOL_TEST_LEASE_IDLE_TIMEOUT` sets it to a few seconds, so that a SIGSTOP
takeover fits in a CI run; everything else is the program as shipped.

    python -m tests.replica_process run
"""

from __future__ import annotations

import os
import sys


def main() -> int:
    from bot import cli, leader, runner

    idle = float(os.environ["CARPOOL_TEST_LEASE_IDLE_TIMEOUT"])
    make = runner.make_lease

    def make_lease(*args, **kwargs):
        lease = make(*args, **kwargs)
        if not isinstance(lease, leader.PostgresAdvisoryLease):
            raise SystemExit(f"tests.replica_process is for PostgreSQL replicas, not a {lease.name}")
        lease.idle_timeout = idle
        return lease

    runner.make_lease = make_lease
    return cli.main()


if __name__ == "__main__":
    sys.exit(main())
