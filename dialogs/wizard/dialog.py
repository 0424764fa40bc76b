"""The trip wizard: event → destination → date → seats → pickups → comment → summary → created.

The draft is held where its values were given: the text fields `dest`, `seats_t` and `comment`
hold theirs (the seat buttons and a template write into them), `dialog_data` keeps the day the
calendar gave and the points the pickup editor returned. `create_trip` (one transaction) runs
only on Confirm.

One handler moves on, `advance`: to the next step that still needs a value, so a step opened
from the summary goes back to it and a draft from a template goes from its date straight to the
summary. Every other jump is a widget. A passenger who starts the wizard is asked first whether
to switch to driver (the one extra tap it takes); a template (`{"mode": "template"}`) has no date.

Club events (issue #21): /newtrip offers the upcoming events first (then the driver's templates,
or "Somewhere else": a free destination). An event fills the destination ("Away game · Riverside
Arena") and the date, the pickup editor suggests a time before its start, and the trip is
created with `event_id`. Started with `{"event_id": id}` (the event card's "🚗 I'm driving") the
wizard opens at the seats with the event filled in. A template of a weekly event (its `event`:
the series) fills everything, the series' next occurrence included: picked among the events or
the templates, it goes straight to the summary.

The way back (issue #22): "↩️ Driving back too?" on the summary (no tap more on the way to a
trip without one) asks where the car leaves from (the event's venue or the destination: one
tap), when, and its seats (the way there's: one tap); then the pickup editor, in its drop-off
mode, takes the drop-off points, and the summary shows both legs. Its values are held like the
others (the fields `bfrom`, `btime`, `bseats_t`; the drop-offs in `dialog_data`); a way back is
in the draft once it has drop-off points. Confirm checks both legs before it creates either,
then creates the way there and the way back (`create_trip(outbound_id=…)`, its first point the
departure place, its destination the last drop-off), each idempotent by its own key.
"""

from __future__ import annotations

from datetime import date, datetime, time

import sentry_sdk
from aiogram import F
from aiogram.types import CallbackQuery, Message
from aiogram_dialog import Data, Dialog, DialogManager, StartMode, Window
from aiogram_dialog.widgets.kbd import Button, Checkbox, Group, Next, Row, Select, Start, SwitchTo, TimeSelect
from aiogram_dialog.widgets.text import Format

from models import ROLE_DRIVER, DomainError, ValidationError, events, queries, trips, users
from models.rules import require_event

from ..common import acting_user, club_tz, on_input_error, q, short, show_error, tg_user_id
from ..i18n import T, Tr, localized_preview, tr_of
from ..pickups import start_pickups
from ..pickups.dialog import DROPOFF, PREVIEW_POINTS, listing, pickups_data, when_both_picked
from ..roles.dialog import switch_notes
from ..states import MainSG, NewTripSG, PickupSG, SaveTemplateSG
from ..templates.dialog import template_items
from ..events.render import event_button, event_entry, preview_rows as preview_events
from ..trips.render import BUTTON_MAX, button
from ..widgets import (
    NEXT, ItemSwitchTo, StartWithData, TextField, back, back_to, close, go_to, pick_list, quit_without_saving,
    share_button, share_data,
)
from .calendar import ClubCalendar

__all__ = ["ClubCalendar", "build_wizard_dialog", "start_new_trip"]  # ClubCalendar: trip editing's too

REVIEW = "review"  # a step opened from the summary: its Back goes back there
# dialog_data: the club event the trip goes to, {"id", "starts": "HH:MM", "pickup": "HH:MM"} (issue #21)
EVENT = "event"
FROM_CARD = "from_card"  # started from the event's card: Back from the seats returns there
DROPOFFS = "dropoffs"  # dialog_data: the way back's drop-off points, as the pickup editor gave them
# dialog_data: when the way back leaves, "HH:MM" (not held by its text field, which keeps what was
# typed before the checks against both legs ran)
BACK_TIME = "back_time"


async def start_new_trip(manager: DialogManager, event: Message | CallbackQuery | None = None) -> None:
    """Open the wizard (its start decides the first window: see `on_start`)."""
    await manager.start(NewTripSG.template)


def _for_template(manager: DialogManager) -> bool:
    return (manager.start_data or {}).get("mode") == "template"


def _held(manager: DialogManager, widget_id: str):
    return manager.find(widget_id).get_value()


def _hold(manager: DialogManager, widget_id: str, raw: str | None) -> None:
    manager.find(widget_id).widget.set_widget_data(manager, raw)


def draft(manager: DialogManager) -> dict:
    """The draft as it is held (None where a step has no value yet)."""
    return {
        "destination": _held(manager, "dest"),
        "date": manager.dialog_data.get("date"),
        "seats": _held(manager, "seats_t"),
        "pickups": manager.dialog_data.get("pickups") or [],
        "comment": _held(manager, "comment"),
        "event": manager.dialog_data.get(EVENT),
        "back": back_leg(manager),
    }


