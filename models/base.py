"""The database proxy and the base model every table derives from.

`bot/` initializes `db` from DATABASE_URL; tests initialize it with a temporary
SQLite file or the local PostgreSQL, so the same models serve everywhere.
"""

from __future__ import annotations

import functools
import logging
from datetime import UTC, datetime

import peewee as pw

db = pw.DatabaseProxy()
log = logging.getLogger(__name__)


def utcnow() -> datetime:
    """Naive UTC 'now', the form every DateTimeField stores."""
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


class BaseModel(pw.Model):
    class Meta:
        # Multi-word tables name themselves (`table_name = "pickup_point"`): peewee-migrate's
        # generated models keep peewee's legacy index naming, so ours must too, or the
        # drift check sees every index as renamed.
        database = db


def is_disconnect(exc: BaseException) -> bool:
    """A PostgreSQL error meaning the connection is gone or cannot be made (a restart, a
    failover, a terminated backend, a server refusing connections), not the query's own
    error (a constraint, a deadlock, a statement timeout). Peewee re-raises psycopg2's
    error as its own, the original in `orig`."""
    if not isinstance(exc, (pw.OperationalError, pw.InterfaceError)):
        return False
    try:
        import psycopg2
    except ImportError:  # an SQLite-only installation
        return False
    driver = next((e for e in (exc, getattr(exc, "orig", None), exc.__cause__, exc.__context__)
                   if isinstance(e, psycopg2.Error)), None)
    if isinstance(driver, psycopg2.InterfaceError):  # "connection already closed"
        return True
    if isinstance(driver, psycopg2.OperationalError):
        code = driver.pgcode or ""  # none: the socket broke or the connect failed
        return code == "" or code.startswith("08") or code in ("57P01", "57P02", "57P03")
    return False


def retry_on_disconnect(operation):
    """Run a write operation (one transaction) once more if the PostgreSQL connection died
    under it: the server rolled that transaction back, and the database reconnects on the
    next statement (bot/infra/resilience.py). Only for operations whose second run is correct
    after a first run that may have committed (a COMMIT whose answer was lost): overwrites,
    upserts, operations that check for their own earlier effect. Not inside another
    transaction, which died with the connection too."""

    @functools.wraps(operation)
    def run(*args, **kwargs):
        if db.in_transaction():
            return operation(*args, **kwargs)
        try:
            return operation(*args, **kwargs)
        except (pw.OperationalError, pw.InterfaceError) as exc:
            if not is_disconnect(exc):
                raise
            log.warning("%s: the database connection died midway; running it once more", operation.__name__)
            return operation(*args, **kwargs)

    return run
