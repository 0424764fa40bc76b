"""A text message is text: aiogram-dialog's reply-keyboard callbacks are switched off.

Bug: aiogram-dialog 2.6 carries a reply-keyboard button's callback data as invisible
characters (ZWNJ, ZWJ, word joiner, invisible operators, soft hyphen, musical formatting
symbols) appended to the button's text, and its intent middleware decodes ANY message text
that ends in them as a button press (`utils.split_reply_callback`), whether or not a reply
keyboard is on screen. This bot has no reply keyboards, so that only did harm (found by
tests/test_fuzz_inputs.py):

- a text ending in such characters (Persian text with a ZWNJ, text pasted from a web page
  with a soft hyphen) was taken as a press on nothing: the player got no answer at all;
- trailing characters that do not decode as UTF-8 raised UnicodeDecodeError in the
  middleware: "Sorry, something went wrong" and an error in the log;
- anyone could type arbitrary callback data as a message.

Upstream: https://github.com/Tishka17/aiogram_dialog/issues/484 (open) is about the same
encoding (a truncated button loses its data); decoding plain texts is not reported there.

Workaround: a patch, as no public hook exists — `setup_dialogs` builds the intent
middleware itself (no factory to pass in) and its `process_message` calls the module-level
`split_reply_callback`. With `install()` every message reaches the handlers as typed (the
validators strip the invisible characters they do not want).

Way out: tests/test_compat.py::test_typed_text_is_still_a_press_upstream fails once the
installed aiogram-dialog leaves such texts alone; then delete this module and its `install()`.
"""

from __future__ import annotations

from aiogram_dialog.context import intent_middleware as _intent


def _text_only(text: str | None) -> tuple[str | None, None]:
    return text, None


def install() -> None:
    """Make aiogram-dialog read no callback data from message texts (idempotent)."""
    _intent.split_reply_callback = _text_only
