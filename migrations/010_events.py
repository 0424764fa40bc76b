"""Peewee migrations -- 010_events.py.

Issue #21, club events and ride requests: `event` (trainings, games; a weekly one is a
series of rows pointing at its first occurrence), `ride_request` ("I need a ride", to an
event or to a free date and destination), `ride_alert` ("tell me about new trips to …"),
and a nullable `event_id` on `trip` (the event a trip goes to) and on `trip_template` (a
weekly event's series). New tables and nullable columns only: no table is rebuilt.
"""

from contextlib import suppress

import peewee as pw
from peewee_migrate import Migrator


with suppress(ImportError):
    import playhouse.postgres_ext as pw_pext


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    @migrator.create_model
    class Event(pw.Model):
        id = pw.AutoField()
        kind = pw.CharField(max_length=16)
        title = pw.CharField(max_length=60)
        venue = pw.CharField(max_length=100)
        date = pw.DateField(index=True)
        start_time = pw.TimeField()
        starts_at = pw.DateTimeField(index=True)
        weekly = pw.BooleanField(default=False)
        series = pw.ForeignKeyField(column_name='series_id', field='id', model='self', null=True, on_delete='SET NULL')
        status = pw.CharField(default='open', max_length=16)
        cancel_reason = pw.TextField(default='')
        created_by = pw.ForeignKeyField(column_name='created_by_id', field='id', model=migrator.orm['user'], null=True, on_delete='SET NULL')
        creation_key = pw.CharField(max_length=32, null=True)
        version = pw.IntegerField(default=1)
        created_at = pw.DateTimeField()
        updated_at = pw.DateTimeField()

        class Meta:
            table_name = "event"
            indexes = [(('created_by', 'creation_key'), True), (('series', 'date'), True)]

    @migrator.create_model
    class RideAlert(pw.Model):
        id = pw.AutoField()
        user = pw.ForeignKeyField(column_name='user_id', field='id', model=migrator.orm['user'], on_delete='CASCADE')
        event = pw.ForeignKeyField(column_name='event_id', field='id', model=migrator.orm['event'], null=True, on_delete='CASCADE')
        destination = pw.CharField(default='', max_length=100)
        weekday = pw.IntegerField(null=True)
        created_at = pw.DateTimeField()

        class Meta:
            table_name = "ride_alert"
            indexes = [(('user', 'event'), True)]

    @migrator.create_model
    class RideRequest(pw.Model):
        id = pw.AutoField()
        passenger = pw.ForeignKeyField(column_name='passenger_id', field='id', model=migrator.orm['user'], on_delete='CASCADE')
        event = pw.ForeignKeyField(column_name='event_id', field='id', model=migrator.orm['event'], null=True, on_delete='CASCADE')
        date = pw.DateField(null=True)
        destination = pw.CharField(default='', max_length=100)
        area = pw.CharField(default='', max_length=60)
        status = pw.CharField(default='open', max_length=16)
        trip = pw.ForeignKeyField(column_name='trip_id', field='id', model=migrator.orm['trip'], null=True, on_delete='SET NULL')
        created_at = pw.DateTimeField()
        updated_at = pw.DateTimeField()

        class Meta:
            table_name = "ride_request"
            indexes = [(('passenger', 'event'), True)]

    migrator.add_fields(
        'trip',

        event=pw.ForeignKeyField(column_name='event_id', field='id', model=migrator.orm['event'], null=True, on_delete='SET NULL'))

    migrator.add_fields(
        'trip_template',

        event=pw.ForeignKeyField(column_name='event_id', field='id', model=migrator.orm['event'], null=True, on_delete='SET NULL'))


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_fields('trip_template', 'event')

    migrator.remove_fields('trip', 'event')

    migrator.remove_model('ride_request')

    migrator.remove_model('ride_alert')

    migrator.remove_model('event')
