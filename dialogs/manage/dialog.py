"""Drivers edit or cancel their trip.

Changes collect in `dialog_data["pending"]` (JSON values) and are shown as a diff;
only Confirm writes (models.manage.apply_edit: one transaction with the
passengers' notifications). The edit is checked against the trip version this
dialog started from, so a change made on another screen meanwhile is refused
with the fresh state. After a write, the passengers' open windows are redrawn.
"""

from __future__ import annotations

from datetime import date, time

from aiogram.types import CallbackQuery, Message
from aiogram_dialog import Data, Dialog, DialogManager, Window
from aiogram_dialog.widgets.input import ManagedTextInput, TextInput
from aiogram_dialog.widgets.kbd import Button, Cancel, Group, ManagedCalendar, Row, Select, SwitchTo
from aiogram_dialog.widgets.text import Const, Format

from models import Conflict, DomainError, ValidationError, manage, rides, trips, users

from ..common import (
    BACK, PreviewStart, PreviewSwitchTo, club_tz, fmt_date, on_input_error, q, show_error, text_only_guard,
    refresh_windows, tg_user_id, wake_notifier,
)
from ..pickups import start_pickups
from ..states import EditTripSG, PickupSG
from ..wizard.dialog import ClubCalendar



async def start_edit(manager: DialogManager, trip_id: int) -> None:
    """Open the editor, for the trip's driver only (the operations check again on write)."""
    manage.owned_trip(users.require_user(tg_user_id(manager)), trip_id, action="edit")
    await manager.start(EditTripSG.menu, data={"trip_id": trip_id})


async def start_cancel(manager: DialogManager, trip_id: int) -> None:
    manage.owned_trip(users.require_user(tg_user_id(manager)), trip_id, action="cancel")
    await manager.start(EditTripSG.cancel, data={"trip_id": trip_id})


def _trip_id(manager: DialogManager) -> int:
    return int(manager.start_data["trip_id"])


def _pending(manager: DialogManager) -> dict:
    return manager.dialog_data.setdefault("pending", {})


def _load_base(manager: DialogManager) -> None:
    """Start (again) from the trip as it is now."""
    card = rides.trip_card(_trip_id(manager), tg_user_id(manager))
    manager.dialog_data["base_version"] = card.trip.version
    manager.dialog_data["pending"] = {}
    manager.dialog_data["removal_ok"] = False
    manager.dialog_data.pop("lost", None)
    manager.dialog_data["current"] = {
        "destination": card.trip.destination,
        "date": card.trip.departure_date.isoformat(),
        "seats": card.trip.seats,
        "comment": card.trip.comment,
        "pickups": [{"id": v.point.id, "address": v.point.address, "time": f"{v.point.time:%H:%M}"}
                    for v in card.points],
        "booked": card.taken,
    }


def edit_from(pending: dict) -> manage.TripEdit:
    return manage.TripEdit(
        destination=pending.get("destination"),
        departure_date=date.fromisoformat(pending["date"]) if pending.get("date") else None,
        seats=pending.get("seats"),
        comment=pending.get("comment"),
        pickups=[manage.PointEdit(p.get("id"), p["address"], time.fromisoformat(p["time"]))
                 for p in pending["pickups"]] if pending.get("pickups") is not None else None,
    )


def _value(manager: DialogManager, key: str):
    pending = _pending(manager)
    return pending[key] if key in pending else manager.dialog_data["current"][key]


async def menu_getter(dialog_manager: DialogManager, **kwargs) -> dict:
    plan = manage.plan_edit(tg_user_id(dialog_manager), _trip_id(dialog_manager), edit_from(_pending(dialog_manager)))
    current = dialog_manager.dialog_data["current"]
    return _menu_data(current["destination"], current["date"], plan)


def _menu_data(destination: str, day: str, plan: manage.EditPlan) -> dict:
    return {
        "title": f"{q(destination)}, {fmt_date(day)}",
        "diff": "\n".join(plan.lines) if plan.lines else "No changes yet: pick what to change.",
        "has_changes": bool(plan.lines),
        "booked": plan.booked,
    }


async def on_discard(event: CallbackQuery, button: Button, manager: DialogManager) -> None:
    await event.answer("Nothing was changed.")
    await manager.done()


