""""Still OK?" after the driver's change (issue #22, `models.manage`): who is asked (a pickup moved
by more than 15 minutes, a moved point, another date), the answers ("👍 Still OK", leaving, or
picking another point), what the driver's card shows, and the driver's "Release unanswered seats
at …", run by the scheduler once, its seats offered to the waiting list. The answers' buttons
through the real dispatcher, in English and in Russian."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from aiogram.types import Message

from bot.workers.scheduler import Scheduler
from models import (
    ROLE_DRIVER, ROLE_PASSENGER, Conflict, Notification, Participant, PermissionDenied, Trip, ValidationError, WaitEntry,
    manage, queries, rides, trips, users, waitlist,
)
from models.tables import RECONFIRM_ASKED, RECONFIRM_NONE, RECONFIRM_OK, WAIT_OFFERED
from tests.harness import button_texts
from tests.notices import register, render_row
from tests.test_reminder_answers import Presser
from tests.test_waitlist import sent_notice

UTC = ZoneInfo("UTC")
DRIVER, ANN, BOB, CAT = 1, 2, 3, 4


def car() -> tuple[Trip, int, int]:
    """Dee drives to Riverside Arena in two days, 3 seats: Ann gets in at the station, Bob at Oak Street."""
    register((DRIVER, "Dee Driver", ROLE_DRIVER), (ANN, "Ann Smith", ROLE_PASSENGER), (BOB, "Bob Jones", ROLE_PASSENGER),
             (CAT, "Cat Lee", ROLE_PASSENGER))
    trip = trips.create_trip(DRIVER, trips.TripDraft(
        destination="Riverside Arena", departure_date=trips.local_today(UTC) + timedelta(days=2), seats=2,
        pickups=[trips.PickupDraft("Central Station", time(18)), trips.PickupDraft("Oak Street 12", time(18, 15))]),
        UTC)
    station, oak = (p.id for p in queries.pickup_points(trip.id))
    rides.join_trip(ANN, trip.id, station)
    rides.join_trip(BOB, trip.id, oak)
    Notification.delete().execute()
    return Trip.get_by_id(trip.id), station, oak


def edit(trip: Trip, **changes) -> Trip:
    return manage.apply_edit(DRIVER, trip.id, Trip.get_by_id(trip.id).version, manage.TripEdit(**changes), UTC)


def asked(tid: int, trip: Trip) -> str:
    return Participant.get((Participant.trip == trip.id) & (Participant.passenger == users.get_user(tid).id)).reconfirm


def kinds(chat_id: int) -> list[str]:
    return [n.kind for n in Notification.select().where(Notification.chat_id == chat_id).order_by(Notification.id)]


def test_who_is_asked(database):
    trip, station, oak = car()
    edit(trip, pickups=[manage.PointEdit(station, "Central Station", time(18, 10)),
                        manage.PointEdit(oak, "Oak Street 12", time(18, 35))])  # Ann +10 min, Bob +20 min
    assert (asked(ANN, trip), asked(BOB, trip)) == (RECONFIRM_NONE, RECONFIRM_ASKED)
    assert (kinds(ANN), kinds(BOB)) == (["trip_changed"], ["reconfirm"])
    day = f"{trip.departure_date:%a %d %b %Y}"
    question = render_row(Notification.get(Notification.kind == "reconfirm"))
    assert question.text == (f"✏️ The driver changed the trip to <b>Riverside Arena</b> on {day}:\n"
                             "• your pickup time: 18:15 → <b>18:35</b>\nDoes it still work for you?")
    assert button_texts(question) == ["👍 Still OK", "🚪 Leave the trip", "🚗 Open trip"]
    assert Participant.get(Participant.passenger == users.get_user(BOB).id).asked_at is not None

    edit(trip, pickups=[manage.PointEdit(station, "Central Station, north exit", time(18, 10)),
                        manage.PointEdit(oak, "Oak Street 12", time(18, 35))])  # Ann's point moves
    assert asked(ANN, trip) == RECONFIRM_ASKED
    manage.still_ok(ANN, trip.id)
    manage.still_ok(BOB, trip.id)
    edit(trip, departure_date=trip.departure_date + timedelta(days=1))  # another date: both asked again
    assert (asked(ANN, trip), asked(BOB, trip)) == (RECONFIRM_ASKED, RECONFIRM_ASKED)
    edit(trip, comment="Bring the ball bag, please.")  # a note: nobody asked again, nothing confirmed either
    assert kinds(ANN)[-1] == "trip_changed" and asked(ANN, trip) == RECONFIRM_ASKED


def test_answers_and_the_drivers_card(database):
    trip, station, oak = car()
    edit(trip, departure_date=trip.departure_date + timedelta(days=1))
    card = queries.trip_card(trip.id, DRIVER)
    ann, bob = users.get_user(ANN).id, users.get_user(BOB).id
    assert card.reconfirm == {ann: RECONFIRM_ASKED, bob: RECONFIRM_ASKED}
    manage.still_ok(ANN, trip.id)
    rides.change_pickup(BOB, trip.id, station)  # picking another point answers too
    assert queries.trip_card(trip.id, DRIVER).reconfirm == {ann: RECONFIRM_OK, bob: RECONFIRM_OK}
    assert kinds(DRIVER) == ["pickup_changed"]  # "Still OK" itself is quiet
    with pytest.raises(Conflict, match="^error-no-seat$"):
        manage.still_ok(CAT, trip.id)


def test_release_unanswered_seats_at_the_drivers_time(database):
    trip, station, oak = car()
    for tid in (CAT,):
        waitlist.wait_for_seat(tid, trip.id, station)
    edit(trip, departure_date=trip.departure_date + timedelta(days=1))
    manage.still_ok(ANN, trip.id)
    trip = Trip.get_by_id(trip.id)
    at = (trip.departs_at - timedelta(hours=2)).time()  # UTC is the club's zone here
    with pytest.raises(PermissionDenied):
        manage.set_release(ANN, trip.id, at, UTC)
    for wrong in (time(19), datetime.combine(trips.local_today(UTC) - timedelta(days=1), time(12))):
        with pytest.raises(ValidationError, match="^error-release-time$"):
            manage.set_release(DRIVER, trip.id, wrong, UTC)  # after the departure, or past
    manage.set_release(DRIVER, trip.id, at, UTC)
    release = Trip.get_by_id(trip.id).release_unanswered_at
    assert release == trip.departs_at - timedelta(hours=2)

    scheduler = Scheduler((), UTC, retention=None, waitlist_hold=timedelta(minutes=20))
    assert scheduler.tick(release - timedelta(minutes=1)).released == 0
    result = scheduler.tick(release)
    assert result.released == 1  # Bob never answered
    assert [p.passenger_id for p in Participant.select()] == [users.get_user(ANN).id]
    assert kinds(BOB)[-1] == "released"
    assert render_row(Notification.select().where(Notification.chat_id == BOB).order_by(
        Notification.id.desc()).get()).text.startswith(
        f"🚪 Your seat in the trip to <b>Riverside Arena</b> on {trip.departure_date:%a %d %b %Y} (18:15 Oak Street 12) "
        "was released: you did not confirm it after the driver's change.")
    offer = WaitEntry.get()
    assert offer.status == WAIT_OFFERED and offer.offer_expires_at - offer.offered_at == timedelta(minutes=20)
    assert Trip.get_by_id(trip.id).release_unanswered_at is None
    assert scheduler.tick(release + timedelta(minutes=1)).released == 0  # once, whatever restarts

    manage.set_release(DRIVER, trip.id, at, UTC)
    manage.set_release(DRIVER, trip.id, None, UTC)  # cleared
    assert Trip.get_by_id(trip.id).release_unanswered_at is None


def test_a_release_time_the_bot_missed_releases_nothing_after_departure(database):
    trip, station, _ = car()
    edit(trip, departure_date=trip.departure_date + timedelta(days=1))
    trip = Trip.get_by_id(trip.id)
    manage.set_release(DRIVER, trip.id, (trip.departs_at - timedelta(hours=1)).time(), UTC)
    assert manage.release_unanswered(trip.departs_at + timedelta(minutes=1)) == 0
    assert Participant.select().count() == 2 and Trip.get_by_id(trip.id).release_unanswered_at is None


# --- the buttons, through the real dispatcher ---------------------------------------------------


def question(chat_id: int) -> Message:
    return sent_notice(chat_id, "reconfirm")


async def test_still_ok_and_leave_with_one_tap(env):
    trip, *_ = car()
    edit(trip, departure_date=trip.departure_date + timedelta(days=1))
    ann = Presser(env, ANN)
    answer, shown, edited = await ann.press(question(ANN), "👍 Still OK")
    assert answer.text == "Thanks! The driver sees you're still in. 👍" and edited
    assert button_texts(shown) == ["✅ Still OK", "🚪 Leave the trip", "🚗 Open trip"]
    assert asked(ANN, trip) == RECONFIRM_OK and kinds(DRIVER) == []

    bob = Presser(env, BOB)
    answer, shown, _ = await bob.press(question(BOB), "🚪 Leave the trip")
    assert answer.text == "Sure? Confirm below that you leave the trip."
    assert button_texts(shown) == ["Yes, leave the trip", "No, I'm staying", "🚗 Open trip"]
    answer, back, _ = await bob.press(shown, "No, I'm staying")  # staying answers "Still OK"
    assert asked(BOB, trip) == RECONFIRM_OK and button_texts(back)[0] == "✅ Still OK"
    answer, shown, _ = await bob.press(shown, "Yes, leave the trip")
    assert answer.text == "You left the trip: your seat is free again and the driver is told."
    assert button_texts(shown) == ["🚪 You left this trip", "🚗 Open trip"]
    assert kinds(DRIVER) == ["left"] and Participant.select().count() == 1
    answer, _, _ = await bob.press(shown, "🚪 You left this trip")
    assert answer.text == "You left this trip. Find another ride with /trips."


async def test_a_russian_passenger_answers_in_russian(env):
    trip, *_ = car()
    users.set_language(ANN, "ru")
    edit(trip, departure_date=trip.departure_date + timedelta(days=1))
    message = question(ANN)
    assert message.text.startswith("✏️ Водитель изменил поездку до <b>Riverside Arena</b>")
    assert message.text.endswith("\nТебе всё ещё подходит?")
    assert button_texts(message) == ["👍 Всё в силе", "🚪 Выйти из поездки", "🚗 Открыть поездку"]
    answer, shown, _ = await Presser(env, ANN).press(message, "👍 Всё в силе")
    assert answer.text == "Спасибо! Водитель видит, что ты едешь. 👍"
    assert button_texts(shown)[0] == "✅ Всё в силе"
