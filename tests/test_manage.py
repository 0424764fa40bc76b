"""Drivers edit and cancel trips: operations, per-passenger diffs, and the dialogs."""

import logging
import re
from datetime import time, timedelta
from zoneinfo import ZoneInfo

import pytest

from models import (
    ROLE_DRIVER, ROLE_PASSENGER, TRIP_CANCELLED, Conflict, Notification, Participant, PermissionDenied,
    PickupPoint, Trip, ValidationError, manage, queries, rides, trips, users,
)

from dialogs.common import error_text
from dialogs.i18n import tr_for
from dialogs.manage.dialog import diff_lines
from tests.notices import texts_for
from tests.steps import open_my_trip, taps

UTC = ZoneInfo("UTC")


def day(n=1):
    return trips.local_today(UTC) + timedelta(days=n)


def setup_trip():
    """Dee drives to Gym; Ann gets in at Station 18:00, Bob at Oak St 18:15."""
    users.register_user(1, "Dee")
    users.set_role(1, ROLE_DRIVER)
    for tid, name in ((2, "Ann"), (3, "Bob"), (4, "Cy")):
        users.register_user(tid, name)
        users.set_role(tid, ROLE_PASSENGER)
    trip = trips.create_trip(1, trips.TripDraft(
        destination="Gym", departure_date=day(), seats=3,
        pickups=[trips.PickupDraft("Station", time(18)), trips.PickupDraft("Oak St", time(18, 15))]), UTC)
    station, oak = queries.pickup_points(trip.id)
    rides.join_trip(2, trip.id, station.id)
    rides.join_trip(3, trip.id, oak.id)
    Notification.delete().execute()  # the join notices are not what these tests look at
    return Trip.get_by_id(trip.id), station, oak


def notes_for(tid):
    return texts_for(tid)  # rendered as the notifier sends them


def points_edit(*points):
    return [manage.PointEdit(i, a, time.fromisoformat(t)) for i, a, t in points]


def test_each_field_and_per_passenger_diff(database):
    trip, station, oak = setup_trip()
    edit = manage.TripEdit(
        destination="Arena", departure_date=day(2), seats=4, comment="Parking at the back",
        pickups=points_edit((station.id, "Station", "18:05"), (oak.id, "Oak Street 12", "18:15")),
    )
    plan = manage.plan_edit(1, trip.id, edit)
    assert manage.Change("seats", 3, 4) in plan.changes
    manage.apply_edit(1, trip.id, trip.version, edit, UTC)
    fresh = Trip.get_by_id(trip.id)
    assert (fresh.destination, fresh.departure_date, fresh.seats, fresh.comment) == ("Arena", day(2), 4, "Parking at the back")
    assert fresh.version == trip.version + 1 and fresh.departs_at.time() == time(18, 5)
    [ann] = notes_for(2)
    assert "your pickup time: 18:00 → <b>18:05</b>" in ann and "destination: Gym → <b>Arena</b>" in ann
    assert "date:" in ann and "Oak Street" not in ann  # another point's address does not concern Ann
    [bob] = notes_for(3)
    assert "your pickup address: Oak St → <b>Oak Street 12</b>" in bob and "pickup time" not in bob
    assert "Seats" not in ann + bob  # seats do not concern passengers
    assert notes_for(4) == []


def test_change_that_concerns_nobody_sends_nothing(database):
    trip, station, oak = setup_trip()
    manage.apply_edit(1, trip.id, trip.version, manage.TripEdit(seats=5), UTC)
    assert Notification.select().count() == 0 and Trip.get_by_id(trip.id).seats == 5


def test_seats_floor(database):
    trip, *_ = setup_trip()
    with pytest.raises(ValidationError) as refused:
        manage.apply_edit(1, trip.id, trip.version, manage.TripEdit(seats=1), UTC)
    assert (refused.value.key, refused.value.params) == ("error-seats-below-booked", {"booked": 2})
    assert Trip.get_by_id(trip.id).seats == 3


