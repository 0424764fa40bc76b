"""Peewee migrations -- 008_user_language.py.

Adds user.language (issue #19): the language the player reads the bot in ("en", "ru", "de"),
taken from Telegram's language_code when they register and changed from the menu. Players
registered before keep "" and read the language their Telegram app reports, until they choose.
Only a column with a default is added: no table is rebuilt, every row keeps its values.
"""

from contextlib import suppress

import peewee as pw
from peewee_migrate import Migrator


with suppress(ImportError):
    import playhouse.postgres_ext as pw_pext


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.add_fields(
        'user',

        language=pw.CharField(default='', max_length=8))


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_fields('user', 'language')
