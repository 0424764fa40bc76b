"""What Telegram accepts: the Bot API specification and the rules the fake server enforces.

The specification is ``botapi.json`` beside this file: a trimmed copy of ``api.json`` (Bot API 10.1)
from PaulSonOfLars/telegram-bot-api-spec, MIT licence (``NOTICE.md``), holding the methods the fake
implements or soon will and every type they reach; ``trim_spec.py`` regenerates it from a full
``api.json``. ``$CARPOOL_BOT_API_SPEC`` points at another file of the same layout (a full or newer
``api.json``) instead. It is loaded at import, the bundled one from ``botapi.digest.json`` (what the
checks read of ``botapi.json``, ``digest()``, written beside it by ``trim_spec.py``); a missing file
only raises (``SpecNotFoundError``) when a server starts.

Everything here is pure functions: parameter coercion, HTML entity parsing, keyboard checks.
"""

from __future__ import annotations

import html
import json
import os
import re
from pathlib import Path
from typing import Any

SPEC_ENV = "CARPOOL_BOT_API_SPEC"
BUNDLED_SPEC = Path(__file__).with_name("botapi.json")
# What the checks read of it, pre-digested (digest()): written with botapi.json by trim_spec.py.
DIGEST = BUNDLED_SPEC.with_name("botapi.digest.json")
DIGEST_BY = "python -m bot.devtools.fakeapi.trim_spec"

# Parameters aiogram 3.31 (Bot API 10.3) may send that api.json (10.1) lacks; allowed per method.
# New in 10.2/10.3: ephemeral messages (receiver_user_id, callback_query_id,
# ephemeral_message_parameters). Legacy ones Telegram still accepts and aiogram still sends:
# disable_web_page_preview (sent together with link_preview_options whenever
# DefaultBotProperties(link_preview_is_disabled=...) is set), reply_to_message_id and
# allow_sending_without_reply (when passed explicitly). tests/test_fakeapi.py checks this list
# against aiogram's own method models for every method the fake implements.
_SEND_NEWER = frozenset({
    "receiver_user_id", "callback_query_id", "ephemeral_message_parameters",
    "reply_to_message_id", "allow_sending_without_reply",
})
ALLOWED_NEWER: dict[str, frozenset[str]] = {
    "sendMessage": _SEND_NEWER | {"disable_web_page_preview"},
    "editMessageText": frozenset({"disable_web_page_preview"}),
    # Bot API 6.7 replaced them with `button`; Telegram still accepts them and aiogram still has them.
    "answerInlineQuery": frozenset({"switch_pm_text", "switch_pm_parameter"}),
}

# Result fields that aiogram 3.31 requires and api.json (10.1) lacks: added to objects the fake builds.
NEWER_REQUIRED: dict[str, dict[str, Any]] = {
    "ChatMemberAdministrator": {"can_send_welcome_messages": False},
    "ChatAdministratorRights": {"can_send_welcome_messages": False},
}

# Primitive spec types; anything else (an object type or "Array of ...") travels as JSON text.
_PRIMITIVE = {"Integer", "String", "Boolean", "Float", "InputFile"}
# InlineKeyboardButton fields that are decoration, not the button's action.
BUTTON_DECORATION = {"text", "icon_custom_emoji_id", "style"}
# Types whose every field (not only the required ones) the spec keeps: the objects inside a
# parameter that check_object() walks (a button's switch_inline_query_chosen_chat, an inline result,
# a command scope), and the rights a chat member can have.
DEEP_TYPES = frozenset({
    "InlineKeyboardButton", "SwitchInlineQueryChosenChat", "LoginUrl", "WebAppInfo", "CopyTextButton",
    "InlineQueryResultArticle", "InputTextMessageContent", "LinkPreviewOptions", "InlineQueryResultsButton",
    "BotCommandScopeDefault", "BotCommandScopeAllPrivateChats", "BotCommandScopeAllGroupChats",
    "BotCommandScopeAllChatAdministrators", "BotCommandScopeChat", "BotCommandScopeChatAdministrators",
    "BotCommandScopeChatMember", "ChatMemberAdministrator", "ChatMemberRestricted",
})
# A deep-link start parameter (t.me/<bot>?start=..., InlineQueryResultsButton.start_parameter).
START_PARAMETER = re.compile(r"[A-Za-z0-9_-]{1,64}")


