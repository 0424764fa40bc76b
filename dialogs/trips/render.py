"""Texts of trip lists and cards (HTML; every user-typed value escaped here), in the player's
language: each function takes `tr` (the getter's `tr_of(dialog_manager)`); without it, the
current update's language (`tr_of()`), so callers outside these dialogs need not pass it."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from models import TRIP_CANCELLED, TRIP_DONE, Participant, PickupPoint, Trip, User
from models.queries import DrivenRow, LegView, PointView, RequestRow, RideRow, TripCard, TripRow
from models.tables import RECONFIRM_ASKED, RECONFIRM_OK, WAIT_OFFERED, WAIT_WAITING, WaitEntry

from ..common import TEXT_MAX, contact_link, q, reason_text, short, visible_length
from ..i18n import Tr, tr_of


BUTTON_MAX = 30  # characters an inline button shows on a phone before it is cut
UTC = ZoneInfo("UTC")
RECONFIRM_MARKS = {RECONFIRM_OK: "✅", RECONFIRM_ASKED: "❓"}  # the driver's card: answers to "Still OK?"


def first_name(name: str, tr: Tr | None = None) -> str:
    """A player as lists and cards name them to strangers: the first name only."""
    return (name or "").split(" ", 1)[0] or (tr or tr_of())("trips-player")


def button(prefix: str, destination: str, suffix: str = "") -> str:
    """A list button: `prefix` (mark, number, day, time), as much of the destination as fits
    a phone, and `suffix`; the message text holds the rest."""
    return f"{prefix} {short(destination, BUTTON_MAX - len(prefix) - 1 - len(suffix))}{suffix}"


def trip_mark(row: TripRow) -> str:
    if row.driving:
        return "🚗"
    if row.riding:
        return "✅"
    return "🔴" if row.full else "🟢"


def when(day: date, at: time | None, tr: Tr | None = None, *, year: bool = False) -> str:
    """"Sat 05 Dec, 17:45" (with `year`: "Sat 05 Dec 2026, 17:45"), in the player's language."""
    tr = tr or tr_of()
    return (tr.date(day) if year else tr.day(day)) + (f", {tr.time(at)}" if at else "")


def trip_entry(n: int, row: TripRow, tr: Tr | None = None) -> str:
    """One numbered trip of the list, in the message text: everything a button cannot hold."""
    tr = tr or tr_of()
    seats = tr("trips-full") if row.full else tr("trips-seats-left", n=row.seats_left)
    return (f"{n}. {trip_mark(row)} <b>{q(row.destination)}</b>\n"
            f"      {when(row.departure_date, row.first_pickup, tr)} · {q(first_name(row.driver_name, tr))} · {seats}")


def numbered(mark: str, n: int, day: date, at: time | None, destination: str, tr: Tr | None = None) -> str:
    """A button of a numbered list: "🟢 2. Sat 09:30 Riverside Arena", cut to fit a phone."""
    tr = tr or tr_of()
    return button(f"{mark} {n}. {tr.weekday(day)}" + (f" {tr.time(at)}" if at else ""), destination)


def trip_button(n: int, row: TripRow, tr: Tr | None = None) -> str:
    return numbered(trip_mark(row), n, row.departure_date, row.first_pickup, row.destination, tr)


def list_legend(tr: Tr | None = None) -> str:
    """What the marks of a trip list mean: "🟢 seats free · 🔴 full · …"."""
    return (tr or tr_of())("trips-list-legend")


def _status_line(trip: Trip, tr: Tr) -> str:
    if trip.status == TRIP_CANCELLED:
        if trip.cancel_reason:
            return tr("trips-card-cancelled-because", reason=reason_text(trip.cancel_reason, tr)) + "\n"
        return tr("trips-card-cancelled") + "\n"
    if trip.status == TRIP_DONE:
        return tr("trips-card-over") + "\n"
    return ""


