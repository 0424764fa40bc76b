"""Find, join, change pickup and leave through the real dispatcher; the share link."""

import re
from datetime import time, timedelta
from zoneinfo import ZoneInfo

import pytest

from models import (
    ROLE_DRIVER, ROLE_PASSENGER, TRIP_CANCELLED, Notification, Participant, Trip, ValidationError, queries, rides,
    trips, users,
)

UTC = ZoneInfo("UTC")


def seed_trip(seats=3, dest="Riverside Arena", days=1):
    users.register_user(1, "Dee Driver", username="dee")
    users.set_role(1, ROLE_DRIVER)
    users.set_car(1, "red Skoda, AB-123")
    return trips.create_trip(1, trips.TripDraft(
        destination=dest, departure_date=trips.local_today(UTC) + timedelta(days=days), seats=seats,
        pickups=[trips.PickupDraft("Central Station", time(17, 45)), trips.PickupDraft("Oak Street", time(18))],
        comment="Bring the ball bag"), UTC)


async def player(env, uid, name, role_button):
    p = env.player(uid, name)
    await p.send("/start")
    await p.click(role_button)
    return p


async def passenger(env, uid=2, name="Ann"):
    return await player(env, uid, name, "🙋 I need a ride")


async def at_the_confirmation(p, trip, point="📍 17:45 Central Station"):
    """Open the trip's share link, then 🙋 Join and a pickup point: the "Take a seat?" question."""
    await p.send(f"/start trip_{trip.id}")
    await p.click("🙋 Join")
    return await p.click(point)


def one_point_trip(seats=3, dest="Club gym", days=2, driver=1):
    if users.get_user(driver) is None:
        users.register_user(driver, "Dee Driver", username="dee")
        users.set_role(driver, ROLE_DRIVER)
    return trips.create_trip(driver, trips.TripDraft(
        destination=dest, departure_date=trips.local_today(UTC) + timedelta(days=days), seats=seats,
        pickups=[trips.PickupDraft("Station", time(18))]), UTC)


async def test_find_join_and_see_contact(env):
    trip = seed_trip()
    ann = await passenger(env)
    screen = await ann.click("🔎 Find a trip")
    assert "Upcoming trips" in screen.text
    label = next(b for b in ann.buttons() if "Riverside Arena" in b)
    assert label == f"🟢 1. {trip.departure_date:%a} 17:45 Riverside Arena"
    assert "3 seats left" in screen.text and "Dee" in screen.text  # the details are in the text
    screen = await ann.click(re.escape(label))
    assert "Riverside Arena" in screen.text and "Bring the ball bag" in screen.text
    assert "red Skoda" not in screen.text and "https://t.me/dee" not in screen.text
    screen = await ann.click("📍 18:00 Oak Street")  # the card's button for that pickup point
    assert "getting in at 18:00 — Oak Street" in screen.text
    screen = await ann.click("✅ Join")
    assert "You have a seat" in screen.text and "red Skoda" in screen.text and "https://t.me/dee" in screen.text
    assert "your pickup" in screen.text
    assert Participant.get().pickup_point.address == "Oak Street"
    assert Notification.get().kind == "joined"
    screen = await ann.click("⬅️ Back")
    assert "Upcoming trips" in screen.text and ann.buttons()[0].startswith("✅ 1. ")  # now marked as hers
    screen = await ann.click("⬅️ Back")
    assert "you are a 🙋 passenger" in screen.text


async def test_pickup_buttons_fit_a_phone(env):
    seed_trip()  # Dee, a driver
    trip = trips.create_trip(1, trips.TripDraft(
        destination="Gym", departure_date=trips.local_today(UTC) + timedelta(days=2), seats=3,
        pickups=[trips.PickupDraft("Central Station, north exit by the taxi rank", time(17, 45)),
                 trips.PickupDraft("Oak Street", time(18))]), UTC)
    ann = await passenger(env)
    screen = await ann.send(f"/start trip_{trip.id}")
    assert all(len(b) <= 30 for b in ann.buttons()) and "📍 18:00 Oak Street" in ann.buttons()
    assert "Central Station, north exit by the taxi rank" in screen.text  # whole in the card
    screen = await ann.click("📍 17:45 Central Station.*")
    assert "getting in at 17:45 — Central Station, north exit by the taxi rank" in screen.text


