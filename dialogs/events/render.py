"""Texts of the events list, the event card and the alerts (HTML; user text escaped here), in the
player's language (`tr`), and realistic preview data built with the same functions.

An event is marked by its kind everywhere (`kind_mark`: 🏃 training, 🏐 game, 📌 other) and
shown on a button as "🏐 Sat 05 Dec · Cup final" (the venue and the rest are in the text).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from aiogram_dialog import DialogManager

from models.tables import REQUEST_OPEN, REQUEST_OWN, Event, RideRequest
from models.queries import AlertRow, EventCard, EventPoint, EventRow, EventTrip, Need

from ..common import TEXT_MAX, q, short, visible_length
from ..i18n import T, Tr
from ..trips.render import BUTTON_MAX

POINT_ADDRESS_MAX = 40  # an address in a car's line of the card (the trip card has it whole)
AREA_SHORT = 20  # an asker's area on a crowded card
LIST_MAX = 15  # cars, and askers, on a card that is crowded even so
LIST_VENUE_MAX = 40  # a venue in the events list (the card has it whole)
MONDAY = date(2024, 1, 1)  # weekday names from Babel: MONDAY + n days
ANY_DAY = 7  # the alert's "any day" button (weekdays are 0–6)


def admins_of(manager: DialogManager) -> frozenset[int]:
    """Who manages events (bot/middlewares/admins.py puts them in handler data)."""
    return manager.middleware_data.get("club_admins") or frozenset()


def is_admin(manager: DialogManager, telegram_id: int) -> bool:
    return telegram_id in admins_of(manager)


def kind_mark(kind: str, tr: Tr) -> str:
    return tr("events-mark", kind=kind)


def kind_label(kind: str, tr: Tr) -> str:
    """"🏐 Game": the kind's mark and name (the create dialog's buttons and summary)."""
    return tr("events-kind", kind=kind)


def event_when(day: date | str, at: time | None, tr: Tr) -> str:
    """"Sat 05 Dec 2026, 18:30"."""
    return tr.date(day) + (f", {tr.time(at)}" if at else "")


def event_button(kind: str, day: date, title: str, tr: Tr) -> str:
    """"🏐 Sat 05 Dec · Cup final", cut to fit a phone."""
    prefix = f"{kind_mark(kind, tr)} {tr.day(day)} ·"
    return f"{prefix} {short(title, BUTTON_MAX - len(prefix) - 1)}"


def summary_text(cars: int, free_seats: int, need_ride: int, tr: Tr) -> str:
    """"🚗 3 cars · 💺 5 free seats · 🙋 2 still need a ride"."""
    return tr("events-summary", cars=cars, seats=free_seats, need=need_ride)


def event_entry(n: int, row: EventRow, tr: Tr, venue: bool = True) -> str:
    """One numbered event of the list, in the message text (`venue`: its line too)."""
    weekly = " " + tr("events-weekly-mark") if row.weekly else ""
    lines = [f"{n}. {kind_mark(row.kind, tr)} <b>{q(row.title)}</b> — {event_when(row.date, row.start_time, tr)}"
             f"{weekly}"]
    if venue:
        lines.append(f"      📍 {q(short(row.venue, LIST_VENUE_MAX))}")
    lines.append(f"      {summary_text(row.cars, row.free_seats, row.need_ride, tr)}")
    return "\n".join(lines)


def events_listing(rows: list[EventRow], tr: Tr) -> str:
    """The numbered events; the venues left out when all of them would pass Telegram's 4096
    characters (each card has its venue)."""
    text = "\n".join(event_entry(n, row, tr) for n, row in enumerate(rows, 1))
    if visible_length(text) > TEXT_MAX - 200:  # the title and the hint around it
        text = "\n".join(event_entry(n, row, tr, venue=False) for n, row in enumerate(rows, 1))
    return text


def now(field: str) -> T:
    """"Now: <i>…</i>": the value a step holds already (when it holds one), from the window's data."""
    return T("events-now", args=lambda data: {"value": data[field]}, when=field)


