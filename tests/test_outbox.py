"""The outbox operations (models/outbox.py) on a real SQLite database."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from models import (
    NOTIFY_DROPPED,
    NOTIFY_EXPIRED,
    NOTIFY_FAILED,
    NOTIFY_PENDING,
    NOTIFY_SENDING,
    NOTIFY_SENT,
    Notification,
    Trip,
    User,
    db,
    outbox,
    utcnow,
)


ME, OTHER = "host-a:1:aaaa", "host-b:2:bbbb"  # two senders' claim owners


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

    # A row in flight (claimed) holds back its recipient's later rows.
    assert outbox.claim(a1.id, ME, now)
    assert ids(outbox.next_batch(10, now)) == [b1.id, c1.id]
    assert outbox.mark_sent(a1.id)
    assert ids(outbox.next_batch(10, now)) == [b1.id, a2.id, c1.id]

    # So does a row waiting for its retry; nobody else's.
    b2 = outbox.enqueue(bob, "b2", "k")
    later = now + timedelta(milliseconds=300)
    assert outbox.claim(b1.id, ME, now)
    assert outbox.mark_retry(b1.id, ME, "ServerError", later)
    assert ids(outbox.next_batch(10, now)) == [a2.id, c1.id]
    assert not outbox.claim(b1.id, ME, now)  # not due yet
    assert ids(outbox.next_batch(10, later)) == [b1.id, a2.id, c1.id]
    row = reload(b1)
    assert (row.state, row.attempts, row.error, row.claimed_by) == (NOTIFY_PENDING, 1, "ServerError", "")

    assert outbox.claim(b1.id, ME, later)
    assert outbox.mark_failed(b1.id, ME, "Bad Request: can't parse entities")
    assert ids(outbox.next_batch(10, later)) == [a2.id, c1.id, b2.id]
    row = reload(b1)
    assert (row.state, row.attempts, row.next_attempt_at) == (NOTIFY_FAILED, 2, None)
    assert outbox.pending_count() == 3


def test_a_row_is_claimed_by_one_sender_only(database):
    ann = make_user(1)
    n = outbox.enqueue(ann, "x", "k")
    now = outbox.now_precise()
    assert outbox.claim(n.id, ME, now)
    assert not outbox.claim(n.id, OTHER, now)  # the second sender loses the race
    row = reload(n)
    assert (row.state, row.claimed_by, row.claimed_at) == (NOTIFY_SENDING, ME, now)
    assert outbox.pending_count() == 1  # in flight is not done
    # Only the holder records a retry or a failure, renews or hands it back.
    assert not outbox.mark_retry(n.id, OTHER, "late", now)
    assert not outbox.mark_failed(n.id, OTHER, "late")
    assert not outbox.renew_claim(n.id, OTHER, now)
    assert not outbox.release(n.id, OTHER)
    later = now + timedelta(seconds=30)
    assert outbox.renew_claim(n.id, ME, later) and reload(n).claimed_at == later
    assert outbox.release(n.id, ME, "stopped in a flood wait")
    row = reload(n)
    assert (row.state, row.claimed_by, row.attempts, row.error) == (NOTIFY_PENDING, "", 0, "stopped in a flood wait")
    assert outbox.claim(n.id, OTHER, now)


def test_stale_claims_go_back_to_pending(database):
    ann, bob = make_user(1), make_user(2, "Bob")
    old, fresh = outbox.enqueue(ann, "a", "k"), outbox.enqueue(bob, "b", "k")
    now = outbox.now_precise()
    assert outbox.claim(old.id, OTHER, now - timedelta(minutes=5))
    assert outbox.claim(fresh.id, ME, now)
    assert outbox.release_claims(now - timedelta(minutes=2)) == [(old.id, OTHER)]
    assert (reload(old).state, reload(fresh).state) == (NOTIFY_PENDING, NOTIFY_SENDING)
    assert "may have been sent" in reload(old).error
    assert not outbox.renew_claim(old.id, OTHER, now)  # the dead sender, back to life, must not send it
    assert outbox.release_claims(None) == [(fresh.id, ME)]  # at the start of the only sender: all
    assert ids(outbox.next_batch(10, now)) == [old.id, fresh.id]


def test_mark_functions_only_touch_unsent_rows(database):
    ann = make_user(1)
    n = outbox.enqueue(ann, "x", "k")
    assert outbox.claim(n.id, ME)
    assert outbox.mark_sent(n.id)
    row = reload(n)
    assert (row.state, row.attempts, row.claimed_by) == (NOTIFY_SENT, 1, "") and row.sent_at is not None
    # Sent stays sent: a late retry/failure/second success changes nothing.
    assert not outbox.mark_sent(n.id)
    assert not outbox.mark_retry(n.id, ME, "late", utcnow())
    assert not outbox.mark_failed(n.id, ME, "late")
    assert not outbox.claim(n.id, ME)
    assert (reload(n).state, reload(n).attempts) == (NOTIFY_SENT, 1)
    # A delivery is recorded whoever holds the claim (a sender whose claim timed out, say).
    m = outbox.enqueue(ann, "y", "k")
    assert outbox.mark_sent(m.id) and reload(m).state == NOTIFY_SENT


def test_rows_that_no_longer_matter_expire_with_the_reason(database):
    ann = make_user(1)
    now = outbox.now_precise()
    past = Trip.create(driver=ann, destination="Gym", departure_date=date.today(), seats=3,
                       departs_at=now - timedelta(hours=2), ends_at=now - timedelta(minutes=1))
    soon = Trip.create(driver=ann, destination="Gym", departure_date=date.today(), seats=3,
                       departs_at=now - timedelta(minutes=30), ends_at=now + timedelta(minutes=30))
    over = outbox.enqueue(ann, "Trip cancelled", "trip_cancelled", trip=past)
    running = outbox.enqueue(ann, "Bob is late", "rider_late", trip=soon)  # departed, not over: still matters
    stale = outbox.enqueue(ann, "old news", "k")
    Notification.update(created_at=now - timedelta(hours=25), error="TelegramServerError: Bad Gateway",
                        attempts=30).where(Notification.id == stale.id).execute()
    fresh = outbox.enqueue(ann, "news", "k")
    sent = outbox.enqueue(ann, "done", "k", trip=past)
    outbox.mark_sent(sent.id)

    expired = outbox.expire(now, max_age=timedelta(hours=24))

    assert [(e.id, e.kind) for e in expired] == [(over.id, "trip_cancelled"), (stale.id, "k")]
    assert [reload(n).state for n in (over, running, stale, fresh, sent)] == [
        NOTIFY_EXPIRED, NOTIFY_PENDING, NOTIFY_EXPIRED, NOTIFY_PENDING, NOTIFY_SENT]
    assert reload(over).error.startswith(f"expired undelivered: trip {past.id} was over at ")
    assert reload(stale).error == ("expired undelivered: not delivered within 24 h; 30 attempt(s), "
                                   "last: TelegramServerError: Bad Gateway")
    assert outbox.expire(now) == []
    # A row in flight is never expired under its sender.
    late = outbox.enqueue(ann, "late", "k", trip=past)
    assert outbox.claim(late.id, ME, now) and outbox.expire(now) == []


def test_purge_deletes_final_rows_past_retention_in_chunks(database):
    ann, bob = make_user(1), make_user(2, "Bob")
    now = utcnow()
    rows = [outbox.enqueue(ann, f"a{i}", "k") for i in range(5)]
    for n in rows[:3]:
        outbox.mark_sent(n.id)
    outbox.mark_unreachable(bob.id, "blocked")
    dropped = outbox.enqueue(bob, "b", "k")
    waiting = outbox.enqueue(make_user(3, "Cid"), "c", "k")
    Notification.update(created_at=now - timedelta(days=31)).execute()
    recent = outbox.enqueue(ann, "recent", "k")
    outbox.mark_sent(recent.id)

    cutoff = now - timedelta(days=30)
    assert outbox.purge_finished(cutoff, limit=2) == 2
    assert outbox.purge_finished(cutoff, limit=2) == 2  # the 3rd sent row and the dropped one
    assert outbox.purge_finished(cutoff, limit=2) == 0
    left = {n.id for n in Notification.select()}
    assert left == {rows[3].id, rows[4].id, waiting.id, recent.id}  # unsent rows are never purged


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
