"""A seeded club and the real `carpool-bot` process against the fake Bot API, for
end-to-end tests that count taps: `bot_world(...)` yields once the bot polls, and on
leaving checks the bot stopped cleanly with no request Telegram would have rejected."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

from bot.devtools.fakeapi import BENIGN_ERRORS, FakeTelegram
from tests.process import BotProcess


@contextlib.contextmanager
def bot_world(workdir: Path, token: str, names: dict[int, str], seed: Callable[[str], dict], **env: str):
    """`seed(database_url)` runs on the migrated database before the bot starts; `names`
    are the Telegram users (id: first name) who talk to it."""
    with FakeTelegram(token=token) as tg:
        bot = BotProcess(tg, workdir, **env)
        bot.prepare_database()
        ids = seed(bot.env["DATABASE_URL"])
        people = {tid: tg.user(tid, name, None) for tid, name in names.items()}
        bot.start()
        try:
            yield SimpleNamespace(tg=tg, bot=bot, ids=ids, people=people, db=workdir / "data" / "carpool.sqlite3")
            code, _ = bot.stop()
            rejected = tg.rejected(ignore=BENIGN_ERRORS)
            assert (code, rejected) == (0, []), rejected  # a clean stop; nothing Telegram would refuse
            assert "Traceback" not in bot.output()
        finally:
            bot.kill()


ROLE_SCREENS = {"🚗 I drive": "you are a 🚗 driver", "🙋 I need a ride": "you are a 🙋 passenger"}


def sign_up(user, role: str = "🚗 I drive"):
    """A new player through the real process: /start, then `role`; returns the main menu."""
    user.send("/start")
    user.wait_screen("Welcome")
    user.press(role)
    return user.wait_screen(ROLE_SCREENS[role])


def open_card(user, command: str, listed: str, trip: str, shows: str):
    """A trip's card through a list: `command` (its screen holds `listed`), then the one button
    holding `trip`; returns the card once it holds `shows`."""
    user.send(command)
    user.wait_screen(listed)
    user.press(trip)
    return user.wait_screen(shows)


def wait_message(user, needle: str, timeout: float = 20):
    """The newest message in the user's chat whose text holds `needle`, as soon as it is there
    (waits on the fake's condition, as `FakeUser.wait_screen` does, not on a clock)."""
    def found():
        return next((m for m in reversed(user.messages()) if needle in (m.text or "")), None)

    with user.tg._cond:
        if user.tg._cond.wait_for(found, timeout):
            return found()
    raise AssertionError(f"{user!r} never got a message with {needle!r}; has: {[m.text for m in user.messages()][-5:]}")