async def test_one_pickup_point_goes_straight_to_the_confirmation(env):
    seed_trip()
    trip = one_point_trip()
    ann = await passenger(env)
    await ann.send(f"/start trip_{trip.id}")
    assert ann.has_button("🙋 Join") and not ann.has_button("📍.*")
    screen = await ann.click("🙋 Join")
    assert "Take a seat to <b>Club gym</b>" in screen.text and "18:00 — Station" in screen.text
    screen = await ann.click("⬅️ Back")  # not now: the card again
    assert ann.has_button("🙋 Join")
    await ann.click("🙋 Join")
    screen = await ann.click("✅ Join")
    assert "You have a seat" in screen.text and Participant.get().pickup_point.address == "Station"


async def test_a_full_trip_offers_another_ride(env):
    trip = one_point_trip(seats=1)
    users.register_user(3, "Bob")
    users.set_role(3, ROLE_PASSENGER)
    rides.join_trip(3, trip.id, queries.pickup_points(trip.id)[0].id)
    ann = await passenger(env)
    screen = await ann.send(f"/start trip_{trip.id}")
    assert "💺 Full (1 seat)" in screen.text and not ann.has_button("🙋 Join")
    screen = await ann.click("🔎 Find another ride")
    assert "Upcoming trips" in screen.text and "FULL" in screen.text and ann.buttons()[0].startswith("🔴")
    bob = env.player(3, "Bob")
    screen = await bob.send(f"/start trip_{trip.id}")
    assert not bob.has_button("🔎 Find another ride")  # he is in it: no need to look further


async def test_plural_forms(env):
    trip = one_point_trip(seats=2)
    ann = await passenger(env)
    screen = await ann.send(f"/start trip_{trip.id}")
    assert "💺 2 of 2 seats free" in screen.text
    users.register_user(3, "Bob")
    rides.join_trip(3, trip.id, queries.pickup_points(trip.id)[0].id)
    screen = await ann.send("/trips")
    assert "1 seat left" in screen.text and "1 seats" not in screen.text
    one = one_point_trip(seats=1, dest="Cup final", days=3)
    screen = await ann.send(f"/start trip_{one.id}")
    assert "💺 1 of 1 seat free" in screen.text


async def test_change_pickup_and_leave_from_my_trips(env):
    trip = seed_trip()
    ann = await passenger(env)
    await at_the_confirmation(ann, trip)
    await ann.click("✅ Join")
    screen = await ann.send("/mytrips")
    assert "My trips" in screen.text
    await ann.click(".*Riverside Arena.*")
    await ann.click("📍 Change pickup")
    screen = await ann.click("📍 18:00 Oak Street")
    assert Participant.get().pickup_point.address == "Oak Street"
    await ann.click("🚶 Leave")
    screen = await ann.click("🚶 Yes, leave")
    assert Participant.select().count() == 0
    assert "🙋 Join" in ann.buttons()
    assert [n.kind for n in Notification.select().order_by(Notification.id)] == ["joined", "pickup_changed", "left"]


async def test_refusals_are_explained_and_card_refreshed(env):
    trip = seed_trip(seats=1)
    ann = await passenger(env, 2, "Ann")
    bob = await passenger(env, 3, "Bob")
    await at_the_confirmation(ann, trip)
    await at_the_confirmation(bob, trip)
    await ann.click("✅ Join", ann.screen())
    screen = await bob.click("✅ Join")  # Bob's confirmation was shown before Ann took the seat
    assert any(a.show_alert and "full" in a.text for a in env.bot.callback_answers())
    assert "Full" in screen.text and "🙋 Join" not in bob.buttons()
    assert Participant.select().count() == 1


