"""Finding trips, the trip card (join, change pickup, leave) and "My trips".

Every jump is a widget: the lists open the card with `ItemStart`, the card's pickup-point
buttons and the confirmations are `SwitchTo`s whose `on_click` runs the operation first.
Every press re-reads the trip and the operation re-checks it: a card shown before the trip
filled up or was cancelled refuses with the reason, then shows the fresh card.

"My trips" also lists the player's open ride requests (issue #21); one opens MyTripsSG.request,
where its area is changed (typed) or cleared, or the request withdrawn (`models.requests`, which
lets only the requester do either).

Issue #22 (design: `models.waitlist`'s docstring), on the card:
- a full trip: "⏳ Wait for a seat" (at once with one pickup point, else after picking it:
  TripSG.wait), the place in line in the text, "🚶 Leave the line"; a seat held for the viewer:
  "✅ Take the seat" / "🙅 Pass" (its deadline in the text);
- a passenger asked "Still OK?" after the driver's change: "👍 Still OK" (or 🚶 Leave);
- the driver: ✅ / ❓ per passenger, "⏰ Release unanswered at …" (TripSG.release: a few times
  before the departure), "💬 Message passengers" (TripSG.word: typed, shown, then sent, with the
  count), "🚫 Remove a passenger" (TripSG.remove_pick → TripSG.remove: a reason, optional, and
  the confirmation in one window);
- a trip with a return: the other leg's line in the text and a button opening its card; "🙋 Join
  both" picks the pickup point of the way there (TripSG.both_out) and the drop-off of the way
  back (TripSG.both_back) — a step with one choice is skipped — then confirms (TripSG.both_confirm).
Every jump is a widget (no handler jumps); the operations check the actor again.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from aiogram import F
from aiogram.types import CallbackQuery
from aiogram_dialog import Dialog, DialogManager, LaunchMode, Window
from aiogram_dialog.widgets.kbd import Button, Row, Start, SwitchTo
from aiogram_dialog.widgets.text import Format

from models import (
    TRIP_CANCELLED, TRIP_OPEN, DomainError, NotFound, PickupPoint, manage, queries, requests, rides, users, utcnow,
    waitlist,
)
from models.rules import TRIP_GONE
from models.tables import RECONFIRM_ASKED, REQUEST_OPEN

from ..common import club_tz, on_input_error, q, show_error, tg_user_id, wake_notifier
from ..i18n import T, Tr, localized_preview, tr_of
from ..states import EditTripSG, EventsSG, FindSG, MyTripsSG, SaveTemplateSG, TripSG
from ..widgets import (
    ItemStart, ItemSwitchTo, StartWith, StartWithData, TextField, back_to, close, confirm_window, go_to, page_data,
    pager, paged, share_button, share_data,
)
from .render import (
    UTC, button, card_text, list_legend, local_time, numbered, ordinal, preview_card, preview_driven,
    preview_requests, preview_rides, preview_rows, trip_button, trip_entry, when,
)


async def check_trip(event: CallbackQuery, widget, manager: DialogManager, trip_id: int) -> None:
    """Before a list opens the card: a forged or stale id is refused (NotFound, an alert), so
    the card's getter never meets a missing trip (aiogram-dialog would log that as an error)."""
    queries.require_trip_id(trip_id)


def open_card(id: str, items: str) -> ItemStart:  # noqa: A002 - aiogram-dialog's own parameter name
    """The buttons of a trip list: each opens that trip's card."""
    return ItemStart(id, items, TripSG.card, key="trip_id", on_click=check_trip)


# --- finding ------------------------------------------------------------------------------


async def find_getter(dialog_manager: DialogManager, **kwargs) -> dict:
    viewer = tg_user_id(dialog_manager)
    rows, page, pages = await paged(dialog_manager, "page", lambda n: queries.list_upcoming(n, viewer=viewer),
                                    queries.PAGE_SIZE)
    return _find_data(rows, pages, tr_of(dialog_manager), first=1 + page * queries.PAGE_SIZE)


def _find_data(rows: list[queries.TripRow], pages: dict, tr: Tr, first: int = 1) -> dict:
    numbered = list(enumerate(rows, first))
    return {
        "trips": [(row.id, trip_button(n, row, tr)) for n, row in numbered],
        "listing": "\n".join([list_legend(tr), ""] + [trip_entry(n, row, tr) for n, row in numbered]) if rows else "",
        "empty": not rows,
        **pages,
    }


# --- the card -----------------------------------------------------------------------------


def _trip_id(manager: DialogManager) -> int:
    return int(manager.start_data["trip_id"])


def _hold(manager: DialogManager) -> timedelta | None:
    """How long a freed seat is held for the first in line (`WAITLIST_HOLD`); None: the default."""
    return getattr(manager.middleware_data.get("settings"), "waitlist_hold", None)


