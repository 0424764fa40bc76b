"""Main menu: who you are, your role, the next rides (one tap opens a card), and what your
role lets you do; and the language the bot speaks to you (issue #19)."""

from __future__ import annotations

from aiogram.types import CallbackQuery
from aiogram_dialog import Dialog, DialogManager, LaunchMode, Window
from aiogram_dialog.widgets.kbd import Button, Column, Row, Start, SwitchTo
from aiogram_dialog.widgets.text import Format

from models import queries, users
from models.tables import LANGUAGES

from ..common import PreviewUser, acting_user, q, role_label, tg_user_id
from ..i18n import T, Tr, current_locale, localized_preview, tr_of
from ..states import CarSG, EventsSG, FindSG, MainSG, MyTripsSG, NewTripSG, PastSG, SwitchRoleSG, TemplatesSG
from ..trips.dialog import open_card
from ..trips.render import preview_rows, trip_button, trip_entry
from ..widgets import back_to

NEXT_RIDES = 3  # the soonest upcoming trips, on the menu itself: a join from the menu is 3 taps


async def menu_getter(dialog_manager: DialogManager, **kwargs) -> dict:
    user = acting_user(dialog_manager)
    rows, _ = queries.list_upcoming(0, page_size=NEXT_RIDES, viewer=user.telegram_id)
    return _menu_data(tr_of(dialog_manager), q(user.name), user.role, user.is_driver, rows)


def _menu_data(tr: Tr, name: str, role: str | None, is_driver: bool, rows: list[queries.TripRow]) -> dict:
    numbered = list(enumerate(rows, 1))
    return {
        "name": name,
        "role": role_label(role, tr),
        "is_driver": is_driver,
        "next_trips": [(row.id, trip_button(n, row, tr)) for n, row in numbered],
        "next_listing": "\n".join(["", tr("menu-next-rides")] + [trip_entry(n, row, tr) for n, row in numbered])
        if rows else "",
    }


async def language_getter(dialog_manager: DialogManager, **kwargs) -> dict:
    return _language_data(tr_of(dialog_manager))


def _language_data(tr: Tr) -> dict:
    return {"language": tr(f"language-{tr.locale}")}  # the language the player reads now


async def on_language_chosen(event: CallbackQuery, button: Button, manager: DialogManager) -> None:
    """Store the player's language. The middleware read the former one for this update: the
    menu this button shows next is drawn in the new one, and so is everything after."""
    language = button.widget_id.removeprefix("lang_")
    users.set_language(tg_user_id(manager), language)
    manager.middleware_data["locale"] = language
    current_locale.set(language)


def build_main_dialog() -> Dialog:
    return Dialog(
        Window(
            T("menu-hello"),
            Format("{next_listing}", when="next_listing"),  # built by the getter, in the player's language
            T("menu-what-next"),
            open_card("next", "next_trips"),
            Start(T("menu-new-trip"), id="newtrip", state=NewTripSG.template),  # a passenger is offered the switch
            Row(
                Start(T("menu-find"), id="find", state=FindSG.list),
                Start(T("menu-mine"), id="mine", state=MyTripsSG.list),
            ),
            Row(
                Start(T("menu-templates"), id="tpls", state=TemplatesSG.list, when="is_driver"),
                Start(T("menu-car"), id="car", state=CarSG.edit, when="is_driver"),
            ),
            Row(
                Start(T("menu-events"), id="events", state=EventsSG.list),
                Start(T("menu-past"), id="past", state=PastSG.list),
            ),
            Row(
                Start(T("menu-switch-role"), id="role", state=SwitchRoleSG.confirm),
                SwitchTo(T("menu-language"), id="lang", state=MainSG.language),
            ),
            getter=menu_getter,
            state=MainSG.menu,
            preview_data=localized_preview(lambda tr: _menu_data(
                tr, PreviewUser().name, PreviewUser().role, True, preview_rows()[:NEXT_RIDES])),
        ),
        Window(
            T("menu-language-now"),
            Column(*(SwitchTo(T(f"language-{language}"), id=f"lang_{language}", state=MainSG.menu,
                              on_click=on_language_chosen) for language in LANGUAGES)),
            back_to(MainSG.menu),
            getter=language_getter,
            state=MainSG.language,
            preview_data=localized_preview(_language_data),
        ),
        launch_mode=LaunchMode.ROOT,
    )
