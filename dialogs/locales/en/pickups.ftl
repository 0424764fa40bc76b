# The pickup-point editor (dialogs/pickups), shared by the wizard, trip editing and templates.
pickups-list-title = 📍 <b>Pickup points</b> (in time order):
pickups-list-hint =
    {""}
    Add another, remove one, or tap Done.
pickups-add = ➕ Add another
pickups-change = ✏️ Change one
pickups-remove = ➖ Remove one
pickups-done = ✅ Done
pickups-remove-question = Which pickup point should go?
pickups-change-question = Which pickup point do you want to change?
pickups-removed = Removed { $time } { $address }
pickups-gone = That pickup point is no longer in the list.
pickups-address-new = 📍 Pickup point { $number }: send the <b>address</b> (2–200 characters).
pickups-address-change = 📍 Send the new <b>address</b> for this pickup point (now: <i>{ $current }</i>).
pickups-keep-address = ➡️ Keep this address
pickups-address-missing = Send the address, please.
pickups-address-first = Send the address first.
pickups-time-question = 🕒 Pickup time at <b>{ $address }</b>?
pickups-time-hint = Type it (18:30, 9:05, 18.30) or tap the hour, then the minute.
pickups-time-today =
    {""}
    (The trip is today: pick a time still ahead.)
pickups-hour = — hour —
pickups-minute = — minute —
pickups-keep-time = ➡️ Keep { $current }
pickups-time-missing = Pick the time, please.
# A trip to a club event (issue #21): a time before the event starts, offered as one button.
pickups-time-suggested =
    {""}
    🏐 The event starts at { $starts }: { $suggested } gets everyone there in time.
pickups-use-suggested = 👍 { $suggested } (suggested)

## The way back's drop-off points (issue #22): the same editor in its drop-off mode. $after: "21:30", when the car leaves.
pickups-dropoff-list-title = 📍 <b>Drop-off points</b> on the way back (in time order):
pickups-dropoff-remove-question = Which drop-off point should go?
pickups-dropoff-change-question = Which drop-off point do you want to change?
pickups-dropoff-address-new = 📍 Drop-off point { $number }: send the <b>address</b> (2–200 characters).
pickups-dropoff-address-change = 📍 Send the new <b>address</b> for this drop-off point (now: <i>{ $current }</i>).
pickups-dropoff-time-question = 🕒 Drop-off time at <b>{ $address }</b>?
pickups-dropoff-time-after =
    {""}
    (You leave at { $after }: pick a later time.)
pickups-dropoff-too-early = Drop-offs come after you leave at { $after }: pick a later time.
pickups-dropoffs-too-many = At most { $most } drop-off points: remove one first.