class SpecNotFoundError(RuntimeError):
    """api.json could not be located."""


class ApiError(Exception):
    """A Telegram error answer: ``{"ok": false, "error_code": code, "description": ...}``."""

    def __init__(self, code: int, description: str, retry_after: int | None = None):
        super().__init__(f"{code} {description}")
        self.code, self.description, self.retry_after = code, description, retry_after

    def payload(self) -> dict[str, Any]:
        body: dict[str, Any] = {"ok": False, "error_code": self.code, "description": self.description}
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def bad(description: str) -> ApiError:
    return ApiError(400, f"Bad Request: {description}")


def find_spec_path() -> Path:
    """``$CARPOOL_BOT_API_SPEC`` if set, else ``botapi.json`` beside this file."""
    env = os.environ.get(SPEC_ENV)
    path = Path(env) if env else BUNDLED_SPEC
    if not path.is_file():
        raise SpecNotFoundError(f"{SPEC_ENV}={env} is not a file" if env else f"{path} is missing")
    return path


def digest(data: dict[str, Any]) -> dict[str, Any]:
    """What the checks read of an api.json (full or trimmed), without the prose: each method's parameters
    and each type's fields as name → index into ``shapes`` (one ``[types, required]`` per distinct shape);
    of a type only its required fields (all that filled() reads), every field of DEEP_TYPES."""
    shapes: dict[tuple, int] = {}

    def fields(described: dict[str, Any], everything: bool = True) -> dict[str, int]:
        return {f["name"]: shapes.setdefault((tuple(f["types"]), f["required"]), len(shapes))
                for f in described.get("fields", []) if everything or f["required"]}

    methods = {n: fields(m) for n, m in data["methods"].items()}
    types = {n: fields(t, n in DEEP_TYPES) for n, t in data["types"].items()}
    return {"version": data.get("version", "?"), "digest_of": BUNDLED_SPEC.name, "generated_by": DIGEST_BY,
            "shapes": [[list(t), r] for t, r in shapes], "methods": methods, "types": types,
            "subtypes": {n: t["subtypes"] for n, t in data["types"].items() if t.get("subtypes")},
            "other_methods": list(data.get("other_methods", []))}


def dump_digest(d: dict[str, Any]) -> str:
    """The digest file's text: compact JSON, one method or type a line (readable diffs)."""
    def section(items: dict[str, Any]) -> str:
        return "{\n" + ",\n".join(f"{json.dumps(k)}:{json.dumps(v, separators=(',', ':'))}"
                                   for k, v in items.items()) + "\n}"

    head = {k: d[k] for k in ("version", "digest_of", "generated_by")}
    parts = [f"{json.dumps(k)}:{json.dumps(v, separators=(',', ':'), ensure_ascii=False)}" for k, v in head.items()]
    parts += [f'"shapes":{json.dumps(d["shapes"], separators=(",", ":"))}',
              f'"methods":{section(d["methods"])}', f'"types":{section(d["types"])}',
              f'"subtypes":{section(d["subtypes"])}',
              f'"other_methods":{json.dumps(d["other_methods"], separators=(",", ":"))}']
    return "{" + ",\n".join(parts) + "}\n"


