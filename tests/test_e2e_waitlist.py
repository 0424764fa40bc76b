"""Issue #22 end to end: the real `carpool-bot` process against the fake Bot API, one bot for the
module (restarted where a test says so), driven by button presses. The waiting list (offers,
taking a seat, an offer running out, a cancelled trip, a restart with an offer pending),
"Still OK?" after the driver moves the time and the release of the unanswered seats, the trip
back (the wizard's way back, 🙋 Join both, one leg left or cancelled), and the driver's word
(through the outbox, across a stop right after the press) and the removal of a passenger.

The test process changes the club through the models on the bot's own SQLite file (as another
replica would) where a flow needs a clock to pass: an offer's expiry or a release time moved
into the past, which the scheduler (SCHEDULER_INTERVAL=1) acts on at its next tick.
"""

from __future__ import annotations

import contextlib
import re
import time
from datetime import time as clock
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from bot.devtools.fakeapi import BENIGN_ERRORS, BotMessage, FakeTelegram
from tests.process import BotProcess
from tests.world import wait_message

TOKEN = "123456:TEST-token-for-the-fake-bot-api-0000"
UTC = ZoneInfo("UTC")
DEE, ANN, BOB, CAT, ZOE, YAN, VIC, IVAN = 1, 2, 3, 4, 5, 6, 7, 8  # Dee drives; the others ride
NAMES = {DEE: "Dee", ANN: "Ann", BOB: "Bob", CAT: "Cat", ZOE: "Zoe", YAN: "Yan", VIC: "Vic", IVAN: "Иван"}
OFFER = "A seat is free in the trip to"


def seed(url: str) -> None:
    from bot.infra.db import init_database
    from models import ROLE_DRIVER, ROLE_PASSENGER, users

    database = init_database(url)
    try:
        for tid, name in NAMES.items():
            users.register_user(tid, name, language="ru" if tid == IVAN else None)
            users.set_role(tid, ROLE_DRIVER if tid == DEE else ROLE_PASSENGER)
        users.set_car(DEE, "Blue Volvo")
    finally:
        database.close()


class World(SimpleNamespace):
    """The fake Telegram, the bot, its players; the models bound to the bot's database on demand."""

    @contextlib.contextmanager
    def models(self):
        from bot.infra.db import init_database

        database = init_database(self.url)
        try:
            yield
        finally:
            database.close()

    def restart(self, *, before_start=None) -> None:
        """Stop the bot (SIGTERM, a clean exit), run `before_start()` while it is down, start it again."""
        code, _ = self.bot.stop()
        assert code == 0, self.bot.output()
        self.outputs.append(self.bot.output())
        if before_start is not None:
            before_start()
        fresh = BotProcess(self.tg, self.bot.workdir)
        fresh.env = dict(self.bot.env)
        self.bot = fresh.start()

    def trip(self, destination: str, *, seats: int, riders=(), points=(("Station", clock(18)),), days: int = 3) -> int:
        """Dee's trip `days` from today with these pickup points; `riders` take seats at the first."""
        from models import queries, rides, trips

        with self.models():
            day = trips.local_today(UTC) + timedelta(days=days)
            trip = trips.create_trip(DEE, trips.TripDraft(
                destination=destination, departure_date=day, seats=seats,
                pickups=[trips.PickupDraft(a, t) for a, t in points]), UTC)
            first = queries.pickup_points(trip.id)[0].id
            for rider in riders:
                rides.join_trip(rider, trip.id, first)
        return trip.id

    def seated(self, trip_id: int) -> list[str]:
        from models import Participant

        with self.models():
            return sorted(p.passenger.name for p in Participant.select().where(Participant.trip == trip_id))

    def line(self, trip_id: int) -> list[tuple[str, str]]:
        from models import WaitEntry

        with self.models():
            return [(e.passenger.name, e.status) for e in
                    WaitEntry.select().where(WaitEntry.trip == trip_id).order_by(WaitEntry.id)]


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    workdir: Path = tmp_path_factory.mktemp("e2e_waitlist")
    with FakeTelegram(token=TOKEN) as tg:
        bot = BotProcess(tg, workdir, SCHEDULER_INTERVAL="1", WAITLIST_HOLD="1", TIMEZONE="UTC")
        bot.prepare_database()
        seed(bot.env["DATABASE_URL"])
        people = {tid: tg.user(tid, name, None, language_code="ru" if tid == IVAN else "en")
                  for tid, name in NAMES.items()}
        w = World(tg=tg, bot=bot, url=bot.env["DATABASE_URL"], people=people, outputs=[])
        bot.start()
        try:
            yield w
            code, _ = w.bot.stop()
            rejected = tg.rejected(ignore=BENIGN_ERRORS)
            assert (code, rejected) == (0, []), rejected
            assert not any("Traceback" in out for out in [*w.outputs, w.bot.output()])
        finally:
            w.bot.kill()


