"""Trip templates: a driver's weekly trip without a date. Owner only, at most 20 each.

Pickup times are times of day; using a template never changes it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import time

import peewee as pw

from . import queries
from .base import db, utcnow
from .cleaning import clean_text
from .errors import LimitReached, NameTaken, NotFound, ValidationError
from .rules import TRIP_GONE, is_row_id, require_pickup_count
from .tables import Event, TemplatePickupPoint, Trip, TripTemplate, User
from .trips import created_with, validate_address, validate_comment, validate_destination, validate_seats
from .users import require_driver, require_owner, require_user

NAME_MAX = 40
TEMPLATES_MAX = 20


@dataclass
class TemplateDraft:
    name: str
    destination: str
    seats: int
    pickups: list[tuple[str, time]] = field(default_factory=list)
    comment: str = ""
    event_id: int | None = None  # a weekly event's series (issue #21): the trip goes to its next occurrence


def validate_name(raw: str) -> str:
    name = clean_text(raw)
    if not 1 <= len(name) <= NAME_MAX:
        raise ValidationError("error-template-name-length", most=NAME_MAX, sent=len(name))
    return name


def _same_name(actor: User, name: str) -> TripTemplate | None:
    return TripTemplate.get_or_none((TripTemplate.driver == actor.id) & (TripTemplate.name == name))


def save_template(actor_telegram_id: int, draft: TemplateDraft, *, replace: bool = False,
                  key: str | None = None) -> TripTemplate:
    """Create a template (drivers only); a name clash raises NameTaken unless `replace`.

    `key` (the save dialog's intent id) makes the save idempotent, as for trips: the same
    save delivered again returns the template it made, not a NameTaken on its own name."""
    actor = require_user(actor_telegram_id)
    require_driver(actor)
    if (made := created_with(TripTemplate, actor, key)) is not None:
        return made
    name = validate_name(draft.name)
    destination = validate_destination(draft.destination)
    seats = validate_seats(draft.seats)
    comment = validate_comment(draft.comment)
    points = [(validate_address(a), t) for a, t in draft.pickups]
    require_pickup_count(len(points))
    try:
        with db.atomic():
            old = _same_name(actor, name)
            if old is not None and key is not None and old.creation_key == key:
                return old  # this very save, committed by another replica since the lookup above
            if old is not None and not replace:
                raise NameTaken("error-template-name-taken", name=name)
            if old is not None:
                old.delete_instance(recursive=True)
            elif TripTemplate.select().where(TripTemplate.driver == actor.id).count() >= TEMPLATES_MAX:
                raise LimitReached("error-templates-limit", most=TEMPLATES_MAX)
            template = TripTemplate.create(driver=actor, name=name, destination=destination, seats=seats,
                                           comment=comment, creation_key=key, event=_series(draft.event_id))
            TemplatePickupPoint.insert_many(
                [{"template": template.id, "address": a, "time": t, "position": i}
                 for i, (a, t) in enumerate(sorted(points, key=lambda p: p[1]))]
            ).execute()
    except pw.IntegrityError:  # the same save, delivered to another replica at the same time
        if (made := created_with(TripTemplate, actor, key)) is None:
            raise
        return made
    return template


def _series(event_id: int | None) -> int | None:
    """The weekly series an event belongs to (None for a one-off event, or one gone)."""
    if event_id is None or not is_row_id(event_id):
        return None
    return Event.select(Event.series).where(Event.id == event_id).scalar()


def draft_from_trip(actor_telegram_id: int, trip_id: int, name: str) -> TemplateDraft:
    """A template draft copying one of the actor's trips (its date dropped; a trip to a
    weekly event keeps the event's series)."""
    actor = require_user(actor_telegram_id)
    trip = Trip.get_or_none(Trip.id == trip_id)
    if trip is None:
        raise NotFound(TRIP_GONE)
    require_owner(actor, trip.driver_id, "trip")
    return TemplateDraft(name=name, destination=trip.destination, seats=trip.seats, comment=trip.comment,
                         pickups=[(p.address, p.time) for p in queries.pickup_points(trip.id)],
                         event_id=_series(trip.event_id))


def rename_template(actor_telegram_id: int, template_id: int, new_name: str) -> TripTemplate:
    actor = require_user(actor_telegram_id)
    name = validate_name(new_name)
    with db.atomic():
        template = queries.owned_template(actor, template_id)
        other = _same_name(actor, name)
        if other is not None and other.id != template.id:
            raise NameTaken("error-template-name-taken-rename", name=name)
        template.name, template.updated_at = name, utcnow()
        template.save(only=[TripTemplate.name, TripTemplate.updated_at])
    return template


def delete_template(actor_telegram_id: int, template_id: int) -> None:
    actor = require_user(actor_telegram_id)
    with db.atomic():
        queries.owned_template(actor, template_id).delete_instance(recursive=True)
