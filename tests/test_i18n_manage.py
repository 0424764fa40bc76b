"""Editing and cancelling a trip, and the templates, in the driver's language (issue #19):
a Russian and a German driver read these windows in their language, plural forms included."""

from __future__ import annotations

import re
from datetime import time, timedelta
from zoneinfo import ZoneInfo

import pytest

from dialogs.i18n import tr_for
from dialogs.manage.dialog import diff_lines
from models import ROLE_DRIVER, ROLE_PASSENGER, TRIP_CANCELLED, Trip, TripTemplate, manage, queries, rides
from models import templates, trips, users
from tests.steps import open_my_trip

UTC = ZoneInfo("UTC")


def tomorrow():
    return trips.local_today(UTC) + timedelta(days=1)


def driver(language: str) -> None:
    """Dee, a driver whose stored language is `language`."""
    users.register_user(1, "Dee", language=language)
    users.set_role(1, ROLE_DRIVER)


def trip_with_riders(language: str, riders: int) -> Trip:
    """Dee drives to the Gym tomorrow (6 seats); `riders` passengers got in at the Station."""
    driver(language)
    trip = trips.create_trip(1, trips.TripDraft(
        destination="Gym", departure_date=tomorrow(), seats=6,
        pickups=[trips.PickupDraft("Station", time(18)), trips.PickupDraft("Oak St", time(18, 15))]), UTC)
    station, _ = queries.pickup_points(trip.id)
    for n in range(riders):
        users.register_user(10 + n, f"Rider{n}")
        users.set_role(10 + n, ROLE_PASSENGER)
        rides.join_trip(10 + n, trip.id, station.id)
    return trip


async def on_card(env, language: str):
    """Dee, on her trip's card; `tr`, her language's texts."""
    dee = env.player(1, "Dee")
    await open_my_trip(dee)
    return dee, tr_for(language)


def answers(env) -> list[str]:
    return [a.text or "" for a in env.bot.callback_answers()]


async def test_a_russian_driver_edits_the_trip_in_russian(env):
    trip = trip_with_riders("ru", 2)
    dee, tr = await on_card(env, "ru")
    screen = await dee.click(re.escape(tr("trips-edit")))
    assert screen.text.startswith(f"✏️ <b>Изменить поездку</b>: Gym, {tr.date(tomorrow())}\n\n")
    assert "Пока без изменений: выбери, что поменять." in screen.text
    assert "🕘 Опаздываешь или едешь раньше?" in screen.text
    assert {"🏁 Куда", "📅 Дата", "💺 Места", "📍 Точки сбора", "💬 Комментарий", "🕘 −15 мин", "🕘 +30 мин",
            "✖️ Закрыть без сохранения"} <= set(dee.buttons())
    screen = await dee.click("💺 Места")
    assert "💺 Сейчас <b>6</b> мест; занято 2, меньше нельзя." in screen.text  # 6: the "many" form
    assert "Нажми на число или отправь его." in screen.text
    screen = await dee.click("3")
    assert "💺 Места: 6 → 3" in screen.text
    screen = await dee.click("🕘 \\+30 мин")
    assert "📍 18:00 Station → 18:30 Station" in screen.text
    await dee.click("✅ Подтвердить")
    assert "Сохранено. Пассажиры получат уведомление. ✅" in answers(env)
    assert Trip.get_by_id(trip.id).seats == 3


async def test_a_german_driver_edits_the_trip_in_german(env):
    trip_with_riders("de", 1)
    dee, tr = await on_card(env, "de")
    await dee.click(re.escape(tr("trips-edit")))
    screen = await dee.click("💺 Plätze")
    assert "💺 Jetzt: <b>6</b> Plätze; 1 gebucht, also nicht weniger." in screen.text
    await dee.click("⬅️ Zurück")
    screen = await dee.click("💬 Kommentar")
    assert "💬 Gerade kein Kommentar." in screen.text and "Schick den neuen Kommentar" in screen.text
    screen = await dee.send("Parkplatz hinten")
    assert "💬 Kommentar: — → Parkplatz hinten" in screen.text
    screen = await dee.click("🏁 Ziel")
    assert "🏁 Jetzt: <b>Gym</b>\nSchick das neue Ziel (2–100 Zeichen)." in screen.text


@pytest.mark.parametrize(("language", "riders", "told"), [
    ("ru", 1, "1 пассажир получит уведомление."),
    ("ru", 2, "2 пассажира получат уведомление."),
    ("ru", 5, "5 пассажиров получат уведомление."),
    ("de", 1, "1 Mitfahrer wird benachrichtigt."),
    ("de", 3, "3 Mitfahrer werden benachrichtigt."),
])
async def test_the_cancel_confirmation_counts_the_passengers_in_the_drivers_language(env, language, riders, told):
    trip = trip_with_riders(language, riders)
    dee, tr = await on_card(env, language)
    screen = await dee.click(re.escape(tr("trips-cancel-trip")))
    assert f"Gym, {tr.date(tomorrow())}?\n{told}\n" in screen.text
    assert tr("manage-cancel-hint") in screen.text
    screen = await dee.send("Regen" if language == "de" else "дождь")
    assert tr("manage-cancel-reason", reason="Regen" if language == "de" else "дождь") in screen.text
    await dee.click(re.escape(tr("manage-cancel-yes")))
    assert Trip.get_by_id(trip.id).status == TRIP_CANCELLED
    assert tr("manage-cancelled") in answers(env)


