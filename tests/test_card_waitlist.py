"""The waiting list on the trip card (issue #22), through the real dispatcher: ⏳ Wait for a seat
on a full trip (one pickup point: at once; several: pick it first), the place in line, 🚶 Leave
the line; a seat freed and held for the first in line: ✅ Take the seat / 🙅 Pass; in English,
Russian and German."""

from __future__ import annotations

import re
from datetime import time, timedelta
from zoneinfo import ZoneInfo

import pytest

from models import (
    ROLE_DRIVER, ROLE_PASSENGER, Notification, Participant, WaitEntry, manage, queries, rides, trips, users,
    waitlist,
)
from models.tables import WAIT_LEFT, WAIT_OFFERED, WAIT_TOOK, WAIT_WAITING

UTC = ZoneInfo("UTC")


def full_trip(points=("Station",), seats=1, days=2):
    """Dee drives a trip with `seats` seats, all taken (by Zoe, Yan, …), at these pickup points (18:00, 18:15, …)."""
    users.register_user(1, "Dee Driver", username="dee")
    users.set_role(1, ROLE_DRIVER)
    trip = trips.create_trip(1, trips.TripDraft(
        destination="Cup final", departure_date=trips.local_today(UTC) + timedelta(days=days), seats=seats,
        pickups=[trips.PickupDraft(a, time(18, 15 * i)) for i, a in enumerate(points)]), UTC)
    first = queries.pickup_points(trip.id)[0].id
    for n in range(seats):
        users.register_user(90 + n, ["Zoe", "Yan", "Xia"][n])
        users.set_role(90 + n, ROLE_PASSENGER)
        rides.join_trip(90 + n, trip.id, first)
    return trip


def player(uid, name, language=None):
    users.register_user(uid, name, language=language)
    users.set_role(uid, ROLE_PASSENGER)


def answers(env) -> list[str]:
    return [a.text for a in env.bot.callback_answers() if a.text]


def two_in_line(env, points=("Station",), at=0):
    """A full trip with Ann, then Bob, in line to get in at `points[at]`; then Zoe leaves: her
    seat is held for Ann. Returns the trip and Ann's and Bob's players."""
    trip = full_trip(points=points)
    player(2, "Ann")
    player(3, "Bob")
    point = queries.pickup_points(trip.id)[at].id
    waitlist.wait_for_seat(2, trip.id, point)
    waitlist.wait_for_seat(3, trip.id, point)
    rides.leave_trip(90, trip.id)
    return trip, env.player(2, "Ann"), env.player(3, "Bob")


async def test_wait_at_the_only_point_see_the_place_and_leave_the_line(env):
    trip = full_trip()
    player(2, "Ann")
    player(3, "Bob")
    ann, bob = env.player(2, "Ann"), env.player(3, "Bob")

    screen = await ann.send(f"/start trip_{trip.id}")
    assert "💺 Full (1 seat)" in screen.text and not ann.has_button("🙋 Join")
    assert ann.has_button("⏳ Wait for a seat") and ann.has_button("🔎 Find another ride")
    screen = await ann.click("⏳ Wait for a seat")  # one pickup point: in line at once
    assert answers(env)[-1] == "⏳ You're 1st in line."
    assert "⏳ You are 1st in line. I'll message you when a seat frees up." in screen.text
    assert ann.has_button("🚶 Leave the line") and not ann.has_button("⏳ Wait for a seat")
    [entry] = WaitEntry.select()
    assert (entry.status, entry.pickup_point.address) == (WAIT_WAITING, "Station")

    await bob.send(f"/start trip_{trip.id}")
    screen = await bob.click("⏳ Wait for a seat")
    assert "⏳ You are 2nd in line." in screen.text and answers(env)[-1] == "⏳ You're 2nd in line."

    dee = env.player(1, "Dee")
    screen = await dee.send(f"/start trip_{trip.id}")
    assert "⏳ 2 players wait for a seat." in screen.text
    assert not dee.has_button("⏳ Wait for a seat")  # the driver's own trip

    screen = await ann.click("🚶 Leave the line", ann.screen())
    assert answers(env)[-1] == "You left the line."
    assert "in line" not in screen.text and ann.has_button("⏳ Wait for a seat")
    assert WaitEntry.get(WaitEntry.passenger == users.get_user(2).id).status == WAIT_LEFT
    screen = await bob.send(f"/start trip_{trip.id}")
    assert "⏳ You are 1st in line." in screen.text  # Bob moved up


