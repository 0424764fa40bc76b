"""Checks that keep the dialog preview true (aiogram-dialog 2.6; runtime introspection + ast).

`orphan_states`: states without a window. `undeclared_jumps`: for each window, the
handlers its widgets call are parsed; every `manager.start/switch_to/next/back/done`
they (or the project helpers they call, with the arguments bound) can reach must be
declared by the window's keyboard or `preview_add_transitions`.
Adapted from bomzheg/Shvatka's AST check, working on live Dialog objects.
"""
from __future__ import annotations

import ast
import functools
import inspect
import textwrap
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from aiogram.fsm.state import State
from aiogram_dialog import Dialog, DialogManager
from aiogram_dialog.widgets.common.base import BaseWidget
from aiogram_dialog.widgets.kbd import Back, Cancel, Group, Next, Start, SwitchTo
from aiogram_dialog.widgets.widget_event import SimpleEventProcessor

DONE = "<done>"            # pseudo-target for manager.done() / Cancel
_MISSING = object()


# ---------------------------------------------------------------- every state has a window
def orphan_states(dialogs: Iterable[Dialog]) -> list[str]:
    return [
        st.state
        for d in dialogs
        for st in d.states_group().__states__      # only direct states, like the preview renderer
        if st not in d.windows
    ]


# ---------------------------------------------------------------- declared transitions
def _walk_kbd(kbds) -> Iterator[Any]:
    """Same traversal as aiogram_dialog.tools.transitions.walk_keyboard (Group.buttons only)."""
    for kbd in kbds:
        if isinstance(kbd, Group):
            yield from _walk_kbd(kbd.buttons)
        else:
            yield kbd


def _step(dialog: Dialog, state: State, delta: int) -> State | None:
    states = dialog.states()
    i = states.index(state) + delta
    return states[i] if 0 <= i < len(states) else None


def declared_targets(dialog: Dialog, window) -> set[State | str]:
    state = window.get_state()
    out: set[State | str] = {state}                 # switch_to(own state) is a re-render
    for kbd in _walk_kbd([window.keyboard, *(window.preview_add_transitions or [])]):
        if isinstance(kbd, (Start, SwitchTo)):
            out.add(kbd.state)
        elif isinstance(kbd, Next):
            out.add(_step(dialog, state, +1))
        elif isinstance(kbd, Back):
            out.add(_step(dialog, state, -1))
        elif isinstance(kbd, Cancel):
            out.add(DONE)
    out.discard(None)
    return out


# ---------------------------------------------------------------- handlers referenced by widgets
def _is_library(fn: Callable) -> bool:
    return (getattr(fn, "__module__", "") or "").startswith(("aiogram_dialog", "aiogram."))


def _unwrap(fn: Any) -> Callable | None:
    while True:
        if isinstance(fn, functools.partial):
            fn = fn.func
        elif inspect.ismethod(fn):
            fn = fn.__func__
        elif hasattr(fn, "__wrapped__"):          # functools.wraps decorators (e.g. dishka @inject)
            fn = fn.__wrapped__
        else:
            break
    return fn if inspect.isfunction(fn) else None


SKIP_ATTRS = {"preview_add_transitions", "getter"}


def window_handlers(window) -> set[Callable]:
    """User callbacks reachable from a window: on_click/on_success/func/on_state_changed/..."""
    found: set[Callable] = set()
    seen: set[int] = set()

    def visit(obj: Any) -> None:
        if id(obj) in seen:
            return
        seen.add(id(obj))
        if isinstance(obj, SimpleEventProcessor):     # ensure_event_processor(on_click) wrapper
            obj = obj.callback
            if (fn := _unwrap(obj)) and not _is_library(fn):
                found.add(fn)
            return
        if isinstance(obj, (list, tuple, set)):
            for x in obj:
                visit(x)
            return
        if isinstance(obj, dict):
            for x in obj.values():
                visit(x)
            return
        if isinstance(obj, BaseWidget) or obj is window:
            for name, value in vars(obj).items():
                if name in SKIP_ATTRS:
                    continue
                if name == "user_on_click":            # SwitchTo/Start/Next/Back/Cancel keep it raw
                    if (fn := _unwrap(value)) and not _is_library(fn):
                        found.add(fn)
                    continue
                visit(value)

    visit(window)
    if (fn := _unwrap(getattr(window, "on_process_result", None))) and not _is_library(fn):
        found.add(fn)
    return found


# ---------------------------------------------------------------- ast: where does a handler jump?
@dataclass
class Jumps:
    targets: set[State | str] = field(default_factory=set)
    unresolved: list[str] = field(default_factory=list)


def _namespace(fn: Callable) -> dict[str, Any]:
    ns = dict(fn.__globals__)
    try:
        ns.update(inspect.getclosurevars(fn).nonlocals)
    except (TypeError, ValueError):
        pass
    return ns


