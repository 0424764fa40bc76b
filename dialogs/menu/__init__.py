from .dialog import build_main_dialog

__all__ = ["build_main_dialog"]
