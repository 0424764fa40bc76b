"""The trip wizard: template → destination → date → seats → pickups → comment → summary.

Everything lives in `dialog_data` as JSON values until Confirm, which calls
`models.trips.create_trip` (one transaction). Back on every step keeps the
values; a step opened from the summary returns to the summary.
"""

from __future__ import annotations

from datetime import date, time

import sentry_sdk
from aiogram.types import CallbackQuery, Message
from aiogram_dialog import Data, Dialog, DialogManager, StartMode, Window
from aiogram_dialog.widgets.input import ManagedTextInput, TextInput
from aiogram_dialog.widgets.kbd import (
    Button, Calendar, CalendarUserConfig, Cancel, Column, Group, ManagedCalendar, Row, Select, Start,
)
from aiogram_dialog.widgets.text import Const, Format

from models import DomainError, ValidationError, trips

from ..common import (
    BACK, PreviewStart, PreviewSwitchTo, acting_user, club_tz, fmt_date, on_input_error, q, show_error,
    text_only_guard, tg_user_id,
)
from ..pickups import start_pickups
from ..pickups.dialog import PREVIEW_POINTS, _listing
from ..states import MainSG, NewTripSG, PickupSG, SaveTemplateSG

FIELDS = ("destination", "date", "seats", "pickups", "comment")


def draft_data(manager: DialogManager) -> dict:
    return manager.dialog_data


async def start_new_trip(manager: DialogManager, event: Message | CallbackQuery) -> None:
    """Open the wizard for a driver; a passenger is told how to become one."""
    user = acting_user(manager)
    if not user.is_driver:
        await show_error(event, "Only drivers create trips. Switch your role to driver with /switch_role.")
        return
    first = NewTripSG.template if trips.list_templates(user.telegram_id) else NewTripSG.destination
    await manager.start(first)


async def on_start(start_data: dict | None, manager: DialogManager) -> None:
    """`start_data`: {"mode": "template"} builds a template (no date, no trip);
    {"template_id": id} prefills everything but the date (the wizard opens on the date step)."""
    data = manager.dialog_data
    start = start_data if isinstance(start_data, dict) else {}
    data.update({"pickups": [], "comment": "", "editing": False, "mode": start.get("mode", "trip")})
    data["has_templates"] = bool(trips.list_templates(tg_user_id(manager)))
    if start.get("template_id") is not None:
        data.update(trips.template_draft(tg_user_id(manager), int(start["template_id"])),
                    template_id=int(start["template_id"]))


def _for_template(manager: DialogManager) -> bool:
    return manager.dialog_data.get("mode") == "template"


def _day(manager: DialogManager) -> str | None:
    """The trip's date for the pickup sub-dialog (templates have none)."""
    return None if _for_template(manager) else manager.dialog_data.get("date")


async def _advance(manager: DialogManager, next_state) -> None:
    """Next step, or back to the summary when the step was opened from it."""
    if manager.dialog_data.get("editing"):
        await manager.switch_to(NewTripSG.summary)
    else:
        await manager.switch_to(next_state)


async def _back(manager: DialogManager, previous_state) -> None:
    if manager.dialog_data.get("editing"):
        await manager.switch_to(NewTripSG.summary)
    else:
        await manager.switch_to(previous_state)


# --- step 1: template ---------------------------------------------------------------


async def templates_getter(dialog_manager: DialogManager, **kwargs) -> dict:
    items = trips.list_templates(tg_user_id(dialog_manager))
    return {"templates": [(t.id, t.name) for t in items]}


async def on_template(event: CallbackQuery, widget, manager: DialogManager, item_id: str) -> None:
    try:
        prefill = trips.template_draft(tg_user_id(manager), int(item_id))
    except (DomainError, ValueError) as exc:
        await show_error(event, exc if isinstance(exc, DomainError) else "Unknown template.")
        return
    manager.dialog_data.update(prefill, template_id=int(item_id))
    await manager.switch_to(NewTripSG.date)


