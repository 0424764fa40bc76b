"""`carpool-bot preview` (issue #10): one HTML page with every window, the transitions
diagram (both drawn by aiogram-dialog itself, issue #18) with every move the page makes,
no token, no database, nothing else written; and the live `aiogram-dialog-preview` server
with the same router factory."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest
from aiogram import Router

from bot.cli import main
from bot.devtools import preview
from dialogs.states import ALL_STATES_GROUPS, MainSG
from models import db
from tests.conftest import require_services

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
OUTPUTS = {Path("out/index.html")}
DIAGRAM = {Path("out/transitions.png"), Path("out/transitions.dot")}
ALL_STATES = [state for group in ALL_STATES_GROUPS for state in group.__states__]


def require_graphviz() -> None:
    """Mirrors conftest's rule for services: a failure under CARPOOL_REQUIRE_SERVICES=1 (CI)."""
    if shutil.which("dot"):
        return
    message = "Graphviz (`dot`) is not installed: install graphviz (apt-get install graphviz) to test the diagram"
    if require_services():
        pytest.fail(f"{message}; it is required here (CARPOOL_REQUIRE_SERVICES=1)")
    pytest.skip(f"{message} (with CARPOOL_REQUIRE_SERVICES=1, as in CI, this fails instead)")


def expected_outputs() -> set[Path]:
    return OUTPUTS | (DIAGRAM if shutil.which("dot") else set())


def files_under(root: Path) -> set[Path]:
    return {p.relative_to(root) for p in root.rglob("*") if p.is_file()}


def windows_html(page: str) -> dict[str, str]:
    """The HTML of each window's message, by state (`MainSG:menu`)."""
    parts = page.split('<div class="message" id="')[1:]
    return {part.split('"', 1)[0]: part for part in parts}


# --- the diagram against the page -----------------------------------------------------------

DONE = "@:-"  # where the preview's fake manager goes on done()/Cancel: back to whoever started the dialog
ENDED = "None"  # a handler that reset the stack (/forget_me): no window after it
NOT_A_WINDOW = (DONE, ENDED)


def page_moves(page: str) -> set[tuple[str, str]]:
    """(window, target) of every button and input on the page; the preview found each target
    by running the handler (aiogram-dialog's simulated events, in the sandbox)."""
    return {(state, target) for state, html in windows_html(page).items()
            for target in re.findall(r'href="#([^"]+)"', html) if target != state}


def diagram(dot_file: Path) -> tuple[set[str], set[tuple[str, str]], set[tuple[str, str]]]:
    """(states, edges, dashed edges) of the diagram `render_transitions` drew, read back with
    Graphviz itself: each node is a window's state name inside its dialog's cluster."""
    proc = subprocess.run(["dot", "-Tjson0", str(dot_file)], capture_output=True, text=True, check=True)
    graph = json.loads(proc.stdout)
    objects = graph["objects"]
    state = {node: f"{cluster['label']}:{objects[node]['label']}"
             for cluster in objects[:graph["_subgraph_cnt"]] for node in cluster.get("nodes", [])}
    edges = {(state[e["tail"]], state[e["head"]]) for e in graph["edges"]}
    dashed = {(state[e["tail"]], state[e["head"]]) for e in graph["edges"] if e.get("style") == "dashed"}
    return set(state.values()), edges, dashed


def undrawn(moves: set[tuple[str, str]], edges: set[tuple[str, str]], dashed: set[tuple[str, str]]) -> list[str]:
    """Moves on the page the diagram does not draw. A move to a window must be an edge. A
    done() (a Cancel, or a handler closing its dialog) must be drawn back to the window that
    started the dialog, when some window draws a start of it (a dialog opened only by a
    command has nowhere to go back to)."""
    started = {b.split(":")[0] for a, b in edges if a.split(":")[0] != b.split(":")[0]}
    back = defaultdict(set)
    for a, b in dashed:
        back[a].add(b)
    missing = [f"{a} -> {b}" for a, b in moves if b not in NOT_A_WINDOW and (a, b) not in edges]
    missing += [f"{a} -> done, drawn back nowhere" for a, b in moves
                if b == DONE and a.split(":")[0] in started and not back[a]]
    return sorted(missing)


# --- the command, in process -------------------------------------------------------------------


@pytest.fixture(scope="module")
def in_process(tmp_path_factory):
    """`main(["preview", ...])` in an empty folder: no .env, no token, a DATABASE_URL that
    must stay unused."""
    root = tmp_path_factory.mktemp("preview_cli")
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(root)
        mp.delenv("TELEGRAM_TOKEN", raising=False)
        mp.setenv("DATABASE_URL", f"sqlite:///{root}/must-not-exist.sqlite3")
        mp.setenv("LOG_DIR", str(root / "logs"))
        bound_before = db.obj
        code = main(["preview", "--out", str(root / "out")])
        bound_after = db.obj
    return root, code, bound_before, bound_after


def test_command_writes_only_its_outputs(in_process):
    root, code, bound_before, bound_after = in_process
    assert code == 0
    assert files_under(root) == expected_outputs(), "the preview wrote something besides its outputs"
    assert bound_after is bound_before, "the models' database binding was not restored"


def test_page_shows_every_state(in_process):
    root, *_ = in_process
    page = (root / "out" / "index.html").read_text(encoding="utf-8")
    missing = [state.state for state in ALL_STATES if f'id="{state.state}"' not in page]
    assert missing == [], f"states missing from the page: {missing}"


