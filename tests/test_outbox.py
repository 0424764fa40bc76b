"""The outbox operations (models/outbox.py) on a real SQLite database."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from models import (
    NOTIFY_DROPPED,
    NOTIFY_FAILED,
    NOTIFY_PENDING,
    NOTIFY_SENT,
    Notification,
    Trip,
    User,
    db,
    outbox,
    utcnow,
)


def make_user(telegram_id: int, name: str = "Ann") -> User:
    return User.create(telegram_id=telegram_id, name=name)


def ids(rows) -> list[int]:
    return [n.id for n in rows]


def reload(n: Notification) -> Notification:
    return Notification.get_by_id(n.id)


def test_enqueue_commits_and_rolls_back_with_the_change(database):
    ann = make_user(2**40)  # a telegram id above 32 bits, stored as chat_id
    with db.atomic():
        n = outbox.enqueue(ann, "<b>Trip</b> cancelled", "trip_cancelled")
    n = reload(n)
    assert (n.chat_id, n.state, n.attempts, n.reply_markup, n.trip) == (2**40, NOTIFY_PENDING, 0, "", None)

    class Boom(Exception):
        pass

    with pytest.raises(Boom), db.atomic():
        ann.name = "Changed"
        ann.save()
        outbox.enqueue(ann, "lost with the change", "test")
        raise Boom
    assert User.get_by_id(ann.id).name == "Ann"
    assert [x.text for x in Notification.select()] == ["<b>Trip</b> cancelled"]
    # Outside a transaction it commits on its own.
    assert not db.in_transaction()
    outbox.enqueue(ann, "standalone", "test")
    assert Notification.select().count() == 2


def test_enqueue_reply_markup_and_trip(database):
    ann = make_user(1)
    now = utcnow()
    trip = Trip.create(driver=ann, destination="Gym", departure_date=date.today(), seats=3,
                       departs_at=now, ends_at=now)
    kb = {"inline_keyboard": [[{"text": "Yes", "callback_data": "y"}]]}
    a = outbox.enqueue(ann, "a", "k", trip=trip, reply_markup=kb)
    b = outbox.enqueue(ann, "b", "k", reply_markup='{"inline_keyboard": []}')
    assert '"callback_data": "y"' in reload(a).reply_markup and reload(a).trip_id == trip.id
    assert reload(b).reply_markup == '{"inline_keyboard": []}'
    with pytest.raises(ValueError):
        outbox.enqueue(ann, "c", "k", reply_markup="{not json")
    with pytest.raises(ValueError):
        outbox.enqueue(ann, "  ", "k")
    trip.delete_instance()  # the history stays, without the trip
    assert reload(a).trip_id is None


def test_next_batch_gives_each_recipients_oldest_due_row(database):
    ann, bob, cid = make_user(1), make_user(2, "Bob"), make_user(3, "Cid")
    a1 = outbox.enqueue(ann, "a1", "k")
    b1 = outbox.enqueue(bob, "b1", "k")
    a2 = outbox.enqueue(ann, "a2", "k")
    c1 = outbox.enqueue(cid, "c1", "k")
    now = outbox.now_precise()
    assert ids(outbox.next_batch(10, now)) == [a1.id, b1.id, c1.id]
    assert ids(outbox.next_batch(2, now)) == [a1.id, b1.id]

    assert outbox.mark_sent(a1.id)
    assert ids(outbox.next_batch(10, now)) == [b1.id, a2.id, c1.id]

    # A row waiting for its retry holds back its recipient's later rows, nobody else's.
    b2 = outbox.enqueue(bob, "b2", "k")
    later = now + timedelta(milliseconds=300)
    assert outbox.mark_retry(b1.id, "ServerError", later)
    assert ids(outbox.next_batch(10, now)) == [a2.id, c1.id]
    assert ids(outbox.next_batch(10, later)) == [b1.id, a2.id, c1.id]
    row = reload(b1)
    assert (row.state, row.attempts, row.error) == (NOTIFY_PENDING, 1, "ServerError")

    assert outbox.mark_failed(b1.id, "gave up")
    assert ids(outbox.next_batch(10, later)) == [a2.id, c1.id, b2.id]
    row = reload(b1)
    assert (row.state, row.attempts, row.error, row.next_attempt_at) == (NOTIFY_FAILED, 2, "gave up", None)
    assert outbox.pending_count() == 3


def test_mark_functions_only_touch_pending_rows(database):
    ann = make_user(1)
    n = outbox.enqueue(ann, "x", "k")
    assert outbox.mark_sent(n.id)
    row = reload(n)
    assert (row.state, row.attempts) == (NOTIFY_SENT, 1) and row.sent_at is not None
    # Sent stays sent: a late retry/failure/second success changes nothing.
    assert not outbox.mark_sent(n.id)
    assert not outbox.mark_retry(n.id, "late", utcnow())
    assert not outbox.mark_failed(n.id, "late")
    assert (reload(n).state, reload(n).attempts) == (NOTIFY_SENT, 1)


def test_unreachable_drops_pending_with_reason_and_comes_back(database):
    ann, bob = make_user(1), make_user(2, "Bob")
    sent = outbox.enqueue(ann, "old", "k")
    outbox.mark_sent(sent.id)
    pending = [outbox.enqueue(ann, f"a{i}", "k") for i in range(3)]
    other = outbox.enqueue(bob, "b", "k")

    assert outbox.mark_unreachable(ann.id, "Forbidden: bot was blocked by the user") == 3
    ann = User.get_by_id(ann.id)
    assert (ann.reachable, ann.unreachable_reason) == (False, "Forbidden: bot was blocked by the user")
    for n in pending:
        assert (reload(n).state, reload(n).error) == (NOTIFY_DROPPED, "Forbidden: bot was blocked by the user")
    assert reload(sent).state == NOTIFY_SENT and reload(other).state == NOTIFY_PENDING
    assert ids(outbox.next_batch(10)) == [other.id]
    # A late success of a dropped row does not resurrect it.
    assert not outbox.mark_sent(pending[0].id)

    # While unreachable, new notifications are recorded as dropped, not sent.
    n = outbox.enqueue(ann, "while blocked", "k")
    assert reload(n).state == NOTIFY_DROPPED and "blocked" in reload(n).error
    assert outbox.mark_unreachable(ann.id, "x" * 500) == 0  # reason fits the column
    assert len(User.get_by_id(ann.id).unreachable_reason) == outbox.REASON_MAX

    assert outbox.mark_reachable(1)
    assert not outbox.mark_reachable(1)  # already reachable
    assert not outbox.mark_reachable(999)  # unknown
    ann = User.get_by_id(ann.id)
    assert (ann.reachable, ann.unreachable_reason) == (True, "")
    assert reload(outbox.enqueue(ann, "back", "k")).state == NOTIFY_PENDING
