"""Run modes: long polling (development, the default) and webhook (WEBHOOK_URL set).

Both share the same dispatcher and background work: the notification sender (only
on the replica holding the sender lease), the reminder scheduler and the heartbeat
file Docker's health check reads. SIGTERM/SIGINT stop everything cleanly: updates
being handled finish (bounded by SHUTDOWN_TIMEOUT), then the scheduler and the
sender, then the database closes.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
from datetime import timedelta
from pathlib import Path

import sentry_sdk
from aiogram import Bot

from dialogs.notifications import NotificationRenderer
from models import db
from models.logids import tg

from ..app import App, build_dispatcher, create_bot, make_storage
from ..commands import register_commands
from ..config import Settings
from ..health import heartbeat_path
from ..infra.healthstate import HealthState, remove_heartbeat, write_heartbeat
from ..workers.leader import make_lease
from ..workers.notifier import Notifier
from ..workers.scheduler import Scheduler
from ..telemetry import init_sentry
from .startup import ensure_polling, ensure_webhook

log = logging.getLogger(__name__)

HEARTBEAT_INTERVAL = 10.0


async def heartbeat(path: Path, health: HealthState | None = None, interval: float = HEARTBEAT_INTERVAL) -> None:
    """Every `interval` seconds, and at once when `health` changes: probe a database write,
    then write this process' heartbeat file (`{hostname}` in `path` expanded) with the
    verdict. A stale file means a stuck loop; `python -m bot.health` reads it. The file
    is removed when the task ends."""
    health = health or HealthState()
    target = heartbeat_path(path)
    failing = None  # why the file cannot be written, logged once per streak
    try:
        while True:
            health.changed.clear()
            health.probe()
            error = write_heartbeat(target, *health.status())
            if error and not failing:
                log.warning("Cannot write the heartbeat file %s: %s (the health check fails meanwhile)", target, error)
            elif failing and not error:
                log.info("Heartbeat file %s written again", target)
            failing = error
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(health.changed.wait(), interval)
    finally:
        remove_heartbeat(target)


def make_poster(settings: Settings, bot: Bot):
    """The club chat's poster (issue #20), for the notifier to make with its owner id; None
    without CLUB_CHAT_ID."""
    if settings.club_chat_id is None:
        return None
    from dialogs.club.render import PostRenderer
    from dialogs.i18n import tr_for

    from ..workers.poster import GroupPoster

    render = PostRenderer(tr_for(settings.default_language), settings.timezone)
    # On SQLite one process runs the bot (bot/infra/db.py's lock): claims found at start are a dead run's.
    sole = settings.database_url.startswith("sqlite")
    return lambda owner: GroupPoster(bot, render, owner, recover_claims=sole)


async def check_club_chat(bot: Bot, chat_id: int, bot_id: int) -> None:
    """Where the bot stands in the club chat now (it may have been added or removed while it
    was down, when nobody told it): recorded, so the poster posts only where it may."""
    from models import club

    try:
        member = await bot.get_chat_member(chat_id, bot_id)
    except Exception as exc:  # noqa: BLE001 - not a member, or the chat is gone: no posting
        log.warning("The bot is not in the club chat %s (%s): nothing is posted there", tg(chat_id), exc)
        club.chat_status(chat_id, "left")
        return
    status = str(getattr(member.status, "value", member.status))
    can_pin = status == "creator" or bool(getattr(member, "can_pin_messages", False))
    change = club.chat_status(chat_id, status, can_pin=can_pin)
    log.info("The bot is %s in the club chat %s (pin: %s)%s", status, tg(chat_id), change.can_pin,
             "" if change.active else ": nothing is posted there")


class Service:
    """The bot with its background tasks, for either run mode."""

    def __init__(self, settings: Settings, bot: Bot | None = None):
        self.settings = settings
        self.bot = bot or create_bot(settings)
        storage, isolation, self.redis = make_storage(settings)
        self.sender_bot = create_bot(settings, retry=False)
        self.notifier = Notifier(self.sender_bot, lease=make_lease(settings.database_url, self.redis,
                                                                          idle_timeout=settings.sender_lease_timeout),
                                 render=NotificationRenderer(settings.timezone, settings.default_language),
                                 poster=make_poster(settings, self.sender_bot))
        self.scheduler = Scheduler(settings.reminders, settings.timezone, notifier=self.notifier,
                                   interval=settings.scheduler_interval,
                                   retention=timedelta(days=settings.notification_retention_days),
                                   waitlist_hold=settings.waitlist_hold)
        self.app: App = build_dispatcher(settings, storage=storage, events_isolation=isolation,
                                         notifier=self.notifier, redis=self.redis)
        self.tasks: list[asyncio.Task] = []
        dp = self.app.dispatcher
        dp.startup.register(self.on_startup)
        dp.shutdown.register(self.on_shutdown)

    async def on_startup(self) -> None:
        me = await self.bot.get_me()
        s = self.settings
        # Only what differs from Telegram's state, and never another deployment's webhook (bot/runmodes/startup.py).
        if s.webhook_mode:
            await ensure_webhook(self.bot, s.webhook_url, secret=s.webhook_secret, reset=s.reset_webhook,
                                 allowed_updates=self.app.dispatcher.resolve_used_update_types())
            log.info("Bot @%s (id %s) starting, webhook %s", me.username, me.id, s.webhook_url)
        else:
            await ensure_polling(self.bot, force=s.force_polling)  # StartupRefused over a set webhook
            log.info("Bot @%s (id %s) starting, long polling", me.username, me.id)
        await register_commands(self.bot)
        if s.club_chat_id is not None:
            await check_club_chat(self.bot, s.club_chat_id, me.id)
        self.tasks.append(asyncio.create_task(self.notifier.run(), name="notifier"))
        self.tasks.append(asyncio.create_task(self.scheduler.run(), name="scheduler"))
        if s.heartbeat_file is not None:
            self.tasks.append(asyncio.create_task(heartbeat(s.heartbeat_file, self.app.dispatcher.get("health_state")),
                                                  name="heartbeat"))

    async def on_shutdown(self) -> None:
        timeout = self.settings.shutdown_timeout
        left = await self.app.in_flight.drain(timeout)  # aiogram has stopped handing out updates
        await self.scheduler.stop(timeout)  # after its tick in progress, if any
        await self.notifier.stop(timeout)  # the message in flight finishes; the rest stay pending
        for task in self.tasks:
            if not task.done():
                task.cancel()
        for task in self.tasks:
            with contextlib.suppress(asyncio.CancelledError):
                try:
                    await task
                except Exception:  # noqa: BLE001 - report, do not mask the shutdown
                    log.exception("Background task %s had crashed", task.get_name())
        with contextlib.suppress(Exception):
            await self.app.dispatcher.storage.close()
        with contextlib.suppress(Exception):
            await self.sender_bot.session.close()
        if left:
            log.warning("Shutting down with %d update(s) cut short", left)
        else:
            log.info("All updates handled; shutting down")


def settle_heap() -> None:
    """Everything imported and built at start lives as long as the process: move it out of
    the garbage collector's reach, whose full passes over it (~210,000 objects) otherwise
    stall the event loop for 80–150 ms now and then (benchmarks/README.md)."""
    gc.collect()
    gc.freeze()


async def run_service(settings: Settings) -> None:
    init_sentry(settings)  # inside the running loop (sentry-sdk's asyncio integration needs it)
    service = Service(settings)
    settle_heap()
    try:
        if settings.webhook_mode:
            from .webhook import build_web_app, serve

            web_app = build_web_app(service.app.dispatcher, service.bot, path=settings.webhook_path,
                                    secret=settings.webhook_secret)
            await serve(web_app, settings.webhook_host, settings.webhook_port)
            await service.bot.session.close()
        else:
            await service.app.dispatcher.start_polling(service.bot, handle_signals=True, close_bot_session=True)
    finally:
        if not db.is_closed():
            db.close()
        if sentry_sdk.get_client().is_active():
            sentry_sdk.flush(timeout=2)


def run(settings: Settings) -> None:
    asyncio.run(run_service(settings))
