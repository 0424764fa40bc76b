"""Peewee migrations -- 002_outbox.py.

Adds the notification outbox: messages written in the same transaction as
the change they report, delivered in order per recipient by bot/workers/notifier.py.
"""

from contextlib import suppress

import peewee as pw
from peewee_migrate import Migrator


with suppress(ImportError):
    import playhouse.postgres_ext as pw_pext


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    @migrator.create_model
    class Notification(pw.Model):
        id = pw.AutoField()
        recipient = pw.ForeignKeyField(column_name='recipient_id', field='id', model=migrator.orm['user'], on_delete='CASCADE')
        chat_id = pw.BigIntegerField()
        text = pw.TextField()
        kind = pw.CharField(max_length=32)
        trip = pw.ForeignKeyField(column_name='trip_id', field='id', model=migrator.orm['trip'], null=True, on_delete='SET NULL')
        reply_markup = pw.TextField(default='')
        state = pw.CharField(default='pending', max_length=16)
        attempts = pw.IntegerField(default=0)
        error = pw.TextField(default='')
        created_at = pw.DateTimeField()
        sent_at = pw.DateTimeField(null=True)
        next_attempt_at = pw.DateTimeField(null=True)

        class Meta:
            table_name = "notification"
            indexes = [(('state', 'id'), False)]


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_model('notification')
