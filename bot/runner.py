"""Run modes. Long polling for now; the production issue adds webhooks."""

from __future__ import annotations

import asyncio
import logging

import sentry_sdk

from models import db

from .app import build_dispatcher, create_bot
from .commands import register_commands
from .config import Settings
from .notifier import Notifier
from .scheduler import Scheduler
from .telemetry import init_sentry

log = logging.getLogger(__name__)


async def run_polling(settings: Settings) -> None:
    init_sentry(settings)  # inside the running loop (sentry-sdk's asyncio integration needs it)
    bot = create_bot(settings)
    notifier = Notifier(bot)
    scheduler = Scheduler(settings.reminders, settings.timezone, notifier=notifier)
    app = build_dispatcher(settings, notifier=notifier)
    dp = app.dispatcher
    notifier_task: asyncio.Task | None = None

    @dp.startup()
    async def on_startup() -> None:
        me = await bot.get_me()
        log.info("Bot @%s (id %s) starting, long polling", me.username, me.id)
        await bot.delete_webhook(drop_pending_updates=False)
        await register_commands(bot)
        nonlocal notifier_task
        notifier_task = asyncio.create_task(notifier.run(), name="notifier")  # sends what a past run left
        app.extras["scheduler_task"] = asyncio.create_task(scheduler.run(), name="scheduler")  # keep a reference

    @dp.shutdown()
    async def on_shutdown() -> None:
        # aiogram has stopped fetching; let the updates it already handed out finish.
        left = await app.in_flight.drain(settings.shutdown_timeout)
        await scheduler.stop(settings.shutdown_timeout)  # after its tick in progress, if any
        # Then the notifier: it finishes the message in flight; the rest stay pending for the next start.
        await notifier.stop(settings.shutdown_timeout)
        if notifier_task is not None and notifier_task.done() and not notifier_task.cancelled():
            if exc := notifier_task.exception():
                log.error("The notifier had crashed", exc_info=exc)
        if left:
            log.warning("Shutting down with %d update(s) cut short", left)
        else:
            log.info("All updates handled; shutting down")

    try:
        await dp.start_polling(bot, handle_signals=True, close_bot_session=True)
    finally:
        if not db.is_closed():
            db.close()
        if sentry_sdk.get_client().is_active():
            sentry_sdk.flush(timeout=2)


def run(settings: Settings) -> None:
    asyncio.run(run_polling(settings))
