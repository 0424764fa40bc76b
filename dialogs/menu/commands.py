"""The command table: every command once, with its handler, its line in the command menu
(`setMyCommands`, bot/commands.py) and its line in /help. Registration, the menu and the
help text are all produced from `COMMANDS`, so they cannot drift apart. The menu and help
lines are catalog keys (`dialogs/locales/*/menu.ftl`): each language has its own menu."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from aiogram import F, Router
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.types import Message
from aiogram_dialog import DialogManager, ShowMode, StartMode

from models import ROLE_PASSENGER, queries, users

from ..common import tg_user_id
from ..i18n import Tr, tr_of
from ..wizard import start_new_trip
from ..states import (
    EventsSG, ForgetSG, FindSG, MainSG, MyTripsSG, PastSG, RegisterSG, SwitchRoleSG, TemplatesSG, TripSG,
)

TRIP_ID = re.compile(r"[0-9]{1,11}")  # the id in a share link, /start trip_<id>


async def start_home(manager: DialogManager, show_mode: ShowMode = ShowMode.SEND) -> None:
    """The player's home: the role choice until they have one, then the main menu. Someone
    the bot does not know (never started, or used /forget_me) gets no dialog: a stale or
    forged button of theirs is answered with a pointer to /start, and nothing is stored."""
    user = users.get_user(tg_user_id(manager))
    if user is None:
        chat = manager.middleware_data["event_chat"]
        await manager.middleware_data["bot"].send_message(chat.id, tr_of(manager)("menu-send-start"))
        return
    state = MainSG.menu if user.role else RegisterSG.role
    await manager.start(state, mode=StartMode.RESET_STACK, show_mode=show_mode)


async def _known(message: Message, manager: DialogManager) -> bool:
    """True for a registered player with a role; others are told to /start."""
    user = users.get_user(message.from_user.id)
    if user is None or not user.role:
        await message.answer(tr_of(manager)("menu-start-first"))
        return False
    return True


async def on_top_of_menu(manager: DialogManager, state, data: dict | None = None, home=MainSG.menu) -> None:
    """Open a dialog above a fresh `home` (the main menu), so its Back lands there."""
    await manager.start(home, mode=StartMode.RESET_STACK, show_mode=ShowMode.NO_UPDATE)
    await manager.start(state, data=data, show_mode=ShowMode.SEND)


async def open_shared_trip(message: Message, manager: DialogManager, user, created: bool, arg: str) -> None:
    """`/start trip_<id>`: the share link opens the trip card. A newcomer arriving
    this way came to ride, so they are registered as a passenger (they can switch)."""
    if created or not user.role:
        users.set_role(user.telegram_id, ROLE_PASSENGER)
    raw = arg.removeprefix("trip_")
    # ASCII digits only: str.isdigit() accepts "²", which int() then refuses with a traceback
    if not (TRIP_ID.fullmatch(raw) and queries.trip_exists(int(raw))):
        await message.answer(tr_of(manager)("menu-trip-not-found"))
        await start_home(manager)
        return
    await on_top_of_menu(manager, TripSG.card, {"trip_id": int(raw)})


def opens(state):
    """The handler of a command that opens a dialog above the menu, for registered players."""
    async def open_dialog(message: Message, dialog_manager: DialogManager) -> None:
        if await _known(message, dialog_manager):
            await on_top_of_menu(dialog_manager, state)

    return open_dialog


async def cmd_start(message: Message, command: CommandObject, dialog_manager: DialogManager) -> None:
    """Registers a newcomer in the language the middleware picked for them (their Telegram's,
    when the bot speaks it); a known player's stored choice stands."""
    tg = message.from_user
    user, created = users.register_user(tg.id, tg.first_name, tg.last_name, tg.username,
                                        language=dialog_manager.middleware_data.get("locale", ""))
    if command.args and command.args.startswith("trip_"):
        await open_shared_trip(message, dialog_manager, user, created, command.args)
        return
    await start_home(dialog_manager)


