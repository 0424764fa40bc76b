"""Every flow of the bot as aiogram-dialog window graphs, and the commands that open them.

`build_dialogs_router()` makes new Dialog objects on every call: a Dialog is a
Router and can have only one parent, so each Dispatcher (and each test) needs its own.
"""

from aiogram import Router

from .menu import build_main_dialog
from .menu.commands import build_commands_router
from .car import build_car_dialog
from .events.dialog import build_events_dialog
from .events.edit import build_event_edit_dialog
from .history import build_past_dialog
from .manage import build_edit_dialog
from .notifications import build_notice_router
from .pickups import build_pickups_dialog
from .privacy import build_forget_dialog
from .reminders import build_reminders_router
from .roles import build_register_dialog, build_switch_role_dialog
from .templates import build_save_template_dialog, build_templates_dialog
from .trips import build_find_dialog, build_my_trips_dialog, build_trip_dialog
from .waitlist import build_waitlist_router
from .wizard import build_wizard_dialog


def build_dialogs() -> list:
    return [
        build_main_dialog(),
        build_register_dialog(),
        build_switch_role_dialog(),
        build_wizard_dialog(),
        build_pickups_dialog(),
        build_find_dialog(),
        build_trip_dialog(),
        build_my_trips_dialog(),
        build_car_dialog(),
        build_edit_dialog(),
        build_past_dialog(),
        build_templates_dialog(),
        build_save_template_dialog(),
        build_forget_dialog(),
        build_events_dialog(),
        build_event_edit_dialog(),
    ]


def build_dialogs_router() -> Router:
    router = Router(name="dialogs")
    router.include_router(build_commands_router())
    router.include_routers(build_reminders_router(), build_waitlist_router(), build_notice_router())  # before the dialogs
    router.include_routers(*build_dialogs())
    return router
