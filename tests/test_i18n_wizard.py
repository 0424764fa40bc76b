"""The trip wizard, the pickup editor and the calendar in the player's language (issue #19): a
Russian player (their stored choice) and a German one (their Telegram app's language) walk the
wizard and read it in their language, month and weekday names included, while English stays
word for word what it was."""

from __future__ import annotations

import re
from datetime import date, timedelta

from dialogs.i18n import tr_for
from dialogs.wizard.dialog import PREVIEW_DRAFT, draft_view
from models import Trip, trips, users
from tests.harness import Player
from tests.steps import new_driver

# Month names as a heading says them (the stand-alone form, "Декабрь", never the genitive "декабря").
MONTHS = {
    "ru": "Январь Февраль Март Апрель Май Июнь Июль Август Сентябрь Октябрь Ноябрь Декабрь".split(),
    "de": "Januar Februar März April Mai Juni Juli August September Oktober November Dezember".split(),
    "en": "January February March April May June July August September October November December".split(),
}
WEEKDAYS = {
    "ru": ["Пн", "Вт", "Ср", "Чт", "Пт", "Сб", "Вс"],
    "de": ["Mo", "Di", "Mi", "Do", "Fr", "Sa", "So"],
    "en": ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
}


def header(language: str, day: date) -> str:
    return f"🗓 {MONTHS[language][day.month - 1]} {day.year}"


async def pick_date(player: Player, language: str, day: date):
    """Press `day` on the calendar on screen, paging on (its "… >>" button) to its month."""
    for _ in range(13):
        if header(language, day) in player.buttons():
            label = next(t for t in player.buttons() if t in (f"{day:%d}", f"[ {day:%d} ]"))
            return await player.click(re.escape(label))
        await player.click(r".* >>")
    raise AssertionError(f"could not reach {day} on the calendar")


async def test_a_russian_player_walks_the_wizard_in_russian(env):
    dee = await new_driver(env)
    users.set_language(dee.id, "ru")
    screen = await dee.send("/newtrip")
    assert screen.text.startswith("🏁 <b>Куда едем?</b> Напиши место назначения (2–100 символов)")
    assert dee.has_button("✖️ Закрыть без сохранения")

    screen = await dee.send("Стадион «Ривер»")
    assert screen.text == "📅 <b>В какой день?</b>"
    today = trips.local_today(env.settings.timezone)
    buttons = dee.buttons()
    assert header("ru", today) in buttons  # "🗓 Декабрь 2026"
    assert buttons[buttons.index(header("ru", today)) + 1:][:7] == WEEKDAYS["ru"]
    later = today.replace(day=1) + timedelta(days=32)
    assert f"{MONTHS['ru'][later.month - 1]} {later.year} >>" in buttons

    screen = await pick_date(dee, "ru", today + timedelta(days=1))
    assert "💺 <b>Сколько свободных мест?</b>" in screen.text
    screen = await dee.click("5")
    assert screen.text == "📍 Точка сбора 1: отправь <b>адрес</b> (2–200 символов)."
    screen = await dee.send("Вокзал")
    assert screen.text.startswith("🕒 Во сколько забрать по адресу <b>Вокзал</b>?")
    assert dee.has_button("— час —")
    screen = await dee.send("18:30")
    assert screen.text.startswith("📍 <b>Точки сбора</b> (по времени):\n1. <b>18:30</b> — Вокзал")
    await dee.click("✅ Готово")
    screen = await dee.click("⏭ Пропустить")
    assert screen.text.startswith("📝 <b>Проверь поездку</b>\n\n🏁 <b>Стадион «Ривер»</b>\n📅 ")
    assert "\n💺 5 мест\n📍 Точки сбора:\n1. <b>18:30</b> — Вокзал" in screen.text
    assert dee.has_button("✅ Подтвердить") and dee.has_button("🏁 Куда")

    screen = await dee.click("✅ Подтвердить")
    assert screen.text.startswith("✅ <b>Поездка создана</b>\n\n")
    assert Trip.get().seats == 5
    answers = [a.text for a in env.bot.callback_answers()]
    assert "Поездка создана ✅" in answers


async def test_a_german_app_gets_german_month_names(env):
    """A new player reads the language their Telegram app reports ("de-AT": German)."""
    gil = env.player(2, "Gil")
    gil.client.user = gil.client.user.model_copy(update={"language_code": "de-AT"})
    await gil.send("/start")
    await gil.click(re.escape(tr_for("de")("roles-i-drive")))
    screen = await gil.send("/newtrip")
    assert screen.text.startswith("🏁 <b>Wohin?</b>")
    screen = await gil.send("Sporthalle")
    assert screen.text == "📅 <b>An welchem Tag?</b>"
    today = trips.local_today(env.settings.timezone)
    assert header("de", today) in gil.buttons()  # "🗓 Dezember 2026"
    assert set(WEEKDAYS["de"]) <= set(gil.buttons())
    await gil.click(re.escape(header("de", today)))  # zoom out: the months of the year
    assert MONTHS["de"][11] in gil.buttons() or f"[ {MONTHS['de'][11]} ]" in gil.buttons()


async def test_english_calendar_is_as_before(env):
    """The words aiogram-dialog's strftime labels printed, now from Babel."""
    dee = await new_driver(env)
    await dee.send("/newtrip")
    await dee.send("Riverside Arena")
    today = trips.local_today(env.settings.timezone)
    buttons = dee.buttons()
    assert f"🗓 {today:%B %Y}" in buttons
    assert buttons[buttons.index(f"🗓 {today:%B %Y}") + 1:][:7] == WEEKDAYS["en"]
    later = today.replace(day=1) + timedelta(days=32)
    assert f"{later:%B %Y} >>" in buttons


def test_seats_take_each_language_plural():
    def seats(language: str, n: int) -> str:
        return draft_view({**PREVIEW_DRAFT, "seats": n}, tr_for(language), for_template=False,
                          review=False)["seats_line"]

    assert [seats("en", n) for n in (1, 2, 5)] == ["1 seat", "2 seats", "5 seats"]
    assert [seats("ru", n) for n in (1, 2, 5, 8)] == ["1 место", "2 места", "5 мест", "8 мест"]
    assert [seats("de", n) for n in (1, 3)] == ["1 Platz", "3 Plätze"]
    assert draft_view(PREVIEW_DRAFT, tr_for("ru"), for_template=False, review=False)["date"] == "сб 05 дек. 2026"
