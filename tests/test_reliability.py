"""Delivery, duplicates, crashes: repeated updates have their effects once; kill -9 loses
nothing; the bot rides out the faults Telegram's API throws at it."""

import dataclasses
import signal
import threading
import time
from datetime import timedelta

import pytest
from aiogram.types import Update
from aiogram_dialog.test_tools.keyboard import InlineButtonTextLocator

from bot.middlewares.dedupe import DatabaseSeen, DedupeMiddleware
from models import (
    ROLE_DRIVER, ROLE_PASSENGER, Notification, Participant, PickupPoint, ProcessedUpdate, Trip, outbox, trips,
    users,
)
from bot.devtools.fakeapi import BENIGN_ERRORS
from tests.process import BotProcess
from tests.steps import new_driver
from tests.test_webhook import SECRET, Hook, message_update, post, wait_until
from tests.world import sign_up


def seed_trip(seats=3):
    users.register_user(1, "Dee")
    users.set_role(1, ROLE_DRIVER)
    from zoneinfo import ZoneInfo

    utc = ZoneInfo("UTC")
    return trips.create_trip(1, trips.TripDraft(
        destination="Gym", departure_date=trips.local_today(utc) + timedelta(days=1), seats=seats,
        pickups=[trips.PickupDraft("Station", __import__("datetime").time(18))]), utc)


def callback_update(player, text: str) -> Update:
    """The update a press on `text` makes, built once so it can be delivered twice."""
    message = player.screen()
    button = InlineButtonTextLocator(text).find_button(message)
    callback = player.client._new_callback(message, button)
    return Update(update_id=player.client._new_update_id(), callback_query=callback)


async def test_repeated_update_has_its_effects_once(env):
    trip = seed_trip()
    ann = env.player(2, "Ann")
    await ann.send(f"/start trip_{trip.id}")
    await ann.click("🙋 Join")  # one pickup point: straight to the confirmation
    update = callback_update(ann, "✅ Join")
    await env.dp.feed_update(env.bot, update)
    await env.dp.feed_update(env.bot, update)  # a webhook retry or a replica restart
    assert Participant.select().count() == 1
    assert Notification.select().where(Notification.kind == "joined").count() == 1
    assert env.app.extras["dedupe"].skipped == 1


async def test_ids_are_a_set_not_a_high_water_mark(env):
    ann = env.player(2, "Ann")
    ann.client.last_update_id = 900_000_000
    await ann.send("/start")
    ann.client.last_update_id = 10  # ids restarted lower (a week without updates)
    screen = await ann.send("/start")  # handled, though lower than the last one
    assert "Welcome" in screen.text
    assert ProcessedUpdate.select().count() == 2
    assert env.app.extras["dedupe"].skipped == 0


async def test_background_updates_pass_untouched(database):
    calls = []

    async def handler(event, data):
        calls.append(event.update_id)
        return "ok"

    middleware = DedupeMiddleware(DatabaseSeen())
    update = Update(update_id=0)
    assert await middleware(handler, update, {}) == "ok"
    assert await middleware(handler, update, {}) == "ok"
    assert calls == [0, 0] and ProcessedUpdate.select().count() == 0


async def test_redis_store_shared_by_replicas(database, redis_url, settings):
    from bot.app import build_dispatcher
    from tests.harness import RecordingBot
    from aiogram_dialog.test_tools import BotClient, MockMessageManager

    settings = dataclasses.replace(settings, redis_url=redis_url)
    apps = [build_dispatcher(settings, message_manager=MockMessageManager()) for _ in range(2)]
    client = BotClient(apps[0].dispatcher, user_id=5, chat_id=5, bot=RecordingBot())
    message = client._new_message("/start", None)
    update = Update(update_id=4242, message=message)
    try:
        await apps[0].dispatcher.feed_update(client.bot, update)
        await apps[1].dispatcher.feed_update(client.bot, update)  # redelivered to the other replica
        assert apps[1].extras["dedupe"].skipped == 1
        assert ProcessedUpdate.select().count() == 0  # Redis holds them, not the database
    finally:
        for app in apps:
            await app.dispatcher.storage.close()


# --- the real process -------------------------------------------------------------------------


