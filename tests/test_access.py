"""Who gets in: club members only (CLUB_CHAT_ID), and nobody faster than a person.

Through the real dispatcher on the bot's own storage (outsiders leave no row anywhere),
with a clock the tests move; and once through the real process against the fake Bot API.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import sqlite3
from dataclasses import replace

import pytest
from aiogram.exceptions import TelegramBadRequest, TelegramNetworkError
from aiogram.methods import GetChatMember
from aiogram.types import ChatMemberAdministrator, ChatMemberLeft, ChatMemberMember, ChatMemberOwner
from aiogram.types import ChatMemberBanned, ChatMemberRestricted, Update, User as TgUser
from aiogram_dialog import ShowMode
from aiogram_dialog.test_tools.keyboard import InlineButtonTextLocator

from bot.app import build_dispatcher
from bot.config import ConfigError, load_settings
from bot.infra.storage import PeeweeStorage
from bot.middlewares import access
from bot.middlewares.access import (
    CHECK_FAILED_KEY, FORMER_MEMBER_KEY, NOT_MEMBER_KEY, SLOW_DOWN_KEY, ClubMembersOnly, Throttle)
from bot.middlewares.inflight import InFlight
from bot.middlewares.user import UserMiddleware
from dialogs.i18n import tr_for
from dialogs.menu.commands import help_text
from models import (
    ROLE_DRIVER, ROLE_PASSENGER, FsmRecord, Notification, Participant, Trip, User, queries, rides, trips, users,
)
from tests.harness import DialogEnv, RecordingBot
from tests.steps import open_my_trip, taps
from tests.test_forgery import SEP, intent_of, own_button, press, rewrite

CLUB = -1001234567890
EN = tr_for("en")  # the texts below, as an English-speaking player reads them
NOT_MEMBER, FORMER_MEMBER, CHECK_FAILED, SLOW_DOWN = (
    EN(key) for key in (NOT_MEMBER_KEY, FORMER_MEMBER_KEY, CHECK_FAILED_KEY, SLOW_DOWN_KEY))
HELP_TEXT = help_text(EN)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class ClubBot(RecordingBot):
    """Answers getChatMember from `status` (user id -> status name or an exception)."""

    def __init__(self) -> None:
        super().__init__()
        self.status: dict[int, object] = {}

    async def __call__(self, method, request_timeout=None):
        if not isinstance(method, GetChatMember):
            return await super().__call__(method, request_timeout)
        self.calls.append(method)
        assert method.chat_id == CLUB
        status = self.status.get(method.user_id, "left")
        if isinstance(status, Exception):
            raise status
        user = TgUser(id=method.user_id, is_bot=False, first_name="X")
        if status.startswith("restricted"):
            return ChatMemberRestricted.model_construct(status="restricted", user=user,
                                                        is_member=status == "restricted+member")
        kind = {"creator": ChatMemberOwner, "administrator": ChatMemberAdministrator, "member": ChatMemberMember,
                "left": ChatMemberLeft, "kicked": ChatMemberBanned}[status]
        return kind.model_construct(status=status, user=user)

    def lookups(self) -> int:
        return sum(isinstance(c, GetChatMember) for c in self.calls)


class GatedEnv(DialogEnv):
    """The bot's dispatcher with its own storage and the given settings; the gates' clocks are ours."""

    def __init__(self, settings):
        super().__init__(settings)
        self.bot = ClubBot()
        self.app = build_dispatcher(settings, storage=PeeweeStorage(), message_manager=self.mm)
        self.dp = self.app.dispatcher
        self.clock = Clock()
        for m in self.dp.update.outer_middleware:
            if isinstance(m, (ClubMembersOnly, Throttle)):
                m.clock = self.clock

    def gate(self, kind):
        return next(m for m in self.dp.update.outer_middleware if isinstance(m, kind))


@pytest.fixture
def club_env(database, settings):
    return GatedEnv(replace(settings, club_chat_id=CLUB))


@pytest.fixture
def throttled_env(database, settings):
    return GatedEnv(replace(settings, throttle_rate=5))


async def settle() -> None:
    """Let aiogram-dialog's background updates (tasks it schedules) run."""
    for _ in range(10):
        await asyncio.sleep(0.01)


def traces_of(tid: int) -> list:
    return ([u.id for u in User.select().where(User.telegram_id == tid)]
            + [r.key for r in FsmRecord.select() if f":{tid}:" in r.key])


# --- membership --------------------------------------------------------------------------


