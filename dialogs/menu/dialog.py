"""Main menu: who you are, your role, the next rides (one tap opens a card), and what your
role lets you do."""

from __future__ import annotations

from aiogram_dialog import Dialog, DialogManager, LaunchMode, Window
from aiogram_dialog.widgets.kbd import Row, Start
from aiogram_dialog.widgets.text import Const, Format

from models import queries

from ..common import ROLE_LABELS, PreviewUser, acting_user, q
from ..states import CarSG, FindSG, MainSG, MyTripsSG, NewTripSG, PastSG, SwitchRoleSG, TemplatesSG
from ..trips.dialog import open_card
from ..trips.render import preview_rows, trip_button, trip_entry

NEXT_RIDES = 3  # the soonest upcoming trips, on the menu itself: a join from the menu is 3 taps


async def menu_getter(dialog_manager: DialogManager, **kwargs) -> dict:
    user = acting_user(dialog_manager)
    rows, _ = queries.list_upcoming(0, page_size=NEXT_RIDES, viewer=user.telegram_id)
    return _menu_data(q(user.name), ROLE_LABELS.get(user.role, user.role), user.is_driver, rows)


def _menu_data(name: str, role: str, is_driver: bool, rows: list[queries.TripRow]) -> dict:
    numbered = list(enumerate(rows, 1))
    return {
        "name": name,
        "role": role,
        "is_driver": is_driver,
        "next_trips": [(row.id, trip_button(n, row)) for n, row in numbered],
        "next_listing": "\n".join(["\nNext rides:"] + [trip_entry(n, row) for n, row in numbered]) if rows else "",
    }


MENU_PREVIEW = _menu_data(PreviewUser().name, ROLE_LABELS[PreviewUser().role], True, preview_rows()[:NEXT_RIDES])


def build_main_dialog() -> Dialog:
    return Dialog(
        Window(
            Format("👋 <b>{name}</b>, you are a {role}."),
            Format("{next_listing}", when="next_listing"),
            Const("\nWhat would you like to do?"),
            open_card("next", "next_trips"),
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