def test_webhook_redelivery_is_handled_once(tg, tmp_path):
    web = Hook()
    bot = BotProcess(tg, tmp_path, **web.env)
    try:
        bot.start(wait_polling=False)
        bot.wait_request("setWebhook", timeout=60)
        url = web.url
        assert wait_until(lambda: post(url, message_update(50, 7, "/help"), SECRET) == 200)
        tg.user(7, "Ann")
        helps = lambda: [r for r in tg.requests if r.method == "sendMessage" and "/switch_role" in r.params.get("text", "")]  # noqa: E731
        assert wait_until(lambda: len(helps()) == 1)
        assert post(url, message_update(51, 7, "/help"), SECRET) == 200
        assert wait_until(lambda: len(helps()) == 2)
        for _ in range(3):  # Telegram retries update 51
            assert post(url, message_update(51, 7, "/help"), SECRET) == 200
        bot.wait_output("Update 51 was already handled", count=3)  # each retry seen and skipped
        assert len(helps()) == 2
        code, _ = bot.stop()
        assert code == 0
    finally:
        bot.kill()


def _db(tmp_path):
    from bot.infra.db import init_database

    return init_database(f"sqlite:///{tmp_path}/data/carpool.sqlite3")


def test_kill_9_during_notification_fan_out(tg, tmp_path):
    """After kill -9 mid fan-out and a restart: every notification delivered, at most the
    one in flight twice."""
    BotProcess(tg, tmp_path).prepare_database()
    database = _db(tmp_path)
    texts = []
    for i in range(40):
        users.register_user(1000 + i, f"P{i}")
        tg.user(1000 + i, f"P{i}")
        texts.append(f"fan-out {i}")
        outbox.enqueue(users.get_user(1000 + i), texts[-1], kind="test")
    database.close()
    tg.delay("sendMessage", 0.05)
    crashed = BotProcess(tg, tmp_path)
    crashed.start()

    def delivered():
        return [r.params["text"] for r in tg.requests if r.method == "sendMessage" and r.status == 200
                and r.params.get("text", "").startswith("fan-out")]

    assert wait_until(lambda: len(delivered()) >= 10)
    crashed.stop(signal.SIGKILL)
    partial = len(delivered())
    assert partial < 40
    restarted = BotProcess(tg, tmp_path)
    try:
        restarted.start()
        assert wait_until(lambda: len(set(delivered())) == 40, timeout=30), restarted.output()
        code, _ = restarted.stop()  # a stopped bot sends nothing late: count after it
        assert code == 0
        counts = {t: delivered().count(t) for t in texts}
        assert all(c >= 1 for c in counts.values())  # nothing lost
        assert sum(c - 1 for c in counts.values()) <= 1  # at most the one in flight twice
    finally:
        restarted.kill()


def test_kill_9_during_trip_creation_leaves_no_half_trip(tg, tmp_path):
    bot = BotProcess(tg, tmp_path)
    dee = tg.user(1, "Dee")
    try:
        bot.start()
        sign_up(dee)
        dee.send("/newtrip")
        dee.wait_screen("Where to?")
        dee.send("Riverside Arena")
        screen = dee.wait_screen("Which day?")
        tomorrow = (time.time() + 86400)
        label = time.strftime("%d", time.gmtime(tomorrow))
        month = f"🗓 {time.strftime('%B %Y', time.gmtime(tomorrow))}"
        if month not in [b for row in screen.buttons for b in row]:
            dee.press(next(b for row in screen.buttons for b in row if b.endswith(">>")))
            dee.wait_screen(lambda s: month in [b for row in s.buttons for b in row])
        dee.press(label)
        dee.wait_screen("How many free seats?")
        dee.press("3")
        dee.wait_screen("address")
        dee.send("Central Station")
        dee.wait_screen("Pickup time")
        dee.send("18:00")
        dee.wait_screen("Pickup points")
        dee.press("✅ Done")
        dee.wait_screen("Any comment")
        dee.press("⏭ Skip")
        dee.wait_screen("Check your trip")
        tg.delay("answerCallbackQuery", 1.0)  # the Confirm press is mid-flight when we kill
        dee.press("✅ Confirm")
        time.sleep(0.4)
        bot.stop(signal.SIGKILL)
    finally:
        bot.kill()
    database = _db(tmp_path)
    trips_made = list(Trip.select())
    assert len(trips_made) <= 1
    for trip in trips_made:  # all or nothing: never a trip without its pickup point
        assert PickupPoint.select().where(PickupPoint.trip == trip).count() == 1
    made = len(trips_made)
    database.close()
    tg.delay("answerCallbackQuery", 0)
    restarted = BotProcess(tg, tmp_path)
    try:
        restarted.start()
        if not made:
            # aiogram confirms a polled update before handling it, so the killed press is
            # gone; the wizard resumes at the last step whose state was saved: finish it.
            for _ in range(5):
                screen = dee.screen()
                if "Trip created" in screen.text:
                    break
                if "Any comment" in screen.text:
                    dee.press("⏭ Skip")
                    dee.wait_screen("Check your trip")
                elif "Check your trip" in screen.text:
                    dee.press("✅ Confirm", force=True)
                    dee.wait_screen(lambda s: "Check your trip" not in s.text)
            dee.wait_screen("Trip created")
        code, _ = restarted.stop()
        assert code == 0
    finally:
        restarted.kill()
    database = _db(tmp_path)
    assert Trip.select().count() == 1 and PickupPoint.select().count() == 1
    database.close()