async def on_confirm(event: CallbackQuery, button: Button, manager: DialogManager) -> None:
    if manager.is_preview():
        await manager.done()
        return
    plan = manage.plan_edit(tg_user_id(manager), _trip_id(manager), edit_from(_pending(manager)))
    if plan.removed_passengers and not manager.dialog_data.get("removal_ok"):
        await manager.switch_to(EditTripSG.remove_confirm)
        return
    await _apply(event, manager)


async def _apply(event: CallbackQuery, manager: DialogManager) -> None:
    try:
        manage.apply_edit(tg_user_id(manager), _trip_id(manager), manager.dialog_data["base_version"],
                          edit_from(_pending(manager)), club_tz(manager),
                          expected_losers=manager.dialog_data.get("lost", []))
    except Conflict as exc:
        await show_error(event, exc)
        _load_base(manager)  # the fresh state; the driver makes the changes again
        await manager.switch_to(EditTripSG.menu)
        return
    except DomainError as exc:
        await show_error(event, exc)
        await manager.switch_to(EditTripSG.menu)
        return
    await event.answer("Saved. Your passengers are being told. ✅")
    await after_write(manager)
    await manager.done()


async def after_write(manager: DialogManager) -> None:
    """Nudge the notifier; redraw the windows passengers may have open on this trip."""
    wake_notifier(manager)
    await refresh_windows(manager, manage.passenger_telegram_ids(_trip_id(manager)) + manager.dialog_data.get("lost", []))


async def remove_getter(dialog_manager: DialogManager, **kwargs) -> dict:
    plan = manage.plan_edit(tg_user_id(dialog_manager), _trip_id(dialog_manager), edit_from(_pending(dialog_manager)))
    return {"names": ", ".join(q(u.name) for u in plan.removed_passengers), "count": len(plan.removed_passengers)}


async def on_removal_confirmed(event: CallbackQuery, button: Button, manager: DialogManager) -> None:
    plan = manage.plan_edit(tg_user_id(manager), _trip_id(manager), edit_from(_pending(manager)))
    manager.dialog_data["removal_ok"] = True
    manager.dialog_data["lost"] = [u.telegram_id for u in plan.removed_passengers]
    await _apply(event, manager)


# --- field steps --------------------------------------------------------------------------


def _set(manager: DialogManager, key: str, value) -> None:
    pending = _pending(manager)
    if value == manager.dialog_data["current"][key]:
        pending.pop(key, None)  # changed back: no longer a change
    else:
        pending[key] = value
    manager.dialog_data["removal_ok"] = False
    manager.dialog_data.pop("lost", None)  # whose seats the change costs is asked again


async def field_getter(dialog_manager: DialogManager, **kwargs) -> dict:
    day = _value(dialog_manager, "date")
    return {
        "destination": q(_value(dialog_manager, "destination")),
        "date": fmt_date(day),
        "seats": _value(dialog_manager, "seats"),
        "comment": q(_value(dialog_manager, "comment") or "—"),
        "booked": dialog_manager.dialog_data["current"]["booked"],
        "choices": list(range(max(1, dialog_manager.dialog_data["current"]["booked"]), trips.SEATS_MAX + 1)),
    }


FIELD_PREVIEW = {"destination": "Riverside Arena", "date": "Sat 05 Dec 2026", "seats": 3,
                 "comment": "Bring the ball bag", "booked": 2, "choices": list(range(2, 9))}


async def on_destination(message: Message, widget: ManagedTextInput, manager: DialogManager, value: str) -> None:
    _set(manager, "destination", value)
    await manager.switch_to(EditTripSG.menu)


async def on_date(event: CallbackQuery, widget: ManagedCalendar, manager: DialogManager, day: date) -> None:
    try:
        trips.validate_date(day, club_tz(manager))
    except ValidationError as exc:
        await event.answer(str(exc), show_alert=True)
        return
    _set(manager, "date", day.isoformat())
    await manager.switch_to(EditTripSG.menu)


async def _seats(event, manager: DialogManager, seats: int) -> bool:
    booked = manager.dialog_data["current"]["booked"]
    if seats < booked:
        await show_error(event, f"{booked} passengers are booked: seats cannot go below {booked}.")
        return False
    _set(manager, "seats", seats)
    await manager.switch_to(EditTripSG.menu)
    return True