def _person(user: User, with_contact: bool, show_reach: bool, tr: Tr, mark: str = "") -> str:
    text = (contact_link(user) if with_contact else q(first_name(user.name, tr))) + mark
    if show_reach and not user.reachable:
        text += " " + tr("trips-card-unreachable")
    return text


def card_text(card: TripCard, tr: Tr | None = None, tz: ZoneInfo = UTC) -> str:
    """The trip card. A full trip with the longest names, addresses and comment passes
    Telegram's 4096 characters: then addresses and the comment are cut (`compact`). Times
    stored in UTC (an offer's deadline, the release time) are shown in the club's `tz`."""
    tr = tr or tr_of()
    text = _card_text(card, tr, tz, compact=False)
    if visible_length(text) > TEXT_MAX:
        text = _card_text(card, tr, tz, compact=True)
    return text


def local_time(at: datetime, tz: ZoneInfo, day: date, tr: Tr) -> str:
    """A naive UTC moment as the club's clock shows it: "16:30", with the day if not `day`."""
    moment = at.replace(tzinfo=UTC).astimezone(tz)
    return tr.time(moment.time()) if moment.date() == day else when(moment.date(), moment.time(), tr)


def ordinal(n: int, tr: Tr) -> dict:
    """A place in line, as the arguments of a catalog text: `pos` ("2") and its CLDR ordinal
    form (`form`: English "one" 1st, "two" 2nd, "few" 3rd, "other" 4th)."""
    return {"pos": str(n), "form": tr.babel.ordinal_form(n)}


def _line_text(card: TripCard, tr: Tr, tz: ZoneInfo) -> str | None:
    """The viewer's place in the trip's waiting list (issue #22), or the seat held for them."""
    entry = card.my_wait
    if entry is None or card.my_seat is not None:
        return None
    if entry.status == WAIT_OFFERED and entry.offer_expires_at is not None:
        today = datetime.now(tz).date()  # an offer runs out soon: its day is said only if not today
        return tr("trips-card-offered", until=local_time(entry.offer_expires_at, tz, today, tr))
    if entry.status == WAIT_WAITING and card.position:
        return tr("trips-card-in-line", **ordinal(card.position, tr))
    return None


def leg_text(leg: LegView, tr: Tr) -> str:
    """"↩️ Back: Sat 21:30 from Riverside Arena, 2 seats left" (the way there: "➡️ There: …")."""
    if leg.status == TRIP_CANCELLED:
        state = tr("trips-leg-cancelled")
    elif leg.riding:
        state = tr("trips-leg-riding")
    elif leg.seats_left:
        state = tr("trips-seats-left", n=leg.seats_left)
    else:
        state = tr("trips-leg-full")
    key = "trips-card-leg-back" if leg.direction == "back" else "trips-card-leg-out"
    return tr(key, when=when(leg.departure_date, leg.time, tr), place=q(leg.place), state=state)


def _reconfirm_mark(card: TripCard, user: User) -> str:
    mark = RECONFIRM_MARKS.get(card.reconfirm.get(user.id, ""))
    return f" {mark}" if mark else ""