def back_leg(manager: DialogManager) -> dict:
    """The way back as it is held: where and when it leaves, its seats, its drop-off points."""
    return {"from": _held(manager, "bfrom"), "time": manager.dialog_data.get(BACK_TIME),
            "seats": _held(manager, "bseats_t"), "dropoffs": manager.dialog_data.get(DROPOFFS) or []}


def has_back(back: dict | None) -> bool:
    """The draft has a way back: every step of it was answered (the drop-offs come last)."""
    return bool(back) and bool(back["dropoffs"]) and all(back[k] for k in ("from", "time", "seats"))


def _fill(manager: DialogManager, values: dict | None) -> None:
    """A template's values (everything but the date) into the draft; None empties it."""
    values = values or {"destination": None, "seats": None, "comment": None, "pickups": []}
    _hold(manager, "dest", values["destination"])
    _hold(manager, "seats_t", None if values["seats"] is None else str(values["seats"]))
    _hold(manager, "comment", values["comment"])
    manager.dialog_data["pickups"] = values["pickups"]


def _template(manager: DialogManager, template_id: int) -> dict:
    """The values a template fills in, as the draft holds them (the owner's only); `series`: the
    weekly event it goes to."""
    template, points = queries.template(tg_user_id(manager), template_id)
    return {"destination": template.destination, "seats": template.seats, "comment": template.comment,
            "pickups": [{"address": p.address, "time": f"{p.time:%H:%M}"} for p in points],
            "series": template.event_id}


def _use_template(manager: DialogManager, template_id: int) -> None:
    """A template into the draft; a weekly event's template with its series' next occurrence."""
    values = _template(manager, template_id)
    _fill(manager, values)
    manager.dialog_data.pop(EVENT, None)
    upcoming = queries.next_in_series(values["series"]) if values["series"] else None
    if upcoming is not None:
        _set_event(manager, upcoming)


# --- club events (issue #21) --------------------------------------------------------------------


def event_destination(title: str, venue: str) -> str:
    """Where a trip to an event goes: "Away game · Riverside Arena" (as long as a destination may be)."""
    return short(f"{title} · {venue}", trips.DESTINATION_MAX)


def _set_event(manager: DialogManager, event) -> None:
    """The event fills the destination and the date, and the pickup time the editor suggests."""
    manager.dialog_data[EVENT] = {"id": event.id, "starts": f"{event.start_time:%H:%M}",
                                  "pickup": f"{events.suggested_pickup(event):%H:%M}", "venue": event.venue}
    _hold(manager, "dest", event_destination(event.title, event.venue))
    manager.dialog_data["date"] = event.date.isoformat()


def _take_event(manager: DialogManager, event_id: int) -> None:
    """The event picked (or the card's): refused when forged, cancelled or started. A fresh draft
    takes the driver's template of the event's weekly series too (seats, pickups, comment)."""
    event = require_event(queries.event(event_id))
    series = event.series_id
    if series is not None and _held(manager, "seats_t") is None:
        template = next((t for t in queries.list_templates(tg_user_id(manager)) if t.event_id == series), None)
        if template is not None:
            _fill(manager, _template(manager, template.id))
    _set_event(manager, event)


def _drop_event(manager: DialogManager) -> None:
    """"Somewhere else": the event's destination and date go with it."""
    if manager.dialog_data.pop(EVENT, None) is not None:
        _hold(manager, "dest", None)
        manager.dialog_data.pop("date", None)


EVENTS_SHOWN = 6  # events the first step offers (a club's next week or two)


def _any_event() -> bool:
    return bool(queries.event_choices(limit=1))


def _first_step(manager: DialogManager):
    """Where a driver starts: the seats (or the summary) for the event the wizard was started
    with, else the events, else the templates, else the destination."""
    if manager.dialog_data.get(EVENT) is not None:
        return NewTripSG.summary if _has_value(manager, NewTripSG.seats) else NewTripSG.seats
    if _any_event():
        return NewTripSG.event
    if queries.list_templates(tg_user_id(manager)):
        return NewTripSG.template
    return NewTripSG.destination


def _has_value(manager: DialogManager, state) -> bool:
    d = draft(manager)
    return {
        NewTripSG.destination: d["destination"] is not None,
        NewTripSG.date: d["date"] is not None or _for_template(manager),  # a template has no date
        NewTripSG.seats: d["seats"] is not None and bool(d["pickups"]),
        NewTripSG.comment: d["comment"] is not None,
    }.get(state, False)


async def advance(manager: DialogManager) -> None:
    """On to the next step that still needs a value; the summary when none does."""
    while True:
        await manager.next()
        if not _has_value(manager, manager.current_context().state):
            return


async def on_step(event, widget, manager: DialogManager, *value) -> None:
    """The `on_success` of every step whose widget holds its value."""
    await advance(manager)


