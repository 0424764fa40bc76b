"""Choosing a role at registration, and switching it later with confirmation."""

from __future__ import annotations

from aiogram.types import CallbackQuery
from aiogram_dialog import Dialog, DialogManager, StartMode, Window
from aiogram_dialog.widgets.kbd import Button, Cancel, Row
from aiogram_dialog.widgets.text import Const, Format

from models import ROLE_DRIVER, ROLE_PASSENGER, users

from ..common import BACK, ROLE_LABELS, PreviewStart, acting_user, q, tg_user_id
from ..states import MainSG, RegisterSG, SwitchRoleSG


async def register_getter(dialog_manager: DialogManager, **kwargs) -> dict:
    return {"name": q(acting_user(dialog_manager).name)}


async def on_role_chosen(event: CallbackQuery, button: Button, manager: DialogManager) -> None:
    role = ROLE_DRIVER if button.widget_id == "driver" else ROLE_PASSENGER
    if not manager.is_preview():
        users.set_role(tg_user_id(manager), role)
    await manager.start(MainSG.menu, mode=StartMode.RESET_STACK)


def build_register_dialog() -> Dialog:
    return Dialog(
        Window(
            Format("Welcome to the club carpool, <b>{name}</b>! 🏐"),
            Const(
                "Drivers offer seats to games and trainings; passengers take them.\n"
                "Which are you? You can switch at any time with /switch_role."
            ),
            Row(
                Button(Const("🚗 I drive"), id="driver", on_click=on_role_chosen),
                Button(Const("🙋 I need a ride"), id="passenger", on_click=on_role_chosen),
            ),
            getter=register_getter,
            state=RegisterSG.role,
            preview_data={"name": "Anna Example"},
            preview_add_transitions=[PreviewStart(MainSG.menu)],
        ),
    )


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


async def switch_getter(dialog_manager: DialogManager, **kwargs) -> dict:
    user = acting_user(dialog_manager)
    stats = users.role_stats(user.telegram_id)
    notes = []
    if stats.driving:
        notes.append(f"Your {_plural(stats.driving, 'upcoming trip stays', 'upcoming trips stay')} yours to manage.")
    if stats.riding:
        notes.append(f"Your seat in {_plural(stats.riding, 'trip', 'trips')} stays.")
    if not notes:
        notes.append("You have no upcoming trips or seats, so nothing else changes.")
    new_role = users.other_role(user.role)
    return {
        "role": ROLE_LABELS.get(user.role, user.role),
        "new_role": ROLE_LABELS[new_role],
        "notes": "\n".join(notes),
    }


async def on_switch_confirmed(event: CallbackQuery, button: Button, manager: DialogManager) -> None:
    user = acting_user(manager)
    new_role = users.other_role(user.role)
    if not manager.is_preview():
        users.set_role(user.telegram_id, new_role)
    await event.answer(f"You are now a {ROLE_LABELS[new_role].split(' ', 1)[1]}.")
    await manager.start(MainSG.menu, mode=StartMode.RESET_STACK)


def build_switch_role_dialog() -> Dialog:
    return Dialog(
        Window(
            Format("You are a {role}. Switch to {new_role}?"),
            Format("{notes}"),
            Row(
                Cancel(BACK, id="back"),
                Button(Const("✅ Confirm"), id="confirm", on_click=on_switch_confirmed),
            ),
            getter=switch_getter,
            state=SwitchRoleSG.confirm,
            preview_data={
                "role": ROLE_LABELS[ROLE_DRIVER],
                "new_role": ROLE_LABELS[ROLE_PASSENGER],
                "notes": "Your 2 upcoming trips stay yours to manage.\nYour seat in 1 trip stays.",
            },
            preview_add_transitions=[PreviewStart(MainSG.menu)],
        ),
    )
