"""Drivers edit or cancel their trip.

Edit: the menu shows the pending changes as a diff against the trip as it was when the
editor opened; only Confirm writes (models.manage.apply_edit: one transaction with the
passengers' notifications), checked against that version of the trip, so a change made on
another screen meanwhile is refused with the fresh state. Typed values stay in their
widgets (destination, comment; the seats in a Radio that a typed number also sets); what
no widget holds (the date picked, the pickups the sub-dialog returned, the time shift) is
kept in `dialog_data["pending"]` as JSON values. Fixed jumps are widgets; a refused input
keeps its window.

Cancel: one window; a reason may be typed there before "Yes". A trip with a way back, or a way
back whose way there is still to come (issue #22), asks in the same window whether the other
leg goes too: "❌ Cancel both ways" or "❌ Only the way there/back"; the reason goes with both.

Both open from the trip card with `{"trip_id": ...}` as start data (EditTripSG.menu to edit,
EditTripSG.cancel to cancel), for the trip's driver only; the operations check again.
"""

from __future__ import annotations

from datetime import date, datetime, time

from aiogram import F
from aiogram.types import CallbackQuery, Message
from aiogram_dialog import Data, Dialog, DialogManager, Window
from aiogram_dialog.widgets.input import ManagedTextInput
from aiogram_dialog.widgets.kbd import Button, Cancel, Group, ManagedCalendar, Radio, Row, Select, SwitchTo
from aiogram_dialog.widgets.text import Format

from models import TRIP_OPEN, Conflict, DomainError, ValidationError, manage, queries, trips
from models.base import utcnow

from ..common import club_tz, on_input_error, q, refresh_windows, short, show_error, tg_user_id, wake_notifier
from ..i18n import T, Tr, localized_preview, tr_of
from ..pickups import pickups_data
from ..states import EditTripSG, PickupSG
from ..widgets import (
    StartWithData, TextField, back_to, close, confirm_window, go_to, quit_without_saving,
)
from ..wizard.dialog import ClubCalendar

SHIFTS = [-15, 15, 30]  # minutes; taps add up
# Characters of one value in the diff: ten changed pickup points with 200-character addresses
# passed Telegram's 4096 and the window could not be shown.
DIFF_VALUE_MAX = 100  # the destination's own maximum
DIFF_COMMENT_MAX = 150


def _trip_id(manager: DialogManager) -> int:
    return int(manager.start_data["trip_id"])


def _load_base(manager: DialogManager) -> None:
    """Start (again) from the trip as it is now: no changes, no typed values."""
    card = queries.trip_card(_trip_id(manager), tg_user_id(manager))
    manager.current_context().widget_data.clear()
    manager.dialog_data.clear()
    manager.dialog_data.update(base_version=card.trip.version, pending={}, current={
        "destination": card.trip.destination,
        "date": card.trip.departure_date.isoformat(),
        "seats": card.trip.seats,
        "comment": card.trip.comment,
        "pickups": [{"id": v.point.id, "address": v.point.address, "time": f"{v.point.time:%H:%M}"}
                    for v in card.points],
        "booked": card.taken,
    })


async def on_dialog_start(start_data: dict | None, manager: DialogManager) -> None:
    if manager.current_context().state == EditTripSG.menu:
        _load_base(manager)


def _pending(manager: DialogManager) -> dict:
    return manager.dialog_data.setdefault("pending", {})


def _point_edits(points: list[dict]) -> list[manage.PointEdit]:
    return [manage.PointEdit(p.get("id"), p["address"], time.fromisoformat(p["time"])) for p in points]


def _edit(manager: DialogManager) -> manage.TripEdit:
    """The pending changes, read from the widgets and `pending`."""
    pending = _pending(manager)
    return manage.TripEdit(
        destination=manager.find("dest").get_value(),
        departure_date=date.fromisoformat(pending["date"]) if "date" in pending else None,
        seats=manager.find("seats").get_checked(),
        comment=manager.find("comment").get_value(),
        pickups=_point_edits(pending["pickups"]) if "pickups" in pending else None,
        shift_minutes=pending.get("shift", 0),
    )


