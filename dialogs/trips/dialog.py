"""Finding trips, the trip card (join, change pickup, leave) and "My trips".

Every press re-reads the trip and the operation re-checks it: a card shown
before the trip filled up or was cancelled refuses with the reason, then shows
the fresh card.
"""

from __future__ import annotations

from aiogram.types import CallbackQuery
from aiogram_dialog import Dialog, DialogManager, LaunchMode, Window
from aiogram_dialog.widgets.kbd import Button, Cancel, Column, Row, Select, SwitchTo
from aiogram_dialog.widgets.text import Const, Format

from models import DomainError, NotFound, manage, rides, trips

from ..common import BACK, PreviewStart, PreviewSwitchTo, q, show_error, tg_user_id, wake_notifier
from ..manage import start_cancel, start_edit
from ..states import EditTripSG, FindSG, MyTripsSG, SaveTemplateSG, TripSG
from ..templates import start_save_from_trip
from .render import card_text, preview_card, preview_driven, preview_rides, preview_rows, trip_line


async def open_trip(manager: DialogManager, trip_id: int) -> None:
    """Open the card, or refuse (NotFound, shown as an alert) a trip that is not there: a forged
    or stale id must not reach the card's getter, whose failure aiogram-dialog logs as an error."""
    if not trips.is_row_id(trip_id) or trips.get_trip(trip_id) is None:
        raise NotFound("That trip does not exist (any more).")
    await manager.start(TripSG.card, data={"trip_id": trip_id})


# --- finding ------------------------------------------------------------------------------


