"""A crash never leaves a long lock (issue #16, item 7): every update has a deadline, the
per-user Redis lock outlives it by a few seconds only, a handler never waits on a 429
past its deadline, and a callback too old to answer is let go quietly."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time

import pytest
from aiogram.exceptions import TelegramBadRequest, TelegramRetryAfter
from aiogram.fsm.storage.base import StorageKey
from aiogram.methods import AnswerCallbackQuery, SendMessage
from aiogram.types import Update
from aiogram_dialog.test_tools import BotClient, MockMessageManager

from bot import app as app_module
from bot.app import build_dispatcher, make_storage
from dialogs.i18n import tr_for
from bot.middlewares import retry
from tests.harness import RecordingBot

TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid"


@pytest.fixture
def redis_settings(settings, redis_url, database):
    return dataclasses.replace(settings, redis_url=redis_url)


_ABANDONED: list = []  # held, so that garbage collection does not close (release) them


async def abandon_lock(isolation, user_id: int) -> None:
    """Take a user's lock the way a handler does and never release it: a killed process."""
    held = isolation.lock(StorageKey(bot_id=42, chat_id=user_id, user_id=user_id))
    await held.__aenter__()
    _ABANDONED.append(held)


async def test_lock_of_a_dead_process_expires_a_few_seconds_after_the_deadline(redis_settings):
    storage, isolation, redis = make_storage(redis_settings)
    try:
        await abandon_lock(isolation, 5)
        ttl = await redis.pttl(isolation.key_builder.build(StorageKey(bot_id=42, chat_id=5, user_id=5), "lock"))
        assert retry.UPDATE_TIMEOUT * 1000 < ttl <= app_module.LOCK_TIMEOUT * 1000
        assert app_module.LOCK_TIMEOUT <= retry.UPDATE_TIMEOUT + 5  # not aiogram's 60 s
        assert isolation.lock_kwargs["blocking_timeout"] is not None  # a waiter gives up in the end
    finally:
        await storage.close()


@pytest.fixture
async def user_on_redis(redis_settings):
    """`make(user_id)`: the bot's dispatcher on Redis (built at the call, after the test's
    monkeypatching) and a client for that user, whose lock a dead process left behind."""
    apps = []

    async def make(user_id: int) -> tuple[RecordingBot, BotClient]:
        apps.append(build_dispatcher(redis_settings, message_manager=MockMessageManager()))
        bot = RecordingBot()
        await abandon_lock(apps[-1].dispatcher.fsm.events_isolation, user_id)
        return bot, BotClient(apps[-1].dispatcher, user_id=user_id, chat_id=user_id, bot=bot)

    yield make
    for app in apps:
        await app.dispatcher.storage.close()


async def test_next_update_waits_only_for_the_lock_timeout(user_on_redis, monkeypatch):
    monkeypatch.setattr(app_module, "LOCK_TIMEOUT", 0.5)
    bot, client = await user_on_redis(5)
    started = time.monotonic()
    await asyncio.wait_for(client.send("/help"), timeout=5)  # aiogram's default: 60 s
    assert time.monotonic() - started < 2
    assert any("/switch_role" in t for t in bot.sent_texts(5))


async def test_handler_outliving_its_lock_does_not_fail(redis_settings, monkeypatch):
    """The effect has committed by then: releasing an expired lock must not raise."""
    monkeypatch.setattr(app_module, "LOCK_TIMEOUT", 0.2)
    storage, isolation, _ = make_storage(redis_settings)
    try:
        async with isolation.lock(StorageKey(bot_id=42, chat_id=6, user_id=6)):
            await asyncio.sleep(0.4)
    finally:
        await storage.close()


