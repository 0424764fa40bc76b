"""Languages end to end (issue #19's acceptance): the real `carpool-bot` process against the fake
Bot API. A Russian-speaking player (Telegram's `language_code` "ru") and a German-speaking one
("de") register, join a trip, get its reminder, answer it and are told it is cancelled; the
driver's app tells no language at all, and the bot speaks English to him.

"Each sees only their language" is checked on everything the bot sent each of them, every
version of every message (each `sendMessage` and edit, not only what is left on the screen),
every button, every answer to a press and their command menu:
- every word is a word of their own catalog (or a month or weekday name of their language, from
  Babel), once user text (names, the destination, the address, the reason), links and commands
  are taken out — a hard-coded English text, or a text from another language, has words that
  are not;
- no text of the English catalog (two words or more, not also in their catalog) shows up.
"""

from __future__ import annotations

import html
import re
import sqlite3
from datetime import datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import pytest
from babel import Locale
from fluent.syntax import FluentParser, ast as ftl

from bot.cli import main
from bot.devtools.fakeapi import FakeUser
from dialogs.i18n import LOCALES_DIR, tr_for
from dialogs.states import ALL_STATES_GROUPS
from tests.test_i18n import PREVIEW_USER_TEXT
from tests.test_taps_wizard import club_zone
from tests.conftest import TOKEN
from tests.world import bot_world, wait_message

DEE, OLGA, JONAS = 1, 2, 3
DESTINATION, ADDRESS, REASON = "Riverside Arena", "Central Station", "rain"
# Typed by the players, never translated: taken out of a text before its words are checked.
USER_TEXT = (DESTINATION, ADDRESS, REASON, "Dee", "Ольга", "Jonas")
WORD = re.compile(r"[^\W\d_]+")
CYRILLIC = re.compile(r"[А-Яа-яЁё]")


# --- what a language's texts are made of ----------------------------------------------------


def _text_elements(language: str) -> list[str]:
    """Every literal piece of text in the language's catalog (between placeables)."""
    found: list[str] = []

    def walk(node) -> None:
        if isinstance(node, ftl.TextElement):
            found.append(node.value)
        elif isinstance(node, ftl.StringLiteral):
            found.append(node.value)
        if isinstance(node, ftl.BaseNode):
            for name, value in vars(node).items():
                if name != "comment":
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    for path in sorted((LOCALES_DIR / language).glob("*.ftl")):
        for entry in FluentParser().parse(path.read_text(encoding="utf-8")).body:
            if isinstance(entry, ftl.Message | ftl.Term):
                walk(entry)
    return found


@cache
def vocabulary(language: str) -> frozenset[str]:
    """The words the bot may use in `language`: its catalog's and Babel's month and weekday names."""
    words = {w.lower() for text in _text_elements(language) for w in WORD.findall(_no_links(html.unescape(text)))}
    babel = Locale.parse(language)
    for names in (babel.months, babel.days):
        for context in names.values():
            for width in context.values():
                words |= {w.lower() for name in width.values() for w in WORD.findall(name)}
    return frozenset(words)


@cache
def english_only_phrases(language: str) -> frozenset[str]:
    """Lines of the English catalog of two words or more that `language`'s catalog does not hold too."""
    theirs = "\n".join(_text_elements(language))
    lines = {line.strip() for text in _text_elements("en") for line in html.unescape(text).splitlines()}
    return frozenset(line for line in lines if len(WORD.findall(line)) >= 2 and line not in theirs)


def plain(text: str) -> str:
    """A text as the user reads it: HTML tags out, entities unescaped."""
    return html.unescape(re.sub(r"<[^>]+>", "", text))


def _no_links(text: str) -> str:
    """`text` without links, /commands and @usernames: they are words of no language."""
    return re.sub(r"(https?://|t\.me/)\S+|/[a-z_]+|@\w+", " ", text)


def own_words(text: str, user_text: tuple[str, ...] = USER_TEXT) -> str:
    """`text` without user text (whole words, or cut to fit a button: "Away game at Ri…"), links
    and commands: what the bot wrote in some language."""
    for value in sorted(user_text, key=len, reverse=True):
        text = re.sub(rf"(?<!\w){re.escape(value)}(?!\w)", " ", text)
        for end in range(len(value) - 1, 2, -1):
            text = text.replace(value[:end].rstrip() + "…", " ")
    return _no_links(text)


def foreign_words(text: str, language: str, user_text: tuple[str, ...] = USER_TEXT) -> list[str]:
    """The words of `text` that are not `language`'s, user text, links and commands left aside."""
    return [w for w in WORD.findall(own_words(text, user_text)) if w.lower() not in vocabulary(language)]


