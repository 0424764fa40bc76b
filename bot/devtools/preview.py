"""Dialog preview for developers: every window on one HTML page, and the transitions diagram.

`carpool-bot preview [--out DIR]` calls `write_preview()`; the live server
`aiogram-dialog-preview bot.devtools.preview:live_preview_router` renders the same page on
request. Both draw with aiogram-dialog's own `render_preview` and `render_transitions`, and
need the `[preview]` extra (aiogram-dialog's `tools`: the `diagrams` package), no bot token
and no database.

`render_preview(simulate_events=True)` really runs each button's handler to find
the window it opens, and swallows whatever the handler raises. So that those handlers
can neither touch a real database nor lose their link to an error, they run inside
`preview_sandbox()`:
- the models' `DatabaseProxy` points at a private in-memory SQLite built from the real
  migrations, holding the player aiogram-dialog's fake manager acts as (Telegram id 1) —
  a driver with templates and recent destinations, matching the windows' `preview_data`;
  whatever it was bound to before (a test database, say) is restored afterwards;
- a Bot API call on an event bound to no bot (the fake callback query's `answer()`)
  does nothing instead of raising, so a handler that answers and then moves keeps its link
  (bot/compat/preview_events.py).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from aiogram import Router

from ..compat.preview_events import unbound_bot_calls_do_nothing

EXTRA_HINT = "pip install -e '.[preview]'"
PAGE_NAME = "index.html"
DIAGRAM_NAME = "transitions"  # transitions.png and transitions.dot (its Graphviz source, laid out)
DIAGRAM_TITLE = "Carpool bot: dialog transitions"
GRAPHVIZ_NOTE = (
    "note: Graphviz is not installed (no `dot` on PATH), so the transitions diagram was skipped; "
    "install it (e.g. `apt-get install graphviz` or `brew install graphviz`) and run again."
)
PREVIEW_TELEGRAM_ID = 1  # the user aiogram-dialog's preview FakeManager acts as


class PreviewToolsMissing(RuntimeError):
    def __init__(self, error: ImportError) -> None:
        super().__init__(
            f"The dialog preview needs aiogram-dialog's preview tools ({error}). Install them with: {EXTRA_HINT}"
        )


def _tools():
    """aiogram-dialog's `tools` (the `[preview]` extra), or PreviewToolsMissing."""
    try:
        import diagrams  # noqa: F401  (what the `tools` extra adds; the diagram is drawn with it)
        from aiogram_dialog.tools import preview, transitions
    except ImportError as exc:
        raise PreviewToolsMissing(exc) from None
    return preview, transitions


def graphviz_available() -> bool:
    return shutil.which("dot") is not None


def build_preview_router() -> Router:
    """A fresh router with new Dialog objects (a Dialog can have only one parent)."""
    from dialogs import build_dialogs

    from dialogs.states import MainSG

    router = Router(name="preview")
    # The main menu last: its language window's simulated presses switch the language of every
    # window drawn after them (the handler redraws the menu in the new one), and nothing comes
    # after the menu's last window.
    router.include_routers(*sorted(build_dialogs(), key=lambda d: d.states_group() is MainSG))
    return router


# --- the sandbox handlers run in ------------------------------------------------------------


def _windows(router: Router) -> dict:
    from aiogram_dialog.setup import collect_dialogs

    return {state: window for dialog in collect_dialogs(router) for state, window in dialog.windows.items()}


def _preview_data(router: Router, state, key: str) -> list:
    """`preview_data[key]` of the window for `state` (a plain dict; [] for anything else)."""
    from aiogram_dialog.widgets.data.data_context import StaticGetter

    window = _windows(router).get(state)
    getter = getattr(getattr(window, "getter", None), "preview_getter", None)  # Window wraps preview_data
    data = getter.data if isinstance(getter, StaticGetter) else None
    return list(data.get(key) or []) if isinstance(data, dict) else []


