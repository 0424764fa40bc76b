"""Three replica processes of the real bot behind a round-robin load balancer (issue #17, item 12).

One PostgreSQL database (migrated once by `carpool-bot migrate`) and one Redis; three
`carpool-bot run` processes in webhook mode on their own ports, each with its own log folder
and heartbeat file; a `Balancer` that plays Telegram and a round-robin load balancer in front
of them. The fake Bot API answers `sendMessage` after `SEND_LATENCY`, so a fan-out of
notifications is under way when the test strikes, and holds the request struck in the
middle of for `SLOW_SEND`:

1. traffic through all three in turn: a driver creates a trip step by step through the
   wizard (each step on another replica), passengers register and join it concurrently;
2. kill -9 of the sending replica mid fan-out: how long until another replica holds the
   sender lock and sends, how many messages were lost or sent twice. The dead sender's claim
   on its message in flight is aged by the claim timeout (2 minutes) instead of waited for;
3. SIGSTOP of the new sender mid fan-out: the lock must pass when PostgreSQL ends the frozen
   holder's idle session (`SENDER_LEASE_TIMEOUT`, shortened here); nobody
   sends its claimed row within the claim timeout, the new sender does after it (aged: the one
   repeat the promise allows); then SIGCONT, and the old sender begins nothing more;
4. `pg_terminate_backend` of every bot connection, again and again, while updates and
   notifications flow: every update is served (a non-200 is posted again), nothing is lost.

Lost = notifications never delivered; doubled = deliveries beyond the first. The promise
(bot/workers/notifier.py): none lost, at most one repeat per crash per message in flight (one).
The measured numbers are printed (`-s` not needed) and bounded by the asserts.
"""

from __future__ import annotations

import collections
import contextlib
import itertools
import json
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg2
import pytest

from bot.devtools.fakeapi import BENIGN_ERRORS, FakeTelegram
from tests.process import BotProcess, carpool_bot_command
from tests.test_e2e_week import pick_date
from tests.test_webhook import HOOK, SECRET, TOKEN, _get, free_port, healthy

SEND_LATENCY = 0.05  # the fake answers each sendMessage this late: a fan-out takes seconds
SLOW_SEND = 0.5  # ... and the one request the test strikes in the middle of
IDLE_TIMEOUT = 4.0  # the frozen sender's session (and lock) ends after this (30 s as shipped)
FANOUT = 40  # notifications per strike, one per recipient
STRIKE_AFTER = 10  # delivered before the strike
POST_TIMEOUT = 3.0  # the balancer gives a replica this long to answer
LEASE_APP = "carpool-bot sender lease"  # application_name of the lock connection (bot/workers/leader.py)
BOT_APPS = "carpool-bot%"  # every connection of the bot processes, not the test's own


# ---------------------------------------------------------------------------------------------
# Telegram and the load balancer

def post(url: str, update: dict, timeout: float) -> int:
    """POST one update as Telegram does; the HTTP status, or 0 for no answer (refused, timed out)."""
    request = urllib.request.Request(url, data=json.dumps(update).encode(), method="POST", headers={
        "Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": SECRET})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:  # refused, reset, timed out
        return 0


