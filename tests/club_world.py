"""The club's group chat on the real bot (issue #20): a fake Telegram with the club group, the
real `carpool-bot` process with CLUB_CHAT_ID set, seeded players who are members of the group,
and the helpers the tests of tests/test_club_chat.py wait with.

The test process changes the club through the models themselves, on the bot's own SQLite file
(`world.models()`), as another replica would: the bot's poster sees the bumped versions at its
next round (about a second) — no message to the bot, no sleep.
"""

from __future__ import annotations

import contextlib
import sqlite3
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.devtools.fakeapi import BENIGN_ERRORS, BotMessage, FakeTelegram, FakeUser
from tests.process import BotProcess
from tests.test_taps_wizard import club_zone

TOKEN = "123456:TEST-token-for-the-fake-bot-api-0000"
BOT = "carpool_test_bot"
CLUB = -1001234567890  # the club's supergroup
ADMIN, DEE, PAT, RAY, SUE, VIC = 10, 11, 12, 13, 14, 15  # the group's owner; a driver; passengers
NAMES = {ADMIN: ("Ada", "Admin", "driver"), DEE: ("Dee", "Driverson", "driver"), PAT: ("Pat", "Rider", "passenger"),
         RAY: ("Ray", "Rider", "passenger"), SUE: ("Sue", "Seat", "passenger"), VIC: ("Vic", "Vann", "passenger")}
BOARD_TITLE = "Rides this week"
SETTLE = 40.0  # seconds a change may take to show in the group (debounce 3 s + 3 s per group call)


@dataclass
class ClubWorld:
    tg: FakeTelegram
    bot: BotProcess
    zone: ZoneInfo
    db_url: str
    people: dict[int, FakeUser] = field(default_factory=dict)
    expected: list[str] = field(default_factory=lambda: list(BENIGN_ERRORS))  # refusals a test provokes

    def restart(self) -> BotProcess:
        """A new bot process on the same database and settings (the old one stopped or killed)."""
        self.bot.kill()
        fresh = BotProcess(self.tg, self.bot.workdir)
        fresh.env = dict(self.bot.env)
        self.bot = fresh.start()
        return fresh

    def allow(self, *descriptions: str) -> None:
        """Telegram's refusals that this test provokes on purpose (the world's end ignores them)."""
        self.expected.extend(descriptions)

    @property
    def db_path(self) -> Path:
        return Path(self.db_url.removeprefix("sqlite:///"))

    # --- the club, changed from the test process as another replica would -----------------------
    @contextlib.contextmanager
    def models(self) -> Iterator[None]:
        """The models bound to the bot's database for the block (closed after it)."""
        from bot.infra.db import init_database

        database = init_database(self.db_url)
        try:
            yield
        finally:
            database.close()

    def day(self, days: int = 1) -> date:
        return datetime.now(self.zone).date() + timedelta(days=days)

    def create_trip(self, destination: str, *, days: int = 1, at: clock = clock(18, 0)) -> int:
        """Dee's trip, announced: 3 seats, one pickup point (Central Station at `at`), `days` from today."""
        from models import trips

        draft = trips.TripDraft(destination=destination, departure_date=self.day(days), seats=3,
                                pickups=[trips.PickupDraft("Central Station", at)], comment="")
        with self.models():
            return trips.create_trip(DEE, draft, self.zone, announce=True).id

    def join(self, passenger: int, trip_id: int) -> None:
        from models import rides
        from models.tables import PickupPoint

        with self.models():
            point = PickupPoint.select().where(PickupPoint.trip == trip_id).order_by(PickupPoint.position).first()
            rides.join_trip(passenger, trip_id, point.id)

    def leave(self, passenger: int, trip_id: int) -> None:
        from models import rides

        with self.models():
            rides.leave_trip(passenger, trip_id)

    def edit(self, trip_id: int, driver: int = DEE, **changes) -> None:
        from models import manage
        from models.tables import Trip

        with self.models():
            version = Trip.get_by_id(trip_id).version
            manage.apply_edit(driver, trip_id, version, manage.TripEdit(**changes), self.zone)

    def cancel(self, trip_id: int, reason: str, driver: int = DEE) -> None:
        from models import manage

        with self.models():
            manage.cancel_trip(driver, trip_id, reason)

    def posts(self) -> list[sqlite3.Row]:
        """The group outbox rows, as the bot left them."""
        with contextlib.closing(sqlite3.connect(self.db_path, timeout=10)) as con:
            con.row_factory = sqlite3.Row
            return con.execute("select * from group_post order by id").fetchall()

    def trip_id(self, destination: str) -> int:
        with contextlib.closing(sqlite3.connect(self.db_path, timeout=10)) as con:
            return con.execute("select max(id) from trip where destination = ?", (destination,)).fetchone()[0]

    def chat_row(self) -> sqlite3.Row | None:
        with contextlib.closing(sqlite3.connect(self.db_path, timeout=10)) as con:
            con.row_factory = sqlite3.Row
            return con.execute("select * from club_chat where chat_id = ?", (CLUB,)).fetchone()

    def settled(self) -> bool:
        """Every post shows its latest version (nothing pending in the group outbox)."""
        return all(p["sent_version"] >= p["version"] for p in self.posts())

    # --- what the group shows -----------------------------------------------------------------
    def group(self) -> list[BotMessage]:
        """The bot's current messages in the club chat, oldest first."""
        return self.tg.chat_messages(CLUB)

    def board(self) -> BotMessage | None:
        """The newest board (not a reply to /trips, which shows the same text once)."""
        return next((m for m in reversed(self.group()) if m.text.startswith(f"🗓 {BOARD_TITLE}")
                     and m.reply_to is None), None)

    def replies_to(self, message_id: int) -> list[BotMessage]:
        return [m for m in self.group() if m.reply_to == message_id]

    def post_of(self, destination: str) -> BotMessage | None:
        return next((m for m in reversed(self.group()) if f"🏁 {destination}" in m.text), None)

    def wait_group(self, ok: Callable[[], object], what: str, timeout: float = SETTLE):
        """Wait until `ok()` is truthy (checked at every change the fake sees, and at least every
        half second for the database side); returns its value."""
        deadline = time.monotonic() + timeout
        with self.tg._cond:
            while True:
                value = ok()
                if value:
                    return value
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self.tg._cond.wait(min(0.5, left))
        shown = "\n---\n".join(m.text for m in self.group())
        raise AssertionError(f"{what}: not within {timeout}s. The group shows:\n{shown}\n"
                             f"outbox: {[dict(p) for p in self.posts()]}\nbot output:\n{self.bot.output()[-3000:]}")

    def wait_post(self, destination: str, shows: str = "", timeout: float = SETTLE) -> BotMessage:
        return self.wait_group(lambda: (m := self.post_of(destination)) is not None and shows in m.text and m,
                               f"a post for {destination!r} showing {shows!r}", timeout)

    def wait_board(self, shows: str | Callable[[BotMessage], bool] = "", timeout: float = SETTLE) -> BotMessage:
        def ok():
            board = self.board()
            return board is not None and (shows(board) if callable(shows) else shows in board.text) and board
        return self.wait_group(ok, f"the board showing {shows!r}", timeout)

    def wait_settled(self, timeout: float = SETTLE) -> None:
        self.wait_group(self.settled, "the group outbox settled", timeout)

    def sends(self, since: float | None = None) -> int:
        return sum(r.method == "sendMessage" for r in self.tg.group_calls(CLUB, since))

    def edits(self, since: float | None = None) -> int:
        return sum(r.method == "editMessageText" for r in self.tg.group_calls(CLUB, since))


