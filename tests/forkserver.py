"""Start real `carpool-bot` processes without paying aiogram's import each time.

Importing aiogram costs ~3 s of CPU (pydantic builds every Bot API type), and the suite starts the
bot some forty times. A fork server is a Python process that has imported the *third-party*
libraries the bot loads (``PRELOAD``: aiogram, aiogram-dialog, aiohttp, pydantic, sentry-sdk, ...)
and nothing of the project. For each start it forks, and the new process sets up exactly what
the ``carpool-bot`` console script would have (environment, working directory, ``sys.argv``,
stdin/stdout/stderr), imports the project's own code fresh and runs ``sys.exit(main())`` at
module level: the same program, shut down by the interpreter in the usual way (atexit, threads,
buffers), in its own process that signals, ``kill -9`` and exit codes reach as before.

The forked process is handed to the test process, which becomes its parent (Linux's "child
subreaper"), so ``ForkedProcess`` waits for it and reads its exit status like ``subprocess.Popen``.
Where that is not available, or with ``CARPOOL_TEST_FORKSERVER=0``, bots are started with a
plain exec of the script. ``tests/test_e2e_process.py`` always execs the script once.

What differs from an exec, and no test may rely on: ``/proc/<pid>/cmdline`` and ``/proc/<pid>/environ``
show the fork server's (the environment the bot reads, ``os.environ``, is the test's), the bot
shares the server's hash seed, and the preloaded libraries are not imported again.
"""

from __future__ import annotations

import atexit
import ctypes
import json
import os
import select
import subprocess
import sys
import threading
import time
from pathlib import Path

# Third-party packages the bot imports at start (tests/test_e2e_process.py checks that a forked
# bot imports no other heavy one). Never a module of this project: those load in each bot.
PRELOAD = (
    "aiogram", "aiogram.types", "aiogram.methods", "aiogram.client.session.aiohttp", "aiogram.fsm.storage.redis",
    "aiogram.webhook.aiohttp_server", "aiogram_dialog", "aiogram_dialog.widgets.kbd", "aiogram_dialog.widgets.text",
    "aiogram_dialog.widgets.input", "aiohttp", "aiohttp.web", "aiolimiter", "environs", "marshmallow", "peewee",
    "playhouse.db_url", "playhouse.shortcuts", "peewee_migrate", "psycopg2", "redis.asyncio", "sentry_sdk",
)
_PR_SET_CHILD_SUBREAPER = 36


def enabled() -> bool:
    return os.environ.get("CARPOOL_TEST_FORKSERVER", "1") != "0" and sys.platform == "linux"


class ForkedProcess:
    """The part of ``subprocess.Popen`` the tests use, for a process this one adopted."""

    def __init__(self, pid: int, args: list[str]):
        self.pid, self.args, self.returncode = pid, args, None

    def poll(self) -> int | None:
        if self.returncode is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        pause = 0.002
        while self.poll() is None:
            if deadline is not None and time.monotonic() >= deadline:
                raise subprocess.TimeoutExpired(self.args, timeout)
            time.sleep(pause)
            pause = min(pause * 2, 0.05)
        return self.returncode

    def send_signal(self, sig: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, sig)

    def terminate(self) -> None:
        self.send_signal(15)

    def kill(self) -> None:
        self.send_signal(9)


class ForkServer:
    """One per test process, started on first use, stopped at exit."""

    _instance: ForkServer | None = None
    _guard = threading.Lock()

    def __init__(self) -> None:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_SET_CHILD_SUBREAPER) failed")
        root = Path(__file__).resolve().parent.parent
        self.proc = subprocess.Popen([sys.executable, "-m", "tests.forkserver"], cwd=root, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, bufsize=0)
        self._lock = threading.Lock()
        ready = self._read_line(120)
        if ready != {"ready": True}:
            raise RuntimeError(f"fork server did not start: {ready}")

    @classmethod
    def get(cls) -> ForkServer:
        with cls._guard:
            if cls._instance is None or cls._instance.proc.poll() is not None:
                cls._instance = cls()
                atexit.register(cls._instance.close)
            return cls._instance

    def _read_line(self, timeout: float) -> dict:
        """One answer line, read from the pipe itself (no buffer for select() to miss)."""
        fd, line, deadline = self.proc.stdout.fileno(), b"", time.monotonic() + timeout
        while not line.endswith(b"\n"):
            ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
            chunk = os.read(fd, 4096) if ready else b""
            if not chunk:
                raise RuntimeError(f"fork server gave no answer within {timeout}s (got {line!r})")
            line += chunk
        return json.loads(line)

    def spawn(self, args: list[str], env: dict[str, str], cwd: Path, log_path: Path) -> ForkedProcess:
        """Start ``args`` (the carpool-bot script and its arguments) as a forked bot process."""
        request = {"argv": args, "env": env, "cwd": str(cwd), "log": str(log_path), "reaper": os.getpid()}
        with self._lock:
            self.proc.stdin.write(json.dumps(request).encode() + b"\n")
            self.proc.stdin.flush()
            answer = self._read_line(30)
        if "pid" not in answer:
            raise RuntimeError(f"fork server could not start the bot: {answer}")
        return ForkedProcess(answer["pid"], args)

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.stdin.close()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()


# --------------------------------------------------------------------------- the server side
def _serve() -> list[str]:
    """The fork server's loop. Returns only in a forked bot process, set up as the script's."""
    import importlib

    for name in PRELOAD:
        try:
            importlib.import_module(name)
        except ImportError:  # an optional extra not installed: the bot will not import it either
            pass
    answers = os.fdopen(os.dup(1), "wb", buffering=0)
    answers.write(b'{"ready": true}\n')
    for line in sys.stdin.buffer:
        request = json.loads(line)
        first = os.fork()
        if first:  # the server: reap the go-between, wait for the next request
            os.waitpid(first, 0)
            continue
        go_between = os.getpid()
        if os.fork():
            os._exit(0)  # orphans the bot process: it goes to its subreaper, the test process
        try:
            return _become_bot(request, go_between, answers)
        except BaseException as exc:  # noqa: BLE001 - reported to the test, then this process ends
            answers.write(json.dumps({"error": repr(exc)}).encode() + b"\n")
            os._exit(127)
    sys.exit(0)  # the test process closed the pipe


def _become_bot(request: dict, go_between: int, answers) -> list[str]:
    deadline = time.monotonic() + 10
    while os.getppid() == go_between:  # wait to be adopted by the test process
        if time.monotonic() > deadline:
            raise RuntimeError("not adopted by the test process")
        time.sleep(0.0005)
    if os.getppid() != request["reaper"]:
        raise RuntimeError(f"adopted by {os.getppid()}, not by the test process {request['reaper']}")
    log = os.open(request["log"], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.dup2(log, 1)
    os.dup2(log, 2)
    os.close(log)
    os.close(null)
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    sys.argv = list(request["argv"])
    sys.path[0] = str(Path(sys.argv[0]).parent)  # as for the console script
    answers.write(json.dumps({"pid": os.getpid()}).encode() + b"\n")
    answers.close()
    return sys.argv


if __name__ == "__main__":
    _serve()
    from bot.cli import main  # the console script's two lines, in the forked bot process

    sys.exit(main())
