"""Peewee migrations -- 007_notification_params.py.

Adds notification.params: an outbox row keeps its message kind and parameters (JSON),
and is rendered into text and buttons when it is sent (dialogs/notifications.py), no
longer written as finished text by the operation that enqueues it.

Rows written before keep their finished `text` (and `reply_markup`) and are sent as
they are: the renderer uses `text` whenever a row has one. Only a column with a default
is added: no table is rebuilt, every row keeps its values (params '{}').
Rolling back drops the parameters: rows written since, still unsent, can no longer be sent.
"""

from contextlib import suppress

import peewee as pw
from peewee_migrate import Migrator


with suppress(ImportError):
    import playhouse.postgres_ext as pw_pext


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.add_fields(
        'notification',

        params=pw.TextField(default='{}'))


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_fields('notification', 'params')