async def test_several_points_pick_where_to_get_in_first(env):
    trip = full_trip(points=("Station", "Oak Street", "Mill Lane"))
    player(2, "Ann")
    ann = env.player(2, "Ann")
    await ann.send(f"/start trip_{trip.id}")
    screen = await ann.click("⏳ Wait for a seat")
    assert screen.text == "The trip is full. Where would you get in? Pick your pickup point to join the line:"
    assert ann.buttons() == ["📍 18:00 Station", "📍 18:15 Oak Street", "📍 18:30 Mill Lane", "⬅️ Back"]
    screen = await ann.click("📍 18:15 Oak Street")
    assert "⏳ You are 1st in line." in screen.text
    assert WaitEntry.get().pickup_point.address == "Oak Street"


async def test_a_freed_seat_is_held_for_the_first_in_line_who_takes_it(env):
    trip, ann, bob = two_in_line(env, points=("Station", "Oak Street"), at=1)  # a seat held for Ann

    screen = await ann.send(f"/start trip_{trip.id}")
    held = WaitEntry.get(WaitEntry.passenger == users.get_user(2).id)
    assert held.status == WAIT_OFFERED
    deadline = f"{held.offer_expires_at:%H:%M}"  # UTC is the club's time zone here
    assert f"🎉 <b>A seat is free for you!</b> Take it by {deadline}, or it goes to the next in line." in screen.text
    assert ann.has_button("✅ Take the seat") and ann.has_button("🙅 Pass")
    assert not ann.has_button("🙋 Join") and not ann.has_button("🚶 Leave the line")

    screen = await bob.send(f"/start trip_{trip.id}")  # still waiting: the seat is not his
    assert "💺 Full" in screen.text and "⏳ You are 2nd in line." in screen.text
    assert not bob.has_button("✅ Take the seat")

    screen = await ann.click("✅ Take the seat", ann.screen())
    assert answers(env)[-1] == "The seat is yours! 🎉"
    assert "You have a seat" in screen.text and "← <i>your pickup</i>" in screen.text
    seat = Participant.get(Participant.passenger == users.get_user(2).id)
    assert seat.pickup_point.address == "Oak Street"
    assert WaitEntry.get_by_id(held.id).status == WAIT_TOOK
    assert Notification.select().where(Notification.kind == "waitlist_took").count() == 1


async def test_pass_hands_the_seat_to_the_next_and_a_stale_take_is_refused(env):
    trip, ann, bob = two_in_line(env)

    await ann.send(f"/start trip_{trip.id}")
    screen = await ann.click("🙅 Pass")
    assert answers(env)[-1] == "You passed; the seat goes to the next in line."
    assert "A seat is free" not in screen.text and ann.has_button("⏳ Wait for a seat")
    assert WaitEntry.get(WaitEntry.passenger == users.get_user(3).id).status == WAIT_OFFERED

    await bob.send(f"/start trip_{trip.id}")
    waitlist.pass_offer(3, trip.id)  # from the notice's 🙅 Pass, while his card still shows ✅ Take the seat
    screen = await bob.click("✅ Take the seat")
    refusal = env.bot.callback_answers()[-1]
    assert refusal.show_alert and "passed" in refusal.text.lower()
    assert Participant.select().count() == 0 and not bob.has_button("✅ Take the seat")
    assert "💺 1 of 1 seat free" in screen.text and bob.has_button("🙋 Join")  # nobody waits any more


async def test_a_held_seat_whose_pickup_point_was_removed_is_taken_at_another(env):
    trip, ann, bob = two_in_line(env, points=("Station", "Oak Street", "Mill Lane"), at=1)  # held for Ann, at Oak Street
    kept = [p for p in queries.pickup_points(trip.id) if p.address != "Oak Street"]
    manage.apply_edit(1, trip.id, queries.trip_version(trip.id),
                      manage.TripEdit(pickups=[manage.PointEdit(p.id, p.address, p.time) for p in kept]), UTC)
    await ann.send(f"/start trip_{trip.id}")
    screen = await ann.click("✅ Take the seat")  # her point is gone: she picks another
    assert screen.text == "A seat is free for you. Where do you get in? Pick your pickup point:"
    assert ann.buttons() == ["📍 18:00 Station", "📍 18:30 Mill Lane", "⬅️ Back"]
    screen = await ann.click("📍 18:30 Mill Lane")
    assert answers(env)[-1] == "The seat is yours! 🎉" and "You have a seat" in screen.text
    assert Participant.get(Participant.passenger == users.get_user(2).id).pickup_point.address == "Mill Lane"


