"""Several replicas on PostgreSQL + Redis: shared dialog state, one sender at a time."""

import asyncio
import dataclasses
from datetime import timedelta

import pytest
from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram_dialog.test_tools import BotClient, MockMessageManager
from aiogram_dialog.test_tools.keyboard import InlineButtonTextLocator

from bot.app import build_dispatcher
from bot.infra.db import init_database, migrate
from bot.workers.leader import PostgresAdvisoryLease, RedisLease
from bot.workers.notifier import Notifier
from models import ROLE_DRIVER, Notification, Trip, db, outbox, trips, users
from bot.devtools.fakeapi import FakeTelegram
from tests.harness import RecordingBot

TOKEN = "123456:TEST-token-for-the-fake-bot-api-0000"


@pytest.fixture
def pg(pg_url):
    migrate(pg_url)
    init_database(pg_url)
    yield pg_url
    db.close()


async def test_two_replicas_share_one_users_wizard(pg, redis_url, settings):
    settings = dataclasses.replace(settings, database_url=pg, redis_url=redis_url)
    users.register_user(1, "Dee")
    users.set_role(1, ROLE_DRIVER)
    replicas = []
    for _ in range(2):
        mm = MockMessageManager()
        app = build_dispatcher(settings, message_manager=mm)
        replicas.append((BotClient(app.dispatcher, user_id=1, chat_id=1, bot=RecordingBot()), mm))
    (a, mm_a), (b, mm_b) = replicas
    b.last_update_id = 1000  # Telegram numbers updates globally, not per replica
    try:
        await a.send("/newtrip")
        assert "Where to?" in mm_a.last_message().text
        await b.send("Riverside Arena")  # the other replica continues the same wizard
        calendar = mm_b.last_message()
        assert "Which day?" in calendar.text
        tomorrow = trips.local_today(settings.timezone) + timedelta(days=1)
        if f"🗓 {tomorrow:%B %Y}" not in [x.text for row in calendar.reply_markup.inline_keyboard for x in row]:
            await a.click(calendar, InlineButtonTextLocator(r".* >>"))
            calendar = mm_a.last_message()
        await a.click(calendar, InlineButtonTextLocator(f"{tomorrow:%d}"))
        assert "How many free seats?" in mm_a.last_message().text
        await b.click(mm_a.last_message(), InlineButtonTextLocator("3"))
        assert "address" in mm_b.last_message().text
        await a.send("Central Station")
        await b.send("18:00")
        await a.click(mm_b.last_message(), InlineButtonTextLocator("✅ Done"))
        await b.click(mm_a.last_message(), InlineButtonTextLocator("⏭ Skip"))
        await a.click(mm_b.last_message(), InlineButtonTextLocator("✅ Confirm"))
        assert "Trip created" in mm_a.last_message().text
        trip = Trip.get()
        assert (trip.destination, trip.seats, trip.departure_date) == ("Riverside Arena", 3, tomorrow)
    finally:
        for client, _ in replicas:
            await client.dp.storage.close()


def _bot(tg) -> Bot:
    return Bot(TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(tg.base_url)),
               default=DefaultBotProperties(parse_mode="HTML"))


async def _one_sender_at_a_time(make_lease):
    with FakeTelegram(token=TOKEN) as tg:
        for i in range(6):
            users.register_user(100 + i, f"P{i}")
            tg.user(100 + i, f"P{i}")
            outbox.enqueue(users.get_user(100 + i), f"hello {i}", kind="test")
        bots = [_bot(tg), _bot(tg)]
        senders = [Notifier(b, poll_interval=0.05, lease=make_lease()) for b in bots]
        tasks = [asyncio.create_task(s.run()) for s in senders]
        try:
            for _ in range(200):
                await asyncio.sleep(0.05)
                if outbox.pending_count() == 0:
                    break
            sent = [r for r in tg.requests if r.method == "sendMessage" and r.status == 200]
            assert sorted(r.params["text"] for r in sent) == sorted(f"hello {i}" for i in range(6))  # once each
            holders = [s for s in senders if s.lease.held()]
            assert len(holders) == 1
            leader = holders[0]
            follower = senders[1 - senders.index(leader)]
            # the leader stops (or dies): the other replica takes over the pending rows
            await leader.stop(5)
            for i in range(6, 9):
                users.register_user(100 + i, f"P{i}")
                tg.user(100 + i, f"P{i}")
                outbox.enqueue(users.get_user(100 + i), f"hello {i}", kind="test")
            for _ in range(200):
                await asyncio.sleep(0.05)
                if outbox.pending_count() == 0:
                    break
            assert outbox.pending_count() == 0 and follower.lease.held()
            texts = [r.params["text"] for r in tg.requests if r.method == "sendMessage" and r.status == 200]
            assert sorted(texts) == sorted(f"hello {i}" for i in range(9))  # no double delivery
            assert Notification.select().where(Notification.state == "sent").count() == 9
        finally:
            for s in senders:
                await s.stop(5)
            for t in tasks:
                t.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            for b in bots:
                await b.session.close()


async def test_one_sender_with_postgres_advisory_lock(pg):
    await _one_sender_at_a_time(lambda: PostgresAdvisoryLease("postgresql://" + pg.split("://", 1)[1]))


async def test_one_sender_with_redis_lease(database, redis_url):
    from redis.asyncio import Redis

    clients = []

    def make():
        client = Redis.from_url(redis_url)
        clients.append(client)
        return RedisLease(client, ttl=2.0)

    try:
        await _one_sender_at_a_time(make)
    finally:
        for c in clients:
            await c.aclose()
