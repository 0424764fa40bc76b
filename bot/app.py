"""The entry module: one function builds the whole dispatcher the bot runs.

Tests, the benchmarks and the preview tools call the same `build_dispatcher`, so
what they exercise is what runs in production.
"""

from __future__ import annotations

import logging
import os
import traceback
from dataclasses import dataclass, field

from aiogram import Bot, Dispatcher, F, Router
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.filters import ExceptionTypeFilter
from aiogram.fsm.storage.base import BaseEventIsolation, BaseStorage
from aiogram.fsm.storage.memory import SimpleEventIsolation
from aiogram.types import ErrorEvent
from aiogram_dialog import BgManagerFactory, DialogManager, ShowMode, setup_dialogs
from aiogram_dialog.api.exceptions import OutdatedIntent, UnknownIntent, UnknownState
from aiogram_dialog.api.protocols import MessageManagerProtocol

from dialogs import build_dialogs_router
from dialogs.club.handlers import build_group_router
from dialogs.common import error_text, q
from dialogs.i18n import tr_of
from dialogs.menu.commands import start_home
from models import DomainError, db

from . import compat
from .chat_member import build_chat_member_router
from .config import Settings
from .infra.resilience import ReconnectingPeeweeStorage, install as install_outage_guard, is_outage
from .middlewares import outcomes
from .middlewares.access import gates
from .middlewares.admins import AdminsMiddleware
from .middlewares.dedupe import make_dedupe
from .middlewares.inflight import InFlight
from .middlewares.retry import UPDATE_TIMEOUT, UpdateDeadline
from .middlewares.user import UserMiddleware
from .telemetry import SentryMiddleware, SentryNameMiddleware
from .workers.notifier import Notifier

log = logging.getLogger(__name__)

# What the error handlers say: catalog keys (dialogs/locales/*/bot.ftl), in the player's language.
SORRY = "bot-sorry"
STALE_BUTTON = "bot-stale-button"
STALE_SCREEN = "bot-stale-screen"
BUSY = "bot-busy"

# The per-user Redis lock (REDIS_URL): held while an update is handled, which takes at most
# UPDATE_TIMEOUT (bot/middlewares/retry.py). A process killed mid-update leaves it behind: it expires
# LOCK_TIMEOUT after it was taken, so that user waits seconds, not aiogram's default 60.
# A waiter gives up after LOCK_WAIT (answered with BUSY), never waits forever.
LOCK_TIMEOUT = UPDATE_TIMEOUT + 3
LOCK_WAIT = LOCK_TIMEOUT + 2


def _keep_response_types() -> tuple:
    """Strong references to aiogram's `Response[T]` models of the methods the bot calls.
    pydantic caches parametrized generics weakly, so aiogram rebuilt one now and then in
    the middle of an update (1.3–3.6 ms, on 5–9 % of updates: benchmarks/README.md)."""
    from aiogram import methods
    from aiogram.methods.base import Response

    used = (
        methods.SendMessage, methods.EditMessageText, methods.EditMessageReplyMarkup, methods.DeleteMessage,
        methods.AnswerCallbackQuery, methods.GetUpdates, methods.GetMe, methods.GetChatMember,
        methods.SetMyCommands, methods.SetWebhook, methods.DeleteWebhook,
    )
    return tuple(Response[m.__returning__] for m in used)


_RESPONSE_TYPES = _keep_response_types()


def create_bot(settings: Settings, *, retry: bool = True) -> Bot:
    """The Bot for handlers (`retry`: ride out 429s and 5xx) or for the notifier (no retry:
    it keeps its own per-message bookkeeping)."""
    session = AiohttpSession()
    if settings.telegram_api_url:
        session = AiohttpSession(api=TelegramAPIServer.from_base(settings.telegram_api_url))
    if retry:
        from .middlewares.retry import AnswerOnceMiddleware, RetryMiddleware

        session.middleware(AnswerOnceMiddleware())
        session.middleware(RetryMiddleware())
    return Bot(
        token=settings.telegram_token,
        session=session,
        default=DefaultBotProperties(parse_mode=ParseMode.HTML),
    )