async def on_start(start_data: Data, manager: DialogManager) -> None:
    """`{"template_id": id}` fills everything but the date (a weekly event's template: the date
    too). Opened on the template list (/newtrip) or with `{"event_id": id}` (an event's card), it
    asks a passenger whether to switch to driver, and takes a driver to the first step that
    needs them (`_first_step`)."""
    start = start_data if isinstance(start_data, dict) else {}
    if start.get("template_id") is not None:
        _use_template(manager, int(start["template_id"]))
    if start.get("event_id") is not None:
        try:
            _take_event(manager, int(start["event_id"]))
            manager.dialog_data[FROM_CARD] = True
        except DomainError as exc:  # cancelled or started since the card was drawn: the other events
            await show_error(manager.event, exc)
    elif manager.current_context().state == NewTripSG.summary and not manager.dialog_data.get("date"):
        await manager.switch_to(NewTripSG.date)  # a weekly event's template whose next date has gone
        return
    elif manager.current_context().state != NewTripSG.template:
        return
    user = acting_user(manager)
    first = _first_step(manager) if user.is_driver else NewTripSG.role
    if first != manager.current_context().state:
        await manager.switch_to(first)


# --- a passenger's way in ------------------------------------------------------------------


async def role_getter(dialog_manager: DialogManager, **kwargs) -> dict:
    uid = tg_user_id(dialog_manager)
    return {"notes": switch_notes(uid, tr_of(dialog_manager)), "first": _first_step(dialog_manager).state}


async def role_preview(dialog_manager: DialogManager, **kwargs) -> dict:
    return {"notes": tr_of(dialog_manager)("roles-keep-riding", n=1), "first": NewTripSG.event.state}


async def on_become_driver(event: CallbackQuery, button, manager: DialogManager) -> None:
    users.set_role(tg_user_id(manager), ROLE_DRIVER)
    await event.answer(tr_of(manager)("wizard-became-driver"))


# --- the first steps: an event, a template, or the destination ---------------------------------


async def events_getter(dialog_manager: DialogManager, **kwargs) -> dict:
    uid = tg_user_id(dialog_manager)
    rows = queries.upcoming_events(limit=EVENTS_SHOWN)  # with their cars and who still needs a ride
    return _events_data(rows, tr_of(dialog_manager), bool(queries.list_templates(uid)))


def _events_data(rows: list[queries.EventRow], tr: Tr, has_templates: bool) -> dict:
    """The upcoming events as the events list shows them: each in the text (when, where, its cars
    and who still needs a ride) and as a button short enough for a phone ("🏐 Sat 05 Dec · Cup final")."""
    return {
        "event_items": [(row.id, event_button(row.kind, row.date, row.title, tr)) for row in rows],
        "event_listing": "\n".join(event_entry(n, row, tr) for n, row in enumerate(rows, 1)),
        "has_templates": has_templates,
    }


async def on_event(event: CallbackQuery, widget, manager: DialogManager, event_id: int) -> None:
    _take_event(manager, event_id)
    await advance(manager)  # the seats, or the summary when a template filled them


async def on_elsewhere(event: CallbackQuery, button, manager: DialogManager) -> None:
    _drop_event(manager)


async def templates_getter(dialog_manager: DialogManager, **kwargs) -> dict:
    """The driver's templates: those of a weekly event with an upcoming occurrence go straight to
    the summary (🏐), the others ask the date (📋)."""
    uid = tg_user_id(dialog_manager)
    series = {t.id: t.event_id for t in queries.list_templates(uid)}
    ready = {tid for tid, event_id in series.items() if event_id and queries.next_in_series(event_id)}
    items = template_items(uid)
    return {"templates": [i for i in items if i[0] not in ready], "ready": [i for i in items if i[0] in ready],
            "has_events": _any_event()}


async def on_template(event: CallbackQuery, widget, manager: DialogManager, template_id: int) -> None:
    _use_template(manager, template_id)
    if widget.widget_id == "tpl_ev" and not manager.dialog_data.get(EVENT):
        raise ValidationError("wizard-series-over")  # its next occurrence was cancelled meanwhile


async def on_scratch(event: CallbackQuery, button, manager: DialogManager) -> None:
    _fill(manager, None)  # whatever a template filled in before Back
    manager.dialog_data.pop("date", None)
    manager.dialog_data.pop(EVENT, None)


async def destination_getter(dialog_manager: DialogManager, **kwargs) -> dict:
    uid = tg_user_id(dialog_manager)
    trip = not _for_template(dialog_manager)
    to_events = trip and _any_event()
    to_list = trip and not to_events and bool(queries.list_templates(uid))
    recent = [(trip_id, short(place, BUTTON_MAX)) for trip_id, place in queries.recent_destination_choices(uid)]
    return {"recent": recent, "to_events": to_events, "to_list": to_list, "leave": not (to_events or to_list)}


async def on_recent(event: CallbackQuery, widget, manager: DialogManager, trip_id: int) -> None:
    destination = queries.destination_of_own_trip(tg_user_id(manager), trip_id)
    if destination is None:
        await event.answer(tr_of(manager)("wizard-recent-gone"), show_alert=True)
        return
    _hold(manager, "dest", destination)
    await advance(manager)


