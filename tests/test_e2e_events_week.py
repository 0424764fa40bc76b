"""A club's week of events, end to end (issue #21): the real `carpool-bot` process against the
fake Bot API, every step a button press or a text a player types.

Ada runs the club (CLUB_ADMINS): through /events → ➕ New event she creates Thursday's weekly
training and the Cup final. Dee offers a ride to the final from /newtrip (the wizard's event
step) and Eve from the final's card (🚗 I'm driving). Pat, Sue and Ivan — Ivan's Telegram speaks
Russian, so the bot does too — each say "🙋 I need a ride" on the card. Pat joins Dee's car, Sue
Eve's; Ivan's request stays open: the card shows him to the drivers as still needing a ride, and
so does the one batched "ride_requests" message each of them got. Then Gil offers a third car:
Ivan is told ("event_new_trip") and joins from that very message. At every step the event card,
the events list's line, each asker's "My trips" and the database agree. Last, the training's
start passes (moved into the past in the data, not waited for) and the scheduler makes next
week's training, which /events then lists.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from datetime import time as clock

from bot.devtools.fakeapi import BENIGN_ERRORS
from dialogs.i18n import tr_for
from tests.events_world import (
    Car, Database, Player, buttons, card_rides, expected_rides, list_entry, pick_date, shown, summary_line,
)
from tests.process import BotProcess
from tests.test_i18n_e2e import foreign_words
from tests.test_taps_wizard import club_zone

TOKEN = "123456:TEST-token-for-the-fake-bot-api-0000"
ADA, DEE, EVE, GIL, PAT, SUE, IVAN = 1, 2, 3, 4, 5, 6, 7
NAMES = {ADA: "Ada", DEE: "Dee", EVE: "Eve", GIL: "Gil", PAT: "Pat", SUE: "Sue", IVAN: "Ivan"}
DRIVERS = {ADA, DEE, EVE, GIL}
GAME, TRAINING = "Cup final", "Training"
USER_TEXT = (*NAMES.values(), GAME, TRAINING, "Riverside Arena", "Club gym", "Central Station", "Oak Street 3",
             "Oak Street", "Hill Road 1", "Hill Road")  # what the players typed: no language's words


def ru(key: str, **args) -> str:
    """What Ivan reads: the Russian catalog's text (from the catalog, so that a better wording
    of it does not break the week; the English texts are written out, as they must not change)."""
    return shown(tr_for("ru"), key, **args)


def register() -> None:
    """The club's players, registered (Ivan in Russian): the week starts with no event."""
    from models import ROLE_DRIVER, ROLE_PASSENGER, users

    for tid, name in NAMES.items():
        users.register_user(tid, name, language="ru" if tid == IVAN else "en")
        users.set_role(tid, ROLE_DRIVER if tid in DRIVERS else ROLE_PASSENGER)


def seed(url: str) -> None:
    from bot.infra.db import init_database

    database = init_database(url)
    try:
        register()
    finally:
        database.close()


