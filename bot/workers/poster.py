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
`per_chat_interval` (3 s) per group, pins included (a board just sent is pinned at the chat's
next turn, before its other posts); a post for a chat that is not ready waits for the next
round. An edit that would show exactly what this poster last showed in that message (a join
and a leave within the debounce) makes no call at all: the group's budget goes to changes.

The board posted anew (`/board`, or the bot back in the group) replaces the old message: it is
deleted at the chat's next turn, so the group keeps one board (and one pinned).

Delivery: a post sent but not recorded before a crash is sent again (one duplicate per crash,
as the notification outbox promises); an edit repeated is harmless. The sole possible poster
(one process on SQLite, `recover_claims`) takes back the claims of its dead predecessor at
its first round instead of waiting out `club.CLAIM_TIMEOUT`.
"""

from __future__ import annotations

import asyncio
import hashlib
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
SHOWN_MAX = 5000  # posts whose last shown content is remembered


class GroupPoster:
    """`post_due_once()` sends what is due (called by the notifier's loop); returns how many
    posts it handled."""

    def __init__(self, bot: Bot, render, owner: str, *, per_chat_interval: float = GROUP_INTERVAL,
                 backoff: float = 5.0, max_backoff: float = 60.0, recover_claims: bool = False) -> None:
        self.bot = bot
        self.render = render  # (post, bot_username, now) -> dialogs.club.render.Post
        self.owner = owner
        self.per_chat_interval = per_chat_interval
        self.backoff = backoff
        self.max_backoff = max_backoff
        self._recover = recover_claims  # the sole poster: claims found at the first round are a dead run's
        self._next_call: dict[int, float] = {}  # chat id -> monotonic time it may be called again
        self._shown: dict[int, tuple[int, str]] = {}  # post id -> (message id, digest of what it shows)
        self._pin_failed: set[tuple[int, int]] = set()  # (post id, message id) Telegram would not pin
        self._retired: list[tuple[int, int]] = []  # (chat id, message id) of boards posted anew: to delete
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
        if self._recover:
            self._recover = False
            for post_id, holder in club.release_post_claims(self.owner):
                log.warning("Group post %s: claim of poster %s released (that poster stopped); a new message "
                            "it was sending goes out again and may show twice", post_id, holder)
        handled = await self._pin_boards() + await self._delete_retired()
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
        digest = _digest(rendered)
        try:
            if post.message_id is not None and not post.repost:
                if self._shown.get(post.id) == (post.message_id, digest):  # nothing to change: no call
                    club.post_sent(post.id, self.owner, post.version, post.message_id)
                    return
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
                pinned = False if post.kind == POST_BOARD else None  # pinned at the chat's next turn
                if post.message_id is not None:  # posted anew (/board): the old one goes, one board stays
                    self._retired.append((chat, post.message_id))
            club.post_sent(post.id, self.owner, post.version, message_id, pinned=pinned)
            if len(self._shown) > SHOWN_MAX:  # a year of a club's posts; forgetting only costs an edit
                self._shown.clear()
            self._shown[post.id] = (message_id, digest)
            log.info("Group post %s (%s) shown in %s, version %d", post.id, post.kind, tg(chat), post.version)
        except TelegramRetryAfter as exc:
            self._called(chat, exc.retry_after)
            club.post_retry(post.id, self.owner, f"429: retry after {exc.retry_after}",
                            now_precise() + timedelta(seconds=exc.retry_after))
            log.warning("Group %s: flood limit, waiting %ss", tg(chat), exc.retry_after)
        except TelegramForbiddenError as exc:
            self._lost(chat, exc, post)
        except TelegramBadRequest as exc:
            if "chat not found" in exc.message.lower():
                self._lost(chat, exc, post)
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

    async def _pin_boards(self) -> int:
        """Pin (quietly) the boards shown but not pinned where the bot may pin, each at its chat's
        turn; without the right the board works unpinned. Returns how many it tried."""
        tried = 0
        for board in club.boards_to_pin():
            key = (board.id, board.message_id)
            if key in self._pin_failed or not self._ready(board.chat_id):
                continue
            tried += 1
            self._called(board.chat_id)
            try:
                await self.bot.pin_chat_message(board.chat_id, board.message_id, disable_notification=True)
            except TelegramRetryAfter as exc:
                self._called(board.chat_id, exc.retry_after)
                log.warning("Group %s: flood limit, waiting %ss", tg(board.chat_id), exc.retry_after)
            except TelegramForbiddenError as exc:
                self._lost(board.chat_id, exc)
            except TelegramBadRequest as exc:
                if "rights" in exc.message.lower():  # taken without an update reaching the bot
                    club.cannot_pin(board.chat_id)
                else:  # the board is gone (its next edit posts it anew), or another refusal
                    self._pin_failed.add(key)
                log.warning("Cannot pin the board in %s: %s", tg(board.chat_id), exc.message)
            except Exception as exc:  # noqa: BLE001 - network, 5xx: at the chat's next turn
                log.warning("Pinning the board in %s failed (%s); trying again", tg(board.chat_id), exc)
            else:
                club.board_pinned(board.id, board.message_id)
                log.info("Board pinned in %s", tg(board.chat_id))
        return tried

    async def _delete_retired(self) -> int:
        """Delete the boards that were posted anew, each at its chat's turn (one try: a board too old
        for the bot to delete stays, stale — a crash before this leaves it too)."""
        tried = 0
        for chat_id, message_id in list(self._retired):
            if not self._ready(chat_id):
                continue
            tried += 1
            self._called(chat_id)
            try:
                await self.bot.delete_message(chat_id, message_id)
            except TelegramRetryAfter as exc:
                self._called(chat_id, exc.retry_after)
                continue
            except Exception as exc:  # noqa: BLE001 - gone already, too old, the bot out: it stays
                log.info("The old board %s in %s was not deleted: %s", message_id, tg(chat_id), exc)
            self._retired.remove((chat_id, message_id))
        return tried

    def _lost(self, chat_id: int, exc: Exception, post: GroupPost | None = None) -> None:
        change = club.chat_lost(chat_id)
        if post is not None:
            club.post_retry(post.id, self.owner, f"bot not in the group: {exc}", now_precise())
        log.warning("The bot cannot post in %s any more (%s): posting stopped until it is back%s", tg(chat_id), exc,
                    f"; {tg(change.configured_by)} is told" if change.was_active and change.configured_by else "")


def _digest(rendered) -> str:
    """What a message shows (text and buttons), to tell an edit that changes nothing."""
    markup = rendered.reply_markup.model_dump_json(exclude_none=True) if rendered.reply_markup is not None else ""
    return hashlib.sha256(f"{rendered.text}\0{markup}".encode()).hexdigest()
