"""The menu, registration, roles, car, /forget_me, /help, the command menu and the refusals at
the door in the player's language (issue #19), through the bot's real dispatcher."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.commands import register_commands
from bot.devtools.fakeapi.client import fake_bot
from dialogs.i18n import tr_for
from models import ROLE_DRIVER, users
from tests.conftest import TOKEN
from tests.harness import DialogEnv, Player
from tests.steps import newcomer
from tests.test_access import CLUB, GatedEnv


def speaking(player: Player, language_code: str) -> Player:
    """The player's Telegram app reports `language_code` from now on."""
    player.client.user = player.client.user.model_copy(update={"language_code": language_code})
    return player


async def russian_newcomer(env: DialogEnv, uid: int, name: str, role: str) -> Player:
    """A newcomer whose app speaks Russian, registered with `role` (a Russian button): on the menu."""
    speaking(env.player(uid, name), "ru")
    return await newcomer(env, uid, name, role)


async def test_a_russian_newcomer_registers_and_lands_on_a_russian_menu(env: DialogEnv):
    olga = speaking(env.player(1, "Olga"), "ru")
    screen = await olga.send("/start")
    assert "Добро пожаловать в клубные поездки, <b>Olga</b>! 🏐" in screen.text
    assert olga.buttons() == ["🚗 Я за рулём", "🙋 Меня нужно подвезти"]
    assert users.get_user(1).language == "ru"  # stored: her choice from now on, whatever the app says

    screen = await olga.click("🚗 Я за рулём")
    assert screen.text.startswith("👋 <b>Olga</b>, ты — 🚗 водитель.")
    assert "Что будем делать?" in screen.text
    assert {"🚗 Новая поездка", "🔎 Найти поездку", "🚙 Моя машина", "🌐 Язык"} <= set(olga.buttons())

    await olga.send("/help")
    help_text = env.bot.sent_texts(1)[-1]
    assert help_text.startswith("🏐 <b>Клубные поездки</b>") and "/switch_role — переключиться" in help_text


async def test_an_unknown_telegram_language_gets_the_default(env: DialogEnv):
    screen = await speaking(env.player(2, "Ana"), "pt-br").send("/start")
    assert "Welcome to the club carpool, <b>Ana</b>! 🏐" in screen.text
    assert users.get_user(2).language == "en"


async def test_switching_to_german_redraws_the_menu_and_sticks(env: DialogEnv):
    dee = env.player(3, "Dee")  # an English-speaking app
    await dee.send("/start")
    await dee.click("🚗 I drive")
    screen = await dee.click("🌐 Language")
    assert "Now: 🇬🇧 English" in screen.text
    assert dee.buttons() == ["🇬🇧 English", "🇷🇺 Русский", "🇩🇪 Deutsch", "⬅️ Back"]

    screen = await dee.click("🇩🇪 Deutsch")  # the same press shows the menu, already in German
    assert screen.text.startswith("👋 <b>Dee</b>, du bist 🚗 Fahrer.") and "Was möchtest du tun?" in screen.text
    assert {"🔎 Fahrt finden", "🧳 Meine Fahrten", "🌐 Sprache"} <= set(dee.buttons())
    assert users.get_user(3).language == "de"

    screen = await dee.send("/start")  # the next update: the middleware reads the stored choice
    assert "du bist 🚗 Fahrer" in screen.text
    screen = await dee.send("/language")
    assert "Jetzt: 🇩🇪 Deutsch" in screen.text and dee.has_button("⬅️ Zurück")
    screen = await dee.click("🇬🇧 English")
    assert "you are a 🚗 driver" in screen.text and users.get_user(3).language == "en"


