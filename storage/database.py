"""One writer connection per process, with every write in a ``BEGIN IMMEDIATE`` transaction,
and a small pool of read-only connections for long reads.

The writer is a plain :mod:`sqlite3` connection used on the event loop's own thread. The
bot's statements on it are short (a look-up by a key, a page of eight, a few rows written; a
commit, fsync included, takes well under a millisecond on an SSD), and a statement run in
place costs microseconds, whereas handing each one to a worker thread (as aiosqlite does) costs
a hand-over in each direction, a wait for the interpreter lock and a turn of the event loop:
an update of eight statements waited eight turns behind every other update being handled.
While the writer runs a statement the event loop waits for it; with a worker thread every
other update waited for the writer anyway, since each of them starts with a statement on it.

A single writer keeps SQLite's locking simple; an asyncio lock makes sure that two
coroutines never interleave statements of different transactions on it (a transaction's body
may await other work between its statements). A read that takes long (a regional summary, an
export, a count over a whole school) must therefore not run on the writer: such reads go
through :meth:`Database.reading` or :attr:`Database.reads`, which run them on read-only
aiosqlite connections of their own, in worker threads (WAL lets readers work while the writer
commits). Inside one ``reading()`` block every statement sees the same snapshot of the
database.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Iterable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager, suppress
from contextvars import ContextVar
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import quote

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


# Rows fetched per step when a read is iterated (see ``ReadSource.iterate``).
ITERATE_CHUNK = 500

# SQLite's page cache of each connection, in KiB when negative (SQLite's default is 2,000 KiB):
# the writer and each read-only connection hold at most 1 MB; the file's pages stay in the
# operating system's cache, so a page not in this one costs a read call, not a disk read.
CACHE_SIZE = -1024


# A statement on the writer runs without giving the event loop a turn: a task that runs many
# of them in a row (a job going through every pair of a region) would keep every update and
# every send waiting until it is done. Such a task, after this many seconds of statements,
# lets the loop run whatever is ready before its next statement or transaction (never inside
# a transaction: see :class:`Transaction`). An update's handling never does: it is short, and
# a turn would put it behind every other update ready to run.
YIELD_AFTER_SECONDS = 0.01

# When the task's current run of statements on the writer began (per task: a context variable).
_run_began: ContextVar[float | None] = ContextVar("writer_run_began", default=None)


async def _pace() -> None:
    if current_update.get() is not None:
        return
    now = time.perf_counter()
    began = _run_began.get()
    if began is None:
        _run_began.set(now)
    elif now - began >= YIELD_AFTER_SECONDS:
        await asyncio.sleep(0)
        _run_began.set(time.perf_counter())


class ReadSource(Protocol):
    """What a repository of long reads needs: :class:`Database` (statements on the writer),
    :class:`Reads` (statements on read-only connections) and :class:`Reader` all offer it."""

    async def fetch_one(self, sql: str, params: Params = ()) -> aiosqlite.Row | None: ...

    async def fetch_all(self, sql: str, params: Params = ()) -> list[aiosqlite.Row]: ...

    async def fetch_value(self, sql: str, params: Params = ()) -> Any: ...

    def iterate(
        self, sql: str, params: Params = (), *, chunk: int = ITERATE_CHUNK
    ) -> AsyncGenerator[aiosqlite.Row, None]: ...

    def reading(self) -> AbstractAsyncContextManager[Reader]:
        """One snapshot for the statements of a block (see :meth:`Database.reading`)."""
        ...


class Database:
    def __init__(self, path: Path | str, *, busy_timeout_ms: int = 5000, readers: int = 2) -> None:
        self.path = Path(path)
        self._busy_timeout_ms = busy_timeout_ms
        self._conn: sqlite3.Connection | None = None
        self._lock = asyncio.Lock()
        # Read-only connections: opened when first needed, at most ``readers`` of them, each
        # used by one task at a time; idle ones wait in ``_idle_readers``.
        self.readers = max(1, readers)
        self._reader_slots = asyncio.Semaphore(self.readers)
        self._idle_readers: list[aiosqlite.Connection] = []
        self._open_readers: set[aiosqlite.Connection] = set()
        # The reader of the ``reading()`` block the current task is in (per database object).
        self._current_reader: ContextVar[Reader | None] = ContextVar(
            f"reader_{id(self)}", default=None
        )
        self.reads = Reads(self)
        self._trace: Callable[[str], object] | None = None

    @property
    def in_memory(self) -> bool:
        """An in-memory database has nothing other connections could open: its reads fall
        back to the writer."""
        return str(self.path) in {":memory:", ""} or str(self.path).startswith("file::memory:")

    async def connect(self) -> None:
        if str(self.path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        # isolation_level=None: we issue BEGIN/COMMIT ourselves, sqlite3 adds nothing implicit.
        # check_same_thread=False: the connection is used on the event loop's thread only, but
        # a test or a tool may open and close the database from another thread.
        conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        try:
            conn.row_factory = sqlite3.Row
            conn.execute(f"PRAGMA busy_timeout = {int(self._busy_timeout_ms)}")
            conn.execute("PRAGMA journal_mode = WAL")
            # FULL: a committed transaction survives a power cut too, not only a killed process.
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute(f"PRAGMA cache_size = {CACHE_SIZE}")
            if self._trace is not None:
                conn.set_trace_callback(self._trace)
        except BaseException:
            conn.close()
            raise
        self._conn = conn

    async def close(self) -> None:
        readers, self._idle_readers = self._idle_readers, []
        for reader in readers:
            self._open_readers.discard(reader)
            await reader.close()
        if self._conn is not None:
            async with self._lock:
                self._conn.close()
                self._conn = None

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[Reader]:
        """A read-only connection for this task, with one snapshot for the whole block.

        Statements inside the block (on the yielded reader, or through :attr:`reads` by any
        repository called from this task) see the database as it was at the block's first
        statement, whatever the writer commits meanwhile, so a report's figures agree with
        each other. The writer is not waited for. Nested blocks in the same task share the
        outer block's reader and snapshot. With an in-memory database the statements go to
        the writer, one by one, and there is no snapshot.
        """
        current = self._current_reader.get()
        if current is not None and not current.closed:
            yield current
            return
        if self.in_memory:
            reader = Reader(self, None)
            token = self._current_reader.set(reader)
            try:
                yield reader
            finally:
                reader.closed = True
                _reset(self._current_reader, token)
            return
        async with self._reader_slots:
            conn = await self._take_reader()
            reader = Reader(self, conn)
            token = self._current_reader.set(reader)
            healthy = False
            try:
                # Deferred: the snapshot starts with the first SELECT inside the block.
                await conn.execute("BEGIN")
                try:
                    yield reader
                finally:
                    reader.closed = True
                    if conn.in_transaction:
                        await conn.execute("COMMIT")
                    # The connection is fine for the next block even if the block failed.
                    healthy = True
            finally:
                _reset(self._current_reader, token)
                self._give_back_reader(conn, healthy)

    @asynccontextmanager
    async def one_statement(self) -> AsyncIterator[Reader]:
        """A reader for a single statement: inside a :meth:`reading` block that block's reader;
        otherwise a read-only connection borrowed without BEGIN and COMMIT (one statement
        sees one snapshot by itself), which saves two hand-overs to its thread."""
        current = self._current_reader.get()
        if current is not None and not current.closed:
            yield current
            return
        if self.in_memory:
            yield Reader(self, None)
            return
        async with self._reader_slots:
            conn = await self._take_reader()
            reader = Reader(self, conn)
            try:
                yield reader
            finally:
                reader.closed = True
                # A statement that failed leaves the connection fine for the next one.
                self._give_back_reader(conn, healthy=True)

    async def _take_reader(self) -> aiosqlite.Connection:
        if self._idle_readers:
            return self._idle_readers.pop()
        if self._conn is None:
            raise RuntimeError("Database is not connected")
        uri = f"file:{quote(str(self.path.resolve()))}?mode=ro"
        conn = await aiosqlite.connect(uri, uri=True, isolation_level=None)
        try:
            conn.row_factory = aiosqlite.Row
            await conn.execute(f"PRAGMA busy_timeout = {int(self._busy_timeout_ms)}")
            await conn.execute("PRAGMA query_only = ON")
            await conn.execute(f"PRAGMA cache_size = {CACHE_SIZE}")
            if self._trace is not None:
                await conn.set_trace_callback(self._trace)
        except BaseException:
            await conn.close()
            raise
        self._open_readers.add(conn)
        return conn

    def _give_back_reader(self, conn: aiosqlite.Connection, healthy: bool) -> None:
        if healthy and self._conn is not None:
            self._idle_readers.append(conn)
            return
        # Broken, or the database closed while it was in use: close it in the background.
        self._open_readers.discard(conn)
        task = asyncio.get_running_loop().create_task(conn.close())
        _closing.add(task)
        task.add_done_callback(_closing.discard)

    async def set_trace_callback(self, callback: Callable[[str], object] | None) -> None:
        """Trace every statement, the writer's and every read-only connection's (those opened
        later too), e.g. to count a handler's statements; ``None`` stops it. The callback runs
        on the connections' threads (the writer's: the event loop's)."""
        self._trace = callback
        self.connection.set_trace_callback(callback)
        for conn in list(self._open_readers):
            await conn.set_trace_callback(callback)  # type: ignore[arg-type]

    @property
    def readers_open(self) -> int:
        """How many read-only connections are open (for tests and measurements)."""
        return len(self._open_readers)

    @property
    def connection(self) -> sqlite3.Connection:
        if self._conn is None:
            raise RuntimeError("Database is not connected")
        return self._conn

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Transaction]:
        """A write transaction: committed when the block ends, rolled back on any error."""
        await _pace()
        async with self._lock:
            conn = self.connection
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield Transaction(conn)
                mark = _record_update(conn)
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            if mark is not None:
                mark.recorded = True

    async def execute_alone(self, sql: str, params: Params = ()) -> None:
        """One write statement outside any transaction: SQLite makes it atomic by itself,
        without BEGIN and COMMIT. For an idempotent write that need not record the update."""
        await _pace()
        async with self._lock:
            self.connection.execute(sql, params).close()

    async def fetch_one(self, sql: str, params: Params = ()) -> aiosqlite.Row | None:
        await _pace()
        async with self._lock:
            return _first(self.connection, sql, params)

    async def fetch_all(self, sql: str, params: Params = ()) -> list[aiosqlite.Row]:
        await _pace()
        async with self._lock:
            return self.connection.execute(sql, params).fetchall()

    async def fetch_value(self, sql: str, params: Params = ()) -> Any:
        row = await self.fetch_one(sql, params)
        return None if row is None else row[0]

    async def iterate(
        self, sql: str, params: Params = (), *, chunk: int = ITERATE_CHUNK
    ) -> AsyncGenerator[aiosqlite.Row, None]:
        """The rows of a read on the writer. The lock cannot be held while the caller works
        on each row (the caller may write), so the rows are fetched at once; long reads
        iterate on a reader instead (:attr:`reads`), which streams them."""
        for row in await self.fetch_all(sql, params):
            yield row

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
            conn.execute("PRAGMA foreign_keys = OFF")
            try:
                conn.executescript(f"BEGIN IMMEDIATE;\n{script}")
                problems = [tuple(row) for row in conn.execute("PRAGMA foreign_key_check")]
                if problems:
                    raise DanglingReferences(problems)
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            finally:
                conn.execute("PRAGMA foreign_keys = ON")


