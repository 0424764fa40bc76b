"""The command menu (`setMyCommands`): one list, extended by each flow.

Set only when Telegram's (`getMyCommands`) differs, so replicas starting together, or a
restart, do not each call it (issue #17.8).
"""

import logging

from aiogram import Bot
from aiogram.types import BotCommand, BotCommandScopeAllPrivateChats

log = logging.getLogger(__name__)

COMMANDS: list[tuple[str, str]] = [
    ("start", "Main menu"),
    ("trips", "Find a ride"),
    ("mytrips", "Your trips"),
    ("newtrip", "Offer a ride (drivers)"),
    ("templates", "Your trip templates (drivers)"),
    ("history", "Past trips"),
    ("switch_role", "Switch between driver and passenger"),
    ("forget_me", "Delete your data from this bot"),
    ("cancel", "Leave the current dialog"),
    ("help", "How this bot works"),
]


async def register_commands(bot: Bot) -> bool:
    """Make Telegram's menu for private chats ours; True when `setMyCommands` was called."""
    scope = BotCommandScopeAllPrivateChats()
    current = [(c.command, c.description) for c in await bot.get_my_commands(scope=scope)]
    if current == COMMANDS:
        return False
    await bot.set_my_commands([BotCommand(command=c, description=d) for c, d in COMMANDS], scope=scope)
    log.info("Command menu set (%d commands)", len(COMMANDS))
    return True
