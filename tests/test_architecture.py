"""The layers keep their direction: dialogs → models, bot → dialogs/models; `models/` imports
neither, nor aiogram, has no import cycle (function-local imports count too), keeps every read
query a screen shows in one module (`models.queries`) and formats nothing for the user: it
returns data, `dialogs/` turns it into text."""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
import unicodedata
from datetime import time, timedelta
from graphlib import CycleError, TopologicalSorter
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

ROOT = Path(__file__).resolve().parent.parent
MODELS = sorted((ROOT / "models").glob("*.py"))
NAMES = [p.stem for p in MODELS if p.stem != "__init__"]

# The read queries screens (and notification renderers) show, each defined once, in models.queries.
SCREEN_READS = (
    "list_upcoming", "TripRow", "trip_card", "TripCard", "PointView", "trip_version", "trip_exists",
    "require_trip_id", "pickup_points", "my_rides", "RideRow", "driven_trips", "DrivenRow",
    "passenger_telegram_ids", "past_trips", "PastRow", "role_stats", "RoleStats", "people",
    "list_templates", "template", "recent_destination_choices", "destination_of_own_trip", "seats_taken",
)


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _imports(path: Path) -> set[str]:
    """Every module `path` imports, anywhere in it (also inside functions), as absolute names."""
    package = path.parent.name
    found = set()
    for node in ast.walk(_tree(path)):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join([package] + ([base] if base else []))
            found.add(base)
            # `from . import outbox` imports the submodule models.outbox
            found |= {f"{base}.{alias.name}" for alias in node.names if base == package}
    return found


def _models_imports(path: Path) -> set[str]:
    return {m.split(".")[1] for m in _imports(path) if m.startswith("models.") and m.count(".") == 1} - {"__init__"}


def test_models_import_no_aiogram_no_dialogs_no_bot():
    for path in MODELS:
        wrong = {m for m in _imports(path) if m.split(".")[0] in ("aiogram", "aiogram_dialog", "dialogs", "bot")}
        assert not wrong, f"models/{path.name} imports {sorted(wrong)}"


def test_dialogs_never_import_bot():
    for path in sorted((ROOT / "dialogs").rglob("*.py")):
        assert not {m for m in _imports(path) if m.split(".")[0] == "bot"}, path


def test_importing_every_models_module_loads_no_aiogram():
    """Statically clean is not enough: a third-party import could pull aiogram in."""
    code = "import sys\n" + "".join(f"import models.{n}\n" for n in NAMES) + (
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('aiogram', 'aiogram_dialog', 'dialogs', 'bot'))\n"
        "assert not bad, bad\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


