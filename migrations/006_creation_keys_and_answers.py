"""Peewee migrations -- 006_creation_keys_and_answers.py.

Adds trip.creation_key and trip_template.creation_key (the creating dialog's intent id,
unique per driver: one confirmation makes one trip or template, also when Telegram
delivers it again after a crash), and sent_reminder.told_way_at / told_late_at (a
passenger's answer to a reminder is told to the driver once per reminder).

Only nullable columns and indexes: no table is rebuilt, existing rows keep NULL (never
equal to another NULL in a unique index, on SQLite and PostgreSQL alike).
"""

from contextlib import suppress

import peewee as pw
from peewee_migrate import Migrator


with suppress(ImportError):
    import playhouse.postgres_ext as pw_pext


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.add_fields(
        'trip',

        creation_key=pw.CharField(max_length=32, null=True))

    migrator.add_index('trip', 'driver', 'creation_key', unique=True)

    migrator.add_fields(
        'trip_template',

        creation_key=pw.CharField(max_length=32, null=True))

    migrator.add_index('trip_template', 'driver', 'creation_key', unique=True)

    migrator.add_fields(
        'sent_reminder',

        told_way_at=pw.DateTimeField(null=True),
        told_late_at=pw.DateTimeField(null=True))


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_fields('sent_reminder', 'told_way_at', 'told_late_at')

    migrator.drop_index('trip_template', 'driver', 'creation_key')

    migrator.remove_fields('trip_template', 'creation_key')

    migrator.drop_index('trip', 'driver', 'creation_key')

    migrator.remove_fields('trip', 'creation_key')
