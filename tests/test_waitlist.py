"""The waiting list of a full trip (issue #22, `models.waitlist`): getting in line, a freed seat
offered to the first in line and held for a while, taking it atomically, passing it on, offers
that run out on a simulated clock, and the line closed when the trip is cancelled or leaves.
Also the offer's buttons through the real dispatcher, in English and in Russian."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from aiogram.types import Chat, Message

from dialogs.waitlist import WaitlistAnswer
from models import (
    ROLE_DRIVER, ROLE_PASSENGER, Conflict, Notification, Participant, PermissionDenied, Trip, User, WaitEntry, manage,
    privacy, queries, rides, trips, users, utcnow, waitlist,
)
from models.tables import WAIT_CLEARED, WAIT_EXPIRED, WAIT_LEFT, WAIT_OFFERED, WAIT_TOOK, WAIT_WAITING
from tests.harness import button_texts
from tests.notices import register, render_row
from tests.test_reminder_answers import Presser

UTC = ZoneInfo("UTC")
DRIVER, ANN, BOB, CAT, EVE = 1, 2, 3, 4, 5
MIN = timedelta(minutes=1)


def full_trip(seats: int = 1, days: int = 2, points=(("Central Station", time(18)), ("Oak Street 12", time(18, 15))),
              destination: str = "Riverside Arena") -> Trip:
    """Dee drives to Riverside Arena; Ann has the only seat (`seats` 1). Bob, Cat and Eve ride along too."""
    register((DRIVER, "Dee Driver", ROLE_DRIVER), (ANN, "Ann Smith", ROLE_PASSENGER), (BOB, "Bob Jones", ROLE_PASSENGER),
             (CAT, "Cat Lee", ROLE_PASSENGER), (EVE, "Eve Wheeler", ROLE_PASSENGER))
    trip = trips.create_trip(DRIVER, trips.TripDraft(
        destination=destination, departure_date=trips.local_today(UTC) + timedelta(days=days), seats=seats,
        pickups=[trips.PickupDraft(a, t) for a, t in points]), UTC)
    for tid in (ANN, BOB, CAT, EVE)[:seats]:
        rides.join_trip(tid, trip.id, first_point(trip))
    return Trip.get_by_id(trip.id)


def first_point(trip: Trip) -> int:
    return queries.pickup_points(trip.id)[0].id


def uid(tid: int) -> int:
    return users.get_user(tid).id


def entries(trip: Trip) -> list[tuple[int, str]]:
    """The line as (Telegram id, status), in order."""
    rows = WaitEntry.select(WaitEntry.status, User.telegram_id).join(User).where(WaitEntry.trip == trip.id)
    return [(tid, status) for status, tid in rows.order_by(WaitEntry.id).tuples()]


def kinds(chat_id: int) -> list[str]:
    return [n.kind for n in Notification.select().where(Notification.chat_id == chat_id).order_by(Notification.id)]


def last_text(chat_id: int) -> str:
    row = Notification.select().where(Notification.chat_id == chat_id).order_by(Notification.id.desc()).get()
    return render_row(row).text


def test_getting_in_line(database):
    trip = full_trip()
    point, other = (p.id for p in queries.pickup_points(trip.id))
    assert waitlist.wait_for_seat(BOB, trip.id, point) == 1
    assert waitlist.wait_for_seat(CAT, trip.id, other) == 2
    assert waitlist.wait_for_seat(BOB, trip.id, other) == 1  # another point, the same place
    assert WaitEntry.get(WaitEntry.passenger == uid(BOB)).pickup_point_id == other
    assert (waitlist.position(BOB, trip.id), waitlist.position(CAT, trip.id), waitlist.position(EVE, trip.id)) == (
        1, 2, None)
    with pytest.raises(PermissionDenied, match="^error-own-trip$"):
        waitlist.wait_for_seat(DRIVER, trip.id, point)
    with pytest.raises(Conflict, match="^error-seat-taken-already$"):
        waitlist.wait_for_seat(ANN, trip.id, point)
    with pytest.raises(Conflict, match="^error-pickup-gone$"):
        waitlist.wait_for_seat(EVE, trip.id, 10**6)
    waitlist.leave_line(BOB, trip.id)
    assert waitlist.position(CAT, trip.id) == 1
    with pytest.raises(Conflict, match="^error-waitlist-not-in-line$"):
        waitlist.leave_line(BOB, trip.id)
    assert entries(trip) == [(BOB, WAIT_LEFT), (CAT, WAIT_WAITING)]
    card = queries.trip_card(trip.id, CAT)
    assert (card.position, card.waiting, card.seats_left, card.can_wait, card.offered) == (1, 1, 0, False, False)
    assert queries.trip_card(trip.id, EVE).can_wait and not queries.trip_card(trip.id, ANN).can_wait


def test_a_trip_with_a_free_seat_has_no_line(database):
    trip = full_trip(seats=2)
    rides.leave_trip(BOB, trip.id)
    with pytest.raises(Conflict, match="^error-waitlist-seats-free$"):
        waitlist.wait_for_seat(CAT, trip.id, first_point(trip))
    Trip.update(departs_at=utcnow() - MIN).where(Trip.id == trip.id).execute()
    with pytest.raises(Conflict, match="^error-trip-left$"):
        waitlist.wait_for_seat(CAT, trip.id, first_point(trip))
    assert WaitEntry.select().count() == 0


def test_a_freed_seat_is_held_for_the_first_in_line_then_taken(database):
    trip = full_trip()
    for tid in (BOB, CAT):
        waitlist.wait_for_seat(tid, trip.id, first_point(trip))
    rides.leave_trip(ANN, trip.id)  # the seat goes to Bob, held for him
    assert entries(trip) == [(BOB, WAIT_OFFERED), (CAT, WAIT_WAITING)]
    offer = WaitEntry.get(WaitEntry.status == WAIT_OFFERED)
    assert offer.offer_expires_at - offer.offered_at == waitlist.DEFAULT_HOLD
    card = queries.trip_card(trip.id, BOB)
    assert (card.seats_left, card.promised, card.offered, card.position) == (0, 1, True, 1)
    with pytest.raises(Conflict, match="^error-trip-full$"):  # a newcomer finds the trip full
        rides.join_trip(EVE, trip.id, first_point(trip))
    with pytest.raises(Conflict, match="^error-offer-not-yet$"):
        waitlist.accept_offer(CAT, trip.id)

    row = Notification.get(Notification.kind == "seat_offered")
    assert row.chat_id == BOB and json.loads(row.params)["entry"] == offer.id
    shown = render_row(row, now=offer.offer_expires_at)  # read the day it runs out: no day shown
    until = f"{offer.offer_expires_at:%H:%M}"
    assert render_row(row, now=offer.offer_expires_at - timedelta(days=1)).text.endswith(
        f"take it by <b>{offer.offer_expires_at:%a %d %b %H:%M}</b>.")  # not today: its day too
    assert shown.text == (f"🎉 A seat is free in the trip to <b>Riverside Arena</b> on {trip.departure_date:%a %d %b %Y} "
                          f"(pickup Central Station, 18:00), and it's yours if you take it by <b>{until}</b>.")
    assert button_texts(shown) == ["✅ Take the seat", "🙅 Pass", "🚗 Open trip"]

    seat = waitlist.accept_offer(BOB, trip.id)
    assert seat.pickup_point_id == first_point(trip) and Participant.select().count() == 1
    assert entries(trip) == [(BOB, WAIT_TOOK), (CAT, WAIT_WAITING)]
    assert kinds(DRIVER)[-1] == "waitlist_took"
    assert last_text(DRIVER) == (
        f'⏳ <a href="tg://user?id={BOB}">Bob Jones</a> took a freed seat in your trip to <b>Riverside Arena</b> from '
        f"the waiting list: pickup Central Station, {trip.departure_date:%a %d %b} at 18:00. The car is now full.")
    with pytest.raises(Conflict, match="^error-seat-taken-already$"):
        waitlist.accept_offer(BOB, trip.id)
    with pytest.raises(Conflict, match="^error-offer-none$"):
        waitlist.accept_offer(EVE, trip.id)


def test_passing_and_running_out_offer_the_next_on_a_simulated_clock(database):
    trip = full_trip()
    for tid in (BOB, CAT, EVE):
        waitlist.wait_for_seat(tid, trip.id, first_point(trip))
    now = utcnow()
    rides.leave_trip(ANN, trip.id)
    waitlist.pass_offer(BOB, trip.id, now=now)
    assert entries(trip) == [(BOB, WAIT_LEFT), (CAT, WAIT_OFFERED), (EVE, WAIT_WAITING)]
    with pytest.raises(Conflict, match="^error-offer-passed$"):
        waitlist.accept_offer(BOB, trip.id)

    assert waitlist.expire_offers(now + 29 * MIN) == 0  # still held
    assert waitlist.expire_offers(now + 31 * MIN) == 1
    assert entries(trip) == [(BOB, WAIT_LEFT), (CAT, WAIT_EXPIRED), (EVE, WAIT_OFFERED)]
    assert kinds(CAT) == ["seat_offered", "offer_expired"]
    assert "was not taken in time, so it went to the next in line" in last_text(CAT)
    with pytest.raises(Conflict, match="^error-offer-expired$"):
        waitlist.accept_offer(CAT, trip.id, now=now + 32 * MIN)
    # a restart, or a second scheduler: nothing offered twice, nothing run out twice
    assert waitlist.expire_offers(now + 31 * MIN) == 0
    waitlist.seat_freed(trip, now + 31 * MIN)
    assert Notification.select().where(Notification.kind == "seat_offered").count() == 3
    assert waitlist.seats_promised(trip) == 1

    # Eve lets it run out too, with nobody behind her: the seat is hers until someone else wants it
    late = now + 31 * MIN + waitlist.DEFAULT_HOLD + MIN
    waitlist.accept_offer(EVE, trip.id, now=late)
    assert entries(trip)[-1] == (EVE, WAIT_TOOK)


def test_the_hold_is_shortened_close_to_departure(database):
    departs = datetime(2030, 5, 1, 18)
    assert waitlist.offer_hold(departs, departs - timedelta(hours=3)) == waitlist.DEFAULT_HOLD
    assert waitlist.offer_hold(departs, departs - timedelta(hours=3), timedelta(minutes=45)) == 45 * MIN
    assert waitlist.offer_hold(departs, departs - 40 * MIN) == 20 * MIN  # half the time left
    assert waitlist.offer_hold(departs, departs - 6 * MIN) == waitlist.MIN_HOLD


def test_the_player_offered_the_seat_may_take_it_by_joining(database):
    trip = full_trip()
    waitlist.wait_for_seat(BOB, trip.id, first_point(trip))
    rides.leave_trip(ANN, trip.id)
    rides.join_trip(BOB, trip.id, queries.pickup_points(trip.id)[1].id)  # from the card, another point
    assert entries(trip) == [(BOB, WAIT_TOOK)] and kinds(DRIVER)[-1] == "waitlist_took"


def test_the_driver_adds_seats_or_takes_them_back(database):
    trip = full_trip()
    for tid in (BOB, CAT, EVE):
        waitlist.wait_for_seat(tid, trip.id, first_point(trip))
    manage.apply_edit(DRIVER, trip.id, trip.version, manage.TripEdit(seats=3), UTC)
    assert entries(trip) == [(BOB, WAIT_OFFERED), (CAT, WAIT_OFFERED), (EVE, WAIT_WAITING)]
    version = Trip.get_by_id(trip.id).version
    manage.apply_edit(DRIVER, trip.id, version, manage.TripEdit(seats=2), UTC)  # Cat's offer withdrawn, in her place
    assert entries(trip) == [(BOB, WAIT_OFFERED), (CAT, WAIT_WAITING), (EVE, WAIT_WAITING)]
    assert kinds(CAT) == ["seat_offered", "offer_withdrawn"]
    assert "the seat offered to you is gone. You keep your place in line." in last_text(CAT)
    with pytest.raises(Conflict, match="^error-offer-not-yet$"):
        waitlist.accept_offer(CAT, trip.id)
    assert waitlist.position(CAT, trip.id) == 2
    # the seat offered before is gone: the obsolete offer is not sent
    from dialogs.notifications import Obsolete
    with pytest.raises(Obsolete):
        render_row(Notification.get((Notification.chat_id == CAT) & (Notification.kind == "seat_offered")))


def test_a_point_removed_under_the_line(database):
    trip = full_trip()
    station, oak = queries.pickup_points(trip.id)
    waitlist.wait_for_seat(BOB, trip.id, oak.id)
    manage.apply_edit(DRIVER, trip.id, trip.version, manage.TripEdit(
        pickups=[manage.PointEdit(station.id, "Central Station", time(18)),
                 manage.PointEdit(None, "Bakery", time(18, 30))]), UTC)
    assert WaitEntry.get().pickup_point_id is None  # Bob stays in line, without a point
    rides.leave_trip(ANN, trip.id)
    with pytest.raises(Conflict, match="^error-offer-pick-point$"):  # two points: he picks one
        waitlist.accept_offer(BOB, trip.id)
    seat = waitlist.accept_offer(BOB, trip.id, station.id)
    assert seat.pickup_point_id == station.id


def test_a_cancelled_or_departed_trip_closes_its_line(database):
    trip = full_trip()
    waitlist.wait_for_seat(BOB, trip.id, first_point(trip))
    manage.cancel_trip(DRIVER, trip.id, "rain")
    assert entries(trip) == [(BOB, WAIT_CLEARED)]
    assert last_text(BOB).startswith(f"❌ The trip to <b>Riverside Arena</b> on {trip.departure_date:%a %d %b %Y} is "
                                     "cancelled, so its waiting list is closed.")

    other = full_trip(days=3, destination="Club gym")
    for tid in (CAT, EVE):
        waitlist.wait_for_seat(tid, other.id, first_point(other))
    assert waitlist.clear_departed(other.departs_at - MIN) == 0
    assert waitlist.clear_departed(other.departs_at) == 2
    assert entries(other) == [(CAT, WAIT_CLEARED), (EVE, WAIT_CLEARED)]
    assert "has left, so its waiting list is closed." in last_text(EVE)
    assert waitlist.clear_departed(other.departs_at + MIN) == 0  # once
    assert waitlist.seat_freed(other, other.departs_at) == []  # a seat freed once it has left goes to nobody


def test_forgetting_a_player_offered_a_seat_offers_it_to_the_next(database):
    trip = full_trip()
    for tid in (BOB, CAT):
        waitlist.wait_for_seat(tid, trip.id, first_point(trip))
    rides.leave_trip(ANN, trip.id)
    privacy.forget_user(BOB)
    assert entries(trip)[1] == (CAT, WAIT_OFFERED)
    assert WaitEntry.get(WaitEntry.passenger == uid(CAT)).status == WAIT_OFFERED


# --- the offer's buttons, through the real dispatcher ---------------------------------------------


def sent_notice(chat_id: int, kind: str) -> Message:
    """The latest notice of `kind` to this chat as Telegram shows it: rendered as the notifier sends it."""
    row = (Notification.select().where((Notification.chat_id == chat_id) & (Notification.kind == kind))
           .order_by(Notification.id.desc()).get())
    shown = render_row(row)
    return Message(message_id=700 + row.id, date=datetime.now(), chat=Chat(id=chat_id, type="private"),
                   text=shown.text, reply_markup=shown.reply_markup)


def offer_message(chat_id: int) -> Message:
    return sent_notice(chat_id, "seat_offered")


async def test_take_the_seat_and_pass_with_one_tap(env):
    trip = full_trip()
    for tid in (BOB, CAT, EVE):
        waitlist.wait_for_seat(tid, trip.id, first_point(trip))
    rides.leave_trip(ANN, trip.id)
    env.dp["settings"] = replace(env.settings, waitlist_hold=timedelta(minutes=12))  # WAITLIST_HOLD=12
    bob = Presser(env, BOB)
    answer, shown, edited = await bob.press(offer_message(BOB), "🙅 Pass")
    assert answer.text == "OK: the seat goes to the next in line." and edited
    cats = WaitEntry.get(WaitEntry.passenger == uid(CAT))
    assert cats.status == WAIT_OFFERED and cats.offer_expires_at - cats.offered_at == timedelta(minutes=12)
    assert button_texts(shown) == ["🙅 You passed", "🚗 Open trip"]
    answer, _, _ = await bob.press(shown, "🙅 You passed")
    assert answer.text == "You passed on this seat."

    cat, cat_offer = Presser(env, CAT), offer_message(CAT)
    answer, shown, _ = await cat.press(cat_offer, "✅ Take the seat")
    assert answer.text == "The seat is yours! The driver is told. 🎉"
    assert button_texts(shown) == ["✅ The seat is yours", "🚗 Open trip"]
    assert entries(trip) == [(BOB, WAIT_LEFT), (CAT, WAIT_TOOK), (EVE, WAIT_WAITING)]
    assert Participant.get().passenger_id == uid(CAT)

    answer, _, edited = await cat.press(cat_offer, "✅ Take the seat")  # again: refused, shown
    assert answer.show_alert and answer.text == "You already have a seat in this trip." and not edited

    eve = Presser(env, EVE)  # a forged press: no offer for Eve
    forged = cat_offer.model_copy(update={"chat": Chat(id=EVE, type="private")})
    answer, _, _ = await eve.press(forged, "✅ Take the seat")
    assert answer.show_alert and answer.text == (
        "No seat is free for you yet: you're still in line, and you'll hear from me when one is.")


async def test_a_russian_player_takes_the_seat_in_russian(env):
    trip = full_trip()
    users.set_language(BOB, "ru")
    waitlist.wait_for_seat(BOB, trip.id, first_point(trip))
    rides.leave_trip(ANN, trip.id)
    message = offer_message(BOB)
    assert message.text.startswith("🎉 В поездке до <b>Riverside Arena</b>")
    assert "освободилось место (посадка — Central Station, 18:00) — оно твоё, если займёшь его до" in message.text
    assert button_texts(message) == ["✅ Занять место", "🙅 Пропустить", "🚗 Открыть поездку"]
    answer, shown, _ = await Presser(env, BOB).press(message, "✅ Занять место")
    assert answer.text == "Место твоё! Водитель в курсе. 🎉"
    assert button_texts(shown) == ["✅ Место твоё", "🚗 Открыть поездку"]
    card = await env.player(BOB).click("🚗 Открыть поездку", shown)  # the trip card window, in Russian
    assert "Riverside Arena" in card.text and "Central Station" in card.text
    assert "Central Station  ← <i>твоя посадка</i>" in card.text and "✅ <b>У тебя есть место.</b>" in card.text


async def test_malformed_and_forged_data_are_answered(env):
    full_trip()
    ann = env.player(ANN)
    from tests.test_notifications import _locator, notice

    before = len(env.bot.callback_answers())
    for data in ("wl:zzz:1", "wl:take", WaitlistAnswer(action="take", trip_id=10**30).pack(),
                 WaitlistAnswer(action="take", trip_id=999_999).pack()):
        await ann.client.click(notice(ANN, data), _locator())
    assert [a.text for a in env.bot.callback_answers()[before:]] == [
        "That button is out of date.", "That button is out of date.", "That button is out of date.",
        "That trip does not exist (any more)."]


def test_the_data_fits_telegram():
    assert len(WaitlistAnswer(action="passed", trip_id=2**63 - 1).pack().encode()) <= 64
