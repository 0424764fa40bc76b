"""Refusals are data (issue #19): every domain error raised in models/ names a catalog key of
dialogs/locales/*/errors.ftl and its parameters, and the dialogs word it in the player's language.

An AST scan finds every `raise <DomainError subclass>(<key>, **params)` in models/: the key must
be a string literal, or a name bound to one (a module constant, a parameter every caller fills
with one); each key renders in every language with exactly the parameters its raise site passes.
The English is the text the bot printed before the keys (the end-to-end tests read it).
"""

from __future__ import annotations

import ast
from datetime import time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from dialogs.common import error_text
from dialogs.i18n import LOCALES_DIR, MISSING, catalog_keys, tr_for
from models import errors, manage, rules, templates, trips, users
from models.errors import DomainError, ValidationError
from models.tables import LANGUAGES

MODELS_DIR = Path(__file__).resolve().parent.parent / "models"
ERROR_CLASSES = {name for name, value in vars(errors).items()
                 if isinstance(value, type) and issubclass(value, DomainError)}

# A value for each parameter name a raise site passes: counts as int (plurals select on them,
# NUMBER() formats them), everything else as str. A new parameter needs a line here.
SAMPLES = {
    "lo": 2, "hi": 100, "most": 10, "sent": 4096, "booked": 2, "minutes": 3,
    "time": "18:30", "shift": "+30", "role": "'pilot'", "reason": "the gym is closed", "name": "Tuesday training",
}


# --- the AST scan ---------------------------------------------------------------------------


class Module:
    def __init__(self, path: Path) -> None:
        self.name = path.stem
        self.tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        self.constants = {
            node.targets[0].id: node.value.value for node in self.tree.body
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
            and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)}
        self.imported = {alias.asname or alias.name: (node.module, alias.name) for node in self.tree.body
                         if isinstance(node, ast.ImportFrom) and node.level == 1 and node.module
                         for alias in node.names}
        self.parents: dict[ast.AST, ast.AST] = {}
        for parent in ast.walk(self.tree):
            for child in ast.iter_child_nodes(parent):
                self.parents[child] = parent

    def function_of(self, node: ast.AST) -> ast.FunctionDef | None:
        while node in self.parents:
            node = self.parents[node]
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                return node
        return None


MODULES = {path.stem: Module(path) for path in sorted(MODELS_DIR.glob("*.py"))}


def _calls_of(function: str):
    """Every call of `function` (by name or as an attribute) anywhere in models/."""
    for module in MODULES.values():
        for node in ast.walk(module.tree):
            if isinstance(node, ast.Call) and (
                    (isinstance(node.func, ast.Name) and node.func.id == function)
                    or (isinstance(node.func, ast.Attribute) and node.func.attr == function)):
                yield module, node


def _keys(expr: ast.AST, module: Module, where: str) -> list[str]:
    """The string literals `expr` can be: a literal, either branch of `a if c else b`, a module
    constant (own or imported from another models module), or a parameter of the enclosing
    function that every call fills with one of these."""
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return [expr.value]
    if isinstance(expr, ast.IfExp):
        return _keys(expr.body, module, where) + _keys(expr.orelse, module, where)
    if isinstance(expr, ast.Name):
        function = module.function_of(expr)
        if function is not None:
            params = [a.arg for a in function.args.posonlyargs + function.args.args]
            if expr.id in params:
                index = params.index(expr.id)
                found = []
                for caller, call in _calls_of(function.name):
                    given = next((k.value for k in call.keywords if k.arg == expr.id), None)
                    if given is None and index < len(call.args):
                        given = call.args[index]
                    assert given is not None, f"{where}: a call of {function.name} gives no {expr.id}"
                    found += _keys(given, caller, f"{caller.name}.py:{call.lineno}")
                assert found, f"{where}: {function.name} is never called, so {expr.id} names no key"
                return found
        if expr.id in module.constants:
            return [module.constants[expr.id]]
        if expr.id in module.imported:
            source, name = module.imported[expr.id]
            return _keys(ast.Name(id=name), MODULES[source], where)
    raise AssertionError(f"{where}: the error's key is not a string literal: {ast.unparse(expr)}")


def raise_sites() -> list[tuple[str, str, tuple[str, ...]]]:
    """(place, key, parameter names) for every domain error raised in models/."""
    sites = []
    for module in MODULES.values():
        for node in ast.walk(module.tree):
            if not (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)
                    and isinstance(node.exc.func, ast.Name) and node.exc.func.id in ERROR_CLASSES):
                continue
            where = f"{module.name}.py:{node.lineno}"
            call = node.exc
            assert len(call.args) == 1, f"{where}: one positional argument, the key; parameters by name"
            assert all(k.arg is not None for k in call.keywords), f"{where}: parameters by name, not **"
            params = tuple(sorted(k.arg for k in call.keywords))
            sites += [(where, key, params) for key in _keys(call.args[0], module, where)]
    return sites