class Week:
    """The club's week: the players, the bot's database, and the checks every step repeats."""

    def __init__(self, tg, db: Database, zone) -> None:
        self.tg, self.db, self.zone = tg, db, zone
        self.today = datetime.now(zone).date()
        self.people = {tid: Player(tg.user(tid, name, None, language_code="ru" if tid == IVAN else "en"), name)
                       for tid, name in NAMES.items()}

    def __getitem__(self, tid: int) -> Player:
        return self.people[tid]

    # --- the admin --------------------------------------------------------------------------------
    def create_event(self, kind: str, title: str, venue: str, day, start: str, weekly: bool) -> None:
        ada = self[ADA]
        ada.command("/events").wait("Club events")
        ada.press("➕ New event")
        ada.wait("What kind of event is it?")
        ada.press(kind)
        ada.wait("What is it called?")
        ada.send(title)
        ada.wait("Where is it? Type the venue's address.")
        ada.send(venue)
        ada.wait(lambda m: "On which day?" in m.text and any(b.startswith("🗓") for b in buttons(m)))
        pick_date(ada, day, self.today)
        ada.wait("When does it start?")
        ada.send(start)
        ada.wait("Does it happen every week?")
        ada.press("🔁 Every week" if weekly else "1️⃣ Just once")
        summary = ada.wait("check it, then create it")
        for value in (title, venue, f"{day:%a %d %b %Y}, {start}", "🔁 Every week" if weekly else "1️⃣ Just once"):
            assert value in summary.text, f"{value!r} not on the summary:\n{summary.text}"
        ada.press("✅ Create event")
        ada.wait(lambda m: "Club events" in m.text and title in m.text and "➕ New event" in buttons(m))

    # --- the drivers ------------------------------------------------------------------------------
    def offer(self, driver: Player, seats: int, address: str) -> None:
        """From the wizard's seats to the created trip: the seats, one pickup point at the time
        suggested before the event's start, no comment, ✅ Confirm."""
        driver.wait("How many free seats?")
        driver.press(str(seats))
        driver.wait("send the address")
        driver.send(address)
        screen = driver.wait("The event starts at 18:30: 17:45 gets everyone there in time.")
        driver.press("👍 17:45 (suggested)", screen)
        driver.wait(lambda m: "Pickup points" in m.text and address in m.text)
        driver.press("✅ Done")
        driver.wait("Any comment")
        driver.press("⏭ Skip")
        summary = driver.wait("Check your trip")
        assert f"{GAME} · Riverside Arena" in summary.text and "🏐 The event starts at 18:30" in summary.text
        driver.press("✅ Confirm")
        driver.wait("Trip created")

    # --- the screens ------------------------------------------------------------------------------
    def card(self, player: Player, title: str = GAME, shows: str = "") -> str:
        """The event's card through /events, as `player` sees it (it holds `shows`)."""
        player.command("/events").wait(lambda m: any(title in b for b in buttons(m)))
        player.press(next(b for b in buttons(player.window) if title in b))
        return player.wait(lambda m: m.text.startswith(f"🏐 {title}\n📅 ") and shows in m.text).text

    def agree(self, cars: list[Car], needs: dict[int, str]) -> None:
        """The game's card (as Dee sees it, or Ada before any car), the events list's line, the
        askers' "My trips" and the database say the same: these `cars` go, and these players
        still need a ride (`needs`: player → area, "" for anywhere), in the order they asked."""
        event_id = self.db.event_id(GAME)
        assert self.db.cars(event_id) == cars
        requests = self.db.requests(event_id)
        assert [n for n, (status, _, _) in requests.items() if status == "open"] == [NAMES[t] for t in needs]
        named = [NAMES[t] + (f" (from {area})" if area else "") for t, area in needs.items()]
        viewer = self[DEE] if cars else self[ADA]
        assert card_rides(self.card(viewer)) == expected_rides(cars, named)
        ada = self[ADA]
        listing = ada.command("/events").wait("Club events").text
        assert summary_line(cars, len(needs)) in list_entry(listing, GAME), listing
        for tid in (PAT, SUE, IVAN):
            self.my_trips(tid, requests.get(NAMES[tid]))

    def my_trips(self, tid: int, request: tuple[str, str, str | None] | None) -> None:
        """The player's "My trips": an open request is waiting there (with its area), a seat
        got through it is among their seats, and nothing else of the game."""
        player = self[tid]
        tr = tr_for("ru" if tid == IVAN else "en")
        title = shown(tr, "trips-mine-title").strip().split("\n")[0]  # "🧳 My trips"
        screen = player.command("/mytrips").wait(title).text
        waiting, seats = shown(tr, "trips-mine-requests"), shown(tr, "trips-mine-seats")
        status = request[0] if request else None
        if status == "open":
            entry = screen.split(waiting)[1]
            assert f"{GAME} · Riverside Arena" in entry, screen
            assert request[1] in entry if request[1] else "·" not in entry.split("Riverside Arena")[1], screen
            assert any(GAME in b for b in buttons(player.window))
        else:
            assert waiting not in screen, screen
        if status == "seated":
            assert f"{GAME} · Riverside Arena" in screen.split(seats)[1].split(waiting)[0], screen
        else:
            assert seats not in screen, screen


