"""The club's events (issue #21): the list, the event card, asking for a ride, alerts.

The card (opened from the list, or straight from a notification with `{"event_id": id}` as
start data) shows when and where, the cars going (a button each opens that trip's card, where
Join is) and who still needs a ride; and the player's ways to go: "🙋 I need a ride" (an
optional area typed, or ✅ Ask for a ride: two taps from the card), "🚗 I'm driving" (the trip
wizard with the event filled in), "✋ I go on my own", "🔔 Tell me about new trips". Club admins
also get "✏️ Edit" and "❌ Cancel event" (dialogs/events/edit.py) and, on the list, "➕ New event".

A ride somewhere that is no event (a place and a day) is asked from the list; alerts of new
trips to a place on a weekday are kept in "🔔 My alerts". Every jump is a widget; the
operations (models.requests, models.events) check who acts and refuse with a reason.
"""

from __future__ import annotations

from datetime import date

from aiogram.types import CallbackQuery
from aiogram_dialog import Data, Dialog, DialogManager, LaunchMode, Window
from aiogram_dialog.widgets.kbd import Button, Group, Next, Row, Select, Start, SwitchTo
from aiogram_dialog.widgets.text import Format

from models import events, queries, requests, trips, users

from ..common import club_tz, on_input_error, q, tg_user_id, wake_notifier
from ..i18n import T, Tr, localized_preview, tr_of
from ..states import EventEditSG, EventsSG, NewTripSG
from ..trips.dialog import open_card
from ..widgets import NEXT, ItemSwitchTo, StartWithData, TextField, back, back_to, close, go_to
from ..wizard.calendar import ClubCalendar
from .render import (
    ANY_DAY, admins_of, alert_button, alert_entry, car_button, card_text, event_button, event_when, events_listing,
    is_admin, now, preview_alerts, preview_card, preview_rows, weekday_choices, weekday_name,
)

MODE = "mode"  # what the request window asks for: "event" (the card's) or "free" (a place and a day)


def _event_id(manager: DialogManager) -> int:
    return int(manager.dialog_data["event_id"])


async def on_start(start_data: Data, manager: DialogManager) -> None:
    """Opened on the card (a notification's "Open event", `{"event_id": id}`): Back closes it."""
    start = start_data if isinstance(start_data, dict) else {}
    if start.get("event_id") is not None:
        manager.dialog_data.update(event_id=queries.event(int(start["event_id"])).id, direct=True)


# --- the list ---------------------------------------------------------------------------------


async def list_getter(dialog_manager: DialogManager, **kwargs) -> dict:
    tid = tg_user_id(dialog_manager)
    return _list_data(queries.upcoming_events(), is_admin(dialog_manager, tid), tr_of(dialog_manager))


def _list_data(rows: list[queries.EventRow], admin: bool, tr: Tr) -> dict:
    return {
        "events": [(row.id, event_button(row.kind, row.date, row.title, tr)) for row in rows],
        "listing": events_listing(rows, tr),
        "empty": not rows,
        "is_admin": admin,
    }


async def on_pick_event(event: CallbackQuery, widget, manager: DialogManager, event_id: int) -> None:
    """A list's event: a forged or stale id is refused (NotFound) before the card opens."""
    manager.dialog_data.update(event_id=queries.event(event_id).id, direct=False)


async def only_admins(event: CallbackQuery, button, manager: DialogManager) -> None:
    """New, Edit and Cancel open for club admins only (the operations check again)."""
    events.require_admin(users.require_user(tg_user_id(manager)), admins_of(manager))


# --- the card ---------------------------------------------------------------------------------


async def card_getter(dialog_manager: DialogManager, **kwargs) -> dict:
    tid = tg_user_id(dialog_manager)
    event_id = _event_id(dialog_manager)
    card = queries.event_card(event_id, tid)
    return _card_data(card, queries.has_alert(tid, event_id), is_admin(dialog_manager, tid),
                      bool(dialog_manager.dialog_data.get("direct")), tr_of(dialog_manager))


def _card_data(card: queries.EventCard, alert: bool, admin: bool, direct: bool, tr: Tr) -> dict:
    live = not card.cancelled and not card.started
    free = live and not card.is_driving and card.my_seat_trip_id is None  # neither driving nor seated
    status = card.my_request.status if card.my_request is not None else None
    return {
        "card": card_text(card, alert, tr),
        "cars": [(t.id, car_button(t, tr)) for t in card.trips],
        "can_ask": free and not card.needs_ride,
        "can_own": free and status != requests.REQUEST_OWN,
        "can_drive": free,
        "can_alert": live and not alert and not card.is_driving,
        "can_manage": admin and live,
        "direct": direct,
        "from_list": not direct,
    }


def _for_event(manager: DialogManager) -> dict:
    return {"event_id": _event_id(manager)}


async def on_own(event: CallbackQuery, button, manager: DialogManager) -> None:
    requests.going_alone(tg_user_id(manager), _event_id(manager))
    await event.answer(tr_of(manager)("events-own-done"))


