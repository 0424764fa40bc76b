"""What a starting process asks of Telegram, without taking traffic from another one (issue #17.8).

- Webhook mode: `setWebhook` only when Telegram's webhook (`getWebhookInfo`) differs from
  ours: another URL, other update types, or Telegram reporting that our endpoint refuses
  its deliveries with 401 — how a changed `WEBHOOK_SECRET` shows, since Telegram never
  tells which secret it holds. `carpool-bot run --reset-webhook` sets it regardless.
  Replicas starting together, or a restart, leave a matching webhook alone.
- Polling mode: a webhook that is set means another deployment receives the updates, and
  `deleteWebhook` would pull every one of them to this process. So this process refuses
  to start (`StartupRefused`, exit status 3) unless asked: `carpool-bot run --force-polling`.
  With no webhook set there is nothing to delete, and nothing is called.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # aiogram costs ~3 s to import: the CLI imports this module for the exception only
    from aiogram import Bot
    from aiogram.types import WebhookInfo

log = logging.getLogger(__name__)


class StartupRefused(RuntimeError):
    """This process must not start: it would take Telegram's updates from another deployment."""


def webhook_mismatch(info: WebhookInfo, url: str, allowed_updates: Sequence[str]) -> str | None:
    """Why Telegram's webhook must be set again to be ours, or None when it already is."""
    if info.url != url:
        return "Telegram had another URL" if info.url else "Telegram had no webhook"
    if sorted(info.allowed_updates or []) != sorted(allowed_updates):
        return "other update types"
    if info.last_error_message and " 401 " in f" {info.last_error_message} ":
        return f"Telegram reports our endpoint refusing it ({info.last_error_message}): a changed WEBHOOK_SECRET"
    return None


async def ensure_webhook(bot: Bot, url: str, *, secret: str, allowed_updates: Sequence[str],
                         reset: bool = False) -> bool:
    """Make Telegram's webhook ours; True when `setWebhook` was called."""
    reason = "asked to (--reset-webhook)" if reset else webhook_mismatch(
        await bot.get_webhook_info(), url, allowed_updates)
    if reason is None:
        log.info("Webhook already set to %s: left alone", url)
        return False
    await bot.set_webhook(url, secret_token=secret, allowed_updates=list(allowed_updates))
    log.info("Webhook set to %s (%s)", url, reason)
    return True


async def ensure_polling(bot: Bot, *, force: bool = False) -> bool:
    """Make sure polling takes nobody's updates; True when a webhook was deleted (`force`)."""
    info = await bot.get_webhook_info()
    if not info.url:
        return False
    if not force:
        raise StartupRefused(
            f"Telegram delivers this bot's updates to a webhook ({info.url}), so another deployment receives "
            "them; polling here would delete it and take every update away from it. Not starting.\n"
            "To run as that deployment does, set WEBHOOK_URL and WEBHOOK_SECRET. To move the bot to polling "
            "on this machine, start it once with `carpool-bot run --force-polling` (it deletes the webhook).")
    await bot.delete_webhook(drop_pending_updates=False)
    log.warning("Deleted the webhook %s as asked (--force-polling): this process polls", info.url)
    return True