async def card_getter(dialog_manager: DialogManager, bot=None, **kwargs) -> dict:
    card = queries.trip_card(_trip_id(dialog_manager), tg_user_id(dialog_manager))
    leg = card.other_leg
    back_points = queries.pickup_points(leg.trip_id) if leg is not None and leg.direction == "back" else []
    data = _card_data(card, tr_of(dialog_manager), club_tz(dialog_manager), back_points)
    return data | await share_data(bot, card.trip.id, live=data["live"])


def drop_offs(points: list[PickupPoint]) -> list[PickupPoint]:
    """Where a return leg's passengers may get out: its points after the first (its departure
    place), or the departure place alone when it has no other."""
    return points[1:] or points


def _card_data(card: queries.TripCard, tr: Tr, tz: ZoneInfo = UTC, back_points: list[PickupPoint] = ()) -> dict:
    live = card.trip.status == TRIP_OPEN and not card.departed
    not_over = card.trip.status == TRIP_OPEN and card.trip.ends_at > utcnow()  # the driver's word: until the end
    outsider = not card.viewer_is_driver and card.my_seat is None
    called_off = card.trip.status == TRIP_CANCELLED and not card.departed and not card.viewer_is_driver
    many = len(card.points) > 1
    offered = live and card.offered and card.my_seat is None
    point_gone = card.my_wait is not None and card.my_wait.pickup_point_id is None
    leg = card.other_leg
    stops = drop_offs(list(back_points))
    both = (card.joinable and leg is not None and leg.direction == "back" and leg.status == TRIP_OPEN
            and leg.departs_at > utcnow() and leg.seats_left > 0 and not leg.riding and bool(stops))
    driving = card.viewer_is_driver and not_over
    return {
        "card": card_text(card, tr, tz),
        "live": live,
        "can_share": live,  # the preview's; the getter asks whether the bot has inline mode on
        "share_query": f"trip_{card.trip.id}",
        "can_manage": card.viewer_is_driver and live,
        "is_driver": card.viewer_is_driver,
        "join_one": card.joinable and len(card.points) == 1,
        "join_many": card.joinable and len(card.points) > 1,
        "look_further": (live and outsider and not card.seats_left and card.my_wait is None) or called_off,
        "has_seat": card.my_seat is not None and live,
        "points": [(v.point.id, button(f"📍 {tr.time(v.point.time)}", v.point.address)) for v in card.points],
        # the waiting list (issue #22)
        "wait_one": card.can_wait and not many,
        "wait_many": card.can_wait and many,
        "in_line": live and card.my_wait is not None and not card.offered and card.my_seat is None,
        "offered": offered,
        "take": offered and not (point_gone and many),
        "take_pick": offered and point_gone and many,
        "asked": card.my_seat is not None and live and card.my_seat.reconfirm == RECONFIRM_ASKED,
        # the driver's tools
        "can_release": card.viewer_is_driver and live and (RECONFIRM_ASKED in card.reconfirm.values()
                                                           or card.trip.release_unanswered_at is not None),
        "can_word": driving and card.taken > 0,
        "can_remove": driving and card.taken > 0,
        # both legs
        "leg_back": leg is not None and leg.direction == "back",
        "leg_out": leg is not None and leg.direction == "out",
        "both_out": both and many,
        "both_back": both and not many and len(stops) > 1,
        "both_direct": both and not many and len(stops) == 1,
        "back_one": len(stops) == 1,
        "back_many": len(stops) > 1,
        "back_points": [(p.id, button(f"🏁 {tr.time(p.time)}", p.address)) for p in stops],
    }


def _choose(manager: DialogManager, point_id: int) -> None:
    """The pickup point the passenger is about to join at, and the trip as their screen shows it:
    if the driver changes the trip before they confirm, the join is refused."""
    manager.dialog_data.update(point_id=point_id, seen_version=queries.trip_version(_trip_id(manager)))


async def on_point(event: CallbackQuery, widget, manager: DialogManager, point_id: int) -> None:
    _choose(manager, point_id)


async def on_join_the_only_point(event: CallbackQuery, button, manager: DialogManager) -> None:
    points = queries.pickup_points(_trip_id(manager))
    _choose(manager, points[0].id if points else 0)


async def confirm_getter(dialog_manager: DialogManager, **kwargs) -> dict:
    card = queries.trip_card(_trip_id(dialog_manager), tg_user_id(dialog_manager))
    point = next((v.point for v in card.points if v.point.id == dialog_manager.dialog_data.get("point_id")), None)
    tr = tr_of(dialog_manager)
    return {
        "destination": q(card.trip.destination),
        "when": tr.day(card.trip.departure_date),
        "point": f"{tr.time(point.time)} — {q(point.address)}" if point else "?",
    }


