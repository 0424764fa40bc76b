"""A strict fake Telegram Bot API server for the end-to-end tests and the playground (see server.py)."""

from .server import BENIGN_ERRORS, BotMessage, FakeTelegram, FakeUser, RecordedRequest
from .spec import ALLOWED_NEWER, ApiError, SpecNotFoundError

__all__ = ["ALLOWED_NEWER", "BENIGN_ERRORS", "ApiError", "BotMessage", "FakeTelegram", "FakeUser",
           "RecordedRequest", "SpecNotFoundError"]
