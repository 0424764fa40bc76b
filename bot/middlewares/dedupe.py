"""The same Telegram update delivered twice has its effects once.

Telegram redelivers an update when it got no 200 for it (a webhook answered 500, a
replica died before answering, polling restarted before confirming the offset). Update
ids are not monotonic over long gaps (after a week without updates they restart at a
random value), so we remember the ids handled recently — a set with a time limit — in
the database (`processed_update`) or in Redis when REDIS_URL is set.

An id is recorded after its handler finished: an update whose handling crashed the
process is handled again when it comes back (each operation is one transaction, so a
half-done update is either fully there or not at all), and one that was fully handled
but not confirmed is skipped. A duplicate that arrives while the first copy is still
being handled in this process is skipped too. aiogram-dialog's background updates
(update_id 0) are not Telegram's and pass untouched.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import Update

from models import ProcessedUpdate, db, utcnow

log = logging.getLogger(__name__)

KEEP = timedelta(hours=48)  # Telegram gives up redelivering long before this
PRUNE_EVERY = 500


class DatabaseSeen:
    """Recently handled update ids in the bot's database."""

    def __init__(self) -> None:
        self._since_prune = 0

    async def seen(self, update_id: int) -> bool:
        return ProcessedUpdate.select().where(ProcessedUpdate.update_id == update_id).exists()

    async def add(self, update_id: int) -> None:
        with db.atomic():
            ProcessedUpdate.insert(update_id=update_id, seen_at=utcnow()).on_conflict_ignore().execute()
        self._since_prune += 1
        if self._since_prune >= PRUNE_EVERY:
            self._since_prune = 0
            ProcessedUpdate.delete().where(ProcessedUpdate.seen_at < utcnow() - KEEP).execute()


class RedisSeen:
    """Recently handled update ids in Redis (shared by every replica), expiring by themselves."""

    def __init__(self, redis, prefix: str = "carpool:update:") -> None:
        self.redis = redis
        self.prefix = prefix

    async def seen(self, update_id: int) -> bool:
        return bool(await self.redis.exists(f"{self.prefix}{update_id}"))

    async def add(self, update_id: int) -> None:
        await self.redis.set(f"{self.prefix}{update_id}", 1, ex=int(KEEP.total_seconds()))


class DedupeMiddleware(BaseMiddleware):
    def __init__(self, store: DatabaseSeen | RedisSeen | None = None) -> None:
        self.store = store or DatabaseSeen()
        self._in_flight: set[int] = set()
        self.skipped = 0

    async def __call__(self, handler, event: Any, data: dict[str, Any]) -> Any:
        if not isinstance(event, Update) or not event.update_id:  # aiogram-dialog background updates
            return await handler(event, data)
        update_id = event.update_id
        if update_id in self._in_flight or await self.store.seen(update_id):
            self.skipped += 1
            log.info("Update %s was already handled: skipping the repeat", update_id)
            return None
        self._in_flight.add(update_id)
        try:
            result = await handler(event, data)
        finally:
            self._in_flight.discard(update_id)
        try:
            await self.store.add(update_id)
        except Exception:  # noqa: BLE001 - not recording it only risks a repeat, never a loss
            log.warning("Could not record update %s as handled", update_id, exc_info=True)
        return result


def make_dedupe(redis=None) -> DedupeMiddleware:
    return DedupeMiddleware(RedisSeen(redis) if redis is not None else DatabaseSeen())