def _resolve(node: ast.AST, ns: dict[str, Any]) -> Any:
    if isinstance(node, ast.Name):
        return ns.get(node.id, _MISSING)
    if isinstance(node, ast.Attribute):
        base = _resolve(node.value, ns)
        return _MISSING if base is _MISSING else getattr(base, node.attr, _MISSING)
    return _MISSING


def _resolve_all(node: ast.AST | None, ns: dict[str, Any], local: dict[str, list], bound: dict[str, list]) -> list:
    """Every value an expression may take: helper arguments bound by the caller, local
    assignments, both arms of `a if c else b`, and every value of `{...}[key]`."""
    if node is None:
        return [_MISSING]
    if isinstance(node, ast.Name) and node.id in bound:
        return bound[node.id]
    if isinstance(node, ast.Name) and node.id in local:
        return [v for expr in local[node.id] for v in _resolve_all(expr, ns, {}, bound)]
    if isinstance(node, ast.IfExp):
        return _resolve_all(node.body, ns, local, bound) + _resolve_all(node.orelse, ns, local, bound)
    if isinstance(node, ast.Subscript):
        container = node.value
        if isinstance(container, ast.Name) and container.id in local:
            exprs = local[container.id]
            if all(isinstance(e, ast.Dict) for e in exprs):
                return [v for e in exprs for item in e.values for v in _resolve_all(item, ns, {}, bound)]
        return [_MISSING]
    return [_resolve(node, ns)]


def _local_assignments(tree: ast.AST) -> dict[str, list]:
    local: dict[str, list] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            local.setdefault(node.targets[0].id, []).append(node.value)
    return local


def _bind(callee: Callable, call: ast.Call, ns, local, bound) -> dict[str, list]:
    try:
        params = list(inspect.signature(callee).parameters)
    except (TypeError, ValueError):
        return {}
    out = {}
    for name, arg in zip(params, call.args):
        out[name] = _resolve_all(arg, ns, local, bound)
    for kw in call.keywords:
        if kw.arg:
            out[kw.arg] = _resolve_all(kw.value, ns, local, bound)
    return out


def _manager_names(fn: Callable) -> set[str]:
    names = {"manager", "dialog_manager"}
    for p in inspect.signature(fn).parameters.values():
        ann = p.annotation
        if ann is DialogManager or (isinstance(ann, str) and ann.endswith("DialogManager")):
            names.add(p.name)
    return names


def _state_arg(call: ast.Call) -> ast.AST | None:
    if call.args:
        return call.args[0]
    return next((k.value for k in call.keywords if k.arg == "state"), None)


def handler_jumps(fn: Callable, dialog: Dialog, state: State, _seen=None, bound=None) -> Jumps:
    _seen = _seen if _seen is not None else set()
    bound = bound or {}
    res = Jumps()
    key = (fn, repr(sorted((k, [str(x) for x in v]) for k, v in bound.items())))
    if key in _seen:
        return res
    _seen.add(key)
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(fn)))
    except (OSError, TypeError, SyntaxError):            # lambdas on one line, C funcs...
        res.unresolved.append(f"{fn.__qualname__}: source not parseable")
        return res
    ns, managers = _namespace(fn), _manager_names(fn)
    local = _local_assignments(tree)
    for call in ast.walk(tree):
        if not isinstance(call, ast.Call):
            continue
        f = call.func
        if isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) and f.value.id in managers:
            if f.attr in ("switch_to", "start"):
                targets = _resolve_all(_state_arg(call), ns, local, bound)
                for target in targets:
                    if isinstance(target, State):
                        res.targets.add(target)
                    else:
                        res.unresolved.append(f"{fn.__qualname__}: {ast.unparse(call)}")
            elif f.attr == "next":
                res.targets.add(_step(dialog, state, +1))
            elif f.attr == "back":
                res.targets.add(_step(dialog, state, -1))
            elif f.attr == "done":
                res.targets.add(DONE)
            continue
        callee = _unwrap(_resolve(f, ns))               # follow project helpers
        if callee is not None and not _is_library(callee) and "site-packages" not in (inspect.getsourcefile(callee) or ""):
            sub = handler_jumps(callee, dialog, state, _seen, _bind(callee, call, ns, local, bound))
            res.targets |= sub.targets
            res.unresolved += sub.unresolved
    res.targets.discard(None)
    return res


def undeclared_jumps(dialogs: Iterable[Dialog]) -> tuple[list[str], list[str]]:
    problems, unresolved = [], []
    for dialog in dialogs:
        for state, window in dialog.windows.items():
            declared = declared_targets(dialog, window)
            for fn in sorted(window_handlers(window), key=lambda f: f.__qualname__):
                j = handler_jumps(fn, dialog, state)
                unresolved += [f"{state.state}: {u}" for u in j.unresolved]
                for target in sorted(j.targets - declared, key=str):
                    name = target if isinstance(target, str) else target.state
                    problems.append(f"{state.state}: {fn.__qualname__} -> {name} not in preview_add_transitions")
    return problems, unresolved