async def _act(event: CallbackQuery, manager: DialogManager, done: str | Callable[[Any, Tr], str], operation,
               *args) -> None:
    """Run a seat operation; a refusal (the trip changed under the user) is said in an alert,
    success in the toast `done` (a catalog key, or `done(result, tr)`). Either way the button
    then shows the fresh card."""
    try:
        result = operation(tg_user_id(manager), _trip_id(manager), *args)
    except DomainError as exc:
        await show_error(event, exc)
        return
    wake_notifier(manager)
    tr = tr_of(manager)
    await event.answer(done(result, tr) if callable(done) else tr(done))


async def on_join(event: CallbackQuery, button, manager: DialogManager) -> None:
    data = manager.dialog_data
    await _act(event, manager, "trips-joined", rides.join_trip, data.get("point_id", 0), data.get("seen_version"))


async def on_point_change(event: CallbackQuery, widget, manager: DialogManager, point_id: int) -> None:
    await _act(event, manager, "trips-pickup-changed", rides.change_pickup, point_id)


async def on_leave(event: CallbackQuery, button, manager: DialogManager) -> None:
    await _act(event, manager, "trips-left", lambda tid, trip_id: rides.leave_trip(tid, trip_id, hold=_hold(manager)))


async def on_still_ok(event: CallbackQuery, button, manager: DialogManager) -> None:
    await _act(event, manager, "trips-still-ok-done", manage.still_ok)


# --- the waiting list (issue #22) -----------------------------------------------------------------


async def _wait(event: CallbackQuery, manager: DialogManager, point_id: int) -> None:
    """Get in line at `point_id` (the toast says the place), or, with a seat held for the
    player, take it there."""
    tid, trip_id, tr = tg_user_id(manager), _trip_id(manager), tr_of(manager)
    try:
        if queries.trip_card(trip_id, tid).offered:
            waitlist.accept_offer(tid, trip_id, point_id)
            done = tr("trips-took-seat")
        else:
            done = tr("trips-waiting", **ordinal(waitlist.wait_for_seat(tid, trip_id, point_id), tr))
    except DomainError as exc:
        await show_error(event, exc)
        return
    wake_notifier(manager)
    await event.answer(done)


async def on_wait_the_only_point(event: CallbackQuery, button, manager: DialogManager) -> None:
    points = queries.pickup_points(_trip_id(manager))
    await _wait(event, manager, points[0].id if points else 0)


async def on_wait_point(event: CallbackQuery, widget, manager: DialogManager, point_id: int) -> None:
    await _wait(event, manager, point_id)


async def on_leave_line(event: CallbackQuery, button, manager: DialogManager) -> None:
    await _act(event, manager, "trips-line-left", lambda tid, trip_id: waitlist.leave_line(tid, trip_id,
                                                                                          hold=_hold(manager)))


async def on_take(event: CallbackQuery, button, manager: DialogManager) -> None:
    await _act(event, manager, "trips-took-seat", waitlist.accept_offer)


async def on_pass(event: CallbackQuery, button, manager: DialogManager) -> None:
    await _act(event, manager, "trips-passed", lambda tid, trip_id: waitlist.pass_offer(tid, trip_id,
                                                                                       hold=_hold(manager)))


# --- the driver: release unanswered seats, a word to the car, removing a passenger --------------

RELEASE_BEFORE = (720, 360, 180, 120, 60, 30)  # the times offered: minutes before the departure
RELEASE_MARGIN = timedelta(minutes=5)  # a time sooner than this is not offered


def release_choices(departs_at: datetime, now: datetime, tz: ZoneInfo, tr: Tr) -> list[tuple[int, str]]:
    """The release times still ahead, as (minutes before the departure, "⏰ 15:45") buttons."""
    day = departs_at.replace(tzinfo=UTC).astimezone(tz).date()
    return [(m, "⏰ " + local_time(departs_at - timedelta(minutes=m), tz, day, tr)) for m in RELEASE_BEFORE
            if departs_at - timedelta(minutes=m) > now + RELEASE_MARGIN]


async def release_getter(dialog_manager: DialogManager, **kwargs) -> dict:
    card = queries.trip_card(_trip_id(dialog_manager), tg_user_id(dialog_manager))
    return _release_data(card, tr_of(dialog_manager), club_tz(dialog_manager), utcnow())


def _release_data(card: queries.TripCard, tr: Tr, tz: ZoneInfo, now: datetime) -> dict:
    trip = card.trip
    at = trip.release_unanswered_at
    times = release_choices(trip.departs_at, now, tz, tr)
    return {
        "n": sum(answer == RECONFIRM_ASKED for answer in card.reconfirm.values()),
        "departs": local_time(trip.departs_at, tz, now.replace(tzinfo=UTC).astimezone(tz).date(), tr),
        "at": local_time(at, tz, trip.departure_date, tr) if at is not None else "",
        "release_set": at is not None,
        "times": times,
        "no_times": not times,
    }