def buttons(message: BotMessage) -> list[str]:
    return [b for row in message.buttons for b in row]


def count(user, needle: str) -> int:
    return sum(needle in (m.text or "") for m in user.messages())


def card(user, trip_id: int, shows: str) -> BotMessage:
    """The trip's card, opened by its share link (/start trip_<id>), once it shows `shows`."""
    return fresh(user, f"/start trip_{trip_id}", lambda s: shows in s.text or shows in buttons(s))


def fresh(user, command: str, ok) -> BotMessage:
    """Send `command`; the screen drawn after it (not an older one that looks alike) once `ok(screen)`."""
    before = max((m.message_id for m in user.messages()), default=0)
    user.send(command)
    return user.wait_screen(lambda s: s.message_id > before and ok(s))


def wait_in_line(user, trip_id: int, place: str) -> None:
    card(user, trip_id, "⏳ Wait for a seat")
    user.press("⏳ Wait for a seat")
    user.wait_screen(f"⏳ You are {place} in line. I'll message you when a seat frees up.")


def leave(user, trip_id: int) -> None:
    card(user, trip_id, "🚶 Leave")
    user.press("🚶 Leave")
    user.wait_screen("Leave this trip?")
    user.press("🚶 Yes, leave")
    user.wait_screen(lambda s: "🙋 Join" in buttons(s) or "⏳ Wait for a seat" in buttons(s))


# --- 1. the waiting list ----------------------------------------------------------------------


def test_the_line_offers_each_freed_seat_in_turn_and_closes_with_the_trip(world):
    dee, ann, bob, zoe, yan, cat = (world.people[t] for t in (DEE, ANN, BOB, ZOE, YAN, CAT))
    trip = world.trip("Cup final", seats=2, riders=(ZOE, YAN))
    screen = card(ann, trip, "⏳ Wait for a seat")
    assert "🙋 Join" not in buttons(screen)
    wait_in_line(ann, trip, "1st")
    wait_in_line(bob, trip, "2nd")
    assert world.line(trip) == [("Ann", "waiting"), ("Bob", "waiting")]

    leave(zoe, trip)  # a seat frees: held for Ann, not for anyone
    offer = wait_message(ann, OFFER)
    assert "Cup final" in offer.text and "✅ Take the seat" in buttons(offer) and "🙅 Pass" in buttons(offer)
    assert count(bob, OFFER) == 0
    ann.press("✅ Take the seat", message=offer)
    took = wait_message(dee, "took a freed seat")
    assert took.text.startswith("⏳ Ann took a freed seat in your trip to Cup final from the waiting list")
    assert world.seated(trip) == ["Ann", "Yan"]

    leave(yan, trip)  # the next seat: Bob's turn; he does not answer
    offer = wait_message(bob, OFFER)
    assert "✅ Take the seat" in buttons(offer)
    from models import WaitEntry, utcnow

    with world.models():  # the hold passes (it is at least 5 minutes): the scheduler's next tick
        assert WaitEntry.update(offer_expires_at=utcnow() - timedelta(seconds=1)).where(
            (WaitEntry.trip == trip) & (WaitEntry.status == "offered")).execute() == 1
    expired = wait_message(bob, "was not taken in time")
    assert expired.text.startswith("⌛ The seat offered to you in the trip to Cup final")
    assert world.line(trip) == [("Ann", "took"), ("Bob", "expired")]
    assert count(bob, OFFER) == 1

    card(yan, trip, "🙋 Join")  # the seat is anyone's now; Yan takes it back, Cat waits
    yan.press("🙋 Join")
    yan.wait_screen("Take a seat")
    yan.press("✅ Join")
    yan.wait_screen("You have a seat")
    wait_in_line(cat, trip, "1st")

    fresh(dee, "/mytrips", lambda s: "Trips you drive" in s.text)  # the driver cancels: Cat is told
    dee.press("Cup final")
    dee.wait_screen(lambda s: "❌ Cancel trip" in buttons(s))
    dee.press("❌ Cancel trip")
    dee.wait_screen("Cancel the trip")
    dee.press("❌ Yes, cancel the trip")
    closed = wait_message(cat, "so its waiting list is closed")
    assert closed.text.startswith("❌ The trip to Cup final on") and "Find another ride with /trips." in closed.text
    assert world.line(trip)[-1] == ("Cat", "cleared")


