"""A crash between an effect's commit and the end of its update, and the same update
delivered again: what kill -9 followed by Telegram's redelivery does, in-process.

`Crash` is a BaseException: like a killed process, nothing after it runs — no error
handler, no dialog state saved, no de-duplication record — while the transaction
that committed before it stays committed.
"""

from __future__ import annotations

from typing import Any

import pytest
from aiogram.types import Update
from aiogram_dialog.test_tools.keyboard import InlineButtonTextLocator

from tests.harness import Player, RecordingBot


class Crash(BaseException):
    """The process died here."""


class CrashingBot(RecordingBot):
    """Records calls like `RecordingBot`; the first call of type `crash_on` dies instead."""

    def __init__(self) -> None:
        super().__init__()
        self.crash_on: type | None = None

    async def __call__(self, method, request_timeout: int | None = None) -> Any:
        if self.crash_on is not None and isinstance(method, self.crash_on):
            self.crash_on = None
            raise Crash(type(method).__name__)
        return await super().__call__(method, request_timeout)


def press_update(player: Player, text: str) -> Update:
    """The update a press on the button `text` of the player's screen makes, built once
    so that it can be delivered twice."""
    message = player.screen()
    button = InlineButtonTextLocator(text).find_button(message)
    return Update(update_id=player.client._new_update_id(),
                  callback_query=player.client._new_callback(message, button))


def message_update(player: Player, text: str) -> Update:
    return Update(update_id=player.client._new_update_id(), message=player.client._new_message(text, None))


async def deliver_twice(env, update: Update, crash_on: type) -> None:
    """Deliver `update`, dying at the first `crash_on` Bot API call, then deliver it again
    (the redelivery after the restart) and let it finish."""
    bot: CrashingBot = env.bot
    bot.crash_on = crash_on
    with pytest.raises(Crash):
        await env.dp.feed_update(bot, update)
    assert bot.crash_on is None, f"the update never called {crash_on.__name__}: no crash happened"
    await env.dp.feed_update(bot, update)


@pytest.fixture
def crash_env(env):
    env.bot = CrashingBot()
    return env
