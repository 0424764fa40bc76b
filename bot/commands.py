"""The command menu (`setMyCommands`), from the one command table (`dialogs.menu.commands.COMMANDS`).

Set only when Telegram's (`getMyCommands`) differs, so replicas starting together, or a
restart, do not each call it (issue #17.8).
"""

import logging

from aiogram import Bot
from aiogram.types import BotCommand, BotCommandScopeAllPrivateChats

from dialogs.menu.commands import COMMANDS as BOT_COMMANDS

log = logging.getLogger(__name__)

COMMANDS: list[tuple[str, str]] = [(c.name, c.menu) for c in BOT_COMMANDS]  # the table in dialogs/menu/commands.py


async def register_commands(bot: Bot) -> bool:
    """Make Telegram's menu for private chats ours; True when `setMyCommands` was called."""
    scope = BotCommandScopeAllPrivateChats()
    current = [(c.command, c.description) for c in await bot.get_my_commands(scope=scope)]
    if current == COMMANDS:
        return False
    await bot.set_my_commands([BotCommand(command=c, description=d) for c, d in COMMANDS], scope=scope)
    log.info("Command menu set (%d commands)", len(COMMANDS))
    return True
