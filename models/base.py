"""The database proxy and the base model every table derives from.

`bot/` initializes `db` from DATABASE_URL; tests initialize it with a temporary
SQLite file or the local PostgreSQL, so the same models serve everywhere.
"""

from __future__ import annotations

from datetime import UTC, datetime

import peewee as pw

db = pw.DatabaseProxy()


def utcnow() -> datetime:
    """Naive UTC 'now', the form every DateTimeField stores."""
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


class BaseModel(pw.Model):
    class Meta:
        # Multi-word tables name themselves (`table_name = "pickup_point"`): peewee-migrate's
        # generated models keep peewee's legacy index naming, so ours must too, or the
        # drift check sees every index as renamed.
        database = db
