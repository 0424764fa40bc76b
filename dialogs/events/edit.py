"""Admins create, edit and cancel club events (issue #21).

Create: kind → title → venue → date → time → weekly? → summary → ✅ Create (the dialog closes,
back to the events list, which shows the new event). Edit: opened from the event's card with
`{"event_id": id}` at the summary, which holds the event's values; each field's button opens
its step, which comes back to the summary; ✅ Save changes writes them (`events.edit_event`:
everyone concerned is told) and closes back to the card. Cancel: one window, opened from the card
with `{"event_id": id}`; a reason may be typed there before "Yes".

The draft is held where its values were given: the text fields `title` and `venue` hold theirs,
`dialog_data` keeps the kind, the day, the time ("HH:MM") and `weekly`. A step moves on with
`onward`: to the next step, or back to the summary when opened from there (`REVIEW`; an edit
is always a review). Every other jump is a widget. Only club admins (handler data `club_admins`,
bot/middlewares/admins.py) get here; the operations check again.
"""

from __future__ import annotations

from datetime import date, time

from aiogram import F
from aiogram.types import CallbackQuery
from aiogram_dialog import Data, Dialog, DialogManager, Window
from aiogram_dialog.widgets.kbd import Back, Button, Cancel, Column, Next, Row, Select, SwitchTo, TimeSelect
from aiogram_dialog.widgets.text import Format

from models import DomainError, events, trips
from models.manage import validate_reason
from models.tables import EVENT_KINDS

from ..common import club_tz, on_input_error, q, show_error, tg_user_id, wake_notifier
from ..i18n import T, Tr, localized_preview, tr_of
from ..states import EventEditSG
from ..widgets import NEXT, TextField, back, back_to, close, go_to, quit_without_saving
from ..wizard.calendar import ClubCalendar
from .render import PREVIEW_EVENT, admins_of, event_when, kind_label, now

REVIEW = "review"  # a step opened from the summary goes back there
STEPS = [EventEditSG.kind, EventEditSG.title, EventEditSG.venue, EventEditSG.date, EventEditSG.time,
         EventEditSG.weekly, EventEditSG.summary]


def _event_id(manager: DialogManager) -> int | None:
    start = manager.start_data if isinstance(manager.start_data, dict) else {}
    return int(start["event_id"]) if start.get("event_id") is not None else None


def _hold(manager: DialogManager, widget_id: str, value: str | None) -> None:
    manager.find(widget_id).widget.set_widget_data(manager, value)


async def on_start(start_data: Data, manager: DialogManager) -> None:
    """Editing: the draft is the event as it is now, and every step returns to the summary."""
    event_id = _event_id(manager)
    if event_id is None:
        return
    event = events.get_event(event_id)
    _hold(manager, "title", event.title)
    _hold(manager, "venue", event.venue)
    manager.dialog_data.update(kind=event.kind, date=event.date.isoformat(), time=f"{event.start_time:%H:%M}",
                               weekly=event.weekly, editing=True, **{REVIEW: True})


def draft(manager: DialogManager) -> dict:
    """The draft as it is held (None where a step has no value yet)."""
    data = manager.dialog_data
    return {"kind": data.get("kind"), "title": manager.find("title").get_value(),
            "venue": manager.find("venue").get_value(), "date": data.get("date"), "time": data.get("time"),
            "weekly": data.get("weekly")}


def event_draft(d: dict) -> events.EventDraft:
    return events.EventDraft(kind=d["kind"] or "", title=d["title"] or "", venue=d["venue"] or "",
                             date=date.fromisoformat(d["date"]) if d["date"] else date.min,
                             start_time=time.fromisoformat(d["time"]) if d["time"] else time(0),
                             weekly=bool(d["weekly"]))


def onward(state, store=None):
    """The step `state` got its value: `store(manager, *value)` keeps it (a DomainError it raises
    is shown and the step stays); then the next step, or the summary when the step was opened
    from there. Both targets are fixed (`go_to`) and drawn by the step's ➡️ Next and ⬅️ Back."""

    async def keep(event, widget, manager: DialogManager, *value) -> None:
        if store is not None:
            store(manager, *value)

    ahead = go_to(STEPS[STEPS.index(state) + 1], keep)
    to_summary = go_to(EventEditSG.summary, keep)

    async def handler(event, widget, manager: DialogManager, *value) -> None:
        await (to_summary if manager.dialog_data.get(REVIEW) else ahead)(event, widget, manager, *value)

    return handler


def take_kind(manager: DialogManager, kind: str) -> None:
    manager.dialog_data["kind"] = events.validate_kind(kind)


