"""Trip lifecycle: reminder due times (DST included), once per offset, edits, restarts,
auto-close and the past-trips view. Time is simulated by passing `now`."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from playhouse.test_utils import assert_query_count

from bot.infra.db import init_database
from bot.workers.scheduler import Scheduler
from models import (
    ROLE_DRIVER, ROLE_PASSENGER, TRIP_CANCELLED, TRIP_DONE, TRIP_OPEN, Notification, Participant,
    PickupPoint, SentReminder, Trip, db, lifecycle, queries, rides, trips, users, utcnow,
)
from models.trips import to_utc
from dialogs.notifications import NotificationRenderer
from tests.notices import render_row

UTC = ZoneInfo("UTC")
H = timedelta(hours=1)
MIN = timedelta(minutes=1)
OFFSETS = (24 * H, 2 * H)


def player(tid: int, name: str, role: str = ROLE_PASSENGER, username: str | None = None):
    users.register_user(tid, name, username=username)
    return users.set_role(tid, role)


def make_trip(day: date, points=(("Station", "18:00"), ("Oak St", "18:30")), tz=UTC, dest="Gym", seats=3) -> Trip:
    return trips.create_trip(1, trips.TripDraft(
        destination=dest, departure_date=day, seats=seats,
        pickups=[trips.PickupDraft(a, time.fromisoformat(t)) for a, t in points]), tz)


def points(trip: Trip) -> list[PickupPoint]:
    return queries.pickup_points(trip.id)


def join(tid: int, trip: Trip, index: int = 0, joined_at: datetime | None = None) -> None:
    rides.join_trip(tid, trip.id, points(trip)[index].id)
    if joined_at is not None:
        Participant.update(joined_at=joined_at).where(Participant.trip == trip.id).where(
            Participant.passenger == users.get_user(tid).id).execute()
    Notification.delete().where(Notification.kind == "joined").execute()  # only reminders matter here


def pickup(trip: Trip, index: int = 0, tz=UTC) -> datetime:
    return to_utc(trip.departure_date, points(trip)[index].time, tz)


def sent(kind: str | None = None) -> list[tuple[int, str]]:
    """(chat, kind) of every reminder enqueued so far, in order."""
    query = Notification.select().where(Notification.kind.startswith("reminder")).order_by(Notification.id)
    return [(n.chat_id, n.kind) for n in query if kind is None or n.kind == kind]


def tick(now: datetime, offsets=OFFSETS, tz=UTC) -> int:
    return lifecycle.send_due_reminders(now, offsets, tz)


@pytest.fixture
def dee(database):
    users.register_user(1, "Dee Driver", username="dee")
    users.set_role(1, ROLE_DRIVER)
    users.set_car(1, "red Skoda, AB-123")
    player(2, "Ann Smith")
    player(3, "Bob <Jones>")
    return users.get_user(1)


def in_days(n: int, tz=UTC) -> date:
    return trips.local_today(tz) + timedelta(days=n)


# --- due times -----------------------------------------------------------------------------


def next_dst_change(tz: ZoneInfo) -> date:
    """The next day (from the day after tomorrow) whose noon UTC offset differs from the day before."""
    day = trips.local_today(tz) + timedelta(days=2)
    offset = lambda d: datetime.combine(d, time(12), tz).utcoffset()  # noqa: E731
    while offset(day) == offset(day - timedelta(days=1)):
        day += timedelta(days=1)
    return day


def test_due_time_is_24_real_hours_across_a_dst_change(dee):
    berlin = ZoneInfo("Europe/Berlin")
    day = next_dst_change(berlin)
    trip = make_trip(day, points=(("Station", "18:00"),), tz=berlin)
    join(2, trip)
    departs = to_utc(day, time(18), berlin)
    assert trip.departs_at == departs
    due = departs - 24 * H
    local_due = due.replace(tzinfo=UTC).astimezone(berlin)
    assert local_due.date() == day - timedelta(days=1)
    assert local_due.time() in (time(17), time(19))  # not 18:00: the clocks moved an hour in between

    assert lifecycle.due_reminders(due - MIN, (24 * H,), berlin) == []
    due_now = lifecycle.due_reminders(due, (24 * H,), berlin)
    assert {(d.recipient_id, d.due_at, d.for_driver) for d in due_now} == {(1, due, True), (2, due, False)}
    assert tick(due, (24 * H,), berlin) == 2
    ann = NotificationRenderer(berlin)(Notification.get(Notification.chat_id == 2), now=due)
    assert "tomorrow" in ann.text and "<b>18:00</b>" in ann.text  # local time in the message


# --- once per offset, with what each message says ----------------------------------------


def test_each_offset_once_per_recipient_with_details(dee):
    trip = make_trip(in_days(3))
    join(2, trip, 1)  # Oak St 18:30
    join(3, trip, 0)  # Station 18:00
    first, oak = pickup(trip, 0), pickup(trip, 1)

    assert tick(first - 24 * H - MIN) == 0
    assert tick(first - 24 * H) == 2  # the driver and Bob (both 18:00)
    assert tick(first - 24 * H) == 0  # a second tick in the same minute
    assert tick(oak - 24 * H) == 1  # Ann: her own pickup, 30 minutes later
    assert tick(oak - 24 * H + 5 * MIN) == 0
    assert sorted(sent()) == [(1, "reminder_driver"), (2, "reminder"), (3, "reminder")]

    assert tick(first - 2 * H) == 2 and tick(oak - 2 * H) == 1 and tick(oak - H) == 0
    assert len(sent()) == 6 and SentReminder.select().count() == 6

    day_ahead, last = [render_row(n, now=oak - 24 * H) for n in Notification.select().where(
        Notification.chat_id == 2).order_by(Notification.id)]
    assert "Gym" in day_ahead.text and "Be at: Oak St, 18:30" in day_ahead.text and "tomorrow" in day_ahead.text
    assert 'href="https://t.me/dee"' in day_ahead.text and "red Skoda" in day_ahead.text
    # a day ahead, "On my way" makes no sense: only the last reminder offers it
    assert "Still going?" in day_ahead.text and keyboard(day_ahead) == [["👍 Yes", "🚫 Can't go"]]
    assert "Let the driver know" in last.text
    assert keyboard(last) == [["🚗 On my way", "⏰ Running late"], ["❌ Can't go"]]
    assert all(len(b.callback_data.encode()) <= 64 and b.callback_data.endswith(f":{trip.id}")
               for message in (day_ahead, last) for row in message.reply_markup.inline_keyboard for b in row)
    driver = render_row(Notification.select().where(Notification.chat_id == 1).order_by(Notification.id).first(),
                        now=first - 24 * H)
    assert "18:00 Station: " in driver.text and "Bob &lt;Jones&gt;" in driver.text
    assert "18:30 Oak St: " in driver.text and "Ann Smith" in driver.text and "2 of 3 seats" in driver.text
    assert keyboard(driver) == [["🚗 Open trip"]]


def keyboard(message) -> list[list[str]]:
    return [[b.text for b in row] for row in message.reply_markup.inline_keyboard]


def test_none_for_cancelled_trips_or_people_who_left(dee):
    cancelled = make_trip(in_days(3), dest="Cancelled")
    join(2, cancelled)
    Trip.update(status=TRIP_CANCELLED).where(Trip.id == cancelled.id).execute()
    trip = make_trip(in_days(3))
    join(2, trip)
    join(3, trip)
    rides.leave_trip(3, trip.id)
    assert tick(pickup(trip) - 24 * H) == 2
    assert sorted(sent()) == [(1, "reminder_driver"), (2, "reminder")]
    assert {n.trip_id for n in Notification.select().where(Notification.kind.startswith("reminder"))} == {trip.id}


def test_none_for_offsets_already_past_at_creation_or_join(dee):
    trip = make_trip(in_days(3))
    t0 = pickup(trip)
    Trip.update(created_at=t0 - 10 * H).where(Trip.id == trip.id).execute()  # created 10 h ahead
    join(2, trip, joined_at=t0 - 5 * H)  # 24h was past, 2h is not
    join(3, trip, joined_at=t0 - H)  # both were past
    assert tick(t0 - 24 * H) == 0 and tick(t0 - 3 * H) == 0
    assert tick(t0 - 2 * H) == 2
    assert sorted(sent()) == [(1, "reminder_driver"), (2, "reminder")]
    assert tick(t0 - 10 * MIN) == 0  # Bob never gets one; the trip is still open
    assert Participant.select().where(Participant.trip == trip.id).count() == 2


def _move(trip: Trip, new_times: list[str], tz=UTC) -> None:
    """What an edit of the pickup times writes: the points and the trip's UTC bounds."""
    with db.atomic():
        for p, t in zip(points(trip), new_times):
            PickupPoint.update(time=time.fromisoformat(t)).where(PickupPoint.id == p.id).execute()
        instants = [to_utc(trip.departure_date, time.fromisoformat(t), tz) for t in new_times]
        Trip.update(departs_at=min(instants), ends_at=max(instants)).where(Trip.id == trip.id).execute()


