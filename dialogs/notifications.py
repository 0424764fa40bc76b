"""Notification texts and buttons, rendered when an outbox row is sent (`bot.workers.notifier`).

An operation writes what happened (`models.outbox.notify`: a kind and its parameters);
this module turns it into the message, one function per kind in `RENDERERS`. Names are
read now, by user id, so a player who used /forget_me reads "Former player"; reminders
read the trip as it is now (a seat given up since: the reminder no longer matters,
`Obsolete`). A row with a finished `text` (written before migration 007, or ad hoc) is
sent as it is.

Buttons: each message carries what its reader needs next — "🚗 Open trip" (the trip
card), "🔎 Find another ride" (the trip list), "🏐 Open event" (an event's card, issue #21);
a seat offered from the waiting list and "Still OK?" carry their answers (issue #22,
`wl:<action>:<trip id>`, dialogs/waitlist) —
as callback buttons (`nt:trip:<id>`, `nt:find`, `nt:event:<id>`) handled by `build_notice_router`. Callback buttons, not `t.me/<bot>?start=`
links: one tap opens the card in this chat with no "/start trip_42" message echoed,
rendering needs no `getMe`, and old messages keep working if the bot is renamed. Like
any callback data they can be forged: the card checks the trip exists, the operations
behind its buttons check everything else.

Languages (issue #19): a row is rendered in its recipient's language (`User.language`, or the
bot's default language when the player has none stored), from the catalogs
`dialogs/locales/*/notifications.ftl` and `reminders.ftl`; a press on a notice's button is
answered in the presser's. Reasons the bot itself wrote into a row ("can't go", "left the
club bot") are data: they are shown in the reader's language too.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from aiogram import F, Router
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup
from aiogram_dialog import DialogManager

from models import TRIP_OPEN, Notification, NotFound, Participant, User, WaitEntry, outbox, queries, users
from models.tables import EVENT_OPEN, REQUEST_OPEN, WAIT_OFFERED, RideRequest

from .common import contact_link, q, reason_text
from .i18n import DEFAULT_LANGUAGE, Tr, tr_for, tr_of
from .menu.commands import on_top_of_menu
from .reminders.keyboards import ask_keyboard
from .waitlist.keyboards import offer_keyboard, reconfirm_keyboard
from .states import EventsSG, FindSG, TripSG

log = logging.getLogger(__name__)

OPEN_TRIP = "notice-open-trip"
FIND_RIDE = "notice-find-ride"
OPEN_EVENT = "notice-open-event"
NEEDS_SHOWN = 10  # players named in a "ride_requests" message; the rest are counted


class Obsolete(Exception):
    """The message no longer matters (its trip is gone or over, the reader's seat given up)."""


@dataclass(frozen=True)
class Rendered:
    text: str
    reply_markup: InlineKeyboardMarkup | None = None


@dataclass
class Notice:
    """One outbox row as its renderer sees it."""

    row: Notification
    params: dict
    tz: ZoneInfo
    now: datetime  # naive UTC
    tr: Tr  # the reader's language
    _people: dict[int, User] = field(default_factory=dict)

    def person(self, key: str = "passenger") -> str:
        """The player named by `params[key]` (a `User.id`), as a contact link read now."""
        user_id = self.params.get(key)
        if user_id not in self._people:
            self._people.update(queries.people([user_id]))
        return link(self._people.get(user_id), self.tr)

    def text(self, key: str) -> str:
        return q(self.params.get(key, ""))

    def reason(self, key: str) -> str:
        """A reason: the player's words as typed, or one the bot wrote, in the reader's language."""
        value = self.params.get(key, "")
        return reason_text(value, self.tr)

    @property
    def day(self) -> str:
        """The pickup's day without the year: "Sat 05 Dec"."""
        return self.tr.day(self.params["date"])

    @property
    def date(self) -> str:
        """The trip's day: "Sat 05 Dec 2026"."""
        return self.tr.date(self.params["date"])

    @property
    def time(self) -> str:
        """The pickup's time: "18:00"."""
        return _hm(self.params["time"])

    def seats_left(self) -> str:
        return self.tr("notice-seats-left", n=max(int(self.params["seats_left"]), 0))

    @property
    def trip_id(self) -> int | None:
        return self.row.trip_id


RENDERERS: dict[str, Callable[[Notice], Rendered]] = {}


def renders(*kinds: str):
    """Register a renderer for these kinds."""
    def register(fn: Callable[[Notice], Rendered]):
        for kind in kinds:
            RENDERERS[kind] = fn
        return fn
    return register


def link(user: User | None, tr: Tr) -> str:
    """A player as a contact link; "Former player" (in the reader's language) for one who used
    /forget_me or is gone."""
    return contact_link(user) if user is not None and user.forgotten_at is None else tr("notice-former-player")


class NotificationRenderer:
    """`render(row) -> Rendered`, for `bot.workers.notifier.Notifier`: in the club's time zone
    ("today", "tomorrow" in reminders), in the recipient's language (`User.language`, else
    `default_language`: the bot's `settings.default_language`). Raises `Obsolete`, or
    `LookupError` for a kind nobody renders (a bug: the row fails, with the kind in the log)."""

    def __init__(self, tz: ZoneInfo = ZoneInfo("UTC"), default_language: str = DEFAULT_LANGUAGE) -> None:
        self.tz = tz
        self.default_language = default_language

    def language(self, row: Notification) -> str:
        """The recipient's language (one indexed query), or the default."""
        stored = User.select(User.language).where(User.id == row.recipient_id).scalar()
        return stored or self.default_language

    def __call__(self, row: Notification, now: datetime | None = None) -> Rendered:
        if row.text:
            markup = InlineKeyboardMarkup.model_validate_json(row.reply_markup) if row.reply_markup else None
            return Rendered(row.text, markup)
        renderer = RENDERERS.get(row.kind)
        if renderer is None:
            raise LookupError(f"no renderer for notification kind {row.kind!r}")
        tr = tr_for(self.language(row))
        notice = Notice(row, outbox.params_of(row), self.tz, now or outbox.now_precise(), tr)
        return renderer(notice)


# --- buttons -------------------------------------------------------------------------------


class NoticeButton(CallbackData, prefix="nt"):
    """`nt:trip:<id>` opens a trip card, `nt:find:0` the list of trips, `nt:event:<id>` an
    event's card (the id in `trip_id`: the packed form stays `nt:<to>:<id>`)."""

    to: str
    trip_id: int = 0


def _keyboard(*buttons: tuple[str, NoticeButton]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[
        [InlineKeyboardButton(text=label, callback_data=data.pack())] for label, data in buttons])


def open_trip(trip_id: int | None, tr: Tr) -> tuple[str, NoticeButton]:
    return tr(OPEN_TRIP), NoticeButton(to="trip", trip_id=trip_id or 0)


def find_ride(tr: Tr) -> tuple[str, NoticeButton]:
    return tr(FIND_RIDE), NoticeButton(to="find")


def open_event(event_id: int, tr: Tr) -> tuple[str, NoticeButton]:
    return tr(OPEN_EVENT), NoticeButton(to="event", trip_id=event_id)


def _trip_button(notice: Notice) -> InlineKeyboardMarkup | None:
    return _keyboard(open_trip(notice.trip_id, notice.tr)) if notice.trip_id else None


# --- formatting ----------------------------------------------------------------------------


def _hm(value: str) -> str:
    return Tr.time(time.fromisoformat(value))


# --- to the driver -------------------------------------------------------------------------


@renders("joined", "waitlist_took")
def joined(n: Notice) -> Rendered:
    """A passenger took a seat: joined, or took one freed for the waiting list (issue #22)."""
    key = "notice-waitlist-took" if n.row.kind == "waitlist_took" else "notice-joined"
    return Rendered(n.tr(key, person=n.person(), destination=n.text("destination"),
                         address=n.text("address"), day=n.day, time=n.time, seats=n.seats_left()),
                    _trip_button(n))


@renders("left")
def left(n: Notice) -> Rendered:
    args = dict(person=n.person(), destination=n.text("destination"), day=n.day, time=n.time, seats=n.seats_left())
    if n.params.get("reason"):
        return Rendered(n.tr("notice-left-why", reason=n.reason("reason"), **args), _trip_button(n))
    return Rendered(n.tr("notice-left", **args), _trip_button(n))


@renders("pickup_changed")
def pickup_changed(n: Notice) -> Rendered:
    return Rendered(n.tr("notice-pickup-changed", person=n.person(), address=n.text("address"), day=n.day,
                         time=n.time, destination=n.text("destination")),
                    _trip_button(n))


@renders("rider_way", "rider_late")
def rider_answer(n: Notice) -> Rendered:
    key = "notice-rider-way" if n.row.kind == "rider_way" else "notice-rider-late"
    return Rendered(n.tr(key, person=n.person(), address=n.text("address"), time=n.time,
                         destination=n.text("destination")),
                    _trip_button(n))


# --- to whoever set the bot up in the club chat (issue #20) ----------------------------------


@renders("club_chat_lost")
def club_chat_lost(n: Notice) -> Rendered:
    """The bot was removed from the club chat or lost its rights: posting has stopped."""
    return Rendered(n.tr("notice-club-chat-lost", status=str(n.params.get("status", ""))))


# --- to passengers -------------------------------------------------------------------------


@renders("seat_removed")
def seat_removed(n: Notice) -> Rendered:
    return Rendered(
        n.tr("notice-seat-removed", time=n.time, address=n.text("address"), destination=n.text("destination"),
             date=n.date, driver=n.person("driver")),
        _keyboard(find_ride(n.tr), *([open_trip(n.trip_id, n.tr)] if n.trip_id else [])))


CHANGE_LINES: dict[str, Callable[[object, Tr], str]] = {  # in the order they are listed
    "destination": lambda v, tr: tr("notice-change-destination", old=q(v[0]), new=q(v[1])),
    "date": lambda v, tr: tr("notice-change-date", old=tr.date(v[0]), new=tr.date(v[1])),
    "time": lambda v, tr: tr("notice-change-time", old=_hm(v[0]), new=_hm(v[1])),
    "address": lambda v, tr: tr("notice-change-address", old=q(v[0]), new=q(v[1])),
    "comment": lambda v, tr: tr("notice-change-comment", comment=q(v)) if v else tr("notice-change-comment-removed"),
}


def _changes(n: Notice, first_line: str, lines: dict[str, Callable]) -> str:
    """The first line, then "• …" for each change in `params["changes"]`, in `lines`' order."""
    changes = n.params["changes"]
    return "\n".join([first_line, *(f"• {line(changes[key], n.tr)}" for key, line in lines.items() if key in changes)])


def _with_reason(n: Notice, key: str, reason_param: str, **args) -> str:
    """`key`, or `key`-why with the reason when the row has one."""
    if n.params.get(reason_param):
        return n.tr(f"{key}-why", reason=n.reason(reason_param), **args)
    return n.tr(key, **args)


@renders("trip_changed")
def trip_changed(n: Notice) -> Rendered:
    title = n.tr("notice-changed", destination=n.text("destination"), date=n.date)
    return Rendered(_changes(n, title, CHANGE_LINES), _trip_button(n))


@renders("trip_cancelled")
def trip_cancelled(n: Notice) -> Rendered:
    text = _with_reason(n, "notice-cancelled", "cancel_reason", destination=n.text("destination"), date=n.date)
    return Rendered(text, _keyboard(find_ride(n.tr)))


# --- club events and ride requests (issue #21) ----------------------------------------------


EVENT_KINDS = {"training": "notice-event-kind-training", "game": "notice-event-kind-game",
               "other": "notice-event-kind-other"}
EVENT_CHANGE_LINES: dict[str, Callable[[list, Tr], str]] = {  # in the order they are listed
    "title": lambda v, tr: tr("notice-event-change-title", old=q(v[0]), new=q(v[1])),
    "kind": lambda v, tr: tr("notice-event-change-kind", old=tr(EVENT_KINDS[v[0]]), new=tr(EVENT_KINDS[v[1]])),
    "venue": lambda v, tr: tr("notice-event-change-venue", old=q(v[0]), new=q(v[1])),
    "date": lambda v, tr: tr("notice-event-change-date", old=tr.date(v[0]), new=tr.date(v[1])),
    "time": lambda v, tr: tr("notice-event-change-time", old=_hm(v[0]), new=_hm(v[1])),
}


def _event_button(n: Notice) -> InlineKeyboardMarkup:
    return _keyboard(open_event(int(n.params["event"]), n.tr))


@renders("event_changed")
def event_changed(n: Notice) -> Rendered:
    """To the drivers and open requesters of an event an admin changed."""
    title = n.tr("notice-event-changed", title=n.text("title"), date=n.date)
    return Rendered(_changes(n, title, EVENT_CHANGE_LINES), _event_button(n))


@renders("event_cancelled")
def event_cancelled(n: Notice) -> Rendered:
    text = _with_reason(n, "notice-event-cancelled", "reason", title=n.text("title"), date=n.date)
    return Rendered(text, _event_button(n))


def _live_event(n: Notice) -> queries.EventCard:
    """The event as it is now; a message about one cancelled, started or gone no longer matters."""
    try:
        card = queries.event_card(int(n.params["event"]), None, now=n.now)
    except NotFound:
        raise Obsolete(f"event {n.params['event']} is gone") from None
    if card.event.status != EVENT_OPEN or card.event.starts_at <= n.now:
        raise Obsolete(f"event {card.event.id} is cancelled or has started")
    return card


def _who(first_name: str, forgotten: bool, tr: Tr) -> str:
    return tr("notice-former-player") if forgotten else q(first_name)


@renders("ride_requests")
def ride_requests(n: Notice) -> Rendered:
    """To a driver going to an event: who still needs a ride, as it is when it is sent (one
    message however many asked since the last one)."""
    card = _live_event(n)
    if not card.needs:
        raise Obsolete(f"nobody needs a ride to event {card.event.id} any more")
    tr, event = n.tr, card.event
    lines = [tr("notice-ride-requests", n=len(card.needs), title=q(event.title), day=tr.day(event.date),
                time=tr.time(event.start_time))]
    for need in card.needs[:NEEDS_SHOWN]:
        who = _who(need.first_name, need.forgotten, tr)
        lines.append(tr("notice-need-from", name=who, area=q(need.area)) if need.area
                     else tr("notice-need", name=who))
    if len(card.needs) > NEEDS_SHOWN:
        lines.append(tr("notice-need-more", n=len(card.needs) - NEEDS_SHOWN))
    return Rendered("\n".join(lines), _keyboard(open_event(event.id, tr)))


def _new_trip(n: Notice) -> queries.TripCard:
    """The new trip as it is now: still open, not departed, a seat left."""
    card = _live_card(n)
    if card.departed or card.seats_left == 0:
        raise Obsolete(f"trip {card.trip.id} has left or is full")
    return card


def _trip_args(card: queries.TripCard, n: Notice) -> dict:
    first = card.points[0].point if card.points else None
    return dict(day=n.tr.day(card.trip.departure_date), driver=link(card.driver, n.tr),
                time=n.tr.time(first.time if first else None), address=q(first.address if first else ""),
                seats=n.tr("notice-seats-left", n=card.seats_left))


@renders("event_new_trip")
def event_new_trip(n: Notice) -> Rendered:
    """To a player who asked for a ride: a new trip to their event (or date and destination)."""
    request_id = n.params.get("request")
    if request_id is not None:
        status = RideRequest.select(RideRequest.status).where(RideRequest.id == request_id).scalar()
        if status != REQUEST_OPEN:
            raise Obsolete(f"request {request_id} is no longer open")
    card = _new_trip(n)
    title = card.trip.event.title if card.trip.event_id else card.trip.destination
    return Rendered(n.tr("notice-event-new-trip", title=q(title), **_trip_args(card, n)),
                    _keyboard(open_trip(card.trip.id, n.tr)))


@renders("alert_new_trip")
def alert_new_trip(n: Notice) -> Rendered:
    """To a player with an alert on the event or the destination: a new trip there."""
    card = _new_trip(n)
    return Rendered(n.tr("notice-alert-new-trip", destination=q(card.trip.destination), **_trip_args(card, n)),
                    _keyboard(open_trip(card.trip.id, n.tr)))


# --- the waiting list, "Still OK?", the driver's word (issue #22) ------------------------------


def _entry_status(n: Notice) -> str | None:
    return WaitEntry.select(WaitEntry.status).where(WaitEntry.id == n.params.get("entry")).scalar()


def _until(value: str, n: Notice) -> str:
    """An ISO UTC instant as the club's local time ("18:42"), with its day when that is not
    today ("Sat 05 Dec 00:12")."""
    instant = datetime.fromisoformat(value).replace(tzinfo=ZoneInfo("UTC")).astimezone(n.tz)
    today = n.now.replace(tzinfo=ZoneInfo("UTC")).astimezone(n.tz).date()
    at = n.tr.time(instant.time())
    return at if instant.date() == today else f"{n.tr.day(instant.date())} {at}"


@renders("seat_offered")
def seat_offered(n: Notice) -> Rendered:
    """To the first in line: a freed seat held for them. Obsolete once the offer is settled."""
    if _entry_status(n) != WAIT_OFFERED:
        raise Obsolete(f"the offer of waiting entry {n.params.get('entry')} is settled")
    args = dict(destination=n.text("destination"), date=n.date, until=_until(n.params["expires"], n))
    text = (n.tr("notice-seat-offered-at", address=n.text("address"), time=n.time, **args)
            if n.params.get("address") else n.tr("notice-seat-offered", **args))
    return Rendered(text, offer_keyboard(n.trip_id, n.tr))


@renders("offer_expired", "offer_withdrawn")
def offer_gone(n: Notice) -> Rendered:
    """An offer that ran out says where the seat went: to the next in line (`passed_on`, true in
    rows written before it was a parameter), or free again to anyone, the reader too."""
    if n.row.kind == "offer_withdrawn":
        key = "notice-offer-withdrawn"
    else:
        key = "notice-offer-expired" if n.params.get("passed_on", True) else "notice-offer-expired-free"
    return Rendered(n.tr(key, destination=n.text("destination"), date=n.date), _trip_button(n))


@renders("waitlist_cleared")
def waitlist_cleared(n: Notice) -> Rendered:
    key = "notice-waitlist-cancelled" if n.params.get("reason") == "cancelled" else "notice-waitlist-departed"
    return Rendered(n.tr(key, destination=n.text("destination"), date=n.date), _keyboard(find_ride(n.tr)))


@renders("reconfirm")
def reconfirm(n: Notice) -> Rendered:
    """The changes (as `trip_changed`) and "Still OK?" with its answers; obsolete once the
    reader has no seat in the trip."""
    if not Participant.select().where((Participant.trip == n.trip_id)
                                      & (Participant.passenger == n.row.recipient_id)).exists():
        raise Obsolete(f"the reader has no seat in trip {n.trip_id} any more")
    title = n.tr("notice-changed", destination=n.text("destination"), date=n.date)
    text = "\n".join([_changes(n, title, CHANGE_LINES), n.tr("notice-reconfirm-ask")])
    return Rendered(text, reconfirm_keyboard(n.trip_id, n.tr))


@renders("released")
def released(n: Notice) -> Rendered:
    return Rendered(n.tr("notice-released", destination=n.text("destination"), date=n.date, time=n.time,
                         address=n.text("address")),
                    _keyboard(find_ride(n.tr), open_trip(n.trip_id, n.tr)))


@renders("driver_word")
def driver_word(n: Notice) -> Rendered:
    return Rendered(n.tr("notice-driver-word", driver=n.person("driver"), destination=n.text("destination"),
                         day=n.day, word=n.text("word")),
                    _trip_button(n))


@renders("removed")
def removed(n: Notice) -> Rendered:
    text = _with_reason(n, "notice-removed", "remove_reason", driver=n.person("driver"),
                        destination=n.text("destination"), date=n.date)
    return Rendered(text, _keyboard(find_ride(n.tr)))


# --- reminders: the trip as it is when the reminder goes out -------------------------------


def _live_card(n: Notice) -> queries.TripCard:
    try:
        card = queries.trip_card(n.trip_id, None) if n.trip_id else None
    except NotFound:
        card = None
    if card is None or card.trip.status != TRIP_OPEN:
        raise Obsolete(f"trip {n.trip_id} is no longer open")
    return card


def _relative_day(day: date, at: time, n: Notice) -> str:
    """'today at 18:00', 'tomorrow (Sat 05 Dec) at 18:00' or 'Sat 05 Dec at 18:00'."""
    today = n.now.replace(tzinfo=ZoneInfo("UTC")).astimezone(n.tz).date()
    if day == today:
        return n.tr("reminder-today", time=n.tr.time(at))
    key = "reminder-tomorrow" if day == today + timedelta(days=1) else "reminder-on-day"
    return n.tr(key, day=n.tr.day(day), time=n.tr.time(at))


@renders("reminder")
def passenger_reminder(n: Notice) -> Rendered:
    card = _live_card(n)
    view = next((v for v in card.points if any(p.id == n.row.recipient_id for p in v.passengers)), None)
    if view is None:
        raise Obsolete(f"the reader has no seat in trip {card.trip.id} any more")
    trip, driver, last, tr = card.trip, card.driver, n.params.get("last", True), n.tr
    car = f" · {q(driver.car)}" if driver.car else ""
    lines = [
        tr("reminder-passenger", destination=q(trip.destination),
           when=_relative_day(trip.departure_date, view.point.time, n)),
        tr("reminder-be-at", address=q(view.point.address), time=tr.time(view.point.time)),
        tr("reminder-driver-is", driver=link(driver, tr)) + car,
    ]
    if trip.comment:
        lines.append(f"💬 {q(trip.comment)}")
    lines.append(tr("reminder-ask-last") if last else tr("reminder-ask-early"))
    return Rendered("\n".join(lines), ask_keyboard(trip.id, last=last, tr=tr))


@renders("reminder_driver")
def driver_reminder(n: Notice) -> Rendered:
    card = _live_card(n)
    trip, tr = card.trip, n.tr
    first = card.points[0].point.time if card.points else trip.departs_at.time()
    lines = [tr("reminder-driver", destination=q(trip.destination),
                when=_relative_day(trip.departure_date, first, n))]
    for view in card.points:
        who = ", ".join(link(p, tr) for p in view.passengers) or tr("reminder-nobody")
        lines.append(tr("reminder-point", time=tr.time(view.point.time), address=q(view.point.address), who=who))
    lines.append(tr("reminder-seats-taken", taken=card.taken, seats=trip.seats))
    return Rendered("\n".join(lines), _keyboard(open_trip(trip.id, tr)))


# --- the buttons' handlers -----------------------------------------------------------------


async def on_notice_button(callback: CallbackQuery, callback_data: NoticeButton,
                           dialog_manager: DialogManager) -> None:
    """Open the trip card (or the trip list) above a fresh main menu, as a share link does.
    Refusals in the presser's language."""
    tr = tr_of(dialog_manager)
    user = users.get_user(callback.from_user.id)
    if user is None or not user.role:
        await callback.answer(tr("notice-start-first"), show_alert=True)
        return
    trip_id = callback_data.trip_id
    if callback_data.to == "trip" and not queries.trip_exists(trip_id):
        await callback.answer(tr("notice-trip-gone"), show_alert=True)
        return
    if callback_data.to == "event" and not queries.event_exists(trip_id):
        await callback.answer(tr("notice-event-gone"), show_alert=True)
        return
    if callback_data.to not in ("trip", "find", "event"):
        await callback.answer(tr(STALE))
        return
    await dialog_manager.answer_callback()
    if callback_data.to == "trip":
        await on_top_of_menu(dialog_manager, TripSG.card, {"trip_id": trip_id})
    elif callback_data.to == "event":
        await on_top_of_menu(dialog_manager, EventsSG.card, {"event_id": trip_id})
    else:
        await on_top_of_menu(dialog_manager, FindSG.list)


STALE = "notice-stale"


async def on_malformed(callback: CallbackQuery, locale: str | None = None) -> None:
    await callback.answer(tr_of(data={"locale": locale})(STALE))


def build_notice_router() -> Router:
    router = Router(name="notices")
    router.callback_query.register(on_notice_button, NoticeButton.filter())
    router.callback_query.register(on_malformed, F.data.startswith("nt:"))
    return router