def _card_text(card: TripCard, tr: Tr, tz: ZoneInfo, *, compact: bool) -> str:
    def cut(value: str, limit: int) -> str:
        return short(value, limit) if compact else value

    trip, driver = card.trip, card.driver
    insider = card.viewer_is_driver or card.my_seat is not None
    back_leg = trip.outbound_id is not None  # a return leg: its points are where it leaves from, then drop-offs
    title = f"🏁 <b>{q(trip.destination)}</b>"
    if back_leg:
        title = tr("trips-card-return-leg") + "\n" + title
    lines = [_status_line(trip, tr) + title, f"📅 {tr.date(trip.departure_date)}"]
    driver_line = tr("trips-card-driver",
                     driver=contact_link(driver) if insider else q(first_name(driver.name, tr)))
    if insider and driver.car:
        driver_line += f" · {q(driver.car)}"
    lines.append(driver_line)
    lines.append(tr("trips-card-stops" if back_leg else "trips-card-pickups"))
    for view in card.points:
        point = view.point
        line = f"  <b>{tr.time(point.time)}</b> — {q(cut(point.address, 60))}"
        if card.viewer_is_driver and view.passengers:
            line += "\n" + "\n".join(f"      • {_person(p, True, True, tr, _reconfirm_mark(card, p))}"
                                     for p in view.passengers)
        if card.my_seat is not None and card.my_seat.pickup_point_id == point.id:
            line += "  " + tr("trips-card-your-stop" if back_leg else "trips-card-your-pickup")
        lines.append(line)
    if card.seats_left:
        lines.append(tr("trips-card-seats-free", left=card.seats_left, n=trip.seats))
    else:
        lines.append(tr("trips-card-seats-full", n=trip.seats))
    if card.viewer_is_driver:
        lines += _driver_lines(card, tr, tz)
    if card.passengers and not card.viewer_is_driver:
        names = ", ".join(q(first_name(p.name, tr)) for p in card.passengers)
        lines.append(tr("trips-card-going", names=names))
    if trip.comment:
        lines.append(f"💬 {q(cut(trip.comment, 200))}")
    if card.other_leg is not None:
        lines.append(leg_text(card.other_leg, tr))
    if card.my_seat is not None:
        lines.append("\n" + tr("trips-card-your-seat"))
        if card.my_seat.reconfirm == RECONFIRM_ASKED:
            lines.append(tr("trips-card-still-ok"))
    line = _line_text(card, tr, tz)
    if line:
        lines.append("\n" + line)
    return "\n".join(lines)


def _driver_lines(card: TripCard, tr: Tr, tz: ZoneInfo) -> list[str]:
    """What only the driver reads: how many wait for a seat, who confirmed after a change, and
    when the unconfirmed seats are released (issue #22)."""
    lines = []
    if card.waiting:
        lines.append(tr("trips-card-waiting", n=card.waiting))
    asked = sum(answer == RECONFIRM_ASKED for answer in card.reconfirm.values())
    if asked or any(answer == RECONFIRM_OK for answer in card.reconfirm.values()):
        lines.append(tr("trips-card-reconfirm-legend", n=asked))
    if card.trip.release_unanswered_at is not None:
        lines.append(tr("trips-card-release-at",
                        at=local_time(card.trip.release_unanswered_at, tz, card.trip.departure_date, tr)))
    return lines


# --- realistic preview data, built with the same functions (unsaved model instances) ---------


def _preview_people():
    dee = User(id=1, telegram_id=1001, name="Dee Driver", username="dee", role="driver", car="red Skoda, AB-123")
    ann = User(id=2, telegram_id=1002, name="Ann Smith", username="ann", role="passenger")
    bob = User(id=3, telegram_id=1003, name="Bob Jones", username=None, role="passenger", reachable=False)
    cat = User(id=4, telegram_id=1004, name="Cat Lee", username="cat", role="passenger")
    return dee, ann, bob, cat


def preview_leg(direction: str = "back", day: date | None = None) -> LegView:
    """The other leg of the preview trip: the way back from the venue at 21:30."""
    day = day or date.today() + timedelta(days=8)
    if direction == "back":
        return LegView(trip_id=43, direction="back", departure_date=day, time=time(21, 30), place="Riverside Arena",
                       seats_left=2, status="open", departs_at=datetime.combine(day, time(21, 30)))
    return LegView(trip_id=42, direction="out", departure_date=day, time=time(17, 45),
                   place="Central Station, north exit", seats_left=1, status="open",
                   departs_at=datetime.combine(day, time(17, 45)), riding=True)