def test_an_edit_moves_unsent_reminders_and_never_repeats_one(dee):
    trip = make_trip(in_days(3))
    join(2, trip)
    old = pickup(trip)
    assert tick(old - 24 * H) == 2  # 24h sent to both

    _move(trip, ["20:00", "20:30"])  # two hours later
    new = pickup(trip)
    assert new == old + 2 * H
    assert tick(new - 24 * H) == 0  # the 24h offset was sent already: not twice
    assert tick(old - 2 * H) == 0  # the old 2h time: nothing, it moved
    assert tick(new - 2 * H - MIN) == 0
    assert tick(new - 2 * H) == 2
    assert SentReminder.get(SentReminder.recipient == 2, SentReminder.offset_minutes == 120).due_at == new - 2 * H

    later = make_trip(in_days(4), dest="Cup")  # nothing sent yet: an earlier time brings them forward
    join(2, later)
    from models import manage

    moved = [manage.PointEdit(p.id, p.address, time(12, 30 * i)) for i, p in enumerate(points(later))]
    edit = manage.TripEdit(pickups=moved)
    manage.apply_edit(1, later.id, later.version, edit, UTC)  # the driver's own edit operation
    t = pickup(later)
    assert t.time() == time(12)
    assert tick(t - 24 * H) == 2 and tick(t - 2 * H) == 2
    assert len(sent()) == 8