async def test_stale_card_after_cancel(env):
    trip = seed_trip()
    ann = await passenger(env)
    await at_the_confirmation(ann, trip)
    Trip.update(status=TRIP_CANCELLED, cancel_reason="gym closed").where(Trip.id == trip.id).execute()
    screen = await ann.click("✅ Join")
    assert any("cancelled: gym closed" in (a.text or "") for a in env.bot.callback_answers())
    assert "Cancelled" in screen.text and "gym closed" in screen.text
    assert Participant.select().count() == 0
    screen = await ann.click("🔎 Find another ride")  # not a dead end either
    assert "Upcoming trips" in screen.text


async def test_driver_cannot_join_own_trip(env):
    trip = seed_trip()
    dee = env.player(1, "Dee")
    screen = await dee.send(f"/start trip_{trip.id}")
    assert "Riverside Arena" in screen.text and "🙋 Join" not in dee.buttons()


async def test_deep_link_registers_newcomer_as_passenger(env):
    trip = seed_trip()
    cat = env.player(4, "Cat")
    screen = await cat.send(f"/start trip_{trip.id}")
    assert users.get_user(4).role == ROLE_PASSENGER
    assert "Riverside Arena" in screen.text and "🙋 Join" in cat.buttons()
    screen = await cat.click("⬅️ Back")
    assert "you are a 🙋 passenger" in screen.text


async def test_deep_link_known_driver_keeps_role(env):
    trip = seed_trip()
    users.register_user(5, "Eve")
    users.set_role(5, ROLE_DRIVER)
    eve = env.player(5, "Eve")
    screen = await eve.send(f"/start trip_{trip.id}")
    assert users.get_user(5).role == ROLE_DRIVER and "Riverside Arena" in screen.text


async def test_bad_deep_links(env):
    cat = env.player(4, "Cat")
    for arg in ("trip_999999", "trip_abc", "trip_" + "9" * 40):
        screen = await cat.send(f"/start {arg}")
        assert "couldn't find that trip" in env.bot.sent_texts(4)[-1]
        assert "you are a 🙋 passenger" in screen.text


async def test_car_description(env):
    dee = await player(env, 1, "Dee", "🚗 I drive")
    await dee.click("🚙 My car")
    await dee.send("x")
    assert "2 to 100 characters" in env.bot.sent_texts(1)[-1]
    screen = await dee.send("blue Volvo <V70>")
    assert users.get_user(1).car == "blue Volvo <V70>"
    assert "you are a 🚗 driver" in screen.text
    await dee.click("🚙 My car")
    screen = await dee.click("🗑 Remove")
    assert users.get_user(1).car == "" and "you are a 🚗 driver" in screen.text


def test_the_car_rule_lives_in_models(database):
    """The minimum length was only in the dialog: the operation took a one-letter car."""
    users.register_user(1, "Dee")
    for bad in ("x", "\u200bx\u200b", "c" * (users.CAR_MAX + 1)):
        with pytest.raises(ValidationError) as refused:
            users.clean_car(bad)
        assert (refused.value.key, refused.value.params) == ("error-car-length", {"lo": 2, "hi": 100})
        with pytest.raises(ValidationError):
            users.set_car(1, bad)
    assert users.clean_car("  red   Skoda ") == "red Skoda"
    assert users.set_car(1, "").car == ""  # nothing removes it


async def test_empty_lists(env):
    ann = await passenger(env)
    for command, says in (("/trips", "No upcoming trips"), ("/mytrips", "no upcoming trips"),
                          ("/history", "Nothing here yet")):
        screen = await ann.send(command)
        assert says in screen.text and ann.buttons() == ["⬅️ Back"], command


async def test_list_pages(env):
    for i in range(7):
        seed_trip(dest=f"Game {i}", days=i + 1)
    ann = await passenger(env)
    screen = await ann.send("/trips")
    assert "page 1 of 2" in screen.text and "◀️ Previous" not in ann.buttons()
    assert sum("Game" in b for b in ann.buttons()) == 5
    screen = await ann.click("Next ▶️")
    assert "page 2 of 2" in screen.text and "Next ▶️" not in ann.buttons()
    assert [b.split(" ")[:2] for b in ann.buttons() if "Game" in b] == [["🟢", "6."], ["🟢", "7."]]
    assert "6. 🟢 <b>Game 5</b>" in screen.text and "7. 🟢 <b>Game 6</b>" in screen.text
    screen = await ann.click("◀️ Previous")
    assert "page 1 of 2" in screen.text


