"""Logs at INFO carry no Telegram id in clear (issue #16, item 8): a whole flow of the real
`carpool-bot` process against the fake Bot API, its stdout and its log file read afterwards.

The flow touches every place that logs about a user: the membership gate (a stranger, a
lookup), the throttle, blocking and unblocking the bot, the outbox sender, a refused
forged press, a player who left the club group leaving a trip and using /forget_me. The
ids are long and distinctive so that any of them, anywhere in a line, is found.
"""

from __future__ import annotations

import signal
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.devtools.fakeapi import BENIGN_ERRORS, FakeTelegram
from tests.process import BotProcess
from tests.world import open_card, wait_message

TOKEN = "123456:TEST-token-for-the-fake-bot-api-0000"
CLUB = -1001234567890
DEE, ANN, ZED = 6_100_200_301, 6_100_200_302, 6_100_200_303


@pytest.fixture
def tg():
    with FakeTelegram(token=TOKEN) as fake:
        fake.group(CLUB)
        yield fake


def run(tg, tmp_path) -> BotProcess:
    return BotProcess(tg, tmp_path, CLUB_CHAT_ID=str(CLUB), THROTTLE_RATE="20", LOG_LEVEL="INFO").start()


def seed_trip(tmp_path) -> int:
    """Dee, a driver, with a trip to the club gym tomorrow, in the database the bot will open."""
    from bot.infra.db import init_database, migrate
    from models import ROLE_DRIVER, trips, users

    url = f"sqlite:///{tmp_path}/data/carpool.sqlite3"
    (tmp_path / "data").mkdir()
    migrate(url, backup=False)
    database = init_database(url)
    try:
        users.register_user(DEE, "Dee", username="dee")
        users.set_role(DEE, ROLE_DRIVER)
        return trips.create_trip(DEE, trips.TripDraft(
            destination="Club gym", departure_date=datetime.now(UTC).date() + timedelta(days=1), seats=3,
            pickups=[trips.PickupDraft("Central Station", time(18))]), ZoneInfo("UTC")).id
    finally:
        database.close()


def stop(bot: BotProcess) -> None:
    code, _ = bot.stop(signal.SIGTERM)
    assert code == 0, bot.output()


def test_a_whole_flow_logs_no_telegram_id(tg, tmp_path):
    dee, ann, zed = tg.user(DEE, "Dee", "dee"), tg.user(ANN, "Ann", "ann"), tg.user(ZED, "Zed", "zed")
    for uid, status in ((DEE, "member"), (ANN, "member"), (ZED, "left")):
        tg.set_member_status(CLUB, uid, status)
    trip_id = seed_trip(tmp_path)
    bot = run(tg, tmp_path)
    try:
        zed.send("/start")
        zed.wait_screen("only for members")
        dee.send("/start")
        dee.wait_screen("you are a 🚗 driver")
        ann.send(f"/start trip_{trip_id}")
        ann.wait_screen("Club gym")
        ann.press("🙋 Join")  # one pickup point: straight to the confirmation
        ann.wait_screen("Take a seat")
        ann.press("✅ Join")
        ann.wait_screen("You have a seat")
        wait_message(dee, "joined your trip")  # through the outbox sender
        card = ann.screen()
        intent = card.callback_data[0].split("\x1d", 1)[0]
        ann.callback(f"{intent}\x1dedit")  # a forged press: refused and logged
        dee.block_bot()
        dee.unblock_bot()
        for _ in range(40):  # faster than a person
            dee.send("/help")
        wait_message(dee, "Slow down")
        stop(bot)

        tg.set_member_status(CLUB, ANN, "left")  # a fresh process asks Telegram again
        bot = run(tg, tmp_path)
        open_card(ann, "/mytrips", "My trips", "Club gym", "You have a seat")
        ann.press("🚶 Leave")
        ann.wait_screen("Leave this trip?")
        ann.press("🚶 Yes, leave")
        wait_message(dee, "left your trip")
        ann.send("/trips")
        wait_message(ann, "no longer in our volleyball club")
        ann.send("/forget_me")
        ann.wait_screen("Forget me")
        ann.press("🗑 Yes, forget me")
        wait_message(ann, "I have forgotten you")
        stop(bot)
    finally:
        bot.kill()
    assert not tg.rejected(ignore=BENIGN_ERRORS)
    out = bot.output() + (tmp_path / "logs" / "carpool-bot.log").read_text()
    assert "tg:" in out and "slowing them down" in out and "blocked the bot" in out and "forget_me" in out
    assert "Sent notification" in out and "getChatMember" not in out  # lookups that worked are not logged
    leaks = [line for line in out.splitlines() if any(str(uid) in line for uid in (DEE, ANN, ZED))]
    assert leaks == []
