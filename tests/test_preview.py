"""Every state of every dialog has a window that renders from its preview data, and
every jump a handler makes is declared (so the preview and the diagram are true)."""

import re

from aiogram import Router
from aiogram_dialog.tools.preview import render_preview_content

from dialogs import build_dialogs
from dialogs.states import ALL_STATES_GROUPS
from tests.dialog_checks import orphan_states, undeclared_jumps


def test_every_states_group_has_a_dialog():
    groups = {d.states_group() for d in build_dialogs()}
    assert groups == set(ALL_STATES_GROUPS)


def test_every_state_has_a_window():
    assert orphan_states(build_dialogs()) == []


async def test_every_window_renders_with_text():
    dialogs = build_dialogs()
    router = Router()
    router.include_routers(*dialogs)
    html = await render_preview_content(router, simulate_events=False)
    for group in ALL_STATES_GROUPS:
        for state in group.__states__:
            assert f'id="{state.state}"' in html, f"{state.state} missing from the preview"
    assert not re.search(r'<div class="text">\s*</div>', html), "a window rendered an empty text"
    assert not re.search(r"\{[a-z_.]+\}", html), "a Format placeholder was not filled by preview_data"


def test_handler_jumps_are_declared():
    problems, unresolved = undeclared_jumps(build_dialogs())
    assert problems == []
    assert unresolved == []