def _points(manager: DialogManager) -> list[manage.PointEdit]:
    """The pickups as the edit leaves them (without the shift)."""
    pending = _pending(manager)
    return _point_edits(pending["pickups"] if "pickups" in pending else manager.dialog_data["current"]["pickups"])


# --- the menu -----------------------------------------------------------------------------


async def menu_getter(dialog_manager: DialogManager, **kwargs) -> dict:
    plan = manage.plan_edit(tg_user_id(dialog_manager), _trip_id(dialog_manager), _edit(dialog_manager))
    current = dialog_manager.dialog_data["current"]
    return _menu_data(current["destination"], current["date"], plan, tr_of(dialog_manager))


# What changed: its label (a catalog key, also the menu's button), and how one of its values shows.
_FIELDS = {
    "destination": ("manage-field-destination", lambda v, tr: q(short(v, DIFF_VALUE_MAX))),
    "date": ("manage-field-date", lambda v, tr: tr.date(v)),
    "seats": ("manage-field-seats", lambda v, tr: str(v)),
    "comment": ("manage-field-comment", lambda v, tr: q(short(v or "—", DIFF_COMMENT_MAX))),
}


def _stop(point: manage.PointEdit, tr: Tr) -> str:
    return f"{tr.time(point.time)} {q(short(point.address, DIFF_VALUE_MAX))}"


def diff_line(change: manage.Change, tr: Tr | None = None) -> str:
    """One line of the edit's diff: "💺 Seats: 3 → 4", "📍 18:00 Station → 18:30 Station"."""
    tr = tr or tr_of()
    if change.what != "pickup":
        label, show = _FIELDS[change.what]
        return tr("manage-diff-field", field=tr(label), old=show(change.old, tr), new=show(change.new, tr))
    if change.old is None:
        return tr("manage-diff-pickup-new", stop=_stop(change.new, tr))
    if change.new is None:
        return tr("manage-diff-pickup-removed", stop=_stop(change.old, tr))
    return tr("manage-diff-pickup-moved", old=_stop(change.old, tr), new=_stop(change.new, tr))


def diff_lines(changes: list[manage.Change], tr: Tr | None = None) -> list[str]:
    tr = tr or tr_of()
    return [diff_line(c, tr) for c in changes]


def _shift_label(minutes: int, tr: Tr) -> str:
    """"🕘 −15 min", "🕘 +30 min"."""
    key = "manage-shift-earlier" if minutes < 0 else "manage-shift-later"
    return tr(key, minutes=str(abs(minutes)))


def _title(destination: str, day, tr: Tr) -> str:
    return f"{q(destination)}, {tr.date(day)}"


def _menu_data(destination: str, day: str, plan: manage.EditPlan, tr: Tr | None = None) -> dict:
    tr = tr or tr_of()
    changed = bool(plan.changes)
    return {
        "title": _title(destination, day, tr),
        "diff": "\n".join(diff_lines(plan.changes, tr)) if changed else tr("manage-no-changes"),
        "confirm": changed and not plan.removed_passengers,
        "confirm_removal": bool(plan.removed_passengers),
        "shifts": [(minutes, _shift_label(minutes, tr)) for minutes in SHIFTS],
    }


async def on_shift(event: CallbackQuery, widget, manager: DialogManager, minutes: int) -> None:
    """Move every pickup time; the taps add up. Refused at once if a time would leave the day."""
    total = _pending(manager).get("shift", 0) + minutes
    try:
        manage.shift_points(_points(manager), total)
    except ValidationError as exc:
        await show_error(event, exc)
        return
    _pending(manager)["shift"] = total


def _pickups_start(manager: DialogManager) -> dict:
    """The pickup editor gets the points as they will be, shift included, on the day they will be."""
    shown = manage.shift_points(_points(manager), _pending(manager).get("shift", 0))
    day = _pending(manager).get("date", manager.dialog_data["current"]["date"])
    return pickups_data([{"id": p.id, "address": p.address, "time": f"{p.time:%H:%M}"} for p in shown], day)


