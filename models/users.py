"""Players: registration, roles, and the authorization rules every operation uses."""

from __future__ import annotations

from .base import db, utcnow
from .cleaning import clean_text, visible_length
from .errors import NotFound, PermissionDenied, ValidationError
from .tables import LANGUAGES, ROLE_DRIVER, ROLE_PASSENGER, ROLES, User

NAME_MAX = 256


def _clean_name(first_name: str | None, last_name: str | None) -> str:
    """Telegram names are user text too: no control or bidi characters reach the database."""
    name = clean_text(f"{first_name or ''} {last_name or ''}")
    return (name or "Player")[:NAME_MAX]


def register_user(
    telegram_id: int, first_name: str | None, last_name: str | None = None, username: str | None = None,
    language: str = "",
) -> tuple[User, bool]:
    """Create the player, or refresh their name and username. Returns (user, created).
    `language` (one of LANGUAGES, picked from Telegram's language_code) is stored for a new
    player only: a known player's choice stands."""
    name = _clean_name(first_name, last_name)
    username = (username or None) and username[:64]
    language = language if language in LANGUAGES else ""
    with db.atomic():
        user = User.get_or_none(User.telegram_id == telegram_id)
        if user is None:
            return User.create(telegram_id=telegram_id, name=name, username=username, language=language), True
        if (user.name, user.username) != (name, username):
            user.name, user.username, user.updated_at = name, username, utcnow()
            user.save(only=[User.name, User.username, User.updated_at])
        return user, False


def get_user(telegram_id: int) -> User | None:
    return User.get_or_none(User.telegram_id == telegram_id)


def require_user(telegram_id: int) -> User:
    user = get_user(telegram_id)
    if user is None:
        raise NotFound("error-unknown-user")
    return user


def _set(telegram_id: int, field, value) -> User:
    """One of the player's own choices (role, language), written only when it changes."""
    with db.atomic():
        user = require_user(telegram_id)
        if getattr(user, field.name) != value:
            setattr(user, field.name, value)
            user.updated_at = utcnow()
            user.save(only=[field, User.updated_at])
        return user


def set_role(telegram_id: int, role: str) -> User:
    """Choose or switch the role. Never touches trips or seats."""
    if role not in ROLES:
        raise ValidationError("error-unknown-role", role=repr(role))
    return _set(telegram_id, User.role, role)


def set_language(telegram_id: int, language: str) -> User:
    """The player chooses the language the bot speaks to them."""
    if language not in LANGUAGES:
        raise ValidationError("error-unknown-language")
    return _set(telegram_id, User.language, language)


def other_role(role: str | None) -> str:
    return ROLE_PASSENGER if role == ROLE_DRIVER else ROLE_DRIVER


# --- authorization: every operation that creates or manages calls these -----------------


def require_driver(actor: User) -> None:
    """Creating trips and templates needs the driver role."""
    if actor.role != ROLE_DRIVER:
        raise PermissionDenied("error-drivers-only")


def require_owner(actor: User, owner_id: int, what: str = "trip") -> None:
    """Managing a trip or a template (`what`) needs owning it, whatever the current role."""
    if actor.id != owner_id:
        raise PermissionDenied("error-template-not-yours" if what == "template" else "error-trip-not-yours")


CAR_MIN, CAR_MAX = 2, 100


def clean_car(raw: str | None) -> str:
    """A car description passengers can recognise ("red Skoda, AB-123"): cleaned like all user
    text, at least 2 visible characters, at most 100 in all."""
    car = clean_text(raw)
    if visible_length(car) < CAR_MIN or len(car) > CAR_MAX:
        raise ValidationError("error-car-length", lo=CAR_MIN, hi=CAR_MAX)
    return car


def set_car(telegram_id: int, raw: str) -> User:
    """The driver's car description shown to their passengers; text with nothing visible
    ("" too) removes it."""
    car = clean_car(raw) if clean_text(raw) else ""
    with db.atomic():
        user = require_user(telegram_id)
        user.car, user.updated_at = car, utcnow()
        user.save(only=[User.car, User.updated_at])
        return user
