"""Migrations 005 (notification claims) and 007 (kind + parameters) on a populated database:
every row survives, as it was, on SQLite (where adding a NOT NULL column rebuilds the
table) and on PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.infra.db import init_database, make_router, migrate, open_database
from models import NOTIFY_SENDING, Notification, User, db, outbox, utcnow

BEFORE = "004_dedupe_and_forget"
OLD_COLUMNS = ("recipient_id", "chat_id", "text", "kind", "trip_id", "reply_markup", "state", "attempts", "error",
               "created_at", "sent_at", "next_attempt_at")


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/carpool.sqlite3"
    return request.getfixturevalue("pg_url")


def populate_old_outbox(orm, claims: bool = False) -> list[tuple]:
    """Rows in every state 004 knew, written as 004's table has them (no claim columns), or
    with `claims` as 005 and 006 have it (claimed_by NOT NULL, without a default in SQL).
    The player and the trip through `orm`, the tables as of that migration (peewee-migrate's
    `migrator.orm`): today's models have columns that do not exist yet."""
    now = utcnow()
    ann = orm["user"].create(telegram_id=2**40, name="Ann", created_at=now, updated_at=now)
    trip = orm["trip"].create(driver=ann, destination="Gym", departure_date=date.today(), seats=3,
                              departs_at=now + timedelta(hours=3), ends_at=now + timedelta(hours=3),
                              created_at=now, updated_at=now)
    rows = [
        (ann.id, 2**40, "<b>sent</b>", "joined", trip.id, "", "sent", 1, "", now, now, None),
        (ann.id, 2**40, "retrying", "trip_cancelled", trip.id, '{"inline_keyboard": []}', "pending", 3,
         "TelegramServerError: Bad Gateway", now, None, now + timedelta(seconds=40)),
        (ann.id, 2**40, "new", "reminder", None, "", "pending", 0, "", now, None, None),
        (ann.id, 2**40, "refused", "left", trip.id, "", "failed", 1, "Bad Request", now, None, None),
        (ann.id, 2**40, "blocked", "left", None, "", "dropped", 0, "blocked", now, None, None),
    ]
    columns = OLD_COLUMNS + (("claimed_by",) if claims else ())
    marks = ", ".join([db.obj.param] * len(columns))
    for row in rows:
        db.execute_sql(f"INSERT INTO notification ({', '.join(columns)}) VALUES ({marks})",
                       row + (("",) if claims else ()))
    return rows


def read_old_columns() -> list[tuple]:
    return [tuple(r) for r in Notification.select(*[Notification._meta.columns[c] for c in OLD_COLUMNS])
            .order_by(Notification.id).tuples()]


def populated_up_to(url, last: str, claims: bool = False) -> tuple[list[tuple], list[tuple]]:
    """A database migrated up to `last`, its outbox populated: (rows written, rows read back)."""
    database = open_database(url, foreign_keys=False)
    router = make_router(database)
    router.run(last)
    database.close()
    init_database(url)
    with db.obj.bind_ctx(list(router.migrator.orm)):
        written = populate_old_outbox(router.migrator.orm, claims)
    before = read_old_columns()
    assert len(before) == len(written)
    db.close()
    return written, before


def test_005_keeps_every_notification_as_it_was(url):
    _, before = populated_up_to(url, BEFORE)
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


def test_007_keeps_finished_texts_sendable(url):
    """Rows written before 007 hold finished text: they keep it, gain empty parameters, and
    are rendered from their text (new rows are rendered from their kind and parameters)."""
    from dialogs.notifications import NotificationRenderer

    written, before = populated_up_to(url, "006_creation_keys_and_answers", claims=True)
    assert migrate(url, backup=False)[0] == "007_notification_params"
    init_database(url)
    try:
        assert read_old_columns() == before
        assert {n.params for n in Notification.select()} == {"{}"}
        render = NotificationRenderer()
        shown = [render(n) for n in Notification.select().order_by(Notification.id)]
        assert [m.text for m in shown] == [row[2] for row in written]
        assert shown[1].reply_markup is not None and shown[0].reply_markup is None
        ann = User.get(User.telegram_id == 2**40)
        fresh = outbox.notify(ann, "trip_cancelled", destination="Gym", date=date.today(), cancel_reason="")
        assert "The trip to <b>Gym</b>" in render(Notification.get_by_id(fresh.id)).text
    finally:
        db.close()