def test_a_week_of_club_events(tg, tmp_path):
    zone = club_zone()  # tomorrow is on the calendar's first page
    bot = BotProcess(tg, tmp_path, TIMEZONE=zone.key, CLUB_ADMINS=str(ADA), SCHEDULER_INTERVAL="1", REMINDERS="")
    bot.prepare_database()
    seed(bot.env["DATABASE_URL"])
    week = Week(tg, Database(tmp_path / "data" / "carpool.sqlite3"), zone)
    ada, dee, eve, gil, pat, sue, ivan = (week[t] for t in (ADA, DEE, EVE, GIL, PAT, SUE, IVAN))
    training_day, game_day = week.today + timedelta(days=1), week.today + timedelta(days=2)
    started = time.monotonic()
    bot.start()
    try:
        # --- Ada creates the week's events ------------------------------------------------------
        week.create_event("🏃 Training", TRAINING, "Club gym", training_day, "19:00", weekly=True)
        week.create_event("🏐 Game", GAME, "Riverside Arena", game_day, "18:30", weekly=False)
        listing = ada.window.text
        assert "🔁" in list_entry(listing, TRAINING) and "🔁" not in list_entry(listing, GAME)
        week.agree([], {})

        # --- two drivers attach trips: from /newtrip, and from the event's card -----------------
        dee.command("/newtrip").wait("Which event are you driving to?")
        dee.press(f"🏐 {game_day:%a %d %b} · {GAME}")
        week.offer(dee, 2, "Central Station")
        week.agree([Car("Dee", 2)], {})
        week.card(eve, shows="🚗 Cars going (1)")
        eve.press("🚗 I'm driving")
        week.offer(eve, 1, "Oak Street 3")
        cars = [Car("Dee", 2), Car("Eve", 1)]
        week.agree(cars, {})

        # --- three players ask for a ride on the card (Pat types where he'd get in) -------------
        week.card(pat, shows="🙋 Nobody is waiting for a ride.")
        pat.press("🙋 I need a ride")
        pat.wait("Where should a driver pick you up?")
        pat.send("Oak Street")
        pat.wait("🙋 You asked for a ride from Oak Street.")
        week.agree(cars, {PAT: "Oak Street"})

        week.card(sue, shows="Pat (from Oak Street)")
        sue.press("🙋 I need a ride")
        sue.wait("Where should a driver pick you up?")
        sue.press("✅ Ask for a ride")
        sue.wait("🙋 You asked for a ride.")
        week.agree(cars, {PAT: "Oak Street", SUE: ""})

        # Ivan reads it all in Russian
        ivan.command("/events").wait(ru("events-list-title"))
        ivan.press(next(b for b in buttons(ivan.window) if GAME in b))
        pat_from = ru("events-need-from", name="Pat", area="Oak Street")
        card = ivan.wait(ru("events-card-needs", n=2, names=f"{pat_from}, Sue"))
        assert ru("events-card-cars", n=2) in card.text, card.text
        ivan.press(ru("events-need-ride"))
        ivan.wait(ru("events-request-hint"))
        ivan.send("Hill Road")
        ivan.wait(ru("events-you-asked-from", area="Hill Road"))
        asking = {PAT: "Oak Street", SUE: "", IVAN: "Hill Road"}
        week.agree(cars, asking)

        # each driver going there got one batched message naming all three, as it was when sent
        for driver in (dee, eve):
            told = driver.notice("🙋 3 players still need a ride to Cup final")
            assert told.text.split("\n")[1:] == ["• Pat, from Oak Street", "• Sue", "• Ivan, from Hill Road"]
            assert buttons(told) == ["🏐 Open event"]

        # --- two of them get seats: Pat with Dee, Sue with Eve, from the card's cars --------------
        for player, driver, car in ((pat, dee, "🚗 Dee · 17:45 · 2 free"), (sue, eve, "🚗 Eve · 17:45 · 1 free")):
            week.card(player, shows="🙋 You asked for a ride")
            player.press(car)
            player.wait(lambda m: "🙋 Join" in buttons(m) and "🚗 Driver: " + driver.name in m.text)
            player.press("🙋 Join")
            player.wait("Take a seat to")
            player.press("✅ Join")
            player.wait("You have a seat.")
            player.press("⬅️ Back")  # back on the event's card
            player.wait(f"✅ You have a seat with {driver.name}.")
            driver.notice(f"{player.name} joined your trip")
        cars = [Car("Dee", 2, 1), Car("Eve", 1, 1)]
        asking = {IVAN: "Hill Road"}
        week.agree(cars, asking)
        assert week.db.requests(week.db.event_id(GAME)) == {
            "Pat": ("seated", "Oak Street", "Dee"), "Sue": ("seated", "", "Eve"), "Ivan": ("open", "Hill Road", None)}

        # --- the third is still asking, and the drivers see it: on the card, which Eve opens from
        # the message she got, and in that message ---------------------------------------------
        told = eve.notice("still need a ride to Cup final")
        assert "• Ivan, from Hill Road" in told.text
        eve.open_from(told, "🏐 Open event")
        card = eve.wait(lambda m: m.text.startswith(f"🏐 {GAME}\n📅 ") and "🚗 You drive there." in m.text).text
        assert card_rides(card) == expected_rides(cars, ["Ivan (from Hill Road)"])
        assert "🙋 I need a ride" not in buttons(eve.window)

        # --- a third car: Ivan is told and joins from that message -------------------------------
        gil.command("/newtrip").wait("Which event are you driving to?")
        gil.press(f"🏐 {game_day:%a %d %b} · {GAME}")
        week.offer(gil, 3, "Hill Road 1")
        news = ru("notice-event-new-trip", title=GAME, day=tr_for("ru").day(game_day), driver="Gil", time="17:45",
                  address="Hill Road 1", seats=ru("notice-seats-left", n=3))
        told = ivan.notice(news)
        assert told.text == news and buttons(told) == [ru("notice-open-trip")]
        ivan.open_from(told, ru("notice-open-trip"))
        ivan.wait(lambda m: ru("trips-join") in buttons(m) and "Gil" in m.text)
        ivan.press(ru("trips-join"))
        ivan.wait(lambda m: ru("trips-join-ok") in buttons(m))
        ivan.press(ru("trips-join-ok"))
        ivan.wait(ru("trips-card-your-seat"))
        gil.notice("Ivan joined your trip")
        card = week.card(ivan, shows=ru("events-you-seated", driver="Gil"))  # his card says so, in Russian
        assert ru("events-card-no-needs") in card and ru("events-need-ride") not in buttons(ivan.window)
        for player in (pat, sue):  # seated already: nobody tells them of another car
            assert not any("A new car is going" in m.text for m in player.user.messages())
        cars = [Car("Dee", 2, 1), Car("Eve", 1, 1), Car("Gil", 3, 1)]
        week.agree(cars, {})
        assert week.db.requests(week.db.event_id(GAME))["Ivan"] == ("seated", "Hill Road", "Gil")

        # --- the training starts: the scheduler makes next week's --------------------------------
        training = week.db.event_id(TRAINING)
        assert week.db.occurrences(training) == [training_day.isoformat()]
        week.db.rows("update event set starts_at = datetime('now', '-1 minute') where id = ?", training)
        next_week = training_day + timedelta(days=7)
        bot.wait_output(f"Weekly event {training}: the next occurrence on {next_week.isoformat()}")
        assert week.db.occurrences(training) == [training_day.isoformat(), next_week.isoformat()]
        pat.command("/events").wait(lambda m: f"🏃 {next_week:%a %d %b} · {TRAINING}" in buttons(m))
        assert f"🏃 {training_day:%a %d %b} · {TRAINING}" not in buttons(pat.window)  # it has started
        assert "🔁" in list_entry(pat.window.text, TRAINING)

        # Ivan read every word in Russian: the screens, the notice, the buttons
        for message in ivan.user.messages():
            said = "\n".join([message.text, *buttons(message)])
            assert not foreign_words(said, "ru", USER_TEXT), said

        code, _ = bot.stop()
        assert code == 0
        assert not tg.rejected(ignore=BENIGN_ERRORS), tg.rejected(ignore=BENIGN_ERRORS)
        assert "Traceback" not in bot.output()
        print(f"the week took {time.monotonic() - started:.1f}s after the database was seeded")
    finally:
        bot.kill()


