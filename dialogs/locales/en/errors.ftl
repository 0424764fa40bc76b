# Refusals of domain operations (models/: `raise ValidationError("error-…", **params)`), shown by
# dialogs.common.show_error / error_text. Parameters are as the model raised them: counts as numbers,
# user text (a template name, a cancel reason) raw — the whole text is escaped where it is shown.
# "You sent N" counts are printed without grouping ("4096", not "4,096").

## Players and roles (models/users.py)
error-unknown-user = I don't know you yet: send /start first.
error-unknown-role = Unknown role { $role }.
error-unknown-language = I don't speak that language yet: pick one of the buttons.
error-drivers-only = Only drivers can do this. Switch your role to driver with /switch_role first.
error-trip-not-yours = This trip is not yours, so you cannot change it.
error-template-not-yours = This template is not yours, so you cannot change it.
error-car-length = Describe the car in { $lo } to { $hi } characters, e.g. red Skoda, AB-123.

## Trips: what drivers type (models/trips.py)
error-destination-length = The destination must be { $lo } to { $hi } characters long (you sent { NUMBER($sent, useGrouping: 0) }).
error-address-length = The address must be { $lo } to { $hi } characters long (you sent { NUMBER($sent, useGrouping: 0) }).
error-comment-length = The comment can be at most { $most } characters (you sent { NUMBER($sent, useGrouping: 0) }).
error-comment-lines = The comment can have at most { $most } lines (you sent { NUMBER($sent, useGrouping: 0) }).
error-seats-number = Send a number of seats from { $lo } to { $hi }.
error-seats-range = Seats must be from { $lo } to { $hi }.
error-time-format = Send the time as HH:MM, for example 18:30 or 9:05.
error-time-range = That is not a time of day: hours go 0–23 and minutes 0–59.
error-time-passed = { $time } today has already passed: pick a later time.
error-date-past = That date is in the past: pick today or a later day.
error-date-too-far = That is more than a year ahead: pick a closer date.

## Rules every operation shares (models/rules.py, models/queries.py)
error-trip-gone = That trip does not exist (any more).
error-trip-left = This trip has already left.
error-trip-over = This trip is over.
error-trip-cancelled = This trip has been cancelled.
error-trip-cancelled-because = This trip has been cancelled: { $reason }
error-pickups-none = Add at least one pickup point.
error-pickups-too-many = At most { $most } pickup points: remove one first.
error-template-gone = That template no longer exists.

## Seats (models/rides.py, models/lifecycle.py)
error-own-trip = This is your own trip: drivers cannot take a seat in it.
error-seat-taken-already = You already have a seat in this trip.
error-trip-full = Sorry, this trip is full.
error-pickup-gone = That pickup point is no longer part of this trip.
error-trip-changed-before-join = The driver changed this trip a moment ago. Check the new details, then join again.
error-no-seat = You do not have a seat in this trip.
error-no-reminder-yet = No reminder for this trip has been sent yet: these buttons work once it has come.

## Managing a trip (models/manage.py)
error-not-the-driver = Only the driver of this trip can change it.
error-shift-other-day = Moving the times by { $shift } min puts { $time } on another day: change the date instead.
error-seats-below-booked = { $booked } { $booked ->
        [one] passenger is
       *[other] passengers are
    } booked: seats cannot go below { $booked }.
error-trip-changed-meanwhile = This trip was changed on another screen meanwhile. Here is its current state; make your changes again.
error-pickup-changed-meanwhile = A pickup point changed meanwhile. Open the trip again.
error-removed-pickups-changed = Passengers joined or left the pickup points you are removing meanwhile. Here is the current state; check it and confirm again.
error-reason-length = Keep the reason under { $most } characters (you sent { NUMBER($sent, useGrouping: 0) }).

## Templates (models/templates.py)
error-template-name-length = A template name is 1 to { $most } characters (you sent { NUMBER($sent, useGrouping: 0) }).
error-template-name-taken = You already have a template called “{ $name }”.
error-template-name-taken-rename = You already have a template called “{ $name }”: pick another name.
error-templates-limit = You have { $most } templates, the most there can be. Delete one in /templates first.
