"""Peewee migrations -- 011_waitlist_and_legs.py.

Issue #22, seats that find their way: `wait_entry` (a player in line for a seat in a full
trip; the line is ordered by id), `participant.reconfirm` / `participant.asked_at` ("Still
OK?" after the driver changed the trip), `trip.release_unanswered_at` (the driver's "Release
unanswered seats at …", UTC) and `trip.outbound_id` (a return leg points to its outbound
trip). New tables, nullable columns and columns with a default only: no table is rebuilt,
every row keeps its values.
"""

from contextlib import suppress

import peewee as pw
from peewee_migrate import Migrator


with suppress(ImportError):
    import playhouse.postgres_ext as pw_pext


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.add_fields(
        'trip',

        release_unanswered_at=pw.DateTimeField(null=True),
        outbound=pw.ForeignKeyField(column_name='outbound_id', field='id', model='self', null=True, on_delete='SET NULL'))

    migrator.add_fields(
        'participant',

        reconfirm=pw.CharField(default='', max_length=8),
        asked_at=pw.DateTimeField(null=True))

    @migrator.create_model
    class WaitEntry(pw.Model):
        id = pw.AutoField()
        trip = pw.ForeignKeyField(column_name='trip_id', field='id', model=migrator.orm['trip'], on_delete='CASCADE')
        passenger = pw.ForeignKeyField(column_name='passenger_id', field='id', model=migrator.orm['user'], on_delete='CASCADE')
        pickup_point = pw.ForeignKeyField(column_name='pickup_point_id', field='id', model=migrator.orm['pickup_point'], null=True, on_delete='SET NULL')
        status = pw.CharField(default='waiting', max_length=16)
        offered_at = pw.DateTimeField(null=True)
        offer_expires_at = pw.DateTimeField(null=True)
        created_at = pw.DateTimeField()
        updated_at = pw.DateTimeField()

        class Meta:
            table_name = "wait_entry"
            indexes = [(('trip', 'status'), False), (('status', 'offer_expires_at'), False)]


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_fields('participant', 'reconfirm', 'asked_at')

    migrator.remove_fields('trip', 'release_unanswered_at', 'outbound')

    migrator.remove_model('wait_entry')
