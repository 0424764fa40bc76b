"""The command menu (`setMyCommands`), from the one command table (`dialogs.menu.commands.COMMANDS`).

One menu per language the bot speaks (issue #19): Telegram shows a user the list set for their
app's language (`language_code`), and the one set without a language code to everyone else,
which is English (`DEFAULT_LANGUAGE`). It follows Telegram's language, not the player's stored
choice: the menu is the bot's, not a chat's.

Group chats get their own, short list (`dialogs.club.handlers.GROUP_COMMANDS`: /board, /trips,
/help), the only commands the bot answers there (issue #20).

Each list is set only when Telegram's (`getMyCommands`) differs, so replicas starting together,
or a restart, do not each call it (issue #17.8).
"""

import logging

from aiogram import Bot
from aiogram.types import BotCommand, BotCommandScopeAllGroupChats, BotCommandScopeAllPrivateChats

from dialogs.club.handlers import GROUP_COMMANDS
from dialogs.i18n import DEFAULT_LANGUAGE, tr_for
from dialogs.menu.commands import COMMANDS as BOT_COMMANDS
from models.tables import LANGUAGES

log = logging.getLogger(__name__)

# (language_code given to Telegram, the language of its descriptions); "" sets the default list
MENUS: list[tuple[str, str]] = [("", DEFAULT_LANGUAGE)] + [
    (language, language) for language in LANGUAGES if language != DEFAULT_LANGUAGE]


def command_menu(language: str) -> list[tuple[str, str]]:
    """(command, description) in `language`, from the table in dialogs/menu/commands.py."""
    tr = tr_for(language)
    return [(c.name, tr(c.menu)) for c in BOT_COMMANDS]


def group_menu(language: str) -> list[tuple[str, str]]:
    """(command, description) of the group chats' list, in `language`."""
    tr = tr_for(language)
    return [(name, tr(f"club-cmd-{name}")) for name in GROUP_COMMANDS]


async def register_commands(bot: Bot) -> bool:
    """Make Telegram's menus for private and group chats ours; True when `setMyCommands` was called."""
    changed = False
    for scope, menu in ((BotCommandScopeAllPrivateChats(), command_menu), (BotCommandScopeAllGroupChats(), group_menu)):
        changed = await _register(bot, scope, menu) or changed
    return changed


async def _register(bot: Bot, scope, menu) -> bool:
    changed = False
    for code, language in MENUS:
        wanted = menu(language)
        current = await bot.get_my_commands(scope=scope, language_code=code or None)
        if [(c.command, c.description) for c in current] == wanted:
            continue
        await bot.set_my_commands([BotCommand(command=c, description=d) for c, d in wanted], scope=scope,
                                  language_code=code or None)
        log.info("Command menu (%s) set for %s (%d commands)", scope.type, code or "everyone else", len(wanted))
        changed = True
    return changed
