"""The notification outbox: write notifications with the change they report, deliver later.

An operation that changes data calls `notify` inside its own `db.atomic()`, so the
notifications commit (or roll back) together with the change; nothing is sent from
inside a transaction. A row holds the message kind and its parameters (ids, ISO dates,
numbers, the values a change replaced), never finished text: `dialogs.notifications`
renders it when it is sent, reading names then (see `models.privacy`). `enqueue` writes a
finished text instead (ad-hoc messages; rows written before migration 007 look the same).
`bot.workers.notifier.Notifier` reads `next_batch`, claims each row (`claim`) right before
sending it, and records the outcome with one `mark_*` call (`mark_expired` when, rendered
at last, the message turns out no longer to matter: its trip or seat is gone).

States: `pending` → (`claim`) `sending` → `sent`; or back to `pending` for a retry
(`mark_retry`, or `release` when a send was cut short); or `failed` (Telegram refused it
for good), `dropped` (the recipient is unreachable). A `pending` row that no longer
matters — its trip is over, or it is older than the sender's age limit — becomes
`expired` (`expire`) with the reason in `error`. Every final row is deleted after the
retention period (`purge_finished`, run by the scheduler).

Claims, and what the sender promises. `claim` is one conditional update (pending and due
→ sending, with the sender's `owner` and the time), so two senders — a new leader and an
old one that has not noticed it lost the lock yet — can never both send a row. A claim
left by a sender that died goes back to `pending` after the claim timeout
(`release_claims`); that sender may have sent it, so delivery is at-least-once: at most
one duplicate per crash of the sender per message it had in flight — one today; a sender
with N requests in flight can repeat up to N after a crash. `mark_sent` records a
delivery whoever holds the claim, and the sender retries that write until it succeeds
rather than sending again.

Order per recipient: only the oldest unsent (pending or sending) row of each recipient
is ever handed out, so a recipient's messages arrive in the order they were written,
and a row in flight or waiting for a retry holds back the later ones of that recipient
(and nobody else's).
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import peewee as pw

from .base import db, utcnow
from .tables import (
    NOTIFY_DROPPED, NOTIFY_EXPIRED, NOTIFY_FAILED, NOTIFY_PENDING, NOTIFY_SENDING, NOTIFY_SENT, NOTIFY_UNSENT,
    Notification, Trip, User,
)

REASON_MAX = 200  # User.unreachable_reason's length
PURGE_CHUNK = 1000  # rows deleted per transaction: a short write lock, also on SQLite


def now_precise() -> datetime:
    """Naive UTC now with microseconds: retry times below one second must compare right.
    The one clock of the outbox and the sender (tests replace it with a simulated one)."""
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


def _json_value(value: Any) -> Any:
    """Dates and times as ISO strings; everything else must be JSON already."""
    if isinstance(value, (date, time)):  # datetime is a date
        return value.isoformat()
    raise TypeError(f"a notification parameter must be JSON, not {type(value).__name__}")


def dump_params(params: dict) -> str:
    return json.dumps(params, default=_json_value, ensure_ascii=False, sort_keys=True)


def params_of(notification: Notification) -> dict:
    """The row's parameters, as `notify` got them (dates and times as ISO strings)."""
    return json.loads(notification.params or "{}")


def notify(recipient: User, kind: str, trip: Trip | int | None = None, **params: Any) -> Notification:
    """Write one notification of `kind` for `recipient`: what happened, in `params` (JSON
    values; dates and times become ISO strings), rendered when it is sent. Refer to
    people by their `User.id`, never by name: the renderer reads names at send time. Call
    it inside the transaction of the change it reports; outside one it commits on its own."""
    if not kind:
        raise ValueError("a notification needs a kind")
    return _write(recipient, dict(kind=kind, trip=trip, params=dump_params(params)))


def enqueue(
    recipient: User, text: str, kind: str, trip: Trip | int | None = None, reply_markup: Any = None
) -> Notification:
    """Write one notification with a finished HTML `text` (user parts escaped by the
    caller), sent as it is: for ad-hoc messages. Operations use `notify`."""
    if not text or not text.strip():
        raise ValueError("a notification needs a text")
    return _write(recipient, dict(text=text, kind=kind, trip=trip, reply_markup=_markup_json(reply_markup)))


def _write(recipient: User, row: dict) -> Notification:
    """A recipient known to be unreachable (read now: `recipient` may be an older copy) gets
    the row written as dropped, so the history stays complete without a request Telegram
    would refuse."""
    row.update(recipient=recipient, chat_id=recipient.telegram_id)
    with db.atomic() if not db.in_transaction() else contextlib.nullcontext():
        reachable, reason = (
            User.select(User.reachable, User.unreachable_reason).where(User.id == recipient.id).tuples().get()
        )
        if not reachable:
            row.update(state=NOTIFY_DROPPED, error=f"recipient unreachable: {reason}")
        return Notification.create(**row)


