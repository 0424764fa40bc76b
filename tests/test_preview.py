"""Every state of every dialog has a window that renders from its preview data; the dialogs
stay declarative (issue #18's counts). That every jump is drawn: tests/test_preview_command.py."""

import re

from aiogram import Router
from aiogram_dialog.tools.preview import render_preview_content

from dialogs import build_dialogs
from dialogs.states import ALL_STATES_GROUPS
from tests.dialog_checks import extra_transitions, handler_jumps, is_preview_branches, orphan_states


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


# Issue #18's budgets: fixed jumps are widgets, which aiogram-dialog's preview and diagram draw
# by themselves; a handler only chooses among declared targets.
MAX_HANDLER_JUMPS = 20
MAX_EXTRA_TRANSITIONS = 8


def test_handler_jumps_stay_few():
    jumps = handler_jumps()
    assert len(jumps) <= MAX_HANDLER_JUMPS, "make fixed jumps widgets (SwitchTo, Next, Back, Start, Cancel):\n" + \
        "\n".join(jumps)


def test_few_jumps_are_declared_twice():
    extras = extra_transitions(build_dialogs())
    assert len(extras) <= MAX_EXTRA_TRANSITIONS, "\n".join(extras)


def test_no_handler_branches_on_the_preview():
    assert is_preview_branches() == [], "the preview runs on a throwaway database: no is_preview() needed"
