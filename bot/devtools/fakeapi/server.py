"""A strict fake Telegram Bot API server, for the end-to-end tests and the playground.

``FakeTelegram`` serves ``{base_url}/bot{token}/{method}`` from a background thread with its own
event loop, so synchronous tests can drive it while the real bot (a subprocess with
``TELEGRAM_API_URL=tg.base_url``, or an in-process aiogram ``Bot``) talks to it::

    with FakeTelegram(token="123456:ABC") as tg:
        ann = tg.user(1001, first_name="Ann")
        ann.send("/start")
        ann.wait_screen("Main menu")
        ann.press("Find a ride")
        assert not tg.rejected()

Group chats and inline mode, as Telegram runs them (privacy mode, rights, my_chat_member)::

    tg = FakeTelegram(token="123456:ABC", inline=True, inline_feedback=True)
    club = tg.group(-1001234, "Club", bot_status="administrator", can_pin_messages=True)
    ann.send_in_group(club, "/board@carpool_test_bot")  # privacy mode: only commands and replies reach the bot
    tg.pinned(club), tg.group_calls(club, since=t0)      # what the bot pinned, what it sent/edited/pinned there
    tg.set_bot_rights(club, status="member")             # demoted: the bot gets a my_chat_member update
    query_id = ann.inline_query("riverside")             # "@carpool_test_bot riverside" typed in a group
    card = ann.choose_inline_result(query_id, "trip_3", club)  # the card, "via @bot", in the group
    bob.press("🙋 Join", message=card)                   # a t.me/<bot>?start=trip_3 button: /start trip_3 in private

It checks every request against the Bot API specification (``spec.py``) and answers with
Telegram's real errors. To support another method, add a ``@_method("name")`` handler to
``FakeTelegram``: it gets the coerced parameters under the state lock and returns the result or
raises ``ApiError``.

All public methods are thread-safe; blocking waits (``wait_*``) must not run on the event loop the
bot uses: from async tests call them through ``asyncio.to_thread``.
"""

from __future__ import annotations

import asyncio
import collections
import itertools
import json
import math
import re
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from aiohttp import web

from . import spec as S
from .spec import ApiError, bad

BOT_FIRST_NAME, BOT_USERNAME = "Carpool Test Bot", "carpool_test_bot"
FORBIDDEN_BLOCKED = "Forbidden: bot was blocked by the user"
QUERY_TOO_OLD = "query is too old and response timeout expired or query ID is invalid"
# Errors aiogram-dialog provokes in normal use and handles (removing a keyboard that is already
# gone, re-rendering an unchanged window): real Telegram answers them the same way.
BENIGN_ERRORS = ("message is not modified",)
# Updates a bot receives when allowed_updates is empty or never given.
_OPT_IN_UPDATES = {"chat_member", "message_reaction", "message_reaction_count"}
# Methods that count against Telegram's flood limits when rate_limit() is on.
_FLOOD_PREFIXES = ("send", "edit", "copy", "forward")
# Methods that post, change or remove messages in a chat: what group_calls() counts.
_CHAT_CALL_PREFIXES = (*_FLOOD_PREFIXES, "pin", "unpin", "delete")
# Who acts for a group's admins when the test names none: Telegram's anonymous group admin.
ANONYMOUS_ADMIN = {"id": 1087968824, "is_bot": True, "first_name": "Group", "username": "GroupAnonymousBot"}
INLINE_ANSWER_TIMEOUT = 10.0  # seconds Telegram waits for answerInlineQuery
INLINE_CHAT_TYPES = ("sender", "private", "group", "supergroup", "channel")
INLINE_RESULT_TYPES = {"article", "photo", "gif", "mpeg4_gif", "video", "audio", "voice", "document",
                       "location", "venue", "contact", "game", "sticker"}
MAX_INLINE_RESULTS, MAX_INLINE_QUERY = 50, 256
_MEMBER_TYPES = {"creator": "ChatMemberOwner", "administrator": "ChatMemberAdministrator",
                 "member": "ChatMemberMember", "restricted": "ChatMemberRestricted",
                 "left": "ChatMemberLeft", "kicked": "ChatMemberBanned"}
_GONE = ("left", "kicked")
# A new group's permissions for its members (Telegram's defaults vary; pinning is the one that matters here).
DEFAULT_PERMISSIONS = {"can_send_messages": True, "can_pin_messages": False}

_HANDLERS: dict[str, Callable[..., Any]] = {}