async def on_seats_button(event: CallbackQuery, widget, manager: DialogManager, item_id: str) -> None:
    await _seats(event, manager, trips.validate_seats(item_id))


async def on_seats_typed(message: Message, widget: ManagedTextInput, manager: DialogManager, seats: int) -> None:
    await _seats(message, manager, seats)


async def on_comment(message: Message, widget: ManagedTextInput, manager: DialogManager, value: str) -> None:
    _set(manager, "comment", value)
    await manager.switch_to(EditTripSG.menu)


async def on_clear_comment(event: CallbackQuery, button: Button, manager: DialogManager) -> None:
    _set(manager, "comment", "")
    await manager.switch_to(EditTripSG.menu)


async def on_pickups(event: CallbackQuery, button: Button, manager: DialogManager) -> None:
    await start_pickups(manager, _value(manager, "pickups"), _value(manager, "date"))


async def on_pickups_result(start_data: Data, result: Data, manager: DialogManager) -> None:
    if isinstance(result, dict) and result.get("action") == "done":
        _set(manager, "pickups", result["points"])


# --- cancelling ---------------------------------------------------------------------------


async def cancel_getter(dialog_manager: DialogManager, **kwargs) -> dict:
    card = rides.trip_card(_trip_id(dialog_manager), tg_user_id(dialog_manager))
    return {
        "title": f"{q(card.trip.destination)}, {fmt_date(card.trip.departure_date)}",
        "count": card.taken,
        "reason": q(dialog_manager.dialog_data.get("reason", "")) or "—",
    }


async def on_reason(message: Message, widget: ManagedTextInput, manager: DialogManager, reason: str) -> None:
    manager.dialog_data["reason"] = reason
    await manager.switch_to(EditTripSG.cancel_confirm)


async def on_no_reason(event: CallbackQuery, button: Button, manager: DialogManager) -> None:
    manager.dialog_data["reason"] = ""
    await manager.switch_to(EditTripSG.cancel_confirm)


async def on_cancel_confirmed(event: CallbackQuery, button: Button, manager: DialogManager) -> None:
    if not manager.is_preview():
        try:
            manage.cancel_trip(tg_user_id(manager), _trip_id(manager), manager.dialog_data.get("reason", ""))
        except DomainError as exc:
            await show_error(event, exc)
            await manager.done()
            return
        await event.answer("Trip cancelled. Your passengers are being told.")
        await after_write(manager)
    await manager.done()


async def on_dialog_start(start_data: dict | None, manager: DialogManager) -> None:
    if manager.current_context().state == EditTripSG.menu:
        _load_base(manager)


