"""Finding trips, the card, "My trips" and past trips in Russian and German (issue #19), through
the real dispatcher: a player's stored language, or their Telegram app's, picks the words, the
plural forms and the weekday names."""

from __future__ import annotations

import re
from datetime import time, timedelta
from zoneinfo import ZoneInfo

from dialogs.i18n import tr_for
from models import ROLE_DRIVER, ROLE_PASSENGER, manage, queries, rides, trips, users

UTC = ZoneInfo("UTC")


def club() -> dict[int, trips.Trip]:
    """Dee drives four trips: 1, 2 and 5 seats free, and one full (Bob took its only seat)."""
    users.register_user(1, "Dee Driver", username="dee")
    users.set_role(1, ROLE_DRIVER)
    made = {}
    for days, seats, dest in ((1, 1, "Club gym"), (2, 2, "Tuesday training"), (3, 5, "Cup final"), (4, 1, "Away")):
        made[seats if dest != "Away" else 0] = trips.create_trip(1, trips.TripDraft(
            destination=dest, departure_date=trips.local_today(UTC) + timedelta(days=days), seats=seats,
            pickups=[trips.PickupDraft("Station", time(18))]), UTC)
    users.register_user(9, "Bob")
    rides.join_trip(9, made[0].id, queries.pickup_points(made[0].id)[0].id)
    return made


def weekday_button(player, language: str, trip: trips.Trip) -> str:
    """The list's button of `trip`, which starts with the weekday in the player's language."""
    day = tr_for(language).weekday(trip.departure_date)
    label = next(b for b in player.buttons() if trip.destination in b)
    assert re.fullmatch(rf"\S+ \d\. {re.escape(day)} 18:00 {re.escape(trip.destination)}", label), label
    return re.escape(label)


async def test_a_russian_player_finds_a_trip_joins_it_and_sees_it_in_my_trips(env):
    made = club()
    users.register_user(2, "Иван", language="ru")  # the stored choice, whatever Telegram says
    users.set_role(2, ROLE_PASSENGER)
    ivan = env.player(2, "Иван")

    screen = await ivan.send("/trips")
    assert "🔎 <b>Ближайшие поездки</b>" in screen.text
    assert "🟢 есть места · 🔴 мест нет · ✅ у тебя место · 🚗 ты за рулём" in screen.text
    assert ["свободно 1 место", "свободно 2 места", "свободно 5 мест", "МЕСТ НЕТ"] == re.findall(
        r"свободно \d \w+|МЕСТ НЕТ", screen.text)
    assert "seat" not in screen.text and "⬅️ Назад" in ivan.buttons()

    screen = await ivan.click(weekday_button(ivan, "ru", made[5]))
    assert "💺 Свободно 5 из 5 мест" in screen.text and "🚗 Водитель: Dee" in screen.text
    assert "📍 Места посадки:" in screen.text and f"📅 {tr_for('ru').date(made[5].departure_date)}" in screen.text
    screen = await ivan.click("🙋 Записаться")
    day = tr_for("ru").day(made[5].departure_date)
    assert screen.text == f"Занять место в поездке <b>Cup final</b> ({day}), посадка: 18:00 — Station?"
    screen = await ivan.click("✅ Записаться")
    assert "✅ <b>У тебя есть место.</b>" in screen.text and "← <i>твоя посадка</i>" in screen.text
    assert "💺 Свободно 4 из 5 мест" in screen.text
    assert env.bot.callback_answers()[-1].text == "Место твоё! 🎉"

    screen = await ivan.send("/mytrips")
    assert "🧳 <b>Мои поездки</b>" in screen.text and "🙋 <b>Твои места</b>:" in screen.text
    assert f"1. 🙋 <b>Cup final</b> — {day}, 18:00, посадка: Station" in screen.text

    screen = await ivan.send(f"/start trip_{made[0].id}")  # the full trip's card
    assert "💺 Мест нет (всего 1 место)" in screen.text and "👥 Едут: Bob" in screen.text
    assert ivan.has_button("🔎 Найти другую поездку")


async def test_a_german_app_gets_german_lists_cards_and_past_trips(env):
    made = club()
    users.register_user(3, "Hans")  # no stored choice: the Telegram app's language counts
    users.set_role(3, ROLE_PASSENGER)
    hans = env.player(3, "Hans")
    hans.client.user = hans.client.user.model_copy(update={"language_code": "de-AT"})

    screen = await hans.send("/trips")
    assert "🔎 <b>Anstehende Fahrten</b>" in screen.text
    assert ["noch 1 Platz frei", "noch 2 Plätze frei", "noch 5 Plätze frei", "VOLL"] == re.findall(
        r"noch \d \w+ frei|VOLL", screen.text)
    screen = await hans.click(weekday_button(hans, "de", made[1]))
    assert "💺 1 von 1 Platz frei" in screen.text and "🚗 Fahrer: Dee" in screen.text
    await hans.click("🙋 Mitfahren")
    screen = await hans.click("✅ Mitfahren")
    assert "✅ <b>Du hast einen Platz.</b>" in screen.text and "💺 Voll (1 Platz)" in screen.text

    manage.cancel_trip(1, made[1].id, "Halle zu")
    screen = await hans.send("/history")
    assert "🕘 <b>Vergangene Fahrten</b>" in screen.text
    assert f"❌ <b>Club gym</b> — {tr_for('de').date(made[1].departure_date)}, 18:00 · 🙋" in screen.text
    screen = await hans.click(r"❌ Club gym · 🙋")
    assert screen.text.startswith("❌ <b>Abgesagt</b>: Halle zu\n🏁 <b>Club gym</b>")