async def on_pickups_result(start_data: Data, result: Data, manager: DialogManager) -> None:
    if isinstance(result, dict) and result.get("action") == "done":  # "Back" returns nothing
        _pending(manager)["pickups"] = result["points"]
        _pending(manager).pop("shift", None)  # the points came back with it


async def on_confirm(event: CallbackQuery, button: Button, manager: DialogManager) -> None:
    if await _save(event, manager, lost=[]):
        await manager.done()


async def on_review_removal(event: CallbackQuery, button: Button, manager: DialogManager) -> None:
    """Whose seats the removal costs, as the driver is about to be told."""
    plan = manage.plan_edit(tg_user_id(manager), _trip_id(manager), _edit(manager))
    manager.dialog_data["lost"] = [u.telegram_id for u in plan.removed_passengers]


async def on_removal_confirmed(event: CallbackQuery, button: Button, manager: DialogManager) -> None:
    await _save(event, manager, lost=manager.dialog_data.get("lost", []))


async def _save(event: CallbackQuery, manager: DialogManager, lost: list[int]) -> bool:
    """Write the edit. Refused: say why, and after a conflict start again from the fresh state (the
    menu shows it; the removal window closes to the card, which shows it too)."""
    try:
        manage.apply_edit(tg_user_id(manager), _trip_id(manager), manager.dialog_data["base_version"],
                          _edit(manager), club_tz(manager), expected_losers=lost,
                          hold=manager.middleware_data["settings"].waitlist_hold
                          if manager.middleware_data.get("settings") else None)
    except DomainError as exc:
        await show_error(event, exc)
        if isinstance(exc, Conflict):
            _load_base(manager)  # the driver makes the changes again, on what the trip is now
        return False
    await event.answer(tr_of(manager)("manage-saved"))
    await _after_write(manager, lost)
    return True


async def _after_write(manager: DialogManager, lost: list[int]) -> None:
    """Nudge the notifier; redraw the windows the passengers (and those who lost their seat) may have open."""
    wake_notifier(manager)
    await refresh_windows(manager, queries.passenger_telegram_ids(_trip_id(manager)) + lost)


async def remove_getter(dialog_manager: DialogManager, **kwargs) -> dict:
    plan = manage.plan_edit(tg_user_id(dialog_manager), _trip_id(dialog_manager), _edit(dialog_manager))
    return _remove_data([u.name for u in plan.removed_passengers])


def _remove_data(names: list[str]) -> dict:
    return {"names": ", ".join(q(n) for n in names), "n": len(names)}


# --- the field steps ----------------------------------------------------------------------


async def field_getter(dialog_manager: DialogManager, **kwargs) -> dict:
    edit, current = _edit(dialog_manager), dialog_manager.dialog_data["current"]
    comment = edit.comment if edit.comment is not None else current["comment"]
    return _field_data(edit.destination or current["destination"], edit.departure_date or current["date"],
                       edit.seats or current["seats"], comment, current["booked"], tr_of(dialog_manager))


def _field_data(destination: str, day, seats: int, comment: str, booked: int, tr: Tr) -> dict:
    return {
        "destination": q(destination),
        "date": tr.date(day),
        "seats": seats,
        "comment": q(comment),
        "booked": booked,
        "choices": list(range(max(trips.SEATS_MIN, booked), trips.SEATS_MAX + 1)),
    }


async def take_date(event: CallbackQuery, widget: ManagedCalendar, manager: DialogManager, day: date) -> None:
    trips.validate_date(day, club_tz(manager))  # a stale or forged calendar press
    _pending(manager)["date"] = day.isoformat()


async def take_seats(message: Message, widget: ManagedTextInput, manager: DialogManager, seats: int) -> None:
    """A typed number sets the Radio the buttons set; never below the seats booked."""
    manage.require_seats_cover(manager.dialog_data["current"]["booked"], seats)
    await manager.find("seats").set_checked(seats)


