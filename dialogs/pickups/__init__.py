"""The pickup-points sub-dialog, shared by the trip wizard, trip editing and templates.

Start it with `start_pickups(manager, points, day)`: `points` is a list of
`{"address": str, "time": "HH:MM"}`, `day` an ISO date (None for templates,
whose times have no date). It ends with `done({"action": "done"|"back"|"cancel",
"points": [...]})`, the points sorted by time.
"""

from .dialog import build_pickups_dialog, start_pickups

__all__ = ["build_pickups_dialog", "start_pickups"]
