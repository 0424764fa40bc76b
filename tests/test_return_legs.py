"""The trip back (issue #22): a return leg linked to its outbound trip (`trips.create_trip(outbound_id=…)`),
both legs on the card (`TripCard.other_leg`), "Join both" in one transaction refused as a whole
(`rides.join_both`), each leg left alone, and a return leg that takes nobody to the event."""

from __future__ import annotations

from datetime import time, timedelta
from zoneinfo import ZoneInfo

import pytest

from models import (
    ROLE_DRIVER, ROLE_PASSENGER, Conflict, Notification, NotFound, Participant, PermissionDenied, Trip,
    ValidationError, events, manage, queries, requests, rides, trips,
)
from models.tables import REQUEST_OPEN, REQUEST_SEATED, RideRequest
from tests.notices import register

UTC = ZoneInfo("UTC")
DRIVER, OTHER_DRIVER, ANN, BOB = 1, 6, 2, 3


def draft(destination: str, day, *points: tuple[str, time], seats: int = 3) -> trips.TripDraft:
    return trips.TripDraft(destination=destination, departure_date=day, seats=seats,
                           pickups=[trips.PickupDraft(a, t) for a, t in points])


@pytest.fixture
def legs(database) -> tuple[Trip, Trip]:
    """Dee drives to Riverside Arena at 18:00 and back from it at 21:30 (2 seats back)."""
    register((DRIVER, "Dee Driver", ROLE_DRIVER), (OTHER_DRIVER, "Fay Newcomer", ROLE_DRIVER),
             (ANN, "Ann Smith", ROLE_PASSENGER), (BOB, "Bob Jones", ROLE_PASSENGER))
    day = trips.local_today(UTC) + timedelta(days=2)
    there = trips.create_trip(DRIVER, draft("Riverside Arena", day, ("Central Station", time(18)),
                                            ("Oak Street 12", time(18, 15))), UTC)
    back = trips.create_trip(DRIVER, draft("Central Station", day, ("Riverside Arena", time(21, 30)),
                                           ("Oak Street 12", time(21, 50)), ("Central Station", time(22)), seats=2),
                             UTC, outbound_id=there.id, key="k.back")
    return there, back


def points(trip: Trip) -> list[int]:
    return [p.id for p in queries.pickup_points(trip.id)]


def test_a_return_leg_and_the_card_of_each(legs):
    there, back = legs
    assert back.outbound_id == there.id and there.outbound_id is None
    card = queries.trip_card(there.id, ANN)
    leg = card.other_leg
    assert (leg.trip_id, leg.direction, leg.time, leg.place, leg.seats_left, leg.riding) == (
        back.id, "back", time(21, 30), "Riverside Arena", 2, False)
    out = queries.trip_card(back.id, ANN).other_leg
    assert (out.trip_id, out.direction, out.time, out.place, out.seats_left) == (
        there.id, "out", time(18), "Central Station", 3)
    assert queries.trip_card(there.id, None).other_leg.trip_id == back.id  # anyone may see it
    # the same confirmation delivered again makes nothing new
    again = trips.create_trip(DRIVER, draft("Central Station", there.departure_date, ("Riverside Arena", time(21, 30))),
                              UTC, outbound_id=there.id, key="k.back")
    assert again.id == back.id


def test_what_a_return_leg_may_be(legs):
    there, back = legs
    day = there.departure_date
    home = draft("Central Station", day, ("Riverside Arena", time(22)))
    with pytest.raises(Conflict, match="^error-return-exists$"):
        trips.create_trip(DRIVER, home, UTC, outbound_id=there.id)
    with pytest.raises(PermissionDenied):
        trips.create_trip(OTHER_DRIVER, home, UTC, outbound_id=there.id)
    with pytest.raises(NotFound):
        trips.create_trip(DRIVER, home, UTC, outbound_id=10**30)
    solo = trips.create_trip(DRIVER, draft("Club gym", day, ("Oak Street 12", time(19))), UTC)
    with pytest.raises(ValidationError, match="^error-return-before-outbound$"):
        trips.create_trip(DRIVER, draft("Oak Street", day, ("Club gym", time(18, 30))), UTC, outbound_id=solo.id)
    manage.cancel_trip(DRIVER, back.id)  # a cancelled way back: another may be planned
    again = trips.create_trip(DRIVER, home, UTC, outbound_id=there.id)
    assert queries.trip_card(there.id, ANN).other_leg.trip_id == again.id


