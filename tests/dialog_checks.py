"""Checks that keep the dialogs declarative and their preview true (aiogram-dialog 2.6).

The jumps themselves are checked where they are drawn: tests/test_preview_command.py reads
the transitions diagram (aiogram-dialog's `render_transitions`) and the preview page, whose
simulated presses run every handler, and requires every move the page makes to be an edge.
Here: every state has a window, and the counts issue #18 keeps small — handler-made jumps,
declared extra transitions, `is_preview()` branches.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from pathlib import Path

from aiogram_dialog import Dialog

DIALOGS_DIR = Path(__file__).resolve().parent.parent / "dialogs"
JUMPS = frozenset({"switch_to", "start", "done", "next", "back"})


def orphan_states(dialogs: Iterable[Dialog]) -> list[str]:
    """States without a window (only direct states, like the preview renderer)."""
    return [st.state for d in dialogs for st in d.states_group().__states__ if st not in d.windows]


def _awaited_calls(root: Path = DIALOGS_DIR) -> Iterable[tuple[str, ast.Call]]:
    for path in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Await) and isinstance(node.value, ast.Call):
                yield f"{path.relative_to(root.parent)}:{node.lineno}", node.value


def handler_jumps(root: Path = DIALOGS_DIR) -> list[str]:
    """`await <manager>.switch_to/start/done/next/back(...)` in dialogs/ code, where
    `<manager>` is a name ending in `manager` (`manager`, `dialog_manager`, `sub_manager`)."""
    return [
        f"{where}: {ast.unparse(call)}"
        for where, call in _awaited_calls(root)
        if isinstance(call.func, ast.Attribute) and call.func.attr in JUMPS
        and isinstance(call.func.value, ast.Name) and call.func.value.id.endswith("manager")
    ]


def is_preview_branches(root: Path = DIALOGS_DIR) -> list[str]:
    """Calls of `is_preview()` in dialogs/ code: the preview runs on a throwaway database."""
    found = []
    for path in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "is_preview":
                found.append(f"{path.relative_to(root.parent)}:{node.lineno}")
    return found


def extra_transitions(dialogs: Iterable[Dialog]) -> list[str]:
    """Entries of `preview_add_transitions`: jumps declared a second time for the diagram."""
    return [
        f"{state.state}: {type(widget).__name__}"
        for dialog in dialogs
        for state, window in dialog.windows.items()
        for widget in (getattr(window, "preview_add_transitions", None) or [])
    ]