def seed_players(url: str) -> None:
    from bot.infra.db import init_database
    from models import users

    database = init_database(url)
    try:
        for tid, (first, last, role) in NAMES.items():
            users.register_user(tid, first, last, first.lower())
            users.set_role(tid, role)
        users.set_car(DEE, "Blue Volvo XC60 AB-123")
    finally:
        database.close()


@contextlib.contextmanager
def club_world(workdir: Path, *, inline: bool = False, bot_status: str = "administrator", can_pin: bool = True,
               **env: str) -> Iterator[ClubWorld]:
    """The club group (the bot `bot_status` there, pinning if `can_pin`), its members (ADMIN the
    owner), the bot running with CLUB_CHAT_ID. On leaving: a clean stop, nothing Telegram would
    have refused (but what the test `allow`ed) and no traceback."""
    zone = club_zone()
    with FakeTelegram(token=TOKEN, inline=inline, inline_feedback=inline) as tg:
        rights = {"can_pin_messages": True} if can_pin and bot_status == "administrator" else {}
        tg.group(CLUB, "Carpool Club", bot_status=bot_status, **rights)
        for tid, (first, last, _) in NAMES.items():
            tg.set_member_status(CLUB, tid, "creator" if tid == ADMIN else "member")
        bot = BotProcess(tg, workdir, CLUB_CHAT_ID=str(CLUB), TIMEZONE=zone.key, **env)
        bot.prepare_database()
        seed_players(bot.env["DATABASE_URL"])
        world = ClubWorld(tg, bot, zone, bot.env["DATABASE_URL"])
        world.people = {tid: tg.user(tid, first, first.lower(), last) for tid, (first, last, _) in NAMES.items()}
        bot.start()
        try:
            bot.wait_output("in the club chat")  # check_club_chat recorded where the bot stands
            yield world
            code, _ = world.bot.stop()
            assert code == 0, world.bot.output()
            rejected = tg.rejected(ignore=world.expected)
            assert rejected == [], rejected
            assert "Traceback" not in world.bot.output()
        finally:
            world.bot.kill()