def take_date(manager: DialogManager, day: date) -> None:
    manager.dialog_data["date"] = trips.validate_date(day, club_tz(manager)).isoformat()  # a stale press


def take_time(manager: DialogManager, at: time) -> None:
    """A start already past today is refused on ✅ Create (`events.validate_draft`), with the reason."""
    manager.dialog_data["time"] = f"{at:%H:%M}"


ON_KIND = onward(EventEditSG.kind, take_kind)
ON_TITLE = onward(EventEditSG.title)
ON_VENUE = onward(EventEditSG.venue)
ON_DATE = onward(EventEditSG.date, take_date)
ON_TIME = onward(EventEditSG.time, take_time)
ON_WEEKLY = onward(EventEditSG.weekly)


async def on_time_picked(event: CallbackQuery, widget, manager: DialogManager, at: time | None) -> None:
    """TimeSelect: the hour, then the minute; the step is done when both are there."""
    if at is None:
        return
    widget.widget.set_widget_data(manager, [None, None])
    await ON_TIME(event, widget, manager, at)


async def on_weekly(event: CallbackQuery, button: Button, manager: DialogManager) -> None:
    manager.dialog_data["weekly"] = button.widget_id == "weekly_yes"
    await ON_WEEKLY(event, button, manager)


async def on_review(event: CallbackQuery, button, manager: DialogManager) -> None:
    manager.dialog_data[REVIEW] = True


async def on_leave_review(event: CallbackQuery, button, manager: DialogManager) -> None:
    manager.dialog_data.pop(REVIEW, None)  # Back from the summary walks the steps back


# --- the getters ------------------------------------------------------------------------------


async def draft_getter(dialog_manager: DialogManager, **kwargs) -> dict:
    data = dialog_manager.dialog_data
    return draft_view(draft(dialog_manager), tr_of(dialog_manager), editing=bool(data.get("editing")),
                      review=bool(data.get(REVIEW)))


def draft_view(d: dict, tr: Tr, *, editing: bool, review: bool) -> dict:
    """What every window shows of the draft, and where its buttons lead."""
    return {
        "kinds": [(kind, kind_label(kind, tr)) for kind in EVENT_KINDS],
        "kind": kind_label(d["kind"], tr) if d["kind"] else "",
        "title": q(d["title"] or ""),
        "venue": q(d["venue"] or ""),
        "date": tr.date(d["date"]) if d["date"] else "",
        "time": d["time"] or "",
        "weekly": tr("events-weekly-yes") if d["weekly"] else tr("events-weekly-no") if d["weekly"] is not None else "",
        "creating": not editing,
        "editing": editing,
        "review": review,
        "going_on": not review,
        "first": not review,  # the kind step: Close without saving
    }


async def draft_preview(dialog_manager: DialogManager, **kwargs) -> dict:
    return draft_view(PREVIEW_DRAFT, tr_of(dialog_manager), editing=False, review=False)


PREVIEW_DRAFT = {"kind": PREVIEW_EVENT.kind, "title": PREVIEW_EVENT.title, "venue": PREVIEW_EVENT.venue,
                 "date": PREVIEW_EVENT.date.isoformat(), "time": "18:30", "weekly": False}


# --- writing ------------------------------------------------------------------------------------


async def on_create(event: CallbackQuery, button, manager: DialogManager) -> None:
    """Create the event (one per confirmation: the dialog's intent id); a refusal raises, the
    error handler shows it and the summary stays."""
    events.create_event(tg_user_id(manager), event_draft(draft(manager)), club_tz(manager), admins_of(manager),
                        key=manager.current_context().id)
    await event.answer(tr_of(manager)("events-created"))


async def on_save(event: CallbackQuery, button, manager: DialogManager) -> None:
    events.edit_event(tg_user_id(manager), _event_id(manager), event_draft(draft(manager)), club_tz(manager),
                      admins_of(manager))
    wake_notifier(manager)
    await event.answer(tr_of(manager)("events-saved"))


async def cancel_getter(dialog_manager: DialogManager, **kwargs) -> dict:
    event = events.get_event(_event_id(dialog_manager))
    return _cancel_data(event.title, event.date, event.start_time, dialog_manager.find("reason").get_value() or "",
                        tr_of(dialog_manager))


def _cancel_data(title: str, day, at, reason: str, tr: Tr) -> dict:
    return {"title": q(title), "when": event_when(day, at, tr), "reason": q(reason)}


async def on_cancel_event(event: CallbackQuery, button, manager: DialogManager) -> None:
    """Cancel the event; the dialog closes either way (refused: the alert says why)."""
    try:
        events.cancel_event(tg_user_id(manager), _event_id(manager), manager.find("reason").get_value() or "",
                            club_tz(manager), admins_of(manager))
    except DomainError as exc:
        await show_error(event, exc)
        return
    wake_notifier(manager)
    await event.answer(tr_of(manager)("events-cancelled"))


