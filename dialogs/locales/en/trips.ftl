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

## The waiting list, the driver's tools and the way back (issue #22).
## $pos: a place in line ("2"), $form: its CLDR ordinal form (English: one 1st, two 2nd, few 3rd, other 4th)
trips-card-in-line = ⏳ You are { $form ->
    [one] { $pos }st
    [two] { $pos }nd
    [few] { $pos }rd
   *[other] { $pos }th
  } in line. I'll message you when a seat frees up.
trips-card-offered = 🎉 <b>A seat is free for you!</b> Take it by { $until }, or it goes to the next in line.
trips-card-still-ok = ❓ The driver changed the trip: is it still OK for you?
trips-card-waiting = ⏳ { $n ->
    [one] { $n } player waits
   *[other] { $n } players wait
  } for a seat.
trips-card-reconfirm-legend = After your change: ✅ still OK · ❓ no answer yet ({ $n })
trips-card-release-at = ⏰ Seats still unanswered are released at { $at }.
trips-card-return-leg = ↩️ <b>The way back</b>
trips-card-stops = 📍 Leaves from, then drop-off points:
trips-card-your-stop = ← <i>you get out here</i>
## $when: "Sat 05 Dec, 21:30"; $place: where that leg leaves from; $state: seats left, full, …
trips-card-leg-back = ↩️ Back: { $when } from { $place }, { $state }
trips-card-leg-out = ➡️ There: { $when } from { $place }, { $state }
trips-leg-full = full
trips-leg-cancelled = ❌ cancelled
trips-leg-riding = ✅ you have a seat
trips-wait = ⏳ Wait for a seat
trips-leave-line = 🚶 Leave the line
trips-take = ✅ Take the seat
trips-pass = 🙅 Pass
trips-still-ok = 👍 Still OK
trips-open-back = ↩️ The way back
trips-open-out = ➡️ The way there
trips-join-both = 🙋 Join both
trips-word = 💬 Message passengers
trips-remove = 🚫 Remove a passenger
trips-release = ⏰ Release unanswered at …
trips-wait-pick = The trip is full. Where would you get in? Pick your pickup point to join the line:
trips-take-pick = A seat is free for you. Where do you get in? Pick your pickup point:
trips-waiting = ⏳ You're { $form ->
    [one] { $pos }st
    [two] { $pos }nd
    [few] { $pos }rd
   *[other] { $pos }th
  } in line.
trips-line-left = You left the line.
trips-took-seat = The seat is yours! 🎉
trips-passed = You passed; the seat goes to the next in line.
trips-still-ok-done = Thanks! The driver sees you're still in. 👍

## The driver: release unanswered seats
trips-release-title =
    ⏰ <b>Release unanswered seats</b>
    {""}
    { $n ->
        [one] { $n } passenger hasn't
       *[other] { $n } passengers haven't
    } answered "Still OK?" since your change. At the time you pick, their seats are freed and offered to the players waiting. The trip leaves at { $departs }.
trips-release-now = {""}
    Now set: <b>{ $at }</b>.
trips-release-pick = {""}
    Release them at:
trips-release-too-late = {""}
    It's too close to the departure to pick a time.
trips-release-never = 🔓 Don't release
trips-release-set = Unanswered seats will be released at { $at }.
trips-release-cleared = Unanswered seats stay booked.

## The driver's word to the car ($word: their message, escaped)
trips-word-ask =
    💬 <b>Message your passengers</b>
    {""}
    Send a short message (up to 300 characters), like "I'm 5 minutes late" or "north exit". Each passenger gets it with the trip's name.
trips-word-preview =
    💬 Send this to { $n ->
        [one] your passenger
       *[other] your { $n } passengers
    }?
    {""}
    <i>{ $word }</i>
    {""}
    Send another text to change it.
trips-word-send = 📨 Send
trips-word-sent = Sent to { $n ->
    [one] { $n } passenger
   *[other] { $n } passengers
  }.

## The driver removes a passenger ($name, $point: escaped; $reason: what the driver typed)
trips-remove-pick = Whom do you remove from the trip? They are told, and their seat goes to the next in line.
trips-remove-ask = Remove <b>{ $name }</b> ({ $point }) from this trip?
trips-remove-gone = This passenger is no longer in the trip.
trips-remove-reason = {""}
    Reason: { $reason }
trips-remove-hint = {""}
    You may send a reason first: they'll read it.
trips-remove-yes = 🚫 Yes, remove
trips-removed = Removed; the seat is free again.

## Join both legs
trips-both-pick-out = ➡️ The way there: where do you get in?
trips-both-pick-back = ↩️ The way back: where do you get out?
trips-both-confirm =
    Take a seat both ways?
    ➡️ <b>{ $destination }</b>, { $when }: you get in at { $out }
    ↩️ Back { $back_when } from { $back_from }: you get out at { $back }
trips-join-both-ok = ✅ Join both
trips-joined-both = You're in, both ways! 🎉
