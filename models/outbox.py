"""The notification outbox: write notifications with the change they report, deliver later.

An operation that changes data calls `enqueue` inside its own `db.atomic()`, so the
notifications commit (or roll back) together with the change; nothing is sent from
inside a transaction. `bot.notifier.Notifier` then takes `next_batch`, sends each row
and records the outcome with one `mark_*` call per row, each its own short transaction.

Order per recipient: only the oldest pending row of a recipient is ever handed out, so
a recipient's messages arrive in the order they were written, and a row waiting for a
retry holds back the later ones of that recipient (and nobody else's).

Several replicas: claiming is `next_batch` + `mark_*`, all here; a production issue can
make `next_batch` claim rows (`FOR UPDATE SKIP LOCKED` on PostgreSQL) or run the sender
on an elected leader only, without touching the sender's logic.
"""

from __future__ import annotations

import contextlib
import json
from datetime import UTC, datetime
from typing import Any

import peewee as pw

from .base import db, utcnow
from .tables import NOTIFY_DROPPED, NOTIFY_FAILED, NOTIFY_PENDING, NOTIFY_SENT, Notification, Trip, User

REASON_MAX = 200  # User.unreachable_reason's length


def now_precise() -> datetime:
    """Naive UTC now with microseconds: retry times below one second must compare right."""
    return datetime.now(UTC).replace(tzinfo=None)


def _markup_json(reply_markup: Any) -> str:
    """An aiogram InlineKeyboardMarkup (duck-typed: no aiogram import here), a dict, or JSON text."""
    if reply_markup is None or reply_markup == "":
        return ""
    if hasattr(reply_markup, "model_dump_json"):
        return reply_markup.model_dump_json(exclude_none=True)
    if isinstance(reply_markup, str):
        json.loads(reply_markup)  # fail now, in the caller's transaction, not at send time
        return reply_markup
    return json.dumps(reply_markup)


def enqueue(
    recipient: User, text: str, kind: str, trip: Trip | int | None = None, reply_markup: Any = None
) -> Notification:
    """Write one notification (HTML `text`) for `recipient`. Call it inside the transaction of
    the change it reports; outside one it commits on its own.

    A recipient known to be unreachable (read now: `recipient` may be an older copy) gets
    the row written as dropped, so the history stays complete without a request Telegram
    would refuse.
    """
    if not text or not text.strip():
        raise ValueError("a notification needs a text")
    row = dict(
        recipient=recipient, chat_id=recipient.telegram_id, text=text, kind=kind, trip=trip,
        reply_markup=_markup_json(reply_markup),
    )
    with db.atomic() if not db.in_transaction() else contextlib.nullcontext():
        reachable, reason = (
            User.select(User.reachable, User.unreachable_reason).where(User.id == recipient.id).tuples().get()
        )
        if not reachable:
            row.update(state=NOTIFY_DROPPED, error=f"recipient unreachable: {reason}")
        return Notification.create(**row)


def next_batch(limit: int, now: datetime | None = None) -> list[Notification]:
    """Up to `limit` rows to send now, oldest first: each recipient's oldest pending row,
    if it is due (never retried, or its retry time has come)."""
    now = now or now_precise()
    heads = (
        Notification.select(pw.fn.MIN(Notification.id))
        .where(Notification.state == NOTIFY_PENDING)
        .group_by(Notification.recipient)
    )
    due = Notification.next_attempt_at.is_null() | (Notification.next_attempt_at <= now)
    return list(Notification.select().where(Notification.id.in_(heads) & due).order_by(Notification.id).limit(limit))


def _update_pending(notification_id: int, **values: Any) -> bool:
    """Update a row that is still pending (a row dropped meanwhile stays dropped)."""
    query = Notification.update(attempts=Notification.attempts + 1, **values).where(
        (Notification.id == notification_id) & (Notification.state == NOTIFY_PENDING)
    )
    return query.execute() == 1


def mark_sent(notification_id: int) -> bool:
    """Telegram accepted it. Called right after the answer, so a crash repeats at most this one."""
    return _update_pending(notification_id, state=NOTIFY_SENT, sent_at=utcnow(), next_attempt_at=None)


def mark_retry(notification_id: int, error: str, next_attempt_at: datetime) -> bool:
    """A transient failure: count the attempt, keep it pending until `next_attempt_at`."""
    return _update_pending(notification_id, error=error, next_attempt_at=next_attempt_at)


def mark_failed(notification_id: int, error: str) -> bool:
    """Give up on this one (permanent error, or too many transient ones)."""
    return _update_pending(notification_id, state=NOTIFY_FAILED, error=error, next_attempt_at=None)


def mark_unreachable(user_id: int, reason: str) -> int:
    """The user blocked the bot (or cannot be written to): flag them and drop their pending
    notifications with `reason`. Returns how many were dropped."""
    reason = (reason or "unreachable")[:REASON_MAX]
    with db.atomic():
        User.update(reachable=False, unreachable_reason=reason, updated_at=utcnow()).where(
            User.id == user_id
        ).execute()
        return (
            Notification.update(state=NOTIFY_DROPPED, error=reason, next_attempt_at=None)
            .where((Notification.recipient == user_id) & (Notification.state == NOTIFY_PENDING))
            .execute()
        )


def mark_reachable(telegram_id: int) -> bool:
    """The user is back (wrote to the bot, or unblocked it). True if they were unreachable."""
    query = User.update(reachable=True, unreachable_reason="", updated_at=utcnow()).where(
        (User.telegram_id == telegram_id) & (User.reachable == False)  # noqa: E712 - SQL
    )
    return query.execute() == 1


def pending_count() -> int:
    return Notification.select().where(Notification.state == NOTIFY_PENDING).count()