class Balancer:
    """Telegram and a round-robin load balancer together. Each update goes to the next replica
    in turn; on any answer but 200 (a 503 while the database is unreachable, a refused
    connection, no answer within POST_TIMEOUT) it is posted again, to the next replica, until
    one answers 200. A replica that did not answer is skipped for a while (the balancer's health
    check). One user's updates go out in order, one at a time, as Telegram sends them."""

    def __init__(self, urls: list[str], workers: int = 6):
        self.urls = urls
        self.down_until = [0.0] * len(urls)
        self.statuses: collections.Counter = collections.Counter()  # answer status -> count
        self.served: collections.Counter = collections.Counter()  # replica index -> updates it answered 200
        self.reposted = 0
        self.attempts: dict[int, list[tuple[int, int]]] = collections.defaultdict(list)  # update -> (replica, status)
        self.sent_by: dict[int, int] = {}  # update -> user
        self._turn = itertools.count()
        self._cond = threading.Condition()
        self._unfinished = 0
        self._queues = [queue.Queue() for _ in range(workers)]
        self._threads = [threading.Thread(target=self._work, args=(q,), daemon=True) for q in self._queues]
        for thread in self._threads:
            thread.start()

    def deliver(self, update: dict) -> None:
        sender = next(v for k, v in update.items() if k != "update_id")["from"]["id"]
        with self._cond:
            self._unfinished += 1
            self.sent_by[update["update_id"]] = sender
        self._queues[sender % len(self._queues)].put(update)

    def wait_idle(self, timeout: float = 30) -> None:
        with self._cond:
            assert self._cond.wait_for(lambda: self._unfinished == 0, timeout), \
                f"{self._unfinished} update(s) not delivered within {timeout}s; answers so far {self.statuses}"

    def close(self) -> None:
        for q in self._queues:
            q.put(None)
        for thread in self._threads:
            thread.join(POST_TIMEOUT + 1)

    def _pick(self) -> int:
        now = time.monotonic()
        for _ in range(len(self.urls)):
            index = next(self._turn) % len(self.urls)
            if self.down_until[index] <= now:
                return index
        return next(self._turn) % len(self.urls)  # all look down: try anyway

    def _work(self, updates: queue.Queue) -> None:
        while (update := updates.get()) is not None:
            while True:
                index = self._pick()
                status = post(self.urls[index], update, POST_TIMEOUT)
                with self._cond:
                    self.statuses[status] += 1
                    self.attempts[update["update_id"]].append((index, status))
                if status == 200:
                    self.served[index] += 1
                    break
                if status == 0:
                    self.down_until[index] = time.monotonic() + 5
                self.reposted += 1
                time.sleep(0.1)
            with self._cond:
                self._unfinished -= 1
                self._cond.notify_all()


class WebhookTelegram(FakeTelegram):
    """The fake Bot API, delivering its users' updates to the webhook through the balancer
    instead of keeping them for getUpdates."""

    balancer: Balancer

    def _enqueue(self, kind: str, payload: dict) -> int:
        with self._lock:
            update_id = next(self._update_ids)
        self.balancer.deliver({"update_id": update_id, kind: payload})
        return update_id


# ---------------------------------------------------------------------------------------------
# The replicas and the database

@dataclass(eq=False)
class Replica:
    name: str
    port: int
    process: BotProcess
    stopped: bool = False

    @property
    def pid(self) -> int:
        return self.process.proc.pid

    def alive(self) -> bool:
        return self.process.proc.poll() is None

    def healthz(self) -> int:
        return _get(f"http://127.0.0.1:{self.port}/healthz")


class Pg:
    """The test's view of the database, on connections the bot's do not share."""

    def __init__(self, url: str):
        self.url = url
        self.name = url.rsplit("/", 1)[1]
        self.conn = psycopg2.connect(url, application_name="replicas test")
        self.conn.autocommit = True

    def query(self, sql: str, *params) -> list:
        with self.conn.cursor() as cur:
            cur.execute(sql, params)
            return cur.fetchall() if cur.description else []

    def sender_port(self) -> int | None:
        """The client port of the connection holding the sender's advisory lock."""
        from bot.workers.leader import PostgresAdvisoryLease

        rows = self.query(
            "SELECT a.client_port FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
            "WHERE l.locktype = 'advisory' AND l.granted AND l.objid = %s AND a.datname = current_database() "
            "AND a.application_name = %s", PostgresAdvisoryLease("").key, LEASE_APP)
        return rows[0][0] if rows else None

    def claims(self, pid: int) -> dict[int, int]:
        """The rows process `pid` holds claimed for sending: {id: chat}."""
        return dict(self.query("SELECT id, chat_id FROM notification WHERE state = 'sending' AND claimed_by LIKE %s",
                               f"%:{pid}:%"))

    def age_claims(self, pid: int, seconds: float) -> list[int]:
        """Make the claims of process `pid` `seconds` older: what waiting that long would do."""
        return [i for (i,) in self.query(
            "UPDATE notification SET claimed_at = claimed_at - %s * interval '1 second' "
            "WHERE state = 'sending' AND claimed_by LIKE %s RETURNING id", seconds, f"%:{pid}:%")]

    def terminate_bot_connections(self) -> int:
        return len(self.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                              "WHERE datname = current_database() AND application_name LIKE %s", BOT_APPS))