def test_an_offer_pending_over_a_restart_is_made_once(world):
    """The seat frees while the bot is down: the offer reaches Cat once it is back, and once only
    — through one more restart, and her press on the offer made by the previous process works."""
    dee, cat = world.people[DEE], world.people[CAT]
    trip = world.trip("Night race", seats=1, riders=(VIC,))
    wait_in_line(cat, trip, "1st")
    took_before = count(dee, "took a freed seat in your trip to Night race")

    def vic_leaves():
        from models import rides

        with world.models():
            rides.leave_trip(VIC, trip)

    world.restart(before_start=vic_leaves)
    offer = wait_message(cat, f"{OFFER} Night race")
    world.restart()
    cat.press("✅ Take the seat", message=offer)
    wait_message(dee, "took a freed seat in your trip to Night race")
    assert world.seated(trip) == ["Cat"]
    assert count(cat, f"{OFFER} Night race") == 1
    assert count(dee, "took a freed seat in your trip to Night race") == took_before + 1


# --- 2. "Still OK?" after a change, and the release of the unanswered seats ----------------------


def answered(user, notice: BotMessage, mark: str) -> None:
    """Wait until the notice shows the answer given (`mark`) instead of the buttons to answer."""
    def ok():
        now = next((m for m in user.messages() if m.message_id == notice.message_id), None)
        return now is not None and mark in buttons(now) and not any(b.startswith("👍") for b in buttons(now))

    with user.tg._cond:
        assert user.tg._cond.wait_for(ok, 10), [m.buttons for m in user.messages()[-3:]]


def driver_card(world, destination: str, shows: str) -> BotMessage:
    """Dee's card of the trip to `destination`, through /mytrips."""
    dee = world.people[DEE]
    fresh(dee, "/mytrips", lambda s: "Trips you drive" in s.text)
    dee.press(destination)
    return dee.wait_screen(lambda s: "🏁 " + destination in s.text and (shows in s.text or shows in buttons(s)))


