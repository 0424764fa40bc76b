"""/forget_me: the player confirms, and the bot removes their personal data."""

from .dialog import build_forget_dialog

__all__ = ["build_forget_dialog"]