class ApiSpec:
    """Methods and types of api.json, with case-insensitive method lookup (as Telegram does).

    A trimmed file describes some methods and lists the others by name (``other_methods``): those
    are real Telegram methods the fake does not implement, not unknown ones. Built from a ``digest()``:
    the bundled description is read pre-digested (``botapi.digest.json``, 30 KB instead of 430 KB of
    JSON to parse: the playground's process holds the bot too, benchmarks/playground.py).
    """

    def __init__(self, data: dict[str, Any], path: Path | None = None):
        self.path, self.version = path, data["version"]
        shapes = [{"types": t, "required": r} for t, r in data["shapes"]]  # shared, read-only
        self.methods = {n: {k: shapes[i] for k, i in m.items()} for n, m in data["methods"].items()}
        self.types = {n: {k: shapes[i] for k, i in t.items() if shapes[i]["required"]}
                      for n, t in data["types"].items()}
        self.deep = {n: {k: shapes[i] for k, i in data["types"][n].items()} for n in DEEP_TYPES
                     if n in data["types"]}
        self.subtypes = {n: tuple(t) for n, t in data["subtypes"].items()}
        self._lower = {n.lower(): n for n in [*self.methods, *data["other_methods"]]}

    @classmethod
    def load(cls, path: Path | None = None) -> ApiSpec:
        path = path or find_spec_path()
        if path == BUNDLED_SPEC and DIGEST.is_file():  # tests/test_playground.py keeps it up to date
            return cls(json.loads(DIGEST.read_bytes()), DIGEST)
        with path.open("rb") as file:
            return cls(digest(json.load(file)), path)

    def canonical(self, method: str) -> str | None:
        return self._lower.get(method.lower())

    def allowed_params(self, method: str) -> set[str]:
        return set(self.methods[method]) | ALLOWED_NEWER.get(method, frozenset())

    def filled(self, type_name: str, **given: Any) -> dict[str, Any]:
        """An object of ``type_name`` with ``given`` plus neutral values for other required fields."""
        neutral = {"Boolean": False, "Integer": 0, "Float": 0.0, "String": ""}
        obj = {**NEWER_REQUIRED.get(type_name, {}), **given}
        for name, field in self.types[type_name].items():
            if field["required"] and name not in obj:
                kind = field["types"][0]
                obj[name] = neutral[kind] if kind in neutral else (
                    [] if kind.startswith("Array") else self.filled(kind))
        return obj

    def check_object(self, type_name: str, obj: Any, what: str) -> dict[str, Any]:
        """Check a JSON object of a DEEP_TYPES type the way Telegram parses one: an object, its required
        fields present, the fields it knows of the right JSON type (nested DEEP_TYPES objects too).
        Fields it does not know are ignored, as Telegram ignores them. ``what`` names it in errors."""
        if not isinstance(obj, dict):
            raise bad(f"can't parse {what}: Object expected")
        for name, field in self.deep[type_name].items():
            if name not in obj:
                if field["required"]:
                    raise bad(f"can't parse {what}: Can't find field \"{name}\"")
                continue
            kind = next((t for t in field["types"] if _json_type_matches(t, obj[name])), None)
            if kind is None:
                raise bad(f"can't parse {what}: Field \"{name}\" must be of type {field['types'][0]}")
            if kind in self.deep:
                self.check_object(kind, obj[name], what)
        return obj

    def field_names(self, type_name: str) -> tuple[str, ...]:
        """Every field of a DEEP_TYPES type, in the specification's order."""
        return tuple(self.deep[type_name])

    def coerce_params(self, method: str, raw: dict[str, Any]) -> dict[str, Any]:
        """Check names and required flags, then convert form strings to typed values."""
        if method not in self.methods:
            raise bad("method not supported by fake")
        fields, allowed = self.methods[method], self.allowed_params(method)
        for name in raw:
            if name not in allowed:
                raise bad(f"unknown parameter {name}")
        for name, field in fields.items():
            if field["required"] and raw.get(name) in (None, ""):
                raise bad("message text is empty" if name == "text" else f"{name} is empty")
        return {k: _coerce(k, v, fields[k]["types"]) if k in fields else _guess(v) for k, v in raw.items()}


def _coerce(name: str, value: Any, types: list[str]) -> Any:
    if not isinstance(value, str):  # JSON bodies are typed already; uploaded files stay as they are
        return value
    if "Integer" in types:
        try:
            return int(value)
        except ValueError:
            if "String" not in types:
                raise bad(f"invalid parameter {name}: expected an Integer") from None
    if "Float" in types:
        try:
            return float(value)
        except ValueError:
            raise bad(f"invalid parameter {name}: expected a Float") from None
    if "Boolean" in types:
        if value.lower() in ("true", "1", "false", "0"):
            return value.lower() in ("true", "1")
        raise bad(f"invalid parameter {name}: expected a Boolean")
    if any(t not in _PRIMITIVE for t in types) and not (set(types) & {"String", "InputFile"}):
        try:
            return json.loads(value)
        except ValueError:
            raise bad(f"can't parse {name} JSON object") from None
    return value