async def on_scratch(event: CallbackQuery, button: Button, manager: DialogManager) -> None:
    await manager.switch_to(NewTripSG.destination)


# --- step 2: destination ----------------------------------------------------------------


async def destination_getter(dialog_manager: DialogManager, **kwargs) -> dict:
    recent = trips.recent_destination_choices(tg_user_id(dialog_manager))
    return {"recent": recent, "has_recent": bool(recent), "current": q(dialog_manager.dialog_data.get("destination", ""))}


async def on_destination(message: Message, widget: ManagedTextInput, manager: DialogManager, value: str) -> None:
    manager.dialog_data["destination"] = value
    await _advance(manager, NewTripSG.seats if _for_template(manager) else NewTripSG.date)


async def on_recent_destination(event: CallbackQuery, widget, manager: DialogManager, item_id: str) -> None:
    destination = trips.destination_of_own_trip(tg_user_id(manager), int(item_id))
    if destination is None:
        await event.answer("That destination is no longer available; type it instead.", show_alert=True)
        return
    manager.dialog_data["destination"] = destination
    await _advance(manager, NewTripSG.seats if _for_template(manager) else NewTripSG.date)


async def on_back_from_destination(event: CallbackQuery, button: Button, manager: DialogManager) -> None:
    if manager.dialog_data.get("editing"):
        await manager.switch_to(NewTripSG.summary)
    elif manager.dialog_data.get("has_templates") and not _for_template(manager):
        await manager.switch_to(NewTripSG.template)
    else:
        await manager.done()


# --- step 3: date -----------------------------------------------------------------------


class ClubCalendar(Calendar):
    """The club's time zone and today's date, per render (not the server's, at import)."""

    async def _get_user_config(self, data: dict, manager: DialogManager) -> CalendarUserConfig:
        tz = club_tz(manager)
        today = trips.local_today(tz)
        return CalendarUserConfig(timezone=tz, min_date=today, firstweekday=0)


async def date_getter(dialog_manager: DialogManager, **kwargs) -> dict:
    current = dialog_manager.dialog_data.get("date")
    return {"current": fmt_date(current) if current else ""}


async def on_date(event: CallbackQuery, widget: ManagedCalendar, manager: DialogManager, day: date) -> None:
    try:
        trips.validate_date(day, club_tz(manager))  # a stale or forged calendar press
    except ValidationError as exc:
        await event.answer(str(exc), show_alert=True)
        return
    manager.dialog_data["date"] = day.isoformat()
    await _advance(manager, NewTripSG.seats)


async def on_back_from_date(event: CallbackQuery, button: Button, manager: DialogManager) -> None:
    await _back(manager, NewTripSG.destination)


# --- step 4: seats ----------------------------------------------------------------------


async def seats_getter(dialog_manager: DialogManager, **kwargs) -> dict:
    return {
        "choices": list(range(trips.SEATS_MIN, trips.SEATS_MAX + 1)),
        "current": dialog_manager.dialog_data.get("seats") or "",
    }


async def _set_seats(manager: DialogManager, seats: int) -> None:
    manager.dialog_data["seats"] = seats
    if manager.dialog_data.get("editing"):
        await manager.switch_to(NewTripSG.summary)
    else:
        await start_pickups(manager, manager.dialog_data.get("pickups", []), _day(manager))


async def on_seats_button(event: CallbackQuery, widget, manager: DialogManager, item_id: str) -> None:
    await _set_seats(manager, trips.validate_seats(item_id))


async def on_seats_typed(message: Message, widget: ManagedTextInput, manager: DialogManager, seats: int) -> None:
    await _set_seats(manager, seats)


async def on_back_from_seats(event: CallbackQuery, button: Button, manager: DialogManager) -> None:
    await _back(manager, NewTripSG.destination if _for_template(manager) else NewTripSG.date)


# --- step 5: pickups (sub-dialog) -------------------------------------------------------


