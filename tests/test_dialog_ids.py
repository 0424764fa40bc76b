from aiogram.fsm.state import State
from aiogram_dialog.api.entities import stack

from bot.compat import intent_ids as dialog_ids


def test_library_ids_collide_within_a_second_ours_do_not():
    # the library's ids: 100 possible values per second, so 150 quick ones must repeat
    legacy = [stack.new_int_id() for _ in range(150)]
    assert len(set(legacy)) < len(legacy)
    ours = {dialog_ids.new_id() for _ in range(10_000)}
    assert len(ours) == 10_000
    assert max(len(i) for i in ours) <= 9  # short: intent ids are part of callback_data


def test_install_makes_new_contexts_use_it():
    dialog_ids.install()
    s = stack.Stack()
    ids = {s.push(State("x", group_name="G"), None).id for _ in range(99)}
    assert len(ids) == 99
