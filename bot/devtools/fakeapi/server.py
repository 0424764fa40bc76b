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
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from aiohttp import web

from . import spec as S
from .spec import ApiError, bad

BOT_FIRST_NAME, BOT_USERNAME = "Carpool Test Bot", "carpool_test_bot"
FORBIDDEN_BLOCKED = "Forbidden: bot was blocked by the user"
# Errors aiogram-dialog provokes in normal use and handles (removing a keyboard that is already
# gone, re-rendering an unchanged window): real Telegram answers them the same way.
BENIGN_ERRORS = ("message is not modified",)
# Updates a bot receives when allowed_updates is empty or never given.
_OPT_IN_UPDATES = {"chat_member", "message_reaction", "message_reaction_count"}
# Methods that count against Telegram's flood limits when rate_limit() is on.
_FLOOD_PREFIXES = ("send", "edit", "copy", "forward")

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
    text: str  # visible text (HTML tags stripped, entities unescaped)
    raw_text: str  # text as the bot sent it
    parse_mode: str | None
    entities: tuple = ()
    reply_markup: dict | None = None  # inline keyboard (as sent), None if there is none
    from_bot: bool = True
    date: int = 0
    edits: int = 0
    edit_date: int = 0

    @property
    def buttons(self) -> list[list[str]]:
        return [[b["text"] for b in row] for row in (self.reply_markup or {}).get("inline_keyboard", [])]

    @property
    def callback_data(self) -> list[str]:
        return [b["callback_data"] for row in (self.reply_markup or {}).get("inline_keyboard", [])
                for b in row if "callback_data" in b]

    def find_button(self, text: str) -> dict:
        """The inline button whose text is ``text``, else the only one containing it."""
        flat = [b for row in (self.reply_markup or {}).get("inline_keyboard", []) for b in row]
        found = [b for b in flat if b["text"] == text] or [b for b in flat if text in b["text"]]
        if len(found) != 1:
            raise AssertionError(f"{'no' if not found else 'ambiguous'} button {text!r} on message "
                                 f"{self.message_id}: buttons {self.buttons}")
        return found[0]


class _Chat:
    def __init__(self, obj: dict):
        self.obj = obj  # Chat object
        self.ids = itertools.count(1)
        self.messages: dict[int, BotMessage] = {}  # current messages, user and bot ones
        self.reply_keyboard: dict | None = None


