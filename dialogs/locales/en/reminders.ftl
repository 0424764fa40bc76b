# Reminders before a pickup (dialogs/notifications.py renders them) and their one-tap answers
# (dialogs/reminders/). $when is one of reminder-today / reminder-tomorrow / reminder-on-day.
reminder-passenger = ⏰ <b>Reminder:</b> your ride to <b>{ $destination }</b> is { $when }.
reminder-driver = ⏰ <b>Reminder:</b> you drive to <b>{ $destination }</b> { $when }.
reminder-today = today at <b>{ $time }</b>
reminder-tomorrow = tomorrow ({ $day }) at <b>{ $time }</b>
reminder-on-day = { $day } at <b>{ $time }</b>
reminder-be-at = 📍 Be at: { $address }, { $time }
reminder-driver-is = 🚗 Driver: { $driver }
reminder-ask-last = Let the driver know with one tap:
reminder-ask-early = Still going?
# The driver's reminder: one line per pickup point, with who gets in there.
reminder-point = 📍 { $time } { $address }: { $who }
reminder-nobody = nobody
reminder-seats-taken =
    💺 { $taken } of { $seats ->
        [one] { $seats } seat
       *[other] { $seats } seats
    } taken.

## The answers' buttons
reminder-way = 🚗 On my way
reminder-late = ⏰ Running late
reminder-cant = ❌ Can't go
reminder-going = 👍 Yes
reminder-cant-early = 🚫 Can't go
reminder-cant-yes = Yes, I can't go
reminder-coming = No, I'm coming
reminder-left = ❌ You left this trip
# The answer given, marked.
reminder-chosen-way = ✅ On my way
reminder-chosen-late = ✅ Running late
reminder-chosen-going = ✅ Yes

## What a press answers
reminder-told-way = The driver knows you're on your way 👍
reminder-told-late = The driver knows you're running late ⏰
reminder-already-way = Already sent: the driver knows you're on your way.
reminder-already-late = Already sent: the driver knows you're running late.
reminder-confirm-cant = Sure? Confirm below that you can't go.
reminder-seat-freed = You left the trip: your seat is free again and the driver is told.
reminder-see-you = Great, see you there! 👍
reminder-you-left = You left this trip. Find another ride with /trips.
reminder-stale = That button is out of date.