async def on_release(event: CallbackQuery, widget, manager: DialogManager, minutes: int) -> None:
    """Release at `minutes` before the departure (a forged number is refused by the operation:
    it must fall between now and the departure)."""
    tz = club_tz(manager)
    departs_at = queries.trip_card(_trip_id(manager), None).trip.departs_at
    local = (departs_at - timedelta(minutes=minutes)).replace(tzinfo=UTC).astimezone(tz).replace(tzinfo=None)

    def done(trip, tr: Tr) -> str:
        return tr("trips-release-set", at=local_time(trip.release_unanswered_at, tz, trip.departure_date, tr))

    await _act(event, manager, done, manage.set_release, local, tz)


async def on_release_never(event: CallbackQuery, button, manager: DialogManager) -> None:
    await _act(event, manager, "trips-release-cleared", manage.set_release, None, club_tz(manager))


async def word_getter(dialog_manager: DialogManager, **kwargs) -> dict:
    card = queries.trip_card(_trip_id(dialog_manager), tg_user_id(dialog_manager))
    return _word_data(dialog_manager.find("word").get_value() or "", card.taken)


def _word_data(word: str, n: int) -> dict:
    return {"word": q(word), "n": n}


async def on_word_send(event: CallbackQuery, button, manager: DialogManager) -> None:
    """Send the typed message to every passenger; the toast says to how many."""
    tr = tr_of(manager)
    try:
        n = manage.message_passengers(tg_user_id(manager), _trip_id(manager), manager.find("word").get_value() or "")
    except DomainError as exc:
        await show_error(event, exc)
        return
    manager.current_context().widget_data.pop("word", None)  # the next message starts empty
    wake_notifier(manager)
    await event.answer(tr("trips-word-sent", n=n))


def _passengers(card: queries.TripCard, tr: Tr) -> list[tuple[int, str]]:
    """The driver's card's passengers as buttons: "👤 17:45 Ann Smith"."""
    return [(p.id, button(f"👤 {tr.time(v.point.time)}", p.name or tr("trips-player")))
            for v in card.points for p in v.passengers]


async def remove_pick_getter(dialog_manager: DialogManager, **kwargs) -> dict:
    card = queries.trip_card(_trip_id(dialog_manager), tg_user_id(dialog_manager))
    return {"people": _passengers(card, tr_of(dialog_manager))}


async def on_remove_pick(event: CallbackQuery, widget, manager: DialogManager, user_id: int) -> None:
    manager.dialog_data["passenger"] = user_id


async def remove_getter(dialog_manager: DialogManager, **kwargs) -> dict:
    card = queries.trip_card(_trip_id(dialog_manager), tg_user_id(dialog_manager))
    return _remove_data(card, dialog_manager.dialog_data.get("passenger"),
                        dialog_manager.find("why").get_value() or "", tr_of(dialog_manager))


def _remove_data(card: queries.TripCard, user_id: int | None, reason: str, tr: Tr) -> dict:
    seat = next(((p, v.point) for v in card.points for p in v.passengers if p.id == user_id), None)
    return {
        "name": q(seat[0].name) if seat else "",
        "point": f"{tr.time(seat[1].time)}, {q(seat[1].address)}" if seat else "",
        "aboard": seat is not None,
        "gone": seat is None,
        "reason": q(reason),
    }


async def on_remove(event: CallbackQuery, button, manager: DialogManager) -> None:
    """Remove the picked passenger, with the reason typed (if any)."""
    passenger = int(manager.dialog_data.get("passenger") or 0)
    reason = manager.find("why").get_value() or ""
    manager.current_context().widget_data.pop("why", None)
    await _act(event, manager, "trips-removed", lambda tid, trip_id: manage.remove_passenger(
        tid, trip_id, passenger, reason, hold=_hold(manager)))


# --- both legs (issue #22) ------------------------------------------------------------------------


def other_leg_card(manager: DialogManager) -> dict:
    """The start data of the other leg's card."""
    leg = queries.trip_card(_trip_id(manager), tg_user_id(manager)).other_leg
    if leg is None:
        raise NotFound(TRIP_GONE)
    return {"trip_id": leg.trip_id}


def _back_points(manager: DialogManager) -> list[PickupPoint]:
    leg = queries.trip_card(_trip_id(manager), tg_user_id(manager)).other_leg
    return drop_offs(queries.pickup_points(leg.trip_id)) if leg is not None and leg.direction == "back" else []


async def on_both_out(event: CallbackQuery, widget, manager: DialogManager, point_id: int) -> None:
    """The pickup point of the way there; a way back with one drop-off point takes it too."""
    manager.dialog_data["out_point"] = point_id
    stops = _back_points(manager)
    if len(stops) == 1:
        manager.dialog_data["back_point"] = stops[0].id


async def on_both_the_only_point(event: CallbackQuery, button, manager: DialogManager) -> None:
    points = queries.pickup_points(_trip_id(manager))
    await on_both_out(event, button, manager, points[0].id if points else 0)


async def on_both_back(event: CallbackQuery, widget, manager: DialogManager, point_id: int) -> None:
    manager.dialog_data["back_point"] = point_id


