"""Drivers describe their car ("red Skoda, AB-123"); passengers see it once they join."""

from .dialog import build_car_dialog

__all__ = ["build_car_dialog"]