def test_removing_a_point_with_passengers(database):
    trip, station, oak = setup_trip()
    edit = manage.TripEdit(pickups=points_edit((station.id, "Station", "18:00"), (None, "Bakery", "18:30")))
    plan = manage.plan_edit(1, trip.id, edit)
    assert [u.name for u in plan.removed_passengers] == ["Bob"]
    manage.apply_edit(1, trip.id, trip.version, edit, UTC)
    assert [p.address for p in queries.pickup_points(trip.id)] == ["Station", "Bakery"]
    assert Participant.select().count() == 1
    [bob] = notes_for(3)
    assert "removed your pickup point (18:15 Oak St)" in bob and "no longer have a seat" in bob
    assert notes_for(2) == []  # Ann's point did not change
    assert Trip.get_by_id(trip.id).ends_at.time() == time(18, 30)


def test_stale_version_refused(database):
    trip, *_ = setup_trip()
    manage.apply_edit(1, trip.id, trip.version, manage.TripEdit(seats=4), UTC)
    with pytest.raises(Conflict, match="^error-trip-changed-meanwhile$"):
        manage.apply_edit(1, trip.id, trip.version, manage.TripEdit(seats=5), UTC)
    assert Trip.get_by_id(trip.id).seats == 4


def test_forged_edit_and_cancel_refused_and_logged(database, caplog):
    trip, station, _ = setup_trip()
    users.set_role(2, ROLE_DRIVER)  # the role does not matter: ownership does
    with caplog.at_level(logging.WARNING, logger="models.manage"):
        with pytest.raises(PermissionDenied):
            manage.apply_edit(2, trip.id, trip.version, manage.TripEdit(seats=8), UTC)
        with pytest.raises(PermissionDenied):
            manage.cancel_trip(2, trip.id, "ha")
        with pytest.raises(PermissionDenied):
            manage.plan_edit(2, trip.id, manage.TripEdit(seats=8))
    assert "tried to edit trip" in caplog.text and "tried to cancel trip" in caplog.text
    fresh = Trip.get_by_id(trip.id)
    assert (fresh.seats, fresh.status, fresh.version) == (3, "open", trip.version)
    assert Notification.select().count() == 0
    # the owner may manage it whatever their current role
    users.set_role(1, ROLE_PASSENGER)
    manage.apply_edit(1, trip.id, trip.version, manage.TripEdit(seats=4), UTC)


def test_cancel_notifies_every_passenger_once_with_reason(database):
    trip, *_ = setup_trip()
    manage.cancel_trip(1, trip.id, "the gym is <closed>")
    fresh = Trip.get_by_id(trip.id)
    assert fresh.status == TRIP_CANCELLED and fresh.cancel_reason == "the gym is <closed>"
    assert Trip.select().count() == 1  # kept, never deleted
    for tid in (2, 3):
        [text] = notes_for(tid)
        assert "is cancelled" in text and "the gym is &lt;closed&gt;" in text
    with pytest.raises(Conflict):
        manage.cancel_trip(1, trip.id)
    with pytest.raises(Conflict):
        manage.apply_edit(1, trip.id, fresh.version, manage.TripEdit(seats=4), UTC)
    assert Notification.select().count() == 2


# --- dialogs ---------------------------------------------------------------------------------


async def editing(env):
    """Dee, on the edit menu of her trip to the gym."""
    dee = env.player(1, "Dee")
    await open_my_trip(dee)
    await dee.click("✏️ Edit")
    return dee


async def test_edit_seats_through_the_dialog(env):
    trip, *_ = setup_trip()
    dee = env.player(1, "Dee")
    card = await open_my_trip(dee)
    assert "Ann" in card.text and "Bob" in card.text  # passengers under their pickup points
    screen = await dee.click("✏️ Edit")
    assert "No changes yet" in screen.text
    screen = await dee.click("💺 Seats")
    assert "2 booked" in screen.text
    screen = await dee.send("1")
    assert "cannot go below 2" in env.bot.sent_texts(1)[-1]
    screen = await dee.click("5")
    assert "Seats: 3 → 5" in screen.text
    assert Trip.get_by_id(trip.id).seats == 3  # nothing written before Confirm
    screen = await dee.click("✅ Confirm")
    assert Trip.get_by_id(trip.id).seats == 5
    assert "Edit" in " ".join(dee.buttons())  # back on the card


