"""A whole week of the club, end to end: the real `carpool-bot` process against the fake
Bot API. A driver and two passengers register, the driver makes a template and a trip from
it, the passengers join (one by the share link), one changes pickup, the driver moves the
time, reminders come with one-tap answers, one passenger can't go, the driver cancels.
Every screen is checked at every step, and the fake records no request Telegram would reject.
"""

import re
import sqlite3
import time
from datetime import UTC, datetime, timedelta

from bot.devtools.fakeapi import BENIGN_ERRORS
from tests.process import BotProcess
from tests.world import open_card

TOKEN = "123456:TEST-token-for-the-fake-bot-api-0000"


def texts(user) -> list[str]:
    return [m.text or "" for m in user.messages()]


def wait_message(user, needle: str, timeout: float = 20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for m in reversed(user.messages()):
            if needle in (m.text or ""):
                return m
        time.sleep(0.05)
    raise AssertionError(f"{user!r} never got a message with {needle!r}; has: {texts(user)[-5:]}")


def wait_button(user, message_id: int, text: str, timeout: float = 10):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        message = next((m for m in user.messages() if m.message_id == message_id), None)
        if message and any(text in b for row in message.buttons for b in row):
            return message
        time.sleep(0.05)
    raise AssertionError(f"message {message_id} of {user!r} never showed a button {text!r}")


def minute_passes(workdir) -> None:
    """Move every seat's join time and every trip's creation a minute back: what the scheduler
    sees after a minute of waiting, without the wait."""
    with sqlite3.connect(workdir / "data" / "carpool.sqlite3", timeout=10) as con:
        assert con.execute("update participant set joined_at = datetime(joined_at, '-1 minute')").rowcount
        assert con.execute("update trip set created_at = datetime(created_at, '-1 minute')").rowcount


def pick_date(user, day):
    screen = user.wait_screen(lambda s: any(b.startswith("🗓") for row in s.buttons for b in row))
    header = f"🗓 {day:%B %Y}"
    for _ in range(3):
        if header in [b for row in screen.buttons for b in row]:
            break
        user.press(next(b for row in screen.buttons for b in row if b.endswith(">>")))
        screen = user.wait_screen(lambda s: header in [b for row in s.buttons for b in row])
    today = datetime.now(UTC).date()
    user.press(f"[ {day:%d} ]" if day == today else f"{day:%d}")


def test_a_week_of_carpooling(tg, tmp_path):
    bot = BotProcess(tg, tmp_path, SCHEDULER_INTERVAL="1", REMINDERS="24h,2h")
    dee, ann, bob = tg.user(1, "Dee", "dee"), tg.user(2, "Ann", "ann"), tg.user(3, "Bob", None)
    try:
        bot.start()
        # --- registration ----------------------------------------------------------------
        dee.send("/start")
        dee.wait_screen("Welcome")
        dee.press("🚗 I drive")
        dee.wait_screen("you are a 🚗 driver")
        dee.press("🚙 My car")
        dee.wait_screen("Your car")
        dee.send("red Skoda, AB-123")
        dee.wait_screen("you are a 🚗 driver")
        # --- a template from scratch --------------------------------------------------------
        dee.send("/templates")
        dee.wait_screen("No templates yet")
        dee.press("➕ New template")
        dee.wait_screen("Where to?")
        dee.send("Club gym")
        dee.wait_screen("How many free seats?")
        dee.press("3")
        dee.wait_screen("send the address")
        dee.send("Central Station")
        dee.wait_screen("Pickup time")
        dee.send("18:00")
        dee.wait_screen("Pickup points")
        dee.press("➕ Add another")
        dee.wait_screen("send the address")
        dee.send("Oak Street 12")
        dee.wait_screen("Pickup time")
        dee.send("18.15")
        dee.wait_screen(lambda s: "Oak Street 12" in s.text and "Pickup points" in s.text)
        dee.press("✅ Done")
        dee.wait_screen("Any comment")
        dee.send("Leaving right after work")
        dee.wait_screen("Check your trip")
        dee.press("💾 Save template")
        dee.wait_screen("Send a name")
        dee.send("Tuesday training")
        dee.wait_screen(lambda s: "📋 Tuesday training" in [b for row in s.buttons for b in row])
        # --- a trip from the template -----------------------------------------------------
        dee.press("📋 Tuesday training")
        dee.wait_screen("Central Station")
        dee.press("🚗 Use: pick a date")
        tomorrow = datetime.now(UTC).date() + timedelta(days=1)
        pick_date(dee, tomorrow)
        summary = dee.wait_screen("Check your trip")  # the rest comes from the template
        assert "Club gym" in summary.text and "3 seats" in summary.text and "Oak Street 12" in summary.text
        assert "Leaving right after work" in summary.text
        dee.press("✅ Confirm")
        created = dee.wait_screen("Trip created")
        link = re.search(r"https://t\.me/carpool_test_bot\?start=(trip_\d+)", created.text).group(1)
        # --- Ann joins through the share link ----------------------------------------------
        ann.send(f"/start {link}")
        card = ann.wait_screen("Club gym")
        assert "🙋 Join" in [b for row in card.buttons for b in row] and "red Skoda" not in card.text
        ann.press("🙋 Join")
        ann.wait_screen("Where do you get in?")
        ann.press("📍 18:00 Central Station")
        ann.wait_screen("Take a seat")
        ann.press("✅ Join")
        card = ann.wait_screen("You have a seat")
        assert "red Skoda" in card.text and "t.me/dee" in card.raw_text
        wait_message(dee, "Ann")  # "🙋 Ann joined your trip…"
        # --- Bob finds it in the list --------------------------------------------------------
        bob.send("/start")
        bob.wait_screen("Welcome")
        bob.press("🙋 I need a ride")
        bob.wait_screen("you are a 🙋 passenger")
        bob.send("/trips")
        listing = bob.wait_screen("Upcoming trips")
        bob.press(next(b for row in listing.buttons for b in row if "Club gym" in b))
        bob.wait_screen("Pickup points")  # the card (the list names the trip too)
        bob.press("🙋 Join")
        bob.wait_screen("Where do you get in?")
        bob.press("📍 18:15 Oak Street 12")
        bob.wait_screen("Take a seat")
        bob.press("✅ Join")
        bob.wait_screen("You have a seat")
        wait_message(dee, "1 seat left")
        # --- Ann changes her pickup point -----------------------------------------------------
        open_card(ann, "/mytrips", "My trips", "Club gym", "You have a seat")
        ann.press("📍 Change pickup")
        ann.wait_screen("new pickup point")
        ann.press("📍 18:15 Oak Street 12")
        ann.wait_screen(lambda s: "your pickup" in s.text and "Oak Street" in s.text.split("your pickup")[0][-60:])
        wait_message(dee, "now gets in at Oak Street 12")
        # --- the driver moves the trip so that the 2-hour reminder is due now --------------
        # A reminder goes only to seats taken (and trips made) before it fell due, and due times
        # are whole minutes: the joins must lie in an earlier minute than the pickup's. Rather
        # than wait up to 60 s for the clock, let a minute pass in the data.
        minute_passes(tmp_path)
        target = datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(hours=2)
        dee.send("/mytrips")
        mine = dee.wait_screen("Trips you drive")
        dee.press(next(b for row in mine.buttons for b in row if "Club gym" in b))
        driver_card = dee.wait_screen("Ann")
        assert "Bob" in driver_card.text
        dee.press("✏️ Edit")
        dee.wait_screen("Edit trip")
        if target.date() != tomorrow:
            dee.press("📅 Date")
            pick_date(dee, target.date())
            dee.wait_screen("📅 Date:")
        dee.press("📍 Pickups")
        dee.wait_screen("Pickup points")
        dee.press("➖ Remove one")
        dee.wait_screen("Which pickup point should go?")
        dee.press("❌ 18:00 Central Station")
        dee.wait_screen(lambda s: "Pickup points" in s.text and "Central Station" not in s.text)
        dee.press("✏️ Change one")
        dee.wait_screen("want to change")
        dee.press("✏️ 18:15 Oak Street 12")
        dee.wait_screen("new address")
        dee.press("➡️ Keep this address")
        dee.wait_screen("Pickup time")
        dee.send(f"{target:%H:%M}")
        dee.wait_screen(lambda s: f"{target:%H:%M}" in s.text and "Pickup points" in s.text)
        dee.press("✅ Done")
        diff = dee.wait_screen("Removed: 18:00 Central Station")
        assert f"18:15 Oak Street 12 → {target:%H:%M} Oak Street 12" in diff.text
        dee.press("✅ Confirm")
        dee.wait_screen(lambda s: "Edit trip" not in s.text)
        for passenger in (ann, bob):
            changed = wait_message(passenger, "The driver changed")
            assert f"your pickup time: 18:15 → {target:%H:%M}" in changed.text
        # --- reminders with one-tap answers ------------------------------------------------
        ann_reminder = wait_message(ann, "Reminder:", timeout=30)
        bob_reminder = wait_message(bob, "Reminder:", timeout=30)
        assert "Oak Street 12" in ann_reminder.text and f"{target:%H:%M}" in ann_reminder.text
        wait_message(dee, "Reminder:", timeout=30)
        ann.press("🚗 On my way", message=ann_reminder)
        wait_message(dee, "is on the way to the pickup")
        bob.press("❌ Can't go", message=bob_reminder)
        wait_button(bob, bob_reminder.message_id, "Yes, I can't go")
        bob.press("Yes, I can't go", message=bob_reminder.message_id)
        wait_message(dee, "left your trip")
        # --- the driver cancels ---------------------------------------------------------------
        open_card(dee, "/mytrips", "Trips you drive", "Club gym", "Ann")
        dee.press("❌ Cancel trip")
        dee.wait_screen("Cancel the trip")
        dee.send("rain")
        dee.wait_screen("Reason: rain")
        dee.press("❌ Yes, cancel the trip")
        cancelled = wait_message(ann, "is cancelled")
        assert "rain" in cancelled.text
        assert not any("is cancelled" in t for t in texts(bob))  # Bob had left already
        code, _ = bot.stop()
        assert code == 0
        assert not tg.rejected(ignore=BENIGN_ERRORS), tg.rejected(ignore=BENIGN_ERRORS)
        assert "Traceback" not in bot.output()
    finally:
        bot.kill()
