"""Notifications and reminders in their reader's language (issue #19).

A notification is rendered when it is sent, in its recipient's language (`User.language`, else
the bot's default); a press on a reminder's or a notice's button is answered in the presser's.
Every kind is rendered in the pseudo-locale `qps`, where each catalog text comes out inside
⟦…⟧: letters left outside are a text no catalog supplied (tests/test_i18n.py does the same for
the dialogs' windows).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from dialogs.i18n import MISSING, PSEUDO, tr_for
from dialogs.notifications import RENDERERS, NoticeButton, NotificationRenderer, Rendered
from models.lifecycle import CANT_GO_REASON
from models import (
    ROLE_DRIVER, ROLE_PASSENGER, Notification, Trip, club, events, lifecycle, manage, privacy, queries, requests, rides,
    trips, utcnow, waitlist,
)
from models import users
from models.tables import LANGUAGES
from models.trips import to_utc
from tests.harness import button_texts
from tests.notices import buttons, register
from tests.test_i18n import LETTERS, _rest
from tests.test_notifier import bot, sends  # noqa: F401 - fixtures
from tests.test_notifications import _locator, markup, notice
from tests.test_reminder_answers import Presser, reminder_message, seed

UTC = ZoneInfo("UTC")
OFFSETS = (timedelta(hours=24), timedelta(hours=2))
CYRILLIC = "абвгдеёжзийклмнопрстуфхцчшщъыьэюя"


def _trip(driver: int, destination: str, day, *pickups: tuple[str, time], seats: int = 3) -> Trip:
    return trips.create_trip(driver, trips.TripDraft(
        destination=destination, departure_date=day, seats=seats,
        pickups=[trips.PickupDraft(address, at) for address, at in pickups]), UTC)


def every_kind(show: Callable[[Notification, datetime], None]) -> None:
    """Every kind the operations write, with the parameters they write: `show(row, now)` for
    each row when it is due (a reminder reads the trip as it is then)."""
    shown: set[int] = set()

    def step(now: datetime | None = None) -> None:
        for row in Notification.select().where(Notification.id.not_in(shown or {0})).order_by(Notification.id):
            shown.add(row.id)
            show(row, now)

    register((1, "Dee Driver", ROLE_DRIVER), (2, "Ann Smith", ROLE_PASSENGER), (3, "Bob Jones", ROLE_PASSENGER),
             (4, "Cat Lee", ROLE_PASSENGER), (5, "Eve Wheeler", ROLE_PASSENGER), (6, "Fay Newcomer", ROLE_DRIVER),
             username={1: "dee"})
    users.set_car(1, "red Skoda, AB-123")
    day = trips.local_today(UTC) + timedelta(days=2)
    trip = _trip(1, "Riverside Arena", day, ("Central Station, north exit", time(18)), ("Oak Street 12", time(18, 15)),
                 ("Sports centre car park", time(18, 30)))
    station, oak, _ = queries.pickup_points(trip.id)
    for tid, point in ((2, station), (3, oak), (4, station)):  # joined: 2 seats left, 1, the car is full
        rides.join_trip(tid, trip.id, point.id)
    rides.change_pickup(2, trip.id, oak.id)
    step()
    eve_of = to_utc(day, time(18, 30), UTC) - OFFSETS[0]  # "tomorrow"; also shown three days ahead: a plain day
    lifecycle.send_due_reminders(eve_of, OFFSETS, UTC)
    for row in Notification.select().where(Notification.kind.in_(("reminder", "reminder_driver"))):
        show(row, eve_of - timedelta(days=1))
    step(eve_of)
    last = to_utc(day, time(16, 30), UTC)  # "today"
    lifecycle.send_due_reminders(last, OFFSETS, UTC)
    step(last)
    lifecycle.tell_driver(2, trip.id, lifecycle.WAY)
    lifecycle.tell_driver(2, trip.id, lifecycle.LATE)
    rides.leave_trip(3, trip.id, reason=CANT_GO_REASON)  # as the reminder's "Can't go" does
    privacy.forget_user(4)  # "left the club bot", and Cat is a former player from now on
    rides.join_trip(5, trip.id, station.id)
    rides.leave_trip(5, trip.id, reason="the game was moved")
    rides.join_trip(5, trip.id, station.id)
    rides.leave_trip(5, trip.id)
    rides.join_trip(5, trip.id, station.id)
    manage.apply_edit(1, trip.id, Trip.get_by_id(trip.id).version,
                      manage.TripEdit(comment="Bring the ball bag, please."), UTC)
    manage.apply_edit(1, trip.id, Trip.get_by_id(trip.id).version, manage.TripEdit(
        destination="Away game at Riverside Arena", departure_date=day + timedelta(days=1), comment="",
        pickups=[manage.PointEdit(station.id, "Club gym", time(18, 5))]), UTC, expected_losers=[2])
    cup = _trip(1, "Cup final", day, ("Sports centre car park", time(9, 30)))
    training = _trip(6, "Tuesday training", day, ("Club gym", time(19)))
    for target in (cup, training):
        rides.join_trip(5, target.id, queries.pickup_points(target.id)[0].id)
    manage.cancel_trip(1, cup.id, "the game was moved")
    privacy.forget_user(6)  # the driver left: their trip is cancelled, with the bot's reason
    gym = _trip(1, "Club gym", day, ("Oak Street 12", time(20)))
    rides.join_trip(5, gym.id, queries.pickup_points(gym.id)[0].id)
    manage.cancel_trip(1, gym.id)
    club.chat_status(-100123, "administrator", by=1)  # Dee added the bot to the club chat…
    club.chat_status(-100123, "kicked")  # …which then lost it: Dee is told
    step()
    _events(day, step)
    _waitlist(day, step)


def _events(day, step: Callable[[], None]) -> None:
    """Club events (issue #21): a new car told to who asked and who watches, the requests
    batched to the driver, an admin's change and cancellations."""
    admins = frozenset({1})
    game = events.create_event(1, events.EventDraft("game", "Away game", "Riverside Arena", day, time(19)), UTC, admins)
    requests.request_ride(3, game.id, "Oak Street")  # asked before any car: told of the new one
    requests.add_alert(2, event_id=game.id)
    requests.add_alert(5, destination="riverside", weekday=day.weekday())
    trips.create_trip(1, trips.TripDraft("Away game · Riverside Arena", day, 3,
                                         [trips.PickupDraft("Club gym", time(18, 15))]), UTC, event_id=game.id)
    step()
    requests.request_ride(5, game.id)  # the driver hears of Bob (from Oak Street) and Eve, in one message
    requests.request_ride(2, game.id)  # …still one message
    step()
    events.edit_event(1, game.id, events.EventDraft("training", "Cup game", "North Hall", day + timedelta(days=1),
                                                    time(19, 30)), UTC, admins)
    events.cancel_event(1, game.id, "the pitch is flooded", admins=admins)
    other = events.create_event(1, events.EventDraft("other", "Club party", "Club house", day, time(20)), UTC, admins)
    requests.request_ride(3, other.id)
    events.cancel_event(1, other.id, admins=admins)
    step()


def _waitlist(day, step: Callable[[], None]) -> None:
    """Issue #22: a freed seat offered, taken, withdrawn and run out; "Still OK?" and its release;
    the driver's word; a passenger taken off; lines closed by a cancellation and a departure.
    Ann (2), Bob (3) and Eve (5) ride with Dee (1); each offer is shown while it is held."""
    trip = _trip(1, "Cup final", day, ("Central Station, north exit", time(17)), ("Oak Street 12", time(17, 15)),
                 seats=1)
    station, oak = queries.pickup_points(trip.id)
    rides.join_trip(2, trip.id, station.id)
    waitlist.wait_for_seat(3, trip.id, station.id)
    waitlist.wait_for_seat(5, trip.id, oak.id)
    rides.leave_trip(2, trip.id)  # Bob is offered the seat…
    step()
    waitlist.accept_offer(3, trip.id)  # …and takes it: Dee is told
    step()

    def seats(n: int) -> None:
        manage.apply_edit(1, trip.id, Trip.get_by_id(trip.id).version, manage.TripEdit(seats=n), UTC)

    seats(2)  # Eve is offered the new seat…
    step()
    seats(1)  # …taken back: her offer is withdrawn
    seats(2)
    step()
    now = utcnow()
    waitlist.expire_offers(now + timedelta(minutes=31))  # offered again, she lets it run out
    step()
    rides.join_trip(2, trip.id, oak.id)
    manage.apply_edit(1, trip.id, Trip.get_by_id(trip.id).version, manage.TripEdit(
        departure_date=day + timedelta(days=1)), UTC)  # Ann and Bob are asked "Still OK?"
    step()
    manage.still_ok(2, trip.id)
    departs = Trip.get_by_id(trip.id).departs_at
    manage.set_release(1, trip.id, (departs - timedelta(hours=1)).time(), UTC)
    manage.release_unanswered(departs - timedelta(hours=1))  # Bob never answered
    manage.message_passengers(1, trip.id, "I'm 5 minutes late, north exit")
    manage.remove_passenger(1, trip.id, users.get_user(2).id, "the car is smaller than I thought")
    rides.join_trip(5, trip.id, station.id)
    manage.remove_passenger(1, trip.id, users.get_user(5).id)
    step()
    for cancel in (True, False):
        other = _trip(1, "Club gym", day, ("Oak Street 12", time(20)), seats=1)
        rides.join_trip(2, other.id, queries.pickup_points(other.id)[0].id)
        waitlist.wait_for_seat(5, other.id, queries.pickup_points(other.id)[0].id)
        if cancel:
            manage.cancel_trip(1, other.id)
        else:
            waitlist.clear_departed(other.departs_at)
    step()


def _texts(message: Rendered) -> list[str]:
    return [message.text, *buttons(message)]


def test_every_kind_in_every_language(database):
    """Every kind, in the pseudo-locale (nothing outside the catalogs), in English as before,
    and in Russian and German with every text and argument found."""
    renderers = {language: NotificationRenderer(UTC, default_language=language) for language in (PSEUDO, *LANGUAGES)}
    shown: dict[str, list[Rendered]] = defaultdict(list)
    kinds: set[str] = set()

    def show(row: Notification, now: datetime | None) -> None:
        kinds.add(row.kind)
        for language, render in renderers.items():
            shown[language].append(render(row, now=now))

    MISSING.clear()
    every_kind(show)
    assert kinds == set(RENDERERS), f"kinds not rendered here: {sorted(set(RENDERERS) - kinds)}"
    leftovers = [f"{_rest(text).strip()!r} in {text!r}"
                 for message in shown[PSEUDO] for text in _texts(message) if LETTERS.search(_rest(text))]
    assert not leftovers, "texts no catalog supplied:\n" + "\n".join(leftovers)
    assert not MISSING, f"texts that could not be made: {sorted(MISSING)}"

    english = "\n".join(text for message in shown["en"] for text in _texts(message))
    for variant in ("(can't go)", "(left the club bot)", "Former player", "(the game was moved)", "18:15. 1 seat left.",
                    "The car is now full.", "is tomorrow (", "is today at <b>18:15</b>", ": nobody", "💺 3 of 3 seats taken.",
                    "Reason: the driver left the club bot", "the driver's note is removed", "• your pickup address",
                    "Still going?", "Let the driver know", "🔎 Find another ride", "🚗 On my way",
                    "🙋 3 players still need a ride to <b>Away game</b>", "• Bob, from Oak Street\n• Eve\n• Ann",
                    "🚗 A new car is going to <b>Away game</b>", "🔔 New trip to <b>Away game · Riverside Arena</b>",
                    "• kind: game → <b>training</b>", "• start: 19:00 → <b>19:30</b>", "🏐 Open event",
                    "Reason: the pitch is flooded", "❌ <b>Club party</b> on",
                    "🎉 A seat is free in the trip to <b>Cup final</b>", "(pickup Oak Street 12, 17:15)",
                    "took a freed seat in your trip to <b>Cup final</b> from the waiting list", "✅ Take the seat",
                    "🙅 Pass", "the seat offered to you is gone", "was not taken in time", "Does it still work for you?",
                    "👍 Still OK", "🚪 Leave the trip", "you did not confirm it after the driver's change",
                    ":\nI'm 5 minutes late, north exit", "Reason: the car is smaller than I thought",
                    "is cancelled, so its waiting list is closed", "has left, so its waiting list is closed"):
        assert variant in english, variant
    for language in ("ru", "de"):
        for en, theirs in zip(shown["en"], shown[language], strict=True):
            assert theirs.text != en.text
            assert all(a != b for a, b in zip(buttons(en), buttons(theirs), strict=True))
    assert all(any(c in CYRILLIC for c in m.text.lower()) for m in shown["ru"])


def test_the_recipient_language_wins_over_the_default(database):
    register((1, "Dee Driver", ROLE_DRIVER), (2, "Ann Smith", ROLE_PASSENGER))
    trip = _trip(1, "Riverside Arena", trips.local_today(UTC) + timedelta(days=2), ("Oak Street 12", time(18)))
    rides.join_trip(2, trip.id, queries.pickup_points(trip.id)[0].id)
    row = Notification.get(Notification.kind == "joined")
    assert NotificationRenderer(UTC, "de")(row).text.endswith("Noch 2 Plätze frei.")  # no language stored: the default
    users.set_language(1, "ru")
    assert NotificationRenderer(UTC, "de")(row).text.endswith("Осталось 2 места.")  # read when it is sent


def test_russian_plural_forms_for_the_seats_left(database):
    register((1, "Dee Driver", ROLE_DRIVER), *((tid, f"P{tid}", ROLE_PASSENGER) for tid in range(2, 8)))
    users.set_language(1, "ru")
    trip = _trip(1, "Riverside Arena", trips.local_today(UTC) + timedelta(days=2), ("Oak Street 12", time(18)),
                 seats=6)
    for tid in range(2, 8):
        rides.join_trip(tid, trip.id, queries.pickup_points(trip.id)[0].id)
    render = NotificationRenderer(UTC)
    ends = [render(n).text.rsplit(". ", 1)[-1] for n in Notification.select().order_by(Notification.id)]
    assert ends == ["Осталось 5 мест.", "Осталось 4 места.", "Осталось 3 места.", "Осталось 2 места.",
                    "Осталось 1 место.", "Машина заполнена."]


async def test_a_cancellation_reaches_each_reader_in_their_language(database, tg, bot):
    """The same trip: the Russian passenger reads its cancellation in Russian, the English
    driver the passenger's joining in English — both as the sender sends them."""
    from bot.workers.notifier import Notifier

    for tid, name in ((1, "Dee"), (2, "Anna")):
        tg.user(tid, name)
    register((1, "Dee Driver", ROLE_DRIVER), (2, "Anna Example", ROLE_PASSENGER), username={1: "dee"})
    users.set_language(2, "ru")
    day = trips.local_today(UTC) + timedelta(days=2)
    trip = _trip(1, "Riverside Arena", day, ("Central Station, north exit", time(18)))
    rides.join_trip(2, trip.id, queries.pickup_points(trip.id)[0].id)
    manage.cancel_trip(1, trip.id, "the game was moved")
    notifier = Notifier(bot, render=NotificationRenderer(UTC), per_chat_interval=0)
    assert await notifier.send_pending_once() == 2
    (to_driver,) = sends(tg, 1)
    assert to_driver.params["text"] == (
        f'🙋 <a href="tg://user?id=2">Anna Example</a> joined your trip to <b>Riverside Arena</b>: pickup '
        f"Central Station, north exit, {day:%a %d %b} at 18:00. 2 seats left.")
    (to_passenger,) = sends(tg, 2)
    assert to_passenger.params["text"] == (
        f"❌ Поездка до <b>Riverside Arena</b> ({tr_for('ru').date(day)}) отменена.\n"
        "Причина: the game was moved\nНайди другую поездку через /trips.")
    assert markup(to_passenger)["inline_keyboard"][0][0]["text"] == "🔎 Найти другую поездку"


async def test_a_german_passenger_gets_a_german_reminder_and_answers_in_german(env):
    trip = seed()
    users.set_language(2, "de")
    day = tr_for("de").day(trip.departure_date)
    ahead = reminder_message(trip, before=timedelta(hours=24))
    assert ahead.text.startswith(
        f"⏰ <b>Erinnerung:</b> deine Fahrt nach <b>Riverside Arena</b> ist morgen ({day}) um <b>17:45</b>.\n"
        "📍 Treffpunkt: Central Station, 17:45\n🚗 Fahrer: ")
    assert ahead.text.endswith("\nFährst du noch mit?")
    assert button_texts(ahead) == ["👍 Ja", "🚫 Kann nicht"]
    ann = Presser(env, 2)
    answer, shown, _ = await ann.press(ahead, "👍 Ja")
    assert answer.text == "Super, bis dann! 👍" and button_texts(shown) == ["✅ Ja", "🚫 Kann nicht"]

    last = reminder_message(trip)  # two hours before: today
    assert "ist heute um <b>17:45</b>." in last.text and last.text.endswith("Sag dem Fahrer mit einem Tipp Bescheid:")
    assert button_texts(last) == ["🚗 Bin unterwegs", "⏰ Komme später", "❌ Kann nicht"]
    answer, shown, _ = await ann.press(last, "❌ Kann nicht")
    assert answer.text == "Sicher? Bestätige unten, dass du nicht kannst."
    assert button_texts(shown) == ["Ja, ich kann nicht", "Nein, ich komme"]


async def test_a_russian_passenger_presses_in_russian_and_the_english_driver_reads_english(env):
    """Through the real dispatcher: the toast and the redrawn keyboard in the presser's language,
    the driver's notice in hers; stale buttons and refusals are answered in Russian too."""
    trip = seed()
    users.set_language(2, "ru")
    message = reminder_message(trip)
    assert "Дай знать водителю одним нажатием:" in message.text
    ann = Presser(env, 2)
    answer, shown, _ = await ann.press(message, "🚗 Уже еду")
    assert answer.text == "Водитель знает, что ты уже едешь 👍"
    assert button_texts(shown) == ["✅ Уже еду", "⏰ Опаздываю", "❌ Не смогу"]
    answer, _, _ = await ann.press(shown, "✅ Уже еду")
    assert answer.text == "Уже отправлено: водитель знает, что ты едешь."
    told = Notification.get(Notification.kind == "rider_way")
    assert NotificationRenderer(UTC)(told).text.startswith(
        '🚗 <a href="tg://user?id=2">Ann Smith</a> is on the way to the pickup (Central Station, 17:45;')

    before = len(env.bot.callback_answers())
    for data in ("rm:zzz:1", "nt:elsewhere:1", NoticeButton(to="trip", trip_id=999_999).pack()):
        await ann.player.client.click(notice(2, data), _locator())
    assert [a.text for a in env.bot.callback_answers()[before:]] == [
        "Эта кнопка устарела.", "Эта кнопка устарела.", "Этой поездки больше нет."]

    stranger = env.player(77, "Zed")  # not registered: the language their Telegram app reports
    stranger.client.user = stranger.client.user.model_copy(update={"language_code": "ru"})
    await stranger.client.click(notice(77, NoticeButton(to="find").pack()), _locator())
    assert env.bot.callback_answers()[-1].text == "Сначала отправь /start и выбери роль."


async def test_a_russian_player_opens_the_trip_from_a_notice(env):
    """The notice's "Open trip" button opens the trip card window, drawn for a Russian player."""
    trip = seed()
    users.set_language(2, "ru")
    ann = env.player(2, "Ann")
    screen = await ann.click("x", notice(2, NoticeButton(to="trip", trip_id=trip.id).pack()))
    assert "Riverside Arena" in screen.text
    assert any(c in CYRILLIC for c in screen.text.lower()), screen.text
