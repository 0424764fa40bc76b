from __future__ import annotations

from datetime import date, time

from aiogram.types import CallbackQuery, Message
from aiogram_dialog import Dialog, DialogManager, Window
from aiogram_dialog.widgets.input import ManagedTextInput, TextInput
from aiogram_dialog.widgets.kbd import Button, Cancel, Column, ManagedTimeSelect, Row, Select, SwitchTo, TimeSelect
from aiogram_dialog.widgets.text import Const, Format

from models import ValidationError, trips

from ..common import BACK, PreviewSwitchTo, club_tz, on_input_error, q, text_only_guard
from ..states import PickupSG

Point = dict  # {"address": str, "time": "HH:MM"}


async def start_pickups(manager: DialogManager, points: list[Point], day: str | None) -> None:
    first = PickupSG.points if points else PickupSG.address
    await manager.start(first, data={"points": points, "day": day})


def _points(manager: DialogManager) -> list[Point]:
    return manager.dialog_data.setdefault("points", [])


def _sorted(points: list[Point]) -> list[Point]:
    return sorted(points, key=lambda p: p["time"])


async def on_start(start_data: dict | None, manager: DialogManager) -> None:
    data = start_data or {}
    manager.dialog_data["points"] = _sorted(list(data.get("points") or []))
    manager.dialog_data["day"] = data.get("day")


async def _finish(manager: DialogManager, action: str) -> None:
    await manager.done({"action": action, "points": _sorted(_points(manager))})


def _listing(points: list[Point]) -> str:
    return "\n".join(f"{i}. <b>{p['time']}</b> — {q(p['address'])}" for i, p in enumerate(points, 1))


async def points_getter(dialog_manager: DialogManager, **kwargs) -> dict:
    points = _points(dialog_manager)
    return {
        "listing": _listing(points) or "No pickup points yet.",
        "count": len(points),
        "can_add": len(points) < trips.PICKUPS_MAX,
        "has_points": bool(points),
        "items": [(i, f"❌ {p['time']} {p['address'][:40]}") for i, p in enumerate(points)],
        "change_items": [(i, f"✏️ {p['time']} {p['address'][:40]}") for i, p in enumerate(points)],
        "max": trips.PICKUPS_MAX,
    }


async def on_add(event: CallbackQuery, button: Button, manager: DialogManager) -> None:
    if len(_points(manager)) >= trips.PICKUPS_MAX:
        await event.answer(f"A trip can have at most {trips.PICKUPS_MAX} pickup points.", show_alert=True)
        return
    await manager.switch_to(PickupSG.address)


async def on_done(event: CallbackQuery, button: Button, manager: DialogManager) -> None:
    if not _points(manager):
        await event.answer("Add at least one pickup point.", show_alert=True)
        return
    await _finish(manager, "done")


async def on_back_from_points(event: CallbackQuery, button: Button, manager: DialogManager) -> None:
    await _finish(manager, "back")


async def on_cancel(event: CallbackQuery, button: Button, manager: DialogManager) -> None:
    await _finish(manager, "cancel")


def _editing(manager: DialogManager) -> Point | None:
    """The point being changed ("✏️ Change one"), or None when adding a new one."""
    index = manager.dialog_data.get("edit_index")
    points = _points(manager)
    return points[index] if index is not None and 0 <= index < len(points) else None


async def on_address(message: Message, widget: ManagedTextInput, manager: DialogManager, address: str) -> None:
    if _editing(manager) is None and len(_points(manager)) >= trips.PICKUPS_MAX:
        await message.answer(f"⚠️ A trip can have at most {trips.PICKUPS_MAX} pickup points.")
        await manager.switch_to(PickupSG.points)
        return
    manager.dialog_data["address"] = address
    await manager.switch_to(PickupSG.time)


async def on_keep_address(event: CallbackQuery, button: Button, manager: DialogManager) -> None:
    point = _editing(manager)
    if point is None:
        await manager.switch_to(PickupSG.points)
        return
    manager.dialog_data["address"] = point["address"]
    await manager.switch_to(PickupSG.time)


