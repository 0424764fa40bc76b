"""Run the real `carpool-bot` program as a subprocess against the fake Bot API."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests import forkserver
from bot.devtools.fakeapi import FakeTelegram


def carpool_bot_command() -> list[str]:
    script = Path(sys.executable).parent / "carpool-bot"
    return [str(script)] if script.exists() else [sys.executable, "-m", "bot"]


_SCRIPT = carpool_bot_command


def _fork_server():
    """The fork server (tests/forkserver.py) when it can start the script's bot, else None."""
    global _fork_server_broken
    if _fork_server_broken or not forkserver.enabled():
        return None
    try:
        return forkserver.ForkServer.get()
    except (OSError, RuntimeError):
        _fork_server_broken = True  # e.g. no subreapers here: exec the script, as before
        return None


_fork_server_broken = False


class BotProcess:
    def __init__(self, tg: FakeTelegram, workdir: Path, **env: str):
        self.tg = tg
        self.workdir = workdir
        self.env = {
            k: v for k, v in os.environ.items()
            if not k.startswith(("TELEGRAM_", "DATABASE_", "SENTRY_", "LOG_", "REDIS_", "WEBHOOK_", "CLUB_", "THROTTLE_",
                                  "REMINDERS", "SCHEDULER_", "HEARTBEAT_"))
        }
        self.env.update(
            TELEGRAM_TOKEN=tg.token,
            TELEGRAM_API_URL=tg.base_url,
            DATABASE_URL=f"sqlite:///{workdir}/data/carpool.sqlite3",
            LOG_DIR=str(workdir / "logs"),
            LOG_LEVEL="INFO",
            SHUTDOWN_TIMEOUT="10",
            THROTTLE_RATE="0",  # scripted users tap faster than people (tests/test_access.py covers it)
        )
        self.env.update(env)
        self.proc: subprocess.Popen | forkserver.ForkedProcess | None = None
        self.log_path = workdir / "bot-output.log"

    def start(self, wait_polling: bool = True, exec_script: bool = False) -> "BotProcess":
        """Start the bot: forked from the fork server (the script's program without re-importing
        aiogram), or with ``exec_script`` (or another command patched in) a plain exec."""
        self._first_request = len(self.tg.requests)
        polls = self.tg.polls_started
        command = carpool_bot_command()
        server = None if exec_script or command != _SCRIPT() or len(command) != 1 else _fork_server()
        if server is not None:
            self._log = None
            self.proc = server.spawn(command, self.env, self.workdir, self.log_path)
        else:
            self._log = open(self.log_path, "ab")
            self.proc = subprocess.Popen(command, cwd=self.workdir, env=self.env,
                                         stdout=self._log, stderr=subprocess.STDOUT)
        if wait_polling:
            self._while_running("bot is not polling", lambda t: self.tg.wait_polling(after=polls, timeout=t), 60)
        return self

    def wait_request(self, method: str, timeout: float = 20, predicate=None):
        return self._while_running(f"no {method} request", lambda t: self.tg.wait_for_request(
            method, timeout=t, predicate=predicate, start=self._first_request), timeout)

    def _while_running(self, failure: str, wait, timeout: float):
        """``wait(seconds)`` in short slices until it returns; AssertionError at ``timeout`` or as
        soon as the bot has exited (a crash at start fails at once, not after the whole timeout)."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                return wait(max(0.01, min(0.25, deadline - time.monotonic())))
            except AssertionError:
                exited = self.proc is not None and self.proc.poll() is not None
                if exited or time.monotonic() >= deadline:
                    how = f"the bot exited with {self.proc.returncode}" if exited else f"within {timeout}s"
                    raise AssertionError(f"{failure} ({how}); bot output:\n{self.output()}") from None

    def output(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def wait_output(self, text: str, count: int = 1, timeout: float = 20) -> str:
        """Wait until the bot's output holds ``text`` at least ``count`` times (a log line is
        the bot saying it did something): a condition to wait on instead of a fixed sleep."""
        deadline = time.monotonic() + timeout
        while (out := self.output()).count(text) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"{text!r} not {count}x in the bot's output within {timeout}s:\n{out}")
            time.sleep(0.05)
        return out

    def prepare_database(self) -> None:
        """Create and migrate the database as the bot's start does, in this process: a test that
        only needs the schema saves a bot start (~3 s of CPU importing aiogram)."""
        from bot.infra.db import migrate

        migrate(self.env["DATABASE_URL"], backup=False)

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 20) -> tuple[int, float]:
        """Send `sig`, wait for the exit; return (exit status, seconds it took)."""
        assert self.proc is not None
        started = time.monotonic()
        self.proc.send_signal(sig)
        try:
            code = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise AssertionError(f"bot did not exit within {timeout}s; output:\n{self.output()}") from None
        finally:
            self._close_log()
        return code, time.monotonic() - started

    def kill(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self._close_log()

    def _close_log(self) -> None:
        if getattr(self, "_log", None) is not None:
            self._log.close()