# --- the card ---------------------------------------------------------------------------------


def _driver(trip: EventTrip, tr: Tr) -> str:
    return tr("notice-former-player") if trip.driver_forgotten else q(trip.driver_name)


def _points(points: list[EventPoint], tr: Tr) -> str:
    return " · ".join(f"{tr.time(p.time)} {q(short(p.address, POINT_ADDRESS_MAX))}" for p in points)


def car_lines(trip: EventTrip, tr: Tr, points: bool = True) -> str:
    key = "events-card-car" if trip.seats_left else "events-card-car-full"
    head = tr(key, driver=_driver(trip, tr), left=trip.seats_left, n=trip.seats)
    return f"{head}\n      📍 {_points(trip.points, tr)}" if trip.points and points else head


def car_button(trip: EventTrip, tr: Tr) -> str:
    """"🚗 Dee · 17:45 · 2 free": opens the trip's card (Join is there)."""
    name = tr("notice-former-player") if trip.driver_forgotten else trip.driver_name
    return tr("events-car-button", driver=short(name, 12), time=tr.time(trip.first_pickup), left=trip.seats_left)


def _need(need: Need, tr: Tr, area_max: int | None = None) -> str:
    name = tr("notice-former-player") if need.forgotten else q(need.first_name)
    area = short(need.area, area_max) if area_max else need.area
    return tr("events-need-from", name=name, area=q(area)) if area else name


def _you(card: EventCard, alert: bool, tr: Tr) -> list[str]:
    """What the card says of the viewer: driving, seated, asked, on their own; and the alert."""
    lines = []
    seat = next((t for t in card.trips if t.id == card.my_seat_trip_id), None)
    request = card.my_request
    if card.is_driving:
        lines.append(tr("events-you-drive"))
    elif seat is not None:
        lines.append(tr("events-you-seated", driver=_driver(seat, tr)))
    elif request is not None and request.status == REQUEST_OPEN:
        lines.append(tr("events-you-asked-from", area=q(request.area)) if request.area else tr("events-you-asked"))
    elif request is not None and request.status == REQUEST_OWN:
        lines.append(tr("events-you-own"))
    if alert:
        lines.append(tr("events-you-alert"))
    return lines


def card_text(card: EventCard, alert: bool, tr: Tr) -> str:
    """The event card: when and where, the cars going, who still needs a ride, and the viewer.
    Many cars and askers can pass Telegram's 4096 characters: then the cars' pickup points are
    left out (their trip cards have them) and areas cut; then the lists end with "+N more"."""
    for level in range(3):
        text = _card_text(card, alert, tr, level)
        if visible_length(text) <= TEXT_MAX:
            break
    return text


def _card_text(card: EventCard, alert: bool, tr: Tr, level: int) -> str:
    event = card.event
    lines = []
    if card.cancelled:
        lines.append(tr("events-card-cancelled-because", reason=q(event.cancel_reason)) if event.cancel_reason
                     else tr("events-card-cancelled"))
    lines.append(tr("events-card-head", mark=kind_mark(event.kind, tr), title=q(event.title),
                    when=event_when(event.date, event.start_time, tr), venue=q(event.venue)))
    if event.weekly:
        lines.append(tr("events-card-weekly"))
    if card.started and not card.cancelled:
        lines.append(tr("events-card-started"))
    lines.append("")
    if card.trips:
        lines.append(tr("events-card-cars", n=len(card.trips)))
        lines += [car_lines(t, tr, points=level == 0) for t in _few(card.trips, level)]
        lines += _more(card.trips, level, tr)
    else:
        lines.append(tr("events-card-no-cars"))
    if card.needs:
        names = [_need(n, tr, area_max=AREA_SHORT if level else None) for n in _few(card.needs, level)]
        lines.append(tr("events-card-needs", n=len(card.needs), names=", ".join(names + _more(card.needs, level, tr))))
    else:
        lines.append(tr("events-card-no-needs"))
    you = _you(card, alert, tr)
    if you:
        lines += [""] + you
    return "\n".join(lines)