async def on_keep_time(event: CallbackQuery, button: Button, manager: DialogManager) -> None:
    point = _editing(manager)
    if point is None:
        await manager.switch_to(PickupSG.points)
        return
    await _add_point(manager, time.fromisoformat(point["time"]))


async def on_change(event: CallbackQuery, widget, manager: DialogManager, item_id: str) -> None:
    index = int(item_id)
    if not 0 <= index < len(_points(manager)):
        await manager.switch_to(PickupSG.points)
        return
    manager.dialog_data["edit_index"] = index
    await manager.switch_to(PickupSG.address)


async def on_back_from_address(event: CallbackQuery, button: Button, manager: DialogManager) -> None:
    manager.dialog_data.pop("edit_index", None)
    if _points(manager):
        await manager.switch_to(PickupSG.points)
    else:
        await _finish(manager, "back")


async def address_getter(dialog_manager: DialogManager, **kwargs) -> dict:
    point = _editing(dialog_manager)
    return {
        "number": len(_points(dialog_manager)) + 1,
        "editing": point is not None,
        "adding": point is None,
        "current": q(point["address"]) if point else "",
    }


async def time_getter(dialog_manager: DialogManager, **kwargs) -> dict:
    day = dialog_manager.dialog_data.get("day")
    point = _editing(dialog_manager)
    return {
        "editing": point is not None,
        "current": point["time"] if point else "",
        "address": q(dialog_manager.dialog_data.get("address", "")),
        "today_note": "\n(The trip is today: pick a time still ahead.)"
        if day and date.fromisoformat(day) == trips.local_today(club_tz(dialog_manager))
        else "",
    }


def _check_time(manager: DialogManager, at: time) -> time:
    day = manager.dialog_data.get("day")
    return trips.validate_pickup_time(date.fromisoformat(day) if day else None, at, club_tz(manager))


async def _add_point(manager: DialogManager, at: time) -> None:
    address = manager.dialog_data.pop("address", None)
    if address is None:  # a stale time window: the address step was left meanwhile
        await manager.switch_to(PickupSG.address)
        return
    points = _points(manager)
    point = _editing(manager)
    if point is not None:  # a changed point keeps its identity (and its passengers)
        point.update(address=address, time=at.strftime("%H:%M"))
    else:
        points.append({"address": address, "time": at.strftime("%H:%M")})
    manager.dialog_data.pop("edit_index", None)
    manager.dialog_data["points"] = _sorted(points)
    await manager.switch_to(PickupSG.points)


async def on_time_typed(message: Message, widget: ManagedTextInput, manager: DialogManager, at: time) -> None:
    try:
        _check_time(manager, at)
    except ValidationError as exc:
        await message.answer(f"⚠️ {q(str(exc))}")
        return
    await _add_point(manager, at)


async def on_time_picked(event: CallbackQuery, widget: ManagedTimeSelect, manager: DialogManager, at: time | None) -> None:
    if at is None:  # only the hour or only the minute so far
        return
    try:
        _check_time(manager, at)
    except ValidationError as exc:
        await event.answer(str(exc), show_alert=True)
        return
    widget.widget.set_widget_data(manager, [None, None])
    await _add_point(manager, at)


async def on_remove(event: CallbackQuery, widget, manager: DialogManager, item_id: str) -> None:
    points = _points(manager)
    index = int(item_id)
    if 0 <= index < len(points):
        removed = points.pop(index)
        await event.answer(f"Removed {removed['time']} {removed['address'][:60]}")
    await manager.switch_to(PickupSG.points)


PREVIEW_POINTS = [
    {"address": "Central Station, north exit", "time": "17:45"},
    {"address": "Oak Street 12", "time": "18:00"},
    {"address": "Sports centre car park", "time": "18:10"},
]
POINTS_PREVIEW = {
    "listing": _listing(PREVIEW_POINTS),
    "count": 3,
    "can_add": True,
    "has_points": True,
    "items": [(i, f"❌ {p['time']} {p['address']}") for i, p in enumerate(PREVIEW_POINTS)],
    "change_items": [(i, f"✏️ {p['time']} {p['address']}") for i, p in enumerate(PREVIEW_POINTS)],
    "max": trips.PICKUPS_MAX,
}

