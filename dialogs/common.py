"""Pieces every dialog shares: the acting player, role labels, error display."""

from __future__ import annotations

import html
import logging
import re
from dataclasses import dataclass

from aiogram.types import CallbackQuery, Message
from aiogram_dialog import DialogManager

from models import ROLE_DRIVER, ROLE_PASSENGER, DomainError, User, users
from models.lifecycle import CANT_GO_REASON
from models.logids import tg
from models.privacy import DRIVER_LEFT, PASSENGER_LEFT

from .i18n import Tr, tr_of

log = logging.getLogger(__name__)

ROLE_KEYS = {ROLE_DRIVER: "role-driver", ROLE_PASSENGER: "role-passenger", None: "role-none"}


def role_label(role: str | None, tr: Tr | None = None) -> str:
    """"🚗 driver", "🙋 passenger", "no role yet", in the current language."""
    return (tr or tr_of())(ROLE_KEYS.get(role, "role-none"))



def q(text: str | None) -> str:
    """Escape user text for HTML parse mode."""
    return html.escape(text or "", quote=False)


def short(text: str | None, limit: int) -> str:
    """User text cut to `limit` characters, "…" marking the cut. For buttons, and messages that
    show many values at once and must stay within Telegram's 4096 characters: cut before `q`."""
    text = text or ""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def contact_link(user: User) -> str:
    """HTML link that opens a chat with the player in Telegram (just the name for a player
    who used /forget_me: there is no account to link to)."""
    label = q(user.name)
    if user.forgotten_at is not None:
        return label
    if user.username:
        return f'<a href="https://t.me/{html.escape(user.username)}">{label}</a>'
    return f'<a href="tg://user?id={user.telegram_id}">{label}</a>'


TEXT_MAX = 4096  # Telegram: characters of a message text, counted after HTML parsing
_TAG = re.compile(r"<[^>]*>")


def visible_length(html_text: str) -> int:
    """The length Telegram counts for an HTML text. Every user value went through `q`,
    so each "<" left starts one of our own tags."""
    return len(html.unescape(_TAG.sub("", html_text)))


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


# Reasons the bot writes itself (data, in English: models.privacy, models.lifecycle), shown in the
# reader's language; any other reason is the player's own words, shown as typed.
OUR_REASONS = {
    CANT_GO_REASON: "notice-reason-cant-go",
    PASSENGER_LEFT: "notice-reason-left-bot",
    DRIVER_LEFT: "notice-reason-driver-left-bot",
}


def reason_text(reason: str, tr: Tr) -> str:
    """A cancel or leave reason for HTML: ours translated, a player's escaped."""
    key = OUR_REASONS.get(reason)
    return tr(key) if key else q(reason)


def error_text(error: DomainError | str, tr: Tr | None = None) -> str:
    """A refusal in the player's language: a DomainError names a catalog key and its
    parameters (models/errors.py); a plain string is a key. Parameters stay raw (the caller
    escapes the whole text)."""
    tr = tr or tr_of()
    if isinstance(error, DomainError):
        # a reason the bot wrote itself ("the driver left the club bot") reads in this language too
        params = {k: tr(OUR_REASONS[v]) if isinstance(v, str) and v in OUR_REASONS else v
                  for k, v in error.params.items()}
        return tr(error.key, **params)
    return tr(str(error))


async def show_error(event: Message | CallbackQuery, error: DomainError | str) -> None:
    """Tell the player why their action was refused, without leaving the window.
    A message reply starts with "⚠️", as every refusal of typed input does."""
    text = error_text(error)
    if isinstance(event, CallbackQuery):
        await event.answer(text[:200], show_alert=True)
    else:
        await event.answer(q(text) if text.startswith("⚠️") else f"⚠️ {q(text)}")


def club_tz(manager: DialogManager):
    """The club's time zone (from settings; UTC in previews, where there are none)."""
    from zoneinfo import ZoneInfo

    settings = manager.middleware_data.get("settings")
    return settings.timezone if settings is not None else ZoneInfo("UTC")


async def on_input_error(message: Message, widget, manager: DialogManager, error: ValueError) -> None:
    """TextInput refused the text: say why; the same window is shown again below."""
    text = error_text(error) if isinstance(error, DomainError) else tr_of(manager)("error-input")
    await message.answer(text if text.startswith("⚠️") else f"⚠️ {q(text)}")


async def on_not_text(message: Message, widget, manager: DialogManager) -> None:
    await message.answer(tr_of(manager)("error-not-text"))


def text_only_guard():
    """Put after a TextInput: answers stickers, photos and the like with a clear message."""
    from aiogram.enums import ContentType
    from aiogram_dialog.widgets.input import MessageInput

    return MessageInput(on_not_text, content_types=[ContentType.ANY])


def wake_notifier(manager: DialogManager) -> None:
    """An operation just committed notifications: have the sender look now, not at its next poll."""
    notifier = manager.middleware_data.get("notifier")
    if notifier is not None:
        notifier.wake()


async def refresh_windows(manager: DialogManager, telegram_ids) -> None:
    """Redraw whatever these players have open (their data changed under them), through
    aiogram-dialog's background manager. A player with no dialog has nothing to redraw."""
    from aiogram_dialog import ShowMode

    for telegram_id in telegram_ids:
        try:
            await manager.bg(user_id=telegram_id, chat_id=telegram_id).update({}, show_mode=ShowMode.EDIT)
        except Exception:  # noqa: BLE001 - their dialog may be gone
            log.debug("No window to refresh for %s", tg(telegram_id), exc_info=True)
