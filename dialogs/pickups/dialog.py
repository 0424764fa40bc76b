"""The pickup-points editor: a list, and an address then a time for each new or changed point.

The points being edited live in `dialog_data` (the list the sub-dialog returns); the address
being typed is held by its widget until the time completes the point. Every fixed jump is a
widget; handlers only check and store.

A trip to a club event (issue #21) is opened with a suggested time (`suggested`, "HH:MM": a
while before the event starts, `models.events.suggested_pickup`) and the event's start
(`starts`): the time step offers the suggestion as one button.

The way back (issue #22) edits its drop-off points here too: opened with `mode="dropoff"` and
the time the car leaves (`after`, "HH:MM"), it speaks of drop-off points, refuses a time not
after `after`, and keeps one place of the trip's `PICKUPS_MAX` for the departure point (the
first point of a return leg). Its result says so: `{"action": "done", "points": [...],
"mode": "dropoff"}`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, time

from aiogram import F
from aiogram.types import CallbackQuery
from aiogram_dialog import Dialog, DialogManager, Window
from aiogram_dialog.widgets.kbd import Button, Next, Row, SwitchTo, TimeSelect
from aiogram_dialog.widgets.text import Format, Multi

from models import ValidationError, trips
from models.rules import PICKUPS_MAX, require_room_for_pickup

from ..common import club_tz, on_input_error, q
from ..i18n import T, tr_of
from ..states import PickupSG
from ..trips.render import button
from ..widgets import ItemSwitchTo, TextField, back, back_to, close, go_to

Point = dict  # {"address": str, "time": "HH:MM"} and whatever else the caller put in (an "id")
DROPOFF = "dropoff"  # the mode of the way back's drop-off points (issue #22)


async def start_pickups(manager: DialogManager, points: list[Point], day: str | None,
                        suggested: str | None = None, starts: str | None = None, *,
                        mode: str | None = None, after: str | None = None) -> None:
    await manager.start(PickupSG.points, data=pickups_data(points, day, suggested, starts, mode=mode, after=after))


def pickups_data(points: list[Point], day: str | None, suggested: str | None = None,
                 starts: str | None = None, *, mode: str | None = None, after: str | None = None) -> dict:
    """The sub-dialog's start data, for a `StartWithData` that opens it: with `suggested` (and
    the event's start, `starts`), both "HH:MM", the time step offers that time; `mode=DROPOFF`
    with `after` ("HH:MM", when the car leaves) edits the way back's drop-off points."""
    data = {"points": points, "day": day, "suggested": suggested, "starts": starts}
    if mode == DROPOFF:
        data.update(mode=DROPOFF, after=after)
    return data


async def on_start(start_data: dict | None, manager: DialogManager) -> None:
    data = start_data if isinstance(start_data, dict) else {}
    manager.dialog_data.update(points=_sorted(list(data.get("points") or [])), day=data.get("day"),
                               suggested=data.get("suggested"), starts=data.get("starts"),
                               mode=DROPOFF if data.get("mode") == DROPOFF else None, after=data.get("after"))
    if not manager.dialog_data["points"]:  # nothing to list yet: ask for the first address
        await manager.switch_to(PickupSG.address)


def _points(manager: DialogManager) -> list[Point]:
    return manager.dialog_data.setdefault("points", [])


def _sorted(points: list[Point]) -> list[Point]:
    return sorted(points, key=lambda p: p["time"])


def listing(points: list[Point]) -> str:
    return "\n".join(f"{i}. <b>{p['time']}</b> — {q(p['address'])}" for i, p in enumerate(points, 1))


def _editing(manager: DialogManager) -> Point | None:
    """The point being changed ("✏️ Change one"), or None when adding a new one."""
    index = manager.dialog_data.get("edit_index")
    points = _points(manager)
    return points[index] if index is not None and 0 <= index < len(points) else None


def _address(manager: DialogManager):
    return manager.find("addr")


def _dropoff(manager: DialogManager) -> bool:
    return manager.dialog_data.get("mode") == DROPOFF


def _room(manager: DialogManager) -> int:
    """Points this list may hold: a return leg's departure point takes one of the trip's."""
    return PICKUPS_MAX - 1 if _dropoff(manager) else PICKUPS_MAX


def _require_room(manager: DialogManager) -> None:
    """One more point fits (a stale "Add another" on a full list is refused)."""
    if not _dropoff(manager):
        require_room_for_pickup(len(_points(manager)))
    elif len(_points(manager)) >= _room(manager):
        raise ValidationError("pickups-dropoffs-too-many", most=_room(manager))


async def mode_getter(dialog_manager: DialogManager, **kwargs) -> dict:
    """Every window's words follow the mode: pickup points, or the way back's drop-off points."""
    return _mode_data(_dropoff(dialog_manager), dialog_manager.dialog_data.get("after") or "")


