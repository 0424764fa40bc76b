from .dialog import build_past_dialog

__all__ = ["build_past_dialog"]
