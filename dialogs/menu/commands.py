"""Commands that open the dialogs: /start, /cancel, /help, /switch_role."""

from __future__ import annotations

import re

from aiogram import F, Router
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.types import Message
from aiogram_dialog import DialogManager, ShowMode, StartMode

from models import ROLE_PASSENGER, rides, users

from ..common import tg_user_id
from ..wizard import start_new_trip
from ..states import ForgetSG, FindSG, MainSG, MyTripsSG, RegisterSG, SwitchRoleSG, TemplatesSG, TripSG

TRIP_ID = re.compile(r"[0-9]{1,11}")  # the id in a share link, /start trip_<id>

HELP_TEXT = (
    "🏐 <b>Club carpool</b>\n\n"
    "Drivers offer seats to games and trainings; passengers pick a pickup point and take a seat.\n\n"
    "/start — main menu\n"
    "/trips — find a ride to the next game\n"
    "/mytrips — the trips you are in\n"
    "/newtrip — offer a ride (drivers)\n"
    "/templates — your weekly trips, ready to reuse (drivers)\n"
    "/switch_role — switch between driver and passenger\n"
    "/forget_me — delete your data from this bot\n"
    "/cancel — leave whatever you are doing and go back to the menu\n"
    "/help — this text\n\n"
    "Almost everything else is a button."
)


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


async def _on_top_of_menu(manager: DialogManager, state, data: dict | None = None) -> None:
    """Open a dialog above a fresh main menu, so its Back lands on the menu."""
    await manager.start(MainSG.menu, mode=StartMode.RESET_STACK, show_mode=ShowMode.NO_UPDATE)
    await manager.start(state, data=data, show_mode=ShowMode.SEND)


async def open_shared_trip(message: Message, manager: DialogManager, user, created: bool, arg: str) -> None:
    """`/start trip_<id>`: the share link opens the trip card. A newcomer arriving
    this way came to ride, so they are registered as a passenger (they can switch)."""
    if created or not user.role:
        users.set_role(user.telegram_id, ROLE_PASSENGER)
    raw = arg.removeprefix("trip_")
    # ASCII digits only: str.isdigit() accepts "²", which int() then refuses with a traceback
    trip = rides.trip_exists(int(raw)) if TRIP_ID.fullmatch(raw) else False
    if not trip:
        await message.answer("I couldn't find that trip: the link may be broken or the trip was removed. "
                             "Here is the menu; try 🔎 Find a trip.")
        await start_home(manager)
        return
    await _on_top_of_menu(manager, TripSG.card, {"trip_id": int(raw)})


def build_commands_router() -> Router:
    router = Router(name="commands")
    router.message.filter(F.chat.type == "private")

    @router.message(CommandStart())
    async def cmd_start(message: Message, command: CommandObject, dialog_manager: DialogManager) -> None:
        tg = message.from_user
        user, created = users.register_user(tg.id, tg.first_name, tg.last_name, tg.username)
        if command.args and command.args.startswith("trip_"):
            await open_shared_trip(message, dialog_manager, user, created, command.args)
            return
        await start_home(dialog_manager)

    @router.message(Command("trips"))
    async def cmd_trips(message: Message, dialog_manager: DialogManager) -> None:
        if await _known(message):
            await _on_top_of_menu(dialog_manager, FindSG.list)

    @router.message(Command("templates", "list_templates"))
    async def cmd_templates(message: Message, dialog_manager: DialogManager) -> None:
        if not await _known(message):
            return
        if not users.get_user(message.from_user.id).is_driver:
            await message.answer("Templates are for drivers. Switch your role with /switch_role.")
            return
        await _on_top_of_menu(dialog_manager, TemplatesSG.list)

    @router.message(Command("mytrips"))
    async def cmd_my_trips(message: Message, dialog_manager: DialogManager) -> None:
        if await _known(message):
            await _on_top_of_menu(dialog_manager, MyTripsSG.list)

    @router.message(Command("cancel"))
    async def cmd_cancel(message: Message, dialog_manager: DialogManager) -> None:
        if users.get_user(message.from_user.id) is None:
            await message.answer("Send /start to begin.")
            return
        await start_home(dialog_manager)

    @router.message(Command("help"))
    async def cmd_help(message: Message) -> None:
        await message.answer(HELP_TEXT)

    @router.message(Command("switch_role"))
    async def cmd_switch_role(message: Message, dialog_manager: DialogManager) -> None:
        user = users.get_user(message.from_user.id)
        if user is None or not user.role:
            await message.answer("Send /start first and choose a role.")
            return
        await _on_top_of_menu(dialog_manager, SwitchRoleSG.confirm)

    @router.message(Command("forget_me"))
    async def cmd_forget_me(message: Message, dialog_manager: DialogManager) -> None:
        user = users.get_user(message.from_user.id)
        if user is None:
            await message.answer("I have nothing stored about you, so there is nothing to forget.")
            return
        home = MainSG.menu if user.role else RegisterSG.role  # where "No, keep me" lands
        await dialog_manager.start(home, mode=StartMode.RESET_STACK, show_mode=ShowMode.NO_UPDATE)
        await dialog_manager.start(ForgetSG.confirm, show_mode=ShowMode.SEND)

    @router.message(Command("newtrip"))
    async def cmd_new_trip(message: Message, dialog_manager: DialogManager) -> None:
        if users.get_user(message.from_user.id) is None:
            await message.answer("Send /start first and choose a role.")
            return
        await start_new_trip(dialog_manager, message)

    return router