async def test_role_switch_and_car_speak_russian(env: DialogEnv):
    ivan = await russian_newcomer(env, 4, "Ivan", "🚗 Я за рулём")
    screen = await ivan.click("🚙 Моя машина")
    assert screen.text.startswith("🚙 <b>Твоя машина</b>")
    await ivan.send("синяя Лада, А123")
    assert env.bot.sent_texts(4)[-1] == "🚙 Сохранил. Пассажиры это увидят."

    screen = await ivan.click("🔁 Сменить роль")
    assert "Сейчас ты — 🚗 водитель. Сменить роль на «🙋 пассажир»?" in screen.text
    assert "У тебя нет предстоящих поездок и мест" in screen.text
    await ivan.click("✅ Подтвердить")
    assert env.bot.callback_answers()[-1].text == "Теперь ты пассажир."
    assert "ты — 🙋 пассажир" in ivan.screen().text


async def test_forget_me_in_russian(env: DialogEnv):
    olga = await russian_newcomer(env, 5, "Olga", "🙋 Меня нужно подвезти")
    screen = await olga.send("/forget_me")
    assert screen.text.startswith("🗑 <b>Забыть меня</b>")
    assert "• У тебя нет предстоящих поездок, мест или шаблонов." in screen.text
    await olga.click("🗑 Да, забудь меня")
    assert env.bot.sent_texts(5)[-1].startswith("🗑 Готово: я тебя забыл.")
    assert users.get_user(5) is None


def test_russian_and_german_plurals_of_what_forgetting_does():
    ru, de = tr_for("ru"), tr_for("de")
    assert [ru("privacy-effect-seats", n=n) for n in (1, 3, 5, 21)] == [
        "• Твоё 1 место будет освобождено; водители получат сообщение.",
        "• Твои 3 места будут освобождены; водители получат сообщение.",
        "• Твои 5 мест будут освобождены; водители получат сообщение.",
        "• Твоё 21 место будет освобождено; водители получат сообщение.",
    ]
    assert de("privacy-effect-trips", n=2) == (
        "• 2 Fahrten, die du fährst, werden abgesagt; deine Mitfahrer erfahren es.")


async def test_the_command_menu_is_set_per_language(tg):
    async with fake_bot(tg.base_url, TOKEN) as bot:
        assert await register_commands(bot)
        assert not await register_commands(bot)  # all three lists already as wanted
    scope = {"type": "all_private_chats"}
    default, russian, german = (
        {c["command"]: c["description"] for c in tg.commands(scope, code)} for code in ("", "ru", "de"))
    assert default["start"] == "Main menu" and default["language"] == "Choose the bot's language"
    assert russian["start"] == "Главное меню" and russian["forget_me"] == "Удалить свои данные из бота"
    assert german["start"] == "Hauptmenü" and german["trips"] == "Mitfahrt finden"
    assert list(default) == list(russian) == list(german)  # the same commands, in the same order
    sets = [r for r in tg.requests if r.method == "setMyCommands" and r.params["scope"] == scope]
    assert sorted(r.params.get("language_code", "") for r in sets) == ["", "de", "ru"]
    assert tg.rejected() == []


@pytest.fixture
def club_env(database, settings):
    return GatedEnv(replace(settings, club_chat_id=CLUB))


async def test_a_german_stranger_is_refused_in_german(club_env: GatedEnv):
    zed = speaking(club_env.player(300, "Zed"), "de-AT")
    await zed.send("/start")
    assert club_env.bot.sent_texts(300) == [
        "Sorry, dieser Bot ist nur für Mitglieder der Gruppe unseres Volleyballvereins. "
        "Bitte einen Vereinsadmin, dich hinzuzufügen, und versuch es dann noch einmal."]
    assert users.get_user(300) is None  # refused at the door: nothing stored


async def test_a_former_member_is_refused_in_their_stored_language(club_env: GatedEnv):
    users.register_user(301, "Ann", language="ru")
    users.set_role(301, ROLE_DRIVER)
    await club_env.player(301, "Ann").send("/start")  # her app says nothing; the bot knows her choice
    assert club_env.bot.sent_texts(301) == [tr_for("ru")("access-former-member")]
    assert club_env.bot.sent_texts(301)[0].startswith("Тебя больше нет в группе")