class Player:
    """A Telegram user whose presses are kept, so that the answers to them can be read."""

    def __init__(self, user: FakeUser, language: str) -> None:
        self.user, self.language, self.pressed = user, language, []
        self.tr = tr_for(language)

    def press(self, text: str, **kwargs) -> None:
        self.pressed.append(self.user.press(text, **kwargs))

    def button(self, key: str, **args) -> str:
        return self.tr(key, **args)

    def line(self, key: str, index: int = 0, **args) -> str:
        """A line of the catalog text `key`, as read."""
        return plain(self.tr(key, **args)).strip().splitlines()[index]

    def shows(self, key: str, **args):
        """Wait until the screen holds the catalog text `key` (its first line)."""
        return self.user.wait_screen(self.line(key, **args))

    def told(self, key: str, index: int = 0, **args):
        """The newest message holding that line of `key` (a notice: not necessarily the screen)."""
        return wait_message(self.user, self.line(key, index, **args), timeout=30)

    def offers(self, key: str):
        """Wait until the screen has the button `key`."""
        label = self.tr(key)
        return self.user.wait_screen(lambda s: label in [b for row in s.buttons for b in row])

    def __getattr__(self, name: str):  # send, wait_screen, messages: as the user does
        return getattr(self.user, name)


def received(tg, player: Player) -> list[str]:
    """Everything the bot showed `player`: each message as sent and as edited, each button of
    each keyboard, each answer to one of their presses, their command menu."""
    texts: list[str] = []
    for request in tg.requests:
        params = request.params
        if request.method in ("sendMessage", "editMessageText", "editMessageReplyMarkup") \
                and params.get("chat_id") == player.user.id:
            if "text" in params:
                texts.append(plain(params["text"]) if params.get("parse_mode") == "HTML" else params["text"])
            markup = params.get("reply_markup") or {}
            for row in markup.get("inline_keyboard", []) + markup.get("keyboard", []):
                texts += [button if isinstance(button, str) else button["text"] for button in row]
        elif request.method == "answerCallbackQuery" and params["callback_query_id"] in player.pressed:
            texts += [params["text"]] if params.get("text") else []
    texts += [command["description"] for command in tg.visible_commands(player.user.id)]
    return texts


def assert_only(tg, player: Player) -> int:
    """Every text `player` received is in their language; returns how many there were."""
    texts = received(tg, player)
    wrong = [f"{foreign_words(text, player.language)} in {text!r}" for text in texts
             if foreign_words(text, player.language)]
    assert not wrong, f"{player.user}: words not in the {player.language} catalog:\n" + "\n".join(wrong)
    phrases = [f"{phrase!r} in {text!r}" for text in texts for phrase in english_only_phrases(player.language)
               if phrase in text] if player.language != "en" else []
    assert not phrases, f"{player.user}: English catalog texts:\n" + "\n".join(phrases)
    if player.language == "ru":  # and every Russian text with words of its own is in Cyrillic
        latin = [text for text in texts if WORD.search(own_words(text)) and not CYRILLIC.search(own_words(text))]
        assert not latin, f"{player.user}: Russian texts without Cyrillic: {latin}"
    else:
        assert not [text for text in texts if CYRILLIC.search(own_words(text))], f"{player.user}: Cyrillic"
    return len(texts)


# --- the story ------------------------------------------------------------------------------


def pick_day(dee: FakeUser, day) -> None:
    screen = dee.wait_screen("Which day?")
    label = next(b for row in screen.buttons for b in row if b.strip("[ ]") == f"{day:%d}")
    dee.press(label)


def offer_trip(dee: FakeUser, zone: ZoneInfo) -> tuple[str, datetime]:
    """Dee offers a ride whose pickup is two hours away (the minute rounded down): its reminder,
    two hours ahead, falls due in the minute this runs. Returns the share payload and the pickup."""
    pickup = datetime.now(zone).replace(second=0, microsecond=0) + timedelta(hours=2)
    dee.send("/newtrip")
    dee.wait_screen("Where to?")
    dee.send(DESTINATION)
    pick_day(dee, pickup.date())
    dee.wait_screen("How many free seats?")
    dee.press("3")
    dee.wait_screen("send the address")
    dee.send(ADDRESS)
    dee.wait_screen("Pickup time")
    dee.send(f"{pickup:%H:%M}")
    dee.wait_screen(lambda s: "Pickup points" in s.text and ADDRESS in s.text)
    dee.press("✅ Done")
    dee.wait_screen("Any comment")
    dee.press("⏭ Skip")
    dee.wait_screen("Check your trip")
    dee.press("✅ Confirm")
    created = dee.wait_screen("Trip created")
    return re.search(r"\?start=(trip_\d+)", created.raw_text).group(1), pickup


