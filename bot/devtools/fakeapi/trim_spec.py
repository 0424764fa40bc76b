"""Regenerate ``botapi.json``, the Bot API description the fake server checks requests against.

``botapi.json`` is a trimmed copy of ``api.json`` from the GitHub repository
PaulSonOfLars/telegram-bot-api-spec (MIT licence, see ``NOTICE.md`` beside this file): the methods
in ``METHODS`` with every type reachable from them (their parameters, results, the fields of those
types, sub- and parent types), in the same JSON layout, plus the names of all other methods (so the
fake can tell "not implemented here" from "no such method"). A developer tool, not used by the tests
at run time::

    python -m bot.devtools.fakeapi.trim_spec path/to/api.json            # rewrites bot/devtools/fakeapi/botapi.json
    python -m bot.devtools.fakeapi.trim_spec path/to/api.json --check    # exit 1 if botapi.json differs

With the default ``--out`` it also rewrites ``botapi.digest.json``, what the fake reads at run time
(``spec.digest``: the same description without its prose, much quicker to load).

To let the fake implement another method, add it to ``METHODS`` and run this again on a full
``api.json`` of the version named in ``NOTICE.md`` (or a newer one, and update the note).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from . import spec

TRIMMED = Path(__file__).with_name("botapi.json")
SOURCE = "PaulSonOfLars/telegram-bot-api-spec (GitHub), file api.json"
LICENCE = "MIT (see NOTICE.md)"

# What the fake implements: private chats, the club's group chat (pins) and inline mode.
METHODS = (
    "getMe", "logOut", "close", "getUpdates", "setWebhook", "deleteWebhook", "getWebhookInfo",
    "getMyCommands", "setMyCommands", "deleteMyCommands", "setChatMenuButton",
    "getChat", "getChatMember", "getChatAdministrators",
    "sendMessage", "editMessageText", "editMessageReplyMarkup", "deleteMessage", "sendChatAction",
    "pinChatMessage", "unpinChatMessage", "unpinAllChatMessages", "answerCallbackQuery", "answerInlineQuery",
)


def type_names(types: Iterable[str]) -> set[str]:
    """``["Integer", "Array of Array of InlineKeyboardButton"]`` → ``{"Integer", "InlineKeyboardButton"}``."""
    names = set()
    for t in types:
        while t.startswith("Array of "):
            t = t[len("Array of "):]
        names.add(t)
    return names


def reachable_types(full: dict[str, Any], methods: Iterable[str]) -> set[str]:
    """Every type named by the methods' parameters and results, closed over fields and sub/parent types."""
    todo: set[str] = set()
    for name in methods:
        method = full["methods"][name]
        todo |= type_names(method.get("returns", []))
        for f in method.get("fields", []):
            todo |= type_names(f["types"])
    seen: set[str] = set()
    while todo:
        name = todo.pop()
        if name in seen or name not in full["types"]:  # primitives (Integer, String, ...) are no types
            continue
        seen.add(name)
        t = full["types"][name]
        for f in t.get("fields", []):
            todo |= type_names(f["types"])
        todo |= set(t.get("subtypes", [])) | set(t.get("subtype_of", []))
    return seen


def trim(full: dict[str, Any], methods: Iterable[str] = METHODS) -> dict[str, Any]:
    """The trimmed description: same layout as ``api.json``, source order kept."""
    methods = set(methods)
    missing = methods - set(full["methods"])
    if missing:
        raise SystemExit(f"not in this api.json: {sorted(missing)}")
    keep = reachable_types(full, methods)
    return {
        "version": full["version"],
        "release_date": full.get("release_date", ""),
        "changelog": full.get("changelog", ""),
        "source": SOURCE,
        "licence": LICENCE,
        "generated_by": "python -m bot.devtools.fakeapi.trim_spec",
        "other_methods": sorted({*full.get("other_methods", []), *(n for n in full["methods"] if n not in methods)}),
        "methods": {n: m for n, m in full["methods"].items() if n in methods},
        "types": {n: t for n, t in full["types"].items() if n in keep},
    }


def dump(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("api_json", type=Path, help="a full api.json of telegram-bot-api-spec")
    parser.add_argument("--out", type=Path, default=TRIMMED, help=f"default: {TRIMMED}")
    parser.add_argument("--check", action="store_true", help="only compare with --out; exit 1 if it differs")
    args = parser.parse_args(argv)
    trimmed = trim(json.loads(args.api_json.read_text(encoding="utf-8")))
    outputs = {args.out: dump(trimmed)}
    if args.out == TRIMMED:
        outputs[spec.DIGEST] = spec.dump_digest(spec.digest(trimmed))
    if args.check:
        stale = [out for out, text in outputs.items() if not (out.is_file() and out.read_text(encoding="utf-8") == text)]
        for out in outputs:
            print(f"{out}: {'differs from ' + str(args.api_json) if out in stale else 'up to date'}")
        return 1 if stale else 0
    for out, text in outputs.items():
        out.write_text(text, encoding="utf-8")
    text = outputs[args.out]
    data = json.loads(text)
    print(f"{args.out}: {data['version']}, {len(data['methods'])} methods, {len(data['types'])} types, "
          f"{len(text.encode()) // 1024} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