async def test_a_held_seat_is_not_free_for_a_newcomer(env):
    trip = full_trip()
    player(2, "Ann")
    player(4, "Cat")
    waitlist.wait_for_seat(2, trip.id, queries.pickup_points(trip.id)[0].id)
    rides.leave_trip(90, trip.id)  # held for Ann
    cat = env.player(4, "Cat")
    screen = await cat.send(f"/start trip_{trip.id}")
    assert "💺 Full (1 seat)" in screen.text and not cat.has_button("🙋 Join")
    screen = await cat.click("⏳ Wait for a seat")
    assert "⏳ You are 2nd in line." in screen.text  # behind Ann, whose offer is out


async def test_a_seat_free_again_refuses_a_stale_wait_button(env):
    trip = full_trip()
    player(2, "Ann")
    ann = env.player(2, "Ann")
    await ann.send(f"/start trip_{trip.id}")
    rides.leave_trip(90, trip.id)  # nobody waits: the seat is anyone's
    screen = await ann.click("⏳ Wait for a seat")
    refusal = env.bot.callback_answers()[-1]
    assert refusal.show_alert and WaitEntry.select().count() == 0
    assert ann.has_button("🙋 Join") and "💺 1 of 1 seat free" in screen.text


async def test_russian_and_german_players_wait_in_their_language(env):
    trip = full_trip(points=("Station", "Oak Street"))
    player(2, "Иван", language="ru")
    player(3, "Jörg", language="de")
    ivan, joerg = env.player(2, "Иван"), env.player(3, "Jörg")

    screen = await ivan.send(f"/start trip_{trip.id}")
    assert "💺 Мест нет" in screen.text
    await ivan.click("⏳ Ждать места")
    screen = await ivan.click("📍 18:15 Oak Street")
    assert answers(env)[-1] == "⏳ Ты 1-й в очереди."
    assert "⏳ Ты 1-й в очереди. Я напишу, когда освободится место." in screen.text
    assert ivan.has_button("🚶 Выйти из очереди")

    await joerg.send(f"/start trip_{trip.id}")
    screen = await joerg.click("⏳ Auf Platz warten")
    assert screen.text.startswith("Die Fahrt ist voll.")
    screen = await joerg.click("📍 18:00 Station")
    assert "⏳ Du bist Nr. 2 auf der Warteliste." in screen.text

    rides.leave_trip(90, trip.id)
    screen = await ivan.send(f"/start trip_{trip.id}")
    assert "🎉 <b>Для тебя освободилось место!</b>" in screen.text
    assert ivan.has_button("✅ Занять место") and ivan.has_button("🙅 Пропустить")
    screen = await ivan.click("✅ Занять место")
    assert answers(env)[-1] == "Место твоё! 🎉" and "✅ <b>У тебя есть место.</b>" in screen.text
    assert not re.search(r"[A-Za-z]{4,}", re.sub(r"<[^>]*>|Cup final|Dee Driver|Station|Oak Street", "", screen.text))


@pytest.mark.parametrize("viewer", ["passenger", "rider", "driver", "waiting", "offered", "return leg"])
def test_every_kind_of_card_is_translated(viewer):
    """The card's texts for each viewer (the preview's cards, the issue's new lines among them),
    in the pseudo-locale: every word from a catalog; and made in every language."""
    from dialogs.i18n import MISSING, PSEUDO, tr_for
    from dialogs.trips.render import card_text, preview_card, preview_leg
    from models.tables import LANGUAGES
    from tests.test_i18n import LETTERS, _rest

    card = preview_card(viewer="rider" if viewer == "return leg" else viewer)
    if viewer == "return leg":
        card.trip.outbound_id, card.other_leg = 41, preview_leg("out")
    MISSING.clear()
    rest = _rest(card_text(card, tr_for(PSEUDO)))
    assert not LETTERS.search(rest), rest
    for language in LANGUAGES:
        card_text(card, tr_for(language))
    assert not MISSING, sorted(MISSING)
