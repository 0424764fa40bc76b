"""Languages: every text a player reads comes from a Fluent catalog, in their language (issue #19).

Catalogs: `dialogs/locales/<lang>/*.ftl`, one file per area (`common.ftl`, `trips.ftl`, …), the
same keys and placeholders in every language (tests/test_i18n.py). They are compiled to Python
functions by `fluent-compiler` (Fluent's plural and select expressions, picked by the translator:
"1 место / 2 места / 5 мест"), once per process on first use — so tests, the preview and the
benchmarks, which never start a dispatcher, translate too. Dates and month/weekday names come from
Babel's CLDR data.

Why Fluent (through fluent-compiler) and not gettext, and not aiogram-i18n: a Fluent message keeps
its plural forms and word order in the translation (gettext's ngettext knows only "n → form
index", and its catalogs need a compile step); fluent-compiler turns each message into a Python
function (0.2 µs for a plain text, ~14 µs with a plural, where fluent.runtime interprets the
syntax tree on every call); with Babel formatting the numbers a plural picks on and the dates,
a list page still spent ~5 % of its update on texts, so `Tr` keeps what it made (by key and the
values the message reads; see benchmarks/README.md, "Languages"). aiogram-i18n (with
aiogram-dialog-i18n) would bring a second middleware that knows the player's language (ours
already loads the player), load catalogs only on `dp.startup`, and show `key(args)` in the
preview — which would make the "every window in every language" test prove nothing.

Conventions:
- Keys are kebab-case, prefixed by area: `trips-card-seats-free`, `error-seats-range`.
- Arguments: counts as `int` (plurals select on them); ids and anything else as `str` (Fluent
  would print 12345 as "12,345"); user text already escaped with `common.q` (Fluent does not
  escape, and the texts are HTML).
- User text (destinations, addresses, comments, names) is never a key: it is an argument.
- `Tr` for a locale: `tr("key", n=3)`, `tr.date(day)`, `tr.time(at)`; `T("key")` is the widget.

A pseudo-locale, `qps`, wraps every translated text in ⟦…⟧: the tests render every window with
it, and any letters outside the brackets are a text that no catalog supplied.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from datetime import date, time as clock_time
from functools import cache
from pathlib import Path
from typing import Any

from aiogram_dialog.api.protocols import DialogManager
from aiogram_dialog.widgets.common import WhenCondition
from aiogram_dialog.widgets.text import Text

from models.tables import LANGUAGES

log = logging.getLogger(__name__)

DEFAULT_LANGUAGE = "en"
PSEUDO = "qps"  # tests only: English inside ⟦…⟧
# Each language names itself, the same in every catalog: `language-en`, `language-ru`, `language-de`.
LOCALES_DIR = Path(__file__).with_name("locales")

# The current update's language, for code that has no dialog manager at hand (a refusal shown
# with `common.show_error`): `bot.middlewares.user` sets it per update, next to `data["locale"]`.
# Where no update tells (the preview, the benchmarks) it is the default, or `preview --lang`.
current_locale: ContextVar[str] = ContextVar("current_locale", default=DEFAULT_LANGUAGE)

# Texts that could not be made: (locale, key, why) — a key in no catalog, an argument the
# caller did not give. Logged as warnings; tests/test_i18n.py fails on any.
MISSING: set[tuple[str, str, str]] = set()


def pick_language(code: str | None, default: str = DEFAULT_LANGUAGE) -> str:
    """The supported language for Telegram's `language_code` (an IETF tag: "ru", "de-AT",
    "pt-br"), or `default`."""
    base = (code or "").split("-")[0].split("_")[0].lower()
    return base if base in LANGUAGES else default


@cache
def _source(locale: str) -> str:
    files = sorted((LOCALES_DIR / locale).glob("*.ftl"))
    return "\n".join(path.read_text(encoding="utf-8") for path in files)


@cache
def _bundle(locale: str):
    from fluent_compiler.bundle import FluentBundle

    return FluentBundle.from_string(locale, _source(locale), use_isolating=False)


@cache
def _arguments(locale: str) -> dict[str, tuple[str, ...]]:
    """The arguments each message reads (those of the messages it references too): what a
    text depends on, so the same key with the same values is the same text."""
    from fluent.syntax import FluentParser, ast as ftl

    used: dict[str, set[str]] = {}
    refs: dict[str, set[str]] = {}

    def walk(node, names: set[str], messages: set[str]) -> None:
        if isinstance(node, ftl.VariableReference):
            names.add(node.id.name)
        elif isinstance(node, ftl.MessageReference):
            messages.add(node.id.name)
        if isinstance(node, ftl.BaseNode):
            for value in vars(node).values():
                walk(value, names, messages)
        elif isinstance(node, list):
            for item in node:
                walk(item, names, messages)

    for entry in FluentParser().parse(_source(locale)).body:
        if isinstance(entry, ftl.Message):
            used[entry.id.name], refs[entry.id.name] = set(), set()
            walk(entry, used[entry.id.name], refs[entry.id.name])

    def closure(key: str, seen: set[str]) -> set[str]:
        names = set(used.get(key, ()))
        for other in refs.get(key, set()) - seen:
            names |= closure(other, seen | {other})
        return names

    return {key: tuple(sorted(closure(key, {key}))) for key in used}


# Argument types a text can be cached on: immutable, and never equal to a value of another type
# that would print differently (True == 1, 1.0 == 1 and a datetime are left out).
_CACHED_TYPES = frozenset({str, int, date})
_CACHE_LIMIT = 20_000  # texts per language; emptied when full
_UNSET = object()


def catalog_keys(locale: str) -> set[str]:
    return set(_bundle(locale)._compiled_messages)


class Tr:
    """The texts of one language: `tr(key, **args)`, and dates and times formatted for it."""

    def __init__(self, locale: str) -> None:
        self.pseudo = locale == PSEUDO
        self.locale = DEFAULT_LANGUAGE if self.pseudo else locale
        self._bundle = _bundle(self.locale)
        self._fallback = _bundle(DEFAULT_LANGUAGE)
        self._babel = None
        self._arguments = _arguments(self.locale)
        # Made texts by (key, the values of the arguments it reads), and dates by (date, pattern):
        # a window draws the same ones again on every press (a plural or a date through Babel costs
        # 5-25 µs, a cached one a dictionary look-up). A text that could not be made is not kept,
        # so it is reported again every time.
        self._texts: dict[tuple | str, str] = {}
        self._dates: dict[tuple, str] = {}

    def __call__(self, key: str, /, **args: Any) -> str:
        return self.get(key, args)

    def get(self, key: str, args: Mapping[str, Any]) -> str:
        names = self._arguments.get(key)
        if names is None:  # not in this catalog
            return self._format(key, args)
        if names:
            values = tuple(args.get(name, _UNSET) for name in names)
            if not all(type(value) in _CACHED_TYPES for value in values):
                return self._format(key, args)
            made = (key, values)
        else:
            made = key  # a plain text: the same whatever the window's data
        text = self._texts.get(made)
        return self._format(key, args, made) if text is None else text

    def _format(self, key: str, args: Mapping[str, Any], cache_as: tuple | str | None = None) -> str:
        bundle = self._bundle
        if not bundle.has_message(key):
            MISSING.add((self.locale, key, "no such key"))
            log.warning("No text %r in %s", key, self.locale)
            bundle = self._fallback
            if not bundle.has_message(key):
                return key
        text, errors = bundle.format(key, args)
        if errors:
            MISSING.add((self.locale, key, "; ".join(map(str, errors))))
            log.warning("Text %r in %s: %s", key, self.locale, errors)
        text = f"⟦{text}⟧" if self.pseudo else text
        if cache_as is not None and not errors:
            if len(self._texts) >= _CACHE_LIMIT:
                self._texts.clear()
            self._texts[cache_as] = text
        return text

    # --- dates and times (Babel, CLDR) -------------------------------------------------------

    @property
    def babel(self):
        if self._babel is None:
            from babel import Locale

            self._babel = Locale.parse(self.locale)
        return self._babel

    def pattern(self, value: date, pattern: str) -> str:
        """A date as a Babel (CLDR) pattern in this language: `tr.pattern(day, "LLLL")`."""
        text = self._dates.get((value, pattern)) if type(value) is date else None
        if text is None:
            from babel.dates import format_date

            text = format_date(value, pattern, locale=self.babel)
            text = f"⟦{text}⟧" if self.pseudo else text
            if type(value) is date:
                if len(self._dates) >= _CACHE_LIMIT:
                    self._dates.clear()
                self._dates[value, pattern] = text
        return text

    def date(self, day: date | str) -> str:
        """"Thu 03 Dec 2026" / "чт 03 дек. 2026" / "Do. 03 Dez. 2026"."""
        return self.pattern(_as_date(day), "EEE dd MMM y")

    def day(self, day: date | str) -> str:
        """The day without the year: "Thu 03 Dec"."""
        return self.pattern(_as_date(day), "EEE dd MMM")

    def weekday(self, day: date | str) -> str:
        """"Thu" / "чт" / "Do."."""
        return self.pattern(_as_date(day), "EEE")

    def weekday_name(self, day: date | str) -> str:
        """"Thursday" / "четверг" / "Donnerstag"."""
        return self.pattern(_as_date(day), "EEEE")

    def month(self, day: date | str) -> str:
        """The month on its own (Russian's stand-alone form): "December" / "декабрь"."""
        return self.pattern(_as_date(day), "LLLL y")

    @staticmethod
    def time(at: clock_time | None) -> str:
        """24-hour "18:30" in every language the bot speaks."""
        return "" if at is None else f"{at:%H:%M}"


def _as_date(value: date | str) -> date:
    return date.fromisoformat(value) if isinstance(value, str) else value


@cache
def tr_for(locale: str) -> Tr:
    """The translator for a locale (one per process)."""
    return Tr(locale if locale in LANGUAGES or locale == PSEUDO else DEFAULT_LANGUAGE)


def locale_of(manager: DialogManager | None = None, data: Mapping | None = None) -> str:
    """The current update's language: from handler data (`bot.middlewares.user` puts it there),
    else `current_locale`."""
    source = data if data is not None else (manager.middleware_data if manager is not None else {})
    return source.get("locale") or current_locale.get()


def tr_of(manager: DialogManager | None = None, data: Mapping | None = None) -> Tr:
    return tr_for(locale_of(manager, data))


def localized_preview(build: Callable[[Tr], dict]):
    """A window's `preview_data` built when the preview draws it, in the language it draws in
    (not once at import, in whatever language was current then)."""
    async def getter(**kwargs) -> dict:
        return build(tr_of(data=kwargs))

    return getter


ArgsGetter = Callable[[dict], Mapping[str, Any]]


class T(Text):
    """A catalog text as an aiogram-dialog widget: `T("trips-find-empty")`.

    Its arguments are the window's data (the getter's result), or `args(data)` when given;
    nested values are not reachable — a getter hands flat values (see the module's conventions).
    """

    def __init__(self, key: str, args: ArgsGetter | None = None, when: WhenCondition = None) -> None:
        super().__init__(when=when)
        self.key = key
        self.args = args

    async def _render_text(self, data: dict, manager: DialogManager) -> str:
        tr = tr_of(manager)
        return tr.get(self.key, self.args(data) if self.args else data)