def _method(name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def register(fn: Callable[..., Any]) -> Callable[..., Any]:
        _HANDLERS[name] = fn
        return fn
    return register


@dataclass
class RecordedRequest:
    """One API call. Unpacks as ``(method, params, status)``."""

    method: str
    params: dict[str, Any]
    status: int = 0  # HTTP status of the answer
    description: str | None = None  # error description for non-200 answers
    injected: bool = False  # answered by fail_next()
    at: float = field(default_factory=time.monotonic)

    def __iter__(self):
        return iter((self.method, self.params, self.status))


@dataclass(frozen=True)
class BotMessage:
    """A snapshot of a message in a chat as the user sees it."""

    message_id: int
    chat_id: int
    text: str  # visible text (HTML tags stripped, entities unescaped); a service message's as a client shows it
    raw_text: str  # text as the bot sent it
    parse_mode: str | None
    entities: tuple = ()
    reply_markup: dict | None = None  # inline keyboard (as sent), None if there is none
    from_bot: bool = True
    date: int = 0
    edits: int = 0
    edit_date: int = 0
    sender_id: int = 0  # who wrote a user's message (0: the bot, or the user of the private chat)
    via_bot: bool = False  # a user posted it from the bot's inline results ("via @bot")
    reply_to: int | None = None  # the message_id it replies to
    service: dict | None = None  # a service message: {"pinned_message": id}, {"new_chat_members": [ids]}, ...
    inline_message_id: str | None = None  # a via_bot message with buttons: how the bot edits it

    @property
    def buttons(self) -> list[list[str]]:
        return [[b["text"] for b in row] for row in (self.reply_markup or {}).get("inline_keyboard", [])]

    @property
    def callback_data(self) -> list[str]:
        return [b["callback_data"] for b in self._flat_buttons() if "callback_data" in b]

    @property
    def urls(self) -> list[str]:
        """The links of its URL buttons."""
        return [b["url"] for b in self._flat_buttons() if "url" in b]

    def _flat_buttons(self) -> list[dict]:
        return [b for row in (self.reply_markup or {}).get("inline_keyboard", []) for b in row]

    def find_button(self, text: str) -> dict:
        """The inline button whose text is ``text``, else the only one containing it."""
        flat = self._flat_buttons()
        found = [b for b in flat if b["text"] == text] or [b for b in flat if text in b["text"]]
        if len(found) != 1:
            raise AssertionError(f"{'no' if not found else 'ambiguous'} button {text!r} on message "
                                 f"{self.message_id}: buttons {self.buttons}")
        return found[0]


class _Chat:
    def __init__(self, obj: dict, permissions: dict | None = None):
        self.obj = obj  # Chat object
        self.ids = itertools.count(1)
        self.messages: dict[int, BotMessage] = {}  # current messages, user and bot ones
        self.reply_keyboard: dict | None = None
        self.pinned: list[int] = []  # pinned message ids, the most recent last
        self.permissions = {**DEFAULT_PERMISSIONS, **(permissions or {})}  # what a group's members may do
        self.bot_posted = False  # privacy mode: a plain /command reaches the bot once it has posted here

    @property
    def id(self) -> int:
        return self.obj["id"]

    @property
    def type(self) -> str:
        return self.obj["type"]


def _command_entities(text: str) -> tuple:
    """The bot_command entity of a text that starts with a command ("/board@bot args")."""
    if not text.startswith("/"):
        return ()
    return ({"type": "bot_command", "offset": 0, "length": S.utf16_len(text.split(maxsplit=1)[0])},)


def _bot_link(url: str) -> tuple[str, str | None] | None:
    """``(username, start parameter or None)`` of a t.me / telegram.me / tg://resolve link to a user."""
    parts = urllib.parse.urlsplit(url)
    query = urllib.parse.parse_qs(parts.query, keep_blank_values=True)
    if parts.scheme in ("http", "https") and parts.netloc.lower() in ("t.me", "www.t.me", "telegram.me"):
        name = parts.path.strip("/")
    elif parts.scheme == "tg" and parts.netloc == "resolve":
        name = query.get("domain", [""])[0]
    else:
        return None
    if not re.fullmatch(r"[A-Za-z]\w{3,31}", name):
        return None
    return name, query["start"][0] if "start" in query else None


class FakeTelegram:
    """The fake server. Start/stop with ``with`` or ``start()``/``stop()`` (from any thread).

    ``inline``: the bot has inline mode on (@BotFather's /setinline; getMe's supports_inline_queries);
    ``inline_feedback``: it gets chosen_inline_result updates (/setinlinefeedback); ``privacy``: privacy
    mode (on for a new bot: in groups only commands and replies reach it, unless it is an admin).
    """

    def __init__(self, token: str = "123456:ABC", host: str = "127.0.0.1", port: int = 0,
                 routes: Callable[[web.Application], None] | None = None, keep_requests: int | None = None,
                 *, inline: bool = False, inline_feedback: bool = False, privacy: bool = True):
        self.token, self.host, self.port = token, host, port
        self._keep = keep_requests  # None: every request stays in ``requests`` (tests); N: about the last N
        self._routes = routes  # more routes on the same aiohttp app (the playground's page)
        self.version = 0  # bumped on every change a chat shows (a message sent, edited, deleted)
        self._watchers: asyncio.Event | None = None
        self.bot_user = {
            "id": int(token.split(":")[0]), "is_bot": True, "first_name": BOT_FIRST_NAME,
            "username": BOT_USERNAME, "can_join_groups": True, "can_read_all_group_messages": not privacy,
            "supports_inline_queries": inline, "can_connect_to_business": False, "has_main_web_app": False,
        }
        self.privacy, self.inline_feedback = privacy, inline_feedback
        self.inline_answer_timeout: float | None = INLINE_ANSWER_TIMEOUT  # None: answers never get too old
        self._lock = threading.RLock()
        self._cond = threading.Condition(self._lock)
        self._requests: list[RecordedRequest] = []
        self._arrived: collections.Counter[str] = collections.Counter()  # calls received, answered or not
        self._polls_started = 0  # getUpdates calls received (answered or still waiting)
        self._updates: collections.deque[dict] = collections.deque()
        self._update_ids = itertools.count(1)
        self._cb_ids = itertools.count(1)
        self._chats: dict[int, _Chat] = {}
        self._users: dict[int, FakeUser] = {}
        self._other_users: dict[int, dict] = {ANONYMOUS_ADMIN["id"]: ANONYMOUS_ADMIN}  # users who are no FakeUser
        self._blocked: set[int] = set()
        self._members: dict[tuple[int, int], str] = {}
        self._rights: dict[tuple[int, int], dict[str, Any]] = {}  # (chat, user) -> an admin's or restricted member's
        self._callbacks: dict[str, dict | None] = {}  # id -> answer (None until answered)
        self._inline: dict[str, dict] = {}  # inline query id -> {"user", "query", "chat_type", "at", "answer"}
        self._inline_ids = itertools.count(1)
        self._inline_messages: dict[str, tuple[_Chat, int]] = {}  # inline_message_id -> where the message is
        self._dm_chats: dict[frozenset[int], _Chat] = {}  # chats between two users, where inline results go
        self._commands: dict[str, list] = {}
        self._webhook: dict[str, Any] = {"url": ""}
        self._allowed_updates: list[str] = []
        self._faults: dict[str, list[ApiError]] = collections.defaultdict(list)
        self._delays: dict[str, float] = {}
        self._limits: tuple[float, float, float] | None = None
        self._sent_at: collections.deque[tuple[float, int]] = collections.deque()
        self._poll_generation = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wakeup: asyncio.Event | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None
        self._stopping = False
        self.spec = S.SPEC  # replaced by require_spec() in start(); groups and inline checks read it before

    # ------------------------------------------------------------------ lifecycle
    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> FakeTelegram:
        """Serve in a background thread. After stop(), start() again reuses the port and all state
        (an outage the bot must survive)."""
        if self._thread:
            return self
        self.spec = S.require_spec()
        self._stopping = False
        ready, errors = threading.Event(), []

        def run() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            try:
                loop.run_until_complete(self._serve())
            except BaseException as exc:  # noqa: BLE001 - reported to start()
                errors.append(exc)
                ready.set()
                return
            ready.set()
            loop.run_forever()
            loop.run_until_complete(self._runner.cleanup())
            loop.close()

        self._thread = threading.Thread(target=run, name="FakeTelegram", daemon=True)
        self._thread.start()
        ready.wait()
        if errors:
            raise errors[0]
        return self

    async def _serve(self) -> None:
        self._wakeup = asyncio.Event()
        app = web.Application(client_max_size=50 * 2**20)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_route("*", "/file/bot{token}/{path:.*}", self._handle_file)
        if self._routes is not None:
            self._routes(app)
        self._runner = web.AppRunner(app, handler_cancellation=True, access_log=None, shutdown_timeout=1)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        self.port = self._runner.addresses[0][1]

    def stop(self) -> None:
        if not self._thread:
            return
        self._stopping = True
        self._notify()
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._thread = None

    def __enter__(self) -> FakeTelegram:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _notify(self) -> None:
        """Wake test threads waiting on the condition and long polls waiting on the loop."""
        with self._cond:
            self._cond.notify_all()
        if self._loop and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._wake_pollers)

    def _wake_pollers(self) -> None:
        self._wakeup.set()
        self._wakeup = asyncio.Event()

    def _changed(self) -> None:
        """A chat changed: wake waiting threads and ``wait_changed`` callers (under the lock)."""
        self.version += 1
        self._cond.notify_all()
        if self._loop and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._wake_watchers)

    def _wake_watchers(self) -> None:
        if self._watchers is not None:
            self._watchers.set()
            self._watchers = None

    async def wait_changed(self, since: int, timeout: float) -> int:
        """On the fake's own loop (a route added with ``routes``): the version once it is past
        ``since``, or after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while self.version <= since and (remaining := deadline - time.monotonic()) > 0:
            if self._watchers is None:
                self._watchers = asyncio.Event()
            try:
                await asyncio.wait_for(self._watchers.wait(), remaining)
            except asyncio.TimeoutError:
                pass
        return self.version

    # ------------------------------------------------------------------ HTTP
    async def _handle_file(self, request: web.Request) -> web.Response:
        code = 401 if request.match_info["token"] != self.token else 404
        return web.json_response({"ok": False, "error_code": code,
                                  "description": "Unauthorized" if code == 401 else "Not Found"}, status=code)

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response({"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401)
        name = self.spec.canonical(request.match_info["method"])
        raw = await self._read_params(request)
        record = RecordedRequest(name or request.match_info["method"], raw)
        with self._cond:
            self._arrived[record.method] += 1
            self._cond.notify_all()
        try:
            if name is None:
                raise ApiError(404, "Not Found: method not found")
            if delay := self._delays.get(name):
                await asyncio.sleep(delay)
            with self._lock:
                if self._faults.get(name):
                    record.injected = True
                    raise self._faults[name].pop(0)
                record.params = params = self.spec.coerce_params(name, raw)
            if name == "getUpdates":
                result = await self._get_updates(params)
            else:
                handler = _HANDLERS.get(name)
                if handler is None:
                    raise bad("method not supported by fake")
                with self._lock:
                    self._check_flood(name, params)
                    result = handler(self, params)
            body, record.status = {"ok": True, "result": result}, 200
        except ApiError as err:
            body, record.status, record.description = err.payload(), err.code, err.description
        except Exception as exc:  # a bug in the fake: answer 500 and keep it visible in the record
            err = ApiError(500, f"Internal Server Error: fake failed: {exc!r}")
            body, record.status, record.description = err.payload(), err.code, err.description
        with self._cond:
            self._requests.append(record)
            if self._keep is not None and len(self._requests) > 2 * self._keep:
                del self._requests[:-self._keep]  # a long-running playground: indices into it are not kept
            self._cond.notify_all()
        return web.json_response(body, status=record.status)

    @staticmethod
    async def _read_params(request: web.Request) -> dict[str, Any]:
        params: dict[str, Any] = dict(request.query)
        if request.content_type == "application/json":
            params.update(await request.json())
        elif request.can_read_body:
            params.update((k, v) for k, v in (await request.post()).items())
        return params

    def _check_flood(self, method: str, params: dict) -> None:
        """Telegram's flood limits (sliding windows), when enabled by rate_limit(). Sends and edits
        count alike, in a group too (its 20 a minute)."""
        if not self._limits or not method.startswith(_FLOOD_PREFIXES):
            return
        now, chat = time.monotonic(), self._chat_id(params.get("chat_id"))
        while self._sent_at and self._sent_at[0][0] < now - 60:
            self._sent_at.popleft()
        per_sec, per_chat, per_group_min = self._limits
        windows = [(per_sec, 1, [t for t, _ in self._sent_at if t > now - 1]),
                   (per_chat, 1, [t for t, c in self._sent_at if c == chat and t > now - 1])]
        if isinstance(chat, int) and chat < 0:
            windows.append((per_group_min, 60, [t for t, c in self._sent_at if c == chat]))
        for limit, span, times in windows:
            if limit and len(times) >= limit:  # wait until the oldest counted send leaves the window
                wait = max(1, math.ceil(times[-int(limit)] + span - now))
                raise ApiError(429, f"Too Many Requests: retry after {wait}", wait)
        self._sent_at.append((now, chat))

    # ------------------------------------------------------------------ updates
    def _enqueue(self, kind: str, payload: dict) -> int:
        with self._lock:
            update_id = next(self._update_ids)
            self._updates.append({"update_id": update_id, kind: payload})
        self._notify()
        return update_id

    async def _get_updates(self, params: dict) -> list[dict]:
        if self._webhook["url"]:
            raise ApiError(409, "Conflict: can't use getUpdates method while webhook is active; "
                                "use deleteWebhook to delete the webhook first")
        with self._cond:
            self._polls_started += 1
            self._cond.notify_all()
        limit = params.get("limit", 100)
        if not 1 <= limit <= 100:
            limit = 100
        deadline = time.monotonic() + max(0, params.get("timeout", 0))
        with self._lock:
            self._poll_generation += 1
            generation = self._poll_generation
            if "allowed_updates" in params:
                self._allowed_updates = list(params["allowed_updates"])
            offset = params.get("offset", 0)
            if offset < 0:
                while len(self._updates) > -offset:
                    self._updates.popleft()
            while self._updates and self._updates[0]["update_id"] < offset:
                self._updates.popleft()
        self._wake_pollers()  # an older poll must now end with 409
        while True:
            wakeup = self._wakeup
            with self._lock:
                if generation != self._poll_generation:
                    raise ApiError(409, "Conflict: terminated by other getUpdates request; "
                                        "make sure that only one bot instance is running")
                allowed = set(self._allowed_updates)
                for update in list(self._updates):  # updates of unwanted types are dropped
                    kind = next(k for k in update if k != "update_id")
                    if (kind not in allowed) if allowed else (kind in _OPT_IN_UPDATES):
                        self._updates.remove(update)
                result = list(itertools.islice(self._updates, limit))
            remaining = deadline - time.monotonic()
            if result or remaining <= 0 or self._stopping:
                return result
            try:
                await asyncio.wait_for(wakeup.wait(), remaining)
            except asyncio.TimeoutError:
                pass

    # ------------------------------------------------------------------ chats, members, rights
    def _chat(self, chat_id: Any) -> _Chat | None:
        """The chat a chat_id names: an id, or a group's public "@username"."""
        if isinstance(chat_id, str) and chat_id.startswith("@"):
            name = chat_id[1:].lower()
            return next((c for c in self._chats.values()
                         if c.type != "private" and c.obj.get("username", "").lower() == name), None)
        return self._chats.get(chat_id) if isinstance(chat_id, int) else None

    def _chat_id(self, chat_id: Any) -> Any:
        chat = self._chat(chat_id)
        return chat.id if chat else chat_id

    def _chat_for(self, chat_id: Any, send: bool = False) -> _Chat:
        """The chat the bot acts in, or Telegram's refusal (blocked, never started, not a member)."""
        if isinstance(chat_id, int) and chat_id in self._blocked:
            raise ApiError(403, FORBIDDEN_BLOCKED)
        chat = self._chat(chat_id)
        if chat is None:
            if isinstance(chat_id, int) and chat_id > 0:
                raise ApiError(403, "Forbidden: bot can't initiate conversation with a user")
            raise bad("chat not found")
        if chat.type != "private":
            self._check_bot_present(chat)
            if send and not self._bot_can(chat, "can_send_messages"):
                raise bad("not enough rights to send text messages to the chat")
        return chat

    def _check_bot_present(self, chat: _Chat) -> None:
        status = self._bot_status(chat)
        if status == "kicked":
            raise ApiError(403, f"Forbidden: bot was kicked from the {chat.type} chat")
        if not self._present(chat.id, self.bot_user["id"]):
            raise ApiError(403, f"Forbidden: bot is not a member of the {chat.type} chat")

    def _bot_status(self, chat: _Chat) -> str:
        return self._members.get((chat.id, self.bot_user["id"]), "member")

    def _present(self, chat_id: int, user_id: int) -> bool:
        status = self._members.get((chat_id, user_id), "member")
        return status not in _GONE and (status != "restricted"
                                        or self._rights.get((chat_id, user_id), {}).get("is_member", True))

    def _bot_can(self, chat: _Chat, right: str) -> bool:
        """May the bot do ``right`` (can_pin_messages, can_delete_messages, can_send_messages) there?"""
        status = self._bot_status(chat)
        if chat.type == "private" or status == "creator":
            return True
        rights = self._rights.get((chat.id, self.bot_user["id"]), {})
        if status == "administrator":
            return right == "can_send_messages" or bool(rights.get(right))
        if chat.type == "group" and right == "can_pin_messages":
            return False  # in a basic group only an appointed admin bot pins
        return bool(rights.get(right, chat.permissions.get(right, False)))  # a member: the group's permissions

    def _allowed_rights(self, status: str) -> set[str]:
        if status == "administrator":
            return set(self.spec.field_names("ChatMemberAdministrator")) - {"status", "user"} | set(
                S.NEWER_REQUIRED["ChatMemberAdministrator"])
        if status == "restricted":
            return set(self.spec.field_names("ChatMemberRestricted")) - {"status", "user"}
        return {"is_anonymous"} if status == "creator" else set()

    def _set_member(self, chat_id: int, user_id: int, status: str, rights: dict[str, Any]) -> None:
        if status not in _MEMBER_TYPES:
            raise ValueError(f"status {status!r}: one of {', '.join(_MEMBER_TYPES)}")
        unknown = set(rights) - self._allowed_rights(status)
        if unknown:
            raise ValueError(f"{sorted(unknown)}: no right of a chat member whose status is {status!r} "
                             f"(allowed: {sorted(self._allowed_rights(status)) or 'none'})")
        self._members[(chat_id, user_id)] = status
        self._rights[(chat_id, user_id)] = dict(rights)

    def _member_obj(self, chat_id: Any, user_id: int, status: str | None = None) -> dict:
        """The ChatMember of ``user_id`` in a chat (``status`` overrides the stored one, without rights)."""
        rights = {} if status else self._rights.get((chat_id, user_id), {})
        status = status or self._members.get((chat_id, user_id), "member")
        given: dict[str, Any] = {"status": status, "user": self._user_obj(user_id)}
        if status == "administrator":  # Telegram lists can_pin_messages for every group admin
            given.update(can_manage_chat=True, can_pin_messages=False)
        elif status == "restricted":
            given.update({n: True for n in self._allowed_rights("restricted") if n.startswith("can_")},
                         is_member=True)
        return self.spec.filled(_MEMBER_TYPES[status], **{**given, **rights})

    def _user_obj(self, user_id: int) -> dict:
        if user_id == self.bot_user["id"]:
            return self.bot_user
        if user_id in self._users:
            return self._users[user_id].user_obj
        return self._other_users.get(user_id) or {"id": user_id, "is_bot": False, "first_name": f"User {user_id}"}

    def _admin_actor(self, chat: _Chat, by: FakeUser | int | None) -> dict:
        """Who changes the bot's membership: ``by``, else the group's first human admin, else the anonymous one."""
        if by is not None:
            return self._user_obj(by.id if isinstance(by, FakeUser) else by)
        admins = [uid for (cid, uid), status in self._members.items() if cid == chat.id
                  and status in ("creator", "administrator") and not self._user_obj(uid)["is_bot"]]
        return self._user_obj(admins[0]) if admins else ANONYMOUS_ADMIN

    def _delivered(self, chat: _Chat, msg: BotMessage) -> bool:
        """Does a user's message reach the bot? All of a private chat; in a group, with privacy mode on
        and the bot not an admin, only commands meant for it, replies to its messages, messages via it."""
        if chat.type == "private":
            return self._chats.get(chat.id) is chat  # not a chat between two users
        if not self._present(chat.id, self.bot_user["id"]):
            return False
        if msg.service or msg.via_bot or not self.privacy or self._bot_status(chat) in ("creator", "administrator"):
            return True
        replied = chat.messages.get(msg.reply_to) if msg.reply_to is not None else None
        if replied is not None and replied.from_bot:
            return True
        if not msg.entities or msg.entities[0].get("type") != "bot_command":
            return False
        _, _, addressee = msg.text.split(maxsplit=1)[0].partition("@")
        return addressee.lower() == self.bot_user["username"].lower() if addressee else chat.bot_posted

    # ------------------------------------------------------------------ messages
    def _message_obj(self, msg: BotMessage, chat: _Chat | None = None, reply: bool = True) -> dict:
        chat = chat or self._chats[msg.chat_id]
        sender = self.bot_user if msg.from_bot else self._user_obj(msg.sender_id or msg.chat_id)
        obj = {"message_id": msg.message_id, "from": sender, "chat": chat.obj, "date": msg.date}
        if msg.service:
            obj.update(self._service_fields(chat, msg.service))
        else:
            obj["text"] = msg.text
        if msg.entities:
            obj["entities"] = list(msg.entities)
        if msg.via_bot:
            obj["via_bot"] = self.bot_user
        replied = chat.messages.get(msg.reply_to) if reply and msg.reply_to is not None else None
        if replied is not None:  # Telegram nests one level only
            obj["reply_to_message"] = self._message_obj(replied, chat, reply=False)
        if msg.reply_markup:
            obj["reply_markup"] = msg.reply_markup
        if msg.edit_date:
            obj["edit_date"] = msg.edit_date
        return obj

    def _service_fields(self, chat: _Chat, service: dict) -> dict:
        fields: dict[str, Any] = {}
        for key, value in service.items():
            if key == "pinned_message":
                pinned = chat.messages.get(value)
                fields[key] = (self._message_obj(pinned, chat, reply=False) if pinned
                               else {"chat": chat.obj, "message_id": value, "date": 0})  # InaccessibleMessage
            elif key == "new_chat_members":
                fields[key] = [self._user_obj(uid) for uid in value]
            elif key == "left_chat_member":
                fields[key] = self._user_obj(value)
        return fields

    def _editable(self, params: dict, what: str = "edit") -> tuple[_Chat, BotMessage]:
        if "inline_message_id" in params:
            chat, message_id = self._inline_messages.get(params["inline_message_id"], (None, None))
            if chat is None or message_id not in chat.messages:
                raise bad("MESSAGE_ID_INVALID")
            return chat, chat.messages[message_id]
        if "chat_id" not in params or "message_id" not in params:
            raise bad("message identifier is not specified")
        chat = self._chat_for(params["chat_id"])
        msg = chat.messages.get(params["message_id"])
        if msg is None:
            raise bad(f"message to {what} not found")
        if what == "edit" and (not msg.from_bot or msg.service):
            raise bad("message can't be edited")
        return chat, msg

    def _store(self, chat: _Chat, msg: BotMessage) -> dict:
        chat.messages[msg.message_id] = msg
        self._changed()
        return self._message_obj(msg, chat)

    def _remove(self, chat: _Chat, message_id: int) -> None:
        del chat.messages[message_id]
        if message_id in chat.pinned:
            chat.pinned.remove(message_id)
        self._changed()

    def _edit(self, params: dict, text: str | None, parse_mode: str | None, entities: Any) -> dict | bool:
        chat, old = self._editable(params)
        markup = params.get("reply_markup")
        if markup is not None:
            S.check_reply_markup(markup, inline_only=True)
        markup = markup if markup and markup["inline_keyboard"] else None
        plain, ents = (old.text, list(old.entities)) if text is None else S.render_text(text, parse_mode, entities)
        if plain == old.text and ents == list(old.entities) and markup == old.reply_markup:
            raise bad("message is not modified: specified new message content and reply markup are "
                      "exactly the same as a current content and reply markup of the message")
        new = replace(old, text=plain, raw_text=old.raw_text if text is None else text,
                      parse_mode=old.parse_mode if text is None else parse_mode, entities=tuple(ents),
                      reply_markup=markup, edits=old.edits + 1, edit_date=int(time.time()))
        result = self._store(chat, new)
        return True if "inline_message_id" in params else result  # an inline message: True, as Telegram

    def _check_pin_rights(self, chat: _Chat) -> None:
        if not self._bot_can(chat, "can_pin_messages"):
            raise bad("not enough rights to manage pinned messages in the chat")

    def _scope(self, scope: Any) -> dict:
        """A BotCommandScope checked against the spec, chat ids resolved (the key commands are kept by)."""
        if scope is None:
            return {"type": "default"}
        kinds = {re.sub(r"(?<!^)([A-Z])", r"_\1", n.removeprefix("BotCommandScope")).lower(): n
                 for n in self.spec.subtypes["BotCommandScope"]}
        if not isinstance(scope, dict) or scope.get("type") not in kinds:
            raise bad("can't parse BotCommandScope JSON object")
        self.spec.check_object(kinds[scope["type"]], scope, "BotCommandScope")
        normal = {k: scope[k] for k in ("type", "chat_id", "user_id") if k in scope}
        if "chat_id" in normal:
            chat = self._chat(normal["chat_id"])
            if chat is None:
                raise bad("chat not found")
            normal["chat_id"] = chat.id
        return normal

    def _commands_key(self, p: dict) -> str:
        return json.dumps([self._scope(p.get("scope")), S.check_language_code(p.get("language_code"))],
                          sort_keys=True)

    def _check_inline_result(self, result: Any) -> None:
        if not isinstance(result, dict) or result.get("type") not in INLINE_RESULT_TYPES:
            raise bad("RESULT_TYPE_INVALID")
        if result["type"] != "article":
            raise bad(f"method not supported by fake: inline query results of type {result['type']}")
        self.spec.check_object("InlineQueryResultArticle", result, "inline query result")
        if not 1 <= len(result["id"].encode()) <= 64:
            raise bad("RESULT_ID_INVALID")
        content = result["input_message_content"]
        if "message_text" not in content:
            raise bad("method not supported by fake: input_message_content other than InputTextMessageContent")
        self.spec.check_object("InputTextMessageContent", content, "InputTextMessageContent")
        S.render_text(content["message_text"], content.get("parse_mode"), content.get("entities"))
        if "reply_markup" in result:
            S.check_reply_markup(result["reply_markup"], inline_only=True)

    # ------------------------------------------------------------------ Bot API methods
    @_method("getMe")
    def _get_me(self, p: dict) -> dict:
        return self.bot_user

    @_method("logOut")
    @_method("close")
    def _true(self, p: dict) -> bool:
        return True

    @_method("setWebhook")
    def _set_webhook(self, p: dict) -> bool:
        self._webhook = {"url": p["url"], **{k: p[k] for k in ("allowed_updates", "max_connections") if k in p}}
        if p.get("drop_pending_updates"):
            self._updates.clear()
        return True

    @_method("deleteWebhook")
    def _delete_webhook(self, p: dict) -> bool:
        self._webhook = {"url": ""}
        if p.get("drop_pending_updates"):
            self._updates.clear()
        return True

    @_method("getWebhookInfo")
    def _get_webhook_info(self, p: dict) -> dict:
        return {**self._webhook, "has_custom_certificate": False, "pending_update_count": len(self._updates)}

    @_method("setMyCommands")
    def _set_my_commands(self, p: dict) -> bool:
        S.check_commands(p["commands"])
        key = self._commands_key(p)
        if p["commands"]:
            self._commands[key] = p["commands"]
        else:  # an empty list is no list: the next scope's commands show
            self._commands.pop(key, None)
        return True

    @_method("getMyCommands")
    def _get_my_commands(self, p: dict) -> list:
        return self._commands.get(self._commands_key(p), [])

    @_method("deleteMyCommands")
    def _delete_my_commands(self, p: dict) -> bool:
        self._commands.pop(self._commands_key(p), None)
        return True

    @_method("getChat")
    def _get_chat(self, p: dict) -> dict:
        chat = self._chat(p["chat_id"])
        if chat is None:
            raise bad("chat not found")
        extra: dict[str, Any] = {}
        if chat.type != "private":
            self._check_bot_present(chat)
            extra["permissions"] = chat.permissions
        if chat.pinned:
            extra["pinned_message"] = self._message_obj(chat.messages[chat.pinned[-1]], chat, reply=False)
        return self.spec.filled("ChatFullInfo", **chat.obj, max_reaction_count=11, **extra)

    @_method("getChatMember")
    def _get_chat_member(self, p: dict) -> dict:
        chat = self._chat(p["chat_id"])
        if chat is None:
            raise bad("chat not found")
        if chat.type != "private":
            self._check_bot_present(chat)
        return self._member_obj(chat.id, p["user_id"])

    @_method("getChatAdministrators")
    def _get_chat_administrators(self, p: dict) -> list:
        chat = self._chat(p["chat_id"])
        if chat is None:
            raise bad("chat not found")
        if chat.type == "private":
            raise bad("there are no administrators in the private chat")
        self._check_bot_present(chat)
        admins = [uid for (cid, uid), status in self._members.items()
                  if cid == chat.id and status in ("creator", "administrator")
                  and (p.get("return_bots") or uid == self.bot_user["id"] or not self._user_obj(uid)["is_bot"])]
        admins.sort(key=lambda uid: self._members[(chat.id, uid)] != "creator")  # the owner first
        return [self._member_obj(chat.id, uid) for uid in admins]

    @_method("sendMessage")
    def _send_message(self, p: dict) -> dict:
        chat = self._chat_for(p["chat_id"], send=True)
        plain, ents = S.render_text(p["text"], p.get("parse_mode"), p.get("entities"))
        markup = p.get("reply_markup")
        if markup is not None:
            S.check_reply_markup(markup)
            if "inline_keyboard" not in markup:
                chat.reply_keyboard = markup if "keyboard" in markup else None
        reply_to = (p.get("reply_parameters") or {}).get("message_id", p.get("reply_to_message_id"))
        if reply_to is not None and reply_to not in chat.messages and not (
                (p.get("reply_parameters") or {}).get("allow_sending_without_reply")
                or p.get("allow_sending_without_reply")):
            raise bad("message to be replied not found")
        inline = markup if markup and markup.get("inline_keyboard") else None
        msg = BotMessage(next(chat.ids), chat.id, plain, p["text"], p.get("parse_mode"), tuple(ents), inline,
                         date=int(time.time()), reply_to=reply_to if reply_to in chat.messages else None)
        chat.bot_posted = True
        return self._store(chat, msg)

    @_method("editMessageText")
    def _edit_message_text(self, p: dict) -> dict | bool:
        if "text" not in p:
            raise bad("message text is empty")
        return self._edit(p, p["text"], p.get("parse_mode"), p.get("entities"))

    @_method("editMessageReplyMarkup")
    def _edit_message_reply_markup(self, p: dict) -> dict | bool:
        return self._edit(p, None, None, None)

    @_method("deleteMessage")
    def _delete_message(self, p: dict) -> bool:
        chat, msg = self._editable(p, "delete")
        if chat.type != "private" and not msg.from_bot and not self._bot_can(chat, "can_delete_messages"):
            raise bad("message can't be deleted")
        self._remove(chat, msg.message_id)
        return True

    @_method("pinChatMessage")
    def _pin_chat_message(self, p: dict) -> bool:
        chat = self._chat_for(p["chat_id"])
        self._check_pin_rights(chat)
        msg = chat.messages.get(p["message_id"])
        if msg is None:
            raise bad("message to pin not found")
        if chat.pinned[-1:] == [msg.message_id]:
            return True  # already the pinned one: no new service message
        if msg.message_id in chat.pinned:
            chat.pinned.remove(msg.message_id)
        chat.pinned.append(msg.message_id)
        snippet = msg.text if len(msg.text) <= 30 else msg.text[:29] + "…"
        service = BotMessage(next(chat.ids), chat.id, f"{self.bot_user['first_name']} pinned “{snippet}”", "", None,
                             date=int(time.time()), service={"pinned_message": msg.message_id})
        self._store(chat, service)
        return True

    @_method("unpinChatMessage")
    def _unpin_chat_message(self, p: dict) -> bool:
        chat = self._chat_for(p["chat_id"])
        self._check_pin_rights(chat)
        message_id = p.get("message_id", chat.pinned[-1] if chat.pinned else None)
        if "message_id" in p and message_id not in chat.messages:
            raise bad("message to unpin not found")
        if message_id in chat.pinned:
            chat.pinned.remove(message_id)
            self._changed()
        return True

    @_method("unpinAllChatMessages")
    def _unpin_all_chat_messages(self, p: dict) -> bool:
        chat = self._chat_for(p["chat_id"])
        self._check_pin_rights(chat)
        chat.pinned.clear()
        self._changed()
        return True

    @_method("answerCallbackQuery")
    def _answer_callback_query(self, p: dict) -> bool:
        cb_id = p["callback_query_id"]
        if cb_id not in self._callbacks or self._callbacks[cb_id] is not None:
            raise bad(QUERY_TOO_OLD)
        if len(p.get("text", "")) > S.MAX_CALLBACK_ANSWER:
            raise bad("MESSAGE_TOO_LONG")
        self._callbacks[cb_id] = {k: p[k] for k in ("text", "show_alert", "url", "cache_time") if k in p}
        return True

    @_method("answerInlineQuery")
    def _answer_inline_query(self, p: dict) -> bool:
        query = self._inline.get(p["inline_query_id"])
        timeout = self.inline_answer_timeout
        if query is None or query["answer"] is not None or (
                timeout is not None and time.monotonic() - query["at"] > timeout):
            raise bad(QUERY_TOO_OLD)
        results = p["results"]
        if not isinstance(results, list):
            raise bad("can't parse results JSON object")
        if len(results) > MAX_INLINE_RESULTS:
            raise bad("RESULTS_TOO_MUCH")
        seen: set[str] = set()
        for result in results:
            self._check_inline_result(result)
            if result["id"] in seen:
                raise bad("RESULT_ID_DUPLICATE")
            seen.add(result["id"])
        if len(p.get("next_offset", "").encode()) > 64:
            raise bad("NEXT_OFFSET_INVALID")
        button = p.get("button")
        if button is None and "switch_pm_text" in p:  # the legacy pair
            button = {"text": p["switch_pm_text"], "start_parameter": p.get("switch_pm_parameter", "")}
        if button is not None:
            self.spec.check_object("InlineQueryResultsButton", button, "InlineQueryResultsButton")
            if "web_app" not in button and not S.START_PARAMETER.fullmatch(button.get("start_parameter", "")):
                raise bad("START_PARAM_INVALID")
        query["answer"] = {"results": results, **{k: p[k] for k in ("cache_time", "is_personal", "next_offset")
                                                    if k in p}, **({"button": button} if button else {})}
        return True

    # ------------------------------------------------------------------ test-side API
    def user(self, user_id: int, first_name: str = "Ann", username: str | None = "ann",
             last_name: str | None = None, language_code: str | None = "en", started: bool = True) -> FakeUser:
        """A user (private chat id == user id) who has started the bot, or (``started=False``) who has
        not yet: the bot then cannot write to them until they open it (send, open_url). Same id → same object.
        ``language_code=None``: their updates carry none (Telegram omits it when the app does not tell)."""
        with self._lock:
            if user_id not in self._users:
                self._users[user_id] = FakeUser(self, user_id, first_name, username, last_name, language_code,
                                                started=started)
                self._changed()
            return self._users[user_id]

    @property
    def users(self) -> list[FakeUser]:
        with self._lock:
            return list(self._users.values())

    def chat_history(self, chat_id: int) -> list[BotMessage]:
        """Every current message of a chat, the users', the bot's and service messages, oldest first."""
        with self._lock:
            chat = self._chats.get(chat_id)
            return sorted(chat.messages.values(), key=lambda m: m.message_id) if chat else []

    def group(self, chat_id: int, title: str = "Carpool Club", username: str | None = None, *,
              chat_type: str = "supergroup", bot_status: str | None = None, permissions: dict | None = None,
              **bot_rights: Any) -> int:
        """Register a group the bot is in (quietly, as if added before the test): ``bot_status`` is
        member (the default), administrator (with ``bot_rights`` such as ``can_pin_messages=True``;
        can_manage_chat is on, every other right off unless given), restricted, left or kicked.
        ``permissions``: what its plain members may do (ChatPermissions; default: send, not pin).
        Called again for a registered group, it changes only what is given."""
        assert chat_id < 0, "group chat ids are negative"
        assert chat_type in ("group", "supergroup"), "a group is a group or a supergroup"
        bot_id = self.bot_user["id"]
        with self._lock:
            if chat_id not in self._chats:
                obj = {"id": chat_id, "type": chat_type, "title": title, **({"username": username} if username else {})}
                self._chats[chat_id] = _Chat(obj, permissions)
                bot_status = bot_status or "member"
            elif permissions:
                self._chats[chat_id].permissions.update(permissions)
            if bot_status or bot_rights:
                status = bot_status or self._members.get((chat_id, bot_id), "member")
                self._set_member(chat_id, bot_id, status, bot_rights)
        return chat_id

    def set_bot_rights(self, chat_id: int, status: str | None = None, *, by: FakeUser | int | None = None,
                       **rights: Any) -> int | None:
        """An admin adds, removes ("left", "kicked"), promotes or demotes the bot, or changes its rights
        (``status`` None keeps it and changes only the rights given). The bot gets a my_chat_member
        update (old and new ChatMember; ``from``: ``by``, else the group's first admin, else the
        anonymous admin) and, when added, the service message. Returns the update id (None: no change)."""
        bot_id = self.bot_user["id"]
        with self._lock:
            chat = self._chats.get(chat_id)
            assert chat is not None and chat.type != "private", f"{chat_id}: register the group with group() first"
            was_present, old = self._present(chat_id, bot_id), self._member_obj(chat_id, bot_id)
            if status is None:
                status, rights = self._bot_status(chat), {**self._rights.get((chat_id, bot_id), {}), **rights}
            self._set_member(chat_id, bot_id, status, rights)
            new = self._member_obj(chat_id, bot_id)
            if new == old:
                return None
            actor, now = self._admin_actor(chat, by), int(time.time())
            payload = {"chat": chat.obj, "from": actor, "date": now, "old_chat_member": old, "new_chat_member": new}
            joined, service = not was_present and self._present(chat_id, bot_id), None
            if joined or (was_present and not self._present(chat_id, bot_id)):  # the group sees a service message
                verb, fields = ("added", {"new_chat_members": [bot_id]}) if joined else (
                    "removed", {"left_chat_member": bot_id})
                message = BotMessage(next(chat.ids), chat_id, f"{actor['first_name']} {verb} {BOT_FIRST_NAME}", "",
                                     None, from_bot=False, date=now, sender_id=actor["id"], service=fields)
                service = self._store(chat, message)
        update_id = self._enqueue("my_chat_member", payload)
        if joined:  # a bot removed does not see its own departure
            self._enqueue("message", service)
        return update_id

    def bot_member(self, chat_id: int) -> dict:
        """The bot's ChatMember in a chat, as getChatMember answers it."""
        with self._lock:
            return self._member_obj(chat_id, self.bot_user["id"])

    def set_member_status(self, chat_id: int, user_id: int, status: str, **rights: Any) -> None:
        """getChatMember answer: creator/administrator/member/restricted/left/kicked (default member),
        with an admin's or a restricted member's ``rights`` (ValueError for a right that status has not).
        Quiet: no update (for the bot's own, with an update, see set_bot_rights)."""
        with self._lock:
            self._set_member(chat_id, user_id, status, rights)

    def chat_messages(self, chat_id: int) -> list[BotMessage]:
        """Current messages the bot sent to a chat (oldest first), without service messages."""
        with self._lock:
            chat = self._chats.get(chat_id)
            return sorted((m for m in chat.messages.values() if m.from_bot and not m.service),
                          key=lambda m: m.message_id) if chat else []

    def pinned(self, chat_id: int) -> int | None:
        """The id of the chat's pinned message (the most recently pinned one), None if none is."""
        with self._lock:
            chat = self._chats.get(chat_id)
            return chat.pinned[-1] if chat and chat.pinned else None

    def pinned_messages(self, chat_id: int) -> list[int]:
        """Every pinned message id of the chat, the most recent last."""
        with self._lock:
            chat = self._chats.get(chat_id)
            return list(chat.pinned) if chat else []

    def delete_by_admin(self, chat_id: int, message_id: int) -> None:
        """A group admin (or the user, in a private chat) deletes a message: edits of it then fail."""
        with self._lock:
            chat = self._chats.get(chat_id)
            if chat is None or message_id not in chat.messages:
                raise AssertionError(f"no message {message_id} in chat {chat_id}")
            self._remove(chat, message_id)

    def group_calls(self, chat_id: int, since: float | None = None) -> list[RecordedRequest]:
        """The answered calls that post, edit, pin, unpin or delete messages in a chat (send*, edit*,
        pin*, unpin*, delete*, whatever their answer: a 429 is a call too), made at or after ``since``
        (a ``time.monotonic()`` reading)."""
        with self._lock:
            return [r for r in self._requests if r.method.startswith(_CHAT_CALL_PREFIXES)
                    and (since is None or r.at >= since) and self._chat_id(r.params.get("chat_id")) == chat_id]

    def set_inline(self, enabled: bool = True, feedback: bool | None = None) -> None:
        """Inline mode on or off (@BotFather's /setinline), and its feedback (/setinlinefeedback)."""
        with self._lock:
            self.bot_user["supports_inline_queries"] = enabled
            if feedback is not None:
                self.inline_feedback = feedback

    def set_privacy(self, enabled: bool) -> None:
        """Privacy mode (@BotFather's /setprivacy): off, every group message reaches the bot."""
        with self._lock:
            self.privacy = enabled
            self.bot_user["can_read_all_group_messages"] = not enabled

    def inline_answer(self, query_id: str) -> dict | None:
        """How the bot answered an inline query: {"results": [...], "cache_time", "is_personal",
        "next_offset", "button" (those it gave)}; None if not (yet)."""
        with self._lock:
            query = self._inline.get(query_id)
            return query["answer"] if query else None

    def visible_commands(self, chat_id: int, user_id: int | None = None, language_code: str | None = None) -> list:
        """The command menu a user sees in a chat, resolved as Telegram's clients do: the narrowest
        scope with commands (chat member, chat admins, chat, all admins, all group/private chats,
        default), each in the user's language first (``language_code``, else the user's)."""
        with self._lock:
            chat = self._chat(chat_id)
            assert chat is not None, f"no chat {chat_id}"
            user_id = chat.id if user_id is None and chat.type == "private" else user_id
            if language_code is None:
                language_code = self._user_obj(user_id).get("language_code", "") if user_id else ""
            lang = language_code.split("-")[0].lower()
            if chat.type == "private":
                scopes = [{"type": "chat", "chat_id": chat.id}, {"type": "all_private_chats"}]
            else:
                admin = user_id is not None and self._members.get((chat.id, user_id)) in ("creator", "administrator")
                scopes = [*([{"type": "chat_member", "chat_id": chat.id, "user_id": user_id}] if user_id else []),
                          *([{"type": "chat_administrators", "chat_id": chat.id}] if admin else []),
                          {"type": "chat", "chat_id": chat.id},
                          *([{"type": "all_chat_administrators"}] if admin else []), {"type": "all_group_chats"}]
            for scope in [*scopes, {"type": "default"}]:
                for code in dict.fromkeys([lang, ""]):
                    found = self._commands.get(json.dumps([scope, code], sort_keys=True))
                    if found:
                        return list(found)
            return []

    def block(self, user_id: int) -> None:
        with self._lock:
            self._blocked.add(user_id)

    def unblock(self, user_id: int) -> None:
        with self._lock:
            self._blocked.discard(user_id)

    def fail_next(self, method: str, error_code: int = 429, description: str | None = None,
                  retry_after: int | None = None, count: int = 1) -> None:
        """The next ``count`` calls of ``method`` fail with this error (429 carries retry_after)."""
        if error_code == 429 and retry_after is None:
            retry_after = 1
        description = description or {
            429: f"Too Many Requests: retry after {retry_after}", 403: FORBIDDEN_BLOCKED,
            400: "Bad Request", 409: "Conflict", 502: "Bad Gateway"}.get(error_code, "Internal Server Error")
        with self._lock:
            self._faults[method].extend(ApiError(error_code, description, retry_after) for _ in range(count))

    def rate_limit(self, global_per_sec: float | None = 30, per_chat_per_sec: float | None = 1,
                   per_group_per_min: float | None = 20) -> None:
        """Enforce Telegram's flood limits on send*/edit* (429 + retry_after). All None: off."""
        with self._lock:
            on = any((global_per_sec, per_chat_per_sec, per_group_per_min))
            self._limits = (global_per_sec, per_chat_per_sec, per_group_per_min) if on else None
            self._sent_at.clear()

    def delay(self, method: str, seconds: float) -> None:
        """Answer ``method`` after ``seconds`` (0 removes the delay)."""
        with self._lock:
            self._delays[method] = seconds

    @property
    def requests(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._requests)

    def rejected(self, ignore: Iterable[str] = ()) -> list[RecordedRequest]:
        """Requests Telegram would have refused (4xx), not counting fail_next() faults nor errors
        whose description contains one of ``ignore`` (e.g. ``BENIGN_ERRORS``)."""
        return [r for r in self.requests if 400 <= r.status < 500 and not r.injected
                and not any(text in (r.description or "") for text in ignore)]

    def wait_for_request(self, method: str, timeout: float = 10,
                         predicate: Callable[[dict], bool] | None = None, start: int = 0) -> RecordedRequest:
        """The first answered ``method`` call (from index ``start`` of ``requests``) whose params
        satisfy ``predicate``; AssertionError after ``timeout`` seconds."""
        def match() -> RecordedRequest | None:
            return next((r for r in self._requests[start:] if r.method == method
                         and (predicate is None or predicate(r.params))), None)
        with self._cond:
            if self._cond.wait_for(match, timeout):
                return match()
        raise AssertionError(f"no {method} request within {timeout}s; last requests:\n{self.describe_requests()}")

    @property
    def polls_started(self) -> int:
        return self._polls_started

    def arrived(self, method: str) -> int:
        """How many ``method`` calls have arrived, including those not answered yet (see delay())."""
        with self._lock:
            return self._arrived[method]

    def wait_arrived(self, method: str, count: int, timeout: float = 10) -> None:
        """Wait until ``count`` ``method`` calls have arrived: with delay(), the bot is then
        waiting for the answer (a request in flight)."""
        with self._cond:
            if not self._cond.wait_for(lambda: self._arrived[method] >= count, timeout):
                raise AssertionError(f"{method} arrived {self._arrived[method]}x, not {count}x, within {timeout}s; "
                                     f"last requests:\n{self.describe_requests()}")

    def wait_polling(self, after: int = 0, timeout: float = 30) -> None:
        """Wait until more than ``after`` getUpdates calls have arrived (a bot is polling)."""
        with self._cond:
            if not self._cond.wait_for(lambda: self._polls_started > after, timeout):
                raise AssertionError(f"no getUpdates within {timeout}s; last requests:\n{self.describe_requests()}")

    def describe_requests(self, last: int = 10) -> str:
        return "\n".join(f"  {r.method} {r.params} -> {r.status} {r.description or ''}"
                         for r in self.requests[-last:])

    def callback_answer(self, callback_query_id: str) -> dict | None:
        """How a callback query was answered ({"text":..., "show_alert":...}); None if not (yet)."""
        with self._lock:
            return self._callbacks.get(callback_query_id)

    def unanswered_callbacks(self) -> list[str]:
        with self._lock:
            return [cb for cb, answer in self._callbacks.items() if answer is None]

    def commands(self, scope: dict | None = None, language_code: str = "") -> list[dict]:
        """The commands set for exactly this scope and language (see visible_commands for a user's menu)."""
        with self._lock:
            return list(self._commands.get(self._commands_key({"scope": scope, "language_code": language_code}), []))

    @property
    def pending_updates(self) -> list[dict]:
        """Updates not yet confirmed by the bot (getUpdates offset)."""
        with self._lock:
            return list(self._updates)


