"""Logging to stdout (and, for a plain install, a rotating file), with secrets redacted
from every line and Telegram ids pseudonymized.

- LOG_DIR empty: stdout only. Containers log so (the Docker image does): several
  processes sharing one `RotatingFileHandler` file corrupt it, each rotating on its own.
- LOG_FORMAT=json: one JSON object a line (`time`, `level`, `logger`, `message`, and
  `exception` with the traceback), for log collectors.
- `tg(telegram_id)` prints `tg:xxxxxxxx` (models/logids.py). Its key is LOG_ID_KEY, or
  an HMAC of a fixed label under the bot token: stable across restarts, not the token.
  `carpool-bot whois ID` prints one id's pseudonym. The records of aiogram and
  aiogram-dialog that carry user ids get the same treatment (`THIRD_PARTY_IDS`).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import logging.handlers
import re
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from models import logids

if TYPE_CHECKING:
    from .config import Settings

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


class JsonLinesFormatter(RedactingFormatter):
    """One JSON object a line; message and traceback redacted before encoding (a secret
    with a quote in it would not match once escaped)."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(record.getMessage(), self.secrets),
        }
        if record.exc_info:
            line["exception"] = redact(self.formatException(record.exc_info), self.secrets)
        if record.stack_info:
            line["stack"] = redact(self.formatStack(record.stack_info), self.secrets)
        return json.dumps(line, ensure_ascii=False)


# Records of aiogram and aiogram-dialog that carry Telegram ids: (logger, message) -> which
# arguments are ids. aiogram logs none at INFO or above (its bot id is the bot's own);
# tests/test_logs.py checks the installed versions still emit these messages.
THIRD_PARTY_IDS: dict[tuple[str, str], tuple[int, ...]] = {
    ("aiogram_dialog.context.intent_middleware", "Stack is broken for user %s, chat %s, resetting"): (0, 1),
}


class TelegramIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        positions = THIRD_PARTY_IDS.get((record.name, str(record.msg)))
        if positions and isinstance(record.args, tuple):
            record.args = tuple(logids.tg(a) if i in positions and not isinstance(a, logids.tg) else a
                                for i, a in enumerate(record.args))  # once, though every handler filters
        return True


LOG_ID_LABEL = b"carpool-bot log id key v1"


def pseudonym_key(setting: str = "", token: str = "") -> bytes | None:
    """LOG_ID_KEY, else derived from the bot token; None when there is neither."""
    if setting:
        return setting.encode()
    if token:
        return hmac.new(token.encode(), LOG_ID_LABEL, hashlib.sha256).digest()
    return None


def setup_logging(level: str, log_dir: Path | None, secrets: tuple[str, ...] = (), *, json_lines: bool = False,
                  log_id_key: str = "", token: str = "") -> None:
    key = pseudonym_key(log_id_key, token)
    if key is not None:
        logids.set_key(key)
    formatter = (JsonLinesFormatter if json_lines else RedactingFormatter)(secrets=secrets)
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
        handler.addFilter(TelegramIdFilter())
        root.addHandler(handler)
    root.setLevel(level)
    # aiogram logs every update at INFO; keep that for DEBUG runs only.
    logging.getLogger("aiogram.event").setLevel(logging.DEBUG if level.upper() == "DEBUG" else logging.WARNING)
    logging.getLogger("peewee").setLevel(logging.INFO)


def configure(settings: Settings, *, log_to_file: bool) -> None:
    """Logging as the settings say (the file only where `log_to_file`: `run`)."""
    setup_logging(settings.log_level, settings.log_dir if log_to_file else None,
                  secrets_of(settings.telegram_token, settings.webhook_secret, settings.log_id_key),
                  json_lines=settings.log_format == "json", log_id_key=settings.log_id_key,
                  token=settings.telegram_token)