def _json_type_matches(kind: str, value: Any) -> bool:
    if kind.startswith("Array of "):
        return isinstance(value, list)
    checks = {"String": lambda v: isinstance(v, str), "Boolean": lambda v: isinstance(v, bool),
              "Integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
              "Float": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool)}
    return checks[kind](value) if kind in checks else isinstance(value, dict)


def _guess(value: Any) -> Any:
    """Decode a parameter the spec does not describe (ALLOWED_NEWER): JSON if it parses."""
    try:
        return json.loads(value) if isinstance(value, str) else value
    except ValueError:
        return value


def load_spec_or_none() -> tuple[ApiSpec | None, Exception | None]:
    try:
        return ApiSpec.load(), None
    except (SpecNotFoundError, OSError, ValueError, KeyError) as exc:
        return None, exc


SPEC, SPEC_ERROR = load_spec_or_none()


def require_spec() -> ApiSpec:
    if SPEC is None:
        raise SpecNotFoundError(str(SPEC_ERROR))
    return SPEC


# --------------------------------------------------------------------------- message text
_TAG = re.compile(r"""<(/?)([a-zA-Z][\w-]*)((?:\s+[\w-]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'>]+))?)*)\s*>""")
_ATTR = re.compile(r"""([\w-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?""")
_HTML_ENTITY = {
    "b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline", "ins": "underline",
    "s": "strikethrough", "strike": "strikethrough", "del": "strikethrough", "span": "spoiler",
    "tg-spoiler": "spoiler", "a": "text_link", "code": "code", "pre": "pre", "blockquote": "blockquote",
    "tg-emoji": "custom_emoji", "tg-time": "date_time",
}
MAX_TEXT, MAX_CALLBACK_DATA, MAX_CALLBACK_ANSWER = 4096, 64, 200


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def parse_html(text: str) -> tuple[str, list[dict[str, Any]]]:
    """Telegram's HTML parse mode: the visible text and its entities (UTF-16 offsets).

    Raises ``ApiError`` "can't parse entities: ..." for unknown, unclosed or mismatched tags and
    for a bare ``<`` (user text that was not escaped).
    """
    out: list[str] = []
    stack: list[tuple[str, int, dict[str, str]]] = []
    entities: list[dict[str, Any]] = []
    pos = offset = 0

    def fail(msg: str) -> ApiError:
        return bad(f"can't parse entities: {msg}")

    while pos < len(text):
        lt = text.find("<", pos)
        chunk = html.unescape(text[pos: len(text) if lt < 0 else lt])
        out.append(chunk)
        offset += utf16_len(chunk)
        if lt < 0:
            break
        byte_at = len(text[:lt].encode())
        m = _TAG.match(text, lt)
        name = (m.group(2) if m else re.match(r"</?([^\s>]*)", text[lt:]).group(1)).lower()
        if not m or name not in _HTML_ENTITY:
            raise fail(f'Unsupported start tag "{name}" at byte offset {byte_at}')
        if not m.group(1):  # opening tag
            attrs = {a: next((v for v in vals if v is not None), "") for a, *vals in _ATTR.findall(m.group(3))}
            if name == "span" and attrs.get("class") != "tg-spoiler":
                raise fail(f'Tag "span" must have class "tg-spoiler" at byte offset {byte_at}')
            stack.append((name, offset, attrs))
        else:
            if not stack:
                raise fail(f"Unexpected end tag at byte offset {byte_at}")
            top, start, attrs = stack.pop()
            if top != name:
                raise fail(f'Unmatched end tag at byte offset {byte_at}, expected "</{top}>", found "</{name}>"')
            kind = _HTML_ENTITY[name]
            if kind == "code" and stack and stack[-1][0] == "pre" and attrs.get("class", "").startswith("language-"):
                stack[-1][2]["language"] = attrs["class"][len("language-"):]
            elif offset > start:
                entity: dict[str, Any] = {"type": kind, "offset": start, "length": offset - start}
                if kind == "text_link":
                    entity["url"] = attrs.get("href", "")
                elif kind == "pre" and attrs.get("language"):
                    entity["language"] = attrs["language"]
                elif kind == "custom_emoji":
                    entity["custom_emoji_id"] = attrs.get("emoji-id", "")
                elif kind == "blockquote" and "expandable" in attrs:
                    entity["type"] = "expandable_blockquote"
                entities.append(entity)
        pos = m.end()
    if stack:
        raise fail(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities


def render_text(text: str | None, parse_mode: str | None, entities: Any = None) -> tuple[str, list]:
    """Visible text and entities of a message text, checked against Telegram's limits.

    Only HTML is parsed; Markdown/MarkdownV2 text is measured raw.
    """
    mode = (parse_mode or "").lower()
    if mode == "html":
        plain, ents = parse_html(text or "")
    elif mode in ("", "markdown", "markdownv2"):
        plain, ents = text or "", (entities if isinstance(entities, list) else [])
    else:
        raise bad(f"unsupported parse_mode {parse_mode}")
    if not plain.strip():
        raise bad("message text is empty")
    if len(plain) > MAX_TEXT:
        raise bad("message is too long")
    return plain, ents


# --------------------------------------------------------------------------- keyboards
def check_reply_markup(markup: Any, inline_only: bool = False) -> None:
    """Validate a reply_markup object the way Telegram does (the checks that matter here)."""
    if not isinstance(markup, dict):
        raise bad("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        rows = markup["inline_keyboard"]
        if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
            raise bad("field \"inline_keyboard\" of the InlineKeyboardMarkup must be an Array of Arrays")
        for button in (b for row in rows for b in row):
            check_inline_button(button)
    elif inline_only:
        raise bad("inline keyboard expected")
    elif "keyboard" in markup:
        rows = markup["keyboard"]
        if not isinstance(rows, list) or not all(isinstance(r, list) and r for r in rows):
            raise bad("keyboard must be non-empty Array of Arrays")
    elif not (markup.get("remove_keyboard") is True or markup.get("force_reply") is True):
        raise bad("can't parse reply keyboard markup JSON object")


def check_inline_button(button: Any) -> None:
    if not isinstance(button, dict) or not isinstance(button.get("text"), str):
        raise bad("can't parse inline keyboard button: Field \"text\" must be of type String")
    if SPEC is not None:  # the action's own fields: switch_inline_query_chosen_chat's flags, a login_url ...
        SPEC.check_object("InlineKeyboardButton", button, "inline keyboard button")
    actions = [k for k in button if k not in BUTTON_DECORATION]
    if len(actions) != 1:
        raise bad("can't parse inline keyboard button: exactly one of the optional fields must be used"
                  if actions else "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard")
    if "callback_data" in button:
        data = button["callback_data"]
        if not isinstance(data, str) or not 1 <= len(data.encode()) <= MAX_CALLBACK_DATA:
            raise bad("BUTTON_DATA_INVALID")
    if "url" in button and not re.match(r"(https?|tg)://\S+$", str(button["url"])):
        raise bad("BUTTON_URL_INVALID")


def check_language_code(code: Any) -> str:
    """setMyCommands' language_code: empty, or two lowercase letters (ISO 639-1)."""
    code = code or ""
    if not (code == "" or (isinstance(code, str) and re.fullmatch(r"[a-z]{2}", code))):
        raise bad("invalid language code specified")
    return code


def check_commands(commands: Any) -> None:
    if not isinstance(commands, list) or len(commands) > 100:
        raise bad("commands must be an Array of at most 100 BotCommand")
    for cmd in commands:
        if not re.fullmatch(r"[a-z0-9_]{1,32}", str(cmd.get("command", ""))):
            raise bad("BOT_COMMAND_INVALID")
        if not 1 <= len(str(cmd.get("description", ""))) <= 256:
            raise bad("BOT_COMMAND_DESCRIPTION_INVALID")
