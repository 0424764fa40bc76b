from .dialog import build_history_commands_router, build_past_dialog

__all__ = ["build_history_commands_router", "build_past_dialog"]