def test_a_request_made_while_the_drivers_message_is_on_its_way_gets_a_message_of_its_own(database):
    """Found while writing the week: the drivers' batched message is rendered when it is sent, so
    a request made meanwhile waits for it only while it is pending. Once the sender has claimed
    it (rendered, the Bot API call under way, or a flood wait), a new request is not in it and
    needs the next message; before, the driver never heard of that player."""
    from zoneinfo import ZoneInfo

    from models import Notification, events, outbox, requests, trips, users
    from tests.notices import render_row

    utc = ZoneInfo("UTC")
    register()
    game = events.create_event(ADA, events.EventDraft("game", GAME, "Riverside Arena",
                                                      trips.local_today(utc) + timedelta(days=2), clock(18, 30)),
                               utc, frozenset({ADA}))
    trips.create_trip(DEE, trips.TripDraft(destination=f"{GAME} · Riverside Arena", departure_date=game.date, seats=2,
                                           pickups=[trips.PickupDraft("Central Station", clock(17, 45))]),
                      utc, event_id=game.id)
    dee = users.get_user(DEE)

    def messages() -> list[Notification]:
        return list(Notification.select().where((Notification.recipient == dee.id)
                                                & (Notification.kind == "ride_requests")).order_by(Notification.id))

    requests.request_ride(PAT, game.id, "Oak Street")
    (first,) = messages()
    assert outbox.claim(first.id, "sender")  # the sender has it: rendered now, then sent
    assert render_row(first).text.split("\n")[1:] == ["• Pat, from Oak Street"]
    requests.request_ride(SUE, game.id)
    requests.request_ride(IVAN, game.id)  # the next message is still waiting: it takes Ivan too
    first_, second = messages()
    assert (first_.state, second.state) == ("sending", "pending")
    assert render_row(second).text.split("\n")[1:] == ["• Pat, from Oak Street", "• Sue", "• Ivan"]


