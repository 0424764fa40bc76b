"""The player behind each update, in handler data as `user`, and their language as `locale`."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, Update

from dialogs.i18n import current_locale, pick_language
from models import outbox, users

log = logging.getLogger(__name__)

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


class UserMiddleware(BaseMiddleware):
    """Puts the known player (`models.User` or None) into handler data as `user`.

    It never registers anyone: /start does that, so a stranger leaves no trace. A known
    player marked unreachable (blocked the bot) who writes or presses a button is
    reachable again: the notifier writes to them from then on.

    `locale` (also `dialogs.i18n.current_locale`): the player's stored language, else the one
    their Telegram app reports (`language_code`) when the bot speaks it, else DEFAULT_LANGUAGE.
    """

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        tg_user = data.get("event_from_user")
        user = data["user"] = users.get_user(tg_user.id) if tg_user is not None else None
        locale = data["locale"] = _locale(user, tg_user, data.get("settings"))
        current_locale.set(locale)
        if user is not None and not user.reachable and _is_interaction(event):
            outbox.mark_reachable(user.telegram_id)
            user.reachable, user.unreachable_reason = True, ""
            log.info("User %s wrote to the bot: reachable again", user.id)
        return await handler(event, data)


def _locale(user, tg_user, settings) -> str:
    if user is not None and user.language:
        return user.language
    default = settings.default_language if settings is not None else "en"
    return pick_language(getattr(tg_user, "language_code", None), default)


def _is_interaction(event: TelegramObject) -> bool:
    """Something the user did in a chat with the bot (not a my_chat_member change, not
    aiogram-dialog's background updates, which carry no message)."""
    return isinstance(event, Update) and bool(event.message or event.edited_message or event.callback_query)