def test_several_offsets_due_at_once_send_only_the_latest(dee):
    """After downtime across two due times: one message (the 2h one), the 24h one settled."""
    trip = make_trip(in_days(3))
    join(2, trip)
    t0 = pickup(trip)
    assert tick(t0 - H) == 2
    rows = {(r.recipient_id, r.offset_minutes): r.superseded for r in SentReminder.select()}
    assert rows == {(1, 1440): True, (1, 120): False, (2, 1440): True, (2, 120): False}
    assert tick(t0 - 30 * MIN) == 0
    assert tick(t0) == 0 and tick(t0 + MIN) == 0  # nothing once the pickup is here


def test_no_offsets_means_no_reminders(dee):
    trip = make_trip(in_days(3))
    assert lifecycle.due_reminders(pickup(trip) - H, (), UTC) == []
    assert tick(pickup(trip) - H, ()) == 0


def test_a_restart_between_two_reminders_loses_none(dee, db_url):
    trip = make_trip(in_days(3))
    join(2, trip)
    t0 = pickup(trip)
    first = Scheduler(OFFSETS, UTC, interval=60)
    assert first.tick(t0 - 24 * H).reminders == 2
    db.close()  # the process stops ...

    init_database(db_url)  # ... and a new one starts on the same database
    second = Scheduler(OFFSETS, UTC, interval=60)
    assert second.tick(t0 - 24 * H + MIN).reminders == 0  # nothing repeated
    assert second.tick(t0 - 3 * H).reminders == 0
    assert second.tick(t0 - 2 * H + 4 * MIN).reminders == 2  # down at the due minute: sent at the next tick
    assert [k for _, k in sent()] == ["reminder_driver", "reminder"] * 2