def test_gates_come_first_and_only_when_configured(settings):
    def ours(s):
        return [type(m) for m in build_dispatcher(s).dispatcher.update.outer_middleware
                if not type(m).__module__.startswith("aiogram.")]

    open_ = ours(settings)  # open; throttle off in tests
    assert ClubMembersOnly not in open_ and Throttle not in open_ and InFlight in open_
    gated = ours(replace(settings, club_chat_id=CLUB, throttle_rate=5))
    # before every middleware of ours that handles the update (an outage guard around them all may wrap them)
    first = gated.index(ClubMembersOnly)
    assert gated[first:first + 3] == [ClubMembersOnly, Throttle, InFlight] and UserMiddleware in gated[first:]


async def test_outsiders_are_refused_politely_once_and_leave_no_trace(club_env):
    env = club_env
    zed = env.player(300, "Zed")
    for text in ("/start", "/start", "/forget_me"):
        await zed.send(text)
    assert env.bot.sent_texts(300) == [NOT_MEMBER]  # once, not on every update
    env.bot.status[301] = "member"
    ann = env.player(301, "Ann")
    screen = await ann.send("/start")
    assert "Welcome" in screen.text
    in_zeds_chat = screen.model_copy(update={"chat": screen.chat.model_copy(update={"id": 300})})
    callback_id = await zed.client.click(in_zeds_chat, InlineButtonTextLocator("🚗 I drive"))
    answers = [c for c in env.bot.callback_answers() if c.callback_query_id == callback_id]
    assert len(answers) == 1 and not answers[0].text  # the spinner stops; no second lecture
    assert traces_of(300) == []
    assert env.bot.lookups() == 2  # Zed once (cached), Ann once
    env.clock.now += 301  # a few minutes later: asked again, told again
    await zed.send("/start")
    assert env.bot.sent_texts(300) == [NOT_MEMBER, NOT_MEMBER] and env.bot.lookups() == 3
    assert traces_of(300) == []


@pytest.mark.parametrize("status, allowed", [
    ("creator", True), ("administrator", True), ("member", True), ("restricted+member", True),
    ("restricted", False), ("left", False), ("kicked", False),
])
async def test_who_counts_as_a_member(club_env, status, allowed):
    club_env.bot.status[5] = status
    screen = await club_env.player(5, "Pat").send("/start")
    assert (screen is not None and "Welcome" in screen.text) is allowed
    assert bool(traces_of(5)) is allowed


async def test_membership_is_cached_for_a_few_minutes(club_env):
    env = club_env
    env.bot.status[7] = "member"
    ann = env.player(7, "Ann")
    await ann.send("/start")
    env.bot.status[7] = "left"  # she leaves the group
    await ann.send("/help")
    assert env.bot.sent_texts(7)[-1] == HELP_TEXT and env.bot.lookups() == 1
    env.clock.now += 301
    await ann.send("/help")
    assert env.bot.sent_texts(7)[-1] == FORMER_MEMBER and env.bot.lookups() == 2


async def test_lookup_failure_fails_closed_briefly(club_env, caplog):
    env = club_env
    env.bot.status[8] = TelegramNetworkError(method=None, message="connection reset")
    ann = env.player(8, "Ann")
    await ann.send("/start")
    await ann.send("/start")
    assert env.bot.sent_texts(8) == [CHECK_FAILED] and env.bot.lookups() == 1
    assert "getChatMember" in caplog.text and traces_of(8) == []
    env.bot.status[8] = "member"
    env.clock.now += 16  # the failure is not remembered long
    screen = await ann.send("/start")
    assert "Welcome" in screen.text and env.bot.lookups() == 2


async def test_wrong_club_chat_is_logged_as_an_error(club_env, caplog):
    club_env.bot.status[9] = TelegramBadRequest(method=None, message="Bad Request: chat not found")
    with caplog.at_level(logging.ERROR, logger="bot.middlewares.access"):
        await club_env.player(9, "Ann").send("/start")
    assert club_env.bot.sent_texts(9) == [CHECK_FAILED] and "Is CLUB_CHAT_ID right" in caplog.text


async def test_background_updates_pass_untouched(club_env):
    """A window redrawn for another player (aiogram-dialog's update_id 0) is not gated."""
    env = club_env
    env.bot.status[10] = "member"
    ann = env.player(10, "Ann")
    await ann.send("/start")
    env.bot.status[10] = "left"
    env.clock.now += 1000
    shown = len(env.mm.sent_messages)
    await env.app.bg_factory.bg(env.bot, user_id=10, chat_id=10).update({}, show_mode=ShowMode.EDIT)
    await settle()
    assert len(env.mm.sent_messages) == shown + 1 and env.bot.lookups() == 1


# --- a player who left the club group: a way out, and nothing else (issue #16, item 9) -------


def _trip(driver: int, dest: str, days: int):
    from datetime import time, timedelta
    from zoneinfo import ZoneInfo

    utc = ZoneInfo("UTC")
    return trips.create_trip(driver, trips.TripDraft(
        destination=dest, departure_date=trips.local_today(utc) + timedelta(days=days), seats=3,
        pickups=[trips.PickupDraft(f"{dest} stop", time(18))]), utc)


