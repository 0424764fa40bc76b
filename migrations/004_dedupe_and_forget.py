"""Peewee migrations -- 004_dedupe_and_forget.py.

Adds processed_update (de-duplicating redelivered Telegram updates) and
user.forgotten_at (/forget_me keeps anonymous rows).
"""

from contextlib import suppress

import peewee as pw
from peewee_migrate import Migrator


with suppress(ImportError):
    import playhouse.postgres_ext as pw_pext


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.add_fields(
        'user',

        forgotten_at=pw.DateTimeField(null=True))

    @migrator.create_model
    class ProcessedUpdate(pw.Model):
        update_id = pw.BigIntegerField(primary_key=True)
        seen_at = pw.DateTimeField(index=True)

        class Meta:
            table_name = "processed_update"


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_fields('user', 'forgotten_at')

    migrator.remove_model('processed_update')