async def test_discard_writes_nothing(env):
    trip, *_ = setup_trip()
    dee = await editing(env)
    await dee.click("🏁 Destination")
    screen = await dee.send("Arena")
    assert "Destination: Gym → Arena" in screen.text
    await dee.click("✖️ Close without saving")
    assert Trip.get_by_id(trip.id).destination == "Gym" and Notification.select().count() == 0


async def test_remove_point_needs_confirmation_naming_passengers(env):
    trip, *_ = setup_trip()
    dee = await editing(env)
    screen = await taps(dee, "📍 Pickups", "➖ Remove one", "❌ 18:15 Oak St", "✅ Done")
    assert "Removed: 18:15 Oak St" in screen.text
    screen = await dee.click("✅ Confirm")
    assert "costs 1 passenger their seat: <b>Bob</b>" in screen.text
    assert Participant.select().count() == 2
    await dee.click("✅ Yes, remove")
    assert Participant.select().count() == 1
    assert "no longer have a seat" in notes_for(3)[0]


async def test_change_a_point_time_keeps_its_passengers(env):
    trip, station, _ = setup_trip()
    dee = await editing(env)
    await taps(dee, "📍 Pickups", "✏️ Change one", "✏️ 18:00 Station", "➡️ Keep this address")
    await dee.send("18:10")
    await taps(dee, "✅ Done", "✅ Confirm")
    assert PickupPoint.get_by_id(station.id).time == time(18, 10)
    assert Participant.select().count() == 2
    assert "18:00 → <b>18:10</b>" in notes_for(2)[0] and notes_for(3) == []


async def test_edit_from_a_stale_screen_is_refused_with_fresh_state(env):
    trip, *_ = setup_trip()
    dee = await editing(env)
    await dee.click("💺 Seats")
    await dee.click("5")
    manage.apply_edit(1, trip.id, trip.version, manage.TripEdit(destination="Arena"), UTC)  # another screen
    screen = await dee.click("✅ Confirm")
    assert any("another screen" in (a.text or "") for a in env.bot.callback_answers())
    assert "No changes yet" in screen.text and "Arena" in screen.text
    assert Trip.get_by_id(trip.id).seats == 3


async def test_cancel_with_reason_and_passenger_window_refreshed(env):
    trip, *_ = setup_trip()
    ann = env.player(2, "Ann")
    card = await ann.send(f"/start trip_{trip.id}")
    assert "Cancelled" not in card.text
    dee = env.player(1, "Dee")
    await open_my_trip(dee)
    await dee.click("❌ Cancel trip")
    screen = await dee.send("rain")
    assert "Reason: <i>rain</i>" in screen.text
    await dee.click("❌ Yes, cancel the trip")
    assert Trip.get_by_id(trip.id).status == TRIP_CANCELLED
    assert len(notes_for(2)) == 1 and len(notes_for(3)) == 1
    import asyncio

    for _ in range(20):  # the background redraw of Ann's window runs as its own task
        await asyncio.sleep(0.01)
        if "Cancelled" in ann.screen().text:
            break
    assert "Cancelled" in ann.screen().text and "rain" in ann.screen().text


async def test_other_driver_sees_no_manage_buttons(env):
    trip, *_ = setup_trip()
    users.register_user(9, "Eve")
    users.set_role(9, ROLE_DRIVER)
    eve = env.player(9, "Eve")
    await eve.send(f"/start trip_{trip.id}")
    assert "✏️ Edit" not in eve.buttons() and "❌ Cancel trip" not in eve.buttons()


async def test_join_on_a_card_changed_meanwhile(env):
    trip, station, _ = setup_trip()
    cy = env.player(4, "Cy")
    await cy.send(f"/start trip_{trip.id}")
    await cy.click("🙋 Join")
    await cy.click("📍 18:00 Station")
    manage.apply_edit(1, trip.id, trip.version, manage.TripEdit(departure_date=day(3)), UTC)
    screen = await cy.click("✅ Join")
    assert any("changed this trip" in (a.text or "") for a in env.bot.callback_answers())
    assert f"{day(3):%d %b %Y}" in screen.text and "🙋 Join" in cy.buttons()
    assert Participant.select().where(Participant.passenger == users.get_user(4)).count() == 0
    await cy.click("🙋 Join")
    await cy.click("📍 18:00 Station")
    await cy.click("✅ Join")
    assert Participant.select().where(Participant.passenger == users.get_user(4)).count() == 1


