"""aiogram FSM storage in the bot's own database (table `fsm_record`).

On the default setup (SQLite, one process) the dialog stack and every dialog's
data then survive a restart, without another service to run. We looked at the
PyPI packages that do this (aiogram-sqlite-storage, aiogram-fsm-sqlitestorage):
each opens its own SQLite connection beside ours and supports only SQLite, so a
small storage on the models' own Peewee database serves SQLite and PostgreSQL alike.

Values are JSON, exactly as Redis would hold them: a non-JSON value in dialog
data fails here in tests, not in production.
"""

from __future__ import annotations

import json
from typing import Any

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, DefaultKeyBuilder, KeyBuilder, StateType, StorageKey

from models import FsmRecord, db, utcnow


class PeeweeStorage(BaseStorage):
    def __init__(self, key_builder: KeyBuilder | None = None) -> None:
        self.key_builder = key_builder or DefaultKeyBuilder(with_destiny=True)

    def _key(self, key: StorageKey) -> str:
        return self.key_builder.build(key)

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        value = state.state if isinstance(state, State) else state
        self._upsert(self._key(key), state=value)

    async def get_state(self, key: StorageKey) -> str | None:
        row = FsmRecord.get_or_none(FsmRecord.key == self._key(key))
        return row.state if row else None

    async def set_data(self, key: StorageKey, data: dict[str, Any]) -> None:
        self._upsert(self._key(key), data=json.dumps(data, ensure_ascii=False))

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        row = FsmRecord.get_or_none(FsmRecord.key == self._key(key))
        return json.loads(row.data) if row else {}

    async def close(self) -> None:
        pass

    @staticmethod
    def _upsert(key: str, **values: Any) -> None:
        values["updated_at"] = utcnow()
        with db.atomic():
            updated = FsmRecord.update(**values).where(FsmRecord.key == key).execute()
            if not updated:
                if values.get("state") is None and values.get("data") in (None, "{}"):
                    return  # clearing a key that does not exist: keep the table small
                FsmRecord.insert(key=key, **values).on_conflict(
                    conflict_target=[FsmRecord.key], update=values
                ).execute()