SITES = raise_sites()


def _errors_ftl_keys(language: str) -> set[str]:
    from fluent.syntax import FluentParser
    from fluent.syntax import ast as ftl

    text = (LOCALES_DIR / language / "errors.ftl").read_text(encoding="utf-8")
    return {entry.id.name for entry in FluentParser().parse(text).body if isinstance(entry, ftl.Message)}


def test_the_scan_sees_the_raise_sites():
    """The scan itself works: it finds the errors of every kind of raise site (a literal, a
    constant imported from rules, a parameter filled by the callers, a choice of two keys)."""
    keys = {key for _, key, _ in SITES}
    assert {"error-trip-full", "error-trip-gone", "error-destination-length", "error-address-length",
            "error-trip-left", "error-trip-over", "error-trip-not-yours", "error-template-not-yours",
            "error-unknown-language"} <= keys
    assert len(SITES) >= 50


def test_every_raised_key_is_in_the_catalog_of_every_language():
    """In errors.ftl, or (an area's own refusals, e.g. models/club.py's) in that area's file."""
    assert all(key.startswith("error-") for _, key, _ in SITES)
    for language in LANGUAGES:
        defined = catalog_keys(language)
        missing = sorted({f"{key} ({where})" for where, key, _ in SITES if key not in defined})
        assert not missing, f"{language}: no text for {missing}"


def test_errors_ftl_holds_only_raised_keys():
    raised = {key for _, key, _ in SITES}
    unused = sorted(_errors_ftl_keys("en") - raised)
    assert not unused, f"errors.ftl keys no model raises: {unused}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_key_renders_with_the_parameters_its_raise_site_passes(language):
    tr = tr_for(language)
    unknown = sorted({f"{p} ({where})" for where, _, params in SITES for p in params if p not in SAMPLES})
    assert not unknown, f"parameters with no sample value in SAMPLES: {unknown}"
    MISSING.clear()
    for where, key, params in SITES:
        assert key in catalog_keys(language), f"{where}: {key} not in {language}"
        text = tr(key, **{p: SAMPLES[p] for p in params})
        assert text and text != key and "{" not in text, f"{where}: {key} in {language}: {text!r}"
        for p in params:
            if isinstance(SAMPLES[p], str):
                assert SAMPLES[p] in text, f"{where}: {key} in {language} drops ${p}: {text!r}"
    assert not MISSING, f"texts that could not be made: {sorted(MISSING)}"


# --- the English is what the bot said before, byte for byte -------------------------------


def refusal(call, *args, **kwargs) -> DomainError:
    with pytest.raises(DomainError) as caught:
        call(*args, **kwargs)
    return caught.value


def english(call, *args, **kwargs) -> str:
    return error_text(refusal(call, *args, **kwargs), tr_for("en"))


def test_the_english_texts_are_unchanged():
    utc = ZoneInfo("UTC")
    today = trips.local_today(utc)
    assert english(trips.validate_destination, "x") == "The destination must be 2 to 100 characters long (you sent 1)."
    assert english(trips.validate_address, "y" * 4096) == "The address must be 2 to 200 characters long (you sent 4096)."
    assert english(trips.validate_comment, "z" * 1200) == "The comment can be at most 500 characters (you sent 1200)."
    assert english(trips.validate_comment, "\n".join("abcdefghijklmn")) == \
        "The comment can have at most 12 lines (you sent 14)."
    assert english(trips.validate_seats, "many") == "Send a number of seats from 1 to 8."
    assert english(trips.validate_seats, "9") == "Seats must be from 1 to 8."
    assert english(trips.parse_time, "soon") == "Send the time as HH:MM, for example 18:30 or 9:05."
    assert english(trips.parse_time, "25:61") == "That is not a time of day: hours go 0–23 and minutes 0–59."
    assert english(trips.validate_date, today - timedelta(days=1), utc) == \
        "That date is in the past: pick today or a later day."
    assert english(trips.validate_date, today + timedelta(days=400), utc) == \
        "That is more than a year ahead: pick a closer date."
    assert english(trips.validate_pickup_time, today, time(0, 0), utc) == \
        "00:00 today has already passed: pick a later time."
    assert english(rules.require_pickup_count, 0) == "Add at least one pickup point."
    assert english(rules.require_pickup_count, 11) == "At most 10 pickup points: remove one first."
    assert english(rules.require_trip, None) == "That trip does not exist (any more)."
    assert english(manage.require_seats_cover, 1, 0) == "1 passenger is booked: seats cannot go below 1."
    assert english(manage.require_seats_cover, 3, 2) == "3 passengers are booked: seats cannot go below 3."
    assert english(manage.shift_points, [manage.PointEdit(None, "Station", time(23, 40))], 30) == \
        "Moving the times by +30 min puts 23:40 on another day: change the date instead."
    assert english(manage.shift_points, [manage.PointEdit(None, "Station", time(0, 10))], -15) == \
        "Moving the times by -15 min puts 00:10 on another day: change the date instead."
    assert english(manage.validate_reason, "r" * 301) == "Keep the reason under 300 characters (you sent 301)."
    assert english(templates.validate_name, "n" * 41) == "A template name is 1 to 40 characters (you sent 41)."
    assert english(users.clean_car, "x") == "Describe the car in 2 to 100 characters, e.g. red Skoda, AB-123."
    assert english(users.set_role, 1, "pilot") == "Unknown role 'pilot'."


