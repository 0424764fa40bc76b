"""`carpool-bot playground` (issue #24): the real bot behind a page, on the in-package fake Bot API.

The same story (a driver creates a trip, a passenger joins it) is played through the playground's HTTP API
and through the real `carpool-bot` process against the fake: every player ends with the same messages
(texts, formatting, buttons). The page's own behaviour in a browser is tests/test_playground_browser.py.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta

import pytest

from bot.devtools.fakeapi import BotMessage, FakeTelegram
from bot.devtools.fakeapi.client import fake_bot
from bot.devtools.playground import (
    DEFAULT_PLAYERS, FAKE_TOKEN, Playground, PlaygroundClient, entities_to_html, message_view, start_process,
)
from tests.process import BotProcess, carpool_bot_command

DANA, PAT = DEFAULT_PLAYERS[0].user_id, DEFAULT_PLAYERS[1].user_id


def next_month() -> str:
    first = datetime.now(UTC).date().replace(day=1)
    return f"{first + timedelta(days=32):%B %Y}"


# (player, "send" | "press", text, what the player's screen then shows). Day 15 of next month: always ahead.
STORY = [
    (DANA, "send", "/start", "Welcome"),
    (DANA, "press", "🚗 I drive", "you are a 🚗 driver"),
    (DANA, "press", "🚗 New trip", "Where to?"),
    (DANA, "send", "Club gym", "Which day?"),
    (DANA, "press", ">>", "🗓 " + next_month()),
    (DANA, "press", "15", "How many free seats?"),
    (DANA, "press", "3", "send the address"),
    (DANA, "send", "Central Station", "Pickup time"),
    (DANA, "send", "18:00", "Pickup points"),
    (DANA, "press", "✅ Done", "Any comment"),
    (DANA, "press", "⏭ Skip", "Check your trip"),
    (DANA, "press", "✅ Confirm", "Trip created"),
    (PAT, "send", "/start", "Welcome"),
    (PAT, "press", "🙋 I need a ride", "you are a 🙋 passenger"),
    (PAT, "press", "Club gym", "3 of 3 seats free"),
    (PAT, "press", "🙋 Join", "Take a seat"),
    (PAT, "press", "✅ Join", "You have a seat"),
]
JOINED = "Pat joined your trip"


def playground_env(tmp_path) -> dict[str, str]:
    """No token, no .env, no settings from the environment: the playground must need none."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DATABASE_", "LOG_", "REDIS_"))}
    return {**env, "HOME": str(tmp_path)}


@pytest.fixture(scope="module")
def playground(tmp_path_factory):
    """One `carpool-bot playground` process for the module, started in an empty folder."""
    folder = tmp_path_factory.mktemp("playground")
    proc, url, _ = start_process(carpool_bot_command(), "--db", str(folder / "pg.sqlite3"),
                                 env=playground_env(folder))
    try:
        yield PlaygroundClient(url)
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            assert proc.wait(timeout=20) == 0, "".join(proc.output)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise


def comparable(messages: list[dict]) -> list[dict]:
    """What a player sees: text, formatting and button labels (callback data carries random intent ids)."""
    return [{"html": m["html"], "edited": m["edited"],
             "buttons": [[b["text"] + (f" → {b['url']}" if "url" in b else "") for b in row] for row in m["buttons"]]}
            for m in messages]


def test_every_screen_is_the_one_the_real_bot_sends(playground, tmp_path):
    for player, action, text, expected in STORY:
        getattr(playground, action)(player, text)
        playground.wait_message(player, expected)
    playground.wait_message(DANA, JOINED, screen_only=False)
    in_playground = {uid: comparable(playground.messages(uid)) for uid in (DANA, PAT)}

    with FakeTelegram(token=FAKE_TOKEN) as tg:
        users = {p.user_id: tg.user(p.user_id, p.name, p.username) for p in DEFAULT_PLAYERS}
        bot = BotProcess(tg, tmp_path).start()  # THROTTLE_RATE=0, as the playground
        try:
            for player, action, text, expected in STORY:
                getattr(users[player], action)(text)
                users[player].wait_screen(lambda s, e=expected: e in s.text + " ".join(sum(s.buttons, [])), 20)
            users[DANA].wait_screen(lambda s: any(JOINED in m.text for m in users[DANA].messages()), 20)
            by_the_bot = {uid: comparable([message_view(m) for m in tg.chat_messages(uid)]) for uid in (DANA, PAT)}
            assert not tg.rejected(ignore=("message is not modified",))
        finally:
            bot.stop()

    assert in_playground == by_the_bot
    assert any("joined your trip" in m["html"] for m in in_playground[DANA])
    assert "<b>" in json.dumps(in_playground)  # the formatting went through, as tags the page shows