@dataclass
class App:
    """The dispatcher and the objects around it that run modes and tests need."""

    dispatcher: Dispatcher
    bg_factory: BgManagerFactory
    in_flight: InFlight
    settings: Settings
    extras: dict = field(default_factory=dict)


async def on_stale_dialog(event: ErrorEvent, dialog_manager: DialogManager) -> None:
    """A press on a window whose dialog is gone or outdated: answer it, show home."""
    log.info("Stale dialog button (%s); restarting the menu", type(event.exception).__name__)
    callback = event.update.callback_query
    if callback is not None:
        await callback.answer(tr_of()(STALE_SCREEN))
    await start_home(dialog_manager, show_mode=ShowMode.SEND)


async def on_domain_error(event: ErrorEvent) -> None:
    """A refusal from `models` that no handler caught: show it, as it is meant for users."""
    text = error_text(event.exception)  # parameters are user text (a template's name): escaped below
    if event.update.callback_query is not None:
        await event.update.callback_query.answer(text[:200], show_alert=True)
    elif event.update.message is not None:
        await event.update.message.answer(q(text))


def is_malformed_press(event: ErrorEvent) -> bool:
    """A button press whose data aiogram-dialog's widgets could not read (`int("abc")`, a
    calendar month 13, a date out of range), before any handler of ours ran: forged or
    garbled callback data, not a fault of ours."""
    exc = event.exception
    if event.update.callback_query is None or not isinstance(exc, (ValueError, OverflowError)):
        return False
    frames = traceback.extract_tb(exc.__traceback__)
    return bool(frames) and f"{os.sep}aiogram_dialog{os.sep}widgets{os.sep}" in frames[-1].filename


async def on_malformed_press(event: ErrorEvent) -> None:
    callback = event.update.callback_query
    log.info("Update %s: a press with unreadable data (%s), ignored", event.update.update_id,
             type(event.exception).__name__)
    await callback.answer(tr_of()(STALE_BUTTON))


async def on_busy(event: ErrorEvent) -> None:
    """The user's lock was not free within LOCK_WAIT (an earlier update of theirs still runs,
    or a dead process's lock has not expired yet): answer, change nothing."""
    log.warning("Update %s waited %ss for its user's lock: dropped", event.update.update_id, LOCK_WAIT)
    if event.update.callback_query is not None:
        await event.update.callback_query.answer(tr_of()(BUSY))
    elif event.update.message is not None:
        await event.update.message.answer(tr_of()(BUSY))


async def on_unexpected_error(event: ErrorEvent) -> None:
    if is_outage(event.exception):  # PostgreSQL/Redis unreachable: redone or redelivered, no "Sorry"
        raise event.exception  # to bot/infra/resilience.py's guard, outside this router
    log.error("Unhandled error in update %s", event.update.update_id, exc_info=event.exception)
    try:
        if event.update.callback_query is not None:
            await event.update.callback_query.answer(tr_of()(SORRY)[:200], show_alert=True)
        elif event.update.message is not None:
            await event.update.message.answer(tr_of()(SORRY))
    except Exception:  # the error may be the network itself; it is logged above
        log.warning("Could not tell the user about the error", exc_info=True)


def make_storage(settings: Settings):
    """Dialog/FSM storage and event isolation: the bot's database by default; Redis when
    REDIS_URL is set, so several replicas share every user's place in every dialog.
    Returns (storage, events_isolation or None, redis client or None)."""
    if not settings.redis_url:
        return ReconnectingPeeweeStorage(), SimpleEventIsolation(), None
    from aiogram.fsm.storage.base import DefaultKeyBuilder
    from aiogram.fsm.storage.redis import RedisEventIsolation, RedisStorage

    keys = DefaultKeyBuilder(with_destiny=True)  # aiogram-dialog keeps stacks under their own destinies
    storage = RedisStorage.from_url(settings.redis_url, key_builder=keys)
    # lock_kwargs replaces aiogram's defaults as a whole: all three, or a lock that never expires
    lock = {"timeout": LOCK_TIMEOUT, "blocking_timeout": LOCK_WAIT, "raise_on_release_error": False}
    return storage, RedisEventIsolation(redis=storage.redis, key_builder=keys, lock_kwargs=lock), storage.redis


