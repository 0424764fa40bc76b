"""Peewee migrations -- 009_club_chat.py.

Issue #20, the club's group chat: `club_chat` (the bot's standing in CLUB_CHAT_ID, from
my_chat_member) and `group_post` (the bot's messages there — trip announcements and the
board — each one row, edited as its trip changes: a group outbox). New tables only.
"""

from contextlib import suppress

import peewee as pw
from peewee_migrate import Migrator


with suppress(ImportError):
    import playhouse.postgres_ext as pw_pext


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    @migrator.create_model
    class ClubChat(pw.Model):
        id = pw.AutoField()
        chat_id = pw.BigIntegerField(unique=True)
        status = pw.CharField(default='member', max_length=16)
        can_pin = pw.BooleanField(default=False)
        configured_by = pw.BigIntegerField(null=True)
        board_posted_at = pw.DateTimeField(null=True)
        updated_at = pw.DateTimeField()

        class Meta:
            table_name = "club_chat"

    @migrator.create_model
    class GroupPost(pw.Model):
        id = pw.AutoField()
        chat_id = pw.BigIntegerField()
        kind = pw.CharField(max_length=8)
        trip = pw.ForeignKeyField(column_name='trip_id', field='id', model=migrator.orm['trip'], null=True, on_delete='CASCADE')
        message_id = pw.BigIntegerField(null=True)
        version = pw.IntegerField(default=1)
        sent_version = pw.IntegerField(default=0)
        due_at = pw.DateTimeField()
        repost = pw.BooleanField(default=False)
        pinned = pw.BooleanField(default=False)
        attempts = pw.IntegerField(default=0)
        error = pw.TextField(default='')
        claimed_by = pw.CharField(default='', max_length=64)
        claimed_at = pw.DateTimeField(null=True)
        created_at = pw.DateTimeField()

        class Meta:
            table_name = "group_post"
            indexes = [(('chat_id', 'kind', 'trip'), True)]


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_model('group_post')
    migrator.remove_model('club_chat')

    migrator.remove_model('club_chat')
