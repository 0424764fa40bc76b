"""Telegram ids in logs: a short keyed hash instead of the id itself.

Logs at INFO must not carry Telegram ids in clear (issue #16), yet an operator needs to
follow one player through them. `tg(telegram_id)` is an object for a log call's
arguments that prints as `tg:1a2b3c4d` — the same for the same id while the key stays
the same, and useless to anyone without the key. `bot.logs.setup_logging` sets the key
(from LOG_ID_KEY, or derived from the bot token); `carpool-bot whois ID` prints the
pseudonym of one id for an operator who has it.

Formatting is lazy: the hash is computed only when a record is actually written.
It lives here (no aiogram, no bot/) because `models` logs refusals with the actor's id.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

_key: bytes = secrets.token_bytes(32)  # until configured: stable within one process only


def set_key(key: str | bytes) -> None:
    global _key
    _key = key.encode() if isinstance(key, str) else bytes(key)


def pseudonym(telegram_id: int | str) -> str:
    digest = hmac.new(_key, str(telegram_id).encode(), hashlib.sha256).hexdigest()
    return f"tg:{digest[:8]}"


class tg:  # noqa: N801 - reads like a format marker at the call site: log.info("…%s", tg(uid))
    """A Telegram id as a log argument: prints as its pseudonym."""

    __slots__ = ("telegram_id",)

    def __init__(self, telegram_id: int | str | None) -> None:
        self.telegram_id = telegram_id

    def __str__(self) -> str:
        return "tg:none" if self.telegram_id is None else pseudonym(self.telegram_id)

    __repr__ = __str__