def test_two_schedulers_racing_send_once(dee):
    """Two replicas (or two ticks) that both computed the due list: the unique index settles it."""
    trip = make_trip(in_days(3))
    join(2, trip)
    now = pickup(trip) - 24 * H
    due = lifecycle.due_reminders(now, OFFSETS, UTC)
    assert len(due) == 2
    assert tick(now) == 2
    from unittest import mock

    with mock.patch.object(lifecycle, "due_reminders", return_value=due):  # a stale due list
        assert tick(now) == 0
    assert len(sent()) == 2 and SentReminder.select().count() == 2


async def test_scheduler_task_ticks_wakes_notifier_and_stops(dee):
    trip = make_trip(in_days(3))
    soon = utcnow() + 20 * H  # the run loop uses the real clock: a departure 20 h away
    Trip.update(departs_at=soon, ends_at=soon, created_at=soon - 48 * H).where(Trip.id == trip.id).execute()

    class Notifier:
        woken = 0

        def wake(self):
            self.woken += 1

    notifier = Notifier()
    scheduler = Scheduler((24 * H,), UTC, notifier=notifier, interval=0.01)
    task = asyncio.create_task(scheduler.run())
    for _ in range(200):
        if sent():
            break
        await asyncio.sleep(0.01)
    await scheduler.stop(2)
    assert task.done() and sent() == [(1, "reminder_driver")] and notifier.woken == 1


# --- closing and history -------------------------------------------------------------------


def test_finished_trips_are_closed(dee):
    over = make_trip(in_days(1), dest="Over")
    join(2, over)
    running = make_trip(in_days(1), dest="Running")  # first pickup passed, last one not yet
    cancelled = make_trip(in_days(1), dest="Cancelled")
    Trip.update(status=TRIP_CANCELLED).where(Trip.id == cancelled.id).execute()
    future = make_trip(in_days(2), dest="Future")
    now = pickup(over, 1)  # the last pickup of the first three: 18:30 tomorrow
    Trip.update(ends_at=now + MIN).where(Trip.id == running.id).execute()

    assert lifecycle.close_finished_trips(now) == 1
    status = {t.destination: t.status for t in Trip.select()}
    assert status == {"Over": TRIP_DONE, "Running": TRIP_OPEN, "Cancelled": TRIP_CANCELLED, "Future": TRIP_OPEN}
    assert Trip.get_by_id(over.id).version == 2
    assert lifecycle.close_finished_trips(now) == 0
    assert [r.destination for r in queries.my_rides(2, now)] == []
    assert [r.destination for r in queries.list_upcoming(0, now=now)[0]] == ["Future"]
    assert Scheduler(OFFSETS, UTC).tick(now + 2 * MIN).closed == 1  # the running one, now over


def _past(trip: Trip, status: str, days_ago: int) -> None:
    t = datetime(2020, 1, 1, 18) + timedelta(days=1000 - days_ago)
    Trip.update(status=status, departs_at=t, ends_at=t).where(Trip.id == trip.id).execute()