# --- the date, the seats, the comment ------------------------------------------------------------


async def on_date(event: CallbackQuery, widget, manager: DialogManager, day: date) -> None:
    manager.dialog_data["date"] = trips.validate_date(day, club_tz(manager)).isoformat()  # a stale press
    await advance(manager)


async def on_seats(event, widget, manager: DialogManager, seats) -> None:
    """A number tapped or typed; then the pickup points, unless the draft has them already."""
    _hold(manager, "seats_t", str(trips.validate_seats(seats)))
    if manager.dialog_data.get("pickups"):
        await advance(manager)
    else:
        await start_pickups(manager, [], _day(manager), *_suggestion(manager))


def _day(manager: DialogManager) -> str | None:
    """The trip's date for the pickup editor (a template has none)."""
    return None if _for_template(manager) else manager.dialog_data.get("date")


def _suggestion(manager: DialogManager) -> tuple[str | None, str | None]:
    """For a trip to an event: the pickup time the editor suggests, and the event's start."""
    event = manager.dialog_data.get(EVENT) or {}
    return event.get("pickup"), event.get("starts")


def _took_points(manager: DialogManager, result: Data) -> bool:
    if isinstance(result, dict) and result.get("action") == "done":
        manager.dialog_data["pickups"] = result["points"]
        return True
    return False


async def on_points(start_data: Data, result: Data, manager: DialogManager) -> None:
    """Back from the pickup editor at the seats step: Done goes on, Back stays."""
    if _took_points(manager, result):
        await advance(manager)


async def on_skip_comment(event: CallbackQuery, button, manager: DialogManager) -> None:
    if _held(manager, "comment") is None:
        _hold(manager, "comment", "")  # asked and skipped: the step has its value


async def on_no_comment(event: CallbackQuery, button, manager: DialogManager) -> None:
    _hold(manager, "comment", "")


# --- the way back (issue #22) ------------------------------------------------------------------


def back_place(d: dict) -> str:
    """Where the way back leaves from unless the driver says otherwise: the event's venue, else
    the destination."""
    return (d.get("event") or {}).get("venue") or d["destination"] or ""


async def on_same_place(event: CallbackQuery, button, manager: DialogManager) -> None:
    _hold(manager, "bfrom", trips.validate_address(back_place(draft(manager))))


def check_back_time(pickups: list[dict], dropoffs: list[dict], at: time) -> time:
    """The way back leaves after the way there (the model's rule, `trips.require_legs_in_order`:
    after its last pickup), and before its first drop-off. Both legs are on the draft's date,
    so their local times compare as instants."""
    if pickups:
        there = [datetime.combine(date.min, time.fromisoformat(p["time"])) for p in pickups]
        leave = datetime.combine(date.min, at)
        try:
            trips.require_legs_in_order(trips.LegTimes(min(there), max(there)), trips.LegTimes(leave, leave))
        except ValidationError:
            raise ValidationError("wizard-back-too-early", after=f"{max(there):%H:%M}") from None
    first = min((p["time"] for p in dropoffs), default=None)
    if first is not None and at >= time.fromisoformat(first):
        raise ValidationError("wizard-back-after-dropoff", first=first)
    return at


async def take_back_time(event, widget, manager: DialogManager, at: time) -> None:
    """A time typed or picked; refused (the window stays) when it has passed today or does not
    fit between the two legs."""
    trips.validate_pickup_time(_date_of(manager), at, club_tz(manager))
    d = draft(manager)
    manager.dialog_data[BACK_TIME] = f"{check_back_time(d['pickups'], d['back']['dropoffs'], at):%H:%M}"


to_back_seats = go_to(NewTripSG.back_seats, take_back_time)
on_back_time_picked = when_both_picked(to_back_seats)  # the TimeSelect's hour, then its minute


def _date_of(manager: DialogManager) -> date | None:
    day = manager.dialog_data.get("date")
    return date.fromisoformat(day) if day else None


def dropoffs_of_draft(manager: DialogManager) -> dict:
    """The pickup editor's start data for the way back's drop-off points."""
    return pickups_data(manager.dialog_data.get(DROPOFFS) or [], _day(manager), mode=DROPOFF,
                        after=manager.dialog_data.get(BACK_TIME))


async def _keep(event, widget, manager: DialogManager, *value) -> None:
    """Nothing to check: the values are held already."""


to_summary = go_to(NewTripSG.summary, _keep)


async def on_back_seats(event, widget, manager: DialogManager, seats) -> None:
    """A number tapped or typed: then the drop-off points (the summary when they are there)."""
    _hold(manager, "bseats_t", str(trips.validate_seats(seats)))
    if manager.dialog_data.get(DROPOFFS):
        await to_summary(event, widget, manager)
    else:
        await start_pickups(manager, [], _day(manager), mode=DROPOFF, after=manager.dialog_data.get(BACK_TIME))