async def on_pickups_result(start_data: Data, result: Data, manager: DialogManager) -> None:
    if not isinstance(result, dict):
        return
    if "saved" in result:  # back from saving the draft as a template
        if result["saved"] is not None:
            await manager.done()
        return
    if "points" in result:
        manager.dialog_data["pickups"] = result["points"]
    action = result.get("action")
    if action == "cancel":
        await manager.done()
    elif action == "back":
        await _back(manager, NewTripSG.seats)
    elif action == "done":
        await _advance(manager, NewTripSG.comment)


# --- step 6: comment --------------------------------------------------------------------


async def comment_getter(dialog_manager: DialogManager, **kwargs) -> dict:
    return {"current": q(dialog_manager.dialog_data.get("comment", ""))}


async def on_comment(message: Message, widget: ManagedTextInput, manager: DialogManager, value: str) -> None:
    manager.dialog_data["comment"] = value
    await manager.switch_to(NewTripSG.summary)


async def on_skip_comment(event: CallbackQuery, button: Button, manager: DialogManager) -> None:
    manager.dialog_data["comment"] = ""
    await manager.switch_to(NewTripSG.summary)


async def on_back_from_comment(event: CallbackQuery, button: Button, manager: DialogManager) -> None:
    if manager.dialog_data.get("editing"):
        await manager.switch_to(NewTripSG.summary)
    else:
        await start_pickups(manager, manager.dialog_data.get("pickups", []), _day(manager))


# --- step 7: summary and confirm --------------------------------------------------------


def summary_text(data: dict) -> dict:
    template = data.get("mode") == "template"
    return {
        "has_date": not template,
        "is_trip": not template,
        "is_template": template,
        "destination": q(data.get("destination", "")),
        "date": fmt_date(data["date"]) if data.get("date") else "—",
        "seats": data.get("seats", "—"),
        "pickups": _listing(data.get("pickups", [])) or "—",
        "comment": q(data.get("comment") or "—"),
    }


async def summary_getter(dialog_manager: DialogManager, **kwargs) -> dict:
    return summary_text(dialog_manager.dialog_data)


async def on_back_from_summary(event: CallbackQuery, button: Button, manager: DialogManager) -> None:
    manager.dialog_data["editing"] = False
    await manager.switch_to(NewTripSG.comment)


async def on_edit_field(event: CallbackQuery, button: Button, manager: DialogManager) -> None:
    manager.dialog_data["editing"] = True  # the step returns to the summary when done
    field = button.widget_id.removeprefix("e_")
    targets = {
        "destination": NewTripSG.destination,
        "date": NewTripSG.date,
        "seats": NewTripSG.seats,
        "comment": NewTripSG.comment,
    }
    if field == "pickups":
        await start_pickups(manager, manager.dialog_data.get("pickups", []), _day(manager))
    else:
        await manager.switch_to(targets[field])


def draft_from(data: dict) -> trips.TripDraft:
    return trips.TripDraft(
        destination=data.get("destination", ""),
        departure_date=date.fromisoformat(data["date"]) if data.get("date") else date.min,
        seats=data.get("seats") or 0,
        pickups=[trips.PickupDraft(p["address"], time.fromisoformat(p["time"])) for p in data.get("pickups", [])],
        comment=data.get("comment", ""),
    )


async def on_confirm(event: CallbackQuery, button: Button, manager: DialogManager) -> None:
    if _for_template(manager):
        data = manager.dialog_data
        draft = {k: data.get(k) for k in ("destination", "seats", "comment", "pickups")}
        await manager.start(SaveTemplateSG.name, data={"draft": draft})
        return
    if manager.is_preview():
        await manager.switch_to(NewTripSG.created)
        return
    with sentry_sdk.start_span(op="trip.create", name="create trip"):
        try:
            # the wizard's intent id: this confirmation makes one trip, however often it arrives
            trip = trips.create_trip(tg_user_id(manager), draft_from(manager.dialog_data), club_tz(manager),
                                     key=manager.current_context().id)
        except DomainError as exc:
            await show_error(event, exc)
            return
    manager.dialog_data["trip_id"] = trip.id
    await event.answer("Trip created ✅")
    await manager.switch_to(NewTripSG.created)


