## The waiting list, "Still OK?", the driver's word and return legs (models/waitlist.py, models/manage.py,
## models/trips.py, models/rides.py; issue #22)
error-waitlist-seats-free = This trip has a free seat: join it instead of waiting.
error-waitlist-not-in-line = You're not in the waiting list of this trip.
error-offer-none = No seat is offered to you in this trip.
error-offer-not-yet = No seat is free for you yet: you're still in line, and you'll hear from me when one is.
error-offer-expired = Sorry, the time to take that seat ran out: it went to the next in line.
error-offer-passed = You passed on that seat, so it went to the next in line.
error-offer-pick-point = Your pickup point was removed: open the trip and pick another one to take the seat.
error-return-gone = This trip has no way back to join any more.
error-return-full = Sorry, the way back is full: join the trip there alone, or wait for a seat back.
error-return-exists = This trip already has a way back.
error-return-before-outbound = The way back must leave after the trip there.
error-release-time = Pick a time between now and the departure.
error-word-empty = Type a short message for your passengers.
error-word-length = Keep the message under { $most } characters (you sent { NUMBER($sent, useGrouping: 0) }).
error-word-nobody = Nobody rides with you yet: there's no one to tell.
error-passenger-gone = That passenger is no longer in this trip.
