from .dialog import build_find_dialog, build_my_trips_dialog, build_trip_dialog, open_card, trip_list

__all__ = ["build_find_dialog", "build_my_trips_dialog", "build_trip_dialog", "open_card", "trip_list"]
