"""Commands that open the dialogs: /start, /cancel, /help, /switch_role."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.types import Message
from aiogram_dialog import DialogManager, ShowMode, StartMode

from models import users

from ..common import tg_user_id
from ..wizard import start_new_trip
from ..states import MainSG, RegisterSG, SwitchRoleSG

HELP_TEXT = (
    "🏐 <b>Club carpool</b>\n\n"
    "Drivers offer seats to games and trainings; passengers pick a pickup point and take a seat.\n\n"
    "/start — main menu\n"
    "/newtrip — offer a ride (drivers)\n"
    "/switch_role — switch between driver and passenger\n"
    "/cancel — leave whatever you are doing and go back to the menu\n"
    "/help — this text\n\n"
    "Almost everything else is a button."
)


async def start_home(manager: DialogManager, show_mode: ShowMode = ShowMode.SEND) -> None:
    """The player's home: the role choice until they have one, then the main menu."""
    user = users.get_user(tg_user_id(manager))
    state = MainSG.menu if user is not None and user.role else RegisterSG.role
    await manager.start(state, mode=StartMode.RESET_STACK, show_mode=show_mode)


def build_commands_router() -> Router:
    router = Router(name="commands")
    router.message.filter(F.chat.type == "private")

    @router.message(CommandStart())
    async def cmd_start(message: Message, command: CommandObject, dialog_manager: DialogManager) -> None:
        tg = message.from_user
        users.register_user(tg.id, tg.first_name, tg.last_name, tg.username)
        await start_home(dialog_manager)

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
        await dialog_manager.start(MainSG.menu, mode=StartMode.RESET_STACK, show_mode=ShowMode.NO_UPDATE)
        await dialog_manager.start(SwitchRoleSG.confirm, show_mode=ShowMode.SEND)

    @router.message(Command("newtrip"))
    async def cmd_new_trip(message: Message, dialog_manager: DialogManager) -> None:
        if users.get_user(message.from_user.id) is None:
            await message.answer("Send /start first and choose a role.")
            return
        await start_new_trip(dialog_manager, message)

    return router
