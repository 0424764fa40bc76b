"""The driver's word to the car (issue #22, `models.manage`): one short message to every
passenger through the outbox, with the trip's name; and taking a passenger off the trip with a
reason, their seat offered to the waiting list."""

from __future__ import annotations

from datetime import time, timedelta
from zoneinfo import ZoneInfo

import pytest

from models import (
    ROLE_DRIVER, ROLE_PASSENGER, Conflict, Notification, Participant, PermissionDenied, Trip, ValidationError,
    WaitEntry, manage, privacy, queries, rides, trips, users, waitlist,
)
from models.tables import WAIT_OFFERED
from tests.notices import buttons, register, render_row

UTC = ZoneInfo("UTC")
DRIVER, ANN, BOB, CAT = 1, 2, 3, 4


def car(seats: int = 2) -> Trip:
    register((DRIVER, "Dee Driver", ROLE_DRIVER), (ANN, "Ann Smith", ROLE_PASSENGER), (BOB, "Bob Jones", ROLE_PASSENGER),
             (CAT, "Cat Lee", ROLE_PASSENGER), username={DRIVER: "dee"})
    trip = trips.create_trip(DRIVER, trips.TripDraft(
        destination="Riverside <Arena>", departure_date=trips.local_today(UTC) + timedelta(days=2), seats=seats,
        pickups=[trips.PickupDraft("Central Station", time(18))]), UTC)
    for tid in (ANN, BOB)[:seats]:
        rides.join_trip(tid, trip.id, queries.pickup_points(trip.id)[0].id)
    Notification.delete().execute()
    return Trip.get_by_id(trip.id)


def notes(kind: str) -> list[Notification]:
    return list(Notification.select().where(Notification.kind == kind).order_by(Notification.id))


def test_a_word_to_every_passenger(database):
    trip = car()
    assert manage.message_passengers(DRIVER, trip.id, "  I'm 5 minutes late,\n\n\n<north> exit  ") == 2
    ann, bob = notes("driver_word")
    assert (ann.chat_id, bob.chat_id, ann.trip_id) == (ANN, BOB, trip.id)
    shown = render_row(ann)
    assert shown.text == (f'💬 <a href="https://t.me/dee">Dee Driver</a>, the driver of your trip to '
                          f"<b>Riverside &lt;Arena&gt;</b> on {trip.departure_date:%a %d %b}:\n"
                          "I'm 5 minutes late,\n\n&lt;north&gt; exit")
    assert buttons(shown) == ["🚗 Open trip"]
    users.set_language(BOB, "de")
    assert render_row(bob).text.startswith('💬 <a href="https://t.me/dee">Dee Driver</a>, Fahrer deiner Fahrt nach')


def test_what_the_word_may_be(database):
    trip = car()
    with pytest.raises(ValidationError, match="^error-word-empty$"):
        manage.message_passengers(DRIVER, trip.id, " \u200b ")
    with pytest.raises(ValidationError) as long:
        manage.message_passengers(DRIVER, trip.id, "x" * 301)
    assert long.value.params == {"most": 300, "sent": 301}
    with pytest.raises(PermissionDenied, match="^error-not-the-driver$"):
        manage.message_passengers(ANN, trip.id, "hello")
    empty = trips.create_trip(DRIVER, trips.TripDraft(
        destination="Club gym", departure_date=trip.departure_date, seats=3,
        pickups=[trips.PickupDraft("Oak Street 12", time(19))]), UTC)
    with pytest.raises(Conflict, match="^error-word-nobody$"):
        manage.message_passengers(DRIVER, empty.id, "hello")
    manage.cancel_trip(DRIVER, trip.id)
    with pytest.raises(Conflict, match="^error-trip-cancelled$"):
        manage.message_passengers(DRIVER, trip.id, "hello")
    assert notes("driver_word") == []


def test_a_passenger_taken_off_the_trip_and_the_seat_offered(database):
    trip = car()
    waitlist.wait_for_seat(CAT, trip.id, queries.pickup_points(trip.id)[0].id)
    bob = users.get_user(BOB)
    with pytest.raises(PermissionDenied):
        manage.remove_passenger(ANN, trip.id, bob.id, "")
    with pytest.raises(ValidationError, match="^error-reason-length "):
        manage.remove_passenger(DRIVER, trip.id, bob.id, "x" * 301)
    manage.remove_passenger(DRIVER, trip.id, bob.id, "you <never> came")
    assert [p.passenger_id for p in Participant.select()] == [users.get_user(ANN).id]
    (removed,) = notes("removed")
    shown = render_row(removed)
    assert shown.text == (f'🚫 <a href="https://t.me/dee">Dee Driver</a> took you off the trip to '
                          f"<b>Riverside &lt;Arena&gt;</b> on {trip.departure_date:%a %d %b %Y}.\n"
                          "Reason: you &lt;never&gt; came\nFind another ride with /trips.")
    assert buttons(shown) == ["🔎 Find another ride"]
    assert WaitEntry.get().status == WAIT_OFFERED  # Cat is offered Bob's seat
    with pytest.raises(Conflict, match="^error-passenger-gone$"):
        manage.remove_passenger(DRIVER, trip.id, bob.id)
    with pytest.raises(Conflict, match="^error-passenger-gone$"):
        manage.remove_passenger(DRIVER, trip.id, 10**30)  # forged
    manage.remove_passenger(DRIVER, trip.id, users.get_user(ANN).id)
    assert render_row(notes("removed")[-1]).text.endswith("on " f"{trip.departure_date:%a %d %b %Y}.\n"
                                                          "Find another ride with /trips.")


def test_a_forgotten_driver_leaves_no_words_behind(database):
    trip = car()
    manage.message_passengers(DRIVER, trip.id, "call me on +49 170 1234567")
    manage.remove_passenger(DRIVER, trip.id, users.get_user(BOB).id, "my cousin needs the seat")
    privacy.forget_user(DRIVER)
    for row in Notification.select().where(Notification.kind.in_(("driver_word", "removed"))):
        text = render_row(row).text
        assert "1234567" not in text and "cousin" not in text and "Former player" in text