@pytest.fixture
def former(club_env):
    """Dee drives to the Gym and the Cup; Ann holds a seat to the Gym, then leaves the club group."""
    env = club_env
    for tid, name, role in ((1, "Dee", ROLE_DRIVER), (2, "Ann", ROLE_PASSENGER)):
        users.register_user(tid, name)
        users.set_role(tid, role)
        env.bot.status[tid] = "member"
    env.gym, env.cup = _trip(1, "Gym", 1), _trip(1, "Cup", 2)
    rides.join_trip(2, env.gym.id, queries.pickup_points(env.gym.id)[0].id)
    env.bot.status[2] = "left"
    return env


def seats_of(tid: int) -> list[int]:
    return [p.trip_id for p in Participant.select().join(User).where(User.telegram_id == tid)]


async def test_former_member_can_leave_a_trip_and_forget_themselves(former):
    env = former
    ann = env.player(2, "Ann")
    await open_my_trip(ann)
    screen = await taps(ann, "🚶 Leave", "🚶 Yes, leave")
    assert seats_of(2) == [] and "🙋 Join" in ann.buttons()  # the card again, seat free
    assert [n.kind for n in Notification.select().join(User).where(User.telegram_id == 1)] == ["joined", "left"]
    assert "Leave this trip?" not in screen.text
    await ann.send("/forget_me")
    await ann.click("🗑 Yes, forget me")
    assert users.get_user(2) is None and any("I have forgotten you" in t for t in env.bot.sent_texts(2))
    assert FORMER_MEMBER not in env.bot.sent_texts(2) and NOT_MEMBER not in env.bot.sent_texts(2)
    await ann.send("/mytrips")  # forgotten: a stranger now, and not a member
    assert env.bot.sent_texts(2)[-1] == NOT_MEMBER


async def test_former_member_can_do_nothing_else(former):
    env = former
    ann = env.player(2, "Ann")
    role_before = User.get(User.telegram_id == 2).role
    for text in ("/start", "/trips", "/newtrip", "/switch_role", "/help", "/cancel", "/start trip_1", "hello"):
        await ann.send(text)
    assert env.bot.sent_texts(2) == [FORMER_MEMBER]  # told once what is left to them
    assert User.get(User.telegram_id == 2).role == role_before
    mine = await ann.send("/mytrips")
    intent = intent_of(mine)
    for data in (rewrite(own_button(mine, "ride:"), env.cup.id),  # a trip she has no seat in
                 f"{intent}{SEP}ride:abc", f"{intent}{SEP}drive:{env.gym.id}", f"nosuchintent{SEP}leave_ok",
                 f"{intent}{SEP}back:1"):
        answer = await press(ann, mine, data)
        assert answer is not None and answer.text in (FORMER_MEMBER, None), data
    assert "My trips" in ann.screen().text  # nothing opened
    card = await ann.click(".*Gym.*")
    intent = intent_of(card)
    for widget in ("join", "chg", "edit", "cancel_trip", "save_tpl", f"pt:{env.gym.id}", "leave_ok", "join_ok"):
        await press(ann, card, f"{intent}{SEP}{widget}")
    await taps(ann, "🚶 Leave", "🚶 Yes, leave")
    for _ in range(2):  # the card now shows Join: pressed, refused
        await press(ann, ann.screen(), own_button(ann.screen(), "join"))
        assert seats_of(2) == [] and "Where do you get in?" not in ann.screen().text
    leave = await ann.click("⬅️ Back")  # to her trips, still allowed
    assert "My trips" in leave.text
    assert seats_of(2) == [] and Trip.select().count() == 2


async def test_former_member_way_out_also_when_telegram_cannot_be_asked(former):
    env = former
    env.bot.status[2] = TelegramNetworkError(method=None, message="connection reset")
    ann = env.player(2, "Ann")
    await ann.send("/trips")
    assert env.bot.sent_texts(2) == [CHECK_FAILED]
    screen = await ann.send("/mytrips")
    assert "My trips" in screen.text


def test_config(monkeypatch):
    monkeypatch.setenv("TELEGRAM_TOKEN", "123456:ABCdefGHIjklMNOpqrSTUvwxYZ")
    for name in ("CLUB_CHAT_ID", "THROTTLE_RATE"):
        monkeypatch.delenv(name, raising=False)
    s = load_settings(None)
    assert s.club_chat_id is None and s.throttle_rate == 5  # open, throttled
    monkeypatch.setenv("CLUB_CHAT_ID", " -1001234567890 ")
    monkeypatch.setenv("THROTTLE_RATE", "0")
    s = load_settings(None)
    assert s.club_chat_id == -1001234567890 and s.throttle_rate == 0
    monkeypatch.setenv("CLUB_CHAT_ID", "")
    assert load_settings(None).club_chat_id is None
    monkeypatch.setenv("CLUB_CHAT_ID", "12345")  # a user id, not a group
    monkeypatch.setenv("THROTTLE_RATE", "-1")
    with pytest.raises(ConfigError) as info:
        load_settings(None)
    assert {p.split(":")[0] for p in info.value.problems} == {"CLUB_CHAT_ID", "THROTTLE_RATE"}


