"""Main menu: who you are, your role, and what your role lets you do."""

from __future__ import annotations

from aiogram_dialog import Dialog, DialogManager, LaunchMode, Window
from aiogram.types import CallbackQuery
from aiogram_dialog.widgets.kbd import Button, Row, Start
from aiogram_dialog.widgets.text import Const, Format

from ..common import ROLE_LABELS, PreviewUser, acting_user, q
from ..common import PreviewStart
from ..states import CarSG, FindSG, MainSG, MyTripsSG, NewTripSG, SwitchRoleSG, TemplatesSG
from ..states import PastSG
from ..wizard import start_new_trip


async def on_new_trip(event: CallbackQuery, button: Button, manager: DialogManager) -> None:
    await start_new_trip(manager, event)


async def menu_getter(dialog_manager: DialogManager, **kwargs) -> dict:
    user = acting_user(dialog_manager)
    return {
        "name": q(user.name),
        "role": ROLE_LABELS.get(user.role, user.role),
        "is_driver": user.is_driver,
        "is_passenger": not user.is_driver,
    }


MENU_PREVIEW = {
    "name": PreviewUser().name,
    "role": ROLE_LABELS[PreviewUser().role],
    "is_driver": True,
    "is_passenger": False,
}


def build_main_dialog() -> Dialog:
    return Dialog(
        Window(
            Format("👋 <b>{name}</b>, you are a {role}."),
            Const("What would you like to do?"),
            Button(Const("🚗 New trip"), id="newtrip", on_click=on_new_trip, when="is_driver"),
            Row(
                Start(Const("🔎 Find a trip"), id="find", state=FindSG.list),
                Start(Const("🧳 My trips"), id="mine", state=MyTripsSG.list),
            ),
            Row(
                Start(Const("📋 Templates"), id="tpls", state=TemplatesSG.list, when="is_driver"),
                Start(Const("🚙 My car"), id="car", state=CarSG.edit, when="is_driver"),
            ),
            Start(Const("🕘 Past trips"), id="past", state=PastSG.list),
            Start(Const("🔁 Switch role"), id="role", state=SwitchRoleSG.confirm),
            getter=menu_getter,
            state=MainSG.menu,
            preview_data=MENU_PREVIEW,
            preview_add_transitions=[PreviewStart(NewTripSG.template), PreviewStart(NewTripSG.destination)],
        ),
        launch_mode=LaunchMode.ROOT,
    )
