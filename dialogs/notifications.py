"""Notification texts and buttons, rendered when an outbox row is sent (`bot.workers.notifier`).

An operation writes what happened (`models.outbox.notify`: a kind and its parameters);
this module turns it into the message, one function per kind in `RENDERERS`. Names are
read now, by user id, so a player who used /forget_me reads "Former player"; reminders
read the trip as it is now (a seat given up since: the reminder no longer matters,
`Obsolete`). A row with a finished `text` (written before migration 007, or ad hoc) is
sent as it is.

Buttons: each message carries what its reader needs next — "🚗 Open trip" (the trip
card), "🔎 Find another ride" (the trip list) — as callback buttons (`nt:trip:<id>`,
`nt:find`) handled by `build_notice_router`. Callback buttons, not `t.me/<bot>?start=`
links: one tap opens the card in this chat with no "/start trip_42" message echoed,
rendering needs no `getMe`, and old messages keep working if the bot is renamed. Like
any callback data they can be forged: the card checks the trip exists, the operations
behind its buttons check everything else.
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

from models import TRIP_OPEN, Notification, NotFound, User, outbox, queries, users
from models.privacy import FORMER_NAME

from .common import contact_link, fmt_date, q
from .menu.commands import on_top_of_menu
from .reminders.keyboards import ask_keyboard
from .states import FindSG, TripSG
from .widgets import plural

log = logging.getLogger(__name__)

OPEN_TRIP = "🚗 Open trip"
FIND_RIDE = "🔎 Find another ride"


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
    _people: dict[int, User] = field(default_factory=dict)

    def person(self, key: str = "passenger") -> str:
        """The player named by `params[key]` (a `User.id`), as a contact link read now."""
        user_id = self.params.get(key)
        if user_id not in self._people:
            self._people.update(queries.people([user_id]))
        user = self._people.get(user_id)
        return contact_link(user) if user is not None else FORMER_NAME

    def text(self, key: str) -> str:
        return q(self.params.get(key, ""))

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


class NotificationRenderer:
    """`render(row) -> Rendered`, for `bot.workers.notifier.Notifier`: in the club's time zone
    ("today", "tomorrow" in reminders). Raises `Obsolete`, or `LookupError` for a kind
    nobody renders (a bug: the row fails, with the kind in the log)."""

    def __init__(self, tz: ZoneInfo = ZoneInfo("UTC")) -> None:
        self.tz = tz

    def __call__(self, row: Notification, now: datetime | None = None) -> Rendered:
        if row.text:
            markup = InlineKeyboardMarkup.model_validate_json(row.reply_markup) if row.reply_markup else None
            return Rendered(row.text, markup)
        renderer = RENDERERS.get(row.kind)
        if renderer is None:
            raise LookupError(f"no renderer for notification kind {row.kind!r}")
        notice = Notice(row, outbox.params_of(row), self.tz, now or outbox.now_precise())
        return renderer(notice)


# --- buttons -------------------------------------------------------------------------------


class NoticeButton(CallbackData, prefix="nt"):
    """`nt:trip:<id>` opens a trip card, `nt:find:0` the list of trips."""

    to: str
    trip_id: int = 0


def _keyboard(*buttons: tuple[str, NoticeButton]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[
        [InlineKeyboardButton(text=label, callback_data=data.pack())] for label, data in buttons])


def open_trip(trip_id: int | None) -> tuple[str, NoticeButton]:
    return OPEN_TRIP, NoticeButton(to="trip", trip_id=trip_id or 0)


def find_ride() -> tuple[str, NoticeButton]:
    return FIND_RIDE, NoticeButton(to="find")


def _trip_button(notice: Notice) -> InlineKeyboardMarkup | None:
    return _keyboard(open_trip(notice.trip_id)) if notice.trip_id else None


# --- formatting ----------------------------------------------------------------------------


def _day(value: str) -> date:
    return date.fromisoformat(value)


def _hm(value: str) -> str:
    return f"{time.fromisoformat(value):%H:%M}"


def _when(notice: Notice) -> str:
    """'Sat 05 Dec at 18:00': the notice's pickup."""
    return f"{_day(notice.params['date']):%a %d %b} at {_hm(notice.params['time'])}"


def seats_left(left: int) -> str:
    return "The car is now full." if left <= 0 else f"{plural(left, 'seat', 'seats')} left."


# --- to the driver -------------------------------------------------------------------------


@renders("joined")
def joined(n: Notice) -> Rendered:
    return Rendered(
        f"🙋 {n.person()} joined your trip to <b>{n.text('destination')}</b>: pickup {n.text('address')}, "
        f"{_when(n)}. {seats_left(n.params['seats_left'])}", _trip_button(n))


@renders("left")
def left(n: Notice) -> Rendered:
    why = f" ({n.text('reason')})" if n.params.get("reason") else ""
    return Rendered(
        f"🚶 {n.person()} left your trip to <b>{n.text('destination')}</b> on {_when(n)}{why}. "
        f"{seats_left(n.params['seats_left'])}", _trip_button(n))


@renders("pickup_changed")
def pickup_changed(n: Notice) -> Rendered:
    return Rendered(
        f"📍 {n.person()} now gets in at {n.text('address')}, {_when(n)} (trip to <b>{n.text('destination')}</b>).",
        _trip_button(n))


@renders("rider_way", "rider_late")
def rider_answer(n: Notice) -> Rendered:
    where = f"{n.text('address')}, {_hm(n.params['time'])}; trip to <b>{n.text('destination')}</b>"
    text = (f"🚗 {n.person()} is on the way to the pickup ({where})." if n.row.kind == "rider_way"
            else f"⏰ {n.person()} is running late for the pickup ({where}).")
    return Rendered(text, _trip_button(n))


