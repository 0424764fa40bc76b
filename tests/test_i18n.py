"""Languages (issue #19): the catalogs agree with each other, and every window of every dialog
draws from them in every language, with nothing hard-coded left.

The "nothing hard-coded" check renders every window in the pseudo-locale `qps`, where each
catalog text comes out inside ⟦…⟧: what is left outside the brackets is either user text from
the preview data (destinations, names, addresses — never translated) or a text no catalog
supplied.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from aiogram import Router
from aiogram_dialog.tools.preview import FakeManager, render_dialog
from fluent.syntax import FluentParser, ast as ftl

from dialogs import build_dialogs
from dialogs.i18n import LOCALES_DIR, MISSING, PSEUDO, current_locale
from dialogs.states import ALL_STATES_GROUPS
from models.tables import LANGUAGES

# User text in the preview data (tests/… and dialogs/*/render.py preview fixtures): shown as typed.
PREVIEW_USER_TEXT = [
    "Away game at Riverside Arena", "Tuesday training", "Club gym", "Cup final", "Riverside Arena",
    "Central Station, north exit", "Oak Street 12", "Sports centre car park", "Bring the ball bag, please.",
    "the game was moved", "red Skoda, AB-123", "Dee Driver", "Ann Smith", "Bob Jones", "Cat Lee",
    "Fay Newcomer", "Anna Example", "Eve Wheeler", "Dee", "Ann", "Bob", "Cat", "Fay", "Anna", "Eve",
]
LETTERS = re.compile(r"[A-Za-zÀ-ÿА-Яа-яЁё]")


def _messages(path: Path) -> dict[str, ftl.Message]:
    resource = FluentParser().parse(path.read_text(encoding="utf-8"))
    junk = [entry.content for entry in resource.body if isinstance(entry, ftl.Junk)]
    assert not junk, f"{path}: lines Fluent cannot read (it would drop them silently): {junk}"
    return {entry.id.name: entry for entry in resource.body if isinstance(entry, ftl.Message)}


def _variables(message: ftl.Message) -> set[str]:
    found: set[str] = set()

    def walk(node) -> None:
        if isinstance(node, ftl.VariableReference):
            found.add(node.id.name)
        if isinstance(node, ftl.BaseNode):
            for value in vars(node).values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(message)
    return found


def _catalog(language: str) -> dict[str, dict[str, ftl.Message]]:
    return {path.name: _messages(path) for path in sorted((LOCALES_DIR / language).glob("*.ftl"))}


def test_every_language_has_the_same_files_keys_and_placeholders():
    english = _catalog("en")
    assert english, "no English catalog"
    for language in LANGUAGES:
        catalog = _catalog(language)
        assert sorted(catalog) == sorted(english), f"{language}: other files than English"
        for name, messages in english.items():
            theirs = catalog[name]
            assert sorted(theirs) == sorted(messages), (
                f"{language}/{name}: missing {sorted(set(messages) - set(theirs))}, "
                f"extra {sorted(set(theirs) - set(messages))}")
            for key, message in messages.items():
                assert _variables(theirs[key]) == _variables(message), f"{language}/{name}: {key} placeholders"


def test_a_key_is_defined_once():
    seen: dict[str, str] = {}
    for name, messages in _catalog("en").items():
        for key in messages:
            assert key not in seen, f"{key} in both {seen[key]} and {name}"
            seen[key] = name


def test_russian_plurals_take_three_forms():
    from dialogs.i18n import tr_for

    tr = tr_for("ru")
    assert [tr("page-info", page=n, pages=n) for n in (1, 2)] == ["страница 1 из 1", "страница 2 из 2"]
    assert tr.date("2026-12-03") == "чт 03 дек. 2026"
    assert tr.month("2026-12-03") == "декабрь 2026"  # the stand-alone form


def _rest(text: str) -> str:
    """What is left of a pseudo-locale text outside ⟦…⟧, without tags and user text."""
    previous = None
    while previous != text:
        previous, text = text, re.sub(r"⟦[^⟦⟧]*⟧", " ", text)
    text = re.sub(r"<[^>]*>", " ", text)
    for value in sorted(PREVIEW_USER_TEXT, key=len, reverse=True):
        text = text.replace(value, " ")
        for end in range(len(value) - 1, 2, -1):  # cut to fit a button: "Away game at R…"
            text = text.replace(value[:end].rstrip() + "…", " ")
    return text


async def _render(group, language: str):
    token = current_locale.set(language)
    try:
        dialogs = [d for d in build_dialogs() if d.states_group() is group]
        router = Router()
        router.include_routers(*dialogs)
        return await render_dialog(FakeManager(), group, dialogs[0], simulate_events=False)
    finally:
        current_locale.reset(token)


@pytest.mark.parametrize("group", ALL_STATES_GROUPS, ids=lambda g: g.__name__)
async def test_every_window_is_translated(group):
    MISSING.clear()
    rendered = await _render(group, PSEUDO)
    leftovers = []
    for window in rendered.windows:
        texts = [window.message] + [button.title for row in window.keyboard for button in row]
        for text in texts:
            rest = _rest(text)
            if LETTERS.search(rest):
                leftovers.append(f"{window.state}: {rest.strip()!r} in {text!r}")
    assert not leftovers, "texts no catalog supplied:\n" + "\n".join(leftovers)
    for language in LANGUAGES:
        await _render(group, language)
    assert not MISSING, f"texts that could not be made: {sorted(MISSING)}"
