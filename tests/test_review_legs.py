"""Review of issues #21–#22: a trip and its way back stay in order whatever is edited (one model
rule, `trips.require_legs_in_order`); seats lost through the driver's edit or an unanswered
"Still OK?" reopen the passenger's ride request; both legs are made, and cancelled, in one
transaction each (nothing made, announced or cancelled when the second leg is refused)."""

from __future__ import annotations

from datetime import time, timedelta
from zoneinfo import ZoneInfo

import pytest

from models import (
    ROLE_DRIVER, club, ROLE_PASSENGER, Conflict, Notification, Participant, Trip, ValidationError, events, manage,
    queries, requests, rides, trips, users,
)
from models.base import utcnow
from models.tables import (
    POST_TRIP, REQUEST_OPEN, REQUEST_SEATED, TRIP_CANCELLED, TRIP_OPEN, GroupPost, RideRequest,
)
from tests.notices import register

UTC = ZoneInfo("UTC")
DRIVER, ANN, BOB = 1, 2, 3
ADMINS = frozenset({100})
ORDER = "^error-return-before-outbound$"


def draft(destination: str, day, *points: tuple[str, time], seats: int = 3) -> trips.TripDraft:
    return trips.TripDraft(destination=destination, departure_date=day, seats=seats,
                           pickups=[trips.PickupDraft(a, t) for a, t in points])


@pytest.fixture
def legs(database) -> tuple[Trip, Trip]:
    """Dee drives to Riverside Arena on Saturday at 18:00 (last pickup 18:15) and back at 21:00."""
    register((DRIVER, "Dee Driver", ROLE_DRIVER), (ANN, "Ann Smith", ROLE_PASSENGER), (BOB, "Bob Jones", ROLE_PASSENGER))
    day = trips.local_today(UTC) + timedelta(days=2)
    there = trips.create_trip(DRIVER, draft("Riverside Arena", day, ("Central Station", time(18)),
                                            ("Oak Street 12", time(18, 15))), UTC)
    back = trips.create_trip(DRIVER, draft("Central Station", day, ("Riverside Arena", time(21)),
                                           ("Central Station", time(21, 30))), UTC, outbound_id=there.id)
    return there, back


def version(trip: Trip) -> int:
    return Trip.get_by_id(trip.id).version


def test_a_way_back_leaves_after_the_way_theres_last_pickup(legs):
    there, back = legs
    manage.cancel_trip(DRIVER, back.id)
    between = draft("Central Station", there.departure_date, ("Riverside Arena", time(18, 10)))
    with pytest.raises(ValidationError, match=ORDER):  # after the first pickup (18:00), before the last (18:15)
        trips.create_trip(DRIVER, between, UTC, outbound_id=there.id)
    assert Trip.select().where(Trip.outbound == there.id, Trip.status == TRIP_OPEN).count() == 0


def test_moving_the_way_there_after_the_way_back_is_refused(legs):
    there, back = legs
    with pytest.raises(ValidationError, match=ORDER):  # Sunday: the way back (Saturday 21:00) would come first
        manage.apply_edit(DRIVER, there.id, version(there), manage.TripEdit(
            departure_date=there.departure_date + timedelta(days=1)), UTC)
    with pytest.raises(ValidationError, match=ORDER):  # its last pickup at 21:15
        manage.apply_edit(DRIVER, there.id, version(there), manage.TripEdit(shift_minutes=180), UTC)
    assert Trip.get_by_id(there.id).departure_date == there.departure_date
    # still before the way back: fine
    moved = manage.apply_edit(DRIVER, there.id, version(there), manage.TripEdit(shift_minutes=60), UTC)
    assert moved.ends_at < Trip.get_by_id(back.id).departs_at


def test_moving_the_way_back_before_the_way_there_is_refused(legs):
    there, back = legs
    with pytest.raises(ValidationError, match=ORDER):
        manage.apply_edit(DRIVER, back.id, version(back), manage.TripEdit(
            departure_date=back.departure_date - timedelta(days=1)), UTC)
    with pytest.raises(ValidationError, match=ORDER):  # 18:00: before the way there's last pickup
        manage.apply_edit(DRIVER, back.id, version(back), manage.TripEdit(shift_minutes=-180), UTC)
    later = manage.apply_edit(DRIVER, back.id, version(back), manage.TripEdit(
        departure_date=back.departure_date + timedelta(days=1)), UTC)  # home the next day: fine
    assert later.departs_at > Trip.get_by_id(there.id).ends_at
    # a cancelled way back no longer binds the way there
    manage.cancel_trip(DRIVER, back.id)
    manage.apply_edit(DRIVER, there.id, version(there), manage.TripEdit(
        departure_date=there.departure_date + timedelta(days=3)), UTC)


@pytest.fixture
def game(database):
    for tid, name, role in ((100, "Ada Admin", ROLE_PASSENGER), (DRIVER, "Dee Driver", ROLE_DRIVER),
                            (ANN, "Ann Smith", ROLE_PASSENGER), (BOB, "Bob Jones", ROLE_PASSENGER)):
        users.register_user(tid, name)
        users.set_role(tid, role)
    return events.create_event(100, events.EventDraft(
        "game", "Away game", "Riverside Arena", trips.local_today(UTC) + timedelta(days=3), time(18)), UTC, ADMINS)