def test_removal_refused_when_someone_joined_the_point_meanwhile(database):
    """The driver was warned that removing Oak St costs Bob his seat; Cy joined there before
    the driver confirmed: the edit is refused instead of silently costing Cy his seat too."""
    trip, station, oak = setup_trip()
    edit = manage.TripEdit(pickups=points_edit((station.id, "Station", "18:00")))
    assert [u.name for u in manage.plan_edit(1, trip.id, edit).removed_passengers] == ["Bob"]
    rides.join_trip(4, trip.id, oak.id)  # Cy, while the warning is on the driver's screen
    with pytest.raises(Conflict, match="^error-removed-pickups-changed$"):
        manage.apply_edit(1, trip.id, trip.version, edit, UTC, expected_losers=[3])
    assert Participant.select().count() == 3 and PickupPoint.select().count() == 2
    manage.apply_edit(1, trip.id, trip.version, edit, UTC, expected_losers=[3, 4])  # after a fresh look
    assert Participant.select().count() == 1


def test_departed_trip_cannot_be_edited(database):
    from models import utcnow

    trip, *_ = setup_trip()
    Trip.update(departs_at=utcnow() - timedelta(minutes=5)).where(Trip.id == trip.id).execute()
    with pytest.raises(Conflict, match="^error-trip-left$"):
        manage.apply_edit(1, trip.id, trip.version, manage.TripEdit(seats=4), UTC)
    assert Trip.get_by_id(trip.id).seats == 3


# --- shifting every pickup time, cancelling in one window (issue #18) ---------------------------


def test_shift_moves_every_pickup_and_tells_each_passenger_their_time(database):
    trip, station, oak = setup_trip()
    plan = manage.plan_edit(1, trip.id, manage.TripEdit(shift_minutes=30))
    assert diff_lines(plan.changes) == ["📍 18:00 Station → 18:30 Station", "📍 18:15 Oak St → 18:45 Oak St"]
    manage.apply_edit(1, trip.id, trip.version, manage.TripEdit(shift_minutes=30), UTC)
    points = [(p.id, p.time) for p in queries.pickup_points(trip.id)]
    assert points == [(station.id, time(18, 30)), (oak.id, time(18, 45))]
    fresh = Trip.get_by_id(trip.id)
    assert (fresh.departs_at.time(), fresh.ends_at.time()) == (time(18, 30), time(18, 45))
    assert fresh.version == trip.version + 1
    assert Participant.select().count() == 2  # the seats stay at their points
    [ann], [bob] = notes_for(2), notes_for(3)
    assert "18:00 → <b>18:30</b>" in ann and "18:15 → <b>18:45</b>" in bob


def test_shift_applies_after_the_pickups_edit(database):
    trip, station, oak = setup_trip()
    edit = manage.TripEdit(pickups=points_edit((station.id, "Station", "18:00"), (oak.id, "Oak St", "18:05")),
                           shift_minutes=-15)
    manage.apply_edit(1, trip.id, trip.version, edit, UTC, expected_losers=[])
    assert [p.time for p in queries.pickup_points(trip.id)] == [time(17, 45), time(17, 50)]


def test_shift_that_leaves_the_day_is_refused(database):
    trip, station, _ = setup_trip()
    late = points_edit((station.id, "Station", "23:40"))
    with pytest.raises(ValidationError) as refused:
        manage.shift_points(late, 30)
    assert error_text(refused.value, tr_for("en")).startswith("Moving the times by +30 min puts 23:40 on another day")
    with pytest.raises(ValidationError) as refused:
        manage.apply_edit(1, trip.id, trip.version, manage.TripEdit(shift_minutes=-18 * 60 - 1), UTC)
    assert refused.value.params == {"shift": "-1081", "time": "18:00"}
    assert [p.time for p in queries.pickup_points(trip.id)] == [time(18), time(18, 15)]
    assert manage.shift_points(late, -40) == points_edit((station.id, "Station", "23:00"))


