from .dialog import build_register_dialog, build_switch_role_dialog

__all__ = ["build_register_dialog", "build_switch_role_dialog"]