class FakeTelegram:
    """The fake server. Start/stop with ``with`` or ``start()``/``stop()`` (from any thread)."""

    def __init__(self, token: str = "123456:ABC", host: str = "127.0.0.1", port: int = 0,
                 routes: Callable[[web.Application], None] | None = None, keep_requests: int | None = None):
        self.token, self.host, self.port = token, host, port
        self._keep = keep_requests  # None: every request stays in ``requests`` (tests); N: about the last N
        self._routes = routes  # more routes on the same aiohttp app (the playground's page)
        self.version = 0  # bumped on every change a chat shows (a message sent, edited, deleted)
        self._watchers: asyncio.Event | None = None
        self.bot_user = {
            "id": int(token.split(":")[0]), "is_bot": True, "first_name": BOT_FIRST_NAME,
            "username": BOT_USERNAME, "can_join_groups": True, "can_read_all_group_messages": False,
            "supports_inline_queries": False, "can_connect_to_business": False, "has_main_web_app": False,
        }
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
        self._blocked: set[int] = set()
        self._members: dict[tuple[int, int], str] = {}
        self._callbacks: dict[str, dict | None] = {}  # id -> answer (None until answered)
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
        """Telegram's flood limits (sliding windows), when enabled by rate_limit()."""
        if not self._limits or not method.startswith(_FLOOD_PREFIXES):
            return
        now, chat = time.monotonic(), params.get("chat_id")
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

    # ------------------------------------------------------------------ chat state helpers
    def _chat_for_send(self, chat_id: Any) -> _Chat:
        if isinstance(chat_id, int) and chat_id in self._blocked:
            raise ApiError(403, FORBIDDEN_BLOCKED)
        chat = self._chats.get(chat_id) if isinstance(chat_id, int) else None
        if chat is None:
            if isinstance(chat_id, int) and chat_id > 0:
                raise ApiError(403, "Forbidden: bot can't initiate conversation with a user")
            raise bad("chat not found")
        return chat

    def _message_obj(self, msg: BotMessage) -> dict:
        chat = self._chats[msg.chat_id]
        sender = self.bot_user if msg.from_bot else self._users[msg.chat_id].user_obj
        obj = {"message_id": msg.message_id, "from": sender, "chat": chat.obj, "date": msg.date, "text": msg.text}
        if msg.entities:
            obj["entities"] = list(msg.entities)
        if msg.reply_markup:
            obj["reply_markup"] = msg.reply_markup
        if msg.edit_date:
            obj["edit_date"] = msg.edit_date
        return obj

    def _editable(self, params: dict, what: str = "edit") -> tuple[_Chat, BotMessage]:
        if "inline_message_id" in params:
            raise bad("method not supported by fake: inline messages")
        if "chat_id" not in params or "message_id" not in params:
            raise bad("message identifier is not specified")
        chat = self._chat_for_send(params["chat_id"])
        msg = chat.messages.get(params["message_id"])
        if msg is None:
            raise bad(f"message to {what} not found")
        if not msg.from_bot and what == "edit":
            raise bad("message can't be edited")
        return chat, msg

    def _store(self, chat: _Chat, msg: BotMessage) -> dict:
        chat.messages[msg.message_id] = msg
        self._changed()
        return self._message_obj(msg)

    def _edit(self, params: dict, text: str | None, parse_mode: str | None, entities: Any) -> dict:
        chat, old = self._editable(params)
        markup = params.get("reply_markup")
        if markup is not None:
            S.check_reply_markup(markup, inline_only=True)
        markup = markup if markup and markup["inline_keyboard"] else None
        plain, ents = (old.text, list(old.entities)) if text is None else S.render_text(text, parse_mode, entities)
        if plain == old.text and ents == list(old.entities) and markup == old.reply_markup:
            raise bad("message is not modified: specified new message content and reply markup are "
                      "exactly the same as a current content and reply markup of the message")
        new = BotMessage(old.message_id, old.chat_id, plain, old.raw_text if text is None else text,
                         old.parse_mode if text is None else parse_mode, tuple(ents), markup,
                         date=old.date, edits=old.edits + 1, edit_date=int(time.time()))
        return self._store(chat, new)

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

    @staticmethod
    def _commands_key(p: dict) -> str:
        return json.dumps([p.get("scope") or {"type": "default"}, p.get("language_code", "")], sort_keys=True)

    @_method("setMyCommands")
    def _set_my_commands(self, p: dict) -> bool:
        S.check_commands(p["commands"])
        self._commands[self._commands_key(p)] = p["commands"]
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
        chat = self._chats.get(p["chat_id"])
        if chat is None:
            raise bad("chat not found")
        return self.spec.filled("ChatFullInfo", **chat.obj, max_reaction_count=11)

    @_method("getChatMember")
    def _get_chat_member(self, p: dict) -> dict:
        return self._member_obj(p["chat_id"], p["user_id"])

    def _member_obj(self, chat_id: Any, user_id: int, status: str | None = None) -> dict:
        status = status or self._members.get((chat_id, user_id), "member")
        type_name = {"creator": "ChatMemberOwner", "administrator": "ChatMemberAdministrator",
                     "member": "ChatMemberMember", "restricted": "ChatMemberRestricted",
                     "left": "ChatMemberLeft", "kicked": "ChatMemberBanned"}[status]
        user = self._users[user_id].user_obj if user_id in self._users else (
            self.bot_user if user_id == self.bot_user["id"] else
            {"id": user_id, "is_bot": False, "first_name": f"User {user_id}"})
        return self.spec.filled(type_name, status=status, user=user)

    @_method("sendMessage")
    def _send_message(self, p: dict) -> dict:
        chat = self._chat_for_send(p["chat_id"])
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
        msg = BotMessage(next(chat.ids), chat.obj["id"], plain, p["text"], p.get("parse_mode"),
                         tuple(ents), inline, date=int(time.time()))
        return self._store(chat, msg)

    @_method("editMessageText")
    def _edit_message_text(self, p: dict) -> dict:
        if "text" not in p:
            raise bad("message text is empty")
        return self._edit(p, p["text"], p.get("parse_mode"), p.get("entities"))

    @_method("editMessageReplyMarkup")
    def _edit_message_reply_markup(self, p: dict) -> dict:
        return self._edit(p, None, None, None)

    @_method("deleteMessage")
    def _delete_message(self, p: dict) -> bool:
        chat, msg = self._editable(p, "delete")
        del chat.messages[msg.message_id]
        self._changed()
        return True

    @_method("answerCallbackQuery")
    def _answer_callback_query(self, p: dict) -> bool:
        cb_id = p["callback_query_id"]
        if cb_id not in self._callbacks or self._callbacks[cb_id] is not None:
            raise bad("query is too old and response timeout expired or query ID is invalid")
        if len(p.get("text", "")) > S.MAX_CALLBACK_ANSWER:
            raise bad("MESSAGE_TOO_LONG")
        self._callbacks[cb_id] = {k: p[k] for k in ("text", "show_alert", "url", "cache_time") if k in p}
        return True

    # ------------------------------------------------------------------ test-side API
    def user(self, user_id: int, first_name: str = "Ann", username: str | None = "ann",
             last_name: str | None = None, language_code: str = "en") -> FakeUser:
        """A user who has started the bot (private chat id == user id). Same id → same object."""
        with self._lock:
            if user_id not in self._users:
                self._users[user_id] = FakeUser(self, user_id, first_name, username, last_name, language_code)
                self._changed()
            return self._users[user_id]

    @property
    def users(self) -> list[FakeUser]:
        with self._lock:
            return list(self._users.values())

    def chat_history(self, chat_id: int) -> list[BotMessage]:
        """Every current message of a chat, the user's and the bot's, oldest first."""
        with self._lock:
            chat = self._chats.get(chat_id)
            return sorted(chat.messages.values(), key=lambda m: m.message_id) if chat else []

    def group(self, chat_id: int, title: str = "Carpool Club", username: str | None = None) -> int:
        """Register a supergroup the bot is a member of (so it can send there)."""
        assert chat_id < 0, "group chat ids are negative"
        obj = {"id": chat_id, "type": "supergroup", "title": title, **({"username": username} if username else {})}
        with self._lock:
            self._chats.setdefault(chat_id, _Chat(obj))
        return chat_id

    def set_member_status(self, chat_id: int, user_id: int, status: str) -> None:
        """getChatMember answer: creator/administrator/member/restricted/left/kicked (default member)."""
        with self._lock:
            self._members[(chat_id, user_id)] = status

    def chat_messages(self, chat_id: int) -> list[BotMessage]:
        """Current messages the bot sent to a chat (oldest first)."""
        with self._lock:
            chat = self._chats.get(chat_id)
            return sorted((m for m in chat.messages.values() if m.from_bot), key=lambda m: m.message_id) if chat else []

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
        with self._lock:
            return list(self._commands.get(self._commands_key({"scope": scope, "language_code": language_code}), []))

    @property
    def pending_updates(self) -> list[dict]:
        """Updates not yet confirmed by the bot (getUpdates offset)."""
        with self._lock:
            return list(self._updates)


