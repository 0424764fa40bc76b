# Trip templates (dialogs/templates): saving one, the /templates list, a template's card.
# Saving; $max: the longest name (a number), $name: the name taken.
templates-save-ask = 💾 Send a <b>name</b> for this template (1–{ $max } characters), e.g. <i>Tuesday training</i>.
templates-save-clash = You already have a template called “{ $name }”. Replace it, or send another name.
templates-save-other = ✏️ Another name
templates-save-replace = ♻️ Replace it
templates-saved = 💾 Saved as template “{ $name }”. Use it from /templates.
# The list; $count of at most $max.
templates-list-title = 📋 <b>Your templates</b> ({ $count }/{ $max })
templates-list-empty = No templates yet. Save one from a trip card, or create one here.
templates-list-full = That is the most you can have: delete one to add another.
templates-new = ➕ New template
# A template's card; $pickups: the numbered list of points, "1. <b>17:45</b> — Station".
templates-card-seats = 💺 { $seats ->
        [one] { $seats } seat
       *[other] { $seats } seats
    }
templates-card-pickups =
    📍 Pickup points:
    { $pickups }
templates-use = 🚗 Use: pick a date
templates-rename = ✏️ Rename
templates-delete = 🗑 Delete
templates-rename-ask = ✏️ Send the new name for “{ $name }” (1–{ $max } characters).
templates-delete-ask = 🗑 Delete the template “{ $name }”? Trips made from it stay as they are.
templates-delete-yes = 🗑 Yes, delete
templates-deleted = Template deleted.

# A template of a weekly club event (issue #21): $title, $day: its next occurrence ("Tue 08 Dec").
templates-card-event = 🏐 For { $title }, every week: next on { $day }
templates-use-event = 🚗 Use: { $day }
