"""Peewee migrations -- 003_reminders.py.

Adds sent_reminder: one row per reminder settled (sent, or superseded by a
smaller offset due at the same time), unique on (trip, recipient, offset), so
the scheduler in bot/workers/scheduler.py never sends the same reminder twice.
"""

from contextlib import suppress

import peewee as pw
from peewee_migrate import Migrator


with suppress(ImportError):
    import playhouse.postgres_ext as pw_pext


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    @migrator.create_model
    class SentReminder(pw.Model):
        id = pw.AutoField()
        trip = pw.ForeignKeyField(column_name='trip_id', field='id', model=migrator.orm['trip'], on_delete='CASCADE')
        recipient = pw.ForeignKeyField(column_name='recipient_id', field='id', model=migrator.orm['user'], on_delete='CASCADE')
        offset_minutes = pw.IntegerField()
        due_at = pw.DateTimeField()
        superseded = pw.BooleanField(default=False)
        created_at = pw.DateTimeField()

        class Meta:
            table_name = "sent_reminder"
            indexes = [(('trip', 'recipient', 'offset_minutes'), True)]


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_model('sent_reminder')
