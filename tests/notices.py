"""Outbox rows as their readers get them: rendered by the notifier's renderer
(`dialogs.notifications`), as tests look at what a player is told."""

from __future__ import annotations

from models import Notification, users

from dialogs.notifications import NotificationRenderer, Rendered

render_row = NotificationRenderer()  # UTC, as the tests' trips


def rendered(where=None) -> list[Rendered]:
    """Every row (or those matching `where`), oldest first, rendered."""
    query = Notification.select().order_by(Notification.id)
    return [render_row(n) for n in (query.where(where) if where is not None else query)]


def texts_for(chat_id: int) -> list[str]:
    """The texts of every notification to this chat, oldest first."""
    return [r.text for r in rendered(Notification.chat_id == chat_id)]


def buttons(message: Rendered) -> list[str]:
    markup = message.reply_markup
    return [b.text for row in markup.inline_keyboard for b in row] if markup else []


def register(*people: tuple[int, str, str], username: dict[int, str] | None = None) -> None:
    """Players as (Telegram id, name, role)."""
    for tid, name, role in people:
        users.register_user(tid, name, username=(username or {}).get(tid))
        users.set_role(tid, role)
