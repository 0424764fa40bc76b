"""Cleaning what players type (destinations, addresses, comments, names, cars): control,
bidi and invisible format characters removed, whitespace collapsed. Every text a player sends
goes through `clean_text` before it is validated or stored."""

from __future__ import annotations

import re
import unicodedata

# C0 controls but tab and newline, DEL, C1 controls (\x85, \x9b CSI, …), zero-width and bidi marks, and
# other invisible format characters: soft hyphen, combining grapheme joiner, Khmer inherent vowels,
# Mongolian selectors, word joiner and invisible operators, BOM, interlinear annotation, shorthand
# and musical format controls. They carry nothing in a destination, address or comment.
_CONTROL = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2066-\u2069"
    r"\u00ad\u034f\u17b4\u17b5\u180b-\u180f\u2060-\u2065\u206a-\u206f\ufeff\ufff9-\ufffb"
    r"\U0001bca0-\U0001bca3\U0001d173-\U0001d17a]"
)
# Blank with a width, yet not whitespace to str.split(): Hangul fillers, the Braille blank.
_BLANKS = "\u115f\u1160\u3164\uffa0\u2800"
_BLANK = str.maketrans(dict.fromkeys(_BLANKS, " "))
_INVISIBLE_CATEGORIES = frozenset(("Zs", "Zl", "Zp", "Cc", "Cf", "Cs", "Mn", "Me"))


def visible_length(text: str) -> int:
    """Characters that show: not whitespace, controls, format characters or blanks. Combining
    marks (accents, variation selectors) do not count: they add to a character, or alone
    show nothing (or a dotted circle)."""
    return sum(
        1 for ch in text
        if not (unicodedata.category(ch) in _INVISIBLE_CATEGORIES or ch in _BLANKS)
    )


def clean_text(raw: str | None, *, multiline: bool = False) -> str:
    """Strip control, bidi and invisible format characters; collapse whitespace (keep newlines
    if multiline, with at most one empty line in a row). Text with nothing visible is ""."""
    text = _CONTROL.sub("", raw or "").translate(_BLANK)
    if multiline:
        lines: list[str] = []
        for line in text.splitlines():
            line = " ".join(line.split()) if visible_length(line) else ""
            if line or (lines and lines[-1]):  # an empty line only after a non-empty one
                lines.append(line)
        text = "\n".join(lines).strip()
    else:
        text = " ".join(text.split())
    return text if visible_length(text) else ""
