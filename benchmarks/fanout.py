"""Notification fan-out: N notifications to N chats through the fake Bot API enforcing
Telegram's limits (30 messages a second overall, 1 a second per chat), sent by the
bot's own `bot.workers.notifier.Notifier` with its default settings, over real HTTP.

The limit allows N/30 seconds; we report the wall time against that, the 429s the
fake answered, and the rows that did not end up `sent` (lost)."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from aiogram.enums import ParseMode

from bot.infra.db import open_database
from bot.workers.notifier import Notifier
from models import NOTIFY_SENT, ROLE_PASSENGER, Notification, User, db, outbox, utcnow
from bot.devtools.fakeapi import FakeTelegram
from bot.devtools.fakeapi.client import fake_bot

from . import datasets
from .recording import TOKEN

TELEGRAM_GLOBAL_PER_SEC = 30
TELEGRAM_PER_CHAT_PER_SEC = 1
FIRST_CHAT = 6_000_000


async def run_fanout(workdir: Path, cache: Path, count: int, timeout: float | None = None) -> dict:
    path = datasets.working_copy(datasets.schema_template(cache), workdir / "fanout.sqlite3")
    database = open_database(f"sqlite:///{path}")
    database.connect()
    previous = db.obj
    db.initialize(database)
    limit_s = count / TELEGRAM_GLOBAL_PER_SEC
    timeout = timeout or max(30.0, limit_s * 3)
    try:
        with FakeTelegram(token=TOKEN) as tg:
            now = utcnow()
            chats = [FIRST_CHAT + i for i in range(count)]
            for chat in chats:
                tg.user(chat, first_name=f"P{chat % 1000}", username=None)
            with db.atomic():
                User.insert_many([(chat, f"Player {chat % 1000}", ROLE_PASSENGER, now, now) for chat in chats],
                                 fields=[User.telegram_id, User.name, User.role, User.created_at,
                                         User.updated_at]).execute()
                for user in User.select().order_by(User.id):
                    outbox.enqueue(user, f"🚗 The trip to <b>Riverside Arena</b> on Sat 05 Dec moved to 18:00 "
                                         f"(player {user.telegram_id}).", kind="trip_changed")
            tg.rate_limit(global_per_sec=TELEGRAM_GLOBAL_PER_SEC, per_chat_per_sec=TELEGRAM_PER_CHAT_PER_SEC)
            bot = fake_bot(tg.base_url, TOKEN, parse_mode=ParseMode.HTML)
            notifier = Notifier(bot)  # the settings the bot runs with (bot/runmodes/runner.py)
            started = time.monotonic()
            task = asyncio.create_task(notifier.run())
            while outbox.pending_count() and time.monotonic() - started < timeout:
                await asyncio.sleep(0.02)
            finished = time.monotonic()
            await notifier.stop(5)
            await asyncio.gather(task, return_exceptions=True)
            await bot.session.close()
            sends = [r for r in tg.requests if r.method == "sendMessage"]
            ok = [r for r in sends if r.status == 200]
            last = max((r.at for r in ok), default=finished)
            wall = last - started
            rate_limited = sum(1 for r in sends if r.status == 429)
            other_errors = sum(1 for r in sends if r.status not in (200, 429))
            delivered_chats = {r.params.get("chat_id") for r in ok}
        lost = Notification.select().where(Notification.state != NOTIFY_SENT).count()
    finally:
        db.initialize(previous)
        database.close()
    return {
        "notifications": count,
        "chats": count,
        "limit_s": round(limit_s, 2),
        "wall_s": round(wall, 2),
        "ratio_to_limit": round(wall / limit_s, 3),
        "rate_per_s": round(len(ok) / wall, 1) if wall > 0 else None,
        "http_429": rate_limited,
        "other_errors": other_errors,
        "lost": lost,
        "duplicates": len(ok) - len(delivered_chats),
        "fake_limits": {"global_per_sec": TELEGRAM_GLOBAL_PER_SEC, "per_chat_per_sec": TELEGRAM_PER_CHAT_PER_SEC},
    }