def build_error_router() -> Router:
    router = Router(name="errors")
    router.errors.register(on_stale_dialog, ExceptionTypeFilter(UnknownIntent, OutdatedIntent, UnknownState))
    router.errors.register(on_domain_error, ExceptionTypeFilter(DomainError))
    router.errors.register(on_malformed_press, is_malformed_press)
    try:
        from redis.exceptions import LockError
    except ImportError:  # no Redis, no Redis lock
        pass
    else:
        router.errors.register(on_busy, ExceptionTypeFilter(LockError))
    router.errors.register(on_unexpected_error)
    return router


def build_dispatcher(
    settings: Settings,
    *,
    storage: BaseStorage | None = None,
    events_isolation: BaseEventIsolation | None = None,
    message_manager: MessageManagerProtocol | None = None,
    notifier: Notifier | None = None,
    redis=None,
    **workflow_data,
) -> App:
    """Compose storage, middlewares, error handlers, every dialog and `setup_dialogs`.

    `notifier` goes into workflow data: a handler that enqueued notifications calls
    `notifier.wake()` (it is None in tests that do not deliver)."""
    compat.install()  # workarounds of aiogram-dialog bugs (bot/compat/)
    if storage is None:
        storage, isolation, redis = make_storage(settings)
        events_isolation = events_isolation or isolation
    # One update at a time per user, in aiogram's FSM layer too: aiogram-dialog 2.6 reads a
    # callback's context before it takes its own lock, so a quick second tap could act on
    # the window as it was before the first tap and overwrite what the first one saved.
    events_isolation = events_isolation or SimpleEventIsolation()
    dp = Dispatcher(
        storage=storage, events_isolation=events_isolation, settings=settings, notifier=notifier, **workflow_data
    )
    dp.update.outer_middleware(UpdateDeadline())  # before all of ours: no update outlives its lock
    for gate in gates(settings):  # first of ours: a stopped update leaves no trace (bot/middlewares/access.py)
        dp.update.outer_middleware(gate)
    in_flight = InFlight()
    dp.update.outer_middleware(in_flight)
    outcomes.install(dp)  # before the middlewares whose failures make the bot unhealthy
    dedupe = make_dedupe(redis)
    dp.update.outer_middleware(dedupe)
    dp.update.outer_middleware(SentryMiddleware())
    dp.update.outer_middleware(UserMiddleware())
    dp.update.outer_middleware(AdminsMiddleware.from_settings(settings))  # club_admins: who manages events
    dp.message.middleware(SentryNameMiddleware())
    dp.callback_query.middleware(SentryNameMiddleware())
    dp.include_router(build_error_router())
    dp.include_router(build_chat_member_router())
    # Group chats (issue #20): the club's commands only, the bot's membership, inline mode. The
    # dialogs and the private commands see private chats only: nothing starts a dialog in a group.
    dp.include_router(build_group_router())
    dialogs = build_dialogs_router()
    dialogs.message.filter(F.chat.type == "private")
    dp.include_router(dialogs)
    bg_factory = setup_dialogs(dp, message_manager=message_manager, events_isolation=events_isolation)
    dp["bg_factory"] = bg_factory
    # outermost, so an outage in aiogram's own storage or Redis lock is caught too
    guard = install_outage_guard(dp, database=db, redis=redis, shutdown_timeout=settings.shutdown_timeout)
    return App(dispatcher=dp, bg_factory=bg_factory, in_flight=in_flight, settings=settings,
               extras={"dedupe": dedupe, "outage_guard": guard})