def owner_of_port(port: int, replicas: list[Replica]) -> Replica | None:
    """The replica process with a TCP socket on local `port` (Linux /proc)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as f:
            for line in list(f)[1:]:
                fields = line.split()
                if int(fields[1].rsplit(":", 1)[1], 16) == port:
                    inodes.add(f"socket:[{fields[9]}]")
    for replica in replicas:
        fds = Path(f"/proc/{replica.pid}/fd")
        for fd in fds.iterdir() if replica.alive() else ():
            try:
                if os.readlink(fd) in inodes:
                    return replica
            except OSError:
                continue
    return None


def wait_for(check, timeout: float, what: str, every: float = 0.02):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := check():
            return value
        time.sleep(every)
    raise AssertionError(f"no {what} within {timeout}s")


@dataclass
class Strike:
    """What one strike at the sender cost."""

    what: str
    lock_passed: float = 0.0  # seconds from the strike until another replica held the lock
    first_send: float = 0.0  # ... until that replica's first message reached Telegram
    lost: int = 0
    doubled: int = 0
    notes: list[str] = field(default_factory=list)

    def line(self) -> str:
        return (f"{self.what}: lock passed after {self.lock_passed:.2f}s, first send after {self.first_send:.2f}s; "
                f"lost {self.lost}, doubled {self.doubled}" + "".join(f"; {n}" for n in self.notes))


class Cluster:
    def __init__(self, tg: WebhookTelegram, pg: Pg, replicas: list[Replica], balancer: Balancer):
        self.tg, self.pg, self.replicas, self.balancer = tg, pg, replicas, balancer

    def live(self) -> list[Replica]:
        return [r for r in self.replicas if r.alive() and not r.stopped]

    def sender(self) -> Replica | None:
        port = self.pg.sender_port()
        return owner_of_port(port, self.replicas) if port else None

    def sends(self, prefix: str, after: float = 0.0) -> list:
        return [r for r in self.tg.requests if r.method == "sendMessage" and r.status == 200
                and r.params.get("text", "").startswith(prefix) and r.at > after]

    def explain(self, users: list[int]) -> str:
        """For a failure: how these users' updates were posted, and what the replicas logged."""
        updates = {u: a for u, a in self.balancer.attempts.items() if self.balancer.sent_by.get(u) in users}
        lines = [f"update {u} of user {self.balancer.sent_by[u]}: (replica, status) {a}" for u, a in updates.items()]
        for replica in self.replicas:
            lines += [f"{replica.name}: {line}" for line in replica.process.output().splitlines()
                      if "WARNING" in line or "ERROR" in line or any(f"Update {u} " in line for u in updates)]
        return "\n".join(lines)

    def fan_out(self, marker: str, recipients: list[int]) -> None:
        """One notification to each recipient, written the way every operation writes them."""
        from models import db, outbox, users

        with db.atomic():
            for chat in recipients:
                outbox.enqueue(users.get_user(chat), f"{marker} #{chat}", kind="test")

    def count(self, marker: str, recipients: list[int]) -> tuple[int, int]:
        """(lost, doubled) of a fan-out, from what reached Telegram."""
        per_chat = collections.Counter(r.params["chat_id"] for r in self.sends(marker))
        lost = sum(1 for chat in recipients if per_chat[chat] == 0)
        return lost, sum(n - 1 for n in per_chat.values() if n > 1)

    def delivered(self, marker: str, recipients: list[int], timeout: float) -> None:
        wait_for(lambda: len({r.params["chat_id"] for r in self.sends(marker)}) == len(recipients),
                 timeout, f"every {marker!r} notification delivered", every=0.05)