async def cmd_templates(message: Message, dialog_manager: DialogManager) -> None:
    if not await _known(message, dialog_manager):
        return
    if not users.get_user(message.from_user.id).is_driver:
        await message.answer(tr_of(dialog_manager)("menu-templates-drivers-only"))
        return
    await on_top_of_menu(dialog_manager, TemplatesSG.list)


async def cmd_cancel(message: Message, dialog_manager: DialogManager) -> None:
    if users.get_user(message.from_user.id) is None:
        await message.answer(tr_of(dialog_manager)("menu-send-start"))
        return
    await start_home(dialog_manager)


async def cmd_help(message: Message, dialog_manager: DialogManager) -> None:
    await message.answer(help_text(tr_of(dialog_manager)))


async def cmd_language(message: Message, dialog_manager: DialogManager) -> None:
    """The language choice, in the main menu's dialog: a choice lands on the menu."""
    if await _known(message, dialog_manager):
        await dialog_manager.start(MainSG.language, mode=StartMode.RESET_STACK, show_mode=ShowMode.SEND)


async def cmd_forget_me(message: Message, dialog_manager: DialogManager) -> None:
    user = users.get_user(message.from_user.id)
    if user is None:
        await message.answer(tr_of(dialog_manager)("privacy-nothing-stored"))
        return
    home = MainSG.menu if user.role else RegisterSG.role  # where "No, keep me" lands
    await on_top_of_menu(dialog_manager, ForgetSG.confirm, home=home)


async def cmd_new_trip(message: Message, dialog_manager: DialogManager) -> None:
    if users.get_user(message.from_user.id) is None:
        await message.answer(tr_of(dialog_manager)("menu-start-first"))
        return
    await start_new_trip(dialog_manager, message)


@dataclass(frozen=True)
class BotCommandSpec:
    name: str
    menu: str  # catalog key: its description in Telegram's command menu
    help: str  # catalog key: its line in /help
    handler: Callable
    aliases: tuple[str, ...] = ()


COMMANDS: tuple[BotCommandSpec, ...] = (
    BotCommandSpec("start", "menu-cmd-start", "menu-help-start", cmd_start),
    BotCommandSpec("trips", "menu-cmd-trips", "menu-help-trips", opens(FindSG.list)),
    BotCommandSpec("mytrips", "menu-cmd-mytrips", "menu-help-mytrips", opens(MyTripsSG.list)),
    BotCommandSpec("newtrip", "menu-cmd-newtrip", "menu-help-newtrip", cmd_new_trip),
    BotCommandSpec("events", "menu-cmd-events", "menu-help-events", opens(EventsSG.list)),
    BotCommandSpec("templates", "menu-cmd-templates", "menu-help-templates", cmd_templates,
                   aliases=("list_templates",)),
    BotCommandSpec("history", "menu-cmd-history", "menu-help-history", opens(PastSG.list)),
    BotCommandSpec("switch_role", "menu-cmd-switch-role", "menu-help-switch-role", opens(SwitchRoleSG.confirm)),
    BotCommandSpec("language", "menu-cmd-language", "menu-help-language", cmd_language),
    BotCommandSpec("forget_me", "menu-cmd-forget-me", "menu-help-forget-me", cmd_forget_me),
    BotCommandSpec("cancel", "menu-cmd-cancel", "menu-help-cancel", cmd_cancel),
    BotCommandSpec("help", "menu-cmd-help", "menu-help-help", cmd_help),
)


def help_text(tr: Tr) -> str:
    """/help in the player's language: what the bot is for, then every command."""
    return "\n".join([
        tr("menu-help-title") + "\n",
        tr("menu-help-intro") + "\n",
        *(f"/{c.name} — {tr(c.help)}" for c in COMMANDS),
        "\n" + tr("menu-help-outro"),
    ])


def build_commands_router() -> Router:
    router = Router(name="commands")
    router.message.filter(F.chat.type == "private")
    for command in COMMANDS:
        flt = CommandStart() if command.name == "start" else Command(command.name, *command.aliases)
        router.message.register(command.handler, flt)
    return router
