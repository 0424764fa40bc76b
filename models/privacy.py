"""/forget_me: a player's personal data removed; the club's history kept, anonymous.

`forget_user` runs in one transaction (a write lock from the start on SQLite, so the
seat and trip locks it takes on the way are savepoints of it):

- they leave every waiting list they are in (issue #22: a seat offered to them goes to the
  next in line), and their seats in trips not yet over are released, each driver told
  (`rides.leave_trip`);
- the open trips they drive that are not over are cancelled, each passenger told
  (`manage.cancel_trip`, reason "the driver left the club bot");
- their templates are deleted, and so are their ride requests and alerts (an area they
  typed, "from Dorothea's home"; issue #21); so is every notification addressed to them
  (pending ones are never sent; sent ones would tie the anonymous row to their chat id);
- the trips they drove that stay (past, cancelled) lose their free text: comment and
  cancel reason blanked, pickup addresses "—" (a phone number in a comment, "Dorothea's
  home, Elm 7");
- notifications to *other* players, pending or sent, keep nothing of them. A row names
  people by their user id only (`outbox.notify`), and the renderer reads names when it
  sends: from now on theirs reads "Former player", with no link and no car. In rows about
  trips they drove, the free text they typed (pickup addresses, comments, cancel reasons:
  the `BLANKED_PARAMS` keys) reads "—". Rows with a finished text (written before
  migration 007, or ad hoc) are redacted in their text: a link to their account
  (`tg://user?id=…`, `t.me/<username>`, with the car shown after it), their name and
  @username read "Former player", their trips' comments and addresses "—"; a link to a
  *different* player of the same name is left alone. Pending rows are still delivered;
- their dialog state (`FsmRecord` rows whose key holds their Telegram id) is deleted;
- the `User` row stays, for the history it anchors (past and cancelled trips, seats in
  them), as "Former player": no username, car, role or language (a preference of the
  person), unreachable, `telegram_id = -id` (unique, and never a real account: Telegram
  user ids are positive), `forgotten_at` set.

The same Telegram account sending /start later is a new player with a new row. Sent
notifications that name nobody are kept until the outbox's retention period ends.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import peewee as pw

from . import club, manage, outbox, queries, rides, waitlist
from .base import db, utcnow
from .tables import (
    FsmRecord, Notification, Participant, PickupPoint, RideAlert, RideRequest, TemplatePickupPoint, Trip, TripTemplate,
    User,
)
from .users import require_user

FORMER_NAME = "Former player"
PASSENGER_LEFT = "left the club bot"
DRIVER_LEFT = "the driver left the club bot"
FORGOTTEN = "forgot themselves (/forget_me)"
BLANKED = "—"  # a pickup address (or a comment quoted in a message) of a forgotten driver
# Notification parameters that hold a driver's own words about their trip (also inside
# `changes`); a forgotten driver's are blanked. The destination stays: it names a place
# of the club (a game, a gym), like the trips that are kept.
BLANKED_PARAMS = frozenset(("address", "comment", "cancel_reason", "word", "remove_reason"))  # word, remove_reason: #22
OUR_WORDS = frozenset((DRIVER_LEFT, PASSENGER_LEFT))  # reasons the bot wrote, not the player


@dataclass
class Forgetting:
    """What forgetting a player does (before) or did (after)."""

    seats: int = 0  # seats released in trips not over yet
    trips: int = 0  # open trips they drive, cancelled
    templates: int = 0
    told: list[int] = field(default_factory=list)  # Telegram ids of the players told
    redacted: int = 0  # other players' notifications that named them, redacted


def _seat_trips(user: User) -> list[int]:
    return [t.id for t in Trip.select(Trip.id).join(Participant)
            .where(queries.still_open() & (Participant.passenger == user.id)).order_by(Trip.departs_at)]


def _driven_trips(user: User) -> list[int]:
    return [t.id for t in Trip.select(Trip.id).where(queries.still_open() & (Trip.driver == user.id)).order_by(Trip.departs_at)]


def forget_plan(telegram_id: int) -> Forgetting:
    """What `forget_user` would do, for the confirmation window. Reads only."""
    user = require_user(telegram_id)
    return Forgetting(seats=len(_seat_trips(user)), trips=len(_driven_trips(user)),
                      templates=TripTemplate.select().where(TripTemplate.driver == user.id).count())


def fsm_keys(telegram_id: int) -> list[str]:
    """`FsmRecord` keys of this user's chats and dialogs. Keys are aiogram's
    `DefaultKeyBuilder(with_destiny=True)` ones (bot/infra/storage.py): `fsm:` then the numeric
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
        waitlist.leave_every_line(user)  # issue #22: a seat offered to them goes to the next in line
        for trip_id in _seat_trips(user):
            driver_tid = Trip.select(User.telegram_id).join(User).where(Trip.id == trip_id).scalar()
            rides.leave_trip(telegram_id, trip_id, reason=PASSENGER_LEFT)
            done.seats += 1
            done.told.append(driver_tid)
        for trip_id in _driven_trips(user):
            done.told += queries.passenger_telegram_ids(trip_id)
            manage.cancel_trip(telegram_id, trip_id, DRIVER_LEFT)
            done.trips += 1
        templates = TripTemplate.select(TripTemplate.id).where(TripTemplate.driver == user.id)
        TemplatePickupPoint.delete().where(TemplatePickupPoint.template.in_(templates)).execute()
        done.templates = TripTemplate.delete().where(TripTemplate.driver == user.id).execute()
        if RideRequest.delete().where(RideRequest.passenger == user.id).execute():
            club.touch_boards()  # "still need a ride" on the board
        RideAlert.delete().where(RideAlert.user == user.id).execute()
        Notification.delete().where(Notification.recipient == user.id).execute()
        done.redacted = _redact_notifications(user)  # before the trips' free text is blanked: it is read there
        _blank_driven_trips(user)
        for (trip_id,) in Trip.select(Trip.id).where(Trip.driver == user.id).tuples():
            club.touch(trip_id)  # the club chat's posts drop the name and the addresses too
        keys = fsm_keys(telegram_id)
        if keys:
            FsmRecord.delete().where(FsmRecord.key.in_(keys)).execute()
        User.update(
            name=FORMER_NAME, username=None, car="", role=None, language="", telegram_id=-user.id,
            reachable=False, unreachable_reason=FORGOTTEN, forgotten_at=utcnow(), updated_at=utcnow(),
        ).where(User.id == user.id).execute()
    done.told = sorted(set(done.told))
    return done