def test_still_ok_after_the_time_moves_and_the_unanswered_seat_released_to_the_line(world):
    dee, ann, bob, ivan, cat = (world.people[t] for t in (DEE, ANN, BOB, IVAN, CAT))
    trip = world.trip("Hill run", seats=3, riders=(ANN, BOB, IVAN))
    wait_in_line(cat, trip, "1st")

    driver_card(world, "Hill run", "✏️ Edit")
    dee.press("✏️ Edit")
    dee.wait_screen("Edit trip")
    dee.press("🕘 +30 min")
    dee.wait_screen("18:00 Station → 18:30 Station")
    dee.press("✅ Confirm")
    dee.wait_screen(lambda s: "Edit trip" not in s.text)

    asks = {}
    for who in (ann, bob):
        asks[who.id] = ask = wait_message(who, "Does it still work for you?")
        assert ask.text.startswith("✏️ The driver changed the trip to Hill run on")
        assert "18:00 → 18:30" in ask.text and buttons(ask)[:2] == ["👍 Still OK", "🚪 Leave the trip"]
    asked = wait_message(ivan, "Тебе всё ещё подходит?")  # Ivan reads it in Russian, buttons too
    assert asked.text.startswith("✏️ Водитель изменил поездку до Hill run") and "18:00 → 18:30" in asked.text
    assert buttons(asked)[:2] == ["👍 Всё в силе", "🚪 Выйти из поездки"]

    ann.press("👍 Still OK", message=asks[ANN])
    answered(ann, asks[ANN], "✅ Still OK")  # the answer given, on the notice
    ivan.press("👍 Всё в силе", message=asked)
    answered(ivan, asked, "✅ Всё в силе")
    shown = driver_card(world, "Hill run", "Bob ❓")
    assert "Ann ✅" in shown.text and "Иван ✅" in shown.text
    assert "After your change: ✅ still OK · ❓ no answer yet (1)" in shown.text

    dee.press("⏰ Release unanswered at …")
    menu = dee.wait_screen("Release unanswered seats")
    assert "1 passenger hasn't answered \"Still OK?\"" in menu.text
    at = next(b for b in buttons(menu) if re.fullmatch(r"⏰ \d\d:\d\d", b))
    dee.press(at)
    dee.wait_screen(f"⏰ Seats still unanswered are released at {at[2:]}.")

    from models import Trip, utcnow

    with world.models():  # that time comes: the scheduler frees Bob's seat and offers it to Cat
        assert Trip.update(release_unanswered_at=utcnow() - timedelta(seconds=1)).where(Trip.id == trip).execute()
    released = wait_message(bob, "was released")
    assert released.text.startswith("🚪 Your seat in the trip to Hill run on")
    offer = wait_message(cat, f"{OFFER} Hill run")
    assert "✅ Take the seat" in buttons(offer)
    assert world.seated(trip) == ["Ann", "Иван"] and world.line(trip) == [("Cat", "offered")]
    assert count(ann, "was released") == 0 and count(ivan, "освобождено") == 0


# --- 3. the trip back ---------------------------------------------------------------------------


def talk(user, script: list[tuple[str, str]]) -> None:
    """Each step: tap a button ("tap <text>") or send a text, then wait for the screen holding the second part."""
    for say, then in script:
        before = user.screen()
        if say.startswith("tap "):
            user.press(say.removeprefix("tap "))
        else:
            user.send(say)
        user.wait_screen(lambda s, then=then, before=before: then in s.text and s != before)


def legs(world, destination: str) -> list[tuple]:
    """The trip to `destination` and its way back: (id, status, outbound id), the way there first."""
    from models import Trip

    with world.models():
        there = Trip.select().where(Trip.destination == destination).order_by(Trip.id.desc()).get()
        back = Trip.get(Trip.outbound == there.id)
        return [(t.id, t.status, t.outbound_id) for t in (there, back)]


def test_the_wizards_way_back_join_both_leave_one_leg_cancel_one_leg(world):
    from models import trips

    dee, ann = world.people[DEE], world.people[ANN]
    day = trips.local_today(UTC) + timedelta(days=1)
    fresh(dee, "/newtrip", lambda s: "Where to?" in s.text)
    talk(dee, [  # (what Dee sends or taps, the screen that follows)
        ("Arena Park", "Which day?"), (f"tap {day:%d}", "How many free seats?"), ("tap 3", "send the address"),
        ("Station Square", "Pickup time"), ("18:30", "Pickup points"), ("tap ✅ Done", "Any comment"),
        ("tap ⏭ Skip", "Check your trip"),
        ("tap ↩️ Driving back too?", "where do you leave from?"), ("tap 📍 Arena Park", "When do you leave Arena Park?"),
        ("21:30", "How many free seats on the way back?"), ("tap 👍 3, as on the way there", "Drop-off point 1"),
        ("Central Station", "Drop-off time at"), ("22:00", "Drop-off points"), ("tap ✅ Done", "Way back"),
    ])
    summary = dee.wait_screen("Way back")
    assert "↩️ Way back at 21:30 from Arena Park" in summary.text
    dee.press("✅ Confirm")
    dee.wait_screen("Trip created")
    (there, _, none), (back, open_, outbound) = legs(world, "Arena Park")
    assert (none, open_, outbound) == (None, "open", there)

    shown = card(ann, there, "🙋 Join both")  # the card shows both legs
    assert f"↩️ Back: {day:%a %d %b}, 21:30 from Arena Park, 3 seats left" in shown.text
    ann.press("🙋 Join both")  # one pickup point there, one drop-off back: straight to the question
    ann.wait_screen("Take a seat both ways?")
    ann.press("✅ Join both")
    shown = ann.wait_screen(lambda s: "You have a seat" in s.text and "✅ you have a seat" in s.text)
    assert "🙋 Join both" not in buttons(shown)
    assert world.seated(there) == ["Ann"] and world.seated(back) == ["Ann"]

    ann.press("↩️ The way back")  # leaving the way back keeps the way there
    ann.wait_screen(lambda s: s.text.startswith("↩️ The way back") and "🚶 Leave" in buttons(s))
    ann.press("🚶 Leave")
    ann.wait_screen("Leave this trip?")
    ann.press("🚶 Yes, leave")
    ann.wait_screen(lambda s: s.text.startswith("↩️ The way back") and "🙋 Join" in buttons(s))
    assert world.seated(there) == ["Ann"] and world.seated(back) == []

    driver_card(world, "Arena Park", "❌ Cancel trip")  # cancelling the way there asks about the way back
    dee.press("❌ Cancel trip")
    asked = dee.wait_screen("Cancel it as well?")
    assert f"↩️ The way back is still on: {day:%a %d %b} 21:30 from Arena Park." in asked.text
    assert {"❌ Cancel both ways", "❌ Only the way there"} <= set(buttons(asked))
    dee.press("❌ Only the way there")
    told = wait_message(ann, "The trip to Arena Park on")
    assert "is cancelled" in told.text
    assert [status for _, status, _ in legs(world, "Arena Park")] == ["cancelled", "open"]


