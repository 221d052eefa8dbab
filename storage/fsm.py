"""aiogram FSM storage in SQLite, so a conversation survives a restart or a ``kill -9``.

Statements per update. aiogram reads the state of every update and handlers read and write
state and data several times; done naively that is a few statements and a commit or two per
update even when nobody is in a dialogue. Here:

* The record is read once per update, in the update's who-am-I statement
  (:mod:`storage.repositories.identity`), and handed to the storage with :meth:`preload`.
  Reads in the update are then answered from it.
* Writes in an update are gathered in memory (reads in the same update see them) and stored
  by :meth:`flush` when the handler is done, as one statement (an upsert of state and data,
  or a delete when the dialogue is over): inside a write transaction of its own that also
  records the update as processed when the update changed nothing else, else on its own (the
  update is recorded already, by its first write transaction). The flush runs inside
  aiogram's per-chat lock (:class:`handlers.middlewares.ProcessedUpdates` holds it), so the
  next update of the same person reads what this one wrote.
* Nothing is kept across updates: the database stays the truth. A preloaded record is used
  only when no write to its key happened since it was read (a write counter, see
  :meth:`_fresh`; inside the lock only a write from outside the update's flow, such as a
  job, can do that), else the record is read again.

Outside an update (jobs, the admin CLI, tests) every call goes to the database at once.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Mapping
from contextvars import ContextVar, Token
from dataclasses import dataclass
from datetime import datetime, timedelta
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

from bot.clock import Clock, from_db, to_db
from storage.database import Database, current_update

# Keys whose last write is remembered (for the staleness check); older writes are summed up
# in one number, which only makes the check more careful.
WRITES_KEPT = 10_000
# A dialogue set to what it already holds is written again only when it was stored longer ago
# than this (the housekeeping forgets dialogues untouched for 30 days).
RESTORE_AFTER = timedelta(days=1)


@dataclass
class _Record:
    key: str
    state: str | None
    data: dict[str, Any]
    # The write counter when the record was read (or written by this update).
    as_of: int
    dirty: bool = False
    # As the who-am-I statement read it (state, data, when it was stored), while no other
    # write to the key has come since: an update that sets the same again stores nothing.
    loaded: tuple[str | None, dict[str, Any], datetime] | None = None


class _UpdateRecords:
    """The FSM records one update has read or written, by storage key."""

    def __init__(self) -> None:
        self.records: dict[str, _Record] = {}
        # Set when the update is done: a task it started (which inherits the context) and
        # that writes later must not leave its write in a holder nobody flushes.
        self.closed = False


_current: ContextVar[_UpdateRecords | None] = ContextVar("fsm_update_records", default=None)


def _decode(value: str | None) -> dict[str, Any]:
    if not value:
        return {}
    decoded = json.loads(value)
    return decoded if isinstance(decoded, dict) else {}


class SQLiteStorage(BaseStorage):
    def __init__(self, db: Database, clock: Clock, key_builder: KeyBuilder | None = None) -> None:
        self._db = db
        self._clock = clock
        # Destiny is part of the key so that scenes or a second FSM per chat never collide.
        self._keys = key_builder or DefaultKeyBuilder(with_bot_id=True, with_destiny=True)
        # A counter of writes; per key, its value at the key's last write.
        self._writes = 0
        self._written: OrderedDict[str, int] = OrderedDict()
        self._forgotten_upto = 0

    async def close(self) -> None:
        """The database is closed by the application, which owns it."""

    def key_of(self, key: StorageKey) -> str:
        return self._keys.build(key)

    # -- one update --------------------------------------------------------------------------
    def read_mark(self) -> int:
        """Take before reading a record (in the who-am-I statement) and pass to :meth:`preload`."""
        return self._writes

    def begin_update(self) -> Token[_UpdateRecords | None]:
        return _current.set(_UpdateRecords())

    def end_update(self, token: Token[_UpdateRecords | None]) -> None:
        records = _current.get()
        if records is not None:
            records.closed = True
        _current.reset(token)

    def preload(
        self,
        key: str,
        state: str | None,
        data: str | None,
        as_of: int,
        updated_at: str | None = None,
    ) -> None:
        """The record of ``key`` as the who-am-I statement read it (no row: all None)."""
        records = _current.get()
        if records is not None:
            loaded = None
            if updated_at is not None:
                loaded = (state, _decode(data), from_db(updated_at))
            records.records[key] = _Record(key, state, _decode(data), as_of, loaded=loaded)

    async def flush(self) -> None:
        """Store what the update wrote: one statement per changed key."""
        records = _current.get()
        if records is None:
            return
        records.closed = True  # later writes (a task the update started) go straight in
        for record in records.records.values():
            if record.dirty and not self._same_as_stored(record):
                await self._store(record)
            record.dirty = False

    def _same_as_stored(self, record: _Record) -> bool:
        """The update set the step and data the row already holds (a /start that shows the
        same step again), and the row was stored lately: nothing to write. (A row left
        untouched for long is written again, so that a dialogue still in use is not taken
        for abandoned by the housekeeping.)"""
        loaded = record.loaded
        if loaded is None:
            return False
        state, data, stored_at = loaded
        return (
            record.state == state
            and record.data == data
            and self._clock.now() - stored_at < RESTORE_AFTER
        )

    # -- aiogram's interface -------------------------------------------------------------------
    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        value = state.state if isinstance(state, State) else state
        record = await self._record(self.key_of(key))
        record.state = value
        await self._changed(record)

    async def get_state(self, key: StorageKey) -> str | None:
        return (await self._record(self.key_of(key))).state

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        if not isinstance(data, dict):
            raise DataNotDictLikeError(
                f"Data must be a dict or dict-like object, got {type(data).__name__}"
            )
        record = await self._record(self.key_of(key))
        # A copy, as a store would keep: the caller may change its dict afterwards.
        record.data = json.loads(json.dumps(data, ensure_ascii=False))
        await self._changed(record)

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        return dict((await self._record(self.key_of(key))).data)

    # -- the record ----------------------------------------------------------------------------
    async def _record(self, key: str) -> _Record:
        records = _current.get()
        if records is not None and records.closed:
            records = None
        if records is not None:
            found = records.records.get(key)
            if found is not None and (found.dirty or self._fresh(found)):
                return found
        as_of = self._writes
        row = await self._db.fetch_one(
            "SELECT state, data FROM fsm_records WHERE storage_key = ?", (key,)
        )
        record = _Record(
            key,
            None if row is None else row["state"],
            _decode(None if row is None else row["data"]),
            as_of,
        )
        if records is not None:
            records.records[key] = record
        return record

    def _fresh(self, record: _Record) -> bool:
        """No write to the key since the record was read. A write counts from before its
        statement runs until after it committed (:meth:`_store` marks both), so a read that
        overlapped a write is never taken for fresh."""
        return self._written.get(record.key, self._forgotten_upto) <= record.as_of

    def _mark_written(self, key: str) -> None:
        self._writes += 1
        self._written[key] = self._writes
        self._written.move_to_end(key)
        while len(self._written) > WRITES_KEPT:
            _, forgotten = self._written.popitem(last=False)
            self._forgotten_upto = max(self._forgotten_upto, forgotten)

    async def _changed(self, record: _Record) -> None:
        if not record.dirty and record.loaded is not None and not self._fresh(record):
            record.loaded = None  # another write came since it was read: the row may differ
        records = _current.get()
        if records is None or records.closed:
            await self._store(record)  # outside an update: at once
            return
        record.dirty = True
        self._mark_written(record.key)

    async def _store(self, record: _Record) -> None:
        self._mark_written(record.key)
        try:
            if record.state is None and not record.data:
                # A finished conversation leaves no row behind.
                sql = "DELETE FROM fsm_records WHERE storage_key = ?"
                params: tuple[Any, ...] = (record.key,)
            else:
                sql = (
                    "INSERT INTO fsm_records (storage_key, state, data, updated_at) "
                    "VALUES (?, ?, ?, ?) ON CONFLICT (storage_key) DO UPDATE SET "
                    "state = excluded.state, data = excluded.data, "
                    "updated_at = excluded.updated_at"
                )
                encoded = json.dumps(record.data, ensure_ascii=False, separators=(",", ":"))
                params = (record.key, record.state, encoded, to_db(self._clock.now()))
            mark = current_update.get()
            if mark is not None and mark.recorded:
                # The update is recorded as processed already: one statement, its own
                # implicit transaction (SQLite makes a lone statement atomic).
                await self._db.execute_alone(sql, params)
            else:
                # Nothing else recorded the update: the dialogue's step and the record that
                # the update was handled are stored together (a redelivered press must not
                # toggle a choice twice).
                async with self._db.transaction() as tx:
                    await tx.execute(sql, params)
        finally:
            self._mark_written(record.key)
        record.dirty = False
        record.as_of = self._writes