async def on_clear_comment(event: CallbackQuery, button: Button, manager: DialogManager) -> None:
    manager.find("comment").widget.set_widget_data(manager, "")


# --- cancelling ---------------------------------------------------------------------------


async def cancel_getter(dialog_manager: DialogManager, **kwargs) -> dict:
    card = queries.trip_card(_trip_id(dialog_manager), tg_user_id(dialog_manager))
    return _cancel_data(card.trip.destination, card.trip.departure_date, card.taken,
                        dialog_manager.find("reason").get_value() or "", tr_of(dialog_manager),
                        _open_leg(card.other_leg))


def _open_leg(leg: queries.LegView | None) -> queries.LegView | None:
    """The other leg, when cancelling this one should ask about it: open and still to depart."""
    return leg if leg is not None and leg.status == TRIP_OPEN and leg.departs_at > utcnow() else None


def _cancel_data(destination: str, day, booked: int, reason: str, tr: Tr,
                 other: queries.LegView | None = None) -> dict:
    return {
        "title": _title(destination, day, tr),
        "n": booked,  # passengers told
        "reason": q(reason),
        # issue #22: the other leg, still to come ("back": this is the way there)
        "other": other is not None,
        "alone": other is None,
        "other_direction": other.direction if other else "",
        "other_when": f"{tr.day(other.departure_date)} {tr.time(other.time)}".strip() if other else "",
        "other_place": q(other.place) if other else "",
    }


async def on_cancel_confirmed(event: CallbackQuery, button: Button, manager: DialogManager) -> None:
    """Cancel the trip (with "❌ Cancel both ways", its other leg too, after it); the dialog
    closes either way (refused: the alert says why)."""
    actor, reason = tg_user_id(manager), manager.find("reason").get_value() or ""
    trip_id = _trip_id(manager)
    try:
        if button.widget_id == "yes_both":  # both or neither, in one transaction
            cancelled = [t.id for t in manage.cancel_both(actor, trip_id, reason)]
        else:
            cancelled = [manage.cancel_trip(actor, trip_id, reason).id]
    except DomainError as exc:
        await show_error(event, exc)
        return
    for other in (t for t in cancelled if t != trip_id):
        await refresh_windows(manager, queries.passenger_telegram_ids(other))
    await event.answer(tr_of(manager)("manage-cancelled"))
    await _after_write(manager, [])


# --- the dialog ---------------------------------------------------------------------------



PREVIEW_LEG = queries.LegView(trip_id=43, direction="back", departure_date=date(2026, 12, 5), time=time(21, 30),
                               place="Riverside Arena", seats_left=2, status=TRIP_OPEN,
                               departs_at=datetime(2026, 12, 5, 20, 30))
PREVIEW_PLAN = manage.EditPlan(changes=[
    manage.Change("seats", 3, 4),
    manage.Change("pickup", manage.PointEdit(1, "Central Station, north exit", time(17, 45)),
                  manage.PointEdit(1, "Central Station, north exit", time(18, 15))),
])
FIELD_PREVIEW = localized_preview(
    lambda tr: _field_data("Riverside Arena", "2026-12-05", 3, "Bring the ball bag, please.", 2, tr))


def _menu_window() -> Window:
    to = EditTripSG
    return Window(
        T("manage-edit-title") + "\n",
        Format("{diff}"),
        "\n" + T("manage-shift-hint"),
        Row(
            SwitchTo(T("manage-field-destination"), id="e_dest", state=to.destination),
            SwitchTo(T("manage-field-date"), id="e_date", state=to.date),
            SwitchTo(T("manage-field-seats"), id="e_seats", state=to.seats),
        ),
        Row(
            StartWithData(T("manage-field-pickups"), "e_pick", PickupSG.points, data=_pickups_start),
            SwitchTo(T("manage-field-comment"), id="e_comm", state=to.comment),
        ),
        Select(Format("{item[1]}"), id="shift", item_id_getter=lambda item: item[0], items="shifts",
               type_factory=int, on_click=on_shift),
        Row(
            quit_without_saving(),
            Button(T("manage-confirm"), id="confirm", on_click=on_confirm, when="confirm"),
            SwitchTo(T("manage-confirm"), id="confirm_rm", state=to.remove_confirm, on_click=on_review_removal,
                     when="confirm_removal"),
        ),
        getter=menu_getter,
        state=to.menu,
        on_process_result=on_pickups_result,
        preview_data=localized_preview(lambda tr: _menu_data("Riverside Arena", "2026-12-05", PREVIEW_PLAN, tr)),
    )


