from __future__ import annotations

from aiogram.types import CallbackQuery, Message
from aiogram_dialog import Dialog, DialogManager, Window
from aiogram_dialog.widgets.input import ManagedTextInput, TextInput
from aiogram_dialog.widgets.kbd import Cancel, Row

from models import users

from ..common import PreviewUser, acting_user, on_input_error, q, text_only_guard, tg_user_id
from ..i18n import T, tr_of
from ..states import CarSG
from ..widgets import close


async def car_getter(dialog_manager: DialogManager, **kwargs) -> dict:
    car = acting_user(dialog_manager).car
    return {"car": q(car), "has_car": bool(car)}


async def on_car(message: Message, widget: ManagedTextInput, manager: DialogManager, car: str) -> None:
    users.set_car(tg_user_id(manager), car)
    await message.answer(tr_of(manager)("car-saved"))
    await manager.done()


async def on_remove(event: CallbackQuery, button, manager: DialogManager) -> None:
    users.set_car(tg_user_id(manager), "")
    await event.answer(tr_of(manager)("car-removed"))


def build_car_dialog() -> Dialog:
    return Dialog(
        Window(
            T("car-title"),
            T("car-now", when="has_car"),
            T("car-hint"),
            TextInput(id="car", type_factory=users.clean_car, on_success=on_car, on_error=on_input_error),
            text_only_guard(),
            Row(close(), Cancel(T("car-remove"), id="rm", on_click=on_remove, when="has_car")),
            getter=car_getter,
            state=CarSG.edit,
            preview_data={"car": PreviewUser().car, "has_car": True},
        ),
    )
