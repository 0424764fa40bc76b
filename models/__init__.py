"""Tables and domain operations. Plain synchronous code, no aiogram: each write
operation opens, finishes and commits its own transaction, and checks who acts. What the
screens read is in `queries`; nothing here formats for the user: dialogs do."""

from .base import BaseModel, db, utcnow
from .errors import Conflict, DomainError, LimitReached, NameTaken, NotFound, PermissionDenied, ValidationError
from .tables import (
    ALL_MODELS, NOTIFY_DROPPED, NOTIFY_EXPIRED, NOTIFY_FAILED, NOTIFY_PENDING, NOTIFY_SENDING, NOTIFY_SENT,
    NOTIFY_UNSENT, ROLE_DRIVER, ROLE_PASSENGER, ROLES, TRIP_CANCELLED, TRIP_DONE, TRIP_OPEN, Event, FsmRecord,
    Notification, Participant, PickupPoint, ProcessedUpdate, RideAlert, RideRequest, SentReminder, TemplatePickupPoint,
    Trip, TripTemplate, User, WaitEntry,
)

__all__ = [
    "ALL_MODELS", "NOTIFY_DROPPED", "NOTIFY_EXPIRED", "NOTIFY_FAILED", "NOTIFY_PENDING", "NOTIFY_SENDING",
    "NOTIFY_SENT", "NOTIFY_UNSENT", "ROLES",
    "ROLE_DRIVER", "ROLE_PASSENGER", "TRIP_CANCELLED", "TRIP_DONE", "TRIP_OPEN", "BaseModel",
    "Conflict", "DomainError", "Event", "FsmRecord", "LimitReached", "NameTaken", "NotFound", "Notification", "Participant",
    "PermissionDenied", "PickupPoint", "ProcessedUpdate", "RideAlert", "RideRequest", "SentReminder", "TemplatePickupPoint", "Trip", "TripTemplate", "User",
    "ValidationError", "WaitEntry", "db", "utcnow",
]