async def test_waiting_too_long_for_the_lock_is_answered_quietly(user_on_redis, monkeypatch, caplog):
    """A user whose earlier update still holds the lock (or a dead process's lock that
    outlasts the wait): the update is answered, nothing logged as an error."""
    monkeypatch.setattr(app_module, "LOCK_TIMEOUT", 30)
    monkeypatch.setattr(app_module, "LOCK_WAIT", 0.3)
    bot, client = await user_on_redis(7)
    caplog.set_level(logging.INFO)
    await asyncio.wait_for(client.send("/help"), timeout=5)  # aiogram's default: forever
    assert bot.sent_texts(7) == [tr_for("en")(app_module.BUSY)]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


class HangingBot(RecordingBot):
    """Telegram stops answering `sendMessage` (once)."""

    hang = True

    async def __call__(self, method, request_timeout=None):
        if isinstance(method, SendMessage) and self.hang:
            self.hang = False
            await asyncio.sleep(30)
        return await super().__call__(method, request_timeout)


async def test_an_update_is_cut_at_its_deadline(settings, database, monkeypatch):
    monkeypatch.setattr(retry, "UPDATE_TIMEOUT", 0.3)
    app = build_dispatcher(settings, message_manager=MockMessageManager())
    bot = HangingBot()
    client = BotClient(app.dispatcher, user_id=8, chat_id=8, bot=bot)
    started = time.monotonic()
    await asyncio.wait_for(client.send("/help"), timeout=5)
    assert time.monotonic() - started < 2


async def _request_failing_with(error: Exception, calls: list):
    async def make_request(bot, method):
        calls.append(time.monotonic())
        if len(calls) == 1:
            raise error
        return True
    return make_request


async def test_no_wait_on_429_past_the_updates_deadline():
    method = SendMessage(chat_id=1, text="hi")
    calls: list[float] = []
    make_request = await _request_failing_with(TelegramRetryAfter(method, "Too Many Requests", 25), calls)
    middleware = retry.RetryMiddleware()
    token = retry.set_deadline(1.0)  # what UpdateDeadline does for each update
    try:
        with pytest.raises(TelegramRetryAfter):
            await asyncio.wait_for(middleware(make_request, None, method), timeout=2)
    finally:
        retry.DEADLINE.reset(token)
    assert len(calls) == 1
    calls.clear()
    make_request = await _request_failing_with(TelegramRetryAfter(method, "Too Many Requests", 1), calls)
    token = retry.set_deadline(5.0)
    try:
        assert await middleware(make_request, None, method) is True  # a short wait that fits is waited
    finally:
        retry.DEADLINE.reset(token)
    assert len(calls) == 2 and calls[1] - calls[0] >= 0.9


async def test_too_old_callback_is_let_go_quietly(caplog):
    method = AnswerCallbackQuery(callback_query_id="6", text="Trip created ✅")
    calls: list[float] = []
    make_request = await _request_failing_with(TelegramBadRequest(method, TOO_OLD), calls)
    caplog.set_level(logging.INFO)
    assert await retry.AnswerOnceMiddleware()(make_request, None, method) is True
    assert "too old" in caplog.text and not [r for r in caplog.records if r.levelno >= logging.WARNING]
    other = TelegramBadRequest(method, "Bad Request: MESSAGE_TOO_LONG")  # anything else still fails
    make_request = await _request_failing_with(other, [])
    with pytest.raises(TelegramBadRequest):
        await retry.AnswerOnceMiddleware()(make_request, None, method)


async def test_background_updates_get_their_own_deadline():
    """aiogram-dialog's background updates (update_id 0) run in a copy of the context of the
    update that started them: they must not inherit its (maybe spent) deadline."""
    seen = []

    async def handler(event, data):
        seen.append(retry.time_left())

    token = retry.set_deadline(-100.0)  # a spent deadline in the creating context
    try:
        await retry.UpdateDeadline()(handler, Update(update_id=0), {})
    finally:
        retry.DEADLINE.reset(token)
    assert seen and 0 < seen[0] <= retry.UPDATE_TIMEOUT
    assert retry.time_left() is None  # and nothing is left set outside the update