def test_models_have_no_import_cycle():
    graph = {path.stem: _models_imports(path) - {path.stem} for path in MODELS if path.stem != "__init__"}
    try:
        order = list(TopologicalSorter(graph).static_order())
    except CycleError as exc:
        pytest.fail(f"import cycle inside models/: {' → '.join(exc.args[1])}")
    assert set(order) >= set(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_each_models_module_imports_alone(name):
    """Imported first, in a fresh `models` package: no module relies on another one having been
    imported before it (the package is restored afterwards for the other tests)."""
    saved = {k: v for k, v in sys.modules.items() if k == "models" or k.startswith("models.")}
    for key in saved:
        del sys.modules[key]
    try:
        importlib.import_module(f"models.{name}")
    finally:
        for key in [k for k in sys.modules if k == "models" or k.startswith("models.")]:
            del sys.modules[key]
        sys.modules.update(saved)


def _top_level_names(path: Path) -> set[str]:
    names = set()
    for node in _tree(path).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
        elif isinstance(node, ast.ImportFrom):
            names |= {alias.asname or alias.name for alias in node.names}
    return names


def test_screen_reads_live_in_models_queries_only():
    """Defined in queries.py, and no other models module defines, aliases or re-exports them."""
    queries = _top_level_names(ROOT / "models" / "queries.py") if (ROOT / "models" / "queries.py").exists() else set()
    assert not set(SCREEN_READS) - queries, f"missing in models/queries.py: {sorted(set(SCREEN_READS) - queries)}"
    for path in MODELS:
        if path.stem != "queries":
            assert not set(SCREEN_READS) & _top_level_names(path), f"models/{path.name} has its own copy"


def _is_trip_id(node: ast.AST) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == "id" and isinstance(node.value, ast.Name) \
        and node.value.id == "Trip"


def test_subqueries_over_trips_are_written_once():
    """A subquery correlated with the outer trip (`X.trip == Trip.id`: seats taken, first pickup
    time, the viewer's seat) is written in models/queries.py, each kind once."""
    where: dict[str, list[str]] = {}
    for path in MODELS:
        for node in ast.walk(_tree(path)):
            if isinstance(node, ast.Compare) and len(node.comparators) == 1 and _is_trip_id(node.comparators[0]) \
                    and isinstance(node.left, ast.Attribute) and node.left.attr == "trip":
                where.setdefault(ast.unparse(node.left), []).append(f"{path.name}:{node.lineno}")
    assert where, "no correlated subquery found: the check itself is broken"
    for column, places in where.items():
        assert all(p.startswith("queries.py:") for p in places), f"{column} == Trip.id outside queries.py: {places}"
    text = "".join(p.read_text(encoding="utf-8") for p in MODELS)
    assert text.count("fn.MIN(PickupPoint.time)") == 1, "the first pickup time, written more than once"


def _user_facing(value: str) -> bool:
    """HTML formatting tags, or a pictograph (emoji): what a message shows, not what a rule says."""
    tags = ("<b>", "<i>", "<u>", "<s>", "<code>", "<pre>", "<br")
    return any(t in value for t in tags) or any(
        unicodedata.category(ch) == "So" and not 0x2800 <= ord(ch) <= 0x28FF for ch in value)  # not Braille


def _docstrings(tree: ast.Module) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                ids.add(id(first.value))
    return ids


def test_models_format_nothing_for_the_user():
    """No string in models/ (docstrings aside) holds HTML formatting or an emoji, and only
    models.privacy imports `html`: it finds a forgotten player's name in the escaped text of
    notifications written before they were rendered at send time, and writes no markup."""
    for path in MODELS:
        tree = _tree(path)
        skip = _docstrings(tree)
        found = [f"{path.name}:{n.lineno}: {n.value!r}" for n in ast.walk(tree)
                 if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in skip
                 and _user_facing(n.value)]
        assert not found, "user-facing formatting in models/:\n" + "\n".join(found)
        if path.stem != "privacy":
            assert "html" not in _imports(path), f"models/{path.name} imports html"


def test_an_edit_plan_is_data_and_the_dialog_formats_it(database):
    """`plan_edit` returns the changes as values (user text as typed, dates and times as such);
    the edit window escapes, cuts and words them."""
    from dialogs.manage.dialog import diff_lines
    from models import ROLE_DRIVER, manage, queries, trips, users

    utc = ZoneInfo("UTC")
    users.register_user(1, "Dee")
    users.set_role(1, ROLE_DRIVER)
    day = trips.local_today(utc) + timedelta(days=1)
    trip = trips.create_trip(1, trips.TripDraft("Gym <A&B>", day, 3, [trips.PickupDraft("Station", time(18))]), utc)
    [point] = queries.pickup_points(trip.id)
    plan = manage.plan_edit(1, trip.id, manage.TripEdit(
        destination="Arena & Co", departure_date=day + timedelta(days=1), seats=4, comment="x" * 200,
        pickups=[manage.PointEdit(point.id, "Station", time(18, 30)), manage.PointEdit(None, "Oak <12>", time(19))]))
    assert plan.changes[:3] == [
        manage.Change("destination", "Gym <A&B>", "Arena & Co"),
        manage.Change("date", day, day + timedelta(days=1)),
        manage.Change("seats", 3, 4),
    ]
    assert plan.changes[4:] == [
        manage.Change("pickup", manage.PointEdit(point.id, "Station", time(18)),
                      manage.PointEdit(point.id, "Station", time(18, 30))),
        manage.Change("pickup", None, manage.PointEdit(None, "Oak <12>", time(19))),
    ]
    lines = diff_lines(plan.changes)
    assert lines[0] == "🏁 Destination: Gym &lt;A&amp;B&gt; → Arena &amp; Co"
    assert lines[1] == f"📅 Date: {day:%a %d %b %Y} → {day + timedelta(days=1):%a %d %b %Y}"
    assert lines[3] == f"💬 Comment: — → {'x' * 149}…"
    assert lines[4:] == ["📍 18:00 Station → 18:30 Station", "📍 New pickup: 19:00 Oak &lt;12&gt;"]
