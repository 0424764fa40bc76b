"""Defects an independent review of issues #19–#22 found in club events: a cancelled or moved
event told the players already seated in its cars nothing; seats held for a trip's waiting
list counted as free on the event's list and card; one player could hold seats in two cars
to the same event."""

from datetime import time, timedelta
from zoneinfo import ZoneInfo

import pytest

from models import (
    ROLE_DRIVER, ROLE_PASSENGER, Conflict, Notification, Trip, events, manage, outbox, queries, requests, rides, trips,
    users,
    waitlist,
)
from models.tables import REQUEST_SEATED, RideRequest

UTC = ZoneInfo("UTC")
ADMIN = 100
ADMINS = frozenset({ADMIN})
DEE, DAN, ANN, BOB, CAT = 1, 2, 11, 12, 13


@pytest.fixture
def cup(database):
    """The "Cup final" in three days; Dee and Dan drive drivers, Ann, Bob and Cat ride."""
    for tid, name, role in ((ADMIN, "Ada Admin", ROLE_PASSENGER), (DEE, "Dee Driver", ROLE_DRIVER),
                            (DAN, "Dan Driver", ROLE_DRIVER), (ANN, "Ann Rider", ROLE_PASSENGER),
                            (BOB, "Bob Rider", ROLE_PASSENGER), (CAT, "Cat Rider", ROLE_PASSENGER)):
        users.register_user(tid, name)
        users.set_role(tid, role)
    day = trips.local_today(UTC) + timedelta(days=3)
    return events.create_event(ADMIN, events.EventDraft("game", "Cup final", "Riverside Arena", day, time(18)),
                               UTC, ADMINS)


def car(event, driver: int, seats: int = 3, **kw) -> Trip:
    return trips.create_trip(driver, trips.TripDraft(
        destination=f"{event.title} · {event.venue}", departure_date=event.date, seats=seats,
        pickups=[trips.PickupDraft("Station", time(17))]), UTC, event_id=event.id, **kw)


def way_back(there: Trip, seats: int = 3) -> Trip:
    return trips.create_trip(there.driver.telegram_id, trips.TripDraft(
        destination="Station", departure_date=there.departure_date, seats=seats,
        pickups=[trips.PickupDraft("Riverside Arena", time(21))]), UTC, outbound_id=there.id)


def point(trip: Trip) -> int:
    return queries.pickup_points(trip.id)[0].id


def kinds(tid: int) -> list[str]:
    return [n.kind for n in Notification.select().where(Notification.chat_id == tid).order_by(Notification.id)]


def seated_with_dee(event) -> Trip:
    """Ann asks for a ride to the Cup final and takes a seat with Dee (her request: seated)."""
    trip = car(event, DEE)
    requests.request_ride(ANN, event.id)
    rides.join_trip(ANN, trip.id, point(trip))
    assert RideRequest.get(RideRequest.passenger == users.get_user(ANN).id).status == REQUEST_SEATED
    Notification.delete().execute()
    return trip


def test_a_cancelled_event_reaches_the_players_in_its_cars_and_the_cars_stay_open(cup):
    trip = seated_with_dee(cup)
    back = way_back(trip)
    rides.join_trip(BOB, back.id, point(back))  # Bob only rides home from it
    Notification.delete().execute()
    events.cancel_event(ADMIN, cup.id, "Pitch flooded", admins=ADMINS)
    assert kinds(ANN) == ["event_cancelled"] and kinds(BOB) == ["event_cancelled"]
    assert kinds(DEE) == ["event_cancelled"]  # the driver hears it once, and decides
    sent = outbox.params_of(Notification.get(Notification.chat_id == DEE))
    assert sent["event"] == cup.id and sent["reason"] == "Pitch flooded"
    assert Trip.get_by_id(trip.id).status == "open" and Trip.get_by_id(back.id).status == "open"
    assert queries.event_card(cup.id, DEE).cancelled


def test_a_moved_event_reaches_the_players_in_its_cars(cup):
    seated_with_dee(cup)
    draft = events.EventDraft("game", "Cup final", "North Hall", cup.date, time(19))
    events.edit_event(ADMIN, cup.id, draft, UTC, ADMINS)
    assert kinds(ANN) == ["event_changed"] and kinds(DEE) == ["event_changed"]
    assert outbox.params_of(Notification.get(Notification.chat_id == ANN))["changes"]["venue"] == [
        "Riverside Arena", "North Hall"]


def test_seats_held_for_the_waiting_list_are_not_free_on_the_event(cup):
    trip = car(cup, DEE, seats=2)
    rides.join_trip(ANN, trip.id, point(trip))
    rides.join_trip(BOB, trip.id, point(trip))
    waitlist.wait_for_seat(CAT, trip.id, point(trip))
    rides.leave_trip(BOB, trip.id)  # the freed seat is held for Cat
    assert waitlist.seats_promised(trip) == 1
    assert queries.event_summary(cup.id).free_seats == 0
    assert queries.event_summaries([cup.id])[cup.id].free_seats == 0
    card = queries.event_card(cup.id, ANN)
    assert [(t.seats_left, t.promised) for t in card.trips] == [(0, 1)] and card.summary.free_seats == 0
    assert [row.free_seats for row in queries.upcoming_events()] == [0]


def test_one_player_holds_one_seat_per_event(cup):
    dees, dans = car(cup, DEE), car(cup, DAN)
    rides.join_trip(ANN, dees.id, point(dees))
    with pytest.raises(Conflict) as refused:
        rides.join_trip(ANN, dans.id, point(dans))
    assert refused.value.key == "error-event-seat-elsewhere"
    assert [t.riding for t in queries.event_card(cup.id, ANN).trips] == [True, False]
    # the way back is another leg: a seat there and one on the way there are fine
    back = way_back(dans)
    rides.join_trip(ANN, back.id, point(back))
    # out of the other car, she may take this one
    rides.leave_trip(ANN, dees.id)
    rides.join_trip(ANN, dans.id, point(dans))
    # a cancelled car does not count
    manage.cancel_trip(DAN, dans.id)
    rides.join_trip(ANN, dees.id, point(dees))


def test_join_both_refuses_a_second_seat_to_the_event(cup):
    dees, dans = car(cup, DEE), car(cup, DAN)
    back = way_back(dans)
    rides.join_trip(ANN, dees.id, point(dees))
    with pytest.raises(Conflict) as refused:
        rides.join_both(ANN, dans.id, point(dans), point(back))
    assert refused.value.key == "error-event-seat-elsewhere"
    assert queries.event_card(cup.id, ANN).my_seat_trip_id == dees.id


def test_a_waiting_list_offer_does_not_give_a_second_car_to_the_event(cup):
    """Ann waits for Dan's full car, takes a seat with Dee meanwhile, then is offered Dan's
    freed seat: taking it is refused (one car per event), and she can pass it on."""
    dans = car(cup, DAN, seats=1)
    rides.join_trip(BOB, dans.id, point(dans))
    waitlist.wait_for_seat(ANN, dans.id, point(dans))
    dees = car(cup, DEE)
    rides.join_trip(ANN, dees.id, point(dees))
    rides.leave_trip(BOB, dans.id)  # Dan's seat is offered to Ann
    with pytest.raises(Conflict) as refused:
        waitlist.accept_offer(ANN, dans.id)
    assert refused.value.key == "error-event-seat-elsewhere"
    assert queries.seats_taken(dans.id) == 0 and queries.seats_taken(dees.id) == 1
    waitlist.pass_offer(ANN, dans.id)
