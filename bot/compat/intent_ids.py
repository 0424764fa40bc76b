"""Collision-free intent ids for aiogram-dialog.

Bug: aiogram-dialog 2.6 makes a dialog's intent id from the current second plus one of 100
random values (`aiogram_dialog.api.entities.stack.new_int_id`), so two dialogs a user opens
within the same second share the id with a 1 % chance: the second context overwrites the
first in storage, and closing it breaks the stack ("Stack is broken ... resetting"). Our
/switch_role opens two dialogs at once, and the test suite hit it intermittently.
Upstream: https://github.com/Tishka17/aiogram_dialog/pull/501 (open: time_ns + a counter).

Workaround: a patch, as no public hook exists — `Stack` takes its id and `Stack.push` its
contexts' ids from the module-level `new_id`, with no factory to pass in. 48 random bits
keep ids short (8–9 characters of callback data) and unique.

Way out: tests/test_compat.py::test_intent_ids_still_collide_upstream fails once the
installed aiogram-dialog stops repeating ids; then delete this module and its `install()`.
"""

from __future__ import annotations

import secrets

from aiogram_dialog.api.entities import stack as _stack


def new_id() -> str:
    return _stack.id_to_str(secrets.randbits(48) or 1)


def install() -> None:
    """Make aiogram-dialog use `new_id` for every new context (idempotent)."""
    _stack.new_id = new_id
