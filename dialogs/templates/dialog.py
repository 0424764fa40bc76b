"""/templates: the list, a template's card (Use, Rename, Delete), a new one from scratch; and
saving a trip (or the wizard's draft) as a template, where a name already taken is answered in
the same window: replace that template, or send another name.

Every jump is a widget; handlers only call `models.templates`.

A template saved from a trip to a weekly club event keeps the event's series (issue #21): its
card names the series' next occurrence, and "Use" takes that date, straight to the wizard's
summary.
"""

from __future__ import annotations

from datetime import date, time

from aiogram import F
from aiogram.types import CallbackQuery, Message
from aiogram_dialog import Dialog, DialogManager, LaunchMode, Window
from aiogram_dialog.widgets.kbd import Button, Row, Start, SwitchTo
from aiogram_dialog.widgets.text import Format

from models import DomainError, LimitReached, NameTaken, queries, templates

from ..common import on_input_error, q, short, show_error, tg_user_id
from ..i18n import T, Tr, localized_preview, tr_of
from ..pickups.dialog import PREVIEW_POINTS, listing
from ..states import NewTripSG, SaveTemplateSG, TemplatesSG
from ..trips.render import BUTTON_MAX
from ..widgets import (
    ItemSwitchTo, StartWithData, TextField, back_to, close, confirm_window, go_to,
)

# --- saving: start data {"trip_id": id} or {"draft": {...}}; result {"saved": id | None} ------------


def _draft(manager: DialogManager, name: str) -> templates.TemplateDraft:
    data = manager.start_data or {}
    if "trip_id" in data:
        return templates.draft_from_trip(tg_user_id(manager), int(data["trip_id"]), name)
    d = data["draft"]
    return templates.TemplateDraft(
        name=name, destination=d["destination"], seats=d["seats"], comment=d.get("comment", ""),
        pickups=[(p["address"], time.fromisoformat(p["time"])) for p in d["pickups"]],
    )


async def _save(event: Message | CallbackQuery, manager: DialogManager, *, replace: bool) -> None:
    manager.dialog_data.pop("clash", None)
    name = manager.find("name").get_value()
    try:
        template = templates.save_template(tg_user_id(manager), _draft(manager, name), replace=replace,
                                           key=manager.current_context().id)  # one save per dialog
    except NameTaken:
        manager.dialog_data["clash"] = True  # this window asks: replace it, or another name
        return
    except LimitReached as exc:  # nothing to do here but say so
        await show_error(event, exc)
        saved = None
    except DomainError as exc:
        await show_error(event, exc)
        return
    else:
        tr = tr_of(manager)
        if isinstance(event, CallbackQuery):  # an alert: plain text
            await event.answer(tr("templates-saved", name=template.name))
        else:
            await event.answer(tr("templates-saved", name=q(template.name)))
        saved = template.id
    await manager.done({"saved": saved})


async def on_name(message: Message, widget, manager: DialogManager, name: str) -> None:
    await _save(message, manager, replace=False)


async def on_replace(event: CallbackQuery, button, manager: DialogManager) -> None:
    await _save(event, manager, replace=True)


async def on_other_name(event: CallbackQuery, button, manager: DialogManager) -> None:
    manager.dialog_data.pop("clash", None)


async def save_getter(dialog_manager: DialogManager, **kwargs) -> dict:
    name = dialog_manager.find("name").get_value() or ""
    return {"name": q(name), "max": templates.NAME_MAX, "clash": bool(dialog_manager.dialog_data.get("clash"))}


def build_save_template_dialog() -> Dialog:
    return Dialog(
        Window(
            T("templates-save-ask", when=~F["clash"]),
            T("templates-save-clash", when="clash"),
            TextField(id="name", type_factory=templates.validate_name, on_success=on_name, on_error=on_input_error),
            Row(
                Button(T("templates-save-other"), id="other", on_click=on_other_name),
                Button(T("templates-save-replace"), id="replace", on_click=on_replace),
                when="clash",
            ),
            close(),
            getter=save_getter,
            state=SaveTemplateSG.name,
            preview_data={"name": "Tuesday training", "max": templates.NAME_MAX, "clash": True},
        ),
    )


# --- managing ----------------------------------------------------------------------------------


def template_items(telegram_id: int) -> list[tuple[int, str]]:
    """The driver's templates as (id, name as much as fits a button after "📋 ")."""
    return [(t.id, short(t.name, BUTTON_MAX - 2)) for t in queries.list_templates(telegram_id)]


async def list_getter(dialog_manager: DialogManager, **kwargs) -> dict:
    return _list_data(template_items(tg_user_id(dialog_manager)))


