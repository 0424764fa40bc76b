"""Past trips: the player's cancelled and done trips (driven or ridden), last 20, five
a page; an item opens the usual trip card, which shows the trip's status."""

from __future__ import annotations

from datetime import date, time, timedelta

from aiogram_dialog import Dialog, DialogManager

from models import TRIP_CANCELLED, TRIP_DONE, queries
from models.queries import PastRow

from ..common import q, tg_user_id
from ..i18n import Tr, localized_preview, tr_of
from ..states import PastSG
from ..trips import open_card, trip_list
from ..trips.render import button, when
from ..widgets import page_data, paged


def _marks(r: PastRow) -> tuple[str, str]:
    return "❌" if r.status == TRIP_CANCELLED else "🏁", "🚗" if r.as_driver else "🙋"


def _past_data(rows: list[PastRow], pages: dict, tr: Tr) -> dict:
    """The buttons name the trip (❌ cancelled, 🏁 done … 🚗 you drove, 🙋 you rode); the
    text gives each one's date and time, which a phone would cut off a button."""
    def entry(r: PastRow) -> str:
        mark, role = _marks(r)
        return f"{mark} <b>{q(r.destination)}</b> — {when(r.departure_date, r.first_pickup, tr, year=True)} · {role}"

    def label(r: PastRow) -> str:
        mark, role = _marks(r)
        return button(mark, r.destination, f" · {role}")

    return {
        "trips": [(r.trip_id, label(r)) for r in rows],
        "listing": "\n".join(entry(r) for r in rows),
        "empty": not rows,
        **pages,
    }


async def past_getter(dialog_manager: DialogManager, **kwargs) -> dict:
    tid = tg_user_id(dialog_manager)
    rows, _, pages = await paged(dialog_manager, "page", lambda n: queries.past_trips(tid, n), queries.HISTORY_PAGE)
    return _past_data(rows, pages, tr_of(dialog_manager))


def _preview(tr: Tr) -> dict:
    day = date.today() - timedelta(days=3)
    rows = [
        PastRow(42, "Away game at Riverside Arena", day, time(17, 45), TRIP_DONE, True),
        PastRow(41, "Tuesday training", day - timedelta(days=4), time(18, 30), TRIP_CANCELLED, False),
    ]
    return _past_data(rows, page_data(0, 2, tr), tr)


def build_past_dialog() -> Dialog:
    return trip_list(PastSG.list, "history-title", "history-empty", open_card("past", "trips"),
                     getter=past_getter, preview_data=localized_preview(_preview))