async def both_getter(dialog_manager: DialogManager, **kwargs) -> dict:
    card = queries.trip_card(_trip_id(dialog_manager), tg_user_id(dialog_manager))
    leg = card.other_leg
    back = queries.pickup_points(leg.trip_id) if leg is not None else []
    data = dialog_manager.dialog_data
    out = next((v.point for v in card.points if v.point.id == data.get("out_point")), None)
    stop = next((p for p in back if p.id == data.get("back_point")), None)
    return _both_data(card, out, stop, tr_of(dialog_manager))


def _both_data(card: queries.TripCard, out: PickupPoint | None, stop: PickupPoint | None, tr: Tr) -> dict:
    leg = card.other_leg
    return {
        "destination": q(card.trip.destination),
        "when": tr.day(card.trip.departure_date),
        "out": f"{tr.time(out.time)} — {q(out.address)}" if out else "?",
        "back_when": when(leg.departure_date, leg.time, tr) if leg else "?",
        "back_from": q(leg.place) if leg else "?",
        "back": f"{tr.time(stop.time)} — {q(stop.address)}" if stop else "?",
    }


async def on_join_both(event: CallbackQuery, button, manager: DialogManager) -> None:
    data = manager.dialog_data
    await _act(event, manager, "trips-joined-both", rides.join_both, data.get("out_point", 0),
               data.get("back_point", 0))


# the card's driver buttons, as the refusal log says
ACTIONS = {"edit": "edit", "cancel_trip": "cancel", "to_word": "message the passengers of",
           "to_remove": "remove a passenger of", "to_release": "set the release time of"}


async def only_the_driver(event: CallbackQuery, button, manager: DialogManager) -> None:
    """Edit, Cancel trip and the driver's tools open for the trip's driver only (a forged press
    is refused here; the operations check again when they write)."""
    actor = users.require_user(tg_user_id(manager))
    manage.owned_trip(actor, _trip_id(manager), action=ACTIONS[button.widget_id])


# --- my trips -----------------------------------------------------------------------------


async def mine_getter(dialog_manager: DialogManager, **kwargs) -> dict:
    tid = tg_user_id(dialog_manager)
    return _mine_data(queries.my_rides(tid), queries.driven_trips(tid), tr_of(dialog_manager),
                      queries.my_requests(tid))


def _mine_data(rides_: list[queries.RideRow], driven: list[queries.DrivenRow], tr: Tr,
               asked: list[queries.RequestRow] = ()) -> dict:
    """The lists numbered in one run: each heading of the text with its trips (or requests) below
    it, and the buttons marked as their heading (🚗 you drive, 🙋 your seat, ⏳ waiting for a
    ride; ❌ cancelled)."""
    drives = [(n, d, "❌" if d.status == "cancelled" else "🚗") for n, d in enumerate(driven, 1)]
    seats = [(n, r, "❌" if r.status == "cancelled" else "🙋") for n, r in enumerate(rides_, len(driven) + 1)]
    waits = [(n, r, "❌" if r.event_cancelled else "⏳") for n, r in enumerate(asked, len(driven) + len(rides_) + 1)]
    text = []
    if drives:
        text.append(tr("trips-mine-driving"))
        text += [f"{n}. {mark} <b>{q(d.destination)}</b> — {when(d.departure_date, d.first_pickup, tr)} · "
                 + tr("trips-mine-booked", taken=d.taken, seats=d.seats) for n, d, mark in drives]
    if seats:
        text.append(("\n" if drives else "") + tr("trips-mine-seats"))
        text += [f"{n}. {mark} <b>{q(r.destination)}</b> — "
                 + tr("trips-mine-ride", when=when(r.departure_date, r.time, tr), address=q(r.address))
                 for n, r, mark in seats]
    if waits:
        text.append(("\n" if text else "") + tr("trips-mine-requests"))
        text += [f"{n}. {mark} {request_place(r, tr)} — {when(r.date, r.start_time, tr)}"
                 + (" · " + tr("trips-request-from", area=q(r.area)) if r.area else "") for n, r, mark in waits]
    return {
        "driven": [(d.trip_id, numbered(mark, n, d.departure_date, d.first_pickup, d.destination, tr))
                   for n, d, mark in drives],
        "rides": [(r.trip_id, numbered(mark, n, r.departure_date, r.time, r.destination, tr))
                  for n, r, mark in seats],
        "requests": [(r.id, numbered(mark, n, r.date, r.start_time, r.title or r.destination, tr))
                     for n, r, mark in waits],
        "listing": "\n".join(text),
        "empty": not text,
        **page_data(0, 1, tr),  # one page: every upcoming trip of the player
    }