async def on_same_seats(event: CallbackQuery, button, manager: DialogManager) -> None:
    """As many seats as on the way there."""
    await on_back_seats(event, button, manager, _held(manager, "seats_t"))


def _took_dropoffs(manager: DialogManager, start_data: Data, result: Data) -> bool:
    if isinstance(result, dict) and result.get("action") == "done" and result.get("mode") == DROPOFF:
        manager.dialog_data[DROPOFFS] = result["points"]
        return True
    return False


async def on_dropoffs(start_data: Data, result: Data, manager: DialogManager) -> None:
    """Back from the drop-off points at the seats step: Done shows both legs on the summary."""
    if _took_dropoffs(manager, start_data, result):
        await to_summary(None, None, manager)


async def on_no_way_back(event: CallbackQuery, button, manager: DialogManager) -> None:
    for widget_id in ("bfrom", "bseats_t"):
        _hold(manager, widget_id, None)
    manager.dialog_data.pop(BACK_TIME, None)
    manager.dialog_data.pop(DROPOFFS, None)


def return_draft(d: dict) -> trips.TripDraft | None:
    """The way back as a trip draft (None without one): the same day and comment as the way
    there; its first point is where it leaves from, its destination the last drop-off. Checked
    against the way there (raises ValidationError)."""
    back = d["back"]
    if not has_back(back):
        return None
    leave = check_back_time(d["pickups"], back["dropoffs"], time.fromisoformat(back["time"]))
    dropoffs = sorted(back["dropoffs"], key=lambda p: p["time"])
    return trips.TripDraft(
        destination=short(dropoffs[-1]["address"], trips.DESTINATION_MAX),
        departure_date=date.fromisoformat(d["date"]) if d["date"] else date.min,
        seats=back["seats"] or 0,
        pickups=[trips.PickupDraft(back["from"], leave),
                 *(trips.PickupDraft(p["address"], time.fromisoformat(p["time"])) for p in dropoffs)],
        comment=d["comment"] or "",
    )


# --- the summary, Confirm, and after ----------------------------------------------------------


async def on_review(event: CallbackQuery, button, manager: DialogManager) -> None:
    manager.dialog_data[REVIEW] = True  # the step opened from the summary returns to it


async def on_leave_review(event: CallbackQuery, button, manager: DialogManager) -> None:
    manager.dialog_data.pop(REVIEW, None)  # Back from the summary walks the steps back


def trip_draft(d: dict) -> trips.TripDraft:
    return trips.TripDraft(
        destination=d["destination"] or "",
        departure_date=date.fromisoformat(d["date"]) if d["date"] else date.min,
        seats=d["seats"] or 0,
        pickups=[trips.PickupDraft(p["address"], time.fromisoformat(p["time"])) for p in d["pickups"]],
        comment=d["comment"] or "",
    )


async def on_publish(event: CallbackQuery, button, manager: DialogManager) -> None:
    """Create the trip, and its way back if the draft has one (both checked before either is
    made); a refusal (a DomainError: the day has passed, not a driver any more…) is shown by
    the error handler and the summary stays."""
    with sentry_sdk.start_span(op="trip.create", name="create trip"):
        d, tz = draft(manager), club_tz(manager)
        back = return_draft(d)
        # the wizard's intent id: this confirmation makes one trip (and one way back), however often it arrives
        key = manager.current_context().id
        announce = queries.club_chat_ready() and manager.find("post").is_checked()
        event_id = (manager.dialog_data.get(EVENT) or {}).get("id")
        if back is None:
            trip = trips.create_trip(tg_user_id(manager), trip_draft(d), tz, key=key, announce=announce,
                                     event_id=event_id)
        else:  # both or neither, in one transaction
            trip, way_back = trips.create_with_return(tg_user_id(manager), trip_draft(d), back, tz, key=key,
                                                      announce=announce, event_id=event_id)
            manager.dialog_data["back_id"] = way_back.id
    manager.dialog_data.update(trip_id=trip.id, posted=announce)
    await event.answer(tr_of(manager)("wizard-created-toast"))


def pickups_of_draft(manager: DialogManager) -> dict:
    return pickups_data(manager.dialog_data.get("pickups") or [], _day(manager), *_suggestion(manager))


def template_of_draft(manager: DialogManager) -> dict:
    d = draft(manager)
    return {"draft": {"destination": d["destination"], "seats": d["seats"], "comment": d["comment"] or "",
                      "pickups": d["pickups"]}}


def created_trip(manager: DialogManager) -> dict:
    return {"trip_id": manager.dialog_data["trip_id"]}


async def on_summary_result(start_data: Data, result: Data, manager: DialogManager) -> None:
    """Back from the pickup editor (the points, or the way back's drop-offs), or from saving the
    template: then the wizard is done."""
    if _took_dropoffs(manager, start_data, result) or _took_points(manager, result):
        return
    if isinstance(result, dict) and result.get("saved") is not None:
        await manager.done()


