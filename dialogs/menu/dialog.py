"""Main menu: who you are, your role, and what your role lets you do."""

from __future__ import annotations

from aiogram_dialog import Dialog, DialogManager, LaunchMode, Window
from aiogram_dialog.widgets.kbd import Start
from aiogram_dialog.widgets.text import Const, Format

from ..common import ROLE_LABELS, PreviewUser, acting_user, q
from ..states import MainSG, SwitchRoleSG


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
            Start(Const("🔁 Switch role"), id="role", state=SwitchRoleSG.confirm),
            getter=menu_getter,
            state=MainSG.menu,
            preview_data=MENU_PREVIEW,
        ),
        launch_mode=LaunchMode.ROOT,
    )