def test_the_russian_told_line_follows_the_plural_rules_past_twenty():
    tr = tr_for("ru")
    assert [tr("manage-cancel-told", n=n) for n in (21, 22, 25, 111)] == [
        "21 пассажир получит уведомление.", "22 пассажира получат уведомление.",
        "25 пассажиров получат уведомление.", "111 пассажиров получат уведомление."]


@pytest.mark.parametrize(("language", "n", "costs"), [
    ("en", 1, "costs 1 passenger their seat: <b>Bob</b>."),
    ("en", 2, "costs 2 passengers their seats: <b>Bob</b>."),
    ("ru", 1, "1 пассажир потеряет место: <b>Bob</b>."),
    ("ru", 3, "3 пассажира потеряют места: <b>Bob</b>."),
    ("ru", 11, "11 пассажиров потеряют места: <b>Bob</b>."),
    ("de", 1, "verliert 1 Mitfahrer seinen Platz: <b>Bob</b>."),
    ("de", 2, "verlieren 2 Mitfahrer ihre Plätze: <b>Bob</b>."),
])
def test_removing_a_point_says_whose_seats_it_costs_with_the_plural_form(language, n, costs):
    assert costs in tr_for(language)("manage-remove-confirm", n=n, names="Bob")


def test_the_diff_speaks_the_drivers_language():
    day = tomorrow()
    changes = [manage.Change("date", day, day + timedelta(days=1)), manage.Change("comment", "", "x < y"),
               manage.Change("pickup", None, manage.PointEdit(None, "Oak St", time(18, 15))),
               manage.Change("pickup", manage.PointEdit(1, "Station", time(18)), None)]
    ru = tr_for("ru")
    assert diff_lines(changes, ru) == [
        f"📅 Дата: {ru.date(day)} → {ru.date(day + timedelta(days=1))}", "💬 Комментарий: — → x &lt; y",
        "📍 Новая точка: 18:15 Oak St", "📍 Убрана: 18:00 Station"]
    assert diff_lines(changes[2:], tr_for("de")) == ["📍 Neuer Abholpunkt: 18:15 Oak St", "📍 Entfernt: 18:00 Station"]


# --- templates --------------------------------------------------------------------------------


@pytest.mark.parametrize(("language", "seats", "shown"), [
    ("ru", 1, "💺 1 место"), ("ru", 3, "💺 3 места"), ("ru", 5, "💺 5 мест"),
    ("de", 1, "💺 1 Platz"), ("de", 4, "💺 4 Plätze"),
])
async def test_a_template_card_in_the_drivers_language(env, language, seats, shown):
    driver(language)
    templates.save_template(1, templates.TemplateDraft(
        name="Tuesday training", destination="Club gym", seats=seats, pickups=[("Station", time(18, 30))]))
    dee, tr = env.player(1, "Dee"), tr_for(language)
    screen = await dee.send("/templates")
    assert screen.text.startswith(tr("templates-list-title", count=1, max=templates.TEMPLATES_MAX))
    screen = await dee.click("📋 Tuesday training")
    assert f"🏁 Club gym\n{shown}\n" in screen.text
    assert {tr("templates-use"), tr("templates-rename"), tr("templates-delete")} <= set(dee.buttons())


async def test_a_russian_driver_saves_a_template_and_deletes_it(env):
    trip_with_riders("ru", 0)
    dee, tr = await on_card(env, "ru")
    screen = await dee.click(re.escape(tr("trips-save-template")))
    assert "💾 Отправь <b>название</b> шаблона (1–40 символов), например <i>Тренировка во вторник</i>." in screen.text
    await dee.send("Спортзал")
    assert "💾 Сохранено как шаблон «Спортзал». Он теперь в /templates." in env.bot.sent_texts(1)
    await dee.click(re.escape(tr("trips-save-template")))
    screen = await dee.send("Спортзал")
    assert "У тебя уже есть шаблон «Спортзал». Заменить его или отправишь другое название?" in screen.text
    assert {"✏️ Другое название", "♻️ Заменить"} <= set(dee.buttons())
    await dee.send("/templates")
    await dee.click("📋 Спортзал")
    screen = await dee.click("🗑 Удалить")
    assert "🗑 Удалить шаблон «Спортзал»? Поездки, созданные по нему, останутся как есть." in screen.text
    screen = await dee.click("🗑 Да, удалить")
    assert "Шаблон удалён." in answers(env) and TripTemplate.select().count() == 0
    assert "📋 <b>Твои шаблоны</b> (0/20)" in screen.text and "Шаблонов пока нет." in screen.text