def _blank_driven_trips(user: User) -> None:
    """The trips they drove that stay keep no free text of theirs (the cancel reason this
    forgetting wrote is ours, not theirs)."""
    driven = Trip.select(Trip.id).where(Trip.driver == user.id)
    Trip.update(comment="", updated_at=utcnow()).where((Trip.driver == user.id) & (Trip.comment != "")).execute()
    Trip.update(cancel_reason="").where(
        (Trip.driver == user.id) & (Trip.cancel_reason != "") & (Trip.cancel_reason != DRIVER_LEFT)).execute()
    PickupPoint.update(address=BLANKED).where(PickupPoint.trip.in_(driven)).execute()


# --- redacting other players' notifications -----------------------------------------------

_ANCHOR = re.compile(r'<a href="([^"]*)">.*?</a>', re.S)


def _redactor(user: User) -> Callable[[str], str]:
    """A function that rewrites one finished notification text (HTML, as `dialogs.common.contact_link` and the
    operations write it) so that it no longer names `user`."""
    own_hrefs = {f"tg://user?id={user.telegram_id}"}
    names = [re.escape(f"tg://user?id={user.telegram_id}") + r"(?!\d)"]
    if user.username:
        own_hrefs.add(f"https://t.me/{html.escape(user.username)}".lower())
        names.append(r"(?i:(?:(?:https?://)?t\.me/|@)" + re.escape(user.username) + r")(?!\w)")  # any case
    name = html.escape(user.name or "", quote=False)
    if name and name != FORMER_NAME:
        names.append(r"(?<!\w)" + re.escape(name) + r"(?!\w)")  # as written: "Player" is not "player"
    mention = re.compile("|".join(names))
    car = f" · {html.escape(user.car, quote=False)}" if user.car else None  # shown after the driver's link

    def outside_links(text: str) -> str:
        return mention.sub(FORMER_NAME, text)

    def redact(text: str) -> str:
        out, pos = [], 0
        for link in _ANCHOR.finditer(text):
            out.append(outside_links(text[pos:link.start()]))
            pos = link.end()
            if link.group(1).lower() in own_hrefs:
                out.append(FORMER_NAME)
                if car and text.startswith(car, pos):
                    pos += len(car)
            else:  # another player, perhaps of the same name: theirs to keep
                out.append(link.group(0))
        out.append(outside_links(text[pos:]))
        return "".join(out)

    return redact


