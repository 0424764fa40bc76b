"""What ride requests and alerts do when trips change (issue #21): the hooks the trip
operations call inside their own transaction.

- `seat_taken` (from `rides.join_trip`): the joiner's request for that trip's event, open or
  "own", becomes "seated" with the trip; without an event, an open free request for the
  trip's date whose destination matches. Leaving a trip later reopens nothing: the player
  asks again.
- `trip_created` (from `trips.create_trip`): the driver's own request for where it goes is
  answered by their car ("seated" with the trip, as `seat_taken`: a driver needs no ride
  there); the event's open requesters hear of the new trip
  ("event_new_trip"; without an event: the open free requests for its date and destination),
  then the alert subscribers who have not heard already ("alert_new_trip"): an alert on the
  event (a weekly event's alert is on its series) or on a destination the trip's matches,
  on its weekday or any.

Return legs (issue #22, `Trip.outbound`) take nobody to an event or a destination: both
hooks leave them alone.

Destinations match loosely: the wanted text, case-folded, inside the trip's ("riverside"
matches "Away game · Riverside Arena").
"""

from __future__ import annotations

from datetime import datetime

from . import outbox, queries
from .base import utcnow
from .errors import Conflict
from .rules import locked_event
from .tables import REQUEST_OPEN, REQUEST_OWN, REQUEST_SEATED, Event, RideAlert, RideRequest, Trip, User


def destination_matches(wanted: str, destination: str) -> bool:
    wanted = " ".join(wanted.casefold().split())
    return bool(wanted) and wanted in " ".join(destination.casefold().split())


SEAT_ELSEWHERE = "error-event-seat-elsewhere"  # a seat in another car to the trip's event (issue #21)


def require_one_car(actor: User, trip: Trip) -> None:
    """One car per event: refused while the player holds a seat in another open car to the
    trip's event (a way back is another leg, not another car). Joining and a waiting-list
    offer both take a seat through here."""
    if queries.seat_elsewhere(actor.id, trip) is not None:
        raise Conflict(SEAT_ELSEWHERE)


def seat_taken(trip: Trip, passenger: User, now: datetime | None = None) -> int:
    """`passenger` took a seat in `trip` (inside the join's transaction, the trip locked):
    their request for it is closed. Returns how many requests were. A return leg (issue #22)
    answers nothing: it does not take them there."""
    if trip.outbound_id is not None:
        return 0
    return _answered(trip, passenger.id, now or utcnow())


def _answered(trip: Trip, user_id: int, now: datetime) -> int:
    """Close the requests of `user_id` that `trip` answers: theirs for its event, or without
    one the open free requests for its day whose destination it matches."""
    if trip.event_id is not None:
        locked_event(trip.event_id)  # after the trip's lock: the order every operation keeps
        return (RideRequest.update(status=REQUEST_SEATED, trip=trip.id, updated_at=now)
                .where((RideRequest.passenger == user_id) & (RideRequest.event == trip.event_id)
                       & RideRequest.status.in_((REQUEST_OPEN, REQUEST_OWN)))
                .execute())
    free = [r for r in RideRequest.select().where(
        (RideRequest.passenger == user_id) & RideRequest.event.is_null() & (RideRequest.status == REQUEST_OPEN)
        & (RideRequest.date == trip.departure_date)) if destination_matches(r.destination, trip.destination)]
    if not free:
        return 0
    return (RideRequest.update(status=REQUEST_SEATED, trip=trip.id, updated_at=now)
            .where(RideRequest.id.in_([r.id for r in free])).execute())


def trip_created(trip: Trip, event: Event | None) -> int:
    """Tell requesters and alert subscribers of a new trip (inside its creation's transaction;
    with an event, the event already locked). Returns how many notifications were written.
    A return leg (issue #22) is no new car: nobody hears of it."""
    if trip.outbound_id is not None:
        return 0
    _answered(trip, trip.driver_id, utcnow())  # they drive there: no longer in the list of who needs a ride
    told = {trip.driver_id}
    count = 0
    if event is not None:
        asking = RideRequest.select(RideRequest, User).join(User).where(
            (RideRequest.event == event.id) & (RideRequest.status == REQUEST_OPEN))
        requests = list(asking)
    else:
        requests = [r for r in RideRequest.select(RideRequest, User).join(User).where(
            RideRequest.event.is_null() & (RideRequest.status == REQUEST_OPEN)
            & (RideRequest.date == trip.departure_date)) if destination_matches(r.destination, trip.destination)]
    for request in sorted(requests, key=lambda r: r.id):
        if request.passenger_id in told:
            continue
        told.add(request.passenger_id)
        outbox.notify(request.passenger, "event_new_trip", trip=trip, event=event.id if event else None,
                      request=request.id)
        count += 1
    for alert in _alerts_for(trip, event):
        if alert.user_id in told:
            continue
        told.add(alert.user_id)
        outbox.notify(alert.user, "alert_new_trip", trip=trip, alert=alert.id, event=event.id if event else None)
        count += 1
    return count


def _alerts_for(trip: Trip, event: Event | None) -> list[RideAlert]:
    by_place = (RideAlert.event.is_null() & (RideAlert.destination != "")
                & (RideAlert.weekday.is_null() | (RideAlert.weekday == trip.departure_date.weekday())))
    where = by_place
    if event is not None:
        where |= RideAlert.event.in_({event.id, event.series_id or event.id})
    alerts = RideAlert.select(RideAlert, User).join(User).where(where).order_by(RideAlert.id)
    return [a for a in alerts if a.event_id is not None or destination_matches(a.destination, trip.destination)]
