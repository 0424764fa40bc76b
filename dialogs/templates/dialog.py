"""/templates: list, card (Use, Rename, Delete), create from scratch; and saving a
trip (or the wizard's draft) as a template, with the name clash handled both ways."""

from __future__ import annotations

from datetime import time

from aiogram.types import CallbackQuery, Message
from aiogram_dialog import Data, Dialog, DialogManager, LaunchMode, Window
from aiogram_dialog.widgets.input import ManagedTextInput, TextInput
from aiogram_dialog.widgets.kbd import Button, Cancel, Column, Row, Select, SwitchTo
from aiogram_dialog.widgets.text import Const, Format

from models import DomainError, templates

from ..common import BACK, PreviewStart, PreviewSwitchTo, on_input_error, q, show_error, text_only_guard, tg_user_id
from ..pickups.dialog import PREVIEW_POINTS, _listing
from ..states import NewTripSG, SaveTemplateSG, TemplatesSG

# --- saving -------------------------------------------------------------------------------


async def start_save_from_trip(manager: DialogManager, trip_id: int) -> None:
    await manager.start(SaveTemplateSG.name, data={"trip_id": trip_id})


def _draft(manager: DialogManager, name: str) -> templates.TemplateDraft:
    data = manager.start_data or {}
    if "trip_id" in data:
        return templates.draft_from_trip(tg_user_id(manager), int(data["trip_id"]), name)
    d = data["draft"]
    return templates.TemplateDraft(
        name=name, destination=d["destination"], seats=d["seats"], comment=d.get("comment", ""),
        pickups=[(p["address"], time.fromisoformat(p["time"])) for p in d["pickups"]],
    )


async def _save(event, manager: DialogManager, name: str, replace: bool) -> None:
    try:
        template = templates.save_template(tg_user_id(manager), _draft(manager, name), replace=replace,
                                           key=manager.current_context().id)  # one save per dialog
    except templates.NameTaken:
        manager.dialog_data["name"] = name
        await manager.switch_to(SaveTemplateSG.clash)
        return
    except DomainError as exc:
        await show_error(event, exc)
        if isinstance(exc, templates.ValidationError) and "most there can be" in str(exc):
            await manager.done({"saved": None})
        return
    text = f"💾 Saved as template “{template.name}”. Use it from /templates."
    if isinstance(event, CallbackQuery):
        await event.answer(text)
    else:
        await event.answer(q(text))
    await manager.done({"saved": template.id})


async def on_name(message: Message, widget: ManagedTextInput, manager: DialogManager, name: str) -> None:
    await _save(message, manager, name, replace=False)


async def on_replace(event: CallbackQuery, button: Button, manager: DialogManager) -> None:
    await _save(event, manager, manager.dialog_data.get("name", ""), replace=True)


async def save_getter(dialog_manager: DialogManager, **kwargs) -> dict:
    return {"name": q(dialog_manager.dialog_data.get("name", "")), "max": templates.NAME_MAX}


def build_save_template_dialog() -> Dialog:
    name_input = lambda: TextInput(id="name", type_factory=templates.validate_name,  # noqa: E731
                                   on_success=on_name, on_error=on_input_error)
    return Dialog(
        Window(
            Format("💾 Send a <b>name</b> for this template (1–{max} characters), e.g. <i>Tuesday training</i>."),
            name_input(),
            text_only_guard(),
            Cancel(BACK, id="back"),
            getter=save_getter,
            state=SaveTemplateSG.name,
            preview_data={"name": "", "max": templates.NAME_MAX},
            preview_add_transitions=[PreviewSwitchTo(SaveTemplateSG.clash), Cancel()],
        ),
        Window(
            Format("You already have a template called “{name}”. Replace it, or send another name."),
            name_input(),
            text_only_guard(),
            Row(
                SwitchTo(Const("✏️ Another name"), id="other", state=SaveTemplateSG.name),
                Button(Const("♻️ Replace it"), id="replace", on_click=on_replace),
            ),
            Cancel(Const("✖️ Cancel"), id="cancel"),
            getter=save_getter,
            state=SaveTemplateSG.clash,
            preview_data={"name": "Tuesday training", "max": templates.NAME_MAX},
            preview_add_transitions=[PreviewSwitchTo(SaveTemplateSG.clash), Cancel()],
        ),
    )


# --- managing -----------------------------------------------------------------------------


async def list_getter(dialog_manager: DialogManager, **kwargs) -> dict:
    from models import trips

    items = trips.list_templates(tg_user_id(dialog_manager))
    return _list_data([(t.id, t.name) for t in items])


def _list_data(items: list[tuple[int, str]]) -> dict:
    return {
        "templates": items,
        "count": len(items),
        "max": templates.TEMPLATES_MAX,
        "empty": not items,
        "can_add": len(items) < templates.TEMPLATES_MAX,
        "full": len(items) >= templates.TEMPLATES_MAX,
    }


async def on_template(event: CallbackQuery, widget, manager: DialogManager, item_id: int) -> None:
    try:
        templates.get_template(tg_user_id(manager), int(item_id))  # the owner only, whatever was pressed
    except DomainError as exc:
        await show_error(event, exc)
        return
    manager.dialog_data["template_id"] = int(item_id)
    await manager.switch_to(TemplatesSG.card)


