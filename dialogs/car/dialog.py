from __future__ import annotations

from aiogram.types import CallbackQuery, Message
from aiogram_dialog import Dialog, DialogManager, Window
from aiogram_dialog.widgets.input import ManagedTextInput, TextInput
from aiogram_dialog.widgets.kbd import Button, Cancel, Row
from aiogram_dialog.widgets.text import Const, Format

from models import users

from ..common import BACK, acting_user, on_input_error, q, text_only_guard, tg_user_id
from ..states import CarSG


def _validate(text: str) -> str:
    from models.trips import clean_text

    car = clean_text(text)
    if not 2 <= len(car) <= users.CAR_MAX:
        raise ValueError(f"Describe the car in 2 to {users.CAR_MAX} characters, e.g. red Skoda, AB-123.")
    return car


async def car_getter(dialog_manager: DialogManager, **kwargs) -> dict:
    car = acting_user(dialog_manager).car
    return {"car": q(car), "has_car": bool(car)}


async def on_car(message: Message, widget: ManagedTextInput, manager: DialogManager, car: str) -> None:
    if not manager.is_preview():
        users.set_car(tg_user_id(manager), car)
    await message.answer("🚙 Saved. Your passengers will see it.")
    await manager.done()


async def on_remove(event: CallbackQuery, button: Button, manager: DialogManager) -> None:
    if not manager.is_preview():
        users.set_car(tg_user_id(manager), "")
    await event.answer("Car description removed.")
    await manager.done()


def build_car_dialog() -> Dialog:
    return Dialog(
        Window(
            Const("🚙 <b>Your car</b>"),
            Format("Now: <i>{car}</i>", when="has_car"),
            Const("Send a short description passengers can recognise, e.g. <i>red Skoda, AB-123</i>."),
            TextInput(id="car", type_factory=_validate, on_success=on_car, on_error=on_input_error),
            text_only_guard(),
            Row(Cancel(BACK, id="back"), Button(Const("🗑 Remove"), id="rm", on_click=on_remove, when="has_car")),
            getter=car_getter,
            state=CarSG.edit,
            preview_data={"car": "red Skoda, AB-123", "has_car": True},
            preview_add_transitions=[Cancel()],
        ),
    )
