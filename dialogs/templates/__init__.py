from .dialog import build_save_template_dialog, build_templates_dialog, start_save_from_trip

__all__ = ["build_save_template_dialog", "build_templates_dialog", "start_save_from_trip"]
