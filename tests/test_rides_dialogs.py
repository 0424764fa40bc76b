"""Find, join, change pickup and leave through the real dispatcher; the share link."""

from datetime import time, timedelta
from zoneinfo import ZoneInfo

from models import ROLE_DRIVER, ROLE_PASSENGER, TRIP_CANCELLED, Notification, Participant, Trip, trips, users

UTC = ZoneInfo("UTC")


def seed_trip(seats=3, dest="Riverside Arena", days=1):
    users.register_user(1, "Dee Driver", username="dee")
    users.set_role(1, ROLE_DRIVER)
    users.set_car(1, "red Skoda, AB-123")
    return trips.create_trip(1, trips.TripDraft(
        destination=dest, departure_date=trips.local_today(UTC) + timedelta(days=days), seats=seats,
        pickups=[trips.PickupDraft("Central Station", time(17, 45)), trips.PickupDraft("Oak Street", time(18))],
        comment="Bring the ball bag"), UTC)


async def passenger(env, uid=2, name="Ann"):
    p = env.player(uid, name)
    await p.send("/start")
    await p.click("🙋 I need a ride")
    return p


async def test_find_join_and_see_contact(env):
    trip = seed_trip()
    ann = await passenger(env)
    screen = await ann.click("🔎 Find a trip")
    assert "Upcoming trips" in screen.text
    label = next(b for b in ann.buttons() if "Riverside Arena" in b)
    assert "3 left" in label and "17:45" in label and "Dee" in label
    screen = await ann.click(label.replace("(", r"\(").replace(")", r"\)").replace(".", r"\."))
    assert "Riverside Arena" in screen.text and "Bring the ball bag" in screen.text
    assert "red Skoda" not in screen.text and "https://t.me/dee" not in screen.text
    await ann.click("🙋 Join")
    screen = await ann.click("📍 18:00 Oak Street")
    assert "getting in at 18:00 — Oak Street" in screen.text
    screen = await ann.click("✅ Join")
    assert "You have a seat" in screen.text and "red Skoda" in screen.text and "https://t.me/dee" in screen.text
    assert "your pickup" in screen.text
    assert Participant.get().pickup_point.address == "Oak Street"
    assert Notification.get().kind == "joined"
    screen = await ann.click("⬅️ Back")
    assert "Upcoming trips" in screen.text
    screen = await ann.click("⬅️ Back")
    assert "you are a 🙋 passenger" in screen.text


async def test_change_pickup_and_leave_from_my_trips(env):
    trip = seed_trip()
    ann = await passenger(env)
    await ann.send(f"/start trip_{trip.id}")
    await ann.click("🙋 Join")
    await ann.click("📍 17:45 Central Station")
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
    await ann.send(f"/start trip_{trip.id}")
    await bob.send(f"/start trip_{trip.id}")
    await ann.click("🙋 Join")
    await ann.click("📍 17:45 Central Station")
    await bob.click("🙋 Join")
    await bob.click("📍 17:45 Central Station")
    await ann.click("✅ Join")
    screen = await bob.click("✅ Join")  # Bob's confirmation was shown before Ann took the seat
    assert any(a.show_alert and "full" in a.text for a in env.bot.callback_answers())
    assert "Full" in screen.text and "🙋 Join" not in bob.buttons()
    assert Participant.select().count() == 1


async def test_stale_card_after_cancel(env):
    trip = seed_trip()
    ann = await passenger(env)
    await ann.send(f"/start trip_{trip.id}")
    await ann.click("🙋 Join")
    await ann.click("📍 17:45 Central Station")
    Trip.update(status=TRIP_CANCELLED, cancel_reason="gym closed").where(Trip.id == trip.id).execute()
    screen = await ann.click("✅ Join")
    assert any("cancelled: gym closed" in (a.text or "") for a in env.bot.callback_answers())
    assert "Cancelled" in screen.text and "gym closed" in screen.text
    assert Participant.select().count() == 0


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
    dee = env.player(1, "Dee")
    await dee.send("/start")
    await dee.click("🚗 I drive")
    await dee.click("🚙 My car")
    await dee.send("x")
    assert "2 to 100 characters" in env.bot.sent_texts(1)[-1]
    screen = await dee.send("blue Volvo <V70>")
    assert users.get_user(1).car == "blue Volvo <V70>"
    assert "you are a 🚗 driver" in screen.text


async def test_empty_list(env):
    ann = await passenger(env)
    screen = await ann.send("/trips")
    assert "No upcoming trips" in screen.text
    screen = await ann.send("/mytrips")
    assert "no upcoming trips" in screen.text


async def test_list_pages(env):
    for i in range(7):
        seed_trip(dest=f"Game {i}", days=i + 1)
    ann = await passenger(env)
    screen = await ann.send("/trips")
    assert "page 1 of 2" in screen.text and "◀️ Previous" not in ann.buttons()
    assert sum("Game" in b for b in ann.buttons()) == 5
    screen = await ann.click("Next ▶️")
    assert "page 2 of 2" in screen.text and "Next ▶️" not in ann.buttons()
    assert [b.split(" · ")[0] for b in ann.buttons() if "Game" in b] == ["🟢 Game 5", "🟢 Game 6"]
    screen = await ann.click("◀️ Previous")
    assert "page 1 of 2" in screen.text
