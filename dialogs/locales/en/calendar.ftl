# The date picker (dialogs/wizard/calendar.py): $month and $day are Babel's stand-alone names
# ("December 2026" / "Декабрь 2026", "December", "Mon"), capitalized.
calendar-header = 🗓 { $month }
calendar-previous = << { $month }
calendar-next = { $month } >>
calendar-month = { $month }
calendar-this-month = [ { $month } ]
calendar-weekday = { $day }