def request_place(row: queries.RequestRow, tr: Tr) -> str:
    """Where a request goes, for HTML: "🏐 <b>Cup final</b> · Riverside Arena", or a free destination."""
    if row.event_id is None:
        return f"🏁 <b>{q(row.destination)}</b>"
    # the event's kind mark (dialogs.events.render.kind_mark; importing it here would be a cycle)
    return f"{tr('events-mark', kind=row.kind)} <b>{q(row.title)}</b> · {q(row.venue)}"


# --- one ride request (MyTripsSG.request) -----------------------------------------------------------


def _request_id(manager: DialogManager) -> int:
    return int(manager.dialog_data.get("request_id", 0))


async def on_request(event: CallbackQuery, widget, manager: DialogManager, request_id: int) -> None:
    """A request of the list: the player's own (a forged or stale id is refused here)."""
    queries.my_request(tg_user_id(manager), request_id)
    manager.dialog_data["request_id"] = request_id


async def request_getter(dialog_manager: DialogManager, **kwargs) -> dict:
    try:
        row = queries.my_request(tg_user_id(dialog_manager), _request_id(dialog_manager))
    except NotFound:
        row = None  # gone meanwhile (its event's data erased): say it is closed
    return _request_data(row, tr_of(dialog_manager))


def _request_data(row: queries.RequestRow | None, tr: Tr) -> dict:
    live = row is not None and row.status == REQUEST_OPEN and not row.event_cancelled
    return {
        "place": request_place(row, tr) if row else "",
        "when": (tr.date(row.date) + (f", {tr.time(row.start_time)}" if row.start_time else "")) if row else "",
        "area": q(row.area) if row else "",
        "live": live,
        "has_area": live and bool(row.area),
        "anywhere": live and not row.area,
        "cancelled": row is not None and row.event_cancelled,
        "closed": row is None or row.status != REQUEST_OPEN,
        "for_event": row is not None and row.event_id is not None,
        "event_id": row.event_id if row else None,
    }


async def change_area(event, widget, manager: DialogManager, area: str = "") -> None:
    requests.change_area(tg_user_id(manager), _request_id(manager), area)


async def on_anywhere(event: CallbackQuery, button, manager: DialogManager) -> None:
    await change_area(event, button, manager, "")


async def on_withdraw(event: CallbackQuery, button, manager: DialogManager) -> None:
    requests.withdraw_request(tg_user_id(manager), _request_id(manager))
    await event.answer(tr_of(manager)("trips-request-withdrawn"))


def the_event(manager: DialogManager) -> dict:
    """The event card's start data: the request's event."""
    return {"event_id": queries.my_request(tg_user_id(manager), _request_id(manager)).event_id}


CARD_PREVIEW = localized_preview(lambda tr: _card_data(preview_card(), tr))
DRIVER_PREVIEW = localized_preview(lambda tr: _card_data(preview_card(viewer="driver"), tr))
RIDER_PREVIEW = localized_preview(lambda tr: _card_data(preview_card(viewer="rider"), tr))
CONFIRM_PREVIEW = localized_preview(lambda tr: {"destination": "Away game at Riverside Arena",
                                      "when": tr.day("2026-12-05"),
                                      "point": "17:45 — Oak Street 12"})


def trip_list(state, title: str, empty: str, *lists: ItemStart | ItemSwitchTo, getter, preview_data,
              more: tuple[Window, ...] = ()) -> Dialog:
    """A dialog listing trips: the `title` text (a catalog key), the numbered `listing` in the text
    (or the `empty` text), a button per trip that opens its card, the pager (shown when the getter
    has more than one page), Back; and the windows `more` (a request of "My trips")."""
    return Dialog(
        Window(
            T(title),
            T(empty, when="empty"),
            Format("{listing}", when="listing"),
            Format("{page_info}", when="page_info"),
            *lists,
            pager("page"),
            close(),
            getter=getter,
            state=state,
            preview_data=preview_data,
        ),
        *more,
        launch_mode=LaunchMode.SINGLE_TOP,
    )


def build_find_dialog() -> Dialog:
    return trip_list(FindSG.list, "trips-find-title", "trips-find-empty", open_card("trip", "trips"),
                     getter=find_getter,
                     preview_data=localized_preview(lambda tr: _find_data(preview_rows(), page_data(0, 2, tr), tr)))


