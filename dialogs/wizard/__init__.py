from .dialog import build_wizard_dialog, start_new_trip

__all__ = ["build_wizard_dialog", "start_new_trip"]