async def on_alert(event: CallbackQuery, button, manager: DialogManager) -> None:
    requests.add_alert(tg_user_id(manager), event_id=_event_id(manager))
    await event.answer(tr_of(manager)("events-alert-done"))


# --- asking for a ride: to the card's event, or to a place on a day ------------------------------


async def on_event_request(event: CallbackQuery, button, manager: DialogManager) -> None:
    manager.dialog_data[MODE] = "event"


async def on_free_request(event: CallbackQuery, button, manager: DialogManager) -> None:
    manager.dialog_data[MODE] = "free"


async def request_getter(dialog_manager: DialogManager, **kwargs) -> dict:
    tr = tr_of(dialog_manager)
    data = dialog_manager.dialog_data
    if data.get(MODE) == "free":
        destination = dialog_manager.find("free_dest").get_value() or ""
        return _request_data(q(destination), tr.date(data["free_date"]) if data.get("free_date") else "", False)
    event = queries.event(_event_id(dialog_manager))
    return _request_data(q(event.title), event_when(event.date, event.start_time, tr), True)


def _request_data(title: str, when: str, for_event: bool) -> dict:
    return {"title": title, "when": when, "for_event": for_event, "for_free": not for_event}


async def _asked(event, manager: DialogManager, key: str) -> None:
    """A press is answered with a toast; a typed area needs none (the next window says it)."""
    if isinstance(event, CallbackQuery):
        await event.answer(tr_of(manager)(key))


async def ask_event(event, widget, manager: DialogManager, area: str = "") -> None:
    requests.request_ride(tg_user_id(manager), _event_id(manager), area)
    wake_notifier(manager)  # the drivers going there are told
    await _asked(event, manager, "events-asked")


async def ask_free(event, widget, manager: DialogManager, area: str = "") -> None:
    requests.request_free(tg_user_id(manager), date.fromisoformat(manager.dialog_data["free_date"]),
                          manager.find("free_dest").get_value() or "", area, club_tz(manager))
    await _asked(event, manager, "events-asked-free")


_area_for_event = go_to(EventsSG.card, ask_event)
_area_for_free = go_to(EventsSG.list, ask_free)


async def on_area(message, widget, manager: DialogManager, area: str) -> None:
    """A typed area: asked at once, as ✅ Ask for a ride would (refused: said, the window stays)."""
    handler = _area_for_free if manager.dialog_data.get(MODE) == "free" else _area_for_event
    await handler(message, widget, manager, area)


async def take_free_date(event: CallbackQuery, widget, manager: DialogManager, day: date) -> None:
    manager.dialog_data["free_date"] = trips.validate_date(day, club_tz(manager)).isoformat()


# --- alerts -------------------------------------------------------------------------------------


async def alerts_getter(dialog_manager: DialogManager, **kwargs) -> dict:
    return _alerts_data(queries.my_alerts(tg_user_id(dialog_manager)), tr_of(dialog_manager))


ALERTS_SHOWN = 25  # alerts listed (each at most ~130 characters), and their buttons; then "+N more"


def _alerts_data(alerts: list[queries.AlertRow], tr: Tr) -> dict:
    shown = alerts[:ALERTS_SHOWN]
    more = [tr("events-more", n=len(alerts) - len(shown))] if len(alerts) > len(shown) else []
    return {
        "alerts": [(a.id, alert_button(a, tr)) for a in shown],
        "listing": "\n".join([alert_entry(a, tr) for a in shown] + more),
        "empty": not alerts,
    }


async def on_remove_alert(event: CallbackQuery, widget, manager: DialogManager, alert_id: int) -> None:
    requests.remove_alert(tg_user_id(manager), alert_id)
    await event.answer(tr_of(manager)("events-alert-removed"))


async def place_getter(dialog_manager: DialogManager, **kwargs) -> dict:
    return {"place": q(dialog_manager.find("alert_dest").get_value() or ""),
            "days": weekday_choices(tr_of(dialog_manager))}


async def add_place_alert(event: CallbackQuery, widget, manager: DialogManager, day: int) -> None:
    weekday = None if day == ANY_DAY else day
    requests.add_alert(tg_user_id(manager), destination=manager.find("alert_dest").get_value() or "",
                       weekday=weekday)
    await event.answer(tr_of(manager)("events-alert-added", day=weekday_name(weekday, tr_of(manager))))


# --- the windows --------------------------------------------------------------------------------


def _list_window() -> Window:
    return Window(
        T("events-list-title"),
        T("events-list-empty", when="empty"),
        Format("{listing}", when="listing"),  # built by the getter, in the player's language
        T("events-list-hint", when="listing"),
        ItemSwitchTo("ev", "events", EventsSG.card, on_click=on_pick_event),
        Start(T("events-new"), id="new", state=EventEditSG.kind, on_click=only_admins, when="is_admin"),
        SwitchTo(T("events-free"), id="free", state=EventsSG.free_place, on_click=on_free_request),
        SwitchTo(T("events-my-alerts"), id="alerts", state=EventsSG.alerts),
        close(),
        getter=list_getter,
        state=EventsSG.list,
        preview_data=localized_preview(lambda tr: _list_data(preview_rows(), True, tr)),
    )