def register(player: Player) -> None:
    player.send("/start")
    player.offers("roles-i-ride")
    player.shows("roles-welcome", name=player.user.user_obj["first_name"])
    player.press(player.button("roles-i-ride"))
    player.offers("menu-find")


def take_seat(player: Player, pickup: datetime) -> None:
    """From the trip's card: join (its only pickup point is taken for them), confirm."""
    player.offers("trips-join")
    player.press(player.button("trips-join"))
    player.shows("trips-confirm-join", destination=DESTINATION, when=player.tr.day(pickup.date()),
                 point=f"{pickup:%H:%M} — {ADDRESS}")
    player.offers("trips-join-ok")
    player.press(player.button("trips-join-ok"))
    player.shows("trips-card-your-seat")


def a_while_ago(database) -> None:
    """Seats and the trip ten minutes older: the reminder due this minute was due after they were
    taken (a reminder goes only to seats taken before it fell due), without waiting for the clock."""
    with sqlite3.connect(database, timeout=10) as con:
        assert con.execute("update participant set joined_at = datetime(joined_at, '-10 minutes')").rowcount == 2
        assert con.execute("update trip set created_at = datetime(created_at, '-10 minutes')").rowcount == 1


def test_a_russian_and_a_german_player_read_only_their_language_the_driver_english(tmp_path):
    zone = club_zone()  # today and tomorrow on the calendar's first page
    with bot_world(tmp_path, TOKEN, {}, lambda url: {}, TIMEZONE=zone.key, REMINDERS="2h",
                   SCHEDULER_INTERVAL="1") as world:  # leaving it checks a clean stop, nothing refused
        tg = world.tg
        dee = tg.user(DEE, "Dee", "dee", language_code=None)
        olga = Player(tg.user(OLGA, "Ольга", None, language_code="ru"), "ru")
        jonas = Player(tg.user(JONAS, "Jonas", None, language_code="de-AT"), "de")
        driver = Player(dee, "en")
        # --- registration: Dee in English, Olga in Russian, Jonas in German -------------------
        dee.send("/start")
        dee.wait_screen("Welcome")
        driver.press("🚗 I drive")
        dee.wait_screen("you are a 🚗 driver")
        link, pickup = offer_trip(dee, zone)
        at = f"{pickup:%H:%M}"
        register(olga)
        register(jonas)
        # --- joining: Olga from the trip list, Jonas by the share link -----------------------
        olga.send("/trips")
        listing = olga.shows("trips-find-title")
        olga.press(next(b for row in listing.buttons for b in row if DESTINATION in b))
        take_seat(olga, pickup)
        wait_message(dee, "Ольга joined your trip")
        jonas.send(f"/start {link}")
        take_seat(jonas, pickup)
        wait_message(dee, "Jonas joined your trip")
        # --- the reminder, and an answer to it -----------------------------------------------
        a_while_ago(world.db)
        reminders = {player: player.told("reminder-ask-last") for player in (olga, jonas)}
        for player, reminder in reminders.items():
            assert DESTINATION in reminder.text and at in reminder.text
            if pickup.date() == datetime.now(zone).date():  # else it is just after midnight: "tomorrow"
                assert player.line("reminder-today", time=at) in reminder.text
        assert "Ольга" in wait_message(dee, "Reminder:", timeout=30).text
        olga.press(olga.button("reminder-way"), message=reminders[olga])
        wait_message(dee, "Ольга is on the way to the pickup")
        jonas.press(jonas.button("reminder-late"), message=reminders[jonas])
        wait_message(dee, "Jonas is running late")
        # --- the driver cancels; each passenger is told in their language --------------------
        dee.send("/mytrips")
        dee.wait_screen("Trips you drive")
        driver.press(DESTINATION)
        dee.wait_screen("Ольга")
        driver.press("❌ Cancel trip")
        dee.wait_screen("Cancel the trip")
        dee.send(REASON)
        dee.wait_screen(f"Reason: {REASON}")
        driver.press("❌ Yes, cancel the trip")
        for player in (olga, jonas):
            notice = player.told("notice-cancelled-why", 1, destination=DESTINATION, date="", reason=REASON)
            assert player.button("notice-find-ride") in [b for row in notice.buttons for b in row]
            player.press(player.button("notice-find-ride"), message=notice)
            player.shows("trips-find-title")

    with sqlite3.connect(world.db) as con:
        stored = dict(con.execute("select telegram_id, language from user"))
    assert stored == {DEE: "en", OLGA: "ru", JONAS: "de"}  # picked from Telegram on registration
    for player in (olga, jonas, driver):
        assert all(tg.callback_answer(cb) is not None for cb in player.pressed)
        assert assert_only(tg, player) > 30
    for player, other in ((olga, "en"), (jonas, "en"), (driver, "de"), (driver, "ru")):  # the check bites:
        texts = [text for text in received(tg, player) if WORD.search(own_words(text))]  # read as another
        # language, almost every text is foreign
        shared = [text for text in texts if not foreign_words(text, other)]  # "— minute —" is German too
        assert len(shared) <= len(texts) // 5, f"{player.user} read as {other}: {shared}"