async def test_list_shrinks_under_the_user(env):
    made = [seed_trip(dest=f"Game {i}", days=i + 1) for i in range(6)]
    ann = await passenger(env)
    await ann.send("/trips")
    await ann.click("Next ▶️")
    Trip.update(status=TRIP_CANCELLED).where(Trip.id == made[-1].id).execute()
    screen = await ann.click("◀️ Previous")
    screen = await ann.click(".*Game 4")  # the card; the list behind it now has one page
    screen = await ann.click("⬅️ Back")
    assert "page" not in screen.text and sum("Game" in b for b in ann.buttons()) == 5


async def test_list_buttons_fit_a_phone_and_mark_your_trips(env):
    seed_trip(dest="Away game – Riverside Arena, the far hall")
    own = trips.create_trip(1, trips.TripDraft(
        destination="Club gym", departure_date=trips.local_today(UTC) + timedelta(days=4), seats=2,
        pickups=[trips.PickupDraft("Station", time(18))]), UTC)
    dee = env.player(1, "Dee")
    screen = await dee.send("/trips")
    assert all(len(b) <= 30 for b in dee.buttons()), dee.buttons()
    assert "Away game – Riverside Arena, the far hall" in screen.text  # whole in the text
    assert all(b.startswith("🚗") for b in dee.buttons() if b != "⬅️ Back")  # Dee drives both
    ann = await passenger(env)
    rides.join_trip(2, own.id, queries.pickup_points(own.id)[0].id)
    await ann.send("/trips")
    assert [b[0] for b in ann.buttons() if b != "⬅️ Back"] == ["🟢", "✅"]


async def test_my_trips_headings_each_above_their_trips(env):
    trip = seed_trip()
    users.register_user(5, "Eve")
    users.set_role(5, ROLE_DRIVER)
    eves = one_point_trip(dest="Beach volley", driver=5, days=3)
    rides.join_trip(1, eves.id, queries.pickup_points(eves.id)[0].id)  # Dee rides with Eve
    dee = env.player(1, "Dee")
    screen = await dee.send("/mytrips")
    text = screen.text
    assert text.index("Trips you drive") < text.index("Riverside Arena") < text.index("Your seats") \
        < text.index("Beach volley")
    assert dee.buttons()[:2] == [f"🚗 1. {trip.departure_date:%a} 17:45 Riverside Arena",
                                 f"🙋 2. {eves.departure_date:%a} 18:00 Beach volley"]


async def test_help_lists_every_command_of_the_menu(env):
    ann = await passenger(env)
    assert ann.has_button("🕘 Past trips")
    screen = await ann.send("/history")
    assert "Past trips" in screen.text


async def test_past_trips_fit_a_phone(env):
    trip = seed_trip(dest="Away game – Riverside Arena, the far hall")
    Trip.update(status="done").where(Trip.id == trip.id).execute()
    dee = env.player(1, "Dee")
    screen = await dee.send("/history")
    label = next(b for b in dee.buttons() if b.startswith("🏁"))
    assert len(label) <= 30 and label.endswith(" · 🚗"), label
    assert "Away game – Riverside Arena, the far hall" in screen.text
    assert f"{trip.departure_date:%a %d %b %Y}, 17:45" in screen.text


async def test_a_passenger_can_offer_a_ride_from_the_menu(env):
    """Roles are no wall (issue #18): the menu's "🚗 New trip" is there for a passenger too,
    and the wizard asks whether to switch to driver."""
    ann = await passenger(env)
    screen = await ann.click("🚗 New trip")
    assert "You're a passenger; switch to driver?" in screen.text
    screen = await ann.click("⬅️ Back")
    assert "you are a 🙋 passenger" in screen.text and users.get_user(2).role == ROLE_PASSENGER