class FakeUser:
    """A Telegram user talking to the bot in a private chat (chat id == user id), in groups, and
    through inline mode."""

    def __init__(self, tg: FakeTelegram, user_id: int, first_name: str, username: str | None,
                 last_name: str | None, language_code: str | None = "en", started: bool = True):
        self.tg, self.id = tg, user_id
        self.user_obj = {"id": user_id, "is_bot": False, "first_name": first_name,
                         **({"language_code": language_code} if language_code else {}),
                         **({"username": username} if username else {}),
                         **({"last_name": last_name} if last_name else {})}
        chat_obj = {"id": user_id, "type": "private", "first_name": first_name,
                    **{k: v for k, v in (("username", username), ("last_name", last_name)) if v}}
        self._chat = _Chat(chat_obj)
        if started:
            tg._chats[user_id] = self._chat

    def __repr__(self) -> str:
        return f"FakeUser({self.id}, {self.user_obj['first_name']!r})"

    @property
    def started(self) -> bool:
        """Has the user opened the private chat with the bot (so the bot may write there)?"""
        return self.tg._chats.get(self.id) is self._chat

    def send(self, text: str) -> int:
        """The user sends a text message in the private chat (opening it if new); returns its message_id."""
        with self.tg._lock:
            self.tg._chats[self.id] = self._chat
            msg = BotMessage(next(self._chat.ids), self.id, text, text, None, _command_entities(text),
                             from_bot=False, date=int(time.time()), sender_id=self.id)
            self._chat.messages[msg.message_id] = msg
            self.tg._changed()
            obj = self.tg._message_obj(msg, self._chat)
        self.tg._enqueue("message", obj)
        return msg.message_id

    def send_in_group(self, chat_id: int, text: str, reply_to: int | None = None) -> int:
        """The user writes in a group (``reply_to``: a message id there). Everyone sees it in the chat;
        the bot gets it only as Telegram delivers it (privacy mode: commands meant for it, replies to
        it; an admin bot or privacy off: everything). Returns its message_id."""
        tg = self.tg
        with tg._lock:
            chat = tg._chats.get(chat_id)
            if chat is None or chat.type == "private":
                raise AssertionError(f"no group {chat_id}: register it with tg.group()")
            if not tg._present(chat_id, self.id):
                raise AssertionError(f"{self} is not in group {chat_id} ({tg._members.get((chat_id, self.id))})")
            if reply_to is not None and reply_to not in chat.messages:
                raise AssertionError(f"no message {reply_to} in group {chat_id} to reply to")
            msg = BotMessage(next(chat.ids), chat_id, text, text, None, _command_entities(text), from_bot=False,
                             date=int(time.time()), sender_id=self.id, reply_to=reply_to)
            chat.messages[msg.message_id] = msg
            tg._changed()
            obj = tg._message_obj(msg, chat) if tg._delivered(chat, msg) else None
        if obj is not None:
            tg._enqueue("message", obj)
        return msg.message_id

    def press(self, button_text: str, message: BotMessage | int | None = None, force: bool = False, *,
              chat_id: int | None = None, chat_type: str | None = None) -> str | None:
        """Press an inline button (exact text, else unique substring) on ``message`` or on the latest
        message with an inline keyboard in the private chat (or in ``chat_id``). Pressing a button
        that is no longer on the message raises AssertionError unless ``force``.

        A callback button sends a callback query: returns its id. A URL button opens the link: a
        ``t.me/<bot>?start=<payload>`` one sends ``/start <payload>`` in the private chat (open_url);
        returns None. A switch_inline_query* button starts an inline query (in a chat of ``chat_type``
        where the user picks one): returns the inline query's id."""
        tg = self.tg
        with tg._lock:
            chat = self._chat if chat_id is None else tg._chats.get(chat_id)
            if chat is None:
                raise AssertionError(f"no chat {chat_id}")
            if message is None:
                shown = [m for m in sorted(chat.messages.values(), key=lambda m: m.message_id)
                         if m.reply_markup and (m.from_bot or m.via_bot)]
                if not shown:
                    raise AssertionError(f"no message with inline buttons in chat {chat.id}; screen: {self.screen()}")
                message = shown[-1]
            elif isinstance(message, int):
                message = chat.messages.get(message) or BotMessage(message, chat.id, "", "", None)
            container = (tg._inline_messages.get(message.inline_message_id, (None,))[0] if message.inline_message_id
                         else tg._chats.get(message.chat_id) or chat)
            button = message.find_button(button_text)
            current = container.messages.get(message.message_id) if container else None
            action = {k: v for k, v in button.items() if k not in S.BUTTON_DECORATION}
            still = current is not None and (
                button["callback_data"] in current.callback_data if "callback_data" in button
                else any(action.items() <= b.items() for b in current._flat_buttons()))
            if not force and not still:
                raise AssertionError(f"stale button {button_text!r} ({action}): message {message.message_id} "
                                     f"now shows {current.buttons if current else 'nothing (deleted)'}")
            if "callback_data" in button:
                return self.callback(button["callback_data"], current or message)
            if "url" not in button:
                return self._switch_inline(button, container, chat_type)
        self.open_url(button["url"])
        return None

    def _switch_inline(self, button: dict, chat: _Chat, chat_type: str | None) -> str:
        if "switch_inline_query_current_chat" in button:
            own = chat.type == "private" and chat.id == self.id
            return self.inline_query(button["switch_inline_query_current_chat"],
                                     chat_type="sender" if own else chat.type)
        if "switch_inline_query" in button:
            return self.inline_query(button["switch_inline_query"], chat_type=chat_type or "supergroup")
        if "switch_inline_query_chosen_chat" not in button:
            raise AssertionError(f"the fake presses callback, url and switch_inline_query* buttons, not {button}")
        chosen = button["switch_inline_query_chosen_chat"]
        allowed = {"supergroup": chosen.get("allow_group_chats"), "group": chosen.get("allow_group_chats"),
                   "private": chosen.get("allow_user_chats") or chosen.get("allow_bot_chats"),
                   "channel": chosen.get("allow_channel_chats")}
        chat_type = chat_type or next((kind for kind, ok in allowed.items() if ok), None)
        if chat_type is None or not allowed.get(chat_type):
            raise AssertionError(f"switch_inline_query_chosen_chat {chosen} lets the user pick no "
                                 f"{chat_type or 'chat'}")
        return self.inline_query(chosen.get("query", ""), chat_type=chat_type)

    def open_url(self, url: str) -> int | None:
        """The user opens a link. ``https://t.me/<bot>?start=<payload>`` (or tg://resolve?domain=...)
        opens the private chat and sends ``/start <payload>``, as Telegram does (a payload that is not
        1-64 of A-Za-z0-9_- raises AssertionError: Telegram would drop it). A link to the bot without
        ``start`` sends /start only if the chat is new. Returns the /start message's id; None when
        nothing reaches the bot (another site or user)."""
        link = _bot_link(url)
        if link is None or link[0].lower() != self.tg.bot_user["username"].lower():
            return None
        payload = link[1]
        if payload is not None and not S.START_PARAMETER.fullmatch(payload):
            raise AssertionError(f"start parameter {payload!r} of {url} is not 1-64 characters of A-Za-z0-9_-: "
                                 f"Telegram opens the chat without it")
        if payload is None and self.started:
            return None
        return self.send("/start" if payload is None else f"/start {payload}")

    def inline_query(self, query: str = "", chat_type: str = "supergroup", offset: str = "") -> str:
        """The user types ``@<bot> query`` in a chat of ``chat_type`` (sender: their private chat with
        the bot): the bot gets an inline_query update. Returns its id (see tg.inline_answer)."""
        tg = self.tg
        if not tg.bot_user["supports_inline_queries"]:
            raise AssertionError("inline mode is off (FakeTelegram(inline=True) or tg.set_inline()): Telegram "
                                 "sends the bot no inline queries and shows the user no results")
        if chat_type not in INLINE_CHAT_TYPES or len(query) > MAX_INLINE_QUERY:
            raise ValueError(f"chat_type is one of {INLINE_CHAT_TYPES}; a query has at most {MAX_INLINE_QUERY} "
                             f"characters")
        with tg._lock:
            query_id = str(next(tg._inline_ids))
            tg._inline[query_id] = {"user": self.id, "query": query, "chat_type": chat_type,
                                    "at": time.monotonic(), "answer": None}
            payload = {"id": query_id, "from": self.user_obj, "query": query, "offset": offset,
                       "chat_type": chat_type}
        tg._enqueue("inline_query", payload)
        return query_id

    def choose_inline_result(self, query_id: str, result_id: str, chat_id: int | None = None) -> BotMessage:
        """The user taps result ``result_id`` of their answered inline query: its message is posted from
        the user "via @bot" into ``chat_id`` — a group, their private chat with the bot (None), or a
        private chat with another user (that user's id; a chat the bot cannot see). The bot gets that
        message where it sees it, and chosen_inline_result when inline feedback is on. Returns the message
        (press its buttons with ``press(text, message=...)``)."""
        tg = self.tg
        with tg._lock:
            query = tg._inline.get(query_id)
            if query is None or query["user"] != self.id or query["answer"] is None:
                raise AssertionError(f"inline query {query_id} of {self} was not answered: nothing to choose")
            result = next((r for r in query["answer"]["results"] if r["id"] == result_id), None)
            if result is None:
                raise AssertionError(f"no result {result_id!r} among {[r['id'] for r in query['answer']['results']]}")
            chat = self._target_chat(chat_id)
            content = result["input_message_content"]
            plain, ents = S.render_text(content["message_text"], content.get("parse_mode"), content.get("entities"))
            markup = result.get("reply_markup") if (result.get("reply_markup") or {}).get("inline_keyboard") else None
            inline_id = f"{query_id}:{result_id}:{next(tg._inline_ids)}" if markup else None
            msg = BotMessage(next(chat.ids), chat.id, plain, content["message_text"], content.get("parse_mode"),
                             tuple(ents), markup, from_bot=False, date=int(time.time()), sender_id=self.id,
                             via_bot=True, inline_message_id=inline_id)
            chat.messages[msg.message_id] = msg
            tg._changed()
            if inline_id:
                tg._inline_messages[inline_id] = (chat, msg.message_id)
            updates = []
            if tg._chats.get(chat.id) is chat and tg._delivered(chat, msg):
                updates.append(("message", tg._message_obj(msg, chat)))
            if tg.inline_feedback:
                updates.append(("chosen_inline_result", {"result_id": result_id, "from": self.user_obj,
                                                         "query": query["query"],
                                                         **({"inline_message_id": inline_id} if inline_id else {})}))
        for kind, payload in updates:
            tg._enqueue(kind, payload)
        return msg

    def _target_chat(self, chat_id: int | None) -> _Chat:
        tg = self.tg
        if chat_id is None or chat_id == self.id:
            tg._chats[self.id] = self._chat
            return self._chat
        chat = tg._chats.get(chat_id)
        if chat is not None and chat.type != "private":
            if not tg._present(chat_id, self.id):
                raise AssertionError(f"{self} is not in group {chat_id}")
            return chat
        other = tg._users.get(chat_id)
        if other is None:
            raise AssertionError(f"no group or user {chat_id} to share into")
        key = frozenset((self.id, chat_id))
        if key not in tg._dm_chats:
            tg._dm_chats[key] = _Chat({"id": chat_id, "type": "private", "first_name": other.user_obj["first_name"]})
        return tg._dm_chats[key]

    def callback(self, data: str, message: BotMessage | None = None) -> str:
        """Send a callback query with arbitrary ``data`` (a forged press), no checks."""
        with self.tg._lock:
            message = message or self.screen()
            cb_id = str(next(self.tg._cb_ids))
            self.tg._callbacks[cb_id] = None
            chat_instance = str(abs(hash(message.chat_id if message else self.id)))
            payload = {"id": cb_id, "from": self.user_obj, "chat_instance": chat_instance, "data": data}
            if message is not None and message.inline_message_id:
                payload["inline_message_id"] = message.inline_message_id
            elif message is not None:
                payload["message"] = self.tg._message_obj(message, self.tg._chats.get(message.chat_id))
        self.tg._enqueue("callback_query", payload)
        return cb_id

    def messages(self) -> list[BotMessage]:
        """All current bot messages in this chat, oldest first."""
        return self.tg.chat_messages(self.id)

    def screen(self) -> BotMessage | None:
        """The newest bot message in the chat (the bottom of the chat), with its edits applied."""
        msgs = self.messages()
        return msgs[-1] if msgs else None

    def reply_keyboard(self) -> list[list[str]] | None:
        """Texts of the reply keyboard the bot set (None if none or removed)."""
        with self.tg._lock:
            kb = self._chat.reply_keyboard
            return [[b if isinstance(b, str) else b["text"] for b in row] for row in kb["keyboard"]] if kb else None

    def wait_screen(self, expected: str | Callable[[BotMessage], bool], timeout: float = 10) -> BotMessage:
        """Wait until the screen's text contains ``expected`` (or ``expected(screen)`` is true)."""
        def ok() -> bool:
            screen = self.screen()
            return screen is not None and (expected(screen) if callable(expected) else expected in screen.text)
        with self.tg._cond:
            if self.tg._cond.wait_for(ok, timeout):
                return self.screen()
        screen = self.screen()
        raise AssertionError(
            f"screen of user {self.id} did not match {expected!r} within {timeout}s.\nLast screen: "
            f"{screen.text if screen else None!r}\nbuttons: {screen.buttons if screen else None}\n"
            f"Last requests:\n{self.tg.describe_requests()}")

    def block_bot(self) -> None:
        """The user blocks the bot: sends fail with 403 and the bot gets a my_chat_member update."""
        self.tg.block(self.id)
        self._member_update("member", "kicked")

    def unblock_bot(self) -> None:
        self.tg.unblock(self.id)
        self._member_update("kicked", "member")

    def _member_update(self, old: str, new: str) -> None:
        with self.tg._lock:
            bot_id = self.tg.bot_user["id"]
            payload = {"chat": self._chat.obj, "from": self.user_obj, "date": int(time.time()),
                       "old_chat_member": self.tg._member_obj(self.id, bot_id, old),
                       "new_chat_member": self.tg._member_obj(self.id, bot_id, new)}
        self.tg._enqueue("my_chat_member", payload)
