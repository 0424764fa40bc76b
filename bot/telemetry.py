"""Sentry: initialized only when SENTRY_DSN is set, inside the running event loop.

sentry-sdk has no aiogram integration, so `SentryMiddleware` opens one transaction
per update, named after the dialog state or handler that took it. Secrets and
personal data are scrubbed before anything leaves the process.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

import sentry_sdk
from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, Update

from .config import Settings
from .logs import redact

log = logging.getLogger(__name__)
_SECRETS: tuple[str, ...] = ()


def _scrub(value: Any) -> Any:
    if isinstance(value, str):
        return redact(value, _SECRETS)
    if isinstance(value, dict):
        return {k: ("[Filtered]" if str(k).lower() in _PERSONAL_KEYS else _scrub(v)) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_scrub(v) for v in value]
    return value


_PERSONAL_KEYS = {
    "first_name", "last_name", "username", "name", "phone_number", "text",
    "x-telegram-bot-api-secret-token", "authorization", "cookie",
}


def scrub_event(event: dict, hint: dict | None = None) -> dict:
    return _scrub(event)


def init_sentry(settings: Settings) -> bool:
    global _SECRETS
    if not settings.sentry_dsn:
        return False
    _SECRETS = (settings.telegram_token,)
    sentry_sdk.init(
        dsn=settings.sentry_dsn,
        environment=settings.sentry_environment,
        traces_sample_rate=settings.sentry_traces_sample_rate,
        send_default_pii=False,
        include_local_variables=False,
        max_request_body_size="never",
        before_send=scrub_event,
        before_send_transaction=scrub_event,
        before_breadcrumb=lambda crumb, hint: _scrub(crumb),
    )
    log.info("Sentry enabled (traces sample rate %s)", settings.sentry_traces_sample_rate)
    return True


def name_update(update: Update) -> str:
    if update.message and update.message.text and update.message.text.startswith("/"):
        return "command " + update.message.text.split()[0].split("@")[0]
    return f"update.{update.event_type}"


class SentryMiddleware(BaseMiddleware):
    """Outer `dp.update` middleware: one transaction per update."""

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        if not isinstance(event, Update) or sentry_sdk.get_client().options.get("dsn") is None:
            return await handler(event, data)
        with sentry_sdk.isolation_scope():
            with sentry_sdk.start_transaction(op="aiogram.update", name=name_update(event)) as tx:
                data["sentry_transaction"] = tx
                return await handler(event, data)


class SentryNameMiddleware(BaseMiddleware):
    """Inner middleware: renames the transaction after the dialog state or handler."""

    async def __call__(self, handler, event, data):
        tx = sentry_sdk.get_current_scope().transaction
        if tx is not None:
            state = data.get("raw_state")
            target = data.get("handler")
            callback = getattr(target, "callback", None)
            tx.name = state or getattr(callback, "__qualname__", None) or tx.name
        return await handler(event, data)