def test_join_both_in_one_step(legs):
    there, back = legs
    ann_there, ann_back = rides.join_both(ANN, there.id, points(there)[1], points(back)[2])
    assert (ann_there.trip_id, ann_there.pickup_point_id) == (there.id, points(there)[1])
    assert (ann_back.trip_id, ann_back.pickup_point_id) == (back.id, points(back)[2])
    assert [n.kind for n in Notification.select().where(Notification.chat_id == DRIVER)] == ["joined", "joined"]
    card = queries.trip_card(there.id, ANN)
    assert card.my_seat is not None and card.other_leg.riding and card.other_leg.seats_left == 1
    with pytest.raises(Conflict, match="^error-seat-taken-already$"):
        rides.join_both(ANN, there.id, points(there)[0], points(back)[0])
    rides.leave_trip(ANN, back.id)  # each leg is left alone
    assert [p.trip_id for p in Participant.select()] == [there.id]


def test_join_both_is_refused_as_a_whole(legs):
    there, back = legs
    rides.join_trip(BOB, back.id, points(back)[0])
    register((4, "Cat Lee", ROLE_PASSENGER))
    rides.join_trip(4, back.id, points(back)[0])  # the way back is full
    before = Participant.select().count()
    with pytest.raises(Conflict, match="^error-return-full$"):
        rides.join_both(ANN, there.id, points(there)[0], points(back)[0])
    assert Participant.select().count() == before  # not even the seat there
    with pytest.raises(Conflict, match="^error-pickup-gone$"):
        rides.join_both(ANN, there.id, points(there)[0], points(there)[1])  # a point of the wrong leg
    assert Participant.select().where(Participant.trip == there.id).count() == 0
    manage.cancel_trip(DRIVER, back.id)
    with pytest.raises(Conflict, match="^error-return-gone$"):
        rides.join_both(ANN, there.id, points(there)[0], points(back)[0])


def test_a_return_leg_takes_nobody_to_the_event(database):
    register((DRIVER, "Dee Driver", ROLE_DRIVER), (ANN, "Ann Smith", ROLE_PASSENGER), (BOB, "Bob Jones", ROLE_PASSENGER))
    day = trips.local_today(UTC) + timedelta(days=2)
    game = events.create_event(DRIVER, events.EventDraft("game", "Away game", "Riverside Arena", day, time(19)), UTC,
                               frozenset({DRIVER}))
    requests.request_ride(ANN, game.id)
    there = trips.create_trip(DRIVER, draft("Away game · Riverside Arena", day, ("Club gym", time(18))), UTC,
                              event_id=game.id)
    requests.request_ride(BOB, game.id)
    told = Notification.select().count()
    back = trips.create_trip(DRIVER, draft("Club gym", day, ("Riverside Arena", time(21))), UTC,
                             event_id=game.id, outbound_id=there.id)
    assert back.event_id is None and Notification.select().count() == told  # no "new car" for the way back
    rides.join_trip(BOB, back.id, points(back)[0])
    statuses = {r.passenger_id: r.status for r in RideRequest.select()}
    assert set(statuses.values()) == {REQUEST_OPEN}  # a seat back still needs a ride there
    summary = queries.event_summary(game.id)
    assert (summary.cars, summary.free_seats, summary.need_ride) == (1, 3, 2)
    rides.join_trip(BOB, there.id, points(there)[0])
    assert REQUEST_SEATED in {r.status for r in RideRequest.select()}