def _due(now: datetime) -> pw.Expression:
    return Notification.next_attempt_at.is_null() | (Notification.next_attempt_at <= now)


def next_batch(limit: int, now: datetime | None = None) -> list[Notification]:
    """Up to `limit` rows to send now, oldest first: each recipient's oldest unsent row, if
    it is pending (not claimed) and due (never tried, or its retry time has come).
    Read-only: a sender must `claim` each row before sending it."""
    now = now or now_precise()
    heads = (
        Notification.select(pw.fn.MIN(Notification.id))
        .where(Notification.state.in_(NOTIFY_UNSENT))
        .group_by(Notification.recipient)
    )
    query = Notification.select().where(
        Notification.id.in_(heads) & (Notification.state == NOTIFY_PENDING) & _due(now))
    return list(query.order_by(Notification.id).limit(limit))


def claim(notification_id: int, owner: str, now: datetime | None = None) -> bool:
    """Take the row for sending: pending and due → sending, held by `owner` since `now`.
    False if another sender has it, or it was sent, dropped or rescheduled meanwhile. A row
    `owner` already holds counts as taken: a reconnect that runs this update again after its
    commit (the answer was lost with the connection) must not leave the row waiting for the
    claim timeout."""
    now = now or now_precise()
    query = Notification.update(state=NOTIFY_SENDING, claimed_by=owner, claimed_at=now).where(
        ((Notification.id == notification_id) & (Notification.state == NOTIFY_PENDING) & _due(now))
        | _claimed_by(notification_id, owner))
    return query.execute() == 1


def _claimed_by(notification_id: int, owner: str) -> pw.Expression:
    return ((Notification.id == notification_id) & (Notification.state == NOTIFY_SENDING)
            & (Notification.claimed_by == owner))


def renew_claim(notification_id: int, owner: str, now: datetime | None = None) -> bool:
    """Still ours? Refresh the claim's time (after a long wait, before sending). False if the
    claim timed out meanwhile (another sender may have the row now): do not send it."""
    query = Notification.update(claimed_at=now or now_precise()).where(_claimed_by(notification_id, owner))
    return query.execute() == 1


_UNCLAIMED = dict(claimed_by="", claimed_at=None)


def release(notification_id: int, owner: str, error: str = "") -> bool:
    """Hand a claimed row back (pending, due now), not counted as an attempt: the sender
    stopped before it knew the outcome. `error` (if any) says why."""
    values = dict(_UNCLAIMED, state=NOTIFY_PENDING, **({"error": error} if error else {}))
    return Notification.update(**values).where(_claimed_by(notification_id, owner)).execute() == 1


def release_claims(claimed_before: datetime | None = None) -> list[tuple[int, str]]:
    """Claims older than `claimed_before` (all, if None) go back to pending: their senders
    died or froze. Returns (id, owner) of each; each may have been sent already."""
    stale = Notification.state == NOTIFY_SENDING
    if claimed_before is not None:
        stale &= Notification.claimed_at < claimed_before
    rows = list(Notification.select(Notification.id, Notification.claimed_by).where(stale).tuples())
    if not rows:  # the usual case: one indexed read, no write
        return []
    with db.atomic():
        released = [(row_id, owner) for row_id, owner in rows if Notification.update(
            state=NOTIFY_PENDING, error="claim released: its sender stopped answering (it may have been sent)",
            **_UNCLAIMED,
        ).where(stale & (Notification.id == row_id) & (Notification.claimed_by == owner)).execute()]
    return released


def mark_sent(notification_id: int) -> bool:
    """Telegram accepted it. Recorded whoever holds the claim (a delivery is a fact), and
    idempotent: the sender retries this write until it succeeds instead of sending again."""
    query = Notification.update(
        state=NOTIFY_SENT, attempts=Notification.attempts + 1, sent_at=utcnow(), next_attempt_at=None,
        **_UNCLAIMED,
    ).where((Notification.id == notification_id) & Notification.state.in_(NOTIFY_UNSENT))
    return query.execute() == 1


def mark_retry(notification_id: int, owner: str, error: str, next_attempt_at: datetime) -> bool:
    """A transient failure: count the attempt, pending again from `next_attempt_at`."""
    query = Notification.update(
        state=NOTIFY_PENDING, attempts=Notification.attempts + 1, error=error, next_attempt_at=next_attempt_at,
        **_UNCLAIMED,
    ).where(_claimed_by(notification_id, owner))
    return query.execute() == 1


