"""Databases that go away and come back (issue #17, items 5 and 6), with the real
`carpool-bot` process against the fake Bot API and the real PostgreSQL / Redis servers.

PostgreSQL: the bot's connections are terminated (`pg_terminate_backend`, what a restart or
a failover does to them) in the middle of traffic, or the bot's database refuses new
connections for a few seconds (`ALLOW_CONNECTIONS false`: an outage of this test's database
only, the shared server keeps running). Redis: a disposable `redis-server` this test starts,
kills and restarts on its own port (the shared one is never touched).
"""

from __future__ import annotations

import subprocess
import threading
import time

import psycopg2
import pytest

from tests.conftest import PG_ADMIN_URL
from bot.devtools.fakeapi import BENIGN_ERRORS, FakeTelegram
from tests.process import BotProcess
from tests.test_webhook import SECRET, Hook, free_port, message_update, post
from tests.world import sign_up

SORRY = "Sorry, something went wrong"


class Pg:
    """Admin actions on the test's own database."""

    def __init__(self, url: str):
        self.url = url
        self.name = url.rsplit("/", 1)[1]
        self.admin = psycopg2.connect(PG_ADMIN_URL)
        self.admin.autocommit = True

    def _exec(self, sql: str, *params) -> list:
        with self.admin.cursor() as cur:
            cur.execute(sql, params)
            return cur.fetchall() if cur.description else []

    def terminate(self) -> int:
        """Terminate every connection to the test database (the bot's), as a restart would."""
        rows = self._exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                          "WHERE datname = %s AND pid <> pg_backend_pid()", self.name)
        return len(rows)

    def refuse(self) -> None:
        """The database goes down: no new connections, the open ones terminated."""
        self._exec(f'ALTER DATABASE "{self.name}" ALLOW_CONNECTIONS false')
        self.terminate()

    def accept(self) -> None:
        self._exec(f'ALTER DATABASE "{self.name}" ALLOW_CONNECTIONS true')

    def query(self, sql: str, *params) -> list:
        with psycopg2.connect(self.url) as conn, conn.cursor() as cur:
            cur.execute(sql, params)
            rows = cur.fetchall()
        conn.close()
        return rows

    def close(self) -> None:
        self.accept()
        self.admin.close()


@pytest.fixture
def pg(pg_url):
    from bot.infra.db import open_database
    from models import db

    # the bot runs in its own process; bind this one's proxy anyway, as conftest's pg_url
    # teardown asks it whether it is open
    db.initialize(open_database(pg_url))
    admin = Pg(pg_url)
    yield admin
    admin.close()


def sorries(tg: FakeTelegram) -> list[str]:
    return [r.params.get("text", "") for r in tg.requests
            if r.method in ("sendMessage", "answerCallbackQuery") and SORRY in (r.params.get("text") or "")]


def notifier_sends(bot: BotProcess, telegram_id: int, text: str) -> None:
    """A notification written now goes out: the sender recovered by itself."""
    from models import outbox, users

    outbox.enqueue(users.get_user(telegram_id), text, kind="test")
    bot.wait_request("sendMessage", timeout=10, predicate=lambda p: p.get("text") == text)


def finishes_clean(bot: BotProcess, tg: FakeTelegram) -> None:
    """No "Sorry", no update given up, nothing Telegram would refuse, and a clean exit."""
    output = bot.output()
    assert sorries(tg) == [] and " lost: " not in output and "not redone" not in output
    assert not tg.rejected(ignore=BENIGN_ERRORS)
    code, _ = bot.stop()
    assert code == 0, bot.output()


class Killer(threading.Thread):
    """Terminates the bot's connections every `every` seconds until stopped."""

    def __init__(self, pg: Pg, every: float):
        super().__init__(daemon=True)
        self.pg, self.every, self.kills = Pg(pg.url), every, 0
        self._done = threading.Event()

    def run(self) -> None:
        while not self._done.wait(self.every):
            self.kills += self.pg.terminate()

    def __enter__(self) -> "Killer":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self._done.set()
        self.join()
        self.pg.admin.close()