def build_edit_dialog() -> Dialog:
    back_to_menu = SwitchTo(BACK, id="back", state=EditTripSG.menu)
    return Dialog(
        Window(
            Format("✏️ <b>Edit trip</b>: {title}\n"),
            Format("{diff}"),
            Row(
                SwitchTo(Const("🏁 Destination"), id="e_dest", state=EditTripSG.destination),
                SwitchTo(Const("📅 Date"), id="e_date", state=EditTripSG.date),
                SwitchTo(Const("💺 Seats"), id="e_seats", state=EditTripSG.seats),
            ),
            Row(
                Button(Const("📍 Pickups"), id="e_pick", on_click=on_pickups),
                SwitchTo(Const("💬 Comment"), id="e_comm", state=EditTripSG.comment),
            ),
            Row(
                Button(Const("🗑 Discard"), id="discard", on_click=on_discard),
                Button(Const("✅ Confirm"), id="confirm", on_click=on_confirm, when="has_changes"),
            ),
            getter=menu_getter,
            state=EditTripSG.menu,
            on_process_result=on_pickups_result,
            preview_data=_menu_data("Riverside Arena", "2026-12-05", manage.EditPlan(
                lines=["💺 Seats: 3 → 4", "📍 17:45 Central Station → 18:00 Central Station"], booked=2)),
            preview_add_transitions=[PreviewSwitchTo(EditTripSG.remove_confirm), PreviewSwitchTo(EditTripSG.menu),
                                     PreviewStart(PickupSG.points), PreviewStart(PickupSG.address), Cancel()],
        ),
        Window(
            Format("🏁 Now: <b>{destination}</b>\nSend the new destination (2–100 characters)."),
            TextInput(id="dest", type_factory=trips.validate_destination, on_success=on_destination,
                      on_error=on_input_error),
            text_only_guard(),
            back_to_menu,
            getter=field_getter,
            state=EditTripSG.destination,
            preview_data=FIELD_PREVIEW,
            preview_add_transitions=[PreviewSwitchTo(EditTripSG.menu)],
        ),
        Window(
            Format("📅 Now: <b>{date}</b>\nPick the new day."),
            ClubCalendar(id="cal", on_click=on_date),
            back_to_menu,
            getter=field_getter,
            state=EditTripSG.date,
            preview_data=FIELD_PREVIEW,
            preview_add_transitions=[PreviewSwitchTo(EditTripSG.menu)],
        ),
        Window(
            Format("💺 Now: <b>{seats}</b> seats; {booked} booked, so no fewer than that."),
            Const("Tap a number or send one."),
            Group(
                Select(Format("{item}"), id="seats", item_id_getter=lambda n: n, items="choices",
                       on_click=on_seats_button),
                width=4,
            ),
            TextInput(id="seats_t", type_factory=trips.validate_seats, on_success=on_seats_typed,
                      on_error=on_input_error),
            text_only_guard(),
            back_to_menu,
            getter=field_getter,
            state=EditTripSG.seats,
            preview_data=FIELD_PREVIEW,
            preview_add_transitions=[PreviewSwitchTo(EditTripSG.menu)],
        ),
        Window(
            Format("💬 Now: <i>{comment}</i>\nSend the new comment (up to 500 characters)."),
            TextInput(id="comment", type_factory=trips.validate_comment, on_success=on_comment,
                      on_error=on_input_error),
            text_only_guard(),
            Row(back_to_menu, Button(Const("🧹 No comment"), id="clear", on_click=on_clear_comment)),
            getter=field_getter,
            state=EditTripSG.comment,
            preview_data=FIELD_PREVIEW,
            preview_add_transitions=[PreviewSwitchTo(EditTripSG.menu)],
        ),
        Window(
            Format("⚠️ Removing that pickup point costs {count} passenger(s) their seat: <b>{names}</b>."),
            Const("They will be told why. Go ahead?"),
            Row(back_to_menu, Button(Const("✅ Yes, remove"), id="yes", on_click=on_removal_confirmed)),
            getter=remove_getter,
            state=EditTripSG.remove_confirm,
            preview_data={"names": "Ann Smith, Bob Jones", "count": 2},
            preview_add_transitions=[PreviewSwitchTo(EditTripSG.menu), Cancel()],
        ),
        Window(
            Format("❌ <b>Cancel the trip</b> {title}?"),
            Format("{count} passenger(s) will be told.", when="count"),
            Const("Send a short reason (optional), or continue without one."),
            TextInput(id="reason", type_factory=manage.validate_reason, on_success=on_reason,
                      on_error=on_input_error),
            text_only_guard(),
            Row(Cancel(BACK, id="back"), Button(Const("➡️ Without a reason"), id="noreason", on_click=on_no_reason)),
            getter=cancel_getter,
            state=EditTripSG.cancel,
            preview_data={"title": "Riverside Arena, Sat 05 Dec 2026", "count": 2, "reason": "—"},
            preview_add_transitions=[PreviewSwitchTo(EditTripSG.cancel_confirm)],
        ),
        Window(
            Format("Cancel {title} for good? Reason: <i>{reason}</i>"),
            Row(
                SwitchTo(BACK, id="back", state=EditTripSG.cancel),
                Button(Const("❌ Yes, cancel the trip"), id="yes", on_click=on_cancel_confirmed),
            ),
            getter=cancel_getter,
            state=EditTripSG.cancel_confirm,
            preview_data={"title": "Riverside Arena, Sat 05 Dec 2026", "count": 2, "reason": "the game was moved"},
            preview_add_transitions=[Cancel()],
        ),
        on_start=on_dialog_start,
    )
