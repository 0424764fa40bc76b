from .dialog import build_save_template_dialog, build_templates_dialog

__all__ = ["build_save_template_dialog", "build_templates_dialog"]