def test_polling_rides_out_terminated_connections_mid_traffic(tg, tmp_path, pg):
    bot = BotProcess(tg, tmp_path, DATABASE_URL=pg.url)
    try:
        bot.start()
        people = [tg.user(1000 + i, f"P{i}") for i in range(40)]
        with Killer(pg, every=0.2) as killer:
            for person in people:
                person.send("/start")
                time.sleep(0.01)
            for person in people:
                person.wait_screen("Welcome", timeout=30)
            for person in people:
                person.press("🚗 I drive")
                time.sleep(0.01)
            for person in people:
                person.wait_screen("you are a 🚗 driver", timeout=30)
        assert killer.kills >= 5  # the bot reconnected after each kill, and was killed again
        out = bot.output()
        print(f"\n{killer.kills} connections killed; {out.count('reconnecting')} reconnects, "
              f"{out.count('running it once more')} state writes retried, "
              f"{out.count('after the outage')} updates redone")
        assert pg.query("SELECT count(*) FROM \"user\" WHERE role = 'driver'") == [(40,)]
        finishes_clean(bot, tg)
    finally:
        bot.kill()


def wait_for(check, timeout: float = 20.0, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"no {what} within {timeout}s")


def finished(pg: Pg, update_id: int) -> None:
    """Wait until the bot has finished with an update: the de-duplication records it last."""
    wait_for(lambda: pg.query("SELECT 1 FROM processed_update WHERE update_id = %s", update_id),
             what=f"update {update_id} finished")


def test_polling_holds_updates_while_the_database_is_down_and_notifications_resume(tg, tmp_path, pg):
    bot = BotProcess(tg, tmp_path, DATABASE_URL=pg.url, HEARTBEAT_FILE=str(tmp_path / "beat"))
    try:
        bot.start()
        ann = tg.user(1, "Ann")
        ann.send("/start")
        ann.wait_screen("Welcome")
        finished(pg, 1)  # its dialog state saved too
        pg.refuse()  # down: the bot's connections die, new ones are refused
        people = [tg.user(100 + i, f"P{i}") for i in range(10)]
        for person in people:
            person.send("/start")
        ann.press("🚗 I drive")
        # every one of them was taken (aiogram confirmed it to Telegram) and is being held
        wait_for(lambda: bot.output().count("waiting to redo it") >= 11, what="11 held updates")
        assert all(p.screen() is None for p in people) and sorries(tg) == []
        pg.accept()
        up = time.monotonic()
        ann.wait_screen("you are a 🚗 driver", timeout=15)
        for person in people:
            person.wait_screen("Welcome", timeout=15)
        back_after = time.monotonic() - up
        print(f"\npolling: 11 held updates done {back_after:.2f}s after the database came back")
        assert back_after < 5, f"service back {back_after:.1f}s after the database"
        notifier_sends(bot, 1, "after the outage")
        finishes_clean(bot, tg)
    finally:
        bot.kill()