_closing: set[asyncio.Task[None]] = set()


def _reset(var: ContextVar[Reader | None], token: Any) -> None:
    # An iteration abandoned half-way is closed by the event loop in a context of its own,
    # where the token does not apply; the reader is marked closed and so ignored anyway.
    with suppress(ValueError):
        var.reset(token)


class Reader:
    """Statements on one read-only connection, used by one task (and the tasks it starts) for
    the length of a :meth:`Database.reading` block, all in one snapshot."""

    def __init__(self, db: Database, conn: aiosqlite.Connection | None) -> None:
        self._db = db
        self._conn = conn
        # Tasks started inside the block inherit it: their statements take turns.
        self._lock = asyncio.Lock()
        self.closed = False  # set when its reading() block ends

    def reading(self) -> AbstractAsyncContextManager[Reader]:
        return self._db.reading()

    @property
    def connection(self) -> aiosqlite.Connection | sqlite3.Connection:
        """The read-only connection (the writer's for an in-memory database)."""
        return self._db.connection if self._conn is None else self._conn

    def _usable(self) -> aiosqlite.Connection:
        if self.closed:
            raise RuntimeError("The reading() block of this reader has ended")
        assert self._conn is not None
        return self._conn

    async def fetch_one(self, sql: str, params: Params = ()) -> aiosqlite.Row | None:
        if self._conn is None:
            return await self._db.fetch_one(sql, params)
        async with self._lock, self._usable().execute(sql, params) as cursor:
            return await cursor.fetchone()

    async def fetch_all(self, sql: str, params: Params = ()) -> list[aiosqlite.Row]:
        if self._conn is None:
            return await self._db.fetch_all(sql, params)
        async with self._lock:
            return list(await self._usable().execute_fetchall(sql, params))

    async def fetch_value(self, sql: str, params: Params = ()) -> Any:
        row = await self.fetch_one(sql, params)
        return None if row is None else row[0]

    async def iterate(
        self, sql: str, params: Params = (), *, chunk: int = ITERATE_CHUNK
    ) -> AsyncGenerator[aiosqlite.Row, None]:
        """The rows of a read, ``chunk`` at a time, so that a large result is never held in
        memory whole. Statements of other tasks sharing this reader may run between chunks."""
        if self._conn is None:
            async for row in self._db.iterate(sql, params, chunk=chunk):
                yield row
            return
        async with self._lock:
            cursor = await self._usable().execute(sql, params)
        try:
            while True:
                async with self._lock:
                    rows = await cursor.fetchmany(chunk)
                if not rows:
                    return
                for row in rows:
                    yield row
        finally:
            await cursor.close()