def _card_window() -> Window:
    return Window(
        Format("{card}"),
        T("trips-card-join-hint", when="join_many"),
        ItemSwitchTo("jpt", "points", TripSG.confirm, on_click=on_point, when="join_many"),
        SwitchTo(T("trips-join"), id="join1", state=TripSG.confirm, on_click=on_join_the_only_point,
                 when="join_one"),
        SwitchTo(T("trips-join"), id="join", state=TripSG.pick, when="join_many"),
        SwitchTo(T("trips-join-both"), id="both", state=TripSG.both_out, when="both_out"),
        SwitchTo(T("trips-join-both"), id="both1", state=TripSG.both_back, on_click=on_both_the_only_point,
                 when="both_back"),
        SwitchTo(T("trips-join-both"), id="both2", state=TripSG.both_confirm, on_click=on_both_the_only_point,
                 when="both_direct"),
        Button(T("trips-wait"), id="wait1", on_click=on_wait_the_only_point, when="wait_one"),
        SwitchTo(T("trips-wait"), id="wait", state=TripSG.wait, when="wait_many"),
        Row(
            Button(T("trips-take"), id="take", on_click=on_take, when="take"),
            SwitchTo(T("trips-take"), id="take_pt", state=TripSG.wait, when="take_pick"),
            Button(T("trips-pass"), id="pass", on_click=on_pass, when="offered"),
        ),
        Button(T("trips-leave-line"), id="unwait", on_click=on_leave_line, when="in_line"),
        Start(T("trips-find-another"), id="find", state=FindSG.list, when="look_further"),
        Button(T("trips-still-ok"), id="ok", on_click=on_still_ok, when="asked"),
        Row(
            SwitchTo(T("trips-change-pickup"), id="chg", state=TripSG.change, when="has_seat"),
            SwitchTo(T("trips-leave"), id="leave", state=TripSG.leave, when="has_seat"),
        ),
        StartWithData(T("trips-open-back"), "leg", TripSG.card, data=other_leg_card, when="leg_back"),
        StartWithData(T("trips-open-out"), "leg_out", TripSG.card, data=other_leg_card, when="leg_out"),
        Row(
            StartWith(T("trips-edit"), "edit", EditTripSG.menu, carry=("trip_id",), on_click=only_the_driver,
                      when="can_manage"),
            StartWith(T("trips-cancel-trip"), "cancel_trip", EditTripSG.cancel, carry=("trip_id",),
                      on_click=only_the_driver, when="can_manage"),
        ),
        SwitchTo(T("trips-word"), id="to_word", state=TripSG.word, on_click=only_the_driver, when="can_word"),
        Row(
            SwitchTo(T("trips-remove"), id="to_remove", state=TripSG.remove_pick, on_click=only_the_driver,
                     when="can_remove"),
            SwitchTo(T("trips-release"), id="to_release", state=TripSG.release, on_click=only_the_driver,
                     when="can_release"),
        ),
        share_button(),
        StartWith(T("trips-save-template"), "save_tpl", SaveTemplateSG.name, carry=("trip_id",),
                  when="is_driver"),
        close(),
        getter=card_getter,
        state=TripSG.card,
        preview_data=DRIVER_PREVIEW,
    )


def _points(text: T, choice: ItemSwitchTo, state, preview_data, *, getter=card_getter, more=()) -> Window:
    """The trip's pickup points as buttons (`choice`, and the `more`), or ⬅️ Back to the card."""
    return Window(text, choice, *more, back_to(TripSG.card), state=state, getter=getter, preview_data=preview_data)


def _ask(text, yes: SwitchTo, state, **window) -> Window:
    """A question about the card's trip: ⬅️ Back to the card, or `yes`."""
    return confirm_window(text, yes, state, no=back_to(TripSG.card), **window)


def build_trip_dialog() -> Dialog:
    return Dialog(
        _card_window(),
        _points(T("trips-pick-point"),
                ItemSwitchTo("pt", "points", TripSG.confirm, on_click=on_point), TripSG.pick, CARD_PREVIEW),
        _ask(T("trips-confirm-join"),
             SwitchTo(T("trips-join-ok"), id="join_ok", state=TripSG.card, on_click=on_join), TripSG.confirm,
             getter=confirm_getter, preview_data=CONFIRM_PREVIEW),
        _points(T("trips-pick-new-point"),
                ItemSwitchTo("npt", "points", TripSG.card, on_click=on_point_change), TripSG.change, RIDER_PREVIEW),
        _ask(T("trips-leave-ask"),
             SwitchTo(T("trips-leave-ok"), id="leave_ok", state=TripSG.card, on_click=on_leave), TripSG.leave),
        *_waitlist_windows(),
        *_driver_windows(),
        *_both_windows(),
        launch_mode=LaunchMode.SINGLE_TOP,
    )


def _waitlist_windows() -> list[Window]:
    return [
        Window(
            T("trips-wait-pick", when=~F["offered"]),
            T("trips-take-pick", when="offered"),
            ItemSwitchTo("wpt", "points", TripSG.card, on_click=on_wait_point),
            back_to(TripSG.card),
            getter=card_getter,
            state=TripSG.wait,
            preview_data=localized_preview(lambda tr: _card_data(preview_card(full=True), tr)),
        ),
    ]


def driver_card() -> queries.TripCard:
    return preview_card(viewer="driver")


