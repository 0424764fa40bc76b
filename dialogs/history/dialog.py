"""Past trips: the player's cancelled and done trips (driven or ridden), last 20, five
a page; an item opens the usual trip card, which shows the trip's status."""

from __future__ import annotations

from datetime import date, time, timedelta

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message
from aiogram_dialog import Dialog, DialogManager, LaunchMode, Window
from aiogram_dialog.widgets.kbd import Button, Cancel, Column, Row, Select
from aiogram_dialog.widgets.text import Const, Format

from models import TRIP_CANCELLED, TRIP_DONE, lifecycle
from models.lifecycle import PastRow

from ..common import BACK, PreviewStart, tg_user_id
from ..menu.commands import _known, _on_top_of_menu
from ..states import PastSG, TripSG
from ..trips import open_trip

PAGE = lifecycle.HISTORY_PAGE


def _label(r: PastRow) -> str:
    mark = "❌" if r.status == TRIP_CANCELLED else "🏁"
    at = f" {r.first_pickup:%H:%M}" if r.first_pickup else ""
    role = "🚗" if r.as_driver else "🙋"
    return f"{mark} {r.destination[:30]} · {r.departure_date:%d %b %Y}{at} · {role}"


def _past_data(rows: list[PastRow], total: int, page: int) -> dict:
    pages = max((total + PAGE - 1) // PAGE, 1)
    return {
        "trips": [(r.trip_id, _label(r)) for r in rows],
        "empty": total == 0,
        "page_info": f"page {page + 1} of {pages}" if pages > 1 else "",
        "has_prev": page > 0,
        "has_next": page + 1 < pages,
    }


async def past_getter(dialog_manager: DialogManager, **kwargs) -> dict:
    page = dialog_manager.dialog_data.get("page", 0)
    rows, total = lifecycle.past_trips(tg_user_id(dialog_manager), page)
    if not rows and page > 0:  # the list changed under the user: show its last page
        page = dialog_manager.dialog_data["page"] = max((total + PAGE - 1) // PAGE - 1, 0)
        rows, total = lifecycle.past_trips(tg_user_id(dialog_manager), page)
    return _past_data(rows, total, page)


async def on_page(event: CallbackQuery, button: Button, manager: DialogManager) -> None:
    step = 1 if button.widget_id == "next" else -1
    manager.dialog_data["page"] = max(manager.dialog_data.get("page", 0) + step, 0)


async def on_past_selected(event: CallbackQuery, widget, manager: DialogManager, item_id: int) -> None:
    await open_trip(manager, int(item_id))


def _preview() -> dict:
    day = date.today() - timedelta(days=3)
    rows = [
        PastRow(42, "Away game at Riverside Arena", day, time(17, 45), TRIP_DONE, True),
        PastRow(41, "Tuesday training", day - timedelta(days=4), time(18, 30), TRIP_CANCELLED, False),
    ]
    return _past_data(rows, 7, 0)


def build_past_dialog() -> Dialog:
    return Dialog(
        Window(
            Const("🕘 <b>Past trips</b> (🚗 you drove, 🙋 you rode; ❌ cancelled, 🏁 done)"),
            Const("Nothing here yet: trips you drove or rode in appear once they are over or cancelled.",
                  when="empty"),
            Format("{page_info}", when="page_info"),
            Column(
                Select(Format("{item[1]}"), id="past", item_id_getter=lambda item: item[0], items="trips",
                       type_factory=int, on_click=on_past_selected),
            ),
            Row(
                Button(Const("◀️ Previous"), id="prev", on_click=on_page, when="has_prev"),
                Button(Const("Next ▶️"), id="next", on_click=on_page, when="has_next"),
            ),
            Cancel(BACK, id="back"),
            getter=past_getter,
            state=PastSG.list,
            preview_data=_preview(),
            preview_add_transitions=[PreviewStart(TripSG.card)],
        ),
        launch_mode=LaunchMode.SINGLE_TOP,
    )


def build_history_commands_router() -> Router:
    """/history. Included before the dialogs, so it works from inside any of them."""
    router = Router(name="history_commands")
    router.message.filter(F.chat.type == "private")

    @router.message(Command("history"))
    async def cmd_history(message: Message, dialog_manager: DialogManager) -> None:
        if await _known(message):
            await _on_top_of_menu(dialog_manager, PastSG.list)

    return router