def test_past_trips_for_drivers_and_passengers(dee):
    player(4, "Eve Wheeler", ROLE_DRIVER)
    made = []
    for i in range(23):  # Dee's: alternately done and cancelled, Ann rode in every third
        trip = make_trip(in_days(2 + i % 5), dest=f"Game {i}")
        if i % 3 == 0:
            join(2, trip)
        made.append(trip)
    for i, trip in enumerate(made):
        _past(trip, TRIP_DONE if i % 2 else TRIP_CANCELLED, days_ago=i)
    upcoming = make_trip(in_days(3), dest="Upcoming")  # open: not history
    join(2, upcoming)
    left = make_trip(in_days(3), dest="Left it")
    join(2, left)
    rides.leave_trip(2, left.id)
    _past(left, TRIP_DONE, days_ago=0)

    with assert_query_count(3):
        rows, total = queries.past_trips(1, 0)
    assert total == 20  # capped at the last 20
    assert [r.destination for r in rows] == ["Left it", "Game 0", "Game 1", "Game 2", "Game 3"]
    assert all(r.as_driver for r in rows) and rows[1].status == TRIP_CANCELLED and rows[2].status == TRIP_DONE
    pages = [queries.past_trips(1, p)[0] for p in range(5)]
    assert [len(p) for p in pages] == [5, 5, 5, 5, 0]
    assert pages[3][-1].destination == "Game 18"
    assert len({r.trip_id for p in pages for r in p}) == 20

    ann, ann_total = queries.past_trips(2, 0, page_size=10)
    assert ann_total == 8  # games 0, 3, …, 21: not "Upcoming" (open), not "Left it" (she left)
    assert [r.destination for r in ann][:3] == ["Game 0", "Game 3", "Game 6"]
    assert not any(r.as_driver for r in ann)
    assert queries.past_trips(4, 0) == ([], 0)
    assert queries.past_trips(999, 0) == ([], 0)


# --- the past-trips view -------------------------------------------------------------------


async def test_past_trips_view_pages_and_opens_the_card(env, dee):
    for i in range(7):
        trip = make_trip(in_days(2), dest=f"Game {i}")
        join(2, trip)
        _past(trip, TRIP_CANCELLED if i == 0 else TRIP_DONE, days_ago=i)
    Trip.update(cancel_reason="gym closed").where(Trip.destination == "Game 0").execute()

    dee_ = env.player(1, "Dee")
    await dee_.send("/start")
    screen = await dee_.click("🕘 Past trips")
    assert "Past trips" in screen.text and "page 1 of 2" in screen.text
    labels = [b for b in dee_.buttons() if "Game" in b]
    assert len(labels) == 5 and labels[0].startswith("❌ Game 0") and labels[1].startswith("🏁 Game 1")
    assert all(b.endswith("🚗") for b in labels)
    screen = await dee_.click("Next ▶️")
    assert "page 2 of 2" in screen.text and [b for b in dee_.buttons() if "Game" in b][-1].startswith("🏁 Game 6")
    await dee_.click("◀️ Previous")
    screen = await dee_.click("❌ Game 0.*")
    assert "Cancelled" in screen.text and "gym closed" in screen.text
    screen = await dee_.click("⬅️ Back")
    assert "Past trips" in screen.text

    ann = env.player(2, "Ann")
    screen = await ann.send("/history")
    assert "page 1 of 2" in screen.text and all(b.endswith("🙋") for b in ann.buttons() if "Game" in b)
    screen = await ann.click("🏁 Game 1.*")
    assert "This trip is over" in screen.text and "🚶 Leave" not in ann.buttons()
    screen = await ann.click("⬅️ Back")
    screen = await ann.click("⬅️ Back")
    assert "you are a 🙋 passenger" in screen.text

    bob = env.player(3, "Bob")
    screen = await bob.send("/history")
    assert "Nothing here yet" in screen.text


def test_on_postgresql(pg_url):
    """The same operations on PostgreSQL, including a duplicate refused by the unique index
    (which aborts the transaction there: it must roll back cleanly and go on)."""
    from unittest import mock

    from bot.infra.db import migrate

    migrate(pg_url)
    init_database(pg_url)
    try:
        users.register_user(1, "Dee", username="dee")
        users.set_role(1, ROLE_DRIVER)
        player(2, "Ann")
        trip = make_trip(in_days(3))
        join(2, trip)
        now = pickup(trip) - 24 * H
        due = lifecycle.due_reminders(now, OFFSETS, UTC)
        assert tick(now) == 2 and tick(now) == 0
        with mock.patch.object(lifecycle, "due_reminders", return_value=due):
            assert tick(now) == 0
        assert tick(pickup(trip) - 2 * H) == 2 and SentReminder.select().count() == 4
        assert lifecycle.close_finished_trips(pickup(trip, 1)) == 1
        rows, total = queries.past_trips(2, 0)
        assert total == 1 and rows[0].status == TRIP_DONE and not rows[0].as_driver
    finally:
        db.close()
