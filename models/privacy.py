"""/forget_me: a player's personal data removed; the club's history kept, anonymous.

`forget_user` runs in one transaction (a write lock from the start on SQLite, so the
seat and trip locks it takes on the way are savepoints of it):

- their seats in trips not yet over are released, each driver told (`rides.leave_trip`);
- the open trips they drive that are not over are cancelled, each passenger told
  (`manage.cancel_trip`, reason "the driver left the club bot");
- their templates are deleted; so is every notification addressed to them (pending ones
  are never sent; sent ones would tie the anonymous row to their chat id);
- their dialog state (`FsmRecord` rows whose key holds their Telegram id) is deleted;
- the `User` row stays, for the history it anchors (past and cancelled trips, seats in
  them), as "Former player": no username, car or role, unreachable, `telegram_id = -id`
  (unique, and never a real account: Telegram user ids are positive), `forgotten_at` set.

The same Telegram account sending /start later is a new player with a new row.
Notification texts already written for *other* players (a driver's "Ann joined") are
their messages and stay as they are.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import peewee as pw

from . import manage, rides
from .base import db, utcnow
from .tables import (
    TRIP_OPEN, FsmRecord, Notification, Participant, TemplatePickupPoint, Trip, TripTemplate, User,
)
from .users import require_user

FORMER_NAME = "Former player"
PASSENGER_LEFT = "left the club bot"
DRIVER_LEFT = "the driver left the club bot"
FORGOTTEN = "forgot themselves (/forget_me)"


@dataclass
class Forgetting:
    """What forgetting a player does (before) or did (after)."""

    seats: int = 0  # seats released in trips not over yet
    trips: int = 0  # open trips they drive, cancelled
    templates: int = 0
    told: list[int] = field(default_factory=list)  # Telegram ids of the players told


def _not_over():
    return (Trip.status == TRIP_OPEN) & (Trip.ends_at > utcnow())


def _seat_trips(user: User) -> list[int]:
    return [t.id for t in Trip.select(Trip.id).join(Participant)
            .where(_not_over() & (Participant.passenger == user.id)).order_by(Trip.departs_at)]


def _driven_trips(user: User) -> list[int]:
    return [t.id for t in Trip.select(Trip.id).where(_not_over() & (Trip.driver == user.id)).order_by(Trip.departs_at)]


def forget_plan(telegram_id: int) -> Forgetting:
    """What `forget_user` would do, for the confirmation window. Reads only."""
    user = require_user(telegram_id)
    return Forgetting(seats=len(_seat_trips(user)), trips=len(_driven_trips(user)),
                      templates=TripTemplate.select().where(TripTemplate.driver == user.id).count())


def fsm_keys(telegram_id: int) -> list[str]:
    """`FsmRecord` keys of this user's chats and dialogs. Keys are aiogram's
    `DefaultKeyBuilder(with_destiny=True)` ones (bot/storage.py): `fsm:` then the numeric
    ids (chat, thread, user; a business connection id may come first), then the destiny
    (`default`, `aiogd:…`), all joined by `:`."""
    wanted = str(telegram_id)
    keys = []
    for (key,) in FsmRecord.select(FsmRecord.key).where(FsmRecord.key.contains(f":{wanted}:")).tuples():
        for part in key.split(":")[1:]:
            if part == wanted:
                keys.append(key)
                break
            if part in ("default", "aiogd"):  # the destiny: ids end here
                break
    return keys


def _write_transaction():
    return db.atomic("IMMEDIATE") if isinstance(db.obj, pw.SqliteDatabase) else db.atomic()


def forget_user(telegram_id: int) -> Forgetting:
    """Remove the player's personal data (see the module docstring). One transaction."""
    with _write_transaction():
        user = require_user(telegram_id)
        done = Forgetting()
        for trip_id in _seat_trips(user):
            driver_tid = Trip.select(User.telegram_id).join(User).where(Trip.id == trip_id).scalar()
            rides.leave_trip(telegram_id, trip_id, reason=PASSENGER_LEFT)
            done.seats += 1
            done.told.append(driver_tid)
        for trip_id in _driven_trips(user):
            done.told += manage.passenger_telegram_ids(trip_id)
            manage.cancel_trip(telegram_id, trip_id, DRIVER_LEFT)
            done.trips += 1
        templates = TripTemplate.select(TripTemplate.id).where(TripTemplate.driver == user.id)
        TemplatePickupPoint.delete().where(TemplatePickupPoint.template.in_(templates)).execute()
        done.templates = TripTemplate.delete().where(TripTemplate.driver == user.id).execute()
        Notification.delete().where(Notification.recipient == user.id).execute()
        keys = fsm_keys(telegram_id)
        if keys:
            FsmRecord.delete().where(FsmRecord.key.in_(keys)).execute()
        User.update(
            name=FORMER_NAME, username=None, car="", role=None, telegram_id=-user.id, reachable=False,
            unreachable_reason=FORGOTTEN, forgotten_at=utcnow(), updated_at=utcnow(),
        ).where(User.id == user.id).execute()
    done.told = sorted(set(done.told))
    return done