def test_a_player_who_asked_and_then_drives_there_no_longer_needs_a_ride(database):
    """Found while writing the week: Ivan asked for a ride, then got a car and tapped 🚗 I'm
    driving; his request stayed open, so the card listed the driver among those who still need
    a ride, the other drivers' messages named him and his "My trips" kept him waiting. Driving
    there closes the driver's own request (a free one to that place and day too)."""
    from zoneinfo import ZoneInfo

    from models import ROLE_DRIVER, RideRequest, events, queries, requests, trips, users

    utc = ZoneInfo("UTC")
    register()
    day = trips.local_today(utc) + timedelta(days=2)
    game = events.create_event(ADA, events.EventDraft("game", GAME, "Riverside Arena", day, clock(18, 30)),
                               utc, frozenset({ADA}))
    asked = requests.request_ride(IVAN, game.id, "Hill Road")
    requests.request_ride(PAT, game.id)
    free = requests.request_free(IVAN, day, "Beach", tz=utc)
    users.set_role(IVAN, ROLE_DRIVER)  # he got a car (the wizard asks a passenger to switch)

    def drive(destination: str, event_id: int | None = None) -> trips.Trip:
        return trips.create_trip(IVAN, trips.TripDraft(destination=destination, departure_date=day, seats=3,
                                                       pickups=[trips.PickupDraft("Hill Road 1", clock(17, 45))]),
                                 utc, event_id=event_id)

    trip = drive(f"{GAME} · Riverside Arena", game.id)
    card = queries.event_card(game.id, IVAN)
    assert card.is_driving and [n.first_name for n in card.needs] == ["Pat"]
    assert queries.event_summary(game.id).need_ride == 1
    assert (RideRequest.get_by_id(asked.id).status, RideRequest.get_by_id(asked.id).trip_id) == ("seated", trip.id)
    assert [r.id for r in queries.my_requests(IVAN)] == [free.id]  # the free one is another place
    beach = drive("Beach volley")
    assert queries.my_requests(IVAN) == []
    assert RideRequest.get_by_id(free.id).trip_id == beach.id
