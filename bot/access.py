"""Who gets in: members of the club's Telegram group only (optional), and nobody faster
than a person can tap.

Both are `dp.update` outer middlewares registered before every other middleware of ours
(`gates`, used by `bot.app.build_dispatcher`): an update they stop calls no handler, so it
registers nobody, writes no dialog state, is neither de-duplicated nor traced. Only
aiogram's own context middlewares (which read, never write) run before them.
aiogram-dialog's background updates (`DialogUpdate`, update_id 0: a window redrawn for
another player) are the bot's own and pass untouched.

State is in-process and small: a few entries per active user, swept as it expires. With
several replicas each keeps its own (a member is looked up once per replica; a flooder
is slowed by each replica it reaches).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.enums import ChatMemberStatus
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import Update
from aiogram_dialog.api.entities import DialogUpdate

log = logging.getLogger(__name__)

NOT_MEMBER = ("Sorry, this bot is only for members of our volleyball club's group. "
              "Ask a club admin to add you, then try again.")
CHECK_FAILED = "I couldn't check your club membership just now. Please try again in a minute."
SLOW_DOWN = "🐢 Slow down a little… that was faster than I can follow, so I skipped some of it."

MEMBER_STATUSES = {ChatMemberStatus.CREATOR, ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.MEMBER}
SWEEP_EVERY = 1000  # calls between sweeps of expired entries


def _background(event: Any) -> bool:
    return isinstance(event, DialogUpdate)


async def _refuse(event: Update, bot: Bot, text: str | None) -> None:
    """Answer a press (always, so the button's spinner stops), with `text` as an alert when
    given; a private message gets `text` as a reply. Other updates: nothing. Never raises."""
    try:
        if event.callback_query is not None:
            await bot.answer_callback_query(event.callback_query.id, text=text, show_alert=bool(text))
        elif text and event.message is not None and event.message.chat.type == "private":
            await bot.send_message(event.message.chat.id, text)
    except Exception:  # the refusal is a courtesy; the update is dropped either way
        log.warning("Could not send a refusal (update %s)", event.update_id, exc_info=True)


class ClubMembersOnly(BaseMiddleware):
    """Lets through only members of the club group (`getChatMember`: creator, administrator,
    member, or restricted but still a member), cached per user for `ttl` seconds.

    Everyone else is told once per `notice_every` seconds (a press is always answered)
    and their update goes no further. When Telegram cannot be asked (network, a wrong
    CLUB_CHAT_ID, the bot not an admin there) the gate stays closed: the user is asked to
    try again, the failure is logged and remembered for `error_ttl` seconds only.
    Lookups for one user are coalesced, so a burst of updates costs one request.
    """

    def __init__(self, chat_id: int, *, ttl: float = 300, error_ttl: float = 15, notice_every: float = 180,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.chat_id, self.ttl, self.error_ttl, self.notice_every, self.clock = (
            chat_id, ttl, error_ttl, notice_every, clock)
        self._verdicts: dict[int, tuple[bool | None, float]] = {}  # user id -> (member? None: unknown, until)
        self._told: dict[int, tuple[str, float]] = {}  # user id -> (text, when)
        self._lookups: dict[int, asyncio.Future] = {}
        self._calls = 0

    async def __call__(self, handler, event: Any, data: dict[str, Any]) -> Any:
        user = data.get("event_from_user")
        if _background(event) or user is None or not isinstance(event, Update):
            return await handler(event, data)
        self._sweep()
        verdict = await self.is_member(data["bot"], user.id)
        if verdict:
            return await handler(event, data)
        text = NOT_MEMBER if verdict is False else CHECK_FAILED
        await _refuse(event, data["bot"], text if self._should_tell(user.id, text) else None)
        return None

    async def is_member(self, bot: Bot, user_id: int) -> bool | None:
        """True/False; None when Telegram could not be asked."""
        cached = self._verdicts.get(user_id)
        if cached is not None and cached[1] > self.clock():
            return cached[0]
        pending = self._lookups.get(user_id)
        if pending is None:
            pending = self._lookups[user_id] = asyncio.ensure_future(self._lookup(bot, user_id))
            pending.add_done_callback(lambda _: self._lookups.pop(user_id, None))
        return await asyncio.shield(pending)

    async def _lookup(self, bot: Bot, user_id: int) -> bool | None:
        try:
            member = await bot.get_chat_member(self.chat_id, user_id, request_timeout=10)
        except TelegramBadRequest as exc:
            if "user not found" in exc.message.lower() or "participant_id_invalid" in exc.message.lower():
                verdict = False  # never been anywhere near the group
            else:  # "chat not found", "member list is inaccessible": the configuration, not the user
                log.error("getChatMember(%s, %s) refused: %s. Is CLUB_CHAT_ID right, and the bot an admin "
                          "of that group?", self.chat_id, user_id, exc.message)
                verdict = None
        except Exception:
            log.warning("getChatMember(%s, %s) failed; refusing for now", self.chat_id, user_id, exc_info=True)
            verdict = None
        else:
            status = member.status
            verdict = status in MEMBER_STATUSES or (
                status == ChatMemberStatus.RESTRICTED and bool(getattr(member, "is_member", False)))
        self._verdicts[user_id] = (verdict, self.clock() + (self.error_ttl if verdict is None else self.ttl))
        return verdict

    def _should_tell(self, user_id: int, text: str) -> bool:
        now = self.clock()
        last = self._told.get(user_id)
        if last is not None and last[0] == text and now - last[1] < self.notice_every:
            return False
        self._told[user_id] = (text, now)
        return True

    def _sweep(self) -> None:
        self._calls += 1
        if self._calls % SWEEP_EVERY:
            return
        now = self.clock()
        self._verdicts = {k: v for k, v in self._verdicts.items() if v[1] > now}
        self._told = {k: v for k, v in self._told.items() if now - v[1] < self.notice_every}


class Throttle(BaseMiddleware):
    """At most `rate` updates per `per` seconds from one user (a sliding window of the
    updates let through); the rest are dropped, their presses answered. The first drop of a
    flood says "slow down"; it is said again only after `quiet` seconds without a drop."""

    def __init__(self, rate: int = 5, per: float = 1.0, *, quiet: float = 10.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.rate, self.per, self.quiet, self.clock = rate, per, quiet, clock
        self._hits: dict[int, deque[float]] = {}
        self._last_drop: dict[int, float] = {}
        self._calls = 0
        self.dropped = 0

    async def __call__(self, handler, event: Any, data: dict[str, Any]) -> Any:
        user = data.get("event_from_user")
        if _background(event) or user is None or not isinstance(event, Update):
            return await handler(event, data)
        now = self.clock()
        self._sweep(now)
        hits = self._hits.setdefault(user.id, deque())
        while hits and hits[0] <= now - self.per:
            hits.popleft()
        if len(hits) < self.rate:
            hits.append(now)
            return await handler(event, data)
        self.dropped += 1
        last = self._last_drop.get(user.id)
        self._last_drop[user.id] = now
        first = last is None or now - last > self.quiet
        if first:
            log.info("User %s sends faster than %s/%.0fs: slowing them down", user.id, self.rate, self.per)
        await _refuse(event, data["bot"], SLOW_DOWN if first else None)
        return None

    def _sweep(self, now: float) -> None:
        self._calls += 1
        if self._calls % SWEEP_EVERY:
            return
        self._hits = {k: v for k, v in self._hits.items() if v and v[-1] > now - self.per}
        self._last_drop = {k: v for k, v in self._last_drop.items() if now - v <= self.quiet}


def gates(settings) -> list[BaseMiddleware]:
    """The middlewares `build_dispatcher` registers first, in this order."""
    found: list[BaseMiddleware] = []
    if settings.club_chat_id:
        found.append(ClubMembersOnly(settings.club_chat_id))
    if settings.throttle_rate:
        found.append(Throttle(settings.throttle_rate))
    return found
