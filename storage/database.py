"""One aiosqlite connection per process, with every write in a ``BEGIN IMMEDIATE`` transaction.

A single connection keeps SQLite's locking simple; an asyncio lock makes sure that two
coroutines never interleave statements of different transactions on it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any

import aiosqlite

log = logging.getLogger(__name__)

Params = Sequence[Any] | dict[str, Any]


class UpdateMark:
    """The update being handled in this task: recorded as processed by the first write
    transaction it causes, in that same transaction, so that marking it costs no commit of
    its own and an update that changes nothing leaves no row."""

    __slots__ = ("recorded", "update_id", "when")

    def __init__(self, update_id: int, when: str) -> None:
        self.update_id = update_id
        self.when = when
        self.recorded = False


# Set by the processed-updates middleware for the handling of one update (and inherited by
# work it starts, which then records nothing twice: the mark is shared).
current_update: ContextVar[UpdateMark | None] = ContextVar("current_update", default=None)


class Database:
    def __init__(self, path: Path | str, *, busy_timeout_ms: int = 5000) -> None:
        self.path = Path(path)
        self._busy_timeout_ms = busy_timeout_ms
        self._conn: aiosqlite.Connection | None = None
        self._lock = asyncio.Lock()

    async def connect(self) -> None:
        if str(self.path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        # isolation_level=None: we issue BEGIN/COMMIT ourselves, sqlite3 adds nothing implicit.
        self._conn = await aiosqlite.connect(self.path, isolation_level=None)
        self._conn.row_factory = aiosqlite.Row
        await self._conn.execute(f"PRAGMA busy_timeout = {int(self._busy_timeout_ms)}")
        await self._conn.execute("PRAGMA journal_mode = WAL")
        # FULL: a committed transaction survives a power cut too, not only a killed process.
        await self._conn.execute("PRAGMA synchronous = FULL")
        await self._conn.execute("PRAGMA foreign_keys = ON")

    async def close(self) -> None:
        if self._conn is not None:
            async with self._lock:
                await self._conn.close()
                self._conn = None

    @property
    def connection(self) -> aiosqlite.Connection:
        if self._conn is None:
            raise RuntimeError("Database is not connected")
        return self._conn

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Transaction]:
        """A write transaction: committed when the block ends, rolled back on any error."""
        async with self._lock:
            conn = self.connection
            await conn.execute("BEGIN IMMEDIATE")
            try:
                yield Transaction(conn)
                mark = await _record_update(conn)
            except BaseException:
                await conn.execute("ROLLBACK")
                raise
            else:
                await conn.execute("COMMIT")
                if mark is not None:
                    mark.recorded = True

    async def execute_alone(self, sql: str, params: Params = ()) -> None:
        """One write statement outside any transaction: SQLite makes it atomic by itself,
        without BEGIN and COMMIT. For an idempotent write that need not record the update."""
        async with self._lock, self.connection.execute(sql, params):
            pass

    async def fetch_one(self, sql: str, params: Params = ()) -> aiosqlite.Row | None:
        async with self._lock, self.connection.execute(sql, params) as cursor:
            return await cursor.fetchone()

    async def fetch_all(self, sql: str, params: Params = ()) -> list[aiosqlite.Row]:
        async with self._lock, self.connection.execute(sql, params) as cursor:
            return list(await cursor.fetchall())

    async def fetch_value(self, sql: str, params: Params = ()) -> Any:
        row = await self.fetch_one(sql, params)
        return None if row is None else row[0]

    async def run_script_atomically(self, script: str) -> None:
        """Run a multi-statement script inside one transaction (used by migrations).

        Foreign keys are switched off around the transaction, as SQLite's way of changing a
        table (create the new one, copy, drop the old one, rename) requires: with them on,
        dropping a table would delete the rows that refer to it. Before the commit,
        ``PRAGMA foreign_key_check`` must find nothing, or the whole script is rolled back
        with :class:`DanglingReferences`; foreign keys are on again afterwards either way.
        """
        async with self._lock:
            conn = self.connection
            # A no-op inside a transaction, so it is set before BEGIN.
            await conn.execute("PRAGMA foreign_keys = OFF")
            try:
                await conn.executescript(f"BEGIN IMMEDIATE;\n{script}")
                async with conn.execute("PRAGMA foreign_key_check") as cursor:
                    problems = [tuple(row) for row in await cursor.fetchall()]
                if problems:
                    raise DanglingReferences(problems)
                await conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    await conn.execute("ROLLBACK")
                raise
            finally:
                await conn.execute("PRAGMA foreign_keys = ON")


class DanglingReferences(Exception):
    """A script left rows that refer to rows which do not exist; it was rolled back."""

    def __init__(self, problems: list[tuple[Any, ...]]) -> None:
        # Rows of PRAGMA foreign_key_check: (table, rowid, parent table, constraint index).
        self.problems = problems
        shown = "; ".join(
            f"{table} row {rowid} refers to a missing row of {parent}"
            for table, rowid, parent, _ in problems[:10]
        )
        more = f" (and {len(problems) - 10} more)" if len(problems) > 10 else ""
        super().__init__(f"{shown}{more}")


async def _record_update(conn: aiosqlite.Connection) -> UpdateMark | None:
    """Record the update being handled (once); returns its mark, to be set after COMMIT."""
    mark = current_update.get()
    if mark is None or mark.recorded:
        return None
    await conn.execute(
        "INSERT OR IGNORE INTO processed_updates (update_id, processed_at) VALUES (?, ?)",
        (mark.update_id, mark.when),
    )
    return mark


class Transaction:
    """Statements of one write transaction; handed out by :meth:`Database.transaction`."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run a statement; returns the last inserted row id (or 0)."""
        async with self._conn.execute(sql, params) as cursor:
            return cursor.lastrowid or 0

    async def execute_rowcount(self, sql: str, params: Params = ()) -> int:
        async with self._conn.execute(sql, params) as cursor:
            return cursor.rowcount

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        await self._conn.executemany(sql, rows)

    async def fetch_one(self, sql: str, params: Params = ()) -> aiosqlite.Row | None:
        async with self._conn.execute(sql, params) as cursor:
            return await cursor.fetchone()

    async def fetch_all(self, sql: str, params: Params = ()) -> list[aiosqlite.Row]:
        async with self._conn.execute(sql, params) as cursor:
            return list(await cursor.fetchall())
