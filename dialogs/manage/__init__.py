from .dialog import build_edit_dialog

__all__ = ["build_edit_dialog"]