def test_a_refusal_carries_its_key_and_parameters():
    exc = refusal(trips.validate_destination, "x")
    assert isinstance(exc, ValidationError)
    assert (exc.key, exc.params) == ("error-destination-length", {"lo": 2, "hi": 100, "sent": 1})
    exc = refusal(users.set_language, 1, "fr")
    assert (type(exc), exc.key, exc.params) == (ValidationError, "error-unknown-language", {})
    assert error_text(exc, tr_for("en")) == "I don't speak that language yet: pick one of the buttons."


def test_russian_and_german_refusals_pick_their_plural_forms():
    ru, de = tr_for("ru"), tr_for("de")
    said = {n: error_text(refusal(manage.require_seats_cover, n, 0), ru) for n in (1, 2, 5, 21)}
    assert said == {
        1: "Уже записан 1 пассажир: мест не может быть меньше 1.",
        2: "Уже записаны 2 пассажира: мест не может быть меньше 2.",
        5: "Уже записано 5 пассажиров: мест не может быть меньше 5.",
        21: "Уже записан 21 пассажир: мест не может быть меньше 21.",
    }
    assert error_text(refusal(manage.require_seats_cover, 1, 0), de) == \
        "1 Mitfahrer ist gebucht: weniger als 1 Platz geht nicht."
    assert error_text(refusal(manage.require_seats_cover, 3, 2), de) == \
        "3 Mitfahrer sind gebucht: weniger als 3 Plätze geht nicht."
    assert error_text(refusal(trips.validate_address, "y" * 4096), ru) == "Адрес — от 2 до 200 символов (сейчас 4096)."
    assert error_text(refusal(trips.validate_destination, "x"), de) == \
        "Das Ziel muss 2 bis 100 Zeichen lang sein (du hast 1 geschickt)."


# --- /forget_me forgets the language too ------------------------------------------------------


def test_forget_me_resets_the_language(database):
    from models import User, privacy

    users.register_user(7, "Olga", language="ru")
    users.set_language(7, "de")
    row_id = users.get_user(7).id
    privacy.forget_user(7)
    forgotten = User.get_by_id(row_id)
    assert (forgotten.name, forgotten.language) == (privacy.FORMER_NAME, "")
    user, created = users.register_user(7, "Olga")  # the same account later: a new player, no choice made
    assert created and user.language == ""


# --- a Russian-speaking player reads a refusal in Russian ------------------------------------


async def test_a_russian_player_is_refused_in_russian(env):
    """Bob opened the "Take a seat?" question in English; Ann took the last seat, and Bob
    switched to Russian meanwhile: his ✅ Join is refused in Russian, the card redrawn."""
    from models import ROLE_DRIVER, Participant

    utc = ZoneInfo("UTC")
    users.register_user(1, "Dee Driver", username="dee")
    users.set_role(1, ROLE_DRIVER)
    trip = trips.create_trip(1, trips.TripDraft(
        destination="Club gym", departure_date=trips.local_today(utc) + timedelta(days=2), seats=1,
        pickups=[trips.PickupDraft("Station", time(18))]), utc)
    ann, bob = env.player(2, "Ann"), env.player(3, "Bob")
    for p in (ann, bob):
        await p.send("/start")
        await p.click("🙋 I need a ride")
        await p.send(f"/start trip_{trip.id}")
        await p.click("🙋 Join")  # one pickup point: straight to "Take a seat?"
    await ann.click("✅ Join", ann.screen())
    users.set_language(3, "ru")
    await bob.click("✅ Join")
    alerts = [a.text for a in env.bot.callback_answers() if a.show_alert]
    assert alerts[-1] == "Увы, в этой поездке мест нет."
    assert Participant.select().count() == 1


def test_a_reason_the_bot_wrote_reads_in_the_players_language():
    """Review finding: a trip cancelled because its driver used /forget_me refused a Russian
    player's Join with "Эта поездка отменена: the driver left the club bot"."""
    from dialogs.common import error_text
    from dialogs.i18n import tr_for
    from models import Conflict
    from models.privacy import DRIVER_LEFT

    refusal = Conflict("error-trip-cancelled-because", reason=DRIVER_LEFT)
    russian = error_text(refusal, tr_for("ru"))
    assert "the driver" not in russian and tr_for("ru")("notice-reason-driver-left-bot") in russian
    assert error_text(Conflict("error-trip-cancelled-because", reason="rain"), tr_for("ru")).endswith("rain")
