"""Peewee migrations -- 001_initial.py.

Creates the schema: players, trips with pickup points and participants,
templates, and the dialog-state table.
"""

from contextlib import suppress

import peewee as pw
from peewee_migrate import Migrator


with suppress(ImportError):
    import playhouse.postgres_ext as pw_pext


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    @migrator.create_model
    class FsmRecord(pw.Model):
        key = pw.CharField(max_length=255, primary_key=True)
        state = pw.CharField(max_length=255, null=True)
        data = pw.TextField(default='{}')
        updated_at = pw.DateTimeField()

        class Meta:
            table_name = "fsm_record"

    @migrator.create_model
    class User(pw.Model):
        id = pw.AutoField()
        telegram_id = pw.BigIntegerField(unique=True)
        name = pw.CharField(max_length=256)
        username = pw.CharField(max_length=64, null=True)
        role = pw.CharField(max_length=16, null=True)
        car = pw.CharField(default='', max_length=100)
        reachable = pw.BooleanField(default=True)
        unreachable_reason = pw.CharField(default='', max_length=200)
        created_at = pw.DateTimeField()
        updated_at = pw.DateTimeField()

        class Meta:
            table_name = "user"

    @migrator.create_model
    class Trip(pw.Model):
        id = pw.AutoField()
        driver = pw.ForeignKeyField(column_name='driver_id', field='id', model=migrator.orm['user'], on_delete='CASCADE')
        destination = pw.CharField(max_length=100)
        departure_date = pw.DateField()
        seats = pw.IntegerField()
        status = pw.CharField(default='open', index=True, max_length=16)
        comment = pw.TextField(default='')
        cancel_reason = pw.TextField(default='')
        departs_at = pw.DateTimeField(index=True)
        ends_at = pw.DateTimeField(index=True)
        version = pw.IntegerField(default=1)
        created_at = pw.DateTimeField()
        updated_at = pw.DateTimeField()

        class Meta:
            table_name = "trip"

    @migrator.create_model
    class PickupPoint(pw.Model):
        id = pw.AutoField()
        trip = pw.ForeignKeyField(column_name='trip_id', field='id', model=migrator.orm['trip'], on_delete='CASCADE')
        address = pw.CharField(max_length=200)
        time = pw.TimeField()
        position = pw.IntegerField(default=0)

        class Meta:
            table_name = "pickup_point"

    @migrator.create_model
    class Participant(pw.Model):
        id = pw.AutoField()
        trip = pw.ForeignKeyField(column_name='trip_id', field='id', model=migrator.orm['trip'], on_delete='CASCADE')
        passenger = pw.ForeignKeyField(column_name='passenger_id', field='id', model=migrator.orm['user'], on_delete='CASCADE')
        pickup_point = pw.ForeignKeyField(column_name='pickup_point_id', field='id', model=migrator.orm['pickup_point'], on_delete='CASCADE')
        joined_at = pw.DateTimeField()

        class Meta:
            table_name = "participant"
            indexes = [(('trip', 'passenger'), True)]

    @migrator.create_model
    class TripTemplate(pw.Model):
        id = pw.AutoField()
        driver = pw.ForeignKeyField(column_name='driver_id', field='id', model=migrator.orm['user'], on_delete='CASCADE')
        name = pw.CharField(max_length=40)
        destination = pw.CharField(max_length=100)
        seats = pw.IntegerField()
        comment = pw.TextField(default='')
        created_at = pw.DateTimeField()
        updated_at = pw.DateTimeField()

        class Meta:
            table_name = "trip_template"
            indexes = [(('driver', 'name'), True)]

    @migrator.create_model
    class TemplatePickupPoint(pw.Model):
        id = pw.AutoField()
        template = pw.ForeignKeyField(column_name='template_id', field='id', model=migrator.orm['trip_template'], on_delete='CASCADE')
        address = pw.CharField(max_length=200)
        time = pw.TimeField()
        position = pw.IntegerField(default=0)

        class Meta:
            table_name = "template_pickup_point"


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_model('template_pickup_point')

    migrator.remove_model('trip_template')

    migrator.remove_model('participant')

    migrator.remove_model('pickup_point')

    migrator.remove_model('trip')

    migrator.remove_model('user')

    migrator.remove_model('fsm_record')
