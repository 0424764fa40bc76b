"""Peewee migrations -- 005_outbox_claims.py.

Adds notification.claimed_by / claimed_at: a sender claims a row (state
`sending`) before it sends it, so two senders never send the same row, and a
claim left by a dead sender goes back to `pending` after a timeout
(models/outbox.py). The new states `sending` and `expired` need no schema
change (`state` is a 16-character text).
"""

from contextlib import suppress

import peewee as pw
from peewee_migrate import Migrator


with suppress(ImportError):
    import playhouse.postgres_ext as pw_pext


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.add_fields(
        'notification',

        claimed_by=pw.CharField(default='', max_length=64),
        claimed_at=pw.DateTimeField(null=True))


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_fields('notification', 'claimed_by', 'claimed_at')