def test_seats_floor_says_passenger_for_one(database):
    assert manage.require_seats_cover(2, 2) == 2
    with pytest.raises(ValidationError) as refused:
        manage.require_seats_cover(1, 0)
    assert error_text(refused.value, tr_for("en")) == "1 passenger is booked: seats cannot go below 1."


async def test_shift_every_time_from_the_edit_menu(env):
    trip, station, oak = setup_trip()
    dee = await editing(env)
    screen = await dee.click(re.escape("🕘 +30 min"))
    assert "18:00 Station → 18:30 Station" in screen.text and "18:15 Oak St → 18:45 Oak St" in screen.text
    screen = await dee.click(re.escape("🕘 −15 min"))  # the taps add up: +15 in all
    assert "18:00 Station → 18:15 Station" in screen.text
    assert PickupPoint.get_by_id(station.id).time == time(18)  # nothing written before Confirm
    await dee.click("✅ Confirm")
    assert [p.time for p in queries.pickup_points(trip.id)] == [time(18, 15), time(18, 30)]
    assert "18:00 → <b>18:15</b>" in notes_for(2)[0] and "18:15 → <b>18:30</b>" in notes_for(3)[0]


async def test_shift_refused_at_the_tap_when_a_time_would_leave_the_day(env):
    trip, station, oak = setup_trip()
    manage.apply_edit(1, trip.id, trip.version, manage.TripEdit(
        pickups=points_edit((station.id, "Station", "23:20"), (oak.id, "Oak St", "23:35"))), UTC)
    dee = await editing(env)
    await dee.click(re.escape("🕘 +15 min"))
    screen = await dee.click(re.escape("🕘 +15 min"))  # 23:35 + 30 min is tomorrow
    assert any("on another day" in (a.text or "") for a in env.bot.callback_answers())
    assert "23:35 Oak St → 23:50 Oak St" in screen.text  # the first tap stands


async def test_pickups_after_a_shift_show_and_keep_the_shifted_times(env):
    trip, station, _ = setup_trip()
    dee = await editing(env)
    await dee.click(re.escape("🕘 +30 min"))
    screen = await dee.click("📍 Pickups")
    assert "18:30" in screen.text and "18:45" in screen.text
    screen = await dee.click("✅ Done")
    assert "18:00 Station → 18:30 Station" in screen.text  # shifted once, not twice
    await dee.click("✅ Confirm")
    assert [p.time for p in queries.pickup_points(trip.id)] == [time(18, 30), time(18, 45)]


async def test_cancel_without_a_reason_is_two_taps_from_the_card(env):
    trip, *_ = setup_trip()
    dee = env.player(1, "Dee")
    await open_my_trip(dee)
    screen = await dee.click("❌ Cancel trip")
    assert "2 passengers will be told" in screen.text and "reason" in screen.text
    await dee.click("❌ Yes, cancel the trip")
    fresh = Trip.get_by_id(trip.id)
    assert (fresh.status, fresh.cancel_reason) == (TRIP_CANCELLED, "")
    assert "Cancelled" in dee.screen().text  # back on the card
    assert len(notes_for(2)) == 1 and len(notes_for(3)) == 1


async def test_comment_cleared_and_a_sticker_answered(env):
    from aiogram.types import Sticker, Update

    trip, *_ = setup_trip()
    manage.apply_edit(1, trip.id, trip.version, manage.TripEdit(comment="Bring the ball"), UTC)
    dee = await editing(env)
    await dee.click("💬 Comment")
    message = dee.client._new_message("", None).model_copy(update={"text": None, "sticker": Sticker(
        file_id="s", file_unique_id="s", type="regular", width=512, height=512, is_animated=False, is_video=False)})
    await env.dp.feed_update(env.bot, Update(update_id=dee.client._new_update_id(), message=message))
    assert env.bot.sent_texts(1)[-1] == "⚠️ Please send this as a text message, or use the buttons."
    screen = await dee.click("🧹 No comment")
    assert "Comment: Bring the ball → —" in screen.text
    await dee.click("✅ Confirm")
    assert Trip.get_by_id(trip.id).comment == ""
