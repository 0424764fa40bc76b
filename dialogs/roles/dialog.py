"""Choosing a role at registration, and switching it later with confirmation.

Every jump is a `Start` of the main menu; the handlers only set the role.
"""

from __future__ import annotations

from aiogram.types import CallbackQuery
from aiogram_dialog import Dialog, DialogManager, StartMode, Window
from aiogram_dialog.widgets.kbd import Button, Row, Start
from aiogram_dialog.widgets.text import Const, Format

from models import ROLE_DRIVER, ROLE_PASSENGER, queries, users

from ..common import ROLE_LABELS, acting_user, q, tg_user_id
from ..states import MainSG, RegisterSG, SwitchRoleSG
from ..widgets import close, plural


def to_menu(text: str, id: str, on_click) -> Start:  # noqa: A002 - aiogram-dialog's own parameter name
    """A button that does `on_click` (sets the role), then shows a fresh main menu."""
    return Start(Const(text), id=id, state=MainSG.menu, mode=StartMode.RESET_STACK, on_click=on_click)


async def register_getter(dialog_manager: DialogManager, **kwargs) -> dict:
    return {"name": q(acting_user(dialog_manager).name)}


async def on_role_chosen(event: CallbackQuery, button: Button, manager: DialogManager) -> None:
    users.set_role(tg_user_id(manager), ROLE_DRIVER if button.widget_id == "driver" else ROLE_PASSENGER)


def build_register_dialog() -> Dialog:
    return Dialog(
        Window(
            Format("Welcome to the club carpool, <b>{name}</b>! 🏐"),
            Const(
                "Drivers offer seats to games and trainings; passengers take them.\n"
                "Which are you? You can switch at any time with /switch_role."
            ),
            Row(
                to_menu("🚗 I drive", "driver", on_role_chosen),
                to_menu("🙋 I need a ride", "passenger", on_role_chosen),
            ),
            getter=register_getter,
            state=RegisterSG.role,
            preview_data={"name": "Anna Example"},
        ),
    )


def switch_notes(telegram_id: int) -> str:
    """What stays as it is when the player switches role (shown before they do)."""
    stats = queries.role_stats(telegram_id)
    notes = []
    if stats.driving:
        notes.append(f"Your {plural(stats.driving, 'upcoming trip stays', 'upcoming trips stay')} yours to manage.")
    if stats.riding:
        notes.append(f"Your seat in {plural(stats.riding, 'trip', 'trips')} stays.")
    return "\n".join(notes) or "You have no upcoming trips or seats, so nothing else changes."


async def switch_getter(dialog_manager: DialogManager, **kwargs) -> dict:
    user = acting_user(dialog_manager)
    return {
        "role": ROLE_LABELS.get(user.role, user.role),
        "new_role": ROLE_LABELS[users.other_role(user.role)],
        "notes": switch_notes(user.telegram_id),
    }


async def on_switch_confirmed(event: CallbackQuery, button: Button, manager: DialogManager) -> None:
    user = users.set_role(tg_user_id(manager), users.other_role(acting_user(manager).role))
    await event.answer(f"You are now a {ROLE_LABELS[user.role].split(' ', 1)[1]}.")


def build_switch_role_dialog() -> Dialog:
    return Dialog(
        Window(
            Format("You are a {role}. Switch to {new_role}?"),
            Format("{notes}"),
            Row(close(), to_menu("✅ Confirm", "confirm", on_switch_confirmed)),
            getter=switch_getter,
            state=SwitchRoleSG.confirm,
            preview_data={
                "role": ROLE_LABELS[ROLE_DRIVER],
                "new_role": ROLE_LABELS[ROLE_PASSENGER],
                "notes": "Your 2 upcoming trips stay yours to manage.\nYour seat in 1 trip stays.",
            },
        ),
    )
