"""The command table: every command once, with its handler, its line in the command menu
(`setMyCommands`, bot/commands.py) and its line in /help. Registration, the menu and the
help text are all produced from `COMMANDS`, so they cannot drift apart."""

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
from ..wizard import start_new_trip
from ..states import ForgetSG, FindSG, MainSG, MyTripsSG, PastSG, RegisterSG, SwitchRoleSG, TemplatesSG, TripSG

TRIP_ID = re.compile(r"[0-9]{1,11}")  # the id in a share link, /start trip_<id>


async def start_home(manager: DialogManager, show_mode: ShowMode = ShowMode.SEND) -> None:
    """The player's home: the role choice until they have one, then the main menu. Someone
    the bot does not know (never started, or used /forget_me) gets no dialog: a stale or
    forged button of theirs is answered with a pointer to /start, and nothing is stored."""
    user = users.get_user(tg_user_id(manager))
    if user is None:
        chat = manager.middleware_data["event_chat"]
        await manager.middleware_data["bot"].send_message(chat.id, "Send /start to begin.")
        return
    state = MainSG.menu if user.role else RegisterSG.role
    await manager.start(state, mode=StartMode.RESET_STACK, show_mode=show_mode)


async def _known(message: Message) -> bool:
    """True for a registered player with a role; others are told to /start."""
    user = users.get_user(message.from_user.id)
    if user is None or not user.role:
        await message.answer("Send /start first and choose a role.")
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
        await message.answer("I couldn't find that trip: the link may be broken or the trip was removed. "
                             "Here is the menu; try 🔎 Find a trip.")
        await start_home(manager)
        return
    await on_top_of_menu(manager, TripSG.card, {"trip_id": int(raw)})


def opens(state):
    """The handler of a command that opens a dialog above the menu, for registered players."""
    async def open_dialog(message: Message, dialog_manager: DialogManager) -> None:
        if await _known(message):
            await on_top_of_menu(dialog_manager, state)

    return open_dialog


async def cmd_start(message: Message, command: CommandObject, dialog_manager: DialogManager) -> None:
    tg = message.from_user
    user, created = users.register_user(tg.id, tg.first_name, tg.last_name, tg.username)
    if command.args and command.args.startswith("trip_"):
        await open_shared_trip(message, dialog_manager, user, created, command.args)
        return
    await start_home(dialog_manager)


async def cmd_templates(message: Message, dialog_manager: DialogManager) -> None:
    if not await _known(message):
        return
    if not users.get_user(message.from_user.id).is_driver:
        await message.answer("Templates are for drivers. Switch your role with /switch_role.")
        return
    await on_top_of_menu(dialog_manager, TemplatesSG.list)


async def cmd_cancel(message: Message, dialog_manager: DialogManager) -> None:
    if users.get_user(message.from_user.id) is None:
        await message.answer("Send /start to begin.")
        return
    await start_home(dialog_manager)


async def cmd_help(message: Message) -> None:
    await message.answer(HELP_TEXT)


async def cmd_forget_me(message: Message, dialog_manager: DialogManager) -> None:
    user = users.get_user(message.from_user.id)
    if user is None:
        await message.answer("I have nothing stored about you, so there is nothing to forget.")
        return
    home = MainSG.menu if user.role else RegisterSG.role  # where "No, keep me" lands
    await on_top_of_menu(dialog_manager, ForgetSG.confirm, home=home)


async def cmd_new_trip(message: Message, dialog_manager: DialogManager) -> None:
    if users.get_user(message.from_user.id) is None:
        await message.answer("Send /start first and choose a role.")
        return
    await start_new_trip(dialog_manager, message)


@dataclass(frozen=True)
class BotCommandSpec:
    name: str
    menu: str  # its description in Telegram's command menu
    help: str  # its line in /help
    handler: Callable
    aliases: tuple[str, ...] = ()


COMMANDS: tuple[BotCommandSpec, ...] = (
    BotCommandSpec("start", "Main menu", "main menu", cmd_start),
    BotCommandSpec("trips", "Find a ride", "find a ride to the next game", opens(FindSG.list)),
    BotCommandSpec("mytrips", "Your trips", "the trips you are in", opens(MyTripsSG.list)),
    BotCommandSpec("newtrip", "Offer a ride", "offer a ride (a passenger is asked to switch to driver)",
                   cmd_new_trip),
    BotCommandSpec("templates", "Your trip templates (drivers)", "your weekly trips, ready to reuse (drivers)",
                   cmd_templates, aliases=("list_templates",)),
    BotCommandSpec("history", "Past trips", "your past trips", opens(PastSG.list)),
    BotCommandSpec("switch_role", "Switch between driver and passenger", "switch between driver and passenger",
                   opens(SwitchRoleSG.confirm)),
    BotCommandSpec("forget_me", "Delete your data from this bot", "delete your data from this bot", cmd_forget_me),
    BotCommandSpec("cancel", "Close the current screen", "close whatever screen is open and go back to the menu",
                   cmd_cancel),
    BotCommandSpec("help", "How this bot works", "this text", cmd_help),
)

HELP_TEXT = "\n".join([
    "🏐 <b>Club carpool</b>\n",
    "Drivers offer seats to games and trainings; passengers pick a pickup point and take a seat.\n",
    *(f"/{c.name} — {c.help}" for c in COMMANDS),
    "\nAlmost everything else is a button.",
])


def build_commands_router() -> Router:
    router = Router(name="commands")
    router.message.filter(F.chat.type == "private")
    for command in COMMANDS:
        flt = CommandStart() if command.name == "start" else Command(command.name, *command.aliases)
        router.message.register(command.handler, flt)
    return router
