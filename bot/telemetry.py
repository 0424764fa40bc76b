"""Sentry: initialized only when SENTRY_DSN is set, inside the running event loop.

sentry-sdk has no aiogram integration, so `SentryMiddleware` opens one transaction
per update, named after the dialog state or handler that took it.

Nothing secret or personal leaves the process (tests/test_telemetry_privacy.py):

- what cannot be scrubbed reliably is never collected: no local variables (a handler's
  frame holds the whole update), no request bodies (webhook updates), no default PII;
- every event, transaction (with its spans) and breadcrumb goes through one recursive
  scrubber (`before_send`, `before_send_transaction`, `before_breadcrumb`) that
  - removes the bot token (it is in every Bot API URL, so aiohttp spans and breadcrumbs
    carry it), its secret part and the webhook secret, wherever they appear in a string;
  - filters values under personal or secret keys (Telegram's `first_name`, `username`,
    `phone_number`, `text`…, the `X-Telegram-Bot-Api-Secret-Token` header, cookies);
  - filters the personal values of the update being handled (the sender's names and
    username, the text, phone numbers in it) wherever they turn up: an error message or
    a log line that quotes them.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from typing import Any

import sentry_sdk
from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, Update

from .config import Settings
from .logs import redact, secrets_of

log = logging.getLogger(__name__)

FILTERED = "[Filtered]"
_SECRETS: tuple[str, ...] = ()

# Values under these keys are personal or secret wherever they are (compared lowercased).
_SECRET_KEYS = {
    "x-telegram-bot-api-secret-token", "secret_token", "authorization", "proxy-authorization", "cookie",
    "set-cookie", "token", "password",
}
_PERSONAL_KEYS = {
    "first_name", "last_name", "username", "full_name", "phone_number", "phone", "vcard", "email", "text",
    "caption", "address", "latitude", "longitude", "ip_address", "remote_addr", "x-forwarded-for", "x-real-ip",
}
_FILTERED_KEYS = _SECRET_KEYS | _PERSONAL_KEYS
# Structure of the event itself: never rewritten (ids, timestamps, the SDK's own names).
_KEEP_KEYS = {
    "event_id", "trace_id", "span_id", "parent_span_id", "segment_id", "timestamp", "start_timestamp",
    "sdk", "platform", "level", "environment", "release", "dist", "type", "op", "status", "origin",
}

# The personal values of the update being handled (set by SentryMiddleware).
personal_values: ContextVar[tuple[str, ...]] = ContextVar("sentry_personal_values", default=())
_PHONE = re.compile(r"\+?\d[\d\s().-]{5,}\d")  # phone-like runs in a user's own text


def configure_secrets(token: str, *others: str) -> None:
    """The secrets the scrubber removes from every string (init_sentry sets them)."""
    global _SECRETS
    _SECRETS = secrets_of(token, *others) if token else tuple(s for s in others if s)


@functools.lru_cache(maxsize=256)
def _personal_regex(values: tuple[str, ...]) -> re.Pattern:
    """The values as whole words (a name "Ann" leaves "Annual" alone), longest first."""
    words = "|".join(re.escape(v) for v in values)
    return re.compile(rf"(?<!\w)(?:{words})(?!\w)", re.IGNORECASE)


def personal_values_of(update: Update) -> tuple[str, ...]:
    """What in this update is personal: the sender's (and a shared contact's) names and
    username, the message text, and every phone-like number in it (as typed and as digits)."""
    values: set[str] = set()
    try:
        event = update.event
    except Exception:  # noqa: BLE001 - an update type aiogram does not know: nothing to look at
        event = None
    people = [getattr(event, "from_user", None), getattr(event, "chat", None)]
    message = update.message or update.edited_message
    if update.callback_query is not None:
        people.append(update.callback_query.from_user)
    texts = []
    if message is not None:
        texts += [message.text or "", message.caption or ""]
        if message.contact is not None:
            people.append(message.contact)
            values.add(message.contact.phone_number)
    for person in people:
        for attr in ("first_name", "last_name", "username", "title"):
            value = getattr(person, attr, None)
            if isinstance(value, str):
                values.add(value)
        if getattr(person, "first_name", None) and getattr(person, "last_name", None):
            values.add(f"{person.first_name} {person.last_name}")
    for text in texts:
        if text.startswith("/"):  # the command itself is ours, its arguments are the user's
            text = text.partition(" ")[2]
        if len(text.strip()) >= 4:
            values.add(text.strip())
        for phone in _PHONE.findall(text):
            digits = re.sub(r"\D", "", phone)
            if len(digits) >= 7:
                values.update({phone, digits, digits[-7:]})
    return tuple(sorted((v for v in values if len(v.strip()) >= 2), key=lambda v: (-len(v), v)))


def scrub_text(value: str) -> str:
    value = redact(value, _SECRETS)
    personal = personal_values.get()
    return _personal_regex(personal).sub(FILTERED, value) if personal else value


def _scrub(value: Any, key: str | None = None) -> Any:
    if key is not None:
        lowered = key.lower()
        if lowered in _KEEP_KEYS:
            return value
        if (lowered in _FILTERED_KEYS or lowered == "vars") and value not in (None, "", [], {}):
            return FILTERED  # "vars": a frame's local variables, should they ever be collected
    if isinstance(value, str):
        return scrub_text(value)
    if isinstance(value, dict):
        return {k: _scrub(v, str(k)) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_scrub(v) for v in value]
    return value


def scrub_event(event: dict, hint: dict | None = None) -> dict:
    """Every part of an event or transaction: exception values and frames, breadcrumbs,
    spans (descriptions, data), request (url, query, headers, data), extra, contexts,
    tags, user, message. A request body is dropped whole, should one ever be collected."""
    event = _scrub(event)
    request = event.get("request")
    if isinstance(request, dict) and request.get("data") not in (None, "", {}, []):
        request["data"] = FILTERED
    return event


def scrub_breadcrumb(crumb: dict, hint: dict | None = None) -> dict:
    return _scrub(crumb)


def init_sentry(settings: Settings, *, transport=None) -> bool:
    """Start Sentry if SENTRY_DSN is set. `transport`: tests capture what would be sent."""
    if not settings.sentry_dsn:
        return False
    configure_secrets(settings.telegram_token, settings.webhook_secret)
    extra = {"transport": transport} if transport is not None else {}
    sentry_sdk.init(
        dsn=settings.sentry_dsn,
        environment=settings.sentry_environment,
        traces_sample_rate=settings.sentry_traces_sample_rate,
        send_default_pii=False,
        include_local_variables=False,
        max_request_body_size="never",
        before_send=scrub_event,
        before_send_transaction=scrub_event,
        before_breadcrumb=scrub_breadcrumb,
        # Sentry Logs (`enable_logs`) and streamed spans stay off: they are sent without
        # before_send / before_send_transaction.
        **extra,
    )
    log.info("Sentry enabled (traces sample rate %s)", settings.sentry_traces_sample_rate)
    return True


def name_update(update: Update) -> str:
    """The transaction's first name (SentryNameMiddleware renames it after the handler).
    Only the bot's own commands are named: "/…" may be anything a user typed."""
    from dialogs.club.handlers import GROUP_COMMANDS
    from dialogs.menu.commands import COMMANDS

    if update.message and update.message.text and update.message.text.startswith("/"):
        command = update.message.text.split()[0].split("@")[0]
        known = {c.name for c in COMMANDS} | set(GROUP_COMMANDS)
        return f"command {command}" if command[1:] in known else "command"
    return f"update.{update.event_type}"


class SentryMiddleware(BaseMiddleware):
    """Outer `dp.update` middleware: one transaction per update; while it runs, the
    update's personal values are filtered from everything Sentry records."""

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        if not isinstance(event, Update) or sentry_sdk.get_client().options.get("dsn") is None:
            return await handler(event, data)
        # Not reset afterwards: aiogram's error handlers run after this middleware (its
        # ErrorsMiddleware is the outermost), and the webhook request's own transaction ends
        # after it too. Each update sets its own; polling handles each in a task of its own.
        personal_values.set(personal_values_of(event))
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