async def draft_getter(dialog_manager: DialogManager, **kwargs) -> dict:
    data = dialog_manager.dialog_data
    return draft_view(draft(dialog_manager), tr_of(dialog_manager), for_template=_for_template(dialog_manager),
                      review=bool(data.get(REVIEW)), from_card=bool(data.get(FROM_CARD)))


async def draft_preview(dialog_manager: DialogManager, **kwargs) -> dict:
    return draft_view(PREVIEW_DRAFT, tr_of(dialog_manager), for_template=False, review=False)


def draft_view(d: dict, tr: Tr, *, for_template: bool, review: bool, from_card: bool = False) -> dict:
    """What every window shows of the draft, and where its buttons lead."""
    seats = d["seats"]
    event = d.get("event")
    return {**_back_view(d, tr),
        "has_event": event is not None,
        "no_event": event is None,
        "starts": event["starts"] if event else "",
        "from_card": from_card,
        "by_event": event is not None and not from_card,
        "destination": q(d["destination"] or ""),
        "date": tr.date(d["date"]) if d["date"] else "",
        "seats": str(seats) if seats else "",
        "seats_line": tr("wizard-seats", n=seats) if seats else "",
        "pickups": listing(d["pickups"]),
        "comment": q(d["comment"] or ""),
        "for_trip": not for_template,
        "for_template": for_template,
        "review": review,
        "going_on": not review,
        "has_destination": d["destination"] is not None,
        "has_date": d["date"] is not None,
        "has_seats": seats is not None and bool(d["pickups"]),
    }


def _back_view(d: dict, tr: Tr) -> dict:
    """What the windows show of the way back."""
    back = d.get("back") or {"from": None, "time": None, "seats": None, "dropoffs": []}
    seats = back["seats"]
    complete = has_back(back)
    return {
        "has_back": complete,
        "no_back": not complete,
        "back_from": q(back["from"] or ""),
        "back_time": back["time"] or "",
        "back_seats": str(seats) if seats else "",
        "back_seats_line": tr("wizard-seats", n=seats) if seats else "",
        "back_dropoffs": listing(back["dropoffs"]),
        "has_dropoffs": bool(back["dropoffs"]),
        "back_place": button("📍", back_place(d)),  # a button's text: not HTML
    }


async def summary_getter(dialog_manager: DialogManager, **kwargs) -> dict:
    return {"club_chat": queries.club_chat_ready()}


async def created_getter(dialog_manager: DialogManager, bot=None, **kwargs) -> dict:
    me = await bot.me()
    trip_id = dialog_manager.dialog_data["trip_id"]
    return {"link": f"https://t.me/{me.username}?start=trip_{trip_id}",
            "posted": bool(dialog_manager.dialog_data.get("posted")), **await share_data(bot, trip_id)}


# --- the windows ----------------------------------------------------------------------------------

PREVIEW_DRAFT = {"destination": "Away game at Riverside Arena", "date": "2026-12-05", "seats": 3,
                 "pickups": PREVIEW_POINTS, "comment": "Bring the ball bag, please.",
                 "back": {"from": "Riverside Arena", "time": "21:30", "seats": 3,
                          "dropoffs": [{"address": "Oak Street 12", "time": "22:00"},
                                       {"address": "Central Station, north exit", "time": "22:15"}]}}
GOING_ON = F["going_on"]
# where "Switch to driver" goes (`_first_step`), and its button's widget id there ("drive_t" and
# "drive" as before the events: a role window still on a player's screen keeps working)
FIRST_STEPS = {NewTripSG.template: "drive_t", NewTripSG.destination: "drive", NewTripSG.event: "drive_e",
               NewTripSG.seats: "drive_s", NewTripSG.summary: "drive_sum"}
SEAT_CHOICES = list(range(trips.SEATS_MIN, trips.SEATS_MAX + 1))
SUMMARY_LINES = (  # user data and texts the getter made in the player's language
    Format("🏁 <b>{destination}</b>"),
    Format("📅 {date}", when="date"),
    T("wizard-summary-starts", when="has_event"),
    Format("💺 {seats_line}"),
    T("wizard-summary-pickups"),
    Format("💬 {comment}", when="comment"),
    T("wizard-summary-back", when="has_back"),  # issue #22
)


def now(field: str, when: str | None = None) -> T:
    """"Now: <i>…</i>": the value a step holds already (when it holds one)."""
    return T("wizard-now", args=lambda data: {"value": data[field]}, when=when or field)


def step_back(previous) -> Row:
    """Back from a step: to the summary when it was opened from there, else `previous`."""
    return Row(
        Row(back_to(NewTripSG.summary, id="back_r"), when="review"),
        Row(previous, when="going_on"),
        quit_without_saving(),
    )


def edit(key: str, id: str, state, when=None) -> SwitchTo:  # noqa: A002 - aiogram-dialog's parameter name
    """A field of the summary (its label: catalog `key`): opens its step, which comes back when done."""
    return SwitchTo(T(key), id=id, state=state, on_click=on_review, when=when)


