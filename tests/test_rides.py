"""Finding, joining and leaving at the operation level, and the seat race."""

import threading
from datetime import date, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.infra.db import init_database, migrate
from models import (
    ROLE_DRIVER, ROLE_PASSENGER, TRIP_CANCELLED, Conflict, Notification, NotFound, Participant,
    PermissionDenied, Trip, db, queries, rides, trips, users, utcnow,
)
from tests.notices import rendered

UTC = ZoneInfo("UTC")


def player(tid, name, role=ROLE_PASSENGER):
    users.register_user(tid, name)
    return users.set_role(tid, role)


def make_trip(driver_tid=1, *, days=1, seats=3, points=(("Station", "18:00"), ("Oak St", "18:15")), dest="Gym"):
    return trips.create_trip(driver_tid, trips.TripDraft(
        destination=dest, departure_date=trips.local_today(UTC) + timedelta(days=days), seats=seats,
        pickups=[trips.PickupDraft(a, time.fromisoformat(t)) for a, t in points]), UTC)


def point_ids(trip):
    return [p.id for p in queries.pickup_points(trip.id)]


@pytest.fixture
def dee(database):
    return player(1, "Dee Driver", ROLE_DRIVER)


def test_listing_pagination_and_what_is_hidden(dee):
    for i in range(7):
        make_trip(days=i + 1, dest=f"Game {i}")
    cancelled = make_trip(days=2, dest="Cancelled one")
    Trip.update(status=TRIP_CANCELLED).where(Trip.id == cancelled.id).execute()
    past = make_trip(days=1, dest="Already left")
    Trip.update(departs_at=utcnow() - timedelta(hours=1)).where(Trip.id == past.id).execute()
    full = make_trip(days=8, seats=1, dest="Full one")
    player(2, "Ann")
    rides.join_trip(2, full.id, point_ids(full)[0])

    first, total = queries.list_upcoming(0)
    assert total == 8
    assert [r.destination for r in first] == [f"Game {i}" for i in range(5)]  # soonest first
    second, _ = queries.list_upcoming(1)
    assert [r.destination for r in second] == ["Game 5", "Game 6", "Full one"]
    assert second[-1].full and second[-1].seats_left == 0
    assert first[0].first_pickup == time(18) and first[0].driver_name == "Dee Driver"
    assert first[0].seats_left == 3


def test_join_rules(dee):
    trip = make_trip(seats=1)
    p1, p2 = point_ids(trip)
    player(2, "Ann")
    player(3, "Bob")
    with pytest.raises(PermissionDenied, match="^error-own-trip$"):
        rides.join_trip(1, trip.id, p1)
    rides.join_trip(2, trip.id, p2)
    with pytest.raises(Conflict, match="^error-seat-taken-already$"):
        rides.join_trip(2, trip.id, p1)
    with pytest.raises(Conflict, match="^error-trip-full$"):
        rides.join_trip(3, trip.id, p1)
    other = make_trip(days=2)
    with pytest.raises(Conflict, match="^error-pickup-gone$"):
        rides.join_trip(3, other.id, p1)  # a point of another trip
    Trip.update(status=TRIP_CANCELLED, cancel_reason="rain").where(Trip.id == other.id).execute()
    with pytest.raises(Conflict) as refused:
        rides.join_trip(3, other.id, point_ids(other)[0])
    assert (refused.value.key, refused.value.params) == ("error-trip-cancelled-because", {"reason": "rain"})
    gone = make_trip(days=3)
    Trip.update(departs_at=utcnow() - timedelta(minutes=1)).where(Trip.id == gone.id).execute()
    with pytest.raises(Conflict, match="^error-trip-left$"):
        rides.join_trip(3, gone.id, point_ids(gone)[0])
    with pytest.raises(NotFound):
        rides.join_trip(3, 999_999, p1)
    assert Participant.select().count() == 1