def test_buttons_whose_handlers_read_the_database_or_answer_keep_their_links(in_process):
    """The sandbox at work: "New trip" looks the driver up (a driver with templates is seeded),
    "Confirm" in switch-role answers the callback before it moves (a no-op in the preview)."""
    root, *_ = in_process
    windows = windows_html((root / "out" / "index.html").read_text(encoding="utf-8"))
    assert 'href="#NewTripSG:template"' in windows["MainSG:menu"]
    assert 'href="#MainSG:menu"' in windows["SwitchRoleSG:confirm"]


def test_diagram_is_a_png(in_process):
    require_graphviz()
    root, *_ = in_process
    assert (root / "out" / "transitions.png").read_bytes()[:8] == PNG_MAGIC


def test_diagram_draws_every_window_and_every_move_the_page_makes(in_process):
    """The diagram is aiogram-dialog's own: it draws the widgets (SwitchTo, Next, Back, Start,
    Cancel). A jump made in handler code that no widget declares would be missing from it;
    the page, whose presses really run the handlers, shows each such jump."""
    require_graphviz()
    root, *_ = in_process
    states, edges, dashed = diagram(root / "out" / "transitions.dot")
    assert states == {state.state for state in ALL_STATES}
    moves = page_moves((root / "out" / "index.html").read_text(encoding="utf-8"))
    assert len({a for a, b in moves if b not in NOT_A_WINDOW}) > len(ALL_STATES) // 2, "the page moves nowhere?"
    assert undrawn(moves, edges, dashed) == []
    # the check itself: a move whose edge is gone is reported, a done() with no way back too
    for a, b in sorted(moves)[:: max(len(moves) // 10, 1)]:
        if b == DONE and any(x == a for x, _ in dashed):
            no_way_back = {(x, y) for x, y in dashed if x != a}
            assert f"{a} -> done, drawn back nowhere" in undrawn(moves, edges, no_way_back)
        elif b not in NOT_A_WINDOW:
            assert f"{a} -> {b}" in undrawn(moves, edges - {(a, b)}, dashed)


def test_handlers_never_reach_the_bound_database(database, tmp_path):
    """A test (or anything else) bound the models to a real database: the preview's handlers
    run against their own in-memory copy, and the binding is given back untouched."""
    from aiogram.methods.base import TelegramMethod

    from models import User

    original_await = TelegramMethod.__await__
    main(["preview", "--out", str(tmp_path / "out")])
    assert db.obj is database
    assert User.select().count() == 0
    assert TelegramMethod.__await__ is original_await


# --- the command as a process --------------------------------------------------------------------


def test_python_m_bot_preview_in_an_empty_folder(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("TELEGRAM_TOKEN", "DATABASE_URL", "LOG_DIR")}
    env.update(PYTHONDONTWRITEBYTECODE="1", DATABASE_URL=f"sqlite:///{tmp_path}/must-not-exist.sqlite3")
    proc = subprocess.run([sys.executable, "-m", "bot", "preview", "--out", "out"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert files_under(tmp_path) == expected_outputs()
    assert "wrote out/index.html" in proc.stdout
    page = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert all(f'id="{state.state}"' in page for state in ALL_STATES)
    if shutil.which("dot"):
        assert (tmp_path / "out" / "transitions.png").read_bytes()[:8] == PNG_MAGIC
    else:
        assert "Graphviz is not installed" in proc.stderr


def test_without_graphviz_the_page_is_written_with_a_note(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(preview, "graphviz_available", lambda: False)
    assert main(["preview", "--out", str(tmp_path / "out")]) == 0
    assert files_under(tmp_path) == {Path("out/index.html")}
    err = capsys.readouterr().err
    assert "Graphviz is not installed" in err and "apt-get install graphviz" in err


def test_without_the_tools_extra_it_says_what_to_install(tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "diagrams", None)  # `import diagrams` now fails
    assert main(["preview", "--out", str(tmp_path / "out")]) == 2
    assert "pip install -e '.[preview]'" in capsys.readouterr().err
    assert files_under(tmp_path) == set()


# --- the router factory and the live server ----------------------------------------------------


def test_build_preview_router_builds_new_dialogs_every_call():
    first, second = preview.build_preview_router(), preview.build_preview_router()
    assert isinstance(first, Router) and first is not second
    groups = [r.states_group() for r in first.sub_routers]
    assert set(groups) == set(ALL_STATES_GROUPS)
    assert not set(map(id, first.sub_routers)) & set(map(id, second.sub_routers))


async def test_live_preview_router_refuses_the_main_process():
    with pytest.raises(RuntimeError, match="worker"):
        await preview.live_preview_router()


def _live_app():
    """The app `aiogram-dialog-preview bot.devtools.preview:live_preview_router` serves (its main()
    builds exactly these two routes, then runs on port 9876; here it gets a free port)."""
    from aiogram_dialog.tools.web_preview import Controller
    from aiohttp import web

    controller = Controller("bot.devtools.preview", "live_preview_router")
    app = web.Application()
    app.router.add_get("/", controller.preview)
    app.router.add_get("/transitions", controller.transitions)
    return app


async def test_live_server_page():
    from aiohttp.test_utils import TestClient, TestServer

    async with TestClient(TestServer(_live_app(), host="127.0.0.1", port=0)) as client:
        response = await client.get("/")
        page = await response.text()
    assert response.status == 200
    assert [s.state for s in ALL_STATES if f'id="{s.state}"' not in page] == []
    assert 'href="#NewTripSG:template"' in windows_html(page)[MainSG.menu.state]  # the sandbox is on there too


async def test_live_server_diagram():
    require_graphviz()
    from aiohttp.test_utils import TestClient, TestServer

    async with TestClient(TestServer(_live_app(), host="127.0.0.1", port=0)) as client:
        response = await client.get("/transitions")
        body = await response.read()
    assert response.status == 200
    assert body[:8] == PNG_MAGIC
