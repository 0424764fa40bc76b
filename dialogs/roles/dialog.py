"""Choosing a role at registration, and switching it later with confirmation.

Every jump is a `Start` of the main menu; the handlers only set the role.
"""

from __future__ import annotations

from aiogram.types import CallbackQuery
from aiogram_dialog import Dialog, DialogManager, StartMode, Window
from aiogram_dialog.widgets.kbd import Button, Row, Start
from aiogram_dialog.widgets.text import Format

from models import ROLE_DRIVER, ROLE_PASSENGER, queries, users

from ..common import PreviewUser, acting_user, q, role_label, tg_user_id
from ..i18n import T, Tr, localized_preview, tr_of
from ..states import MainSG, RegisterSG, SwitchRoleSG
from ..widgets import close

NOW_KEYS = {ROLE_DRIVER: "roles-now-driver", ROLE_PASSENGER: "roles-now-passenger"}  # the switch's toast


def to_menu(key: str, id: str, on_click) -> Start:  # noqa: A002 - aiogram-dialog's own parameter name
    """A button (its text: catalog `key`) that does `on_click` (sets the role), then shows a
    fresh main menu."""
    return Start(T(key), id=id, state=MainSG.menu, mode=StartMode.RESET_STACK, on_click=on_click)


async def register_getter(dialog_manager: DialogManager, **kwargs) -> dict:
    return {"name": q(acting_user(dialog_manager).name)}


async def on_role_chosen(event: CallbackQuery, button: Button, manager: DialogManager) -> None:
    users.set_role(tg_user_id(manager), ROLE_DRIVER if button.widget_id == "driver" else ROLE_PASSENGER)


def build_register_dialog() -> Dialog:
    return Dialog(
        Window(
            T("roles-welcome"),
            T("roles-intro"),
            Row(
                to_menu("roles-i-drive", "driver", on_role_chosen),
                to_menu("roles-i-ride", "passenger", on_role_chosen),
            ),
            getter=register_getter,
            state=RegisterSG.role,
            preview_data={"name": PreviewUser().name},
        ),
    )


def switch_notes(telegram_id: int, tr: Tr | None = None) -> str:
    """What stays as it is when the player switches role (shown before they do; the wizard
    shows it too, to a passenger offering a ride)."""
    return _notes(queries.role_stats(telegram_id), tr or tr_of())


def _notes(stats: queries.RoleStats, tr: Tr) -> str:
    notes = []
    if stats.driving:
        notes.append(tr("roles-keep-driving", n=stats.driving))
    if stats.riding:
        notes.append(tr("roles-keep-riding", n=stats.riding))
    return "\n".join(notes) or tr("roles-keep-nothing")


def _switch_data(role: str | None, stats: queries.RoleStats, tr: Tr) -> dict:
    return {
        "role": role_label(role, tr),
        "new_role": role_label(users.other_role(role), tr),
        "notes": _notes(stats, tr),
    }


async def switch_getter(dialog_manager: DialogManager, **kwargs) -> dict:
    user = acting_user(dialog_manager)
    return _switch_data(user.role, queries.role_stats(user.telegram_id), tr_of(dialog_manager))


async def on_switch_confirmed(event: CallbackQuery, button: Button, manager: DialogManager) -> None:
    user = users.set_role(tg_user_id(manager), users.other_role(acting_user(manager).role))
    await event.answer(tr_of(manager)(NOW_KEYS[user.role]))


def build_switch_role_dialog() -> Dialog:
    return Dialog(
        Window(
            T("roles-switch-question"),
            Format("{notes}"),  # built by the getter, in the player's language
            Row(close(), to_menu("roles-confirm", "confirm", on_switch_confirmed)),
            getter=switch_getter,
            state=SwitchRoleSG.confirm,
            preview_data=localized_preview(
                lambda tr: _switch_data(ROLE_DRIVER, queries.RoleStats(driving=2, riding=1), tr)),
        ),
    )
