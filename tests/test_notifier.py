"""The notification sender (bot/workers/notifier.py) against the fake Bot API, with a real aiogram Bot.

Times come from the fake's request log (`RecordedRequest.at`, taken when a request arrives),
so pacing is measured the way Telegram would see it.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import statistics
import time

import pytest
import sentry_sdk
from aiogram import Bot
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.app import build_dispatcher
from bot.workers.notifier import Notifier
from models import NOTIFY_DROPPED, NOTIFY_FAILED, NOTIFY_PENDING, NOTIFY_SENT, Notification, User, db, outbox, users
from tests.conftest import TOKEN
from tests.test_telemetry_privacy import Capture

from bot.devtools.fakeapi import FakeTelegram
from bot.devtools.fakeapi.client import fake_bot

BLOCKED = "Forbidden: bot was blocked by the user"


def make_bot(base_url: str, **session_kwargs) -> Bot:
    return fake_bot(base_url, TOKEN, session_kwargs, parse_mode="HTML")


@pytest.fixture
async def bot(tg):
    bot = make_bot(tg.base_url)
    yield bot
    await bot.session.close()


def player(tg: FakeTelegram, telegram_id: int, name: str = "") -> User:
    """A user who started the bot: known to the fake and registered in the database."""
    name = name or f"P{telegram_id}"
    tg.user(telegram_id, name)
    return users.register_user(telegram_id, name)[0]


def notify(user: User, text: str, kind: str = "test", **kwargs) -> Notification:
    with db.atomic():  # as an operation would: in the transaction of its change
        return outbox.enqueue(user, text, kind, **kwargs)


def sends(tg: FakeTelegram, chat_id: int | None = None) -> list:
    return [r for r in tg.requests if r.method == "sendMessage" and chat_id in (None, r.params["chat_id"])]


def state(n: Notification) -> Notification:
    return Notification.get_by_id(n.id)


async def until(predicate, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "condition not reached in time"
        await asyncio.sleep(0.01)


@contextlib.asynccontextmanager
async def running(notifier: Notifier):
    task = asyncio.create_task(notifier.run())
    try:
        yield task
    finally:
        await notifier.stop(2)
        assert task.done()


def assert_each_sent_once(tg: FakeTelegram, rows: list[Notification]) -> None:
    accepted = [(r.params["chat_id"], r.params["text"]) for r in sends(tg) if r.status == 200]
    for n in rows:
        assert state(n).state == NOTIFY_SENT
        assert accepted.count((n.chat_id, n.text)) == 1, f"{n.text!r} delivered {accepted.count((n.chat_id, n.text))}x"


# ---------------------------------------------------------------------------- pacing


async def test_default_pace_is_even_at_25_per_second(database, tg, bot):
    tg.rate_limit(global_per_sec=30, per_chat_per_sec=1)  # Telegram's limits: any burst gets a 429
    rows = [notify(player(tg, 1000 + i), f"Ride at <b>18:{i:02d}</b>") for i in range(30)]

    assert await Notifier(bot).send_pending_once() == 30

    at = [r.at for r in sends(tg)]  # arrival times at the fake (carry some network jitter)
    gaps = [b - a for a, b in zip(at, at[1:])]
    assert at[-1] - at[0] >= 29 / 25 - 0.05, at[-1] - at[0]  # 29 intervals of 40 ms
    assert statistics.median(gaps) >= 0.035, gaps  # evenly spaced (how fast overall: benchmarks/)...
    assert max(sum(start <= t < start + 0.2 for t in at) for start in at) <= 6, gaps  # ...never a burst
    assert not tg.rejected(), tg.describe_requests()
    assert_each_sent_once(tg, rows)
    assert tg.chat_messages(1000)[0].text == "Ride at 18:00"  # HTML parsed, not shown raw


async def test_one_message_a_second_per_chat_without_holding_others_back(database, tg, bot):
    tg.rate_limit(global_per_sec=30, per_chat_per_sec=1)
    ann, bob, cid = player(tg, 1, "Ann"), player(tg, 2, "Bob"), player(tg, 3, "Cid")
    rows = [notify(ann, "a1"), notify(ann, "a2"), notify(bob, "b1"), notify(ann, "a3"), notify(cid, "c1")]

    async with running(Notifier(bot, poll_interval=0.05)):
        await until(lambda: len(sends(tg)) == 5)

    first = sends(tg)[0].at
    to_ann = sends(tg, 1)
    assert [r.params["text"] for r in to_ann] == ["a1", "a2", "a3"]  # in order
    assert to_ann[1].at - to_ann[0].at >= 1.0 and to_ann[2].at - to_ann[1].at >= 1.0
    assert to_ann[2].at - first >= 2.0
    assert max(r.at for r in sends(tg, 2) + sends(tg, 3)) - first < 0.5  # not queued behind Ann
    assert not tg.rejected(), tg.describe_requests()
    assert_each_sent_once(tg, rows)


async def test_configured_rate(database, tg, bot):
    rows = [notify(player(tg, 100 + i), f"m{i}") for i in range(6)]
    assert await Notifier(bot, rate=10).send_pending_once() == 6
    at = [r.at for r in sends(tg)]
    assert at[-1] - at[0] >= 0.5 - 0.05
    # never faster than 10/s in any stretch (a send delayed by a busy machine may be followed
    # by one at once, as the bucket refilled meanwhile, but never by a burst)
    assert all(at[j] - at[i] >= (j - i - 1) * 0.1 - 0.02 for i in range(len(at)) for j in range(i + 1, len(at)))
    assert_each_sent_once(tg, rows)


# ---------------------------------------------------------------------------- Telegram's answers


async def test_429_pauses_for_retry_after_then_retries_the_same_message(database, tg, bot):
    ann, bob = player(tg, 1, "Ann"), player(tg, 2, "Bob")
    a, b = notify(ann, "first"), notify(bob, "second")
    tg.fail_next("sendMessage", 429, retry_after=1)

    assert await Notifier(bot).send_pending_once() == 2

    calls = sends(tg)
    assert [(r.params["text"], r.status) for r in calls] == [("first", 429), ("first", 200), ("second", 200)]
    assert calls[1].at - calls[0].at >= 1.0  # paused for retry_after
    assert_each_sent_once(tg, [a, b])
    assert state(a).attempts == 1  # a flood wait is not a failed attempt


async def test_blocked_user_is_marked_and_skipped_the_rest_delivered(database, tg, bot, caplog):
    ann, bob, cid = player(tg, 1, "Ann"), player(tg, 2, "Bob"), player(tg, 3, "Cid")
    ann_rows = [notify(ann, f"a{i}") for i in range(3)]
    others = [notify(bob, "b1"), notify(cid, "c1"), notify(bob, "b2")]
    tg.block(1)

    caplog.set_level(logging.INFO, "bot.workers.notifier")
    notifier = Notifier(bot, per_chat_interval=0.1)
    while await notifier.send_pending_once():
        pass

    assert len(sends(tg, 1)) == 1  # one 403, then no more tries
    ann = User.get_by_id(ann.id)
    assert (ann.reachable, ann.unreachable_reason) == (False, BLOCKED)
    for n in ann_rows:
        assert (state(n).state, state(n).error) == (NOTIFY_DROPPED, BLOCKED)
    assert_each_sent_once(tg, others)
    assert "unreachable" in caplog.text and "Sent notification" in caplog.text


async def test_chat_not_found_and_never_started_count_as_unreachable(database, tg, bot):
    ann, bob, cid = player(tg, 1, "Ann"), player(tg, 2, "Bob"), player(tg, 3, "Cid")
    ghost = users.register_user(4, "Ghost")[0]  # in our database, never talked to this bot
    rows = [notify(ann, "a"), notify(ghost, "g"), notify(bob, "b")]
    tg.fail_next("sendMessage", 400, "Bad Request: chat not found")

    assert await Notifier(bot).send_pending_once() == 3

    assert User.get_by_id(ann.id).unreachable_reason == "Bad Request: chat not found"
    assert "can't initiate conversation" in User.get_by_id(ghost.id).unreachable_reason
    assert [state(n).state for n in rows] == [NOTIFY_DROPPED, NOTIFY_DROPPED, NOTIFY_SENT]
    assert User.get_by_id(cid.id).reachable


async def test_server_errors_are_retried_with_backoff_then_sent(database, tg, bot):
    ann = player(tg, 1, "Ann")
    n = notify(ann, "hello")
    tg.fail_next("sendMessage", 502, count=2)

    async with running(Notifier(bot, per_chat_interval=0.01, backoff=0.05, poll_interval=0.02)):
        await until(lambda: state(n).state == NOTIFY_SENT)

    calls = sends(tg)
    assert [r.status for r in calls] == [502, 502, 200]
    assert calls[1].at - calls[0].at >= 0.05 and calls[2].at - calls[1].at >= 0.1  # doubling backoff
    assert (state(n).attempts, state(n).error) == (3, "TelegramServerError: Telegram server says - Bad Gateway")


async def test_transient_errors_never_end_a_notification(database, tg, bot):
    """Any number of 5xx in a row: still pending, retried (capped backoff), order kept."""
    ann = player(tg, 1, "Ann")
    n, later = notify(ann, "hello"), notify(ann, "later")
    tg.fail_next("sendMessage", 500, count=8)

    async with running(Notifier(bot, per_chat_interval=0.01, backoff=0.005, max_backoff=0.02, poll_interval=0.01)):
        await until(lambda: state(later).state == NOTIFY_SENT)

    row = state(n)
    assert (row.state, row.attempts) == (NOTIFY_SENT, 9) and "Internal Server Error" in row.error
    assert [r.params["text"] for r in sends(tg)] == ["hello"] * 9 + ["later"]  # order kept
    assert User.get_by_id(ann.id).reachable


async def test_network_errors_and_timeouts_are_transient(database, tg):
    ann = player(tg, 1, "Ann")
    n = notify(ann, "hello")
    closed = make_bot("http://127.0.0.1:9")  # nothing listens: connection refused
    try:
        notifier = Notifier(closed, per_chat_interval=0.01, backoff=0.01)
        for attempt in (1, 2, 3):
            assert await notifier.send_pending_once() == 1
            assert (state(n).state, state(n).attempts) == (NOTIFY_PENDING, attempt)
            assert "TelegramNetworkError" in state(n).error
            await asyncio.sleep(0.01 * 2 ** attempt)
    finally:
        await closed.session.close()

    m = notify(player(tg, 2, "Bob"), "slow")
    slow = make_bot(tg.base_url, timeout=0.2)
    tg.delay("sendMessage", 0.5)  # longer than the client waits
    try:
        notifier = Notifier(slow, per_chat_interval=0.01, backoff=0.01)
        assert await notifier.send_pending_once() == 2  # both time out
        assert "Request timeout" in state(m).error and state(m).state == NOTIFY_PENDING
        tg.delay("sendMessage", 0)
        await asyncio.sleep(0.1)
        assert await notifier.send_pending_once() == 2
        assert (state(m).state, state(m).attempts) == (NOTIFY_SENT, 2)
        assert (state(n).state, state(n).attempts) == (NOTIFY_SENT, 5)
    finally:
        await slow.session.close()


async def test_bad_request_fails_that_one_and_the_loop_goes_on(database, tg, bot, caplog):
    ann, bob = player(tg, 1, "Ann"), player(tg, 2, "Bob")
    broken = notify(ann, "<b>unclosed")
    fine = notify(ann, "ok")
    kb = InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text="Yes", callback_data="y:1")]])
    with_buttons = notify(bob, "Still coming?", reply_markup=kb)

    async with running(Notifier(bot, per_chat_interval=0.05, poll_interval=0.02)):
        await until(lambda: state(fine).state == NOTIFY_SENT and state(with_buttons).state == NOTIFY_SENT)

    row = state(broken)
    assert (row.state, row.attempts) == (NOTIFY_FAILED, 1) and "can't parse entities" in row.error
    assert User.get_by_id(ann.id).reachable
    assert tg.chat_messages(2)[-1].buttons == [["Yes"]]
    assert "failed after 1 attempt" in caplog.text


# ---------------------------------------------------------------------------- transactions, restarts


async def test_nothing_is_sent_for_a_rolled_back_transaction(database, tg, bot):
    ann = player(tg, 1, "Ann")
    with pytest.raises(RuntimeError), db.atomic():
        outbox.enqueue(ann, "never", "test")
        raise RuntimeError("the operation failed after writing its notification")
    assert await Notifier(bot).send_pending_once() == 0
    assert Notification.select().count() == 0 and not sends(tg)


async def test_stop_finishes_the_message_in_flight_and_a_restart_sends_the_rest(database, tg, bot):
    ann, bob = player(tg, 1, "Ann"), player(tg, 2, "Bob")
    rows = [notify(ann, "a1"), notify(ann, "a2"), notify(bob, "b1"), notify(ann, "a3")]
    tg.delay("sendMessage", 0.3)

    first = Notifier(bot)
    task = asyncio.create_task(first.run())
    await until(lambda: state(rows[0]).state == NOTIFY_SENT)
    await asyncio.sleep(0.1)  # b1 is in flight (each answer takes 0.3 s)
    started = time.monotonic()
    await first.stop(timeout=2)
    assert task.done() and time.monotonic() - started < 0.5  # did not wait out Ann's 1 s spacing
    assert [state(n).state for n in rows] == [NOTIFY_SENT, NOTIFY_PENDING, NOTIFY_SENT, NOTIFY_PENDING]

    tg.delay("sendMessage", 0)
    async with running(Notifier(bot, per_chat_interval=0.05, poll_interval=0.02)):  # the restart
        await until(lambda: outbox.pending_count() == 0)
    assert_each_sent_once(tg, rows)
    assert [r.params["text"] for r in sends(tg, 1)] == ["a1", "a2", "a3"]


async def test_a_crash_repeats_at_most_the_message_in_flight(database, tg, bot):
    ann = player(tg, 1, "Ann")
    rows = [notify(ann, "a1"), notify(ann, "a2")]
    tg.delay("sendMessage", 0.5)

    first = Notifier(bot)
    task = asyncio.create_task(first.run())
    await asyncio.sleep(0.1)  # a1 is in flight
    await first.stop(timeout=0.05)  # too short: cancelled, as in a crash
    assert task.done()
    assert state(rows[0]).state == NOTIFY_PENDING  # Telegram may have it; we cannot know

    tg.delay("sendMessage", 0)
    async with running(Notifier(bot, per_chat_interval=0.05, poll_interval=0.02)):
        await until(lambda: outbox.pending_count() == 0)
    texts = [r.params["text"] for r in sends(tg) if r.status == 200]
    assert 1 <= texts.count("a1") <= 2 and texts.count("a2") == 1
    assert [state(n).state for n in rows] == [NOTIFY_SENT, NOTIFY_SENT]


# ---------------------------------------------------------------------------- reachability via updates


async def test_user_is_reachable_again_after_a_message_or_unblocking(database, settings, tg, bot):
    ann_tg = tg.user(2001, "Ann")
    ann = users.register_user(2001, "Ann")[0]
    notifier = Notifier(bot, poll_interval=0.05)
    dp = build_dispatcher(settings, notifier=notifier).dispatcher
    assert dp["notifier"] is notifier
    assert "my_chat_member" in dp.resolve_used_update_types()

    def reachable() -> bool:
        return User.get_by_id(ann.id).reachable

    polling = asyncio.create_task(
        dp.start_polling(bot, handle_signals=False, polling_timeout=1, close_bot_session=False))
    try:
        async with running(notifier):
            ann_tg.block_bot()  # my_chat_member: kicked
            await until(lambda: not reachable())
            assert User.get_by_id(ann.id).unreachable_reason == "blocked the bot"
            assert state(notify(ann, "while blocked")).state == NOTIFY_DROPPED

            ann_tg.unblock_bot()  # my_chat_member: member
            await until(reachable)

            outbox.mark_unreachable(ann.id, BLOCKED)
            ann_tg.send("hello")  # any message brings her back
            await until(reachable)

            outbox.mark_unreachable(ann.id, BLOCKED)
            ann_tg.callback("anything")  # so does any button press
            await until(reachable)

            back = notify(User.get_by_id(ann.id), "welcome back")
            notifier.wake()
            await until(lambda: state(back).state == NOTIFY_SENT, timeout=2)
            assert "welcome back" in [m.text for m in ann_tg.messages()]
            assert [r.params["text"] for r in sends(tg, 2001)].count("while blocked") == 0
    finally:
        await dp.stop_polling()
        await polling


# ---------------------------------------------------------------------------- runner, Sentry


async def test_runner_starts_and_stops_the_notifier(database, settings, tg, monkeypatch, caplog):
    """The bot's own run mode: pending rows from a past run are sent on start; shutdown stops it."""
    import bot.runmodes.runner as runner

    ann, bob = player(tg, 1, "Ann"), player(tg, 2, "Bob")
    rows = [notify(ann, "left from last run"), notify(bob, "me too")]
    apps = []

    def capture(*args, **kwargs):
        apps.append(build_dispatcher(*args, **kwargs))
        return apps[-1]

    monkeypatch.setattr(runner, "build_dispatcher", capture)
    caplog.set_level(logging.INFO)
    task = asyncio.create_task(runner.run_service(dataclasses.replace(settings, telegram_api_url=tg.base_url)))
    await until(lambda: outbox.pending_count() == 0)
    tg.user(1).block_bot()
    await until(lambda: not User.get_by_id(ann.id).reachable)
    await apps[0].dispatcher.stop_polling()
    await asyncio.wait_for(task, 5)
    assert_each_sent_once(tg, rows)
    assert "Notifier stopped" in caplog.text and isinstance(apps[0].dispatcher["notifier"], Notifier)


@pytest.fixture
def sentry_events():
    transport = Capture()
    sentry_sdk.init(dsn="https://key@sentry.invalid/1", transport=transport, traces_sample_rate=1.0,
                    default_integrations=False)
    yield transport
    sentry_sdk.get_client().close()
    sentry_sdk.get_global_scope().set_client(None)


async def test_sentry_one_transaction_per_batch_and_an_event_per_failure(database, tg, bot, sentry_events):
    rows = [notify(player(tg, i), f"m{i}") for i in range(1, 5)]
    notify(User.get(User.telegram_id == 1), "<i>broken")
    notifier = Notifier(bot, per_chat_interval=0)
    assert await notifier.send_pending_once() == 4
    assert await notifier.send_pending_once() == 1
    sentry_sdk.flush()

    transactions, events = sentry_events.items("transaction"), sentry_events.items("event")
    assert [(t["contexts"]["trace"]["op"], t["transaction"]) for t in transactions] == [
        ("notifications.batch", "notifications.batch")] * 2
    assert len(events) == 1 and events[0]["message"] == "Notification failed: TelegramBadRequest"
    assert events[0]["tags"]["notification.kind"] == "test"
    assert_each_sent_once(tg, rows)
