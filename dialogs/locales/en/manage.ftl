# Editing and cancelling a trip (dialogs/manage). $title: "Riverside Arena, Sat 05 Dec 2026".
manage-edit-title = ✏️ <b>Edit trip</b>: { $title }
manage-no-changes = No changes yet: pick what to change.
manage-shift-hint = 🕘 Late or early? The 🕘 buttons move every pickup time.
# The menu's buttons, also the labels of the diff's lines.
manage-field-destination = 🏁 Destination
manage-field-date = 📅 Date
manage-field-seats = 💺 Seats
manage-field-comment = 💬 Comment
manage-field-pickups = 📍 Pickups
# $minutes: "15" (a string)
manage-shift-earlier = 🕘 −{ $minutes } min
manage-shift-later = 🕘 +{ $minutes } min
manage-confirm = ✅ Confirm
# One line of the diff: "💺 Seats: 3 → 4". A stop is "18:00 Station".
manage-diff-field = { $field }: { $old } → { $new }
manage-diff-pickup-new = 📍 New pickup: { $stop }
manage-diff-pickup-removed = 📍 Removed: { $stop }
manage-diff-pickup-moved = 📍 { $old } → { $new }
manage-saved = Saved. Your passengers are being told. ✅
# The field steps
manage-destination-now =
    🏁 Now: <b>{ $destination }</b>
    Send the new destination (2–100 characters).
manage-date-now =
    📅 Now: <b>{ $date }</b>
    Pick the new day.
manage-seats-now = 💺 Now: <b>{ $seats }</b> seats; { $booked } booked, so no fewer than that.
manage-seats-hint = Tap a number or send one.
manage-comment-now = 💬 Now: <i>{ $comment }</i>
manage-comment-none = 💬 No comment now.
manage-comment-hint = Send the new comment (up to 500 characters).
manage-comment-clear = 🧹 No comment
# Removing a pickup point costs passengers their seats; $n of them, $names "Ann, Bob".
manage-remove-confirm =
    ⚠️ Removing that pickup point costs { $n ->
        [one] { $n } passenger their seat
       *[other] { $n } passengers their seats
    }: <b>{ $names }</b>.
    They will be told why. Go ahead?
manage-remove-yes = ✅ Yes, remove
# Cancelling; $n passengers are told.
manage-cancel-title = ❌ <b>Cancel the trip</b> { $title }?
manage-cancel-told = { $n ->
        [one] { $n } passenger
       *[other] { $n } passengers
    } will be told.
manage-cancel-reason = Reason: <i>{ $reason }</i>
manage-cancel-hint = Send a short reason if you like, then tap Yes.
manage-cancel-yes = ❌ Yes, cancel the trip
manage-cancelled = Trip cancelled. Your passengers are being told.
# Issue #22: cancelling one leg of a trip with a way back asks about the other, still to come.
# $other_direction: "back" (cancelling the way there) or "out" (cancelling the way back);
# $other_when: "Sat 05 Dec 21:30"; $other_place: where that leg leaves from.
manage-cancel-other =
    { $other_direction ->
        [back] ↩️ The way back is still on: { $other_when } from { $other_place }.
       *[out] ➡️ The way there is still on: { $other_when } from { $other_place }.
    }
    Cancel it as well?
manage-cancel-hint-both = Send a short reason if you like (it goes with both), then choose.
manage-cancel-both = ❌ Cancel both ways
manage-cancel-only = { $other_direction ->
        [back] ❌ Only the way there
       *[out] ❌ Only the way back
    }
