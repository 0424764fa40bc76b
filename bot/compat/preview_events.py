"""The dialog preview's simulated presses may answer: Bot API calls bound to no bot do nothing.

Bug: aiogram-dialog 2.6's preview (`tools.preview.create_button` / `render_input`) runs each
button's handler on a `CallbackQuery` (and each input's on a `Message`) that belongs to no
`Bot`. A handler that answers first (`await callback.answer("Saved")`, a toast) raises
"This method is not mounted to a any bot instance"; the preview swallows the error, so the
jump the handler makes next is lost from the page (the button links to its own window).
Upstream: not reported; the events are built in
https://github.com/Tishka17/aiogram_dialog/blob/develop/src/aiogram_dialog/tools/preview.py
(`create_button`, `render_input`).

Workaround: a patch for the length of the preview only — the events are created inside
aiogram-dialog, so nothing public can bind them to a bot. Inside
`unbound_bot_calls_do_nothing()` an awaited Bot API method with no bot returns None; calls
bound to a bot are untouched, and the original is restored on leaving.

Way out: tests/test_compat.py::test_preview_presses_still_have_no_bot_upstream fails once the
installed aiogram-dialog's preview gives its events a bot (or tolerates answers); then
delete this module and its use in bot/devtools/preview.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def unbound_bot_calls_do_nothing() -> Iterator[None]:
    from aiogram.methods.base import TelegramMethod

    original = TelegramMethod.__await__

    async def _nothing():
        return None

    def __await__(self):
        if getattr(self, "_bot", None) is None:
            return _nothing().__await__()
        return original(self)

    TelegramMethod.__await__ = __await__
    try:
        yield
    finally:
        TelegramMethod.__await__ = original