def _first_windows() -> list[Window]:
    return [
        Window(
            T("wizard-role-question"),
            Format("{notes}"),  # built by the getter, in the player's language
            *[SwitchTo(T("wizard-become-driver"), id=widget_id, state=state, on_click=on_become_driver,
                       when=F["first"] == state.state) for state, widget_id in FIRST_STEPS.items()],
            close(),
            getter=role_getter,
            state=NewTripSG.role,
            preview_data=role_preview,
        ),
        Window(
            T("wizard-template-question"),
            ItemSwitchTo("tpl_ev", "ready", NewTripSG.summary, on_click=on_template, label="🏐 {item[1]}"),
            ItemSwitchTo("tpl", "templates", NewTripSG.date, on_click=on_template, label="📋 {item[1]}"),
            SwitchTo(T("wizard-from-scratch"), id="scratch", state=NewTripSG.destination, on_click=on_scratch),
            Row(back_to(NewTripSG.event, when="has_events"), quit_without_saving()),
            getter=templates_getter,
            state=NewTripSG.template,
            preview_data={"templates": [(2, "Cup final")], "ready": [(1, "Tuesday training")], "has_events": True},
        ),
        Window(
            T("wizard-event-question"),
            Format("{event_listing}"),  # built by the getter, in the player's language
            T("wizard-event-hint"),
            pick_list("ev", "event_items", on_event),
            SwitchTo(T("wizard-from-template"), id="to_tpl", state=NewTripSG.template,
                     when=GOING_ON & F["has_templates"]),
            SwitchTo(T("wizard-somewhere-else"), id="elsewhere", state=NewTripSG.destination, on_click=on_elsewhere),
            step_back(close("back_out")),
            getter=events_getter,
            state=NewTripSG.event,
            preview_data=localized_preview(lambda tr: _events_data(preview_events(), tr, True)),
        ),
        Window(
            T("wizard-destination-question"),
            T("wizard-destination-recent", when="recent"),
            now("destination", when="has_destination"),
            TextField(id="dest", type_factory=trips.validate_destination, on_success=on_step,
                      on_error=on_input_error),
            pick_list("recent", "recent", on_recent),
            Next(T(NEXT), id="next", when=GOING_ON & F["has_destination"] & F["for_trip"]),
            SwitchTo(T(NEXT), id="next_t", state=NewTripSG.seats,
                     when=GOING_ON & F["has_destination"] & F["for_template"]),
            step_back(Group(back(when="to_events"), back_to(NewTripSG.template, "back_t", when="to_list"),
                            close("back_out", when="leave"), width=1)),
            getter=destination_getter,
            state=NewTripSG.destination,
            preview_data={"recent": [(7, "Riverside Arena"), (8, "Club gym")], "to_events": True, "to_list": False,
                          "leave": False},
        ),
    ]


def _middle_windows() -> list[Window]:
    return [
        Window(
            T("wizard-date-question"),
            now("date"),
            ClubCalendar(id="cal", on_click=on_date),
            Next(T(NEXT), id="next", when=GOING_ON & F["has_date"]),
            step_back(back()),
            state=NewTripSG.date,
        ),
        Window(
            T("wizard-seats-question"),
            now("seats"),
            Group(Select(Format("{item}"), id="seats", item_id_getter=str, items=SEAT_CHOICES, on_click=on_seats),
                  width=4),
            TextField(id="seats_t", type_factory=trips.validate_seats, on_success=on_seats, on_error=on_input_error),
            Next(T(NEXT), id="next", when=GOING_ON & F["has_seats"]),
            StartWithData(T(NEXT), "next_p", PickupSG.points, data=pickups_of_draft,  # Back from them
                          when=GOING_ON & F["seats"] & ~F["has_seats"]),
            step_back(Group(close("back_card", when="from_card"), back_to(NewTripSG.event, "back_e", when="by_event"),
                            back(when=F["for_trip"] & F["no_event"]),
                            back_to(NewTripSG.destination, "back_d", when=F["for_template"] & F["no_event"]),
                            width=1)),
            state=NewTripSG.seats,
            on_process_result=on_points,
        ),
        Window(
            T("wizard-comment-question"),
            now("comment"),
            TextField(id="comment", type_factory=trips.validate_comment, on_success=Next(id="comment_ok"),
                      on_error=on_input_error),
            Row(Next(T("wizard-skip"), id="skip", on_click=on_skip_comment),
                Next(T("wizard-no-comment"), id="none", on_click=on_no_comment, when="comment")),
            step_back(back()),
            state=NewTripSG.comment,
        ),
    ]


