"""Pieces every dialog shares: the acting player, role labels, error display."""

from __future__ import annotations

import html
import logging
from dataclasses import dataclass

from aiogram.types import CallbackQuery, Message
from aiogram_dialog import DialogManager
from aiogram.fsm.state import State
from aiogram_dialog.widgets.kbd import Cancel, Start, SwitchTo
from aiogram_dialog.widgets.text import Const

from models import ROLE_DRIVER, ROLE_PASSENGER, DomainError, User, users

log = logging.getLogger(__name__)

ROLE_LABELS = {ROLE_DRIVER: "🚗 driver", ROLE_PASSENGER: "🙋 passenger", None: "no role yet"}

BACK = Const("⬅️ Back")
CANCEL_BUTTON = Cancel(Const("✖️ Cancel"), id="cancel")


def q(text: str | None) -> str:
    """Escape user text for HTML parse mode."""
    return html.escape(text or "", quote=False)


def tg_user_id(manager: DialogManager) -> int:
    """Telegram id of whoever caused this update (also inside error handlers)."""
    return manager.middleware_data["event_from_user"].id


def acting_user(manager: DialogManager) -> User:
    """The player behind the current event, read fresh from the database."""
    return users.require_user(tg_user_id(manager))


@dataclass
class PreviewUser:
    """Stand-in with the attributes windows format (for preview_data)."""

    name: str = "Anna Example"
    role: str | None = ROLE_DRIVER
    car: str = "red Skoda, AB-123"


async def show_error(event: Message | CallbackQuery, error: DomainError | str) -> None:
    """Tell the player why their action was refused, without leaving the window."""
    text = str(error)
    if isinstance(event, CallbackQuery):
        await event.answer(text[:200], show_alert=True)
    else:
        await event.answer(q(text))


class PreviewStart(Start):
    """Declares, for the preview and the transitions diagram, a `start` made in handler code."""

    def __init__(self, state: State) -> None:
        super().__init__(Const(""), "", state)


class PreviewSwitchTo(SwitchTo):
    """Declares a `switch_to` made in handler code."""

    def __init__(self, state: State) -> None:
        super().__init__(Const(""), "", state)
