"""Workarounds of library bugs, in one place. Each names the upstream issue (or says that
none exists yet) and has a test in tests/test_compat.py that asserts the bug is still in
the installed version, so the upgrade that fixes it fails that test and says what to delete.

- `intent_ids`: aiogram-dialog repeats intent ids within a second (patch; `install()`).
- `reply_callbacks`: aiogram-dialog reads any text ending in invisible characters as a
  reply-keyboard press (patch; `install()`).
- `preview_events`: aiogram-dialog's preview presses buttons with events bound to no bot
  (patch for the length of `carpool-bot preview` only).
- `dialogs.widgets.TextField` (it stays with the dialogs: `dialogs/` never imports `bot/`):
  aiogram-dialog's `CombinedInput.find()` does not look inside, so a window with a text input
  plus a catch-all input hides the text input from `manager.find(id)`. TextField is one
  input that answers non-text itself (a subclass, no patch); not reported upstream.
"""

from __future__ import annotations


def install() -> None:
    """Apply the workarounds the running bot needs (idempotent; `build_dispatcher` calls it)."""
    from . import intent_ids, reply_callbacks

    intent_ids.install()
    reply_callbacks.install()
