"""Helpers of the club-events week on the real bot (tests/test_e2e_events_week.py): a player who
follows their own window among the notices that arrive meanwhile, the date picker, and what the
event card, the events list, "My trips" and the database say of an event's rides.

A player's chat holds their dialog's window and, between two presses, notices the bot sends
them (a driver hears that someone joined or asks for a ride). `Player` therefore never takes
"the last message" for the window: it waits for the newest message sent since its last command
that shows what it expects, and presses buttons on that message.
"""

from __future__ import annotations

import html
import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from bot.devtools.fakeapi import BotMessage, FakeUser
from dialogs.i18n import Tr

Expected = str | Callable[[BotMessage], bool]


def buttons(message: BotMessage) -> list[str]:
    return [b for row in message.buttons for b in row]


class Player:
    """A Telegram user with a window: `send` a command or a text, `wait` for the window (or a
    notice) to show something, `press` a button on the window last waited for."""

    def __init__(self, user: FakeUser, name: str) -> None:
        self.user, self.name = user, name
        self.since = 0  # the player's last command: their window is a message after it
        self.window: BotMessage | None = None

    def __repr__(self) -> str:
        return f"Player({self.name})"

    def command(self, text: str) -> Player:
        """A command opens a new window (a new message after it)."""
        self.since = self.user.send(text)
        return self

    def send(self, text: str) -> None:
        """Text typed into the window (its answer comes as the window's next message)."""
        self.user.send(text)

    def wait(self, expected: Expected, timeout: float = 20) -> BotMessage:
        """The newest message since the last command that holds `expected` (or satisfies it),
        as soon as there is one; it becomes the window that `press` presses on."""
        def matches(m: BotMessage) -> bool:
            return expected(m) if callable(expected) else expected in m.text

        def found() -> BotMessage | None:
            return next((m for m in reversed(self.user.messages()) if m.message_id > self.since and matches(m)), None)

        tg = self.user.tg
        with tg._cond:
            if tg._cond.wait_for(found, timeout):
                self.window = found()
                return self.window
        shown = [(m.text, m.buttons) for m in self.user.messages() if m.message_id > self.since][-3:]
        raise AssertionError(f"{self} never saw {expected!r} within {timeout}s; messages since the last "
                             f"command: {shown}\nLast requests:\n{tg.describe_requests()}")

    def press(self, text: str, message: BotMessage | None = None) -> None:
        """Press the button `text` (exact, else a unique part of one) on the window, or on `message`."""
        target = message or self.window
        assert target is not None, f"{self} has no window to press {text!r} on"
        self.user.press(text, message=target.message_id)

    def open_from(self, notice: BotMessage, button: str) -> None:
        """Press `button` on a notice: the window it opens is a message after it."""
        self.since, self.window = notice.message_id - 1, notice
        self.press(button)

    def notice(self, needle: str, timeout: float = 20) -> BotMessage:
        """The newest message the bot sent this player holding `needle`, whenever it came."""
        since, self.since = self.since, 0
        try:
            return self.wait(needle, timeout)
        finally:
            self.since = since


def shown(tr: Tr, key: str, **args) -> str:
    """The catalog text `key` as a player reads it on the screen (HTML tags gone, entities read)."""
    return html.unescape(re.sub(r"<[^>]+>", "", tr(key, **args)))


def pick_date(player: Player, day: date, today: date) -> None:
    """On a calendar window: go to `day`'s month (the ">>" button) and press the day."""
    header = f"🗓 {day:%B %Y}"
    for _ in range(3):
        if header in buttons(player.window):
            break
        player.press(next(b for b in buttons(player.window) if b.endswith(">>")))
        player.wait(lambda m: header in buttons(m))
    player.press(f"[ {day:%d} ]" if day == today else f"{day:%d}")


# --- what the screens say of an event's rides ------------------------------------------------------


