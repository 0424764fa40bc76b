"""The pickup-points sub-dialog, shared by the trip wizard, trip editing and templates.

Open it with `start_pickups(manager, points, day)`, or with a `StartWithData` button whose data
is `pickups_data(points, day)`: `points` is a list of `{"address": str, "time": "HH:MM"}` (any
other key, such as an "id", stays with its point), `day` an ISO date (None for templates,
whose times have no date); a trip to a club event adds `suggested` and `starts` ("HH:MM"), and
the time step offers the suggested time as one button. "✅ Done" ends it with `done({"action": "done", "points": [...]})`,
the points sorted by time; "⬅️ Back" ends it with no result (None): nothing changed.
"""

from .dialog import build_pickups_dialog, pickups_data, start_pickups

__all__ = ["build_pickups_dialog", "pickups_data", "start_pickups"]
