"""Registration and roles at the operation level (no aiogram)."""

from datetime import date, time, timedelta

import pytest

from models import (
    ROLE_DRIVER, ROLE_PASSENGER, NotFound, Participant, PermissionDenied, PickupPoint, Trip,
    ValidationError, queries, users, utcnow,
)


def test_register_then_refresh_name(database):
    user, created = users.register_user(5, "Ann", None, "ann")
    assert created and user.name == "Ann" and user.role is None
    user, created = users.register_user(5, "Anna", "Smith", "anna_s")
    assert not created
    fresh = users.get_user(5)
    assert (fresh.name, fresh.username) == ("Anna Smith", "anna_s")


def test_register_handles_missing_and_huge_names(database):
    user, _ = users.register_user(6, "", None, None)
    assert user.name == "Player"
    user, _ = users.register_user(7, "x" * 1000, None, None)
    assert len(users.get_user(7).name) == 256


def test_names_lose_control_and_bidi_characters(database):
    user, _ = users.register_user(8, "An\u202en\x00a", "\tSmith\n")
    assert user.name == "Anna Smith"
    user, _ = users.register_user(9, "\u200f\x07", None)
    assert user.name == "Player"


def test_big_telegram_ids(database):
    users.register_user(7_000_000_000_123, "Big", None, None)
    assert users.get_user(7_000_000_000_123).name == "Big"


def test_set_role_and_switch(database):
    users.register_user(5, "Ann")
    assert users.set_role(5, ROLE_DRIVER).role == ROLE_DRIVER
    assert users.set_role(5, users.other_role(ROLE_DRIVER)).role == ROLE_PASSENGER
    with pytest.raises(ValidationError):
        users.set_role(5, "pilot")
    with pytest.raises(NotFound):
        users.set_role(999, ROLE_DRIVER)


def test_role_stats_and_switch_keeps_trips_and_seats(database):
    dee, _ = users.register_user(1, "Dee")
    users.set_role(1, ROLE_DRIVER)
    rae, _ = users.register_user(2, "Rae")
    users.set_role(2, ROLE_PASSENGER)
    soon = utcnow() + timedelta(days=2)
    for _ in range(2):
        trip = Trip.create(driver=dee, destination="Gym", departure_date=date.today(), seats=3,
                           departs_at=soon, ends_at=soon)
    point = PickupPoint.create(trip=trip, address="Station", time=time(18))
    Participant.create(trip=trip, passenger=rae, pickup_point=point)
    # a past trip does not count
    Trip.create(driver=dee, destination="Old", departure_date=date.today(), seats=3,
                departs_at=utcnow() - timedelta(days=3), ends_at=utcnow() - timedelta(days=3))
    assert queries.role_stats(1) == queries.RoleStats(driving=2, riding=0)
    assert queries.role_stats(2) == queries.RoleStats(driving=0, riding=1)
    users.set_role(1, ROLE_PASSENGER)
    users.set_role(2, ROLE_DRIVER)
    assert Trip.select().where(Trip.driver == dee).count() == 3
    assert Participant.select().count() == 1


def test_driver_and_owner_rules(database):
    dee, _ = users.register_user(1, "Dee")
    users.set_role(1, ROLE_DRIVER)
    pat, _ = users.register_user(2, "Pat")
    users.set_role(2, ROLE_PASSENGER)
    users.require_driver(users.get_user(1))
    with pytest.raises(PermissionDenied, match="^error-drivers-only$"):
        users.require_driver(users.get_user(2))
    # ownership does not depend on the current role
    users.set_role(1, ROLE_PASSENGER)
    users.require_owner(users.get_user(1), dee.id)
    with pytest.raises(PermissionDenied):
        users.require_owner(users.get_user(2), dee.id)