def test_fault_injection_session(tg, tmp_path):
    """429s and 5xx on getUpdates and on sends, slow answers and a blocked user: the bot
    recovers by itself, every update gets its answer, every notification its fate."""
    bot = BotProcess(tg, tmp_path)
    try:
        bot.start()
        tg.fail_next("getUpdates", 502, "Bad Gateway", count=2)
        tg.fail_next("getUpdates", 429, retry_after=1)
        tg.fail_next("sendMessage", 500, "Internal Server Error", count=2)
        tg.fail_next("sendMessage", 429, retry_after=1)
        tg.fail_next("editMessageText", 502, "Bad Gateway")
        tg.delay("answerCallbackQuery", 0.3)
        players = [tg.user(10 + i, f"P{i}") for i in range(6)]
        for p in players:
            p.send("/start")
        for p in players:
            p.wait_screen("Welcome", timeout=30)
        for p in players:
            p.press("🙋 I need a ride")
        for p in players:
            p.wait_screen("you are a 🙋 passenger", timeout=30)
        # notifications: one to a user who blocked the bot, the rest delivered despite faults
        database = _db(tmp_path)
        players[0].block_bot()
        assert wait_until(lambda: not _reachable(tmp_path, players[0].id), timeout=30), bot.output()[-3000:]
        with database.atomic("IMMEDIATE"):  # the running bot writes too: wait for the write lock up front
            for p in players:
                outbox.enqueue(users.get_user(p.id), "hello from the club",
                               kind="test")
        database.close()
        tg.fail_next("sendMessage", 503, "Service Unavailable")
        code_ok = wait_until(lambda: _states(tmp_path) == {"sent": 5, "dropped": 1}, timeout=40)
        assert code_ok, (_states(tmp_path), bot.output()[-3000:])
        code, _ = bot.stop()
        assert code == 0
        assert "Traceback" not in bot.output()
    finally:
        bot.kill()


def _reachable(tmp_path, telegram_id: int) -> bool:
    import sqlite3

    with sqlite3.connect(tmp_path / "data" / "carpool.sqlite3") as con:
        return bool(con.execute("select reachable from user where telegram_id = ?", (telegram_id,)).fetchone()[0])


def _states(tmp_path) -> dict:
    import sqlite3

    with sqlite3.connect(tmp_path / "data" / "carpool.sqlite3") as con:
        rows = con.execute("select state, count(*) from notification where text like 'hello from%' group by state")
        return dict(rows.fetchall())


async def test_quick_second_tap_acts_on_the_new_window(database, settings):
    """Two taps handled concurrently (polling runs updates as tasks): the second must see
    what the first saved. aiogram-dialog reads a callback's context before its own lock,
    so the dispatcher serializes each user's updates (regression: the second tap used
    to act on the old window and overwrite the first tap's step)."""
    import asyncio

    from aiogram.types import CallbackQuery
    from zoneinfo import ZoneInfo

    from bot.app import build_dispatcher
    from bot.infra.storage import PeeweeStorage
    from tests.harness import DialogEnv

    env = DialogEnv(settings)
    env.app = build_dispatcher(settings, storage=PeeweeStorage(), message_manager=env.mm)
    env.dp = env.app.dispatcher
    dee = await new_driver(env)
    await dee.send("/newtrip")
    await dee.send("Arena")
    calendar = dee.screen()
    day = trips.local_today(ZoneInfo("UTC")) + timedelta(days=1)
    if f"🗓 {day:%B %Y}" not in [b.text for row in calendar.reply_markup.inline_keyboard for b in row]:
        calendar = await dee.click(r".* >>")
    first = callback_update(dee, f"{day:%d}")
    intent = first.callback_query.data.split("\x1d")[0]
    second = Update(update_id=dee.client._new_update_id(), callback_query=CallbackQuery(
        id="tap-2", chat_instance="--", from_user=dee.client.user, message=calendar, data=f"{intent}\x1dseats:3"))
    await asyncio.gather(env.dp.feed_update(env.bot, first), env.dp.feed_update(env.bot, second))
    assert "address" in dee.screen().text


