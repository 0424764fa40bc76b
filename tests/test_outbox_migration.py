"""Migration 005 (notification claims) on a populated database: every row survives, as it
was, on SQLite (where adding a NOT NULL column rebuilds the table) and on PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.db import init_database, make_router, migrate, open_database
from models import NOTIFY_SENDING, Notification, Trip, User, db, outbox, utcnow

BEFORE = "004_dedupe_and_forget"
OLD_COLUMNS = ("recipient_id", "chat_id", "text", "kind", "trip_id", "reply_markup", "state", "attempts", "error",
               "created_at", "sent_at", "next_attempt_at")


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/carpool.sqlite3"
    return request.getfixturevalue("pg_url")


def populate_old_outbox() -> list[tuple]:
    """Rows in every state 004 knew, written as 004's table has them (no claim columns)."""
    now = utcnow()
    ann = User.create(telegram_id=2**40, name="Ann")
    trip = Trip.create(driver=ann, destination="Gym", departure_date=date.today(), seats=3,
                       departs_at=now + timedelta(hours=3), ends_at=now + timedelta(hours=3))
    rows = [
        (ann.id, 2**40, "<b>sent</b>", "joined", trip.id, "", "sent", 1, "", now, now, None),
        (ann.id, 2**40, "retrying", "trip_cancelled", trip.id, '{"inline_keyboard": []}', "pending", 3,
         "TelegramServerError: Bad Gateway", now, None, now + timedelta(seconds=40)),
        (ann.id, 2**40, "new", "reminder", None, "", "pending", 0, "", now, None, None),
        (ann.id, 2**40, "refused", "left", trip.id, "", "failed", 1, "Bad Request", now, None, None),
        (ann.id, 2**40, "blocked", "left", None, "", "dropped", 0, "blocked", now, None, None),
    ]
    marks = ", ".join([db.obj.param] * len(OLD_COLUMNS))
    for row in rows:
        db.execute_sql(f"INSERT INTO notification ({', '.join(OLD_COLUMNS)}) VALUES ({marks})", row)
    return rows


def read_old_columns() -> list[tuple]:
    return [tuple(r) for r in Notification.select(*[Notification._meta.columns[c] for c in OLD_COLUMNS])
            .order_by(Notification.id).tuples()]


def test_005_keeps_every_notification_as_it_was(url):
    database = open_database(url, foreign_keys=False)
    make_router(database).run(BEFORE)
    database.close()
    init_database(url)
    written = populate_old_outbox()
    before = read_old_columns()
    assert len(before) == len(written)
    db.close()

    assert "005_outbox_claims" in migrate(url, backup=False)
    init_database(url)
    try:
        assert read_old_columns() == before
        assert {(n.claimed_by, n.claimed_at) for n in Notification.select()} == {("", None)}
        # The outbox goes on with them: the retry is due in 40 s and holds "new" back.
        assert outbox.next_batch(10) == []
        (retry,) = outbox.next_batch(10, outbox.now_precise() + timedelta(seconds=41))
        assert retry.text == "retrying" and outbox.claim(retry.id, "me", outbox.now_precise() + timedelta(seconds=41))
        assert Notification.get_by_id(retry.id).state == NOTIFY_SENDING and outbox.pending_count() == 2
    finally:
        db.close()
