# Finding trips, the trip card, "My trips" (dialogs/trips).
trips-player = Player
trips-full = FULL
trips-seats-left = { $n ->
    [one] { $n } seat left
   *[other] { $n } seats left
  }
trips-list-legend = 🟢 seats free · 🔴 full · ✅ you have a seat · 🚗 you drive
trips-find-title = 🔎 <b>Upcoming trips</b>
trips-find-empty = No upcoming trips yet. Check again later!

## The trip card
trips-card-cancelled = ❌ <b>Cancelled</b>
trips-card-cancelled-because = ❌ <b>Cancelled</b>: { $reason }
trips-card-over = 🏁 This trip is over.
trips-card-driver = 🚗 Driver: { $driver }
trips-card-pickups = 📍 Pickup points:
trips-card-unreachable = ⚠️ <i>unreachable by the bot</i>
trips-card-your-pickup = ← <i>your pickup</i>
trips-card-seats-free = 💺 { $left } of { $n ->
    [one] { $n } seat
   *[other] { $n } seats
  } free
trips-card-seats-full = 💺 Full ({ $n ->
    [one] { $n } seat
   *[other] { $n } seats
  })
trips-card-going = 👥 Going: { $names }
trips-card-your-seat = ✅ <b>You have a seat.</b> Message the driver above if plans change.
trips-card-join-hint =
    {""}
    🙋 Tap your pickup point to join.
trips-join = 🙋 Join
trips-find-another = 🔎 Find another ride
trips-change-pickup = 📍 Change pickup
trips-leave = 🚶 Leave
trips-edit = ✏️ Edit
trips-cancel-trip = ❌ Cancel trip
trips-save-template = 💾 Save as template

## Joining, changing the pickup point, leaving
trips-pick-point = Where do you get in? Pick your pickup point:
trips-confirm-join = Take a seat to <b>{ $destination }</b> on { $when }, getting in at { $point }?
trips-join-ok = ✅ Join
trips-joined = You're in! 🎉
trips-pick-new-point = Pick your new pickup point:
trips-pickup-changed = Pickup point changed.
trips-leave-ask = Leave this trip? Your seat is freed at once and the driver is told.
trips-leave-ok = 🚶 Yes, leave
trips-left = You left the trip; your seat is free again.

## My trips
trips-mine-title =
    🧳 <b>My trips</b>
    {""}
trips-mine-empty = You have no upcoming trips. Find one with /trips.
trips-mine-driving = 🚗 <b>Trips you drive</b> (tap one to see passengers, edit or cancel):
trips-mine-booked = { $taken }/{ $seats } booked
trips-mine-seats = 🙋 <b>Your seats</b>:
trips-mine-ride = { $when } at { $address }

## My trips: ride requests (issue #21); $area: where the player would be picked up
trips-mine-requests = ⏳ <b>Waiting for a ride</b> (tap one to change or withdraw):
trips-request-from = from { $area }
trips-request-title = ⏳ <b>Your ride request</b>
trips-request-area = 📍 From: { $area }
trips-request-anywhere = 📍 From: anywhere
trips-request-hint =
    {""}
    Drivers going there see your request. Send a street or area to change where you'd get in.
trips-request-cancelled = ❌ <b>The event is cancelled.</b>
trips-request-closed = This request is closed: you have a seat, or you withdrew it.
trips-request-clear-area = 🌍 From anywhere
trips-request-event = 🏐 Open the event
trips-request-withdraw = 🗑 Withdraw request
trips-request-withdrawn = Request withdrawn.