def test_the_page_and_the_command_menu_are_served(playground):
    with urllib.request.urlopen(playground.url + "/", timeout=10) as page:
        html = page.read().decode()
    assert "Add a player" in html and "/playground/api" in html
    menu = playground.state()["commands"]["en"]
    assert {"start", "newtrip", "mytrips"} <= {c["command"] for c in menu}  # from the bot's setMyCommands


# --- in process: the page's API on the fake, without the bot ----------------------------------------------

@pytest.fixture
def page():
    pg = Playground(port=0)
    pg.tg.start()
    try:
        yield pg
    finally:
        pg.tg.stop()


def post(pg: Playground, path: str, body: dict) -> tuple[int, str]:
    request = urllib.request.Request(f"{pg.tg.base_url}/playground/api/{path}", data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode()


def test_a_new_player_speaks_their_language(page):
    status, body = post(page, "players", {"name": "  Olga  ", "language": "ru"})
    assert status == 200
    olga = json.loads(body)["id"]
    assert post(page, "send", {"user": olga, "text": "/start"})[0] == 200
    update = page.tg.pending_updates[-1]["message"]
    assert update["from"]["language_code"] == "ru" and update["from"]["first_name"] == "Olga"
    column = next(p for p in page.state()["players"] if p["id"] == olga)
    assert column["language"] == "ru" and column["messages"][0]["text"] == "/start"


def test_a_button_no_longer_on_the_message_cannot_be_pressed(page):
    async def scenario():
        bot = fake_bot(page.tg.base_url, FAKE_TOKEN)
        keyboard = {"inline_keyboard": [[{"text": "Go", "callback_data": "go"}]]}
        sent = await bot.send_message(DANA, "pick", reply_markup=keyboard)
        assert post(page, "press", {"user": DANA, "message_id": sent.message_id, "data": "forged"})[0] == 409
        assert post(page, "press", {"user": DANA, "message_id": sent.message_id, "data": "go"})[0] == 200
        await bot.edit_message_text("done", chat_id=DANA, message_id=sent.message_id)
        assert post(page, "press", {"user": DANA, "message_id": sent.message_id, "data": "go"})[0] == 409
        await bot.session.close()

    import asyncio

    asyncio.run(scenario())
    assert [u["update_id"] for u in page.tg.pending_updates if "callback_query" in u] == [1]
    assert post(page, "send", {"user": 999, "text": "hi"})[0] == 404
    assert post(page, "send", {"user": DANA, "text": "   "})[0] == 400


def test_bot_formatting_reaches_the_page_as_telegram_tags_only(page):
    async def scenario():
        bot = fake_bot(page.tg.base_url, FAKE_TOKEN, parse_mode="HTML")
        await bot.send_message(DANA, '<b>Club</b> <i>gym</i> &lt;img src=x onerror=alert(1)&gt; '
                                     '<a href="https://t.me/dana">Dana</a> <tg-spoiler>s</tg-spoiler>')
        await bot.session.close()

    import asyncio

    asyncio.run(scenario())
    shown = page.state()["players"][0]["messages"][-1]["html"]
    assert shown == ('<b>Club</b> <i>gym</i> &lt;img src=x onerror=alert(1)&gt; <a href="https://t.me/dana" '
                     'target="_blank" rel="noopener">Dana</a> <span class=spoiler>s</span>')


def test_entities_become_tags_and_nothing_else_does():
    text = "<script>alert(1)</script> bold link 🚗 end"
    entities = [{"type": "bold", "offset": 26, "length": 4}, {"type": "text_link", "offset": 31, "length": 4,
                                                               "url": "javascript:alert(1)"},
                {"type": "italic", "offset": 36, "length": 6}, {"type": "custom_emoji", "offset": 36, "length": 2}]
    shown = entities_to_html(text, entities)
    assert shown == "&lt;script&gt;alert(1)&lt;/script&gt; <b>bold</b> link <i>🚗 end</i>"
    button = message_view(BotMessage(1, 1, "x", "x", None, reply_markup={"inline_keyboard": [[
        {"text": "Open", "url": "javascript:alert(1)"}, {"text": "Chat", "url": "https://t.me/dana"}]]}))
    assert button["buttons"] == [[{"text": "Open"}, {"text": "Chat", "url": "https://t.me/dana"}]]
    nested = entities_to_html("ab", [{"type": "bold", "offset": 0, "length": 2}, {"type": "italic", "offset": 1,
                                                                                   "length": 1}])
    assert nested == "<b>a<i>b</i></b>"


def test_seed_is_a_week_of_club_life(database):
    from zoneinfo import ZoneInfo

    from bot.devtools.playground import seed
    from models import Participant, Trip, TripTemplate
    from models.queries import seats_taken

    made = seed(ZoneInfo("UTC"))
    trips = list(Trip.select())
    assert len(trips) == made["trips"] == 4 and TripTemplate.select().count() == 1
    assert {t.driver.telegram_id for t in trips} == {DEFAULT_PLAYERS[0].user_id, 1004}
    full = Trip.get_by_id(made["full_trip"])
    assert seats_taken(full.id) == full.seats  # the full trip
    assert Participant.select().count() == 3


def test_the_readme_opens_with_the_playground_command():
    from tests.test_ci import ROOT

    head = (ROOT / "README.md").read_text().split("\n## ")[0]
    assert "carpool-bot playground --seed" in head and "without Telegram" in head


def test_the_benchmark_reports_the_playground_figures(tmp_path, capsys):
    """Figures only (as tests/test_benchmarks_smoke.py): the targets are the benchmark's to check."""
    from benchmarks.run import PLAYGROUND_FIGURES, lookup, main

    out = tmp_path / "latest.json"
    assert main(["--tiny", "--sections", "playground", "--out", str(out), "--cache", str(tmp_path / "c")]) in (0, 1)
    results = json.loads(out.read_text())
    assert [lookup(results, path) for path in PLAYGROUND_FIGURES]
    assert {t["target"].split(":")[0] for t in results["targets"]} >= {"playground idle RSS ≤ the bot's"}
    assert "Playground: ready" in capsys.readouterr().out


def test_a_long_running_playground_keeps_a_bounded_record_of_requests(page):
    from bot.devtools.playground import KEEP_REQUESTS

    for _ in range(2 * KEEP_REQUESTS + 5):
        urllib.request.urlopen(f"{page.tg.base_url}/bot{FAKE_TOKEN}/getMe", timeout=10).read()
    assert KEEP_REQUESTS <= len(page.tg.requests) <= 2 * KEEP_REQUESTS


def test_the_fakes_pre_digested_description_is_up_to_date():
    """botapi.digest.json (what the fake loads: the playground's process holds it beside the bot) says what
    botapi.json says; `python -m bot.devtools.fakeapi.trim_spec api.json` rewrites both."""
    from bot.devtools.fakeapi import spec

    bundled = json.loads(spec.BUNDLED_SPEC.read_text(encoding="utf-8"))
    assert spec.DIGEST.read_text(encoding="utf-8") == spec.dump_digest(spec.digest(bundled)), "run trim_spec"
    loaded, parsed = spec.require_spec(), spec.ApiSpec(spec.digest(bundled))
    assert loaded.path == spec.DIGEST
    for part in ("version", "methods", "types", "deep", "subtypes", "_lower"):
        assert getattr(loaded, part) == getattr(parsed, part), part
    assert loaded.deep.keys() == spec.DEEP_TYPES and "sendMessage" in loaded.methods
