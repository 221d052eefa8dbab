"""aiogram FSM storage in SQLite, so a conversation survives a restart or a ``kill -9``."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from aiogram.exceptions import DataNotDictLikeError
from aiogram.fsm.state import State
from aiogram.fsm.storage.base import (
    BaseStorage,
    DefaultKeyBuilder,
    KeyBuilder,
    StateType,
    StorageKey,
)

from bot.clock import Clock, to_db
from storage.database import Database, Transaction


class SQLiteStorage(BaseStorage):
    def __init__(self, db: Database, clock: Clock, key_builder: KeyBuilder | None = None) -> None:
        self._db = db
        self._clock = clock
        # Destiny is part of the key so that scenes or a second FSM per chat never collide.
        self._keys = key_builder or DefaultKeyBuilder(with_bot_id=True, with_destiny=True)

    async def close(self) -> None:
        """The database is closed by the application, which owns it."""

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        value = state.state if isinstance(state, State) else state
        async with self._db.transaction() as tx:
            await tx.execute(
                "INSERT INTO fsm_records (storage_key, state, updated_at) VALUES (?, ?, ?) "
                "ON CONFLICT (storage_key) DO UPDATE SET state = excluded.state, "
                "updated_at = excluded.updated_at",
                (self._keys.build(key), value, to_db(self._clock.now())),
            )
            await self._forget_if_empty(tx, key)

    async def get_state(self, key: StorageKey) -> str | None:
        value = await self._db.fetch_value(
            "SELECT state FROM fsm_records WHERE storage_key = ?", (self._keys.build(key),)
        )
        return None if value is None else str(value)

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        if not isinstance(data, dict):
            raise DataNotDictLikeError(
                f"Data must be a dict or dict-like object, got {type(data).__name__}"
            )
        encoded = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        async with self._db.transaction() as tx:
            await tx.execute(
                "INSERT INTO fsm_records (storage_key, data, updated_at) VALUES (?, ?, ?) "
                "ON CONFLICT (storage_key) DO UPDATE SET data = excluded.data, "
                "updated_at = excluded.updated_at",
                (self._keys.build(key), encoded, to_db(self._clock.now())),
            )
            await self._forget_if_empty(tx, key)

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        value = await self._db.fetch_value(
            "SELECT data FROM fsm_records WHERE storage_key = ?", (self._keys.build(key),)
        )
        if not value:
            return {}
        decoded = json.loads(value)
        return decoded if isinstance(decoded, dict) else {}

    async def _forget_if_empty(self, tx: Transaction, key: StorageKey) -> None:
        # A finished conversation leaves no row behind.
        await tx.execute(
            "DELETE FROM fsm_records WHERE storage_key = ? AND state IS NULL AND data = '{}'",
            (self._keys.build(key),),
        )
