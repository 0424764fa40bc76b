from .dialog import build_edit_dialog, start_cancel, start_edit

__all__ = ["build_edit_dialog", "start_cancel", "start_edit"]