def _trip_texts(user: User) -> dict[int, re.Pattern]:
    """For each trip they drove: a pattern of its comment and pickup addresses as they
    appear (escaped) in messages about it."""
    values: dict[int, set[str]] = {}
    for trip_id, comment in Trip.select(Trip.id, Trip.comment).where(Trip.driver == user.id).tuples():
        values[trip_id] = {comment} if comment else set()
    for trip_id, address in (PickupPoint.select(PickupPoint.trip, PickupPoint.address).join(Trip)
                             .where(Trip.driver == user.id).tuples()):
        values[trip_id].add(address)
    return {
        trip_id: re.compile("|".join(r"(?<!\w)" + re.escape(html.escape(v, quote=False)) + r"(?!\w)"
                                     for v in sorted(found, key=len, reverse=True)))
        for trip_id, found in values.items() if found
    }


def _redact_notifications(user: User) -> int:
    """Redact every notification row (any recipient, any state) that names `user`, and the
    free text of their trips in rows about those trips. Returns how many rows changed."""
    return _blank_params(user) + _redact_texts(user)


def _blanked(value):
    """`value` with every string in it "—" (one value, or an edit's [old, new] pair)."""
    if isinstance(value, str):
        return value if not value or value in OUR_WORDS else BLANKED
    if isinstance(value, list):
        return [_blanked(v) for v in value]
    return value


def _blank_in(params: dict) -> dict:
    return {k: _blanked(v) if k in BLANKED_PARAMS else _blank_in(v) if isinstance(v, dict) else v
            for k, v in params.items()}


def _blank_params(user: User) -> int:
    """Rows rendered at send time, about trips `user` drove: their free text blanked."""
    driven = Trip.select(Trip.id).where(Trip.driver == user.id)
    changed = 0
    rows = Notification.select(Notification.id, Notification.params).where(
        Notification.trip.in_(driven) & (Notification.text == ""))
    for row in rows:
        params = outbox.params_of(row)
        blank = _blank_in(params)
        if blank != params:
            Notification.update(params=outbox.dump_params(blank)).where(Notification.id == row.id).execute()
            changed += 1
    return changed


def _redact_texts(user: User) -> int:
    """Rows with a finished text (see the module docstring)."""
    redact = _redactor(user)
    trip_texts = _trip_texts(user)
    text = Notification.text
    maybe = text.contains(f"tg://user?id={user.telegram_id}")
    for needle in filter(None, (user.username, html.escape(user.name or "", quote=False))):
        maybe |= text.contains(needle)
    if trip_texts:
        maybe |= Notification.trip.in_(list(trip_texts))
    changed = 0
    rows = Notification.select(Notification.id, Notification.trip, text).where((text != "") & (maybe)).tuples()
    for row_id, trip_id, old in rows:
        new = redact(old)
        if trip_id in trip_texts:
            new = trip_texts[trip_id].sub(BLANKED, new)
        if new != old:
            Notification.update(text=new).where(Notification.id == row_id).execute()
            changed += 1
    return changed