class Reads:
    """Read statements on read-only connections, for repositories of long reads.

    Inside a :meth:`Database.reading` block a statement runs on that block's reader (and so in
    its snapshot); outside one, each statement borrows a reader for itself. Handed to such
    repositories instead of the :class:`Database`, so that their reads never wait behind the
    writer and never make it wait.
    """

    def __init__(self, db: Database) -> None:
        self._db = db

    def reading(self) -> AbstractAsyncContextManager[Reader]:
        return self._db.reading()

    async def fetch_one(self, sql: str, params: Params = ()) -> aiosqlite.Row | None:
        async with self._db.one_statement() as reader:
            return await reader.fetch_one(sql, params)

    async def fetch_all(self, sql: str, params: Params = ()) -> list[aiosqlite.Row]:
        async with self._db.one_statement() as reader:
            return await reader.fetch_all(sql, params)

    async def fetch_value(self, sql: str, params: Params = ()) -> Any:
        async with self._db.one_statement() as reader:
            return await reader.fetch_value(sql, params)

    async def iterate(
        self, sql: str, params: Params = (), *, chunk: int = ITERATE_CHUNK
    ) -> AsyncGenerator[aiosqlite.Row, None]:
        """Outside a ``reading()`` block the reader is held until the iteration ends: a
        caller that may stop early should close it (``contextlib.aclosing``)."""
        async with self._db.reading() as reader:
            async for row in reader.iterate(sql, params, chunk=chunk):
                yield row


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


