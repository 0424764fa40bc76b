"""/forget_me: what forgetting will do, a confirmation, then `models.privacy.forget_user`."""

from __future__ import annotations

import logging

from aiogram.types import CallbackQuery
from aiogram_dialog import Dialog, DialogManager
from aiogram_dialog.widgets.kbd import Button, Cancel
from aiogram_dialog.widgets.text import Format, Multi

from models import DomainError, privacy

from ..common import refresh_windows, show_error, tg_user_id, wake_notifier
from ..i18n import T, Tr, localized_preview, tr_of
from ..states import ForgetSG
from ..widgets import confirm_window

log = logging.getLogger(__name__)


def _effects(plan: privacy.Forgetting, tr: Tr) -> dict:
    lines = []
    if plan.trips:
        lines.append(tr("privacy-effect-trips", n=plan.trips))
    if plan.seats:
        lines.append(tr("privacy-effect-seats", n=plan.seats))
    if plan.templates:
        lines.append(tr("privacy-effect-templates", n=plan.templates))
    if not lines:
        lines.append(tr("privacy-effect-nothing"))
    return {"effects": "\n".join(lines)}


async def forget_getter(dialog_manager: DialogManager, **kwargs) -> dict:
    return _effects(privacy.forget_plan(tg_user_id(dialog_manager)), tr_of(dialog_manager))


async def on_forget_confirmed(event: CallbackQuery, button: Button, manager: DialogManager) -> None:
    """Forget the player; the conversation ends with the goodbye (a refusal: the alert says why,
    and /start brings them home)."""
    telegram_id = tg_user_id(manager)
    tr = tr_of(manager)  # the player's language, read before their data goes
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
    await event.answer(tr("privacy-forgotten"))
    await manager.middleware_data["bot"].send_message(telegram_id, tr("privacy-goodbye"))
    wake_notifier(manager)
    await refresh_windows(manager, done.told)  # the drivers and passengers told


def build_forget_dialog() -> Dialog:
    return Dialog(
        confirm_window(
            Multi(
                T("privacy-intro"),
                Format("{effects}"),  # built by the getter, in the player's language
                T("privacy-outro"),
            ),
            Button(T("privacy-yes"), id="confirm", on_click=on_forget_confirmed),
            ForgetSG.confirm,
            no=Cancel(T("privacy-no"), id="back"),
            getter=forget_getter,
            preview_data=localized_preview(lambda tr: _effects(privacy.Forgetting(seats=1, trips=2, templates=3), tr)),
        ),
    )