def _mode_data(dropoff: bool, after: str) -> dict:
    return {"dropoff": dropoff, "pickup": not dropoff, "after": after}


# --- the list -------------------------------------------------------------------------------


async def points_getter(dialog_manager: DialogManager, **kwargs) -> dict:
    return _points_data(_points(dialog_manager), _room(dialog_manager))


def _points_data(points: list[Point], room: int = PICKUPS_MAX) -> dict:
    return {
        "listing": listing(points),
        "can_add": len(points) < room,
        "has_points": bool(points),
        "items": [(i, button(f"❌ {p['time']}", p["address"])) for i, p in enumerate(points)],
        "change_items": [(i, button(f"✏️ {p['time']}", p["address"])) for i, p in enumerate(points)],
    }


async def on_add(event: CallbackQuery, button, manager: DialogManager) -> None:
    _require_room(manager)  # a stale "Add another" on a full list
    manager.dialog_data.pop("edit_index", None)
    _address(manager).widget.set_widget_data(manager, None)


async def on_done(event: CallbackQuery, button, manager: DialogManager) -> None:
    """The points, sorted by time, to the dialog that started this one (which may tell the modes
    apart by the result's "mode")."""
    result = {"action": "done", "points": _sorted(_points(manager))}
    if _dropoff(manager):
        result["mode"] = DROPOFF
    await manager.done(result)


async def on_remove(event: CallbackQuery, widget, manager: DialogManager, index: int) -> None:
    points = _points(manager)
    if 0 <= index < len(points):
        removed = points.pop(index)
        await event.answer(tr_of(manager)("pickups-removed", time=removed["time"], address=removed["address"][:60]))


async def on_change(event: CallbackQuery, widget, manager: DialogManager, index: int) -> None:
    if not 0 <= index < len(_points(manager)):
        raise ValidationError("pickups-gone")
    manager.dialog_data["edit_index"] = index
    _address(manager).widget.set_widget_data(manager, None)


# --- one point: its address, then its time ----------------------------------------------------


async def address_getter(dialog_manager: DialogManager, **kwargs) -> dict:
    point = _editing(dialog_manager)
    points = _points(dialog_manager)
    return {
        "number": str(len(points) + 1),
        "editing": point is not None,
        "adding": point is None,
        "current": q(point["address"]) if point else "",
        "listed": bool(points),
        "first": not points,
    }


async def on_keep_address(event: CallbackQuery, button, manager: DialogManager) -> None:
    point = _editing(manager)
    if point is None:
        raise ValidationError("pickups-address-missing")
    _address(manager).widget.set_widget_data(manager, point["address"])


async def time_getter(dialog_manager: DialogManager, **kwargs) -> dict:
    data = dialog_manager.dialog_data
    day, point = data.get("day"), _editing(dialog_manager)
    return {
        "editing": point is not None,
        "current": point["time"] if point else "",
        "address": q(_address(dialog_manager).get_value() or ""),
        "today": bool(day) and date.fromisoformat(day) == trips.local_today(club_tz(dialog_manager)),
        # an event's trip: a time before its start, one tap (not when changing a point: "Keep" is there)
        "suggested": (data.get("suggested") or "") if point is None else "",
        "starts": data.get("starts") or "",
    }


async def save_point(event, widget, manager: DialogManager, at: time) -> None:
    """The address typed before and this time make a point (or change the one being edited).
    Refused, with the reason, when the time has passed today or the list is full."""
    day, after = manager.dialog_data.get("day"), manager.dialog_data.get("after")
    trips.validate_pickup_time(date.fromisoformat(day) if day else None, at, club_tz(manager))
    if _dropoff(manager) and after and at <= time.fromisoformat(after):
        raise ValidationError("pickups-dropoff-too-early", after=after)
    address = _address(manager).get_value()
    if address is None:  # a stale time window: the address step was left meanwhile
        raise ValidationError("pickups-address-first")
    points, point = _points(manager), _editing(manager)
    if point is not None:  # a changed point keeps its identity (and its passengers)
        point.update(address=address, time=at.strftime("%H:%M"))
    else:
        _require_room(manager)
        points.append({"address": address, "time": at.strftime("%H:%M")})
    manager.dialog_data.pop("edit_index", None)
    manager.dialog_data["points"] = _sorted(points)
    _address(manager).widget.set_widget_data(manager, None)


to_the_list = go_to(PickupSG.points, save_point)


def when_both_picked(then: Callable) -> Callable:
    """A TimeSelect's `on_value_changed`: the hour, then the minute; when both are there the
    picker is cleared and `then(event, widget, manager, at)` takes the time."""

    async def handler(event: CallbackQuery, widget, manager: DialogManager, at: time | None) -> None:
        if at is None:
            return
        widget.widget.set_widget_data(manager, [None, None])
        await then(event, widget, manager, at)

    return handler


