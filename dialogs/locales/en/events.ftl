# Club events (dialogs/events): the list, the event card, asking for a ride, alerts, and the admins' event editor.

## An event's kind: its mark, and the mark with the name (buttons and the editor's summary)
events-mark = { $kind ->
    [training] 🏃
    [game] 🏐
   *[other] 📌
  }
events-kind = { $kind ->
    [training] 🏃 Training
    [game] 🏐 Game
   *[other] 📌 Other
  }
events-weekly-mark = 🔁
events-summary = 🚗 { $cars ->
    [0] no cars yet
    [one] { $cars } car
   *[other] { $cars } cars
  } · 💺 { $seats ->
    [one] { $seats } free seat
   *[other] { $seats } free seats
  } · 🙋 { $need ->
    [0] nobody waiting
    [one] { $need } still needs a ride
   *[other] { $need } still need a ride
  }

## The list
events-list-title = 🏐 <b>Club events</b>
events-list-empty = No events planned yet.
events-list-hint = {""}
    Tap an event to see the cars going and who still needs a ride.
events-new = ➕ New event
events-free = 🙋 Ride elsewhere
events-my-alerts = 🔔 My alerts

## The card
events-card-head =
    { $mark } <b>{ $title }</b>
    📅 { $when }
    📍 { $venue }
events-card-weekly = 🔁 Every week
events-card-cancelled = ❌ <b>Cancelled</b>
events-card-cancelled-because = ❌ <b>Cancelled</b>: { $reason }
events-card-started = ⏱ It has started: no more rides to ask for.
events-card-cars = 🚗 <b>Cars going</b> ({ $n }):
events-card-no-cars = 🚗 No cars yet.
events-card-car = • <b>{ $driver }</b>: { $left } of { $n ->
    [one] { $n } seat
   *[other] { $n } seats
  } free
events-card-car-full = • <b>{ $driver }</b>: full ({ $n ->
    [one] { $n } seat
   *[other] { $n } seats
  })
events-card-needs = 🙋 <b>Still need a ride</b> ({ $n }): { $names }
events-more = +{ $n } more
events-card-no-needs = 🙋 Nobody is waiting for a ride.
events-need-from = { $name } (from { $area })
events-car-button = 🚗 { $driver } · { $time } · { $left ->
    [0] full
   *[other] { $left } free
  }
events-you-drive = 🚗 You drive there.
events-you-seated = ✅ You have a seat with { $driver }.
events-you-asked = 🙋 You asked for a ride.
events-you-asked-from = 🙋 You asked for a ride from { $area }.
events-you-own = ✋ You go on your own.
events-you-alert = 🔔 You hear of new trips to it.
events-need-ride = 🙋 I need a ride
events-driving = 🚗 I'm driving
events-own = ✋ I go on my own
events-alert = 🔔 Tell me about new trips
events-edit = ✏️ Edit
events-cancel-event = ❌ Cancel event
events-own-done = ✋ Noted: you go on your own.
events-alert-done = 🔔 I'll tell you when a new trip to it appears.

## Asking for a ride (to the card's event, or to a place on a day)
events-request-event = 🙋 <b>A ride to { $title }</b>, { $when }
events-request-free = 🙋 <b>A ride to { $title }</b>, { $when }
events-request-hint = Where should a driver pick you up? Type an area (e.g. “Oak Street”), or just ask.
events-ask = ✅ Ask for a ride
events-asked = 🙋 Asked: the drivers going there see it.
events-asked-free = 🙋 Asked: I'll tell you when a trip there that day appears.
events-free-place-question = 🏁 Where do you need a ride to? Type the place.
events-free-date-question = 📅 On which day?
events-now = Now: <i>{ $value }</i>

## Alerts
events-alerts-title = 🔔 <b>Your alerts</b>
    I tell you when a new trip to one of these appears.
events-alerts-empty = No alerts yet. Tap 🔔 on an event, or add a place below.
events-alerts-remove-hint = {""}
    Tap an alert to remove it.
events-alert-entry = • 🏁 <b>{ $destination }</b> · { $day }
events-alert-place = ➕ Trips to a place
events-alert-place-question = 🏁 Trips to where? Type the place (part of it is enough, e.g. “Riverside”).
events-alert-day-question = 📅 Trips to <b>{ $place }</b> on which day?
events-any-day = any day
events-alert-added = 🔔 Alert saved ({ $day }).
events-alert-removed = 🔕 Alert removed.

## The admins' event editor
events-kind-question =
    🏐 <b>New event</b>
    What kind of event is it?
events-title-question = ✏️ What is it called? (e.g. “Away game vs Lions”, up to 60 characters)
events-venue-question = 📍 Where is it? Type the venue's address.
events-date-question = 📅 On which day?
events-time-question = 🕘 When does it start? Type it (18:30) or tap the hour, then the minute.
events-hour = — hour —
events-minute = — minute —
events-weekly-question = 🔁 Does it happen every week? Then next week's appears as soon as this one starts.
events-weekly-yes = 🔁 Every week
events-weekly-no = 1️⃣ Just once
events-summary-new = 🏐 <b>New event</b>: check it, then create it.
events-summary-edit = ✏️ <b>Edit event</b>: change what you need, then save.
events-summary-lines =
    {""}
    { $kind }: <b>{ $title }</b>
    📍 { $venue }
    📅 { $date }, { $time }
    { $weekly }
events-summary-told = {""}
    Drivers going there and players who asked for a ride are told what changed.
events-edit-kind = 🏐 Kind
events-edit-title = ✏️ Title
events-edit-venue = 📍 Venue
events-edit-date = 📅 Date
events-edit-time = 🕘 Time
events-edit-weekly = 🔁 Weekly
events-create = ✅ Create event
events-save = ✅ Save changes
events-created = ✅ Event created.
events-saved = ✅ Saved: everyone concerned is told.
events-cancel-title = ❌ <b>Cancel { $title }</b>, { $when }?
events-cancel-told = Drivers going there and players who asked for a ride are told. Their trips stay: the drivers decide.
events-cancel-reason = Reason: <i>{ $reason }</i>
events-cancel-hint = You may type a reason first (optional).
events-cancel-yes = ✅ Yes, cancel it
events-cancelled = ❌ Event cancelled: everyone concerned is told.
