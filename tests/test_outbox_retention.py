"""Issue #16, item 8 (retention): finished notifications are deleted after
NOTIFICATION_RETENTION_DAYS by the scheduler; rows still to be delivered never are."""

from __future__ import annotations

import dataclasses
from datetime import UTC, timedelta

import pytest

from bot.config import ConfigError, load_settings
from bot.workers.scheduler import Scheduler
from models import Notification, User, outbox, utcnow

H = timedelta(hours=1)


def written(days_ago: float, state: str = "sent", telegram_id: int = 1) -> Notification:
    user = User.get_or_create(telegram_id=telegram_id, defaults={"name": "Ann"})[0]
    n = outbox.enqueue(user, "Ann joined", "joined")
    Notification.update(state=state, created_at=utcnow() - timedelta(days=days_ago)).where(
        Notification.id == n.id).execute()
    return n


def left() -> list[int]:
    return sorted(n.id for n in Notification.select())


def test_the_scheduler_deletes_finished_rows_past_retention_hourly(database):
    old = [written(31, s) for s in ("sent", "failed", "dropped", "expired")]
    waiting = written(40, "pending", telegram_id=2)  # not delivered yet: kept, whatever its age
    kept = written(29)
    scheduler = Scheduler((), UTC, retention=timedelta(days=30))
    now = utcnow()

    assert scheduler.tick(now).purged == 4
    assert left() == sorted([waiting.id, kept.id])
    assert all(not Notification.select().where(Notification.id == n.id).exists() for n in old)

    later = written(31)
    assert scheduler.tick(now + 0.5 * H).purged == 0  # once an hour
    assert scheduler.tick(now + H).purged == 1
    assert later.id not in left()


def test_a_backlog_is_deleted_in_short_chunks_tick_after_tick(database, monkeypatch):
    monkeypatch.setattr(outbox, "PURGE_CHUNK", 3)
    for _ in range(7):
        written(60)
    scheduler = Scheduler((), UTC)  # the default: 30 days
    now = utcnow()
    assert [scheduler.tick(now + i * timedelta(minutes=1)).purged for i in range(4)] == [3, 3, 1, 0]
    assert left() == []


def test_retention_off_keeps_everything(database):
    n = written(400)
    assert Scheduler((), UTC, retention=None).tick().purged == 0
    assert left() == [n.id]


@pytest.mark.parametrize("name, attribute, value, refusal", [
    ("NOTIFICATION_RETENTION_DAYS", "notification_retention_days", 7,
     "NOTIFICATION_RETENTION_DAYS: must be 1 to 3650 days"),
    ("SENDER_LEASE_TIMEOUT", "sender_lease_timeout", 4, "SENDER_LEASE_TIMEOUT:"),
])
def test_setting_default_value_and_refusal(tmp_path, monkeypatch, name, attribute, value, refusal):
    env = tmp_path / ".env"
    env.write_text("TELEGRAM_TOKEN=123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ012345\n")
    assert getattr(load_settings(env), attribute) == 30  # both default to 30 (days, seconds)
    monkeypatch.setenv(name, str(value))
    assert getattr(load_settings(env), attribute) == value
    monkeypatch.setenv(name, "0")
    with pytest.raises(ConfigError) as err:
        load_settings(env)
    assert any(p.startswith(refusal) for p in err.value.problems)


def test_the_running_bot_uses_the_setting(database, settings):
    from bot.runmodes.runner import Service

    service = Service(dataclasses.replace(settings, notification_retention_days=7))
    assert service.scheduler.retention == timedelta(days=7)


def test_the_sender_lease_takes_its_idle_timeout():
    from bot.workers.leader import PostgresAdvisoryLease, make_lease

    lease = make_lease("postgresql://postgres@127.0.0.1/test", idle_timeout=4)
    assert isinstance(lease, PostgresAdvisoryLease) and lease.idle_timeout == 4
