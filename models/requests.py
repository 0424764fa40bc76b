"""Ride requests and alerts (issue #21): "I need a ride", "I go on my own", "tell me about
new trips to …". Only the requester changes or withdraws a request, only its owner removes
an alert.

A request to an event is one row per (player, event): asking again reopens it (a withdrawn or
"own" one, or a seated one whose seat is gone). Asking is refused while the player has a seat
in an open trip to the event, or drives one. Every operation on an event's request runs under
the event's lock (`rules.event_lock`), as joining a trip to it does (`matching.seat_taken`),
so "who still needs a ride" never counts a player who has a seat.

The drivers of the event's open trips hear of a new request in one batched message: at most
ONE pending "ride_requests" notification per (driver, event) — if one is waiting, nothing more
is written — and its renderer lists the event's open requests as they are when it is sent. One
the sender has claimed already ("sending": rendered, on its way) does not count as waiting: a
request made then would be in no message, so it gets the next one.

A free request (no event) is a date and a destination; it closes when its player joins a trip
that day whose destination matches (`matching`).
"""

from __future__ import annotations

import logging
from datetime import date, datetime
from zoneinfo import ZoneInfo

import peewee as pw

from . import club, outbox
from .base import db, utcnow
from .cleaning import clean_text
from .errors import Conflict, NotFound, PermissionDenied, ValidationError
from .logids import tg
from .rules import event_lock, is_row_id, locked_event, require_event
from .tables import (
    EVENT_OPEN, NOTIFY_PENDING, REQUEST_OPEN, REQUEST_OWN, REQUEST_SEATED, REQUEST_WITHDRAWN, TRIP_OPEN, Event, Notification,
    Participant, RideAlert, RideRequest, Trip, User,
)
from .trips import validate_date, validate_destination
from .users import require_user

log = logging.getLogger(__name__)

AREA_MAX = 60
REQUEST_GONE = "error-request-gone"
ALERT_GONE = "error-alert-gone"
RIDE_REQUESTS = "ride_requests"  # the batched notification's kind


def validate_area(raw: str) -> str:
    """Where the player would be picked up ("Oak Street"), at most 60 characters; "" = anywhere."""
    area = clean_text(raw)
    if len(area) > AREA_MAX:
        raise ValidationError("error-area-length", most=AREA_MAX, sent=len(area))
    return area


def _seated_or_driving(actor: User, event: Event, now: datetime) -> None:
    """Refuse a request from a player who has a seat in, or drives, an open trip to the event."""
    trips = Trip.select(Trip.id).where(
        (Trip.event == event.id) & (Trip.status == TRIP_OPEN) & (Trip.ends_at > now))
    if Trip.select().where(Trip.id.in_(trips) & (Trip.driver == actor.id)).exists():
        raise Conflict("error-request-driving")
    if Participant.select().where(Participant.trip.in_(trips) & (Participant.passenger == actor.id)).exists():
        raise Conflict("error-request-seated")


def _set_request(actor: User, event: Event, status: str, area: str | None, now: datetime) -> RideRequest:
    """The player's row for the event, created or updated to `status` (inside the event lock)."""
    request = RideRequest.get_or_none((RideRequest.passenger == actor.id) & (RideRequest.event == event.id))
    if request is None:
        return RideRequest.create(passenger=actor, event=event, status=status, area=area or "",
                                  created_at=now, updated_at=now)
    request.status, request.trip, request.updated_at = status, None, now
    if area is not None:
        request.area = area
    request.save(only=[RideRequest.status, RideRequest.trip, RideRequest.area, RideRequest.updated_at])
    return request


def tell_drivers(event: Event, now: datetime) -> int:
    """Write the batched "ride_requests" notification for each driver of an open trip to the
    event who has none waiting (pending: one being sent is not). Returns how many were written."""
    params = outbox.dump_params({"event": event.id})
    drivers = User.select().where(User.id.in_(
        Trip.select(Trip.driver).where((Trip.event == event.id) & (Trip.status == TRIP_OPEN) & (Trip.departs_at > now))))
    written = 0
    for driver in drivers:
        waiting = Notification.select().where(
            (Notification.recipient == driver.id) & (Notification.kind == RIDE_REQUESTS)
            & (Notification.params == params) & (Notification.state == NOTIFY_PENDING)).exists()
        if not waiting:
            outbox.notify(driver, RIDE_REQUESTS, event=event.id)
            written += 1
    return written


def reopen_for(trip: Trip, now: datetime, passenger_ids: list[int] | None = None) -> int:
    """The seats of `trip` are gone (the driver cancelled it, or removed these passengers): the
    requests it had answered for its event are open again — those players still need a ride —
    and the event's drivers hear of them. Inside the caller's transaction, after the trip's lock
    (lock order: the trip, then its event). Returns how many reopened."""
    if trip.event_id is None:
        return 0
    event = locked_event(trip.event_id)
    if event is None:
        return 0
    seated = (RideRequest.trip == trip.id) & (RideRequest.status == REQUEST_SEATED)
    if passenger_ids is not None:
        seated &= RideRequest.passenger.in_(passenger_ids)
    reopened = (RideRequest.update(status=REQUEST_OPEN, trip=None, updated_at=now).where(seated).execute())
    if reopened and event.status == EVENT_OPEN and event.starts_at > now:
        tell_drivers(event, now)
    return reopened


def _answer(actor_tid: int, event_id: int, status: str, area: str | None) -> RideRequest:
    """The player's answer to "how do you get there?" for an event, under its lock."""
    actor = require_user(actor_tid)
    now = utcnow()
    with event_lock(event_id) as event:
        event = require_event(event, now=now)
        _seated_or_driving(actor, event, now)
        request = _set_request(actor, event, status, area, now)
        if status == REQUEST_OPEN:
            tell_drivers(event, now)
        club.touch_boards(now)
    log.info("%s: %s for event %s", tg(actor_tid), status, event_id)
    return request