# --- 4. the driver's word, and a passenger removed ----------------------------------------------


def until(world, ok, what: str, timeout: float = 10) -> None:
    """Wait until `ok()` (a database condition too): checked at each change the fake sees, and at least every 0.1 s."""
    deadline = time.monotonic() + timeout
    with world.tg._cond:
        while not ok():
            left = deadline - time.monotonic()
            assert left > 0, f"{what}: not within {timeout}s"
            world.tg._cond.wait(min(0.1, left))


def driver_words(world, trip_id: int) -> list[str]:
    from models import Notification

    with world.models():
        return [n.state for n in Notification.select().where(
            (Notification.kind == "driver_word") & (Notification.trip == trip_id))]


def test_the_drivers_word_survives_a_stop_and_a_removed_passengers_seat_goes_to_the_line(world):
    dee, zoe, vic, yan = (world.people[t] for t in (DEE, ZOE, VIC, YAN))
    trip = world.trip("Lake trip", seats=2, riders=(ZOE, VIC))
    wait_in_line(yan, trip, "1st")
    word = "North exit, 5 min late"

    driver_card(world, "Lake trip", "💬 Message passengers")
    dee.press("💬 Message passengers")
    dee.wait_screen("Message your passengers")
    dee.send(word)
    dee.wait_screen("Send this to your 2 passengers?")
    dee.press("📨 Send")
    until(world, lambda: len(driver_words(world, trip)) == 2, "the word in the outbox")  # then stopped at once
    world.restart()
    for rider in (zoe, vic):
        got = wait_message(rider, word)
        assert got.text.startswith("💬 Dee, the driver of your trip to Lake trip on") and got.text.endswith(f":\n{word}")
    until(world, lambda: driver_words(world, trip) == ["sent", "sent"], "the word sent")
    assert (count(zoe, word), count(vic, word)) == (1, 1)

    driver_card(world, "Lake trip", "🚫 Remove a passenger")
    dee.press("🚫 Remove a passenger")
    dee.wait_screen("Whom do you remove from the trip?")
    dee.press("👤 18:00 Zoe")
    dee.wait_screen("Remove Zoe")
    dee.send("no show twice")
    dee.wait_screen("Reason: no show twice")
    dee.press("🚫 Yes, remove")
    dee.wait_screen(lambda s: "🏁 Lake trip" in s.text and "Zoe" not in s.text)
    removed = wait_message(zoe, "took you off the trip")
    assert removed.text.startswith("🚫 Dee took you off the trip to Lake trip on") and "Reason: no show twice" in removed.text
    offer = wait_message(yan, f"{OFFER} Lake trip")
    yan.press("✅ Take the seat", message=offer)
    wait_message(dee, "⏳ Yan took a freed seat in your trip to Lake trip")
    assert world.seated(trip) == ["Vic", "Yan"]
