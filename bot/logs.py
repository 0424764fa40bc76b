"""Logging to stdout and a rotating file, with secrets redacted from every line."""

from __future__ import annotations

import logging
import logging.handlers
import re
import sys
from pathlib import Path

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# A bot token anywhere in a message (Bot API URLs carry it: /bot<token>/method).
TOKEN_PATTERN = re.compile(r"\d{3,20}:[A-Za-z0-9_-]{30,}")


def secrets_of(token: str, *others: str) -> tuple[str, ...]:
    """What must never be written: the token, its secret part alone (after the colon: what
    is left of a token URL-encoded or split) and the other secrets given (webhook secret)."""
    found = [token, token.partition(":")[2], *others]
    return tuple(dict.fromkeys(s for s in found if s and len(s) >= 8))


def redact(text: str, secrets: tuple[str, ...] = ()) -> str:
    for secret in secrets:
        if secret:
            text = text.replace(secret, "[REDACTED]")
    return TOKEN_PATTERN.sub("[REDACTED]", text)


class RedactingFormatter(logging.Formatter):
    """Formats as usual, then removes the token and other secrets, tracebacks included."""

    def __init__(self, fmt: str = FORMAT, secrets: tuple[str, ...] = ()):
        super().__init__(fmt)
        self.secrets = tuple(s for s in secrets if s)

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record), self.secrets)


def setup_logging(level: str, log_dir: Path | None, secrets: tuple[str, ...] = ()) -> None:
    formatter = RedactingFormatter(secrets=secrets)
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stdout)]
    if log_dir is not None:
        log_dir.mkdir(parents=True, exist_ok=True)
        handlers.append(
            logging.handlers.RotatingFileHandler(
                log_dir / "carpool-bot.log", maxBytes=5_000_000, backupCount=5, encoding="utf-8"
            )
        )
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    for handler in handlers:
        handler.setFormatter(formatter)
        root.addHandler(handler)
    root.setLevel(level)
    # aiogram logs every update at INFO; keep that for DEBUG runs only.
    logging.getLogger("aiogram.event").setLevel(max(logging.getLevelName(level), logging.WARNING))
    logging.getLogger("peewee").setLevel(logging.INFO)