# --- the windows --------------------------------------------------------------------------------


def step_back(previous) -> Row:
    """Back from a step: to the summary when it was opened from there, else `previous`."""
    return Row(
        Row(back_to(EventEditSG.summary, id="back_r"), when="review"),
        Row(previous, when="going_on"),
        quit_without_saving(),
    )


def go_on(field: str) -> Next:
    """➡️ Next, keeping the value the step holds (on the way through, not from the summary)."""
    return Next(T(NEXT), id="next", when=F["going_on"] & F[field])


def edit(key: str, id: str, state) -> SwitchTo:  # noqa: A002 - aiogram-dialog's parameter name
    """A field of the summary (its label: catalog `key`): opens its step, which comes back."""
    return SwitchTo(T(key), id=id, state=state, on_click=on_review)


def step(state, field: str, *inputs, first: bool = False) -> Window:
    """A step of the draft: its question (`events-<field>-question`), the value it holds, what
    gives it a value (`inputs`), ➡️ Next on the way through, and Back (the first step: none)."""
    return Window(
        T(f"events-{field}-question"),
        now(field),
        *inputs,
        go_on(field),
        Row(back_to(EventEditSG.summary, id="back_r", when="review"), quit_without_saving()) if first
        else step_back(back()),
        state=state,
    )


def _step_windows() -> list[Window]:
    return [
        step(EventEditSG.kind, "kind",
             Column(Select(Format("{item[1]}"), id="kinds", item_id_getter=lambda item: item[0], items="kinds",
                           on_click=ON_KIND)), first=True),
        step(EventEditSG.title, "title",
             TextField(id="title", type_factory=events.validate_title, on_success=ON_TITLE, on_error=on_input_error)),
        step(EventEditSG.venue, "venue",
             TextField(id="venue", type_factory=events.validate_venue, on_success=ON_VENUE, on_error=on_input_error)),
        step(EventEditSG.date, "date", ClubCalendar(id="cal", on_click=ON_DATE)),
        step(EventEditSG.time, "time",
             TextField(id="time_t", type_factory=trips.parse_time, on_success=ON_TIME, on_error=on_input_error),
             TimeSelect(id="tsel", on_value_changed=on_time_picked, hour_header=T("events-hour"),
                        minute_header=T("events-minute"))),
        step(EventEditSG.weekly, "weekly",
             Row(Button(T("events-weekly-yes"), id="weekly_yes", on_click=on_weekly),
                 Button(T("events-weekly-no"), id="weekly_no", on_click=on_weekly))),
    ]


def _summary_window() -> Window:
    return Window(
        T("events-summary-new", when="creating"),
        T("events-summary-edit", when="editing"),
        T("events-summary-lines"),
        T("events-summary-told", when="editing"),
        Row(edit("events-edit-kind", "e_kind", EventEditSG.kind),
            edit("events-edit-title", "e_title", EventEditSG.title),
            edit("events-edit-venue", "e_venue", EventEditSG.venue)),
        Row(edit("events-edit-date", "e_date", EventEditSG.date),
            edit("events-edit-time", "e_time", EventEditSG.time),
            edit("events-edit-weekly", "e_weekly", EventEditSG.weekly)),
        Cancel(T("events-create"), id="create", on_click=on_create, when="creating"),
        Cancel(T("events-save"), id="save", on_click=on_save, when="editing"),
        Row(Back(T("back"), id="back", on_click=on_leave_review, when="creating"), quit_without_saving()),
        state=EventEditSG.summary,
    )


def _cancel_window() -> Window:
    return Window(
        T("events-cancel-title"),
        T("events-cancel-told"),
        T("events-cancel-reason", when="reason"),
        T("events-cancel-hint", when=~F["reason"]),
        TextField(id="reason", type_factory=validate_reason, on_error=on_input_error),
        Row(close(), Cancel(T("events-cancel-yes"), id="yes", on_click=on_cancel_event)),
        getter=cancel_getter,
        state=EventEditSG.cancel,
        preview_data=localized_preview(lambda tr: _cancel_data(
            PREVIEW_EVENT.title, PREVIEW_EVENT.date, PREVIEW_EVENT.start_time, "the game was moved", tr)),
    )


def build_event_edit_dialog() -> Dialog:
    return Dialog(
        *_step_windows(),
        _summary_window(),
        _cancel_window(),
        on_start=on_start,
        getter=draft_getter,
        preview_data=draft_preview,
    )