# ---------------------------------------------------------------------------------------------
# Fixtures

@pytest.fixture
def cluster(pg_url, redis_url, tmp_path):
    from bot.infra.db import open_database
    from models import db

    started = time.monotonic()
    done = subprocess.run([*carpool_bot_command(), "migrate"], cwd=tmp_path, capture_output=True, text=True,
                          env=dict(os.environ, DATABASE_URL=pg_url, LOG_DIR=""), timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    migrated_in = time.monotonic() - started
    db.initialize(open_database(pg_url))  # the test's own writes (fan-outs), on its own connection
    tg = WebhookTelegram(token=TOKEN)
    ports = [free_port() for _ in range(3)]
    tg.balancer = Balancer([f"http://127.0.0.1:{p}/telegram/webhook" for p in ports])
    tg.start()
    tg.delay("sendMessage", SEND_LATENCY)
    replicas = []
    for i, port in enumerate(ports):
        workdir = tmp_path / f"replica{i}"
        workdir.mkdir()
        process = BotProcess(
            tg, workdir, DATABASE_URL=pg_url, REDIS_URL=redis_url, WEBHOOK_URL=HOOK, WEBHOOK_SECRET=SECRET,
            WEBHOOK_HOST="127.0.0.1", WEBHOOK_PORT=str(port), HEARTBEAT_FILE=str(workdir / "heartbeat"),
            SENDER_LEASE_TIMEOUT=str(IDLE_TIMEOUT), REMINDERS="")
        replicas.append(Replica(f"replica{i}", port, process))
    pg = Pg(pg_url)
    try:
        started = time.monotonic()
        for replica in replicas:
            replica.process.start(wait_polling=False)
        for replica in replicas:
            wait_for(lambda: replica.healthz() == 200 or not replica.alive(), 90, f"{replica.name} serving")
            assert replica.alive(), replica.process.output()
        cluster = Cluster(tg, pg, replicas, tg.balancer)
        cluster.timings = {"migrate": migrated_in, "start": time.monotonic() - started}
        yield cluster
    finally:
        tg.balancer.close()
        for replica in replicas:
            if replica.stopped:
                os.kill(replica.pid, signal.SIGCONT)
            replica.process.kill()
        tg.stop()
        pg.conn.close()
        db.close()


# ---------------------------------------------------------------------------------------------
# The story

def register(user, role: str) -> None:
    user.send("/start")
    user.wait_screen("Welcome", timeout=20)
    user.press("🚗 I drive" if role == "driver" else "🙋 I need a ride")
    user.wait_screen(f"you are a {'🚗 driver' if role == 'driver' else '🙋 passenger'}", timeout=20)


def create_trip(dee) -> str:
    """Through the wizard, each step on the next replica; returns the share link's payload."""
    dee.send("/newtrip")
    dee.wait_screen("Where to?")
    dee.send("Riverside Arena")
    pick_date(dee, datetime.now(UTC).date() + timedelta(days=1))
    dee.wait_screen("How many free seats?")
    steps = [(dee.press, "4", "send the address"), (dee.send, "Central Station", "Pickup time"),
             (dee.send, "18:00", "Pickup points"), (dee.press, "✅ Done", "Any comment"),
             (dee.press, "⏭ Skip", "Check your trip"), (dee.press, "✅", "Trip created")]  # the one ✅ button (Confirm)
    for act, what, then in steps:
        act(what)
        created = dee.wait_screen(then)
    return re.search(r"https://t\.me/carpool_test_bot\?start=(trip_\d+)", created.text).group(1)


def join(user, link: str) -> None:
    register(user, "passenger")
    user.send(f"/start {link}")
    # the card (the menu lists the next rides too, Riverside Arena among them)
    user.wait_screen(lambda m: "Riverside Arena" in (m.text or "") and any("🙋 Join" in b for row in m.buttons
                                                                          for b in row), timeout=20)
    user.press("🙋 Join")
    screen = user.wait_screen(lambda s: "Take a seat" in s.text or "Where do you get in?" in s.text, timeout=20)
    if "Take a seat" not in screen.text:  # (a trip with one pickup point may skip the question)
        user.press("📍 18:00 Central Station")
        user.wait_screen("Take a seat", timeout=20)
    user.press("✅ Join")
    user.wait_screen("You have a seat", timeout=20)


def strike_mid_send(cluster: Cluster, marker: str, recipients: list[int], sig: int) -> tuple[Replica, float, dict]:
    """Start a fan-out; once STRIKE_AFTER of it are delivered, signal the sender (the holder of
    the advisory lock) while Telegram holds one of its requests (SLOW_SEND). Returns the
    sender, the moment of the strike and the rows it had claimed then ({id: chat})."""
    tg = cluster.tg
    cluster.fan_out(marker, recipients)
    wait_for(lambda: len(cluster.sends(marker)) >= STRIKE_AFTER, 20, f"{STRIKE_AFTER} {marker!r} sends")
    for _ in range(5):  # (a sender that loses its lock in between, on a very busy machine: again)
        sender = wait_for(cluster.sender, 5, "the holder of the sender lock")
        assert sender in cluster.live(), "the lock holder is none of the live replicas"
        tg.delay("sendMessage", SLOW_SEND)
        arrived = tg.arrived("sendMessage")
        wait_for(lambda: tg.arrived("sendMessage") > arrived, 5, "a send held by Telegram")
        claimed = cluster.pg.claims(sender.pid)
        if claimed and cluster.sender() is sender:
            break
        tg.delay("sendMessage", SEND_LATENCY)
    else:
        raise AssertionError("never caught the lock holder with a request in flight")
    os.kill(sender.pid, sig)
    at = time.monotonic()
    tg.delay("sendMessage", SEND_LATENCY)
    assert "is now the notification sender" in sender.process.output()  # the log tells the operator too
    return sender, at, claimed


def takeover(cluster: Cluster, old: Replica, marker: str, since: float, timeout: float, strike: Strike) -> Replica:
    new = wait_for(lambda: (s := cluster.sender()) is not None and s is not old and s, timeout,
                   f"a new sender after {strike.what}")
    strike.lock_passed = time.monotonic() - since
    first = wait_for(lambda: cluster.sends(marker, after=since), timeout, f"a send after {strike.what}")[0]
    strike.first_send = first.at - since
    return new


def test_three_replicas_survive_kill_stop_and_terminated_connections(cluster, capsys, request):
    tg, pg, balancer = cluster.tg, cluster.pg, cluster.balancer
    from bot.workers.notifier import CLAIM_TIMEOUT
    from models import users

    took, t0 = {}, time.monotonic()
    # --- 1. traffic through the three in turn -------------------------------------------------
    dee = tg.user(1, "Dee", "dee")
    register(dee, "driver")
    link = create_trip(dee)
    riders = [tg.user(10 + i, f"Rider{i}", f"rider{i}") for i in range(4)]
    with ThreadPoolExecutor(len(riders)) as pool:
        list(pool.map(lambda u: join(u, link), riders))
    balancer.wait_idle()
    served = [balancer.served[i] for i in range(3)]
    assert pg.query("SELECT count(*) FROM participant") == [(4,)]
    assert all(served), served  # round robin: every replica took its share
    took["traffic"], t0 = time.monotonic() - t0, time.monotonic()

    fans = list(range(5000, 5000 + FANOUT))
    for chat in fans:
        tg.user(chat, f"Fan{chat}")
        users.register_user(chat, f"Fan{chat}")

    # --- 2. kill -9 of the sender mid fan-out -------------------------------------------------
    killed, at, in_flight = strike_mid_send(cluster, "k9", fans, signal.SIGKILL)
    killed.process.stop(signal.SIGKILL)  # reaped
    kill9 = Strike("kill -9")
    # Its claim on the message it had in flight goes back to pending after CLAIM_TIMEOUT (120 s):
    # age that claim instead of waiting two minutes.
    aged = pg.age_claims(killed.pid, CLAIM_TIMEOUT + 1)
    assert sorted(aged) == sorted(in_flight) and len(in_flight) == 1, (aged, in_flight)
    kill9.notes.append(f"{len(in_flight)} in flight, its claim aged by the claim timeout")
    new_sender = takeover(cluster, killed, "k9", at, 15, kill9)
    cluster.delivered("k9", fans, 20)
    kill9.lost, kill9.doubled = cluster.count("k9", fans)
    took["kill -9"], t0 = time.monotonic() - t0, time.monotonic()

    # --- 3. SIGSTOP of the new sender mid fan-out, SIGCONT afterwards --------------------------
    stop = Strike("SIGSTOP")
    frozen, at, in_flight = strike_mid_send(cluster, "st", fans, signal.SIGSTOP)
    frozen.stopped = True
    assert len(in_flight) == 1, in_flight
    if frozen is not new_sender:
        stop.notes.append("the sender had changed again before the strike")
    newcomers = [tg.user(100 + i, f"New{i}") for i in range(6)]  # updates keep coming meanwhile
    for user in newcomers:
        user.send("/start")
    takeover(cluster, frozen, "st", at, IDLE_TIMEOUT + 6, stop)
    for user in newcomers:
        user.wait_screen("Welcome", timeout=POST_TIMEOUT + 10)
    wait_for(lambda: len(cluster.sends("st", after=at)) >= 5, 10, "the new sender under way")
    # Within the claim timeout the row in flight stays the frozen sender's: nobody sends it again.
    assert pg.claims(frozen.pid) == in_flight

    def again() -> list:
        return [r for r in cluster.sends("st", after=at) if r.params["chat_id"] in in_flight.values()]

    assert again() == []
    # A freeze longer than the claim timeout (aged, as for the dead one): the new sender sends
    # it again, and Telegram, which answered the frozen request, has it twice.
    assert sorted(pg.age_claims(frozen.pid, CLAIM_TIMEOUT + 1)) == sorted(in_flight)
    wait_for(again, 10, "the frozen sender's message sent again")
    stop.notes.append("frozen past the claim timeout (aged): its message in flight sent again")
    log_before = len(frozen.process.output())
    os.kill(frozen.pid, signal.SIGCONT)
    frozen.stopped = False
    cluster.delivered("st", fans, 20)
    stop.lost, stop.doubled = cluster.count("st", fans)
    wait_for(lambda: "is no longer the notification sender" in frozen.process.output()[log_before:], 10,
             "the resumed sender standing down")
    resumed_sends = {int(i) for i in re.findall(r"Sent notification (\d+) ", frozen.process.output()[log_before:])}
    stop.notes.append(f"after SIGCONT the old sender recorded {len(resumed_sends)} send(s) of the "
                      f"{len(in_flight)} it had in flight, and began no other")
    balancer.wait_idle()
    took["SIGSTOP"], t0 = time.monotonic() - t0, time.monotonic()

    # --- 4. every bot connection terminated, again and again, mid traffic ---------------------
    killer_stop, kills = threading.Event(), []

    def killer() -> None:
        while not killer_stop.wait(0.2):
            kills.append(pg.terminate_bot_connections())

    cluster.fan_out("pg", fans)
    thread = threading.Thread(target=killer, daemon=True)
    thread.start()
    try:
        late = [tg.user(200 + i, f"Late{i}") for i in range(8)]
        with ThreadPoolExecutor(len(late)) as pool:
            list(pool.map(lambda u: register(u, "passenger"), late))
        cluster.delivered("pg", fans, 30)
    finally:
        killer_stop.set()
        thread.join()
    terminated = sum(kills)
    balancer.wait_idle()
    pg_lost, pg_doubled = cluster.count("pg", fans)
    took["terminations"], t0 = time.monotonic() - t0, time.monotonic()

    # --- everything -----------------------------------------------------------------------------
    # The fan-outs are counted at Telegram; the rest (the joins' notices to the driver, rendered
    # when sent) by their rows.
    unsent = "SELECT id, kind, state, claimed_by, claimed_at, error FROM notification WHERE state <> 'sent'"
    with contextlib.suppress(AssertionError):  # (the last send may still be being recorded)
        wait_for(lambda: not pg.query(unsent), 10, "every notification recorded as sent", every=0.1)
    states = dict(pg.query("SELECT state, count(*) FROM notification GROUP BY state"))
    welcomes = collections.Counter(r.params["chat_id"] for r in tg.requests if r.method == "sendMessage"
                                   and "Welcome" in r.params.get("text", ""))
    players = [dee, *riders, *newcomers, *late]
    sorries = [r.params["text"] for r in tg.requests if r.method in ("sendMessage", "answerCallbackQuery")
               and "Sorry" in r.params.get("text", "")]

    survivors = cluster.live()
    health = {r.name: (r.healthz(), healthy(r.process.workdir / "heartbeat")) for r in survivors}
    for replica in survivors:
        replica.process.proc.send_signal(signal.SIGTERM)
    exits = {r.name: r.process.stop()[0] for r in survivors}
    took["shutdown"] = time.monotonic() - t0

    measured = [
        f"migrate {cluster.timings['migrate']:.1f}s, three replicas serving after {cluster.timings['start']:.1f}s; "
        f"updates answered per replica in the wizard and joins: {served}",
        kill9.line(), stop.line(),
        f"{terminated} bot connections terminated mid traffic: lost {pg_lost}, doubled {pg_doubled}",
        f"notifications by state at the end: {states}; webhook answers {dict(balancer.statuses)} (0: no answer), "
        f"{balancer.reposted} re-posted",
        "phases: " + ", ".join(f"{k} {v:.1f}s" for k, v in took.items()),
    ]
    # Under xdist no print reaches the terminal: the report carries them (a summary hook may show them).
    request.node.user_properties.append(("measured", "\n".join(measured)))
    with capsys.disabled():
        print("\n" + "\n".join(f"[replicas] {line}" for line in measured))

    assert kill9.lock_passed < 5 and kill9.first_send < 6, kill9.line()
    assert stop.lock_passed < IDLE_TIMEOUT + 4 and stop.first_send < IDLE_TIMEOUT + 5, stop.line()
    assert (kill9.lost, stop.lost, pg_lost) == (0, 0, 0)
    assert kill9.doubled <= 1 and stop.doubled <= 1 and pg_doubled == 0  # one message in flight per crash
    assert set(states) == {"sent"} and states["sent"] >= 3 * FANOUT + len(riders), pg.query(unsent)
    assert resumed_sends <= set(in_flight)  # it sent nothing the new sender owned
    assert terminated >= 10
    twice = [p.id for p in players if welcomes[p.id] != 1]
    assert not twice, cluster.explain(twice)  # every update handled, once
    assert sorries == []
    assert health == {r.name: (200, True) for r in survivors}, health
    assert exits == {r.name: 0 for r in survivors}, {r.name: r.process.output()[-3000:] for r in survivors}
    assert not tg.rejected(ignore=BENIGN_ERRORS)
