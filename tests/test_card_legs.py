"""Both legs of a trip with a return on the card (issue #22), through the real dispatcher: the
other leg's line ("↩️ Back: Sat 21:30 from Riverside Arena, 2 seats left") and its button, 🙋 Join
both (the pickup point of the way there, the drop-off of the way back, one step skipped when
there is one choice), each leg left alone; in English, Russian and German."""

from __future__ import annotations

from datetime import time, timedelta
from zoneinfo import ZoneInfo

from dialogs.i18n import tr_for
from models import ROLE_DRIVER, ROLE_PASSENGER, Participant, queries, rides, trips, users

UTC = ZoneInfo("UTC")


def there_and_back(out_points=("Station", "Oak Street"), back_points=("Oak Street", "Station"), back_seats=3):
    """Dee drives to Riverside Arena in two days (17:45 Station, 18:00 Oak Street) and back from the
    arena at 21:30, dropping off at 21:55 and 22:05. Returns both trips."""
    users.register_user(1, "Dee Driver", username="dee")
    users.set_role(1, ROLE_DRIVER)
    day = trips.local_today(UTC) + timedelta(days=2)
    out = trips.create_trip(1, trips.TripDraft(
        destination="Riverside Arena", departure_date=day, seats=3,
        pickups=[trips.PickupDraft(a, t) for a, t in zip(out_points, (time(17, 45), time(18)))]), UTC)
    back = trips.create_trip(1, trips.TripDraft(
        destination="Home", departure_date=day, seats=back_seats,
        pickups=[trips.PickupDraft("Riverside Arena", time(21, 30))]
        + [trips.PickupDraft(a, t) for a, t in zip(back_points, (time(21, 55), time(22, 5)))]), UTC, outbound_id=out.id)
    return out, back


def passenger(env, uid=2, name="Ann", language=None):
    users.register_user(uid, name, language=language)
    users.set_role(uid, ROLE_PASSENGER)
    return env.player(uid, name)


def seats_of(uid: int) -> list[tuple[int, str]]:
    return sorted((p.trip_id, p.pickup_point.address) for p in
                  Participant.select().where(Participant.passenger == users.get_user(uid).id))


async def test_join_both_picking_the_pickup_and_the_drop_off(env):
    out, back = there_and_back()
    ann = passenger(env)
    day = tr_for("en").day(out.departure_date)
    screen = await ann.send(f"/start trip_{out.id}")
    assert f"↩️ Back: {day}, 21:30 from Riverside Arena, 3 seats left" in screen.text
    assert ann.has_button("🙋 Join") and ann.has_button("🙋 Join both") and ann.has_button("↩️ The way back")

    screen = await ann.click("🙋 Join both")
    assert screen.text == "➡️ The way there: where do you get in?"
    assert ann.buttons() == ["📍 17:45 Station", "📍 18:00 Oak Street", "⬅️ Back"]
    screen = await ann.click("📍 18:00 Oak Street")
    assert screen.text == "↩️ The way back: where do you get out?"
    assert ann.buttons() == ["🏁 21:55 Oak Street", "🏁 22:05 Station", "⬅️ Back"]  # not the arena it leaves from
    screen = await ann.click("🏁 22:05 Station")
    assert screen.text == (f"Take a seat both ways?\n➡️ <b>Riverside Arena</b>, {day}: you get in at 18:00 — Oak Street\n"
                           f"↩️ Back {day}, 21:30 from Riverside Arena: you get out at 22:05 — Station")
    screen = await ann.click("✅ Join both")
    assert env.bot.callback_answers()[-1].text == "You're in, both ways! 🎉"
    assert "You have a seat" in screen.text and f"↩️ Back: {day}, 21:30 from Riverside Arena, ✅ you have a seat" in screen.text
    assert seats_of(2) == [(out.id, "Oak Street"), (back.id, "Station")]
    assert not ann.has_button("🙋 Join both")


async def test_one_choice_each_way_goes_straight_to_the_confirmation(env):
    out, back = there_and_back(out_points=("Station",), back_points=("Station",))
    ann = passenger(env)
    await ann.send(f"/start trip_{out.id}")
    screen = await ann.click("🙋 Join both")
    assert screen.text.startswith("Take a seat both ways?") and "you get out at 21:55 — Station" in screen.text
    await ann.click("✅ Join both")
    assert seats_of(2) == [(out.id, "Station"), (back.id, "Station")]


async def test_one_pickup_point_then_the_drop_off(env):
    out, back = there_and_back(out_points=("Station",))
    ann = passenger(env)
    await ann.send(f"/start trip_{out.id}")
    screen = await ann.click("🙋 Join both")
    assert screen.text == "↩️ The way back: where do you get out?"
    await ann.click("🏁 21:55 Oak Street")
    await ann.click("✅ Join both")
    assert seats_of(2) == [(out.id, "Station"), (back.id, "Oak Street")]


