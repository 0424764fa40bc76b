"""The poster: keeps the bot's messages in the club chat up to date (issue #20).

It delivers the group outbox (`models.club`): each due post is claimed, rendered as its trip
(or the week) is now, and sent — or edited in place when Telegram already shows an older
version. It runs inside the notifier's loop (`Notifier.poster`), so only the sender-lease
holder posts, and it stops with it.

Outcomes:
- sent or edited → that version is shown; a change made meanwhile is edited in next;
- "message is not modified" → success (the text was already right);
- "message to edit not found" / "message can't be edited" (deleted by an admin, or too old) →
  the post is sent anew;
- 403, or "chat not found" → the bot is out of the group: posting stops (`club.chat_lost`)
  until `my_chat_member` says it is back; one WARNING, no retry loop;
- 429 → the post waits `retry_after`, and so does everything else for that chat;
- another 400 → that version is given up (logged); 5xx/network → retried with backoff.

Pacing: Telegram allows about 20 messages a minute in a group, edits included: one call per
`per_chat_interval` (3 s) per group, pins included; a post for a chat that is not ready waits
for the next round. Delivery: a post sent but not recorded before a crash is sent again (one
duplicate per crash, as the notification outbox promises); an edit repeated is harmless.
"""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import timedelta

from aiogram import Bot
from aiogram.enums import ParseMode
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError, TelegramRetryAfter

from dialogs.club.render import NO_PREVIEW
from models import club
from models.logids import tg
from models.outbox import now_precise
from models.tables import POST_BOARD, GroupPost

log = logging.getLogger(__name__)

GROUP_INTERVAL = 3.0  # seconds between two calls to one group: 20 a minute
GONE = ("message to edit not found", "message can't be edited", "message_id_invalid")
NOT_MODIFIED = "message is not modified"


class GroupPoster:
    """`post_due_once()` sends what is due (called by the notifier's loop); returns how many
    posts it handled."""

    def __init__(self, bot: Bot, render, owner: str, *, per_chat_interval: float = GROUP_INTERVAL,
                 backoff: float = 5.0, max_backoff: float = 60.0) -> None:
        self.bot = bot
        self.render = render  # (post, bot_username, now) -> dialogs.club.render.Post
        self.owner = owner
        self.per_chat_interval = per_chat_interval
        self.backoff = backoff
        self.max_backoff = max_backoff
        self._next_call: dict[int, float] = {}  # chat id -> monotonic time it may be called again
        self._username: str | None = None

    async def _bot_username(self) -> str:
        if self._username is None:
            self._username = (await self.bot.me()).username or ""
        return self._username

    def _ready(self, chat_id: int) -> bool:
        return time.monotonic() >= self._next_call.get(chat_id, 0.0)

    def _called(self, chat_id: int, pause: float | None = None) -> None:
        self._next_call[chat_id] = time.monotonic() + (self.per_chat_interval if pause is None else pause)

    async def post_due_once(self) -> int:
        handled = 0
        for post in club.due_posts(now_precise()):
            if not self._ready(post.chat_id):
                continue
            mine = club.claim_post(post.id, self.owner, now_precise())
            if mine is None:
                continue
            handled += 1
            try:
                await self._deliver(mine)
            except asyncio.CancelledError:
                club.post_retry(mine.id, self.owner, "cut short", now_precise())
                raise
        return handled

    async def _deliver(self, post: GroupPost) -> None:
        chat = post.chat_id
        try:
            rendered = self.render(post, await self._bot_username(), now_precise())
        except Exception as exc:  # a bug, or the trip vanished: this version cannot be shown
            log.exception("Group post %s (%s) cannot be rendered", post.id, post.kind)
            club.post_refused(post.id, self.owner, post.version, f"render: {exc}")
            return
        try:
            if post.message_id is not None and not post.repost:
                message_id = await self._edit(post, rendered)
                if message_id is None:
                    return
                pinned = None
            else:
                self._called(chat)
                sent = await self.bot.send_message(chat, rendered.text, parse_mode=ParseMode.HTML,
                                                   reply_markup=rendered.reply_markup, link_preview_options=NO_PREVIEW,
                                                   disable_notification=post.kind == POST_BOARD)
                message_id = sent.message_id
                pinned = await self._pin(post, message_id) if post.kind == POST_BOARD else None
            club.post_sent(post.id, self.owner, post.version, message_id, pinned=pinned)
            log.info("Group post %s (%s) shown in %s, version %d", post.id, post.kind, tg(chat), post.version)
        except TelegramRetryAfter as exc:
            self._called(chat, exc.retry_after)
            club.post_retry(post.id, self.owner, f"429: retry after {exc.retry_after}",
                            now_precise() + timedelta(seconds=exc.retry_after))
            log.warning("Group %s: flood limit, waiting %ss", tg(chat), exc.retry_after)
        except TelegramForbiddenError as exc:
            self._lost(post, exc)
        except TelegramBadRequest as exc:
            if "chat not found" in exc.message.lower():
                self._lost(post, exc)
            else:
                club.post_refused(post.id, self.owner, post.version, exc.message)
                log.error("Group post %s (%s) refused by Telegram: %s", post.id, post.kind, exc.message)
        except Exception as exc:  # noqa: BLE001 - network, 5xx: later
            delay = min(self.backoff * 2 ** min(post.attempts, 6), self.max_backoff)
            club.post_retry(post.id, self.owner, f"{type(exc).__name__}: {exc}",
                            now_precise() + timedelta(seconds=delay))
            log.warning("Group post %s not delivered (%s); again in %.0fs", post.id, type(exc).__name__, delay)

    async def _edit(self, post: GroupPost, rendered) -> int | None:
        """The message edited in place; None when it is gone (then it is sent anew next)."""
        self._called(post.chat_id)
        try:
            await self.bot.edit_message_text(text=rendered.text, chat_id=post.chat_id, message_id=post.message_id,
                                             parse_mode=ParseMode.HTML, reply_markup=rendered.reply_markup,
                                             link_preview_options=NO_PREVIEW)
        except TelegramBadRequest as exc:
            message = exc.message.lower()
            if NOT_MODIFIED in message:
                return post.message_id
            if any(text in message for text in GONE):
                log.info("Group post %s (%s) was deleted in %s: posting it anew", post.id, post.kind,
                         tg(post.chat_id))
                club.post_gone(post.id, self.owner, now_precise())
                return None
            raise
        return post.message_id

    async def _pin(self, post: GroupPost, message_id: int) -> bool:
        """Pin the board where the bot may (quietly); without the right it works unpinned."""
        standing = club.chat_of(post.chat_id)
        if standing is None or not standing.can_pin:
            return False
        self._called(post.chat_id)
        try:
            await self.bot.pin_chat_message(post.chat_id, message_id, disable_notification=True)
        except TelegramBadRequest as exc:
            log.warning("Cannot pin the board in %s: %s", tg(post.chat_id), exc.message)
            return False
        return True

    def _lost(self, post: GroupPost, exc: Exception) -> None:
        club.chat_lost(post.chat_id)
        club.post_retry(post.id, self.owner, f"bot not in the group: {exc}", now_precise())
        log.warning("The bot cannot post in %s any more (%s): posting stopped until it is back",
                    tg(post.chat_id), exc)