def _card_window() -> Window:
    return Window(
        Format("{card}"),  # built by the getter, in the player's language
        open_card("car", "cars"),
        SwitchTo(T("events-need-ride"), id="need", state=EventsSG.request, on_click=on_event_request,
                 when="can_ask"),
        StartWithData(T("events-driving"), "drive", NewTripSG.template, data=_for_event, when="can_drive"),
        Button(T("events-own"), id="own", on_click=on_own, when="can_own"),
        Button(T("events-alert"), id="alert", on_click=on_alert, when="can_alert"),
        Row(StartWithData(T("events-edit"), "edit", EventEditSG.summary, data=_for_event, on_click=only_admins,
                          when="can_manage"),
            StartWithData(T("events-cancel-event"), "cancel", EventEditSG.cancel, data=_for_event,
                          on_click=only_admins, when="can_manage")),
        back_to(EventsSG.list, when="from_list"),
        close("back_out", when="direct"),
        getter=card_getter,
        state=EventsSG.card,
        preview_data=localized_preview(lambda tr: _card_data(preview_card(viewer="new"), False, True, False, tr)),
    )


def _place_window(question: str, input_id: str, ok_id: str, back_state, state) -> Window:
    """A place typed for a ride elsewhere or an alert: the question, what was typed so far,
    ➡️ Next once there is one, ⬅️ Back to where it was asked."""
    async def getter(dialog_manager: DialogManager, **kwargs) -> dict:
        return {"place": q(dialog_manager.find(input_id).get_value() or "")}

    return Window(
        T(question),
        now("place"),
        TextField(id=input_id, type_factory=trips.validate_destination, on_success=Next(id=ok_id),
                  on_error=on_input_error),
        Next(T(NEXT), id="next", when="place"),
        back_to(back_state),
        getter=getter,
        state=state,
        preview_data={"place": ""},
    )


def _request_windows() -> list[Window]:
    return [
        Window(
            T("events-request-event", when="for_event"),
            T("events-request-free", when="for_free"),
            T("events-request-hint"),
            TextField(id="area", type_factory=requests.validate_area, on_success=on_area, on_error=on_input_error),
            SwitchTo(T("events-ask"), id="ask", state=EventsSG.card, on_click=ask_event, when="for_event"),
            SwitchTo(T("events-ask"), id="ask_free", state=EventsSG.list, on_click=ask_free, when="for_free"),
            back_to(EventsSG.card, when="for_event"),
            back_to(EventsSG.free_date, "back_f", when="for_free"),
            getter=request_getter,
            state=EventsSG.request,
            preview_data=localized_preview(lambda tr: _request_data("Cup final", tr.date("2026-12-05") + ", 18:30",
                                                                    True)),
        ),
        _place_window("events-free-place-question", "free_dest", "free_ok", EventsSG.list, EventsSG.free_place),
        Window(
            T("events-free-date-question"),
            now("day"),
            ClubCalendar(id="free_cal", on_click=go_to(EventsSG.request, take_free_date)),
            SwitchTo(T(NEXT), id="next", state=EventsSG.request, when="day"),
            back(),
            getter=free_date_getter,
            state=EventsSG.free_date,
            preview_data={"day": ""},
        ),
    ]


async def free_date_getter(dialog_manager: DialogManager, **kwargs) -> dict:
    day = dialog_manager.dialog_data.get("free_date")
    return {"day": tr_of(dialog_manager).date(day) if day else ""}


def _alert_windows() -> list[Window]:
    return [
        Window(
            T("events-alerts-title"),
            T("events-alerts-empty", when="empty"),
            Format("{listing}", when="listing"),  # built by the getter, in the player's language
            T("events-alerts-remove-hint", when="listing"),
            ItemSwitchTo("rm", "alerts", EventsSG.alerts, on_click=on_remove_alert),
            SwitchTo(T("events-alert-place"), id="add", state=EventsSG.alert_place),
            back_to(EventsSG.list),
            getter=alerts_getter,
            state=EventsSG.alerts,
            preview_data=localized_preview(lambda tr: _alerts_data(preview_alerts(), tr)),
        ),
        _place_window("events-alert-place-question", "alert_dest", "ad_ok", EventsSG.alerts, EventsSG.alert_place),
        Window(
            T("events-alert-day-question"),
            Group(Select(Format("{item[1]}"), id="day", item_id_getter=lambda item: item[0], items="days",
                         type_factory=int, on_click=go_to(EventsSG.alerts, add_place_alert)), width=2),
            back(),
            getter=place_getter,
            state=EventsSG.alert_day,
            preview_data=localized_preview(lambda tr: {"place": "Riverside Arena", "days": weekday_choices(tr)}),
        ),
    ]


def build_events_dialog() -> Dialog:
    return Dialog(
        _list_window(),
        _card_window(),
        *_request_windows(),
        *_alert_windows(),
        on_start=on_start,
        launch_mode=LaunchMode.SINGLE_TOP,
    )