# --- throttle ----------------------------------------------------------------------------


async def test_flooding_is_slowed_with_one_notice_others_unaffected(throttled_env):
    env = throttled_env
    ann, bob = env.player(20, "Ann"), env.player(21, "Bob")
    for _ in range(5):
        await ann.send("/help")
    env.clock.now += 0.5
    for _ in range(10):
        await ann.send("/help")
    await bob.send("/help")
    assert env.bot.sent_texts(20) == [HELP_TEXT] * 5 + [SLOW_DOWN]
    assert env.bot.sent_texts(21) == [HELP_TEXT]
    env.clock.now += 0.6  # the window has moved on: she may go on, at a person's pace
    await ann.send("/help")
    for _ in range(10):  # still flooding: dropped, not lectured again
        await ann.send("/help")
    assert env.bot.sent_texts(20) == [HELP_TEXT] * 5 + [SLOW_DOWN] + [HELP_TEXT] * 5
    env.clock.now += 30  # a new flood after a quiet spell: one new notice
    for _ in range(7):
        await ann.send("/help")
    assert env.bot.sent_texts(20)[-3:] == [HELP_TEXT, HELP_TEXT, SLOW_DOWN]


async def test_dropped_presses_are_answered(throttled_env):
    env = throttled_env
    ann = env.player(22, "Ann")
    screen = await ann.send("/start")
    for _ in range(4):
        await ann.send("/help")
    ids = [await ann.client.click(screen, InlineButtonTextLocator("🚗 I drive")) for _ in range(3)]
    answers = {c.callback_query_id: c for c in env.bot.callback_answers()}
    assert [(answers[i].text, bool(answers[i].show_alert)) for i in ids] == [
        (SLOW_DOWN, True), (None, False), (None, False)]
    assert User.get(User.telegram_id == 22).role is None  # none of them was handled
    assert env.gate(Throttle).dropped == 3


async def test_background_updates_are_not_throttled(throttled_env):
    env = throttled_env
    ann = env.player(23, "Ann")
    await ann.send("/start")
    for _ in range(4):
        await ann.send("/help")
    shown = len(env.mm.sent_messages)
    for _ in range(3):
        await env.app.bg_factory.bg(env.bot, user_id=23, chat_id=23).update({}, show_mode=ShowMode.EDIT)
    await settle()
    assert len(env.mm.sent_messages) == shown + 3 and env.gate(Throttle).dropped == 0


async def test_gates_forget_expired_entries():
    clock = Clock()
    throttle = Throttle(2, clock=clock)

    async def handler(event, data):
        return "handled"

    bot = RecordingBot()
    for uid in range(access.SWEEP_EVERY - 1):
        await throttle(handler, Update(update_id=uid + 1), {"event_from_user": TgUser(id=uid + 1, is_bot=False,
                                                                                       first_name="x"), "bot": bot})
    assert len(throttle._hits) == access.SWEEP_EVERY - 1
    clock.now += 60
    await throttle(handler, Update(update_id=10**6), {"event_from_user": TgUser(id=1, is_bot=False, first_name="x"),
                                                       "bot": bot})
    assert len(throttle._hits) == 1


# --- the real process --------------------------------------------------------------------


def test_real_process_lets_members_in_only(tmp_path):
    from bot.devtools.fakeapi import BENIGN_ERRORS, FakeTelegram
    from tests.process import BotProcess

    with FakeTelegram(token="123456:TEST-token-for-the-fake-bot-api-0000") as tg:
        tg.group(CLUB)
        tg.set_member_status(CLUB, 401, "left")
        bot = BotProcess(tg, tmp_path, CLUB_CHAT_ID=str(CLUB))
        try:
            bot.start()
            zed, ann = tg.user(401, "Zed"), tg.user(402, "Ann")
            zed.send("/start")
            zed.wait_screen("only for members")
            ann.send("/start")
            ann.wait_screen("Welcome")
            code, _ = bot.stop(signal.SIGTERM)
        finally:
            bot.kill()
        assert code == 0, bot.output()
        assert not tg.rejected(ignore=BENIGN_ERRORS)
    db = sqlite3.connect(tmp_path / "data" / "carpool.sqlite3")
    assert db.execute('SELECT telegram_id FROM "user"').fetchall() == [(402,)]
    assert not db.execute("SELECT key FROM fsm_record WHERE key LIKE '%:401:%'").fetchall()
    db.close()