def _driver_windows() -> list[Window]:
    return [
        Window(
            T("trips-release-title"),
            T("trips-release-now", when="release_set"),
            T("trips-release-pick", when="times"),
            T("trips-release-too-late", when="no_times"),
            ItemSwitchTo("rel", "times", TripSG.card, on_click=on_release),
            SwitchTo(T("trips-release-never"), id="never", state=TripSG.card, on_click=on_release_never,
                     when="release_set"),
            back_to(TripSG.card),
            getter=release_getter,
            state=TripSG.release,
            preview_data=localized_preview(lambda tr: _release_data(
                driver_card(), tr, UTC, driver_card().trip.departs_at - timedelta(hours=4))),
        ),
        Window(
            T("trips-word-ask", when=~F["word"]),
            T("trips-word-preview", when="word"),
            TextField(id="word", type_factory=manage.validate_word, on_error=on_input_error),
            Row(back_to(TripSG.card),
                SwitchTo(T("trips-word-send"), id="send", state=TripSG.card, on_click=on_word_send, when="word")),
            getter=word_getter,
            state=TripSG.word,
            preview_data=localized_preview(lambda tr: _word_data("Bring the ball bag, please.", 2)),
        ),
        _points(T("trips-remove-pick"), ItemSwitchTo("rmp", "people", TripSG.remove, on_click=on_remove_pick),
                TripSG.remove_pick, localized_preview(lambda tr: {"people": _passengers(driver_card(), tr)}),
                getter=remove_pick_getter),
        Window(
            T("trips-remove-ask", when="aboard"),
            T("trips-remove-gone", when="gone"),
            T("trips-remove-reason", when="reason"),
            T("trips-remove-hint", when=~F["reason"] & F["aboard"]),
            TextField(id="why", type_factory=manage.validate_reason, on_error=on_input_error),
            Row(back_to(TripSG.remove_pick),
                SwitchTo(T("trips-remove-yes"), id="yes", state=TripSG.card, on_click=on_remove, when="aboard")),
            getter=remove_getter,
            state=TripSG.remove,
            preview_data=localized_preview(lambda tr: _remove_data(driver_card(), 3, "the game was moved", tr)),
        ),
    ]


def _both_windows() -> list[Window]:
    card = localized_preview(lambda tr: _card_data(preview_card(), tr, UTC, _preview_back_points()))
    return [
        _points(T("trips-both-pick-out"), ItemSwitchTo("bo", "points", TripSG.both_back, on_click=on_both_out,
                                                       when="back_many"),
                TripSG.both_out, card,
                more=(ItemSwitchTo("bo1", "points", TripSG.both_confirm, on_click=on_both_out, when="back_one"),)),
        _points(T("trips-both-pick-back"), ItemSwitchTo("bb", "back_points", TripSG.both_confirm,
                                                        on_click=on_both_back),
                TripSG.both_back, card),
        _ask(T("trips-both-confirm"),
             SwitchTo(T("trips-join-both-ok"), id="both_ok", state=TripSG.card, on_click=on_join_both),
             TripSG.both_confirm, getter=both_getter,
             preview_data=localized_preview(lambda tr: _both_data(
                 preview_card(), preview_card().points[1].point, _preview_back_points()[1], tr))),
    ]


def _preview_back_points() -> list[PickupPoint]:
    """The preview's way back: from the venue at 21:30, drop-offs at Oak Street and the station."""
    return [PickupPoint(id=11, address="Riverside Arena", time=time(21, 30)),
            PickupPoint(id=12, address="Oak Street 12", time=time(21, 55)),
            PickupPoint(id=13, address="Central Station, north exit", time=time(22, 5))]


def _request_window() -> Window:
    return Window(
        T("trips-request-title"),
        Format("{place}"),  # the event, or the destination: user text, escaped
        Format("📅 {when}"),
        T("trips-request-area", when="has_area"),
        T("trips-request-anywhere", when="anywhere"),
        T("trips-request-cancelled", when="cancelled"),
        T("trips-request-closed", when="closed"),
        T("trips-request-hint", when="live"),
        TextField(id="area", type_factory=requests.validate_area, on_success=go_to(MyTripsSG.request, change_area),
                  on_error=on_input_error),
        Button(T("trips-request-clear-area"), id="anywhere", on_click=on_anywhere, when="has_area"),
        StartWithData(T("trips-request-event"), "event", EventsSG.card, data=the_event, when="for_event"),
        SwitchTo(T("trips-request-withdraw"), id="withdraw", state=MyTripsSG.list, on_click=on_withdraw,
                 when="live"),
        back_to(MyTripsSG.list),
        getter=request_getter,
        state=MyTripsSG.request,
        preview_data=localized_preview(lambda tr: _request_data(preview_requests()[0], tr)),
    )


def build_my_trips_dialog() -> Dialog:
    return trip_list(MyTripsSG.list, "trips-mine-title", "trips-mine-empty",
                     open_card("drive", "driven"), open_card("ride", "rides"),
                     ItemSwitchTo("req", "requests", MyTripsSG.request, on_click=on_request), getter=mine_getter,
                     preview_data=localized_preview(lambda tr: _mine_data(preview_rides(), preview_driven(), tr,
                                                                          preview_requests())),
                     more=(_request_window(),))