class FakeUser:
    """A Telegram user talking to the bot in a private chat (chat id == user id)."""

    def __init__(self, tg: FakeTelegram, user_id: int, first_name: str, username: str | None,
                 last_name: str | None, language_code: str = "en"):
        self.tg, self.id = tg, user_id
        self.user_obj = {"id": user_id, "is_bot": False, "first_name": first_name, "language_code": language_code,
                         **({"username": username} if username else {}),
                         **({"last_name": last_name} if last_name else {})}
        chat_obj = {"id": user_id, "type": "private", "first_name": first_name,
                    **{k: v for k, v in (("username", username), ("last_name", last_name)) if v}}
        tg._chats[user_id] = self._chat = _Chat(chat_obj)

    def __repr__(self) -> str:
        return f"FakeUser({self.id}, {self.user_obj['first_name']!r})"

    def send(self, text: str) -> int:
        """The user sends a text message; returns its message_id."""
        with self.tg._lock:
            msg = BotMessage(next(self._chat.ids), self.id, text, text, None, from_bot=False, date=int(time.time()))
            if text.startswith("/"):
                command = text.split(maxsplit=1)[0]
                msg = replace(msg, entities=({"type": "bot_command", "offset": 0,
                                              "length": S.utf16_len(command)},))
            self._chat.messages[msg.message_id] = msg
            self.tg._changed()
            obj = self.tg._message_obj(msg)
        self.tg._enqueue("message", obj)
        return msg.message_id

    def press(self, button_text: str, message: BotMessage | int | None = None, force: bool = False) -> str:
        """Press an inline button (exact text, else unique substring) on ``message`` or on the
        latest bot message with an inline keyboard. Pressing a button that is no longer on the
        message raises AssertionError unless ``force``. Returns the callback query id."""
        with self.tg._lock:
            if message is None:
                shown = [m for m in self.messages() if m.reply_markup]
                if not shown:
                    raise AssertionError(f"no message with inline buttons in chat {self.id}; screen: {self.screen()}")
                message = shown[-1]
            elif isinstance(message, int):
                message = self._chat.messages.get(message) or BotMessage(message, self.id, "", "", None)
            data = message.find_button(button_text).get("callback_data")
            if data is None:
                raise AssertionError(f"button {button_text!r} has no callback_data (url or other action)")
            current = self._chat.messages.get(message.message_id)
            if not force and (current is None or data not in current.callback_data):
                raise AssertionError(f"stale button {button_text!r} ({data!r}): message {message.message_id} "
                                     f"now shows {current.buttons if current else 'nothing (deleted)'}")
            return self.callback(data, current or message)

    def callback(self, data: str, message: BotMessage | None = None) -> str:
        """Send a callback query with arbitrary ``data`` (a forged press), no checks."""
        with self.tg._lock:
            message = message or self.screen()
            cb_id = str(next(self.tg._cb_ids))
            self.tg._callbacks[cb_id] = None
            payload = {"id": cb_id, "from": self.user_obj, "chat_instance": str(abs(hash(self.id))), "data": data}
            if message is not None:
                payload["message"] = self.tg._message_obj(message)
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