def _last_windows() -> list[Window]:
    return [
        Window(
            T("wizard-summary-title"),
            *SUMMARY_LINES,
            T("wizard-summary-hint-trip", when="for_trip"),
            T("wizard-summary-hint-template", when="for_template"),
            Row(edit("wizard-edit-event", "e_event", NewTripSG.event, when="has_event"),
                edit("wizard-edit-destination", "e_destination", NewTripSG.destination, when="no_event"),
                edit("wizard-edit-date", "e_date", NewTripSG.date, when=F["for_trip"] & F["no_event"]),
                edit("wizard-edit-seats", "e_seats", NewTripSG.seats)),
            Row(StartWithData(T("wizard-edit-pickups"), "e_pickups", PickupSG.points, data=pickups_of_draft),
                edit("wizard-edit-comment", "e_comment", NewTripSG.comment)),
            # issue #22: the way back, a button on the summary (no tap more for a trip without one)
            SwitchTo(T("wizard-back-add"), id="b_add", state=NewTripSG.back_from, when=F["for_trip"] & F["no_back"]),
            Row(SwitchTo(T("wizard-back-edit"), id="b_edit", state=NewTripSG.back_from),
                StartWithData(T("wizard-back-dropoffs"), "b_drops", PickupSG.points, data=dropoffs_of_draft),
                Button(T("wizard-back-drop"), id="b_drop", on_click=on_no_way_back),
                when=F["for_trip"] & F["has_back"]),
            # issue #20: announced in the club chat unless the driver unticks it (only where the bot is)
            Checkbox(T("wizard-post-on"), T("wizard-post-off"), id="post", default=True,
                     when=F["club_chat"] & F["for_trip"]),
            SwitchTo(T("wizard-confirm"), id="confirm", state=NewTripSG.created, on_click=on_publish, when="for_trip"),
            StartWithData(T("wizard-save-template"), "save", SaveTemplateSG.name, data=template_of_draft,
                          when="for_template"),
            Row(back(on_click=on_leave_review), quit_without_saving()),
            state=NewTripSG.summary,
            getter=summary_getter,
            preview_data={"club_chat": True},
            on_process_result=on_summary_result,
        ),
        Window(
            T("wizard-created-title"),
            *SUMMARY_LINES,
            T("wizard-created-posted", when="posted"),
            T("wizard-created-share"),
            share_button(),
            StartWithData(T("wizard-save-as-template"), "save_tpl", SaveTemplateSG.name, data=created_trip),
            Start(T("wizard-main-menu"), id="home", state=MainSG.menu, mode=StartMode.RESET_STACK),
            getter=created_getter,
            state=NewTripSG.created,
            preview_data={"link": "https://t.me/club_carpool_bot?start=trip_42", "posted": True, "can_share": True,
                          "share_query": "trip_42"},
        ),
    ]


def _back_windows() -> list[Window]:
    """The way back (issue #22): where from, when, how many seats; then its drop-off points."""
    to_time = SwitchTo(T(NEXT), id="next", state=NewTripSG.back_time, when="back_from")
    return [
        Window(
            T("wizard-back-from-question"),
            now("back_from"),
            TextField(id="bfrom", type_factory=trips.validate_address,
                      on_success=SwitchTo(T(NEXT), id="bfrom_ok", state=NewTripSG.back_time), on_error=on_input_error),
            SwitchTo(Format("{back_place}"), id="b_same", state=NewTripSG.back_time, on_click=on_same_place),
            to_time,
            Row(back_to(NewTripSG.summary), quit_without_saving()),
            state=NewTripSG.back_from,
        ),
        Window(
            T("wizard-back-time-question"),
            T("pickups-time-hint"),
            now("back_time"),
            TextField(id="btime", type_factory=trips.parse_time, on_success=to_back_seats, on_error=on_input_error),
            TimeSelect(id="btsel", on_value_changed=on_back_time_picked, hour_header=T("pickups-hour"),
                       minute_header=T("pickups-minute")),
            SwitchTo(T(NEXT), id="next", state=NewTripSG.back_seats, when="back_time"),
            Row(back_to(NewTripSG.back_from), quit_without_saving()),
            state=NewTripSG.back_time,
        ),
        Window(
            T("wizard-back-seats-question"),
            now("back_seats"),
            Button(T("wizard-back-seats-same"), id="b_same_s", on_click=on_same_seats, when="seats"),
            Group(Select(Format("{item}"), id="bseats", item_id_getter=str, items=SEAT_CHOICES, on_click=on_back_seats),
                  width=4),
            TextField(id="bseats_t", type_factory=trips.validate_seats, on_success=on_back_seats,
                      on_error=on_input_error),
            SwitchTo(T(NEXT), id="next", state=NewTripSG.summary, when=F["back_seats"] & F["has_dropoffs"]),
            StartWithData(T(NEXT), "next_p", PickupSG.points, data=dropoffs_of_draft,  # Back from them
                          when=F["back_seats"] & ~F["has_dropoffs"]),
            Row(back_to(NewTripSG.back_time), quit_without_saving()),
            state=NewTripSG.back_seats,
            on_process_result=on_dropoffs,
        ),
    ]


def build_wizard_dialog() -> Dialog:
    return Dialog(
        *_first_windows(),
        *_middle_windows(),
        *_last_windows(),
        *_back_windows(),
        on_start=on_start,
        getter=draft_getter,
        preview_data=draft_preview,
    )