def car_to(game) -> Trip:
    """Dee's car to the game from Station (17:00) and Oak Street (17:10); Ann and Bob asked for a
    ride and took a seat, Ann at Station, Bob at Oak Street."""
    trip = trips.create_trip(DRIVER, draft(f"{game.title} · {game.venue}", game.date, ("Station", time(17)),
                                           ("Oak Street", time(17, 10))), UTC, event_id=game.id)
    station, oak = (p.id for p in queries.pickup_points(trip.id))
    for tid, point in ((ANN, station), (BOB, oak)):
        requests.request_ride(tid, game.id)
        rides.join_trip(tid, trip.id, point)
    return trip


def request_of(tid: int) -> str:
    return RideRequest.get(RideRequest.passenger == users.get_user(tid).id).status


def test_a_seat_lost_through_the_drivers_edit_reopens_the_request(game):
    trip = car_to(game)
    station = queries.pickup_points(trip.id)[0]
    manage.apply_edit(DRIVER, trip.id, version(trip), manage.TripEdit(
        pickups=[manage.PointEdit(station.id, station.address, station.time)]), UTC, expected_losers=[BOB])
    assert (request_of(ANN), request_of(BOB)) == (REQUEST_SEATED, REQUEST_OPEN)
    assert queries.event_summary(game.id).need_ride == 1


def test_a_seat_released_unanswered_reopens_the_request(game):
    trip = car_to(game)
    manage.apply_edit(DRIVER, trip.id, version(trip), manage.TripEdit(shift_minutes=60), UTC)  # both asked
    manage.still_ok(ANN, trip.id)
    manage.set_release(DRIVER, trip.id, time(16), UTC)
    at = Trip.get_by_id(trip.id).release_unanswered_at
    assert manage.release_unanswered(at) == 1
    assert (request_of(ANN), request_of(BOB)) == (REQUEST_SEATED, REQUEST_OPEN)


def test_both_legs_are_made_in_one_transaction(legs):
    there, _ = legs
    club.chat_status(-100, "member", now=utcnow())  # the club chat: new trips are announced there
    day = there.departure_date + timedelta(days=1)
    out = draft("Lake beach", day, ("Central Station", time(10)))
    home = draft("Central Station", day, ("Lake beach", time(16)))
    announced = GroupPost.select().where(GroupPost.kind == POST_TRIP)
    before = (Trip.select().count(), Notification.select().count(), announced.count())
    too_early = draft("Central Station", day, ("Lake beach", time(9)))
    with pytest.raises(ValidationError, match=ORDER):  # refused once the way there is written: both undone
        trips.create_with_return(DRIVER, out, too_early, UTC, key="k", announce=True)
    assert (Trip.select().count(), Notification.select().count(), announced.count()) == before
    made_out, made_back = trips.create_with_return(DRIVER, out, home, UTC, key="k", announce=True)
    assert made_back.outbound_id == made_out.id
    assert {p.trip_id for p in announced} == {made_out.id, made_back.id}
    # the same confirmation again makes nothing new
    assert [t.id for t in trips.create_with_return(DRIVER, out, home, UTC, key="k")] == [made_out.id, made_back.id]


def test_both_legs_are_cancelled_in_one_transaction(legs):
    there, back = legs
    rides.join_both(ANN, there.id, queries.pickup_points(there.id)[0].id, queries.pickup_points(back.id)[-1].id)
    cancelled = manage.cancel_both(DRIVER, back.id, "rain")  # from either leg
    assert [t.id for t in cancelled] == [there.id, back.id]
    assert [Trip.get_by_id(t.id).status for t in (there, back)] == [TRIP_CANCELLED, TRIP_CANCELLED]
    assert Participant.select().count() == 2  # the seats stay: they are history


def test_a_failing_second_cancellation_cancels_neither(legs, monkeypatch):
    there, back = legs
    real = manage.cancel_trip

    def fails_on_the_way_back(actor, trip_id, reason=""):
        if trip_id == back.id:
            raise Conflict("error-trip-changed-meanwhile")
        return real(actor, trip_id, reason)

    monkeypatch.setattr(manage, "cancel_trip", fails_on_the_way_back)
    with pytest.raises(Conflict):
        manage.cancel_both(DRIVER, there.id, "rain")
    assert [Trip.get_by_id(t.id).status for t in (there, back)] == [TRIP_OPEN, TRIP_OPEN]
    assert Notification.select().where(Notification.kind == "trip_cancelled").count() == 0


def test_join_both_refuses_legs_stored_out_of_order(database):
    """Legs written out of order before the rule existed (here: straight into the table) take
    no seats through "Join both"."""
    from models import Trip, ValidationError, queries, rides, trips, users
    from models.tables import ROLE_DRIVER

    users.register_user(1, "Dee")
    users.set_role(1, ROLE_DRIVER)
    users.register_user(2, "Ann")
    day = trips.local_today(UTC) + timedelta(days=2)
    there = trips.create_trip(1, trips.TripDraft("Gym", day, 3, [trips.PickupDraft("Station", time(18))]), UTC)
    back = trips.create_trip(1, trips.TripDraft("Station", day, 3, [trips.PickupDraft("Gym", time(21))]), UTC,
                             outbound_id=there.id)
    Trip.update(departs_at=there.departs_at - timedelta(hours=1)).where(Trip.id == back.id).execute()
    with pytest.raises(ValidationError):
        rides.join_both(2, there.id, queries.pickup_points(there.id)[0].id, queries.pickup_points(back.id)[0].id)
    assert queries.seats_taken(there.id) == queries.seats_taken(back.id) == 0