def _list_data(items: list[tuple[int, str]]) -> dict:
    return {
        "templates": items,
        "count": len(items),
        "max": templates.TEMPLATES_MAX,
        "empty": not items,
        "can_add": len(items) < templates.TEMPLATES_MAX,
        "full": len(items) >= templates.TEMPLATES_MAX,
    }


async def on_template(event: CallbackQuery, widget, manager: DialogManager, template_id: int) -> None:
    queries.template(tg_user_id(manager), template_id)  # the owner only, whatever was pressed
    manager.dialog_data["template_id"] = template_id


def _template_id(manager: DialogManager) -> int:
    return int(manager.dialog_data.get("template_id", 0))


def use_template(manager: DialogManager) -> dict:
    """The wizard's start data: everything but the date from this template."""
    return {"template_id": _template_id(manager)}


async def card_getter(dialog_manager: DialogManager, **kwargs) -> dict:
    template, points = queries.template(tg_user_id(dialog_manager), _template_id(dialog_manager))
    upcoming = queries.next_in_series(template.event_id) if template.event_id else None
    return _card_data(template.name, template.destination, template.seats, template.comment,
                      [{"address": p.address, "time": f"{p.time:%H:%M}"} for p in points], tr_of(dialog_manager),
                      event=(upcoming.title, upcoming.date) if upcoming else None)


def _card_data(name, destination, seats, comment, points, tr: Tr, event: tuple[str, date] | None = None) -> dict:
    """`event`: the title and date of the next occurrence of the template's weekly event."""
    return {
        "name": q(name),
        "destination": q(destination),
        "seats": seats,
        "pickups": listing(points),
        "comment": q(comment),
        "max": templates.NAME_MAX,
        "weekly": event is not None,
        "any_day": event is None,
        "title": q(event[0]) if event else "",
        "day": tr.day(event[1]) if event else "",
    }


async def rename(message: Message, widget, manager: DialogManager, name: str) -> None:
    templates.rename_template(tg_user_id(manager), _template_id(manager), name)


async def on_delete(event: CallbackQuery, button, manager: DialogManager) -> None:
    templates.delete_template(tg_user_id(manager), _template_id(manager))
    await event.answer(tr_of(manager)("templates-deleted"))


CARD_PREVIEW = localized_preview(lambda tr: _card_data(
    "Tuesday training", "Club gym", 3, "Bring the ball bag, please.", PREVIEW_POINTS, tr,
    event=("Tuesday training", date(2026, 12, 8))))
ON_CARD = {"getter": card_getter, "preview_data": CARD_PREVIEW}  # the card and the windows acting on it


def build_templates_dialog() -> Dialog:
    return Dialog(
        Window(
            T("templates-list-title"),
            T("templates-list-empty", when="empty"),
            T("templates-list-full", when="full"),
            ItemSwitchTo("tpl", "templates", TemplatesSG.card, on_click=on_template, label="📋 {item[1]}"),
            Start(T("templates-new"), id="new", state=NewTripSG.destination, data={"mode": "template"},
                  when="can_add"),
            close(),
            getter=list_getter,
            state=TemplatesSG.list,
            preview_data=_list_data([(1, "Tuesday training"), (2, "Cup final")]),
        ),
        Window(
            Format("📋 <b>{name}</b>\n"),
            Format("🏁 {destination}"),
            T("templates-card-seats"),
            T("templates-card-pickups"),
            Format("💬 {comment}", when="comment"),
            T("templates-card-event", when="weekly"),
            StartWithData(T("templates-use"), "use", NewTripSG.date, data=use_template, when="any_day"),
            StartWithData(T("templates-use-event"), "use_ev", NewTripSG.summary, data=use_template, when="weekly"),
            Row(
                SwitchTo(T("templates-rename"), id="rename", state=TemplatesSG.rename),
                SwitchTo(T("templates-delete"), id="delete", state=TemplatesSG.delete),
            ),
            back_to(TemplatesSG.list),
            state=TemplatesSG.card,
            **ON_CARD,
        ),
        Window(
            T("templates-rename-ask"),
            TextField(id="rename", type_factory=templates.validate_name, on_success=go_to(TemplatesSG.card, rename),
                      on_error=on_input_error),
            back_to(TemplatesSG.card),
            state=TemplatesSG.rename,
            **ON_CARD,
        ),
        confirm_window(
            T("templates-delete-ask"),
            SwitchTo(T("templates-delete-yes"), id="yes", state=TemplatesSG.list, on_click=on_delete),
            TemplatesSG.delete,
            no=back_to(TemplatesSG.card),
            **ON_CARD,
        ),
        launch_mode=LaunchMode.SINGLE_TOP,
    )