async def created_getter(dialog_manager: DialogManager, bot=None, **kwargs) -> dict:
    data = summary_text(dialog_manager.dialog_data)
    me = await bot.me()
    data["link"] = f"https://t.me/{me.username}?start=trip_{dialog_manager.dialog_data['trip_id']}"
    return data


async def on_save_template(event: CallbackQuery, button: Button, manager: DialogManager) -> None:
    await manager.start(SaveTemplateSG.name, data={"trip_id": manager.dialog_data["trip_id"]})


SUMMARY_PREVIEW = {
    "destination": "Away game at Riverside Arena",
    "date": "Sat 05 Dec 2026",
    "seats": 3,
    "pickups": _listing(PREVIEW_POINTS),
    "comment": "Bring the ball bag, please.",
    "has_date": True,
    "is_trip": True,
    "is_template": False,
}

SUMMARY_LINES = (
    Format("🏁 <b>{destination}</b>"),
    Format("📅 {date}", when="has_date"),
    Format("💺 {seats} seats"),
    Format("📍 Pickup points:\n{pickups}"),
    Format("💬 {comment}"),
)


PICKUP_STARTS = (PreviewStart(PickupSG.address), PreviewStart(PickupSG.points))


def _cancel():
    return Cancel(Const("✖️ Cancel"), id="cancel")


