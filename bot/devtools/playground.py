"""`carpool-bot playground`: the real bot in a browser, with no Telegram account, token or `.env`.

The run mode's own service (`bot.runmodes.runner.run_service`: `build_dispatcher`, the dialogs, the outbox's
notifier, the scheduler) talks to the strict fake Bot API (`bot.devtools.fakeapi`) instead of Telegram, on a
fresh SQLite file in a temporary folder (or `--db PATH`). The fake's aiohttp app also serves the page
(`playground.html`: plain HTML and a little JavaScript) and its small JSON API under `/playground/api/`:

    GET  state?since=V        players and their chats, the command menus; waits up to 25 s for a change past V
    POST send   {user, text}   the player sends a message
    POST press  {user, message_id, data}   the player presses an inline button (refused when it is gone)
    POST players {name, language}          another player joins
"""

from __future__ import annotations

import html
import itertools
import json
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from aiohttp import web

from .fakeapi import BotMessage, FakeTelegram, FakeUser


FAKE_TOKEN = "424242:PLAYGROUND-fake-token-no-telegram-here"
PAGE = Path(__file__).with_name("playground.html")
API = "/playground/api"
LONG_POLL = 25.0
KEEP_REQUESTS = 500  # the fake's record of requests, bounded: a playground may run for days


@dataclass(frozen=True)
class Persona:
    user_id: int
    name: str
    username: str | None
    language: str = "en"


# The default players, side by side. When the club group features exist, the group's chat becomes one
# more column: register it with `FakeTelegram.group(...)` in `Playground.__init__` and list it in
# `Playground.columns()` (the page draws any chat it is given; a group column only needs its title).
DEFAULT_PLAYERS = (Persona(1001, "Dana", "dana_drives"), Persona(1002, "Pat", "pat_rides"),
                   Persona(1003, "Sam", None))
SEED_PLAYERS = (Persona(1004, "Max", "max_wheels"),)  # a second driver, whose trip is full

# Telegram's formatting entities and the tags the page shows them with (nothing else reaches the page).
_TAGS = {"bold": "b", "italic": "i", "underline": "u", "strikethrough": "s", "code": "code", "pre": "pre",
         "blockquote": "blockquote", "expandable_blockquote": "blockquote", "spoiler": "span class=spoiler",
         "bot_command": "span class=command", "mention": "span class=mention", "hashtag": "span class=tag"}


def _safe_url(url: str) -> str | None:
    return url if url.startswith(("https://", "http://", "tg://")) else None