# --- the preview in a chosen language ---------------------------------------------------------


def preview_windows(page: str) -> dict[str, list[str]]:
    """Each window's texts on the preview page, by state: its message, then its buttons."""
    windows = {}
    for part in page.split('<div class="message" id="')[1:]:
        state = part.split('"', 1)[0]
        message = re.search(r'<div class="text">(.*?)</div>', part, re.S)
        buttons = re.findall(r'class="keyboard-button">(.*?)</a>', part, re.S)
        windows[state] = [plain(text.replace("<br>", "\n")) for text in [message.group(1) if message else "", *buttons]]
    return windows


@pytest.mark.parametrize("language", ["ru", "de", "en"])
def test_the_preview_draws_every_window_in_the_chosen_language(language, tmp_path, monkeypatch):
    """`carpool-bot preview --lang ru|de` (and without `--lang`, English): every window's message
    and buttons speak that language (user text from the preview data aside), no English catalog
    text among them — the whole page, not only the windows drawn before the language window's
    buttons were pressed (the preview presses every button, "Deutsch" too)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TELEGRAM_TOKEN", raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/must-not-exist.sqlite3")
    assert main(["preview", *(["--lang", language] if language != "en" else []), "--out", str(tmp_path / "out")]) == 0
    windows = preview_windows((tmp_path / "out" / "index.html").read_text(encoding="utf-8"))
    assert {state.state for group in ALL_STATES_GROUPS for state in group.__states__} <= set(windows)
    wrong, english = [], []
    user_text = tuple(PREVIEW_USER_TEXT)
    for state, texts in windows.items():
        assert texts[0].strip(), f"{state}: no message"
        for text in texts:
            if foreign := foreign_words(text, language, user_text):
                wrong.append(f"{state}: {foreign} in {text!r}")
            if language != "en":
                english += [f"{state}: {phrase!r}" for phrase in english_only_phrases(language) if phrase in text]
    assert not wrong, f"words not in the {language} catalog:\n" + "\n".join(wrong)
    assert not english, "English catalog texts:\n" + "\n".join(english)
    cyrillic = [state for state, texts in windows.items() if CYRILLIC.search(own_words(texts[0], user_text))]
    assert cyrillic == (list(windows) if language == "ru" else []), "windows with or without Russian words"


# --- made texts are kept (dialogs/i18n.py): a click costs what it did before the catalogs ---------


def test_a_text_is_made_once_per_key_and_values_and_what_it_reads_decides():
    """`Tr` keeps each text it made by its key and the values of the arguments it reads."""
    from datetime import date

    from dialogs.i18n import MISSING, Tr

    tr = Tr("ru")
    assert [tr("trips-seats-left", n=n) for n in (1, 2, 5, 2)] == [
        "свободно 1 место", "свободно 2 места", "свободно 5 мест", "свободно 2 места"]
    assert len(tr._texts) == 3
    # what a text does not read does not make another one (a window hands its whole data)
    assert tr.get("trips-seats-left", {"n": 2, "trip": object()}) == "свободно 2 места" and len(tr._texts) == 3
    # a value of another type is another text, or none kept: True == 1, but prints otherwise
    assert tr("trips-seats-left", n="2") == "свободно 2 места"
    tr.get("trips-seats-left", {"n": True})
    assert len(tr._texts) == 4
    # a text that could not be made is reported every time, never kept
    MISSING.clear()
    tr("trips-seats-left")
    assert MISSING
    MISSING.clear()
    tr("trips-seats-left")
    assert MISSING and len(tr._texts) == 4
    MISSING.clear()
    day = date(2026, 12, 3)
    assert tr.date(day) == tr.date(day.isoformat()) == "чт 03 дек. 2026" and len(tr._dates) == 1


def test_the_arguments_a_message_reads_include_those_of_the_messages_it_references(monkeypatch):
    from dialogs import i18n

    monkeypatch.setattr(i18n, "_source", lambda locale: "a = { $x } { b }\nb = { $y ->\n    [one] { $z }\n   *[other] { c }\n  }\n"
                                                       "c = { $w } { -t } { a }\n-t = term\nd = plain\n")
    assert i18n._arguments.__wrapped__("xx") == {"a": ("w", "x", "y", "z"), "b": ("w", "x", "y", "z"),
                                                 "c": ("w", "x", "y", "z"), "d": ()}