def build_wizard_dialog() -> Dialog:
    return Dialog(
        Window(
            Const("🚗 <b>New trip</b>\nStart from one of your templates, or from scratch?"),
            Column(
                Select(Format("📋 {item[1]}"), id="tpl", item_id_getter=lambda item: item[0], items="templates",
                       type_factory=int, on_click=on_template),
            ),
            Button(Const("✏️ From scratch"), id="scratch", on_click=on_scratch),
            _cancel(),
            getter=templates_getter,
            state=NewTripSG.template,
            preview_data={"templates": [(1, "Tuesday training"), (2, "Saturday game")]},
            preview_add_transitions=[PreviewSwitchTo(NewTripSG.date), PreviewSwitchTo(NewTripSG.destination)],
        ),
        Window(
            Const("🏁 <b>Where to?</b> Send the destination (2–100 characters)"),
            Const("or pick one of your recent ones:", when="has_recent"),
            Format("Now: <i>{current}</i>", when="current"),
            TextInput(id="dest", type_factory=trips.validate_destination, on_success=on_destination,
                      on_error=on_input_error),
            text_only_guard(),
            Column(
                Select(Format("{item[1]}"), id="recent", item_id_getter=lambda item: item[0], items="recent",
                       type_factory=int, on_click=on_recent_destination),
            ),
            Row(Button(BACK, id="back", on_click=on_back_from_destination), _cancel()),
            getter=destination_getter,
            state=NewTripSG.destination,
            preview_data={"recent": [(7, "Riverside Arena"), (8, "Club gym")], "has_recent": True, "current": ""},
            preview_add_transitions=[PreviewSwitchTo(NewTripSG.date), PreviewSwitchTo(NewTripSG.summary),
                                     PreviewSwitchTo(NewTripSG.template), PreviewSwitchTo(NewTripSG.seats),
                                     Cancel()],
        ),
        Window(
            Const("📅 <b>Which day?</b>"),
            Format("Now: <i>{current}</i>", when="current"),
            ClubCalendar(id="cal", on_click=on_date),
            Row(Button(BACK, id="back", on_click=on_back_from_date), _cancel()),
            getter=date_getter,
            state=NewTripSG.date,
            preview_data={"current": ""},
            preview_add_transitions=[PreviewSwitchTo(NewTripSG.seats), PreviewSwitchTo(NewTripSG.summary),
                                     PreviewSwitchTo(NewTripSG.destination)],
        ),
        Window(
            Const("💺 <b>How many free seats?</b> Tap a number or send one (1–8)."),
            Format("Now: <i>{current}</i>", when="current"),
            Group(
                Select(Format("{item}"), id="seats", item_id_getter=lambda n: n, items="choices",
                       on_click=on_seats_button),
                width=4,
            ),
            TextInput(id="seats_t", type_factory=trips.validate_seats, on_success=on_seats_typed,
                      on_error=on_input_error),
            text_only_guard(),
            Row(Button(BACK, id="back", on_click=on_back_from_seats), _cancel()),
            getter=seats_getter,
            state=NewTripSG.seats,
            preview_data={"choices": list(range(1, 9)), "current": ""},
            on_process_result=on_pickups_result,
            preview_add_transitions=[*PICKUP_STARTS, PreviewSwitchTo(NewTripSG.comment),
                                     PreviewSwitchTo(NewTripSG.summary), PreviewSwitchTo(NewTripSG.date),
                                     PreviewSwitchTo(NewTripSG.destination), Cancel()],
        ),
        Window(
            Const("💬 <b>Any comment</b> for passengers? (up to 500 characters) Or skip."),
            Format("Now: <i>{current}</i>", when="current"),
            TextInput(id="comment", type_factory=trips.validate_comment, on_success=on_comment,
                      on_error=on_input_error),
            text_only_guard(),
            Button(Const("⏭ Skip"), id="skip", on_click=on_skip_comment),
            Row(Button(BACK, id="back", on_click=on_back_from_comment), _cancel()),
            getter=comment_getter,
            state=NewTripSG.comment,
            preview_data={"current": ""},
            on_process_result=on_pickups_result,
            preview_add_transitions=[*PICKUP_STARTS, PreviewSwitchTo(NewTripSG.summary),
                                     PreviewSwitchTo(NewTripSG.seats), Cancel()],
        ),
        Window(
            Const("📝 <b>Check your trip</b>\n"),
            *SUMMARY_LINES,
            Const("\nTap a field to change it, or confirm."),
            Row(
                Button(Const("🏁 Destination"), id="e_destination", on_click=on_edit_field),
                Button(Const("📅 Date"), id="e_date", on_click=on_edit_field, when="has_date"),
                Button(Const("💺 Seats"), id="e_seats", on_click=on_edit_field),
            ),
            Row(
                Button(Const("📍 Pickups"), id="e_pickups", on_click=on_edit_field),
                Button(Const("💬 Comment"), id="e_comment", on_click=on_edit_field),
            ),
            Button(Const("✅ Confirm"), id="confirm", on_click=on_confirm, when="is_trip"),
            Button(Const("💾 Save template"), id="save", on_click=on_confirm, when="is_template"),
            Row(Button(BACK, id="back", on_click=on_back_from_summary), _cancel()),
            getter=summary_getter,
            state=NewTripSG.summary,
            preview_data=SUMMARY_PREVIEW,
            on_process_result=on_pickups_result,
            preview_add_transitions=[
                PreviewSwitchTo(NewTripSG.destination), PreviewSwitchTo(NewTripSG.date),
                PreviewSwitchTo(NewTripSG.seats), PreviewSwitchTo(NewTripSG.comment),
                PreviewSwitchTo(NewTripSG.created), *PICKUP_STARTS, PreviewStart(SaveTemplateSG.name), Cancel(),
            ],
        ),
        Window(
            Const("✅ <b>Trip created</b>\n"),
            *SUMMARY_LINES,
            Format("\nShare it with the club: {link}"),
            Button(Const("💾 Save as template"), id="save_tpl", on_click=on_save_template),
            Start(Const("🏠 Main menu"), id="home", state=MainSG.menu, mode=StartMode.RESET_STACK),
            getter=created_getter,
            state=NewTripSG.created,
            preview_data=dict(SUMMARY_PREVIEW, link="https://t.me/club_carpool_bot?start=trip_42"),
            preview_add_transitions=[PreviewStart(SaveTemplateSG.name)],
        ),
        on_start=on_start,
    )