class Telegram:
    """Delivers webhook updates as Telegram does: each in its own request, again after any
    answer other than 200 (after a pause), until it gets a 200."""

    def __init__(self, url: str, secret: str):
        self.url, self.secret = url, secret
        self.statuses: dict[int, list[int]] = {}
        self._threads: list[threading.Thread] = []

    def deliver(self, update: dict) -> None:
        def run() -> None:
            attempts = self.statuses.setdefault(update["update_id"], [])
            while not attempts or attempts[-1] != 200:
                if attempts:
                    time.sleep(0.3)
                attempts.append(post(self.url, update, self.secret))

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        self._threads.append(thread)

    def join(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        for thread in self._threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        assert not any(t.is_alive() for t in self._threads), f"undelivered: {self.statuses}"


def test_webhook_answers_503_while_the_database_is_down_and_telegram_redelivers(tg, tmp_path, pg):
    web = Hook()
    bot = BotProcess(tg, tmp_path, DATABASE_URL=pg.url, **web.env)
    telegram = Telegram(web.url, SECRET)
    try:
        bot.start(wait_polling=False)
        bot.wait_request("setWebhook", timeout=60)
        wait_for(web.healthy, what="the webhook server")
        people = [tg.user(100 + i, f"P{i}") for i in range(8)]
        telegram.deliver(message_update(1, 100, "/start"))
        people[0].wait_screen("Welcome")
        finished(pg, 1)
        pg.refuse()
        for i, person in enumerate(people[1:], 2):
            telegram.deliver(message_update(i, person.id, "/start"))
        # longer than the bot waits inside a request (5 s): it answers 503, Telegram tries again
        wait_for(lambda: any(503 in s for s in telegram.statuses.values()), timeout=15, what="a 503")
        assert sorries(tg) == [] and all(p.screen() is None for p in people[1:])
        pg.accept()
        up = time.monotonic()
        wait_for(web.healthy, timeout=5, what="healthy again")
        telegram.join(timeout=15)
        for person in people:
            person.wait_screen("Welcome", timeout=10)
        back_after = time.monotonic() - up
        print(f"\nwebhook: {sum(s.count(503) for s in telegram.statuses.values())} answers 503, every update "
              f"done {back_after:.2f}s after the database came back")
        assert back_after < 5
        assert all(s[-1] == 200 and set(s) <= {200, 503} for s in telegram.statuses.values()), telegram.statuses
        welcomes = [r for r in tg.requests if r.method == "sendMessage" and "Welcome" in r.params.get("text", "")]
        assert len(welcomes) == len(people)  # each handled once, whatever the number of deliveries
        finishes_clean(bot, tg)
    finally:
        bot.kill()


class RedisServer:
    """A disposable `redis-server` on its own port, persisting to an append-only file the way
    a production Redis would (the shared server on 6379 is never touched)."""

    def __init__(self, workdir):
        self.port = free_port()
        self.dir = workdir
        self.dir.mkdir(parents=True, exist_ok=True)
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def client(self):
        import redis

        return redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=2)

    def start(self) -> None:
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.dir),
             "--appendonly", "yes", "--appendfsync", "always", "--save", "", "--daemonize", "no",
             "--logfile", str(self.dir / "redis.log")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

        def answers() -> bool:
            try:
                return bool(self.client().ping())
            except Exception:  # noqa: BLE001 - not up yet
                return False

        wait_for(answers, timeout=10, what="redis-server")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()  # a clean shutdown: the append-only file is complete
            self.proc.wait(timeout=10)

    def finished(self, update_id: int) -> None:
        """Wait until the bot has finished with an update, dialog state saved: the
        de-duplication records it last."""
        wait_for(lambda: self.client().exists(f"carpool:update:{update_id}"), what=f"update {update_id} finished")

    def kill_clients(self) -> int:
        return self.client().client_kill_filter(_type="normal", skipme=True)


@pytest.fixture
def own_redis(tmp_path):
    server = RedisServer(tmp_path / "redis")
    server.start()
    yield server
    server.stop()


def test_a_redis_restart_keeps_dialog_state_and_loses_no_update(tg, tmp_path, own_redis):
    bot = BotProcess(tg, tmp_path, REDIS_URL=own_redis.url)
    try:
        bot.start()
        dee = tg.user(5, "Dee")
        sign_up(dee)
        own_redis.finished(2)
        assert own_redis.kill_clients() >= 1  # every connection of the bot dies at once
        dee.send("/newtrip")
        dee.wait_screen("Where to?")
        own_redis.finished(3)
        own_redis.stop()  # Redis restarts; the wizard's place is in its append-only file
        dee.send("Riverside Arena")
        wait_for(lambda: "Update 4: Redis unreachable" in bot.output(), what="the update held for Redis")
        assert bot.proc.poll() is None  # still running
        own_redis.start()
        up = time.monotonic()
        dee.wait_screen("Which day?", timeout=10)  # the held update, in the wizard Redis kept
        back_after = time.monotonic() - up
        print(f"\nredis: the held update done {back_after:.2f}s after Redis came back")
        assert back_after < 5
        from bot.infra.db import open_database
        from models import db

        db.initialize(open_database(f"sqlite:///{tmp_path}/data/carpool.sqlite3"))
        notifier_sends(bot, 5, "after the restart")  # the sender's lease lives in Redis
        finishes_clean(bot, tg)
    finally:
        bot.kill()