def entities_to_html(text: str, entities: tuple | list) -> str:
    """The message as the page shows it: `text` escaped, wrapped in the tags of its entities (UTF-16
    offsets, as Telegram counts them). Built from the entities, so only Telegram's formatting gets through."""
    units = text.encode("utf-16-le")
    opens: dict[int, list[str]] = {}
    closes: dict[int, list[str]] = {}
    for e in sorted(entities, key=lambda e: (e["offset"], -e["length"])):
        kind = e["type"]
        if kind in ("text_link", "url"):
            link = e.get("url") if kind == "text_link" else units[2 * e["offset"]:2 * (e["offset"] + e["length"])
                                                                  ].decode("utf-16-le")
            if not (href := _safe_url(link or "")):
                continue
            start, end = f'<a href="{html.escape(href)}" target="_blank" rel="noopener">', "</a>"
        elif kind in _TAGS:
            tag = _TAGS[kind]
            start, end = f"<{tag}>", f"</{tag.split()[0]}>"
        else:
            continue
        opens.setdefault(e["offset"], []).append(start)
        closes.setdefault(e["offset"] + e["length"], []).insert(0, end)
    out, points = [], sorted({0, len(units) // 2, *opens, *closes})
    for here, nxt in itertools.pairwise(points):
        out += closes.get(here, []) + opens.get(here, [])
        out.append(html.escape(units[2 * here:2 * nxt].decode("utf-16-le")))
    out += closes.get(len(units) // 2, [])
    return "".join(out)


def message_view(msg: BotMessage) -> dict[str, Any]:
    rows = [[{k: b[k] for k in ("text", "callback_data", "url") if k in b and (k != "url" or _safe_url(b[k]))}
             for b in row] for row in (msg.reply_markup or {}).get("inline_keyboard", [])]
    return {"id": msg.message_id, "from_bot": msg.from_bot, "text": msg.text,
            "html": entities_to_html(msg.text, msg.entities) if msg.from_bot else html.escape(msg.text),
            "buttons": rows, "edited": msg.edits > 0, "date": msg.date}


class Playground:
    """The fake Bot API with the page and its API on the same aiohttp app."""

    def __init__(self, port: int = 0, players: tuple[Persona, ...] = DEFAULT_PLAYERS):
        self.tg = FakeTelegram(token=FAKE_TOKEN, port=port, routes=self._routes, keep_requests=KEEP_REQUESTS)
        self._ids = itertools.count(max(p.user_id for p in (*DEFAULT_PLAYERS, *SEED_PLAYERS)) + 1)
        for p in players:
            self.add_player(p)

    @property
    def url(self) -> str:
        return f"{self.tg.base_url}/"

    def add_player(self, p: Persona) -> FakeUser:
        return self.tg.user(p.user_id, p.name, p.username, language_code=p.language)

    def new_player(self, name: str, language: str) -> FakeUser:
        name = " ".join(name.split())[:64] or "Player"
        language = language.strip()[:8] or "en"
        return self.add_player(Persona(next(self._ids), name, None, language))

    def columns(self) -> list[dict[str, Any]]:
        """One column per private chat (and, once they exist, the club group's)."""
        return [{"id": u.id, "kind": "private", "name": u.user_obj["first_name"],
                 "language": u.user_obj.get("language_code", ""),
                 "messages": [message_view(m) for m in self.tg.chat_history(u.id)]} for u in self.tg.users]

    def state(self) -> dict[str, Any]:
        languages = {c["language"] for c in self.columns()}
        menus = {lang: self.tg.commands({"type": "all_private_chats"}, lang)
                 or self.tg.commands({"type": "all_private_chats"}) or self.tg.commands() for lang in languages}
        return {"version": self.tg.version, "players": self.columns(), "commands": menus,
                "bot": self.tg.bot_user["first_name"]}

    def press(self, user_id: int, message_id: int, data: str) -> str:
        """Press a button the user sees: refused (like a real client cannot) when it is no longer there."""
        user = self._user(user_id)
        with self.tg._lock:
            msg = next((m for m in self.tg.chat_messages(user_id) if m.message_id == message_id), None)
            if msg is None or data not in msg.callback_data:
                raise web.HTTPConflict(text="that button is no longer on the message")
            return user.callback(data, msg)

    def _user(self, user_id: Any) -> FakeUser:
        found = next((u for u in self.tg.users if u.id == user_id), None)
        if found is None:
            raise web.HTTPNotFound(text="no such player")
        return found

    # ------------------------------------------------------------------ HTTP
    def _routes(self, app: web.Application) -> None:
        app.router.add_get("/", self._page)
        app.router.add_get(f"{API}/state", self._state)
        app.router.add_post(f"{API}/send", self._send)
        app.router.add_post(f"{API}/press", self._press)
        app.router.add_post(f"{API}/players", self._players)

    async def _page(self, request: web.Request) -> web.Response:
        return web.Response(text=PAGE.read_text(encoding="utf-8"), content_type="text/html")

    async def _state(self, request: web.Request) -> web.Response:
        since = int(request.query.get("since", -1))
        await self.tg.wait_changed(since, min(float(request.query.get("wait", LONG_POLL)), LONG_POLL))
        return web.json_response(self.state())

    @staticmethod
    async def _body(request: web.Request) -> dict[str, Any]:
        try:
            body = await request.json()
        except json.JSONDecodeError:
            raise web.HTTPBadRequest(text="send JSON") from None
        if not isinstance(body, dict):
            raise web.HTTPBadRequest(text="send a JSON object")
        return body

    async def _send(self, request: web.Request) -> web.Response:
        body = await self._body(request)
        text = str(body.get("text", "")).strip()
        if not text or len(text) > 4096:
            raise web.HTTPBadRequest(text="a message is 1 to 4096 characters")
        return web.json_response({"message_id": self._user(body.get("user")).send(text)})

    async def _press(self, request: web.Request) -> web.Response:
        body = await self._body(request)
        cb = self.press(body.get("user"), int(body.get("message_id", 0)), str(body.get("data", "")))
        return web.json_response({"callback_query_id": cb})

    async def _players(self, request: web.Request) -> web.Response:
        body = await self._body(request)
        user = self.new_player(str(body.get("name", "")), str(body.get("language", "en")))
        return web.json_response({"id": user.id})


def seed(tz) -> dict[str, int]:
    """A week of club life through the models' own operations: two drivers, a template, trips over the
    next days (one of them full), passengers in them. Notifications go out through the outbox as usual."""
    from datetime import time as clock

    from models import ROLE_DRIVER, ROLE_PASSENGER, rides, templates, trips, users
    from models.queries import pickup_points

    for p in (*DEFAULT_PLAYERS, *SEED_PLAYERS):
        users.register_user(p.user_id, p.name, username=p.username)
    dana, pat, sam, max_ = (p.user_id for p in (*DEFAULT_PLAYERS, *SEED_PLAYERS))
    for driver in (dana, max_):
        users.set_role(driver, ROLE_DRIVER)
        users.set_car(driver, "red Skoda, AB-123" if driver == dana else "blue Golf, XY-987")
    for passenger in (pat, sam):
        users.set_role(passenger, ROLE_PASSENGER)
    gym = [("Central Station", clock(18, 0)), ("Oak Street 12", clock(18, 15))]
    templates.save_template(dana, templates.TemplateDraft("Tuesday training", "Club gym", 3, gym,
                                                          "Leaving right after work"))
    today = trips.local_today(tz)
    made = []
    for days, driver, where, seats, points in (
            (1, dana, "Club gym", 3, gym), (3, dana, "Away game at Riverside", 2, [("Market Square", clock(9, 30))]),
            (2, max_, "Club gym", 2, [("North Gate", clock(17, 45))]),
            (6, max_, "Beach tournament", 4, [("Harbour", clock(8, 0)), ("Lake Road 3", clock(8, 20))])):
        draft = trips.TripDraft(where, today + timedelta(days=days), seats,
                                [trips.PickupDraft(a, t) for a, t in points])
        made.append(trips.create_trip(driver, draft, tz))
    full = made[2]  # Max's 2 seats: both taken
    for passenger in (pat, sam):
        rides.join_trip(passenger, full.id, pickup_points(full.id)[0].id)
    rides.join_trip(pat, made[0].id, pickup_points(made[0].id)[1].id)
    return {"trips": len(made), "templates": 1, "full_trip": full.id}


def _say_when_ready(playground: Playground, db: Path, started: float) -> None:
    """The URL, once the bot polls the fake (a press on the page is then answered)."""
    try:
        playground.tg.wait_polling(timeout=120)
    except AssertionError:
        return  # the bot did not start: its error is on the screen already
    print(f"Playground: open {playground.url} (database {db}; ready in {time.monotonic() - started:.1f} s; "
          f"Ctrl+C stops it)", flush=True)


def main(port: int = 8025, db: Path | None = None, do_seed: bool = False) -> int:
    """Start the fake, migrate, seed, say the URL, then run the real bot until Ctrl+C."""
    started = time.monotonic()
    from bot.config import Settings
    from bot.infra.db import init_database, migrate
    from bot.logs import configure
    from bot.runmodes.runner import run

    folder = None
    if db is None:
        folder = tempfile.TemporaryDirectory(prefix="carpool-playground-")
        db = Path(folder.name) / "playground.sqlite3"
    db.parent.mkdir(parents=True, exist_ok=True)
    playground = Playground(port=port)
    try:
        playground.tg.start()
    except OSError as exc:
        print(f"cannot listen on 127.0.0.1:{port}: {exc.strerror or exc} (try --port 0)", file=sys.stderr)
        return 2
    settings = Settings(telegram_token=FAKE_TOKEN, database_url=f"sqlite:///{db.resolve()}", log_dir=None,
                        telegram_api_url=playground.tg.base_url, scheduler_interval=5.0, shutdown_timeout=3.0,
                        log_level="WARNING", throttle_rate=0)  # a local toy: no flood guard against scripts
    configure(settings, log_to_file=False)
    try:
        migrate(settings.database_url, backup=False)
        init_database(settings.database_url)
        if do_seed:
            for persona in SEED_PLAYERS:
                playground.add_player(persona)
            seeded = seed(settings.timezone)
            print(f"seeded: {seeded['trips']} trips (one full), {seeded['templates']} template", flush=True)
        threading.Thread(target=_say_when_ready, args=(playground, db, started), daemon=True).start()
        run(settings)
    except KeyboardInterrupt:
        pass
    finally:
        playground.tg.stop()
        if folder is not None:
            folder.cleanup()
    return 0


# ---------------------------------------------------------------------- scripting it (tests, benchmarks)
class PlaygroundClient:
    """The page's HTTP API from a script, blocking: what a player sees and does, by player id."""

    def __init__(self, url: str):
        self.url = url.rstrip("/")

    def _call(self, path: str, body: dict | None = None) -> Any:
        import urllib.request

        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(f"{self.url}{API}/{path}", data=data,
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=LONG_POLL + 5) as answer:
            return json.load(answer)

    def state(self, since: int = -1, wait: float = 0) -> dict[str, Any]:
        return self._call(f"state?since={since}&wait={wait}")

    def messages(self, user_id: int) -> list[dict[str, Any]]:
        """The bot's current messages in the player's chat, oldest first (as the page shows them)."""
        player = next(p for p in self.state()["players"] if p["id"] == user_id)
        return [m for m in player["messages"] if m["from_bot"]]

    def send(self, user_id: int, text: str) -> None:
        self._call("send", {"user": user_id, "text": text})

    def add_player(self, name: str, language: str = "en") -> int:
        return self._call("players", {"name": name, "language": language})["id"]

    def press(self, user_id: int, text: str) -> None:
        """Press the button whose text is `text` (else the only one containing it) on the newest message with
        buttons, as FakeUser.press does."""
        shown = [m for m in self.messages(user_id) if m["buttons"]]
        flat = [b for row in shown[-1]["buttons"] for b in row] if shown else []
        found = [b for b in flat if b["text"] == text] or [b for b in flat if text in b["text"]]
        if len(found) != 1:
            raise AssertionError(f"no single button {text!r} for player {user_id}: {[b['text'] for b in flat]}")
        self._call("press", {"user": user_id, "message_id": shown[-1]["id"], "data": found[0]["callback_data"]})

    def wait_message(self, user_id: int, needle: str, timeout: float = 20, screen_only: bool = True) -> dict:
        """The newest bot message (any message, without `screen_only`) whose text or buttons contain `needle`."""
        deadline, version = time.monotonic() + timeout, -1
        while True:
            state = self.state(version, wait=min(5.0, max(0.0, deadline - time.monotonic())))
            version = state["version"]
            player = next(p for p in state["players"] if p["id"] == user_id)
            shown = [m for m in player["messages"] if m["from_bot"]]
            for m in reversed(shown[-1:] if screen_only else shown):
                if needle in m["text"] + " ".join(b["text"] for row in m["buttons"] for b in row):
                    return m
            if time.monotonic() >= deadline:
                raise AssertionError(f"player {user_id} never saw {needle!r}; last: "
                                     f"{shown[-1]['text'] if shown else None!r}")


def start_process(command: list[str], *args: str, env: dict[str, str] | None = None,
                  timeout: float = 60) -> tuple[Any, str, float]:
    """Start `command playground --port 0 *args`; (the process, the page's URL, seconds until it said it)."""
    import os
    import re
    import selectors
    import subprocess

    started = time.monotonic()
    proc = subprocess.Popen([*command, "playground", "--port", "0", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, env=env or os.environ.copy(), text=True)
    out, deadline = [], started + timeout
    with selectors.DefaultSelector() as sel:
        sel.register(proc.stdout, selectors.EVENT_READ)
        while time.monotonic() < deadline:
            if not sel.select(deadline - time.monotonic()):
                break
            line = proc.stdout.readline()
            if not line:
                break
            out.append(line)
            if found := re.search(r"open (http://\S+/)", line):
                proc.output = out  # what it says from now on is kept here (a full pipe would block it)
                threading.Thread(target=lambda: out.extend(proc.stdout), daemon=True).start()
                return proc, found.group(1), time.monotonic() - started
    proc.kill()
    raise RuntimeError("the playground did not say its URL:\n" + "".join(out) + (proc.stdout.read() or ""))