def _cancel() -> Button:
    return Button(Const("✖️ Cancel"), id="pcancel", on_click=on_cancel)


def build_pickups_dialog() -> Dialog:
    return Dialog(
        Window(
            Const("📍 <b>Pickup points</b> (in time order):"),
            Format("{listing}"),
            Const("\nAdd another, remove one, or tap Done."),
            Row(
                Button(Const("➕ Add another"), id="add", on_click=on_add, when="can_add"),
                SwitchTo(Const("✏️ Change one"), id="chg", state=PickupSG.change, when="has_points"),
                SwitchTo(Const("➖ Remove one"), id="rm", state=PickupSG.remove, when="has_points"),
            ),
            Button(Const("✅ Done"), id="done", on_click=on_done, when="has_points"),
            Row(Button(BACK, id="back", on_click=on_back_from_points), _cancel()),
            getter=points_getter,
            state=PickupSG.points,
            preview_data=POINTS_PREVIEW,
            preview_add_transitions=[PreviewSwitchTo(PickupSG.address), Cancel()],
        ),
        Window(
            Format("📍 Pickup point {number}: send the <b>address</b> (2–200 characters).", when="adding"),
            Format("📍 Send the new <b>address</b> for this pickup point (now: <i>{current}</i>).", when="editing"),
            TextInput(id="addr", type_factory=trips.validate_address, on_success=on_address, on_error=on_input_error),
            text_only_guard(),
            Button(Const("➡️ Keep this address"), id="keep", on_click=on_keep_address, when="editing"),
            Row(Button(BACK, id="back", on_click=on_back_from_address), _cancel()),
            getter=address_getter,
            state=PickupSG.address,
            preview_data={"number": 4, "editing": False, "adding": True, "current": ""},
            preview_add_transitions=[PreviewSwitchTo(PickupSG.time), PreviewSwitchTo(PickupSG.points), Cancel()],
        ),
        Window(
            Format("🕒 Pickup time at <b>{address}</b>?"),
            Const("Type it (18:30, 9:05, 18.30) or tap the hour, then the minute."),
            Format("{today_note}", when="today_note"),
            TextInput(id="time", type_factory=trips.parse_time, on_success=on_time_typed, on_error=on_input_error),
            text_only_guard(),
            TimeSelect(id="tsel", on_value_changed=on_time_picked, hour_header=Const("— hour —"),
                       minute_header=Const("— minute —")),
            Button(Format("➡️ Keep {current}"), id="keep", on_click=on_keep_time, when="editing"),
            Row(SwitchTo(BACK, id="back", state=PickupSG.address), _cancel()),
            getter=time_getter,
            state=PickupSG.time,
            preview_data={"address": "Oak Street 12", "today_note": "", "editing": True, "current": "18:00"},
            preview_add_transitions=[PreviewSwitchTo(PickupSG.points), PreviewSwitchTo(PickupSG.address), Cancel()],
        ),
        Window(
            Const("Which pickup point should go?"),
            Column(
                Select(Format("{item[1]}"), id="rmsel", item_id_getter=lambda item: item[0], items="items",
                       on_click=on_remove),
            ),
            SwitchTo(BACK, id="back", state=PickupSG.points),
            getter=points_getter,
            state=PickupSG.remove,
            preview_data=POINTS_PREVIEW,
            preview_add_transitions=[PreviewSwitchTo(PickupSG.points)],
        ),
        Window(
            Const("Which pickup point do you want to change?"),
            Column(
                Select(Format("{item[1]}"), id="chsel", item_id_getter=lambda item: item[0], items="change_items",
                       on_click=on_change),
            ),
            SwitchTo(BACK, id="back", state=PickupSG.points),
            getter=points_getter,
            state=PickupSG.change,
            preview_data=POINTS_PREVIEW,
            preview_add_transitions=[PreviewSwitchTo(PickupSG.address)],
        ),
        on_start=on_start,
    )