# --- to passengers -------------------------------------------------------------------------


def _trip_title(n: Notice) -> str:
    return f"the trip to <b>{n.text('destination')}</b> on {fmt_date(n.params['date'])}"


@renders("seat_removed")
def seat_removed(n: Notice) -> Rendered:
    return Rendered(
        f"⚠️ The driver removed your pickup point ({_hm(n.params['time'])} {n.text('address')}) from "
        f"{_trip_title(n)}, so you no longer have a seat. Find another ride with /trips "
        f"or ask the driver: {n.person('driver')}.",
        _keyboard(find_ride(), *([open_trip(n.trip_id)] if n.trip_id else [])))


CHANGE_LINES: dict[str, Callable[[object], str]] = {  # in the order they are listed
    "destination": lambda v: f"destination: {q(v[0])} → <b>{q(v[1])}</b>",
    "date": lambda v: f"date: {fmt_date(v[0])} → <b>{fmt_date(v[1])}</b>",
    "time": lambda v: f"your pickup time: {_hm(v[0])} → <b>{_hm(v[1])}</b>",
    "address": lambda v: f"your pickup address: {q(v[0])} → <b>{q(v[1])}</b>",
    "comment": lambda v: f"driver's note: {q(v)}" if v else "the driver's note is removed",
}


@renders("trip_changed")
def trip_changed(n: Notice) -> Rendered:
    changes = n.params["changes"]
    lines = [f"• {line(changes[key])}" for key, line in CHANGE_LINES.items() if key in changes]
    return Rendered(f"✏️ The driver changed {_trip_title(n)}:\n" + "\n".join(lines), _trip_button(n))


@renders("trip_cancelled")
def trip_cancelled(n: Notice) -> Rendered:
    why = f"\nReason: {n.text('cancel_reason')}" if n.params.get("cancel_reason") else ""
    text = f"❌ The trip to <b>{n.text('destination')}</b> on {fmt_date(n.params['date'])} is cancelled.{why}"
    return Rendered(text + "\nFind another ride with /trips.", _keyboard(find_ride()))


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
    label = f"{day:%a %d %b}"
    if day == today:
        label = "today"
    elif day == today + timedelta(days=1):
        label = f"tomorrow ({label})"
    return f"{label} at <b>{at:%H:%M}</b>"


@renders("reminder")
def passenger_reminder(n: Notice) -> Rendered:
    card = _live_card(n)
    view = next((v for v in card.points if any(p.id == n.row.recipient_id for p in v.passengers)), None)
    if view is None:
        raise Obsolete(f"the reader has no seat in trip {card.trip.id} any more")
    trip, driver, last = card.trip, card.driver, n.params.get("last", True)
    driver_line = f"🚗 Driver: {contact_link(driver)}" + (f" · {q(driver.car)}" if driver.car else "")
    lines = [
        f"⏰ <b>Reminder:</b> your ride to <b>{q(trip.destination)}</b> is "
        f"{_relative_day(trip.departure_date, view.point.time, n)}.",
        f"📍 Be at: {q(view.point.address)}, {view.point.time:%H:%M}",
        driver_line,
    ]
    if trip.comment:
        lines.append(f"💬 {q(trip.comment)}")
    lines.append("Let the driver know with one tap:" if last else "Still going?")
    return Rendered("\n".join(lines), ask_keyboard(trip.id, last=last))


@renders("reminder_driver")
def driver_reminder(n: Notice) -> Rendered:
    card = _live_card(n)
    trip = card.trip
    first = card.points[0].point.time if card.points else trip.departs_at.time()
    lines = [f"⏰ <b>Reminder:</b> you drive to <b>{q(trip.destination)}</b> "
             f"{_relative_day(trip.departure_date, first, n)}."]
    for view in card.points:
        who = ", ".join(contact_link(p) for p in view.passengers) or "nobody"
        lines.append(f"📍 {view.point.time:%H:%M} {q(view.point.address)}: {who}")
    lines.append(f"💺 {card.taken} of {plural(trip.seats, 'seat', 'seats')} taken.")
    return Rendered("\n".join(lines), _keyboard(open_trip(trip.id)))


# --- the buttons' handlers -----------------------------------------------------------------


async def on_notice_button(callback: CallbackQuery, callback_data: NoticeButton,
                           dialog_manager: DialogManager) -> None:
    """Open the trip card (or the trip list) above a fresh main menu, as a share link does."""
    user = users.get_user(callback.from_user.id)
    if user is None or not user.role:
        await callback.answer("Send /start first and choose a role.", show_alert=True)
        return
    trip_id = callback_data.trip_id
    if callback_data.to == "trip" and not queries.trip_exists(trip_id):
        await callback.answer("That trip does not exist (any more).", show_alert=True)
        return
    if callback_data.to not in ("trip", "find"):
        await callback.answer(STALE)
        return
    await dialog_manager.answer_callback()
    if callback_data.to == "trip":
        await on_top_of_menu(dialog_manager, TripSG.card, {"trip_id": trip_id})
    else:
        await on_top_of_menu(dialog_manager, FindSG.list)


STALE = "That button is out of date."


async def on_malformed(callback: CallbackQuery) -> None:
    await callback.answer(STALE)


def build_notice_router() -> Router:
    router = Router(name="notices")
    router.callback_query.register(on_notice_button, NoticeButton.filter())
    router.callback_query.register(on_malformed, F.data.startswith("nt:"))
    return router