async def test_the_way_back_full_no_join_both_and_a_stale_one_refused_whole(env):
    out, back = there_and_back(out_points=("Station",), back_points=("Station",), back_seats=1)
    ann, bob = passenger(env), passenger(env, 3, "Bob")
    await bob.send(f"/start trip_{out.id}")  # his card, drawn while the way back had its seat
    assert bob.has_button("🙋 Join both")
    rides.join_trip(2, back.id, queries.pickup_points(back.id)[1].id)  # Ann takes the way back's only seat
    screen = await ann.send(f"/start trip_{out.id}")
    day = tr_for("en").day(out.departure_date)
    assert f"↩️ Back: {day}, 21:30 from Riverside Arena, ✅ you have a seat" in screen.text
    screen = await bob.send(f"/start trip_{out.id}")
    assert f"↩️ Back: {day}, 21:30 from Riverside Arena, full" in screen.text
    assert bob.has_button("🙋 Join") and not bob.has_button("🙋 Join both")

    rides.leave_trip(2, back.id)
    await bob.send(f"/start trip_{out.id}")
    await bob.click("🙋 Join both")  # the confirmation
    rides.join_trip(2, back.id, queries.pickup_points(back.id)[1].id)  # the seat gone again before he confirms
    await bob.click("✅ Join both")
    assert env.bot.callback_answers()[-1].show_alert
    assert seats_of(3) == []  # refused as a whole: no seat on the way there either


async def test_open_the_other_leg_and_leave_one_leg_alone(env):
    out, back = there_and_back()
    users.register_user(2, "Ann")
    rides.join_both(2, out.id, queries.pickup_points(out.id)[0].id,
                    queries.pickup_points(back.id)[1].id)
    ann = env.player(2, "Ann")
    day = tr_for("en").day(out.departure_date)
    await ann.send(f"/start trip_{out.id}")
    screen = await ann.click("↩️ The way back")
    assert screen.text.startswith("↩️ <b>The way back</b>\n🏁 <b>Home</b>")
    assert "📍 Leaves from, then drop-off points:" in screen.text
    assert "<b>21:55</b> — Oak Street  ← <i>you get out here</i>" in screen.text
    assert f"➡️ There: {day}, 17:45 from Station, ✅ you have a seat" in screen.text
    await ann.click("🚶 Leave")
    screen = await ann.click("🚶 Yes, leave")  # the way back only
    assert seats_of(2) == [(out.id, "Station")] and ann.has_button("🙋 Join")
    screen = await ann.click("➡️ The way there")
    assert screen.text.startswith("🏁 <b>Riverside Arena</b>") and "You have a seat" in screen.text
    assert f"↩️ Back: {day}, 21:30 from Riverside Arena, 3 seats left" in screen.text


async def test_join_both_in_russian_and_german(env):
    out, back = there_and_back()
    ivan = passenger(env, 2, "Иван", language="ru")
    screen = await ivan.send(f"/start trip_{out.id}")
    day = tr_for("ru").day(out.departure_date)
    assert f"↩️ Обратно: {day}, 21:30 от Riverside Arena, свободно 3 места" in screen.text
    assert ivan.has_button("↩️ Обратный путь")
    screen = await ivan.click("🙋 Туда и обратно")
    assert screen.text == "➡️ Туда: где тебя забрать?"
    screen = await ivan.click("📍 17:45 Station")
    assert screen.text == "↩️ Обратно: где тебя высадить?"
    screen = await ivan.click("🏁 21:55 Oak Street")
    assert screen.text.startswith("Занять место туда и обратно?")
    screen = await ivan.click("✅ Туда и обратно")
    assert env.bot.callback_answers()[-1].text == "Ты едешь туда и обратно! 🎉"
    assert f"↩️ Обратно: {day}, 21:30 от Riverside Arena, ✅ у тебя есть место" in screen.text

    joerg = passenger(env, 3, "Jörg", language="de")
    screen = await joerg.send(f"/start trip_{back.id}")
    assert screen.text.startswith("↩️ <b>Der Rückweg</b>") and "📍 Abfahrt, dann Ausstiegspunkte:" in screen.text
    assert f"➡️ Hin: {tr_for('de').day(out.departure_date)}, 17:45 ab Station, noch 2 Plätze frei" in screen.text
    assert joerg.has_button("➡️ Der Hinweg") and not joerg.has_button("🙋 Hin und zurück")  # joining both: from the way there
