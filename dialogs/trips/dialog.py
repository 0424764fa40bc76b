"""Finding trips, the trip card (join, change pickup, leave) and "My trips".

Every jump is a widget: the lists open the card with `ItemStart`, the card's pickup-point
buttons and the confirmations are `SwitchTo`s whose `on_click` runs the operation first.
Every press re-reads the trip and the operation re-checks it: a card shown before the trip
filled up or was cancelled refuses with the reason, then shows the fresh card.

"My trips" also lists the player's open ride requests (issue #21); one opens MyTripsSG.request,
where its area is changed (typed) or cleared, or the request withdrawn (`models.requests`, which
lets only the requester do either).
"""

from __future__ import annotations

from aiogram.types import CallbackQuery
from aiogram_dialog import Dialog, DialogManager, LaunchMode, Window
from aiogram_dialog.widgets.kbd import Button, Row, Start, SwitchTo
from aiogram_dialog.widgets.text import Format

from models import TRIP_CANCELLED, TRIP_OPEN, DomainError, NotFound, manage, queries, requests, rides, users
from models.tables import REQUEST_OPEN

from ..common import on_input_error, q, show_error, tg_user_id, wake_notifier
from ..i18n import T, Tr, localized_preview, tr_of
from ..states import EditTripSG, EventsSG, FindSG, MyTripsSG, SaveTemplateSG, TripSG
from ..widgets import (
    ItemStart, ItemSwitchTo, StartWith, StartWithData, TextField, back_to, close, confirm_window, go_to, page_data,
    pager, paged, share_button, share_data,
)
from .render import (
    button, card_text, list_legend, numbered, preview_card, preview_driven, preview_requests, preview_rides,
    preview_rows, trip_button, trip_entry, when,
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


async def card_getter(dialog_manager: DialogManager, bot=None, **kwargs) -> dict:
    card = queries.trip_card(_trip_id(dialog_manager), tg_user_id(dialog_manager))
    data = _card_data(card, tr_of(dialog_manager))
    return data | await share_data(bot, card.trip.id, live=data["live"])


def _card_data(card: queries.TripCard, tr: Tr) -> dict:
    live = card.trip.status == TRIP_OPEN and not card.departed
    outsider = not card.viewer_is_driver and card.my_seat is None
    called_off = card.trip.status == TRIP_CANCELLED and not card.departed and not card.viewer_is_driver
    return {
        "card": card_text(card, tr),
        "live": live,
        "can_share": live,  # the preview's; the getter asks whether the bot has inline mode on
        "share_query": f"trip_{card.trip.id}",
        "can_manage": card.viewer_is_driver and live,
        "is_driver": card.viewer_is_driver,
        "join_one": card.joinable and len(card.points) == 1,
        "join_many": card.joinable and len(card.points) > 1,
        "look_further": (live and outsider and not card.seats_left) or called_off,  # no dead end
        "has_seat": card.my_seat is not None and live,
        "points": [(v.point.id, button(f"📍 {tr.time(v.point.time)}", v.point.address)) for v in card.points],
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


async def _act(event: CallbackQuery, manager: DialogManager, done: str, operation, *args) -> None:
    """Run a seat operation; a refusal (the trip changed under the user) is said in an alert,
    success in the toast `done` (a catalog key). Either way the button then shows the fresh card."""
    try:
        operation(tg_user_id(manager), _trip_id(manager), *args)
    except DomainError as exc:
        await show_error(event, exc)
        return
    wake_notifier(manager)
    await event.answer(tr_of(manager)(done))


async def on_join(event: CallbackQuery, button, manager: DialogManager) -> None:
    data = manager.dialog_data
    await _act(event, manager, "trips-joined", rides.join_trip, data.get("point_id", 0), data.get("seen_version"))


async def on_point_change(event: CallbackQuery, widget, manager: DialogManager, point_id: int) -> None:
    await _act(event, manager, "trips-pickup-changed", rides.change_pickup, point_id)


async def on_leave(event: CallbackQuery, button, manager: DialogManager) -> None:
    await _act(event, manager, "trips-left", rides.leave_trip)


ACTIONS = {"edit": "edit", "cancel_trip": "cancel"}  # the card's driver buttons, as the refusal log says


async def only_the_driver(event: CallbackQuery, button, manager: DialogManager) -> None:
    """Edit and Cancel trip open for the trip's driver only (a forged press is refused here;
    the operations check again when they write)."""
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
        Start(T("trips-find-another"), id="find", state=FindSG.list, when="look_further"),
        Row(
            SwitchTo(T("trips-change-pickup"), id="chg", state=TripSG.change, when="has_seat"),
            SwitchTo(T("trips-leave"), id="leave", state=TripSG.leave, when="has_seat"),
        ),
        Row(
            StartWith(T("trips-edit"), "edit", EditTripSG.menu, carry=("trip_id",), on_click=only_the_driver,
                      when="can_manage"),
            StartWith(T("trips-cancel-trip"), "cancel_trip", EditTripSG.cancel, carry=("trip_id",),
                      on_click=only_the_driver, when="can_manage"),
        ),
        share_button(),
        StartWith(T("trips-save-template"), "save_tpl", SaveTemplateSG.name, carry=("trip_id",),
                  when="is_driver"),
        close(),
        getter=card_getter,
        state=TripSG.card,
        preview_data=DRIVER_PREVIEW,
    )


def _points(text: T, choice: ItemSwitchTo, state, preview_data) -> Window:
    """The trip's pickup points as buttons (`choice`), or ⬅️ Back to the card."""
    return Window(text, choice, back_to(TripSG.card), state=state, getter=card_getter, preview_data=preview_data)


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
        launch_mode=LaunchMode.SINGLE_TOP,
    )


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