def _field_windows() -> list[Window]:
    to_menu = back_to(EditTripSG.menu)  # also what a valid typed value does
    fields = dict(getter=field_getter, preview_data=FIELD_PREVIEW)
    return [
        Window(
            T("manage-destination-now"),
            TextField(id="dest", type_factory=trips.validate_destination, on_success=to_menu, on_error=on_input_error),
            to_menu,
            state=EditTripSG.destination, **fields,
        ),
        Window(
            T("manage-date-now"),
            ClubCalendar(id="cal", on_click=go_to(EditTripSG.menu, take_date)),
            to_menu,
            state=EditTripSG.date, **fields,
        ),
        Window(
            T("manage-seats-now"),
            T("manage-seats-hint"),
            # a forged number is refused by the type factory (ValidationError, answered by bot/app.py)
            # before the Radio keeps it; one below the seats booked, by the edit when it is saved
            Group(Radio(Format("✔️ {item}"), Format("{item}"), id="seats", item_id_getter=lambda n: n, items="choices",
                        type_factory=trips.validate_seats, on_click=to_menu), width=4),
            TextField(id="seats_t", type_factory=trips.validate_seats, on_success=go_to(EditTripSG.menu, take_seats),
                      on_error=on_input_error),
            to_menu,
            state=EditTripSG.seats, **fields,
        ),
        Window(
            T("manage-comment-now", when="comment"),
            T("manage-comment-none", when=~F["comment"]),
            T("manage-comment-hint"),
            TextField(id="comment", type_factory=trips.validate_comment, on_success=to_menu, on_error=on_input_error),
            Row(to_menu, SwitchTo(T("manage-comment-clear"), id="clear", state=EditTripSG.menu,
                                  on_click=on_clear_comment)),
            state=EditTripSG.comment, **fields,
        ),
    ]


def _cancel_window() -> Window:
    return Window(
        T("manage-cancel-title"),
        T("manage-cancel-told", when="n"),
        T("manage-cancel-other", when="other"),  # issue #22
        T("manage-cancel-reason", when="reason"),
        T("manage-cancel-hint", when=~F["reason"] & F["alone"]),
        T("manage-cancel-hint-both", when=~F["reason"] & F["other"]),
        TextField(id="reason", type_factory=manage.validate_reason, on_error=on_input_error),
        Row(close(), Cancel(T("manage-cancel-yes"), id="yes", on_click=on_cancel_confirmed), when="alone"),
        Group(Cancel(T("manage-cancel-both"), id="yes_both", on_click=on_cancel_confirmed),
              Cancel(T("manage-cancel-only"), id="yes_one", on_click=on_cancel_confirmed),
              close(), when="other"),
        getter=cancel_getter,
        state=EditTripSG.cancel,
        preview_data=localized_preview(lambda tr: _cancel_data("Riverside Arena", "2026-12-05", 2, "the game was moved",
                                                               tr, PREVIEW_LEG)),
    )


def build_edit_dialog() -> Dialog:
    return Dialog(
        _menu_window(),
        *_field_windows(),
        confirm_window(
            T("manage-remove-confirm"),
            Cancel(T("manage-remove-yes"), id="yes", on_click=on_removal_confirmed),
            EditTripSG.remove_confirm,
            no=back_to(EditTripSG.menu),
            getter=remove_getter,
            preview_data=_remove_data(["Ann Smith", "Bob Jones"]),
        ),
        _cancel_window(),
        on_start=on_dialog_start,
    )