@dataclass
class Car:
    """A trip to the event as its card lists it: the driver, the seats, how many are taken."""

    driver: str
    seats: int
    taken: int = 0

    @property
    def left(self) -> int:
        return self.seats - self.taken


def plural(n: int, one: str, other: str) -> str:
    return f"{n} {one if n == 1 else other}"


def car_line(car: Car) -> str:
    """"• Dee: 1 of 2 seats free", "• Eve: full (1 seat)"."""
    seats = plural(car.seats, "seat", "seats")
    return f"• {car.driver}: {car.left} of {seats} free" if car.left else f"• {car.driver}: full ({seats})"


def card_rides(text: str) -> list[str]:
    """The card's lines about the rides: the cars heading, each car, who still needs a ride
    (not the pickup lines under each car, nor what the card says of the viewer)."""
    lines = text.split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith("🚗 "))
    end = next(i for i, line in enumerate(lines) if line.startswith("🙋 ") and i > start)
    return [line for line in lines[start:end + 1] if not line.startswith(" ")]


def expected_rides(cars: list[Car], needs: list[str]) -> list[str]:
    """What `card_rides` reads on a card with `cars` and `needs` ("Ivan (from Hill Road)")."""
    head = [f"🚗 Cars going ({len(cars)}):"] + [car_line(c) for c in cars] if cars else ["🚗 No cars yet."]
    tail = f"🙋 Still need a ride ({len(needs)}): {', '.join(needs)}" if needs else "🙋 Nobody is waiting for a ride."
    return head + [tail]


def summary_line(cars: list[Car], need: int) -> str:
    """The events list's line: "🚗 2 cars · 💺 1 free seat · 🙋 1 still needs a ride"."""
    free = sum(c.left for c in cars)
    have = plural(len(cars), "car", "cars") if cars else "no cars yet"
    waiting = (plural(need, "still needs a ride", "still need a ride") if need else "nobody waiting")
    return f"🚗 {have} · 💺 {plural(free, 'free seat', 'free seats')} · 🙋 {waiting}"


def list_entry(text: str, title: str) -> str:
    """The events list's entry of the event `title` ("2. 🏐 Cup final — …" and its lines)."""
    entries = re.split(r"\n(?=\d+\. )", text)
    found = [e for e in entries if re.match(rf"\d+\. \S+ {re.escape(title)} — ", e)]
    assert len(found) == 1, f"no one entry for {title!r} in the list:\n{text}"
    return found[0]


# --- the database ------------------------------------------------------------------------------------


class Database:
    """The bot's SQLite file, read (and the clock moved) from the test process."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def rows(self, sql: str, *args) -> list[tuple]:
        with sqlite3.connect(self.path, timeout=10) as con:
            return con.execute(sql, args).fetchall()

    def event_id(self, title: str) -> int:
        (row,) = self.rows("select id from event where title = ? order by date limit 1", title)
        return row[0]

    def requests(self, event_id: int) -> dict[str, tuple[str, str, str | None]]:
        """The event's ride requests: {player: (status, area, the driver of the trip they got)}."""
        return {name: (status, area, driver) for name, status, area, driver in self.rows(
            "select u.name, r.status, r.area, d.name from ride_request r "
            "join user u on u.id = r.passenger_id left join trip t on t.id = r.trip_id "
            "left join user d on d.id = t.driver_id where r.event_id = ?", event_id)}

    def cars(self, event_id: int) -> list[Car]:
        """The event's open trips as its card lists them (by departure, then id)."""
        return [Car(driver, seats, taken) for driver, seats, taken in self.rows(
            "select d.name, t.seats, (select count(*) from participant p where p.trip_id = t.id) "
            "from trip t join user d on d.id = t.driver_id where t.event_id = ? and t.status = 'open' "
            "order by t.departs_at, t.id", event_id)]

    def occurrences(self, series: int) -> list[str]:
        return [d for (d,) in self.rows("select date from event where series_id = ? order by date", series)]
