"""/forget_me: what forgetting will do, a confirmation, then `models.privacy.forget_user`."""

from __future__ import annotations

import logging

from aiogram.types import CallbackQuery
from aiogram_dialog import Dialog, DialogManager
from aiogram_dialog.widgets.kbd import Button, Cancel
from aiogram_dialog.widgets.text import Const, Format, Multi

from models import DomainError, privacy

from ..common import refresh_windows, show_error, tg_user_id, wake_notifier
from ..states import ForgetSG
from ..widgets import confirm_window, plural

log = logging.getLogger(__name__)

GOODBYE = ("🗑 Done: I have forgotten you. Your name, username and car are gone, so are the comments and "
           "pickup addresses of the trips you drove; past trips and other players' messages show you as "
           "“Former player”.\nIf you ever want to come back, send /start: you will be a new player.")


def _effects(plan: privacy.Forgetting) -> dict:
    lines = []
    if plan.trips:
        lines.append(f"• {plural(plan.trips, 'trip', 'trips')} you drive will be cancelled; "
                     "your passengers are told.")
    if plan.seats:
        lines.append(f"• Your {plural(plan.seats, 'seat', 'seats')} will be released; the drivers are told.")
    if plan.templates:
        lines.append(f"• Your {plural(plan.templates, 'template', 'templates')} will be deleted.")
    if not lines:
        lines.append("• You have no upcoming trips, seats or templates.")
    return {"effects": "\n".join(lines)}


async def forget_getter(dialog_manager: DialogManager, **kwargs) -> dict:
    return _effects(privacy.forget_plan(tg_user_id(dialog_manager)))


async def on_forget_confirmed(event: CallbackQuery, button: Button, manager: DialogManager) -> None:
    """Forget the player; the conversation ends with the goodbye (a refusal: the alert says why,
    and /start brings them home)."""
    telegram_id = tg_user_id(manager)
    # The dialog goes first: once the operation has deleted the stored dialog state,
    # nothing of this one may be saved again.
    await manager.reset_stack()
    try:
        done = privacy.forget_user(telegram_id)
    except DomainError as exc:
        await show_error(event, exc)
        return
    log.info("A player used /forget_me: %d seat(s) released, %d trip(s) cancelled, %d message(s) redacted",
             done.seats, done.trips, done.redacted)
    await event.answer("Forgotten.")
    await manager.middleware_data["bot"].send_message(telegram_id, GOODBYE)
    wake_notifier(manager)
    await refresh_windows(manager, done.told)  # the drivers and passengers told


def build_forget_dialog() -> Dialog:
    return Dialog(
        confirm_window(
            Multi(
                Const("🗑 <b>Forget me</b>\n\nThis removes you from the club carpool:"),
                Format("{effects}"),
                Const("\nYour name, username and car are deleted, and so are the comments and pickup addresses "
                      "of the trips you drove. Past trips stay in the other players' history, and messages "
                      "they got about you stay too, with you as “Former player”.\n<b>This cannot be undone.</b>"),
            ),
            Button(Const("🗑 Yes, forget me"), id="confirm", on_click=on_forget_confirmed),
            ForgetSG.confirm,
            no=Cancel(Const("⬅️ No, keep me"), id="back"),
            getter=forget_getter,
            preview_data=_effects(privacy.Forgetting(seats=1, trips=2, templates=3)),
        ),
    )