def test_driver_told_on_join_change_and_leave(dee):
    trip = make_trip(seats=2)
    p1, p2 = point_ids(trip)
    player(2, "Ann <Smith>")
    rides.join_trip(2, trip.id, p1)
    rides.change_pickup(2, trip.id, p2)
    rides.leave_trip(2, trip.id)
    notes = list(Notification.select().order_by(Notification.id))
    assert [n.kind for n in notes] == ["joined", "pickup_changed", "left"]
    assert all(n.chat_id == 1 for n in notes)
    notes = rendered()  # as the driver reads them
    assert "Ann &lt;Smith&gt;" in notes[0].text and "Station" in notes[0].text and "1 seat left" in notes[0].text
    assert "Oak St" in notes[1].text
    assert "2 seats left" in notes[2].text
    assert Participant.select().count() == 0
    with pytest.raises(Conflict):
        rides.leave_trip(2, trip.id)


def test_card_shows_contacts_only_to_insiders(dee):
    users.set_car(1, "red Skoda, AB-123")
    trip = make_trip()
    player(2, "Ann Smith")
    player(3, "Bob Jones")
    rides.join_trip(2, trip.id, point_ids(trip)[0])
    from dialogs.trips.render import card_text

    stranger = card_text(queries.trip_card(trip.id, 3))
    assert "red Skoda" not in stranger and "tg://user" not in stranger and "Going: Ann" in stranger
    rider = card_text(queries.trip_card(trip.id, 2))
    assert "red Skoda" in rider and "tg://user?id=1" in rider and "your pickup" in rider
    driver = card_text(queries.trip_card(trip.id, 1))
    assert "tg://user?id=2" in driver  # each passenger's contact, under their pickup point
    assert "unreachable" not in driver
    from models import outbox

    outbox.mark_unreachable(users.get_user(2).id, "Forbidden: bot was blocked by the user")
    driver = card_text(queries.trip_card(trip.id, 1))
    assert "Ann Smith</a> ⚠️ <i>unreachable by the bot</i>" in driver
    assert "unreachable" not in card_text(queries.trip_card(trip.id, 3))  # only the driver sees it


def test_my_rides(dee):
    trip = make_trip()
    later = make_trip(days=3, dest="Cup")
    player(2, "Ann")
    rides.join_trip(2, later.id, point_ids(later)[1])
    rides.join_trip(2, trip.id, point_ids(trip)[0])
    mine = queries.my_rides(2)
    assert [(r.destination, r.address, r.time) for r in mine] == [("Gym", "Station", time(18)), ("Cup", "Oak St", time(18, 15))]


def _race(n_passengers: int, trip_id: int, point_id: int) -> list[str]:
    """Each passenger presses Join at the same moment, from its own thread and connection."""
    barrier = threading.Barrier(n_passengers)
    outcomes: list[str] = []
    lock = threading.Lock()

    def press(tid: int) -> None:
        barrier.wait()
        try:
            rides.join_trip(tid, trip_id, point_id)
            result = "joined"
        except Conflict as exc:
            result = f"refused: {exc}"
        finally:
            db.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=press, args=(100 + i,)) for i in range(n_passengers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return outcomes


def _seed_race():
    player(1, "Dee", ROLE_DRIVER)
    for i in range(20):
        player(100 + i, f"P{i}")
    trip = make_trip(seats=3)
    return trip, point_ids(trip)[0]


def test_twenty_joins_for_three_seats_sqlite_file(dee):
    trip, point = _seed_race()
    outcomes = _race(20, trip.id, point)
    assert outcomes.count("joined") == 3
    assert outcomes.count("refused: error-trip-full") == 17
    assert Participant.select().where(Participant.trip == trip.id).count() == 3
    assert Notification.select().where(Notification.kind == "joined").count() == 3


def test_twenty_joins_for_three_seats_postgresql(pg_url):
    migrate(pg_url)
    init_database(pg_url)
    try:
        trip, point = _seed_race()
        outcomes = _race(20, trip.id, point)
        assert outcomes.count("joined") == 3
        assert outcomes.count("refused: error-trip-full") == 17
        assert Participant.select().where(Participant.trip == trip.id).count() == 3
    finally:
        db.close()