# --- a webhook redelivery after kill -9: one trip, answered quietly (issue #16, items 5 and 7) ---


class WebhookPump:
    """Posts the updates the fake Telegram queued (a user's sends and presses) to the bot's
    webhook, as Telegram does; `take()` hands the next one to the test instead."""

    def __init__(self, tg, url: str):
        self.tg, self.url, self.last = tg, url, 0

    def take(self) -> dict:
        assert wait_until(lambda: any(u["update_id"] > self.last for u in self.tg.pending_updates))
        update = next(u for u in self.tg.pending_updates if u["update_id"] > self.last)
        self.last = update["update_id"]
        return update

    def deliver(self, update: dict | None = None) -> int:
        return post(self.url, update or self.take(), SECRET)


def _trip_rows(tmp_path) -> int:
    import sqlite3

    with sqlite3.connect(tmp_path / "data" / "carpool.sqlite3") as con:
        return con.execute("select count(*) from trip").fetchone()[0]


def test_webhook_confirm_redelivered_after_kill_9_makes_one_trip(tg, tmp_path):
    """kill -9 after the trip committed, before the update was recorded as handled: Telegram
    delivers the Confirm again to the restarted bot, by then too old to answer. One trip, the
    created window shown, and no traceback."""
    web = Hook()
    pump = WebhookPump(tg, web.url)
    dee = tg.user(1, "Dee")
    bot = BotProcess(tg, tmp_path, **web.env)
    try:
        bot.start(wait_polling=False)
        bot.wait_request("setWebhook", timeout=60)
        web.wait_serving(bot, timeout=20)
        for act, expect in ((lambda: dee.send("/start"), "Welcome"), (lambda: dee.press("🚗 I drive"), "driver"),
                            (lambda: dee.send("/newtrip"), "Where to?"),
                            (lambda: dee.send("Riverside Arena"), "Which day?")):
            act()
            assert pump.deliver() == 200
            dee.wait_screen(expect)
        day = time.gmtime(time.time() + 86400)
        if f"🗓 {time.strftime('%B %Y', day)}" not in [b for row in dee.screen().buttons for b in row]:
            dee.press(next(b for row in dee.screen().buttons for b in row if b.endswith(">>")))
            assert pump.deliver() == 200
            dee.wait_screen(lambda s: f"🗓 {time.strftime('%B %Y', day)}" in [b for r in s.buttons for b in r])
        for act, expect in ((lambda: dee.press(time.strftime("%d", day)), "How many free seats?"),
                            (lambda: dee.press("3"), "address"), (lambda: dee.send("Central Station"), "Pickup time"),
                            (lambda: dee.send("18:00"), "Pickup points"), (lambda: dee.press("✅ Done"), "Any comment"),
                            (lambda: dee.press("⏭ Skip"), "Check your trip")):
            act()
            assert pump.deliver() == 200
            dee.wait_screen(expect)
        tg.delay("answerCallbackQuery", 30)  # the Confirm's "Trip created" answer hangs: kill there
        dee.press("✅ Confirm")
        confirm = pump.take()
        threading.Thread(target=pump.deliver, args=(confirm,), daemon=True).start()
        assert wait_until(lambda: _trip_rows(tmp_path) == 1), bot.output()
        bot.stop(signal.SIGKILL)
    finally:
        bot.kill()
    tg.delay("answerCallbackQuery", 0)
    tg.fail_next("answerCallbackQuery", 400,
                 "Bad Request: query is too old and response timeout expired or query ID is invalid")
    restarted = BotProcess(tg, tmp_path, **web.env)
    try:
        restarted.start(wait_polling=False)
        assert wait_until(lambda: pump.deliver(confirm) == 200, timeout=60), restarted.output()  # the redelivery
        dee.wait_screen("Trip created")
        assert _trip_rows(tmp_path) == 1
        code, _ = restarted.stop()
        assert code == 0
        assert "Traceback" not in restarted.output() and " ERROR " not in restarted.output(), restarted.output()
    finally:
        restarted.kill()