async def find_getter(dialog_manager: DialogManager, **kwargs) -> dict:
    page = dialog_manager.dialog_data.get("page", 0)
    rows, total = rides.list_upcoming(page)
    pages = max((total + rides.PAGE_SIZE - 1) // rides.PAGE_SIZE, 1)
    if rows == [] and page > 0:  # the list shrank under the user: show the last page
        page = pages - 1
        dialog_manager.dialog_data["page"] = page
        rows, total = rides.list_upcoming(page)
    return _find_data(rows, total, page, pages)


def _find_data(rows, total, page, pages) -> dict:
    return {
        "trips": [(r.id, ("🔴 " if r.full else "🟢 ") + trip_line(r)) for r in rows],
        "total": total,
        "empty": total == 0,
        "page_info": f"page {page + 1} of {pages}" if pages > 1 else "",
        "has_prev": page > 0,
        "has_next": page + 1 < pages,
    }


async def on_page(event: CallbackQuery, button: Button, manager: DialogManager) -> None:
    step = 1 if button.widget_id == "next" else -1
    manager.dialog_data["page"] = max(manager.dialog_data.get("page", 0) + step, 0)


async def on_trip_selected(event: CallbackQuery, widget, manager: DialogManager, item_id: int) -> None:
    await open_trip(manager, int(item_id))


# --- the card -----------------------------------------------------------------------------


def _trip_id(manager: DialogManager) -> int:
    return int(manager.start_data["trip_id"])


async def card_getter(dialog_manager: DialogManager, **kwargs) -> dict:
    card = rides.trip_card(_trip_id(dialog_manager), tg_user_id(dialog_manager))
    return _card_data(card, dialog_manager.dialog_data.pop("notice", ""))


def _card_data(card: rides.TripCard, notice: str = "") -> dict:
    return {
        "card": card_text(card),
        "notice": notice,
        "can_manage": card.viewer_is_driver and card.trip.status == "open" and not card.departed,
        "is_driver": card.viewer_is_driver,
        "joinable": card.joinable,
        "has_seat": card.my_seat is not None and card.trip.status == "open" and not card.departed,
        "points": [(v.point.id, f"📍 {v.point.time:%H:%M} {v.point.address[:40]}") for v in card.points],
    }


async def on_point_for_join(event: CallbackQuery, widget, manager: DialogManager, item_id: int) -> None:
    manager.dialog_data["point_id"] = int(item_id)
    manager.dialog_data["seen_version"] = rides.trip_version(_trip_id(manager))
    await manager.switch_to(TripSG.confirm)


async def confirm_getter(dialog_manager: DialogManager, **kwargs) -> dict:
    card = rides.trip_card(_trip_id(dialog_manager), tg_user_id(dialog_manager))
    point = next((v.point for v in card.points if v.point.id == dialog_manager.dialog_data.get("point_id")), None)
    return {
        "destination": q(card.trip.destination),
        "when": f"{card.trip.departure_date:%a %d %b}",
        "point": f"{point.time:%H:%M} — {q(point.address)}" if point else "?",
    }


async def _refused(event: CallbackQuery, manager: DialogManager, error: DomainError) -> None:
    """The trip changed under the user: say what, then show the fresh card."""
    await show_error(event, error)
    await manager.switch_to(TripSG.card)


async def on_join(event: CallbackQuery, button: Button, manager: DialogManager) -> None:
    if not manager.is_preview():
        try:
            rides.join_trip(tg_user_id(manager), _trip_id(manager), manager.dialog_data.get("point_id", 0),
                            manager.dialog_data.get("seen_version"))
        except DomainError as exc:
            await _refused(event, manager, exc)
            return
        wake_notifier(manager)
    await event.answer("You're in! 🎉")
    await manager.switch_to(TripSG.card)


async def on_point_change(event: CallbackQuery, widget, manager: DialogManager, item_id: int) -> None:
    if not manager.is_preview():
        try:
            rides.change_pickup(tg_user_id(manager), _trip_id(manager), int(item_id))
        except DomainError as exc:
            await _refused(event, manager, exc)
            return
        wake_notifier(manager)
    await event.answer("Pickup point changed.")
    await manager.switch_to(TripSG.card)


async def on_leave(event: CallbackQuery, button: Button, manager: DialogManager) -> None:
    if not manager.is_preview():
        try:
            rides.leave_trip(tg_user_id(manager), _trip_id(manager))
        except DomainError as exc:
            await _refused(event, manager, exc)
            return
        wake_notifier(manager)
    await event.answer("You left the trip; your seat is free again.")
    await manager.switch_to(TripSG.card)


async def on_edit(event: CallbackQuery, button: Button, manager: DialogManager) -> None:
    try:
        await start_edit(manager, _trip_id(manager))
    except DomainError as exc:
        await show_error(event, exc)


async def on_cancel_trip(event: CallbackQuery, button: Button, manager: DialogManager) -> None:
    try:
        await start_cancel(manager, _trip_id(manager))
    except DomainError as exc:
        await show_error(event, exc)


async def on_save_template(event: CallbackQuery, button: Button, manager: DialogManager) -> None:
    await start_save_from_trip(manager, _trip_id(manager))


# --- my trips -----------------------------------------------------------------------------


async def mine_getter(dialog_manager: DialogManager, **kwargs) -> dict:
    tid = tg_user_id(dialog_manager)
    return _mine_data(rides.my_rides(tid), manage.driven_trips(tid))


def _mine_data(rows, driven) -> dict:
    def label(r):
        mark = "❌ " if r.status == "cancelled" else ""
        return f"{mark}{r.destination[:30]} · {r.departure_date:%a %d %b} · {r.time:%H:%M} {r.address[:25]}"

    def drive_label(d):
        mark = "❌ " if d.status == "cancelled" else "🚗 "
        first = f"{d.first_pickup:%H:%M}" if d.first_pickup else "?"
        return f"{mark}{d.destination[:30]} · {d.departure_date:%a %d %b} {first} · {d.taken}/{d.seats} booked"

    return {
        "rides": [(r.trip_id, label(r)) for r in rows],
        "driven": [(d.trip_id, drive_label(d)) for d in driven],
        "has_rides": bool(rows),
        "has_driven": bool(driven),
        "empty": not rows and not driven,
    }


CARD_PREVIEW = _card_data(preview_card())
DRIVER_PREVIEW = _card_data(preview_card(viewer="driver"))
RIDER_PREVIEW = _card_data(preview_card(viewer="rider"))


def build_find_dialog() -> Dialog:
    rows = preview_rows()
    return Dialog(
        Window(
            Const("🔎 <b>Upcoming trips</b>"),
            Const("No upcoming trips yet. Check again later!", when="empty"),
            Format("{page_info}", when="page_info"),
            Column(
                Select(Format("{item[1]}"), id="trip", item_id_getter=lambda item: item[0], items="trips",
                       type_factory=int, on_click=on_trip_selected),
            ),
            Row(
                Button(Const("◀️ Previous"), id="prev", on_click=on_page, when="has_prev"),
                Button(Const("Next ▶️"), id="next", on_click=on_page, when="has_next"),
            ),
            Cancel(BACK, id="back"),
            getter=find_getter,
            state=FindSG.list,
            preview_data=_find_data(rows, 7, 0, 2),
            preview_add_transitions=[PreviewStart(TripSG.card)],
        ),
        launch_mode=LaunchMode.SINGLE_TOP,
    )


def build_trip_dialog() -> Dialog:
    return Dialog(
        Window(
            Format("{notice}", when="notice"),
            Format("{card}"),
            SwitchTo(Const("🙋 Join"), id="join", state=TripSG.pick, when="joinable"),
            Row(
                SwitchTo(Const("📍 Change pickup"), id="chg", state=TripSG.change, when="has_seat"),
                SwitchTo(Const("🚶 Leave"), id="leave", state=TripSG.leave, when="has_seat"),
            ),
            Row(
                Button(Const("✏️ Edit"), id="edit", on_click=on_edit, when="can_manage"),
                Button(Const("❌ Cancel trip"), id="cancel_trip", on_click=on_cancel_trip, when="can_manage"),
            ),
            Button(Const("💾 Save as template"), id="save_tpl", on_click=on_save_template, when="is_driver"),
            Cancel(BACK, id="back"),
            getter=card_getter,
            state=TripSG.card,
            preview_data=DRIVER_PREVIEW,
            preview_add_transitions=[PreviewStart(EditTripSG.menu), PreviewStart(EditTripSG.cancel),
                                     PreviewStart(SaveTemplateSG.name)],
        ),
        Window(
            Const("Where do you get in? Pick your pickup point:"),
            Column(
                Select(Format("{item[1]}"), id="pt", item_id_getter=lambda item: item[0], items="points",
                       type_factory=int, on_click=on_point_for_join),
            ),
            SwitchTo(BACK, id="back", state=TripSG.card),
            getter=card_getter,
            state=TripSG.pick,
            preview_data=CARD_PREVIEW,
            preview_add_transitions=[PreviewSwitchTo(TripSG.confirm)],
        ),
        Window(
            Format("Take a seat to <b>{destination}</b> on {when}, getting in at {point}?"),
            Row(
                SwitchTo(BACK, id="back", state=TripSG.pick),
                Button(Const("✅ Join"), id="join_ok", on_click=on_join),
            ),
            getter=confirm_getter,
            state=TripSG.confirm,
            preview_data={"destination": "Away game at Riverside Arena", "when": "Sat 05 Dec",
                          "point": "17:45 — Central Station, north exit"},
            preview_add_transitions=[PreviewSwitchTo(TripSG.card)],
        ),
        Window(
            Const("Pick your new pickup point:"),
            Column(
                Select(Format("{item[1]}"), id="npt", item_id_getter=lambda item: item[0], items="points",
                       type_factory=int, on_click=on_point_change),
            ),
            SwitchTo(BACK, id="back", state=TripSG.card),
            getter=card_getter,
            state=TripSG.change,
            preview_data=RIDER_PREVIEW,
            preview_add_transitions=[PreviewSwitchTo(TripSG.card)],
        ),
        Window(
            Const("Leave this trip? Your seat is freed at once and the driver is told."),
            Row(
                SwitchTo(BACK, id="back", state=TripSG.card),
                Button(Const("🚶 Yes, leave"), id="leave_ok", on_click=on_leave),
            ),
            state=TripSG.leave,
            preview_add_transitions=[PreviewSwitchTo(TripSG.card)],
        ),
        launch_mode=LaunchMode.SINGLE_TOP,
    )


def build_my_trips_dialog() -> Dialog:
    return Dialog(
        Window(
            Const("🧳 <b>My trips</b>"),
            Const("You have no upcoming trips. Find one with /trips.", when="empty"),
            Const("\nTrips you drive (tap to see passengers, edit or cancel):", when="has_driven"),
            Column(
                Select(Format("{item[1]}"), id="drive", item_id_getter=lambda item: item[0], items="driven",
                       type_factory=int, on_click=on_trip_selected),
            ),
            Const("\nYour seats:", when="has_rides"),
            Column(
                Select(Format("{item[1]}"), id="ride", item_id_getter=lambda item: item[0], items="rides",
                       type_factory=int, on_click=on_trip_selected),
            ),
            Cancel(BACK, id="back"),
            getter=mine_getter,
            state=MyTripsSG.list,
            preview_data=_mine_data(preview_rides(), preview_driven()),
            preview_add_transitions=[PreviewStart(TripSG.card)],
        ),
        launch_mode=LaunchMode.SINGLE_TOP,
    )
