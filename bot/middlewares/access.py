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

A player who left the club group keeps a way out (`way_out`): a known player (registered,
not forgotten) who is not a member — or whose membership Telegram cannot tell just now —
may still leave a trip they hold a seat in, get out of a waiting line, and erase their data,
and nothing else: the /mytrips and /forget_me commands, the presses of exactly the windows on
those paths (`WAY_OUT_PRESSES`), and a notice's buttons that lead there (pass on an offer, leave
a trip, open the card of a trip they ride in or wait for: `_notice_way_out`). A press is identified by what the bot stored, not by what the button
says: aiogram-dialog's callback data is `<intent id>\x1d<widget id>[:<item>]`, and the
state of that intent is read from the player's own dialog storage, so a forged intent or
widget id (Join, a pickup point, another window's button) is refused here. The operations
behind the allowed presses check seats and ownership again.

Refusals are said in the language of the person refused (issue #19): they run before the
player is loaded, so by what their Telegram app reports (`language_code`), else the settings'
DEFAULT_LANGUAGE; a former member, whom the gate looked up anyway, in their stored choice.
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
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError
from aiogram.fsm.storage.base import BaseStorage, StorageKey
from aiogram.types import CallbackQuery, Message, Update
from aiogram_dialog.api.entities import DialogUpdate
from aiogram_dialog.utils import CB_SEP

from dialogs.i18n import DEFAULT_LANGUAGE, pick_language, tr_for
from dialogs.states import ForgetSG, MyTripsSG, TripSG
from models import Participant, User, WaitEntry, users
from models.tables import WAIT_ACTIVE
from models.logids import tg

log = logging.getLogger(__name__)

# The refusals: catalog keys (dialogs/locales/*/access.ftl)
NOT_MEMBER_KEY = "access-not-member"
FORMER_MEMBER_KEY = "access-former-member"
CHECK_FAILED_KEY = "access-check-failed"
SLOW_DOWN_KEY = "access-slow-down"

MEMBER_STATUSES = {ChatMemberStatus.CREATOR, ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.MEMBER}
SWEEP_EVERY = 1000  # calls between sweeps of expired entries


# The way out for a known player who is not a member: the commands, and per dialog state the
# buttons (callback data after the intent id) they may press there; "ride:<trip id>" of
# /mytrips (opening a trip card) only for a trip they hold a seat in.
WAY_OUT_COMMANDS = frozenset({"mytrips", "forget_me"})
WAY_OUT_PRESSES: dict[str, frozenset[str]] = {
    MyTripsSG.list.state: frozenset({"back"}),
    TripSG.card.state: frozenset({"leave", "unwait", "pass", "back"}),
    TripSG.leave.state: frozenset({"leave_ok", "back"}),
    ForgetSG.confirm.state: frozenset({"confirm", "back"}),
}
OPEN_SEAT = (MyTripsSG.list.state, "ride")
# A notice's buttons (plain callback data, not a dialog's): of the waiting list's and "Still OK?"
# answers (`wl:<action>:<trip id>`, dialogs/waitlist) passing on an offer for a line they are in,
# and leaving a trip they hold a seat in (asked, then confirmed) — never taking a seat; and
# "🚗 Open trip" (`nt:trip:<trip id>`) to the card of a trip they hold a seat in or wait for, where
# they may leave the line (`unwait`, `pass` above).
WAY_OUT_LINE_ANSWERS = frozenset({"pass"})
WAY_OUT_SEAT_ANSWERS = frozenset({"leave", "yes"})


def _command(message: Message) -> str | None:
    """"/forget_me@carpool_bot args" -> "forget_me" (the handlers' filters check the rest)."""
    text = message.text or ""
    if not text.startswith("/"):
        return None
    return text[1:].split(maxsplit=1)[0].partition("@")[0] if len(text) > 1 else None


def _holds_seat(telegram_id: int, trip_id: str) -> bool:
    return trip_id.isdigit() and len(trip_id) < 12 and Participant.select().join(User).where(
        (User.telegram_id == telegram_id) & (Participant.trip == int(trip_id))).exists()


def _in_line(telegram_id: int, trip_id: str) -> bool:
    """In the trip's waiting line (waiting, or a seat offered to them)."""
    return trip_id.isdigit() and len(trip_id) < 12 and WaitEntry.select().join(User).where(
        (User.telegram_id == telegram_id) & (WaitEntry.trip == int(trip_id))
        & WaitEntry.status.in_(WAIT_ACTIVE)).exists()


def _notice_way_out(telegram_id: int, data: str) -> bool:
    """A press on a notice's button that leads out of a line or a trip (see WAY_OUT_LINE_ANSWERS)."""
    kind, _, rest = data.partition(":")
    action, _, trip_id = rest.partition(":")
    if kind == "wl":
        return ((action in WAY_OUT_LINE_ANSWERS and _in_line(telegram_id, trip_id))
                or (action in WAY_OUT_SEAT_ANSWERS and _holds_seat(telegram_id, trip_id)))
    return kind == "nt" and action == "trip" and (_holds_seat(telegram_id, trip_id) or _in_line(telegram_id, trip_id))


async def _press_state(query: CallbackQuery, bot: Bot, storage: BaseStorage) -> tuple[str | None, str]:
    """(dialog state the pressed button's intent is in, the rest of its callback data) — state
    None when the intent is unknown in this player's own private chat."""
    intent_id, sep, rest = (query.data or "").partition(CB_SEP)
    chat = query.message.chat if query.message is not None else None
    if not sep or not intent_id or chat is None or chat.type != "private" or chat.id != query.from_user.id:
        return None, rest
    key = StorageKey(bot_id=bot.id, chat_id=chat.id, user_id=chat.id, destiny=f"aiogd:context:{intent_id}")
    return (await storage.get_data(key)).get("state"), rest


async def way_out(event: Update, data: dict[str, Any]) -> bool:
    """True if this update of a known player who is not a member leads to leaving a trip
    they hold a seat in or to /forget_me (see the module docstring)."""
    user_id = data["event_from_user"].id
    if event.message is not None:
        allowed = event.message.chat.type == "private" and _command(event.message) in WAY_OUT_COMMANDS
    elif event.callback_query is not None and (event.callback_query.data or "").startswith(("wl:", "nt:")):
        allowed = _notice_way_out(user_id, event.callback_query.data)
    elif event.callback_query is not None and "fsm_storage" in data:
        state, rest = await _press_state(event.callback_query, data["bot"], data["fsm_storage"])
        widget, _, item = rest.partition(":")
        allowed = rest in WAY_OUT_PRESSES.get(state, ()) or (
            (state, widget) == OPEN_SEAT and _holds_seat(user_id, item))
    else:
        allowed = False
    return allowed and users.get_user(user_id) is not None


def _background(event: Any) -> bool:
    return isinstance(event, DialogUpdate)


def refusal(key: str, data: dict[str, Any], known: User | None = None) -> str:
    """The refusal `key` in the language of whoever sent the update: a `known` player's stored
    choice, else their Telegram app's language when the bot speaks it, else the default."""
    if known is not None and known.language:
        return tr_for(known.language)(key)
    settings = data.get("settings")
    default = settings.default_language if settings is not None else DEFAULT_LANGUAGE
    return tr_for(pick_language(getattr(data["event_from_user"], "language_code", None), default))(key)


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
        self._told: dict[int, tuple[str, float]] = {}  # user id -> (refusal key, when)
        self._lookups: dict[int, asyncio.Future] = {}
        self._calls = 0

    async def __call__(self, handler, event: Any, data: dict[str, Any]) -> Any:
        user = data.get("event_from_user")
        if _background(event) or user is None or not isinstance(event, Update) or self._in_the_club_chat(event):
            return await handler(event, data)
        self._sweep()
        verdict = await self.is_member(data["bot"], user.id)
        if verdict or await way_out(event, data):
            return await handler(event, data)
        key, known = CHECK_FAILED_KEY, None
        if verdict is False:
            known = users.get_user(user.id)
            key = FORMER_MEMBER_KEY if known is not None else NOT_MEMBER_KEY
        await _refuse(event, data["bot"], refusal(key, data, known) if self._should_tell(user.id, key) else None)
        return None

    def _in_the_club_chat(self, event: Update) -> bool:
        """Updates from the club chat itself pass: its messages come from its members, and the
        bot's own standing there (`my_chat_member`) must be heard even when it can no longer
        look the admin who changed it up (issue #20)."""
        chat = (event.message or event.my_chat_member or event.edited_message)
        return chat is not None and chat.chat.id == self.chat_id

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
                          "of that group?", self.chat_id, tg(user_id), exc.message)
                verdict = None
        except TelegramForbiddenError as exc:  # the bot is out of the group: expected, no traceback
            log.warning("getChatMember(%s, %s) refused: %s (the bot is not in the club chat)", self.chat_id,
                        tg(user_id), exc.message)
            verdict = None
        except Exception:
            log.warning("getChatMember(%s, %s) failed; refusing for now", self.chat_id, tg(user_id), exc_info=True)
            verdict = None
        else:
            status = member.status
            verdict = status in MEMBER_STATUSES or (
                status == ChatMemberStatus.RESTRICTED and bool(getattr(member, "is_member", False)))
        self._verdicts[user_id] = (verdict, self.clock() + (self.error_ttl if verdict is None else self.ttl))
        return verdict

    def _should_tell(self, user_id: int, key: str) -> bool:
        now = self.clock()
        last = self._told.get(user_id)
        if last is not None and last[0] == key and now - last[1] < self.notice_every:
            return False
        self._told[user_id] = (key, now)
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
            log.info("User %s sends faster than %s/%.0fs: slowing them down", tg(user.id), self.rate, self.per)
        await _refuse(event, data["bot"], refusal(SLOW_DOWN_KEY, data) if first else None)
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
