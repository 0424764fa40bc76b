"""Main menu: who you are, your role, and what your role lets you do."""

from __future__ import annotations

from aiogram_dialog import Dialog, DialogManager, LaunchMode, Window
from aiogram_dialog.widgets.kbd import Row, Start
from aiogram_dialog.widgets.text import Const, Format

from ..common import ROLE_LABELS, PreviewUser, acting_user, q
from ..states import CarSG, FindSG, MainSG, MyTripsSG, NewTripSG, PastSG, SwitchRoleSG, TemplatesSG


async def menu_getter(dialog_manager: DialogManager, **kwargs) -> dict:
    user = acting_user(dialog_manager)
    return {
        "name": q(user.name),
        "role": ROLE_LABELS.get(user.role, user.role),
        "is_driver": user.is_driver,
    }


MENU_PREVIEW = {
    "name": PreviewUser().name,
    "role": ROLE_LABELS[PreviewUser().role],
    "is_driver": True,
}


def build_main_dialog() -> Dialog:
    return Dialog(
        Window(
            Format("👋 <b>{name}</b>, you are a {role}."),
            Const("What would you like to do?"),
            Start(Const("🚗 New trip"), id="newtrip", state=NewTripSG.template),  # a passenger is offered the switch
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
        ),
        launch_mode=LaunchMode.ROOT,
    )