on_time_picked = when_both_picked(to_the_list)  # the point is saved when both are there


async def on_keep_time(event: CallbackQuery, button, manager: DialogManager) -> None:
    point = _editing(manager)
    if point is None:
        raise ValidationError("pickups-time-missing")
    await save_point(event, button, manager, time.fromisoformat(point["time"]))


async def on_suggested_time(event: CallbackQuery, button, manager: DialogManager) -> None:
    """The time suggested for an event's trip (refused like a typed one: passed today)."""
    suggested = manager.dialog_data.get("suggested")
    if not suggested:
        raise ValidationError("pickups-time-missing")
    await save_point(event, button, manager, time.fromisoformat(suggested))


PREVIEW_POINTS = [
    {"address": "Central Station, north exit", "time": "17:45"},
    {"address": "Oak Street 12", "time": "18:00"},
    {"address": "Sports centre car park", "time": "18:10"},
]
POINTS_PREVIEW = _points_data(PREVIEW_POINTS)


def said(key: str, when=None) -> Multi:
    """The text `key` of the pickup mode, or `pickups-dropoff-…` (the same text of the way
    back's drop-off points) in the drop-off mode."""
    dropoff_key = key.replace("pickups-", "pickups-dropoff-", 1)
    both = F["pickup"], F["dropoff"]
    if when is not None:
        both = tuple(mode & F[when] for mode in both)
    return Multi(T(key, when=both[0]), T(dropoff_key, when=both[1]), sep="")


def _list_windows() -> list[Window]:
    return [
        Window(
            said("pickups-list-title"),
            Format("{listing}"),  # times and addresses
            T("pickups-list-hint"),
            Row(
                SwitchTo(T("pickups-add"), id="add", state=PickupSG.address, on_click=on_add, when="can_add"),
                SwitchTo(T("pickups-change"), id="chg", state=PickupSG.change, when="has_points"),
                SwitchTo(T("pickups-remove"), id="rm", state=PickupSG.remove, when="has_points"),
            ),
            Button(T("pickups-done"), id="done", on_click=on_done, when="has_points"),
            close(),
            getter=points_getter,
            state=PickupSG.points,
            preview_data=POINTS_PREVIEW,
        ),
        _pick_window("pickups-remove-question", PickupSG.remove,
                     ItemSwitchTo("rmsel", "items", PickupSG.points, on_click=on_remove)),
        _pick_window("pickups-change-question", PickupSG.change,
                     ItemSwitchTo("chsel", "change_items", PickupSG.address, on_click=on_change)),
    ]


def _pick_window(question: str, state, pick: ItemSwitchTo) -> Window:
    """One point picked from the list (to remove, to change; `question`: a catalog key); Back
    returns to the list."""
    return Window(
        said(question),
        pick,
        back_to(PickupSG.points),
        getter=points_getter,
        state=state,
        preview_data=POINTS_PREVIEW,
    )


def _point_windows() -> list[Window]:
    return [
        Window(
            said("pickups-address-new", when="adding"),
            said("pickups-address-change", when="editing"),
            TextField(id="addr", type_factory=trips.validate_address, on_success=Next(id="addr_ok"),
                      on_error=on_input_error),
            Next(T("pickups-keep-address"), id="keep", on_click=on_keep_address, when="editing"),
            Row(back_to(PickupSG.points), when="listed"),
            close("back_out", when="first"),
            getter=address_getter,
            state=PickupSG.address,
            preview_data={"number": "4", "editing": False, "adding": True, "current": "", "listed": True,
                          "first": False},
        ),
        Window(
            said("pickups-time-question"),
            T("pickups-time-hint"),
            T("pickups-time-today", when="today"),
            T("pickups-dropoff-time-after", when="dropoff"),
            T("pickups-time-suggested", when=F["suggested"] & F["starts"]),
            TextField(id="time", type_factory=trips.parse_time, on_success=to_the_list, on_error=on_input_error),
            TimeSelect(id="tsel", on_value_changed=on_time_picked, hour_header=T("pickups-hour"),
                       minute_header=T("pickups-minute")),
            SwitchTo(T("pickups-keep-time"), id="keep", state=PickupSG.points, on_click=on_keep_time,
                     when="editing"),
            SwitchTo(T("pickups-use-suggested"), id="suggested", state=PickupSG.points, on_click=on_suggested_time,
                     when="suggested"),
            back(),
            getter=time_getter,
            state=PickupSG.time,
            preview_data={"address": "Oak Street 12", "today": False, "editing": True, "current": "18:00",
                          "suggested": "17:15", "starts": "18:00"},
        ),
    ]


def build_pickups_dialog() -> Dialog:
    points, *pickers = _list_windows()
    # in this order: the time's Back is the address, the address's Next is the time
    return Dialog(points, *_point_windows(), *pickers, on_start=on_start, getter=mode_getter,
                  preview_data=_mode_data(False, ""))