def mark_failed(notification_id: int, owner: str, error: str) -> bool:
    """Telegram refused it for good (a bad request): count the attempt and give up."""
    query = Notification.update(
        state=NOTIFY_FAILED, attempts=Notification.attempts + 1, error=error, next_attempt_at=None, **_UNCLAIMED,
    ).where(_claimed_by(notification_id, owner))
    return query.execute() == 1


def mark_expired(notification_id: int, owner: str, reason: str) -> bool:
    """Rendered at last, the claimed row no longer matters (its trip or seat is gone): expired."""
    query = Notification.update(
        state=NOTIFY_EXPIRED, error=f"expired undelivered: {reason}", next_attempt_at=None, **_UNCLAIMED,
    ).where(_claimed_by(notification_id, owner))
    return query.execute() == 1


@dataclass(frozen=True)
class Expired:
    id: int
    kind: str
    chat_id: int
    attempts: int
    reason: str


def expire(now: datetime | None = None, max_age: timedelta = timedelta(hours=24)) -> list[Expired]:
    """Pending rows that no longer matter become `expired`, with the reason (and the last
    error) in `error`: their trip is over (its last pickup has passed), or they were written
    more than `max_age` ago. Returns them, for the sender to report."""
    now = now or now_precise()
    trip_over = Trip.ends_at.is_null(False) & (Trip.ends_at <= now)
    too_old = Notification.created_at < now - max_age
    rows = list(
        Notification.select(Notification.id, Notification.kind, Notification.chat_id, Notification.attempts,
                            Notification.error, Notification.trip, Trip.ends_at.alias("trip_ends_at"))
        .join(Trip, pw.JOIN.LEFT_OUTER)
        .where((Notification.state == NOTIFY_PENDING) & (trip_over | too_old))
        .objects()
    )
    expired: list[Expired] = []
    if not rows:  # the usual case: one indexed read, no write
        return expired
    with db.atomic():
        for n in rows:
            over = n.trip_ends_at is not None and n.trip_ends_at <= now
            why = (f"trip {n.trip_id} was over at {n.trip_ends_at:%Y-%m-%d %H:%M} UTC" if over
                   else f"not delivered within {max_age.total_seconds() / 3600:g} h")
            reason = f"expired undelivered: {why}; {n.attempts} attempt(s)" + (f", last: {n.error}" if n.error else "")
            if Notification.update(state=NOTIFY_EXPIRED, error=reason, next_attempt_at=None).where(
                    (Notification.id == n.id) & (Notification.state == NOTIFY_PENDING)).execute():
                expired.append(Expired(n.id, n.kind, n.chat_id, n.attempts, reason))
    return expired


def mark_unreachable(user_id: int, reason: str) -> int:
    """The user blocked the bot (or cannot be written to): flag them and drop their unsent
    notifications (the one that drew the refusal too) with `reason`. Returns how many."""
    reason = (reason or "unreachable")[:REASON_MAX]
    with db.atomic():
        User.update(reachable=False, unreachable_reason=reason, updated_at=utcnow()).where(
            User.id == user_id
        ).execute()
        return (
            Notification.update(state=NOTIFY_DROPPED, error=reason, next_attempt_at=None, **_UNCLAIMED)
            .where((Notification.recipient == user_id) & Notification.state.in_(NOTIFY_UNSENT))
            .execute()
        )


def mark_reachable(telegram_id: int) -> bool:
    """The user is back (wrote to the bot, or unblocked it). True if they were unreachable."""
    query = User.update(reachable=True, unreachable_reason="", updated_at=utcnow()).where(
        (User.telegram_id == telegram_id) & (User.reachable == False)  # noqa: E712 - SQL
    )
    return query.execute() == 1


def pending_count() -> int:
    """Rows not delivered nor given up yet (pending or in flight)."""
    return Notification.select().where(Notification.state.in_(NOTIFY_UNSENT)).count()


def purge_finished(written_before: datetime, limit: int | None = None) -> int:
    """Delete up to `limit` (`PURGE_CHUNK`) final rows (sent, failed, dropped, expired)
    written before `written_before`, oldest first, in one short transaction. Returns how
    many: call again while it returns `limit`. Rows still to be delivered are never touched."""
    old = (
        Notification.select(Notification.id)
        .where(Notification.state.not_in(NOTIFY_UNSENT) & (Notification.created_at < written_before))
        .order_by(Notification.id)
        .limit(limit or PURGE_CHUNK)
    )
    with db.atomic():
        ids = [i for (i,) in old.tuples()]
        return Notification.delete().where(Notification.id.in_(ids)).execute() if ids else 0