def preview_card(*, viewer: str = "passenger", status: str = "open", full: bool = False) -> TripCard:
    """The preview's trip card: `viewer` "driver" (a change asked "Still OK?": Ann ✅, Bob ❓;
    two in line; release set), "rider" (Ann), "waiting" (Fay, 2nd in line of a full trip),
    "offered" (Fay, a seat held for her), or a stranger (Fay)."""
    dee, ann, bob, cat = _preview_people()
    day = date.today() + timedelta(days=8)
    full = full or viewer in ("waiting", "driver")  # "offered": a seat freed, held for Fay
    trip = Trip(id=42, driver=dee, destination="Away game at Riverside Arena", departure_date=day,
                seats=3, status=status, comment="Bring the ball bag, please.",
                cancel_reason="the game was moved" if status == TRIP_CANCELLED else "",
                departs_at=datetime.combine(day, time(17, 45)), ends_at=datetime.combine(day, time(18, 10)),
                release_unanswered_at=datetime.combine(day, time(15, 45)) if viewer == "driver" else None)
    points = [
        PointView(PickupPoint(id=1, trip=trip, address="Central Station, north exit", time=time(17, 45)), [ann]),
        PointView(PickupPoint(id=2, trip=trip, address="Oak Street 12", time=time(18, 0)), [bob] + ([cat] if full else [])),
        PointView(PickupPoint(id=3, trip=trip, address="Sports centre car park", time=time(18, 10)), []),
    ]
    stranger = User(id=5, telegram_id=1005, name="Fay Newcomer", role="passenger")
    viewer_user = {"driver": dee, "rider": ann}.get(viewer, stranger)
    my_seat = Participant(id=9, trip=trip, passenger=ann, pickup_point=points[0].point) if viewer == "rider" else None
    my_wait = None
    if viewer in ("waiting", "offered"):
        offered = viewer == "offered"
        my_wait = WaitEntry(id=5, trip=trip, passenger=stranger, pickup_point=points[1].point,
                            status=WAIT_OFFERED if offered else WAIT_WAITING,
                            offer_expires_at=datetime.combine(day, time(12, 30)) if offered else None)
    return TripCard(trip=trip, driver=dee, points=points, taken=3 if full else 2, viewer=viewer_user, my_seat=my_seat,
                    waiting=2 if viewer in ("driver", "waiting") else (1 if viewer == "offered" else 0),
                    my_wait=my_wait, position={"waiting": 2, "offered": 1}.get(viewer),
                    promised=1 if viewer == "offered" else 0,
                    reconfirm={ann.id: RECONFIRM_OK, bob.id: RECONFIRM_ASKED} if viewer == "driver" else {},
                    other_leg=preview_leg(day=day))


def preview_rows() -> list[TripRow]:
    day = date.today() + timedelta(days=8)
    return [
        TripRow(42, "Away game at Riverside Arena", day, time(17, 45), "Dee Driver", 3, 2, riding=True),
        TripRow(43, "Tuesday training", day + timedelta(days=3), time(18, 30), "Eve Wheeler", 4, 4),
        TripRow(44, "Club gym", day + timedelta(days=4), time(19, 0), "Anna Example", 2, 0, driving=True),
        TripRow(46, "Cup final", day + timedelta(days=5), time(9, 30), "Dee Driver", 3, 1),
    ]


def preview_rides() -> list[RideRow]:
    day = date.today() + timedelta(days=8)
    return [
        RideRow(42, "Away game at Riverside Arena", day, "Central Station, north exit", time(17, 45), "open"),
        RideRow(45, "Cup final", day + timedelta(days=6), "Oak Street 12", time(9, 30), "cancelled"),
    ]


def preview_driven() -> list[DrivenRow]:
    day = date.today() + timedelta(days=8)
    return [DrivenRow(44, "Club gym", day + timedelta(days=4), time(19, 0), 2, 1, "open")]


def preview_requests() -> list[RequestRow]:
    day = date.today() + timedelta(days=8)
    return [
        RequestRow(11, "open", "Oak Street 12", day, event_id=7, kind="game", title="Cup final",
                   venue="Riverside Arena", start_time=time(18, 30)),
        RequestRow(12, "open", "", day + timedelta(days=2), destination="Club gym"),
    ]
