"""What the bot's messages in the club chat say, rendered when they are sent (`bot.workers.poster`).

Group etiquette: a group post names people by first name only; contacts and cars stay in the
private chat. Buttons are URL buttons (`https://t.me/<bot>?start=trip_<id>`): a press opens the
trip card in the private chat — for a player who never started the bot too. The texts are in
the club's language (DEFAULT_LANGUAGE): a group has many readers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions

from models import TRIP_CANCELLED, TRIP_DONE, queries
from models.tables import POST_BOARD, GroupPost

from ..common import q, reason_text, short
from ..events.render import kind_mark, summary_text
from ..i18n import Tr
from ..trips.render import first_name

NO_PREVIEW = LinkPreviewOptions(is_disabled=True)  # the t.me links would draw the bot's card
BOARD_MAX_TRIPS = 30  # a week of a club's rides; the text stays far below Telegram's 4096


@dataclass(frozen=True)
class Post:
    text: str
    reply_markup: InlineKeyboardMarkup | None = None


def start_link(bot_username: str, payload: str = "") -> str:
    """A t.me link that opens the private chat (with `/start <payload>`)."""
    return f"https://t.me/{bot_username}" + (f"?start={payload}" if payload else "")


def trip_link(bot_username: str, trip_id: int) -> str:
    return start_link(bot_username, f"trip_{trip_id}")


def trip_post(card: queries.TripCard, tr: Tr, bot_username: str, now: datetime) -> Post:
    """A trip's announcement: where, when, pickups, driver (first name), seats; Join while it
    can be joined. Cancelled: says why; over: says so. No buttons then."""
    trip = card.trip
    lines = []
    over = trip.status == TRIP_DONE or trip.ends_at <= now
    if trip.status == TRIP_CANCELLED:
        lines.append(tr("club-post-cancelled", reason=reason_text(trip.cancel_reason, tr)) if trip.cancel_reason
                     else tr("club-post-cancelled-plain"))
    elif over:
        lines.append(tr("club-post-over"))
    lines.append(f"🏁 <b>{q(trip.destination)}</b>")
    first = card.points[0].point.time if card.points else None
    lines.append(f"📅 {tr.day(trip.departure_date)}" + (f", {tr.time(first)}" if first else ""))
    lines.append(tr("club-post-driver", driver=q(first_name(card.driver.name))))
    lines.append(tr("club-post-pickups"))
    lines += [f"  <b>{tr.time(v.point.time)}</b> — {q(short(v.point.address, 80))}" for v in card.points]
    if trip.status != TRIP_CANCELLED and not over:
        lines.append(tr("club-post-seats", left=card.seats_left, n=trip.seats) if card.seats_left
                     else tr("club-post-full", n=trip.seats))
    markup = None
    if trip.status not in (TRIP_CANCELLED, TRIP_DONE) and not over:
        markup = InlineKeyboardMarkup(inline_keyboard=[[
            InlineKeyboardButton(text=tr("club-join"), url=trip_link(bot_username, trip.id)),
            InlineKeyboardButton(text=tr("club-open-bot"), url=start_link(bot_username)),
        ]])
    return Post("\n".join(lines), markup)


def _last_day(tz: ZoneInfo) -> date:
    """The board's week: today and the next seven days, in the club's time zone."""
    return datetime.now(tz).date() + timedelta(days=7)


def board_rows(now: datetime, tz: ZoneInfo) -> list[queries.TripRow]:
    """The week's open trips, soonest first."""
    rows, _ = queries.list_upcoming(0, BOARD_MAX_TRIPS, now=now)
    return [row for row in rows if row.departure_date <= _last_day(tz)]


def board_events(now: datetime, tz: ZoneInfo) -> list[queries.EventRow]:
    """The week's club events still to start, soonest first, with how their rides stand (issue #21)."""
    return [row for row in queries.upcoming_events(now) if row.date <= _last_day(tz)]


def event_line(row: queries.EventRow, tr: Tr) -> str:
    """"🏐 Sat · <b>Cup final</b>: 🚗 3 cars · 💺 5 free seats · 🙋 2 still need a ride"."""
    return (f"{kind_mark(row.kind, tr)} {tr.weekday(row.date)} · <b>{q(short(row.title, 60))}</b>: "
            f"{summary_text(row.cars, row.free_seats, row.need_ride, tr)}")


def board(rows: list[queries.TripRow], tr: Tr, bot_username: str, updated: datetime,
          events: list[queries.EventRow] = ()) -> Post:
    """"Rides this week": the week's events first, each with its cars, free seats and who still
    needs a ride; then a line per trip (day, time, destination, driver's first name, seats or
    FULL) with a Join link; the day groups them."""
    lines = [tr("club-board-title"), ""]
    if events:
        lines += [event_line(row, tr) for row in events] + [""]
    day: date | None = None
    for row in rows:
        if row.departure_date != day:
            day = row.departure_date
            lines.append(f"<b>{tr.day(day)}</b>")
        seats = tr("club-board-full") if row.full else tr("club-board-seats", n=row.seats_left)
        mark = "🔴" if row.full else "🟢"
        link = f'<a href="{trip_link(bot_username, row.id)}">{tr("club-board-join")}</a>'
        lines.append(f"{mark} {tr.time(row.first_pickup)} <b>{q(short(row.destination, 60))}</b> · "
                     f"{q(first_name(row.driver_name))} · {seats} · {link}")
    if not rows:
        lines.append(tr("club-board-empty"))
    lines += ["", tr("club-board-updated", at=f"{updated:%H:%M}")]
    markup = InlineKeyboardMarkup(inline_keyboard=[[
        InlineKeyboardButton(text=tr("club-open-bot"), url=start_link(bot_username)),
    ]])
    return Post("\n".join(lines), markup)


def local_time(now: datetime, tz: ZoneInfo) -> datetime:
    """Naive UTC (the database's) as the club's wall clock."""
    return now.replace(tzinfo=ZoneInfo("UTC")).astimezone(tz)


class PostRenderer:
    """`render(post, bot_username) -> Post` for the poster: in the club's language and time zone."""

    def __init__(self, tr: Tr, tz: ZoneInfo = ZoneInfo("UTC")) -> None:
        self.tr = tr
        self.tz = tz

    def __call__(self, post: GroupPost, bot_username: str, now: datetime) -> Post:
        if post.kind == POST_BOARD:
            return board(board_rows(now, self.tz), self.tr, bot_username, local_time(now, self.tz),
                         board_events(now, self.tz))
        return trip_post(queries.trip_card(post.trip_id, None), self.tr, bot_username, now)