def _first(conn: sqlite3.Connection, sql: str, params: Params) -> sqlite3.Row | None:
    """The first row of a statement; the statement is finished at once (a cursor left open
    would keep its read going on the writer)."""
    cursor = conn.execute(sql, params)
    try:
        row: sqlite3.Row | None = cursor.fetchone()
        return row
    finally:
        cursor.close()


def _record_update(conn: sqlite3.Connection) -> UpdateMark | None:
    """Record the update being handled (once); returns its mark, to be set after COMMIT."""
    mark = current_update.get()
    if mark is None or mark.recorded:
        return None
    conn.execute(
        "INSERT OR IGNORE INTO processed_updates (update_id, processed_at) VALUES (?, ?)",
        (mark.update_id, mark.when),
    )
    return mark


class Transaction:
    """Statements of one write transaction; handed out by :meth:`Database.transaction`."""

    # The methods are coroutines, as the callers await them; the statements run in place.
    # They never give the loop a turn (:func:`_pace`): the writer's lock is held, and every
    # other statement would queue behind it; once a queue has formed, each statement waits for
    # a turn of the loop to get the lock, until the queue is gone.
    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run a statement; returns the last inserted row id (or 0)."""
        cursor = self._conn.execute(sql, params)
        cursor.close()
        return cursor.lastrowid or 0

    async def execute_rowcount(self, sql: str, params: Params = ()) -> int:
        cursor = self._conn.execute(sql, params)
        cursor.close()
        return cursor.rowcount

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        self._conn.executemany(sql, rows).close()

    async def fetch_one(self, sql: str, params: Params = ()) -> aiosqlite.Row | None:
        return _first(self._conn, sql, params)

    async def fetch_all(self, sql: str, params: Params = ()) -> list[aiosqlite.Row]:
        return self._conn.execute(sql, params).fetchall()