async def on_new(event: CallbackQuery, button: Button, manager: DialogManager) -> None:
    await manager.start(NewTripSG.destination, data={"mode": "template"})


def _template_id(manager: DialogManager) -> int:
    return int(manager.dialog_data.get("template_id", 0))


async def card_getter(dialog_manager: DialogManager, **kwargs) -> dict:
    template, points = templates.get_template(tg_user_id(dialog_manager), _template_id(dialog_manager))
    return _card_data(template.name, template.destination, template.seats, template.comment,
                      [{"address": p.address, "time": f"{p.time:%H:%M}"} for p in points])


def _card_data(name, destination, seats, comment, points) -> dict:
    return {
        "name": q(name),
        "destination": q(destination),
        "seats": seats,
        "pickups": _listing(points),
        "comment": q(comment or "—"),
    }


async def on_use(event: CallbackQuery, button: Button, manager: DialogManager) -> None:
    await manager.start(NewTripSG.date, data={"template_id": _template_id(manager)})


async def on_rename(message: Message, widget: ManagedTextInput, manager: DialogManager, name: str) -> None:
    try:
        templates.rename_template(tg_user_id(manager), _template_id(manager), name)
    except DomainError as exc:
        await show_error(message, exc)
        return
    await manager.switch_to(TemplatesSG.card)


async def on_delete(event: CallbackQuery, button: Button, manager: DialogManager) -> None:
    if not manager.is_preview():
        try:
            templates.delete_template(tg_user_id(manager), _template_id(manager))
        except DomainError as exc:
            await show_error(event, exc)
            await manager.switch_to(TemplatesSG.list)
            return
    await event.answer("Template deleted.")
    await manager.switch_to(TemplatesSG.list)


async def on_trip_made(start_data: Data, result: Data, manager: DialogManager) -> None:
    """Back from the wizard (Use or New): show the list, fresh."""
    await manager.switch_to(TemplatesSG.list)


CARD_PREVIEW = _card_data("Tuesday training", "Club gym", 3, "Leaving right after work", PREVIEW_POINTS)


def build_templates_dialog() -> Dialog:
    return Dialog(
        Window(
            Format("📋 <b>Your templates</b> ({count}/{max})"),
            Const("No templates yet. Save one from a trip card, or create one here.", when="empty"),
            Const("That is the most you can have: delete one to add another.", when="full"),
            Column(
                Select(Format("📋 {item[1]}"), id="tpl", item_id_getter=lambda item: item[0], items="templates",
                       type_factory=int, on_click=on_template),
            ),
            Button(Const("➕ New template"), id="new", on_click=on_new, when="can_add"),
            Cancel(BACK, id="back"),
            getter=list_getter,
            state=TemplatesSG.list,
            on_process_result=on_trip_made,
            preview_data=_list_data([(1, "Tuesday training"), (2, "Saturday game")]),
            preview_add_transitions=[PreviewSwitchTo(TemplatesSG.card), PreviewStart(NewTripSG.destination)],
        ),
        Window(
            Format("📋 <b>{name}</b>\n"),
            Format("🏁 {destination}"),
            Format("💺 {seats} seats"),
            Format("📍 Pickup points:\n{pickups}"),
            Format("💬 {comment}"),
            Button(Const("🚗 Use: pick a date"), id="use", on_click=on_use),
            Row(
                SwitchTo(Const("✏️ Rename"), id="rename", state=TemplatesSG.rename),
                SwitchTo(Const("🗑 Delete"), id="delete", state=TemplatesSG.delete),
            ),
            SwitchTo(BACK, id="back", state=TemplatesSG.list),
            getter=card_getter,
            state=TemplatesSG.card,
            on_process_result=on_trip_made,
            preview_data=CARD_PREVIEW,
            preview_add_transitions=[PreviewStart(NewTripSG.date), PreviewSwitchTo(TemplatesSG.list)],
        ),
        Window(
            Format("✏️ Send the new name for “{name}” (1–40 characters)."),
            TextInput(id="rename", type_factory=templates.validate_name, on_success=on_rename,
                      on_error=on_input_error),
            text_only_guard(),
            SwitchTo(BACK, id="back", state=TemplatesSG.card),
            getter=card_getter,
            state=TemplatesSG.rename,
            preview_data=CARD_PREVIEW,
            preview_add_transitions=[PreviewSwitchTo(TemplatesSG.card)],
        ),
        Window(
            Format("🗑 Delete the template “{name}”? Trips made from it stay as they are."),
            Row(
                SwitchTo(BACK, id="back", state=TemplatesSG.card),
                Button(Const("🗑 Yes, delete"), id="yes", on_click=on_delete),
            ),
            getter=card_getter,
            state=TemplatesSG.delete,
            preview_data=CARD_PREVIEW,
            preview_add_transitions=[PreviewSwitchTo(TemplatesSG.list)],
        ),
        launch_mode=LaunchMode.SINGLE_TOP,
    )