def _few(rows: list, level: int) -> list:
    return rows[:LIST_MAX] if level == 2 else rows


def _more(rows: list, level: int, tr: Tr) -> list[str]:
    """"+3 more" for what `_few` left out."""
    return [tr("events-more", n=len(rows) - LIST_MAX)] if level == 2 and len(rows) > LIST_MAX else []


# --- alerts -----------------------------------------------------------------------------------


def weekday_name(weekday: int | None, tr: Tr) -> str:
    """"Monday" … "Sunday"; "any day" for None."""
    return tr("events-any-day") if weekday is None else tr.weekday_name(MONDAY + timedelta(days=weekday))


def weekday_choices(tr: Tr) -> list[tuple[int, str]]:
    return [(n, weekday_name(n, tr)) for n in range(7)] + [(ANY_DAY, tr("events-any-day"))]


def alert_label(alert: AlertRow, tr: Tr) -> str:
    """What an alert is about (not escaped: `q` it for a text, `short` it for a button)."""
    if alert.event_id is not None:
        return alert.title
    return f"{alert.destination} · {weekday_name(alert.weekday, tr)}"


def alert_entry(alert: AlertRow, tr: Tr) -> str:
    if alert.event_id is not None:
        return f"• {kind_mark(alert.kind, tr)} <b>{q(alert.title)}</b>"
    return tr("events-alert-entry", destination=q(alert.destination), day=weekday_name(alert.weekday, tr))


def alert_button(alert: AlertRow, tr: Tr) -> str:
    return short(f"❌ {alert_label(alert, tr)}", BUTTON_MAX)


# --- realistic preview data (unsaved model instances, the queries' own rows) --------------------


def _day(days: int = 8) -> date:
    return date.today() + timedelta(days=days)


PREVIEW_EVENT = Event(id=7, kind="game", title="Cup final", venue="Riverside Arena", date=_day(),
                      start_time=time(18, 30), starts_at=datetime.combine(_day(), time(18, 30)), weekly=False,
                      status="open", cancel_reason="")


def preview_rows() -> list[EventRow]:
    return [
        EventRow(7, "game", "Cup final", "Riverside Arena", _day(), time(18, 30), False, 2, 3, 1),
        EventRow(8, "training", "Tuesday training", "Club gym", _day(10), time(19, 0), True, 0, 0, 2),
    ]


def preview_card(*, viewer: str = "asked") -> EventCard:
    depart = datetime.combine(_day(), time(17, 45))
    trips = [
        EventTrip(42, "Cup final · Riverside Arena", _day(), time(17, 45), "Dee", 3, 1, driver_id=1, departs_at=depart,
                  points=[EventPoint(1, "Central Station, north exit", time(17, 45), 1),
                          EventPoint(2, "Oak Street 12", time(18, 0), 0)]),
        EventTrip(43, "Cup final · Riverside Arena", _day(), time(17, 30), "Eve", 2, 2, driver_id=6, departs_at=depart,
                  points=[EventPoint(3, "Club gym", time(17, 30), 2)]),
    ]
    needs = [Need(11, 2, "Ann", False, "Oak Street 12"), Need(12, 3, "Bob", False, "")]
    mine = RideRequest(id=11, status=REQUEST_OPEN, area="Oak Street 12") if viewer == "asked" else None
    return EventCard(event=PREVIEW_EVENT, trips=trips, needs=needs, my_request=mine)


def preview_alerts() -> list[AlertRow]:
    return [AlertRow(1, 8, "Tuesday training", "training", "", None), AlertRow(2, None, "", "", "Riverside Arena", 5)]
