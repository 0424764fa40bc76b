# Notifications (dialogs/notifications.py): what the outbox tells a player, rendered in the reader's
# language when it is sent. Arguments: $person, $driver (contact links), $destination, $address,
# $reason, $comment, $old, $new (user text, escaped), $day / $date (formatted), $time ("18:30"),
# $seats (the notice-seats-left sentence), $n (a count).
notice-open-trip = 🚗 Open trip
notice-find-ride = 🔎 Find another ride
notice-former-player = Former player
notice-seats-left =
    { $n ->
        [0] The car is now full.
        [one] { $n } seat left.
       *[other] { $n } seats left.
    }
# Reasons the bot writes itself (a passenger's own reason is shown as typed).
notice-reason-cant-go = can't go
notice-reason-left-bot = left the club bot
notice-reason-driver-left-bot = the driver left the club bot

## To the driver
notice-joined = 🙋 { $person } joined your trip to <b>{ $destination }</b>: pickup { $address }, { $day } at { $time }. { $seats }
notice-left = 🚶 { $person } left your trip to <b>{ $destination }</b> on { $day } at { $time }. { $seats }
notice-left-why = 🚶 { $person } left your trip to <b>{ $destination }</b> on { $day } at { $time } ({ $reason }). { $seats }
notice-pickup-changed = 📍 { $person } now gets in at { $address }, { $day } at { $time } (trip to <b>{ $destination }</b>).
notice-rider-way = 🚗 { $person } is on the way to the pickup ({ $address }, { $time }; trip to <b>{ $destination }</b>).
notice-rider-late = ⏰ { $person } is running late for the pickup ({ $address }, { $time }; trip to <b>{ $destination }</b>).

## To passengers
notice-seat-removed = ⚠️ The driver removed your pickup point ({ $time } { $address }) from the trip to <b>{ $destination }</b> on { $date }, so you no longer have a seat. Find another ride with /trips or ask the driver: { $driver }.
# The first line of a change; each change follows on its own line ("• …").
notice-changed = ✏️ The driver changed the trip to <b>{ $destination }</b> on { $date }:
notice-change-destination = destination: { $old } → <b>{ $new }</b>
notice-change-date = date: { $old } → <b>{ $new }</b>
notice-change-time = your pickup time: { $old } → <b>{ $new }</b>
notice-change-address = your pickup address: { $old } → <b>{ $new }</b>
notice-change-comment = driver's note: { $comment }
notice-change-comment-removed = the driver's note is removed
notice-cancelled =
    ❌ The trip to <b>{ $destination }</b> on { $date } is cancelled.
    Find another ride with /trips.
notice-cancelled-why =
    ❌ The trip to <b>{ $destination }</b> on { $date } is cancelled.
    Reason: { $reason }
    Find another ride with /trips.

## The notices' buttons, when pressed
notice-start-first = Send /start first and choose a role.
notice-trip-gone = That trip does not exist (any more).
notice-stale = That button is out of date.
notice-club-chat-lost = ⚠️ { $status ->
    [restricted] I may no longer post in the club chat,
   *[other] I was removed from the club chat,
  } so the trips and the board are not posted there any more. Add me back (an administrator with "Pin messages" keeps the board pinned) and I carry on.

## Club events and ride requests (issue #21). $title, $area, $name: user text, escaped; $old / $new of a
## kind: one of the notice-event-kind-* words.
notice-open-event = 🏐 Open event
notice-event-gone = That event does not exist (any more).
notice-event-kind-training = training
notice-event-kind-game = game
notice-event-kind-other = other
# The first line of an admin's change; each change follows on its own line ("• …").
notice-event-changed = ✏️ <b>{ $title }</b> on { $date } has changed:
notice-event-change-title = name: { $old } → <b>{ $new }</b>
notice-event-change-kind = kind: { $old } → <b>{ $new }</b>
notice-event-change-venue = venue: { $old } → <b>{ $new }</b>
notice-event-change-date = date: { $old } → <b>{ $new }</b>
notice-event-change-time = start: { $old } → <b>{ $new }</b>
notice-event-cancelled = ❌ <b>{ $title }</b> on { $date } is cancelled.
notice-event-cancelled-why =
    ❌ <b>{ $title }</b> on { $date } is cancelled.
    Reason: { $reason }
# To a driver going to the event: who still needs a ride, as it is when the message goes out.
notice-ride-requests = { $n ->
    [one] 🙋 1 player still needs a ride to <b>{ $title }</b> ({ $day }, { $time }):
   *[other] 🙋 { $n } players still need a ride to <b>{ $title }</b> ({ $day }, { $time }):
  }
notice-need = • { $name }
notice-need-from = • { $name }, from { $area }
notice-need-more = …and { $n } more: open the event.
# To a player who asked for a ride, and to one with an alert: a new trip.
notice-event-new-trip = 🚗 A new car is going to <b>{ $title }</b> on { $day }: { $driver } drives, first pickup { $time } at { $address }. { $seats }
notice-alert-new-trip = 🔔 New trip to <b>{ $destination }</b> on { $day }: { $driver } drives, first pickup { $time } at { $address }. { $seats }

## Issue #22: the waiting list, "Still OK?" after a change, the driver's word. $until: the time an
## offer runs out ("18:42"); $word: the driver's message (user text, escaped).
# To a player in line: a freed seat, held for them until $until.
notice-seat-offered = 🎉 A seat is free in the trip to <b>{ $destination }</b> on { $date }, and it's yours if you take it by <b>{ $until }</b>.
notice-seat-offered-at = 🎉 A seat is free in the trip to <b>{ $destination }</b> on { $date } (pickup { $address }, { $time }), and it's yours if you take it by <b>{ $until }</b>.
notice-offer-expired = ⌛ The seat offered to you in the trip to <b>{ $destination }</b> on { $date } was not taken in time, so it went to the next in line.
notice-offer-expired-free = ⌛ The seat offered to you in the trip to <b>{ $destination }</b> on { $date } was not taken in time. Nobody else is waiting, so it is free again: join it while it lasts.
notice-offer-withdrawn = ↩️ The driver changed the trip to <b>{ $destination }</b> on { $date }: the seat offered to you is gone. You keep your place in line.
notice-waitlist-cancelled =
    ❌ The trip to <b>{ $destination }</b> on { $date } is cancelled, so its waiting list is closed.
    Find another ride with /trips.
notice-waitlist-departed =
    🚗 The trip to <b>{ $destination }</b> on { $date } has left, so its waiting list is closed.
    Find another ride with /trips.
# To the driver: a player of the waiting list took a freed seat.
notice-waitlist-took = ⏳ { $person } took a freed seat in your trip to <b>{ $destination }</b> from the waiting list: pickup { $address }, { $day } at { $time }. { $seats }
# After the changes of a notice-changed message, to a passenger who should confirm them.
notice-reconfirm-ask = Does it still work for you?
notice-released =
    🚪 Your seat in the trip to <b>{ $destination }</b> on { $date } ({ $time } { $address }) was released: you did not confirm it after the driver's change.
    Find another ride with /trips.
notice-driver-word =
    💬 { $driver }, the driver of your trip to <b>{ $destination }</b> on { $day }:
    { $word }
notice-removed =
    🚫 { $driver } took you off the trip to <b>{ $destination }</b> on { $date }.
    Find another ride with /trips.
notice-removed-why =
    🚫 { $driver } took you off the trip to <b>{ $destination }</b> on { $date }.
    Reason: { $reason }
    Find another ride with /trips.