def seed_preview_database(router: Router) -> None:
    """The acting player as a driver (dialogs.common.PreviewUser) with the templates and
    recent destinations the wizard's windows show, under the same ids, so that choosing
    one in the preview opens the next window as it would for real."""
    from datetime import date, datetime, time, timedelta

    from dialogs.common import PreviewUser
    from dialogs.states import NewTripSG
    from models import PickupPoint, TemplatePickupPoint, Trip, TripTemplate, User, db

    person = PreviewUser()
    points = [("Central Station, north exit", time(17, 45)), ("Oak Street 12", time(18, 0))]
    day = date.today() + timedelta(days=8)
    with db.atomic():
        driver = User.create(telegram_id=PREVIEW_TELEGRAM_ID, name=person.name, username="anna_example",
                             role=person.role, car=person.car)
        for template_id, name in _preview_data(router, NewTripSG.template, "templates"):
            template = TripTemplate.create(id=template_id, driver=driver, name=str(name)[:40],
                                           destination=str(name)[:100], seats=3)
            for position, (address, at) in enumerate(points):
                TemplatePickupPoint.create(template=template, address=address, time=at, position=position)
        for trip_id, destination in _preview_data(router, NewTripSG.destination, "recent"):
            start = day - timedelta(days=7 * int(trip_id))
            trip = Trip.create(id=trip_id, driver=driver, destination=str(destination)[:100], departure_date=start,
                               seats=3, departs_at=datetime.combine(start, points[0][1]),
                               ends_at=datetime.combine(start, points[-1][1]))
            for position, (address, at) in enumerate(points):
                PickupPoint.create(trip=trip, address=address, time=at, position=position)


def preview_database():
    """A private in-memory SQLite with every migration applied (no file is ever created)."""
    import peewee as pw

    from ..infra.db import make_router, open_database

    database = open_database("sqlite:///:memory:", foreign_keys=False)  # migrations run with them off
    database.connect()
    make_router(database).run()
    database.execute_sql("PRAGMA foreign_keys=1")
    assert isinstance(database, pw.SqliteDatabase) and database.database == ":memory:"
    return database


@contextmanager
def preview_sandbox(router: Router) -> Iterator[None]:
    """Bind the models to a seeded in-memory database and make bot-less Bot API calls no-ops;
    restore both afterwards."""
    from models import db

    previous = db.obj
    database = preview_database()
    db.initialize(database)
    try:
        seed_preview_database(router)
        with unbound_bot_calls_do_nothing():
            yield
    finally:
        db.initialize(previous)
        database.close()


# --- the outputs ----------------------------------------------------------------------------


async def write_preview(out_dir: Path, lang: str = "en") -> list[Path]:
    """Write `out_dir`/index.html (every window of every dialog; buttons link to the window
    they open) and, when Graphviz is installed, `out_dir`/transitions.png and .dot (its
    Graphviz source, laid out), both by aiogram-dialog's own `render_preview` and
    `render_transitions`. Returns the files written. Raises PreviewToolsMissing without the
    `[preview]` extra. `lang`: the language every window is drawn in (its preview data too)."""
    from dialogs.i18n import current_locale

    preview, transitions = _tools()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    token = current_locale.set(lang)
    try:
        router = build_preview_router()
        page = out_dir / PAGE_NAME
        with preview_sandbox(router):
            await preview.render_preview(router, str(page), simulate_events=True)
    finally:
        current_locale.reset(token)
    written = [page]
    if graphviz_available():
        base = out_dir / DIAGRAM_NAME
        transitions.render_transitions(router, title=DIAGRAM_TITLE, filename=str(base), format=["png", "dot"])
        written += [base.with_suffix(".png"), base.with_suffix(".dot")]
    return written


# --- the live server --------------------------------------------------------------------------

_live = ExitStack()


async def live_preview_router() -> Router:
    """For `aiogram-dialog-preview bot.devtools.preview:live_preview_router`: the server calls this (and
    renders) in a throwaway worker process for every page, so the sandbox stays on there for
    the rest of that process. Refuses to run in a main process, where it would leak."""
    import multiprocessing

    if multiprocessing.parent_process() is None:
        raise RuntimeError("live_preview_router() is for aiogram-dialog-preview's worker processes; "
                           "use build_preview_router() with preview_sandbox() instead")
    _tools()
    router = build_preview_router()
    _live.enter_context(preview_sandbox(router))
    return router
