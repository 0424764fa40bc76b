# The buttons of the waiting list's and "Still OK?" notices (dialogs/waitlist/), and what a press
# answers, in the presser's language.
waitlist-take = ✅ Take the seat
waitlist-pass = 🙅 Pass
waitlist-still-ok = 👍 Still OK
waitlist-leave = 🚪 Leave the trip
waitlist-leave-yes = Yes, leave the trip
waitlist-leave-no = No, I'm staying
# The answer given, marked (the notice's keyboard is replaced by it).
waitlist-chosen-took = ✅ The seat is yours
waitlist-chosen-passed = 🙅 You passed
waitlist-chosen-ok = ✅ Still OK
waitlist-chosen-left = 🚪 You left this trip

## What a press answers
waitlist-told-took = The seat is yours! The driver is told. 🎉
waitlist-told-passed = OK: the seat goes to the next in line.
waitlist-told-ok = Thanks! The driver sees you're still in. 👍
waitlist-confirm-leave = Sure? Confirm below that you leave the trip.
waitlist-told-left = You left the trip: your seat is free again and the driver is told.
waitlist-seat-yours = You have this seat. See you there!
waitlist-passed-already = You passed on this seat.
waitlist-left-already = You left this trip. Find another ride with /trips.
waitlist-stale = That button is out of date.
