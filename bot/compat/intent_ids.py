"""Collision-free intent ids for aiogram-dialog.

aiogram-dialog 2.6 makes a dialog's intent id from the current second plus one of
100 random values (`new_int_id`), so two dialogs a user opens within the same
second share the id with a 1 % chance: the second context overwrites the first in
storage, and closing it breaks the stack ("Stack is broken ... resetting"). Our
/switch_role opens two dialogs at once, and the test suite hit it intermittently.
48 random bits keep ids short (8–9 characters of callback data) and unique.
"""

from __future__ import annotations

import secrets

from aiogram_dialog.api.entities import stack as _stack


def new_id() -> str:
    return _stack.id_to_str(secrets.randbits(48) or 1)


def install() -> None:
    """Make aiogram-dialog use `new_id` for every new context (idempotent)."""
    _stack.new_id = new_id
