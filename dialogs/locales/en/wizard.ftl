# The trip wizard (dialogs/wizard): a passenger's way in, the steps, the summary.
wizard-role-question =
    🙋 <b>You're a passenger; switch to driver?</b>
    Only drivers offer rides. /switch_role switches back whenever you like.
wizard-become-driver = 🚗 Switch to driver
wizard-became-driver = 🚗 You are a driver now (/switch_role switches back).
wizard-template-question =
    🚗 <b>New trip</b>
    Start from one of your templates, or from scratch?
wizard-from-scratch = ✏️ From scratch
# The value a step holds already (a destination, a date, a number of seats, a comment).
wizard-now = Now: <i>{ $value }</i>
wizard-destination-question = 🏁 <b>Where to?</b> Send the destination (2–100 characters)
wizard-destination-recent = or pick one of your recent ones:
wizard-recent-gone = That destination is no longer available; type it instead.
wizard-date-question = 📅 <b>Which day?</b>
wizard-seats-question = 💺 <b>How many free seats?</b> Tap a number or send one (1–8).
wizard-seats = { $n ->
    [one] { $n } seat
   *[other] { $n } seats
  }
wizard-comment-question = 💬 <b>Any comment</b> for passengers? (up to 500 characters) Or skip.
wizard-skip = ⏭ Skip
wizard-no-comment = 🚫 No comment
wizard-summary-title =
    📝 <b>Check your trip</b>
    {""}
wizard-summary-pickups =
    📍 Pickup points:
    { $pickups }
wizard-summary-hint-trip =
    {""}
    Tap a field to change it, or confirm to publish the trip.
wizard-summary-hint-template =
    {""}
    Tap a field to change it, or save the template.
wizard-edit-destination = 🏁 Destination
wizard-edit-date = 📅 Date
wizard-edit-seats = 💺 Seats
wizard-edit-pickups = 📍 Pickups
wizard-edit-comment = 💬 Comment
wizard-confirm = ✅ Confirm
wizard-save-template = 💾 Save template
wizard-created-toast = Trip created ✅
wizard-created-title =
    ✅ <b>Trip created</b>
    {""}
wizard-created-share =
    {""}
    Share it with the club: { $link }
wizard-save-as-template = 💾 Save as template
wizard-main-menu = 🏠 Main menu
wizard-post-on = ✅ Post to the club chat
wizard-post-off = ⬜ Post to the club chat
wizard-created-posted = 📣 Posted in the club chat.

## Club events (issue #21): the first step offers the upcoming events
wizard-event-question =
    🏐 <b>Which event are you driving to?</b>
    {""}
wizard-event-hint =
    {""}
    Tap one: its place and date are filled in. Going somewhere else? Tap “Somewhere else”.
wizard-from-template = 📋 From a template
wizard-somewhere-else = 📍 Somewhere else
wizard-edit-event = 🏐 Event
wizard-summary-starts = 🏐 The event starts at { $starts }
wizard-series-over = That event has no upcoming date any more: pick the template again to choose a day.

## The way back (issue #22): "Driving back too?" on the summary, then where from, when, seats and drop-offs.
# $back_seats_line: "3 seats" (wizard-seats); $back_dropoffs: the drop-off points, one a line.
wizard-summary-back =
    {""}
    ↩️ <b>Way back</b> at { $back_time } from <b>{ $back_from }</b>
    💺 { $back_seats_line }
    📍 Drop-off points:
    { $back_dropoffs }
wizard-back-add = ↩️ Driving back too?
wizard-back-edit = ↩️ Way back
wizard-back-dropoffs = 📍 Drop-offs
wizard-back-drop = 🚫 No way back
wizard-back-from-question =
    ↩️ <b>The way back</b>: where do you leave from?
    Tap the place, or send another address (2–200 characters).
wizard-back-time-question = 🕒 <b>When do you leave { $back_from }?</b>
wizard-back-seats-question = 💺 <b>How many free seats on the way back?</b> Tap a number or send one (1–8).
wizard-back-seats-same = 👍 { $seats }, as on the way there
wizard-back-too-early = The way back leaves after the last pickup of the way there: pick a time after { $after }.
wizard-back-after-dropoff = Your first drop-off is at { $first }: leave before that, or change the drop-offs first.