def request_ride(actor_tid: int, event_id: int, area: str = "") -> RideRequest:
    """"I need a ride" to an event, from `area` ("" = anywhere): open (reopened if the player
    had withdrawn or gone on their own). The drivers going there are told (batched)."""
    return _answer(actor_tid, event_id, REQUEST_OPEN, validate_area(area))


def going_alone(actor_tid: int, event_id: int) -> RideRequest:
    """"I go on my own": the player is not in the list of who needs a ride."""
    return _answer(actor_tid, event_id, REQUEST_OWN, None)


def request_free(actor_tid: int, day: date, destination: str, area: str = "",
                 tz: ZoneInfo = ZoneInfo("UTC")) -> RideRequest:
    """"I need a ride" without an event: to `destination` on `day`. Asking again for the same
    day and destination updates the open request (its area)."""
    actor = require_user(actor_tid)
    day = validate_date(day, tz)
    destination = validate_destination(destination)
    area = validate_area(area)
    now = utcnow()
    with db.atomic():
        same = RideRequest.get_or_none(
            (RideRequest.passenger == actor.id) & RideRequest.event.is_null() & (RideRequest.date == day)
            & (RideRequest.status == REQUEST_OPEN) & (RideRequest.destination == destination))
        if same is not None:
            same.area, same.updated_at = area, now
            same.save(only=[RideRequest.area, RideRequest.updated_at])
            return same
        return RideRequest.create(passenger=actor, date=day, destination=destination, area=area,
                                  created_at=now, updated_at=now)


def _own_request(actor: User, request_id: int) -> RideRequest:
    request = RideRequest.get_or_none(RideRequest.id == request_id) if is_row_id(request_id) else None
    if request is None:
        raise NotFound(REQUEST_GONE)
    if request.passenger_id != actor.id:
        log.info("Request %s: refused to %s, not theirs", request_id, tg(actor.telegram_id))
        raise PermissionDenied("error-request-not-yours")
    return request


def _request_lock(request_id: int):
    """The event's lock for a request to an event (a free request: a plain transaction)."""
    event_id = RideRequest.select(RideRequest.event).where(RideRequest.id == request_id).scalar() \
        if is_row_id(request_id) else None
    return event_lock(event_id) if event_id else db.atomic()


def withdraw_request(actor_tid: int, request_id: int) -> RideRequest:
    """The requester no longer needs the ride (only they may say so). Idempotent."""
    actor = require_user(actor_tid)
    now = utcnow()
    with _request_lock(request_id):
        request = _own_request(actor, request_id)
        if request.status != REQUEST_WITHDRAWN:
            request.status, request.updated_at = REQUEST_WITHDRAWN, now
            request.save(only=[RideRequest.status, RideRequest.updated_at])
            if request.event_id:
                club.touch_boards(now)
    return request


def change_area(actor_tid: int, request_id: int, area: str) -> RideRequest:
    """Where the requester would be picked up (only they; only while the request is open)."""
    actor = require_user(actor_tid)
    area = validate_area(area)
    with _request_lock(request_id):
        request = _own_request(actor, request_id)
        if request.status != REQUEST_OPEN:
            raise Conflict("error-request-closed")
        request.area, request.updated_at = area, utcnow()
        request.save(only=[RideRequest.area, RideRequest.updated_at])
    return request


def add_alert(actor_tid: int, *, event_id: int | None = None, destination: str = "",
              weekday: int | None = None) -> RideAlert:
    """"Tell me about new trips to …": an event (a weekly one: every week of its series), or
    without one a destination, on `weekday` (0 = Monday … 6) or any day. Asking twice for the
    same returns the alert there is."""
    actor = require_user(actor_tid)
    if weekday is not None and not (isinstance(weekday, int) and 0 <= weekday <= 6):
        raise ValidationError("error-alert-weekday")
    if event_id is not None:
        if not is_row_id(event_id):
            raise NotFound("error-event-gone")
        event = require_event(Event.get_or_none(Event.id == event_id))
        target = event.series_id or event.id
        try:
            with db.atomic():
                alert, _ = RideAlert.get_or_create(user=actor, event=target)
        except pw.IntegrityError:  # the same alert, added at the same time elsewhere
            alert = RideAlert.get(RideAlert.user == actor.id, RideAlert.event == target)
        return alert
    if not clean_text(destination):
        raise ValidationError("error-alert-what")
    destination = validate_destination(destination)
    with db.atomic():
        day = RideAlert.weekday.is_null() if weekday is None else RideAlert.weekday == weekday
        mine = RideAlert.select().where((RideAlert.user == actor.id) & RideAlert.event.is_null() & day)
        same = next((a for a in mine if a.destination.casefold() == destination.casefold()), None)
        return same or RideAlert.create(user=actor, destination=destination, weekday=weekday)


def remove_alert(actor_tid: int, alert_id: int) -> None:
    """Stop an alert (its owner only). Removing one already gone is NotFound."""
    actor = require_user(actor_tid)
    with db.atomic():
        alert = RideAlert.get_or_none(RideAlert.id == alert_id) if is_row_id(alert_id) else None
        if alert is None:
            raise NotFound(ALERT_GONE)
        if alert.user_id != actor.id:
            raise PermissionDenied("error-alert-not-yours")
        alert.delete_instance()


__all__ = [
    "AREA_MAX", "REQUEST_OPEN", "REQUEST_OWN", "REQUEST_SEATED", "REQUEST_WITHDRAWN", "add_alert", "change_area",
    "going_alone", "remove_alert", "request_free", "request_ride", "tell_drivers", "validate_area",
    "withdraw_request",
]
