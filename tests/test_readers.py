"""Read-only connections: long reads neither wait behind the writer nor make it wait, a
``reading()`` block sees one snapshot, and the pool stays small."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from contextlib import aclosing
from pathlib import Path

import pytest

from storage.database import Database
from storage.migrations import migrate


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = Database(tmp_path / "bot.sqlite3", readers=2)
    await database.connect()
    await migrate(database)
    async with database.transaction() as tx:
        await tx.execute("CREATE TABLE numbers (n INTEGER NOT NULL)")
        await tx.executemany("INSERT INTO numbers (n) VALUES (?)", [(n,) for n in range(10)])
    yield database
    await database.close()


async def _add(db: Database, n: int) -> None:
    async with db.transaction() as tx:
        await tx.execute("INSERT INTO numbers (n) VALUES (?)", (n,))


async def test_readers_are_opened_lazily_and_closed_with_the_database(db: Database) -> None:
    assert db.readers_open == 0
    assert await db.reads.fetch_value("SELECT count(*) FROM numbers") == 10
    assert db.readers_open == 1
    async with db.reading() as reader:
        assert await reader.fetch_value("PRAGMA query_only") == 1
    assert db.readers_open == 1  # the same connection, reused
    await db.close()
    assert db.readers_open == 0


async def test_a_reader_cannot_write(db: Database) -> None:
    async with db.reading() as reader:
        with pytest.raises(sqlite3.OperationalError, match=r"readonly|read-only|query_only"):
            await reader.fetch_all("INSERT INTO numbers (n) VALUES (99)")
    assert await db.fetch_value("SELECT count(*) FROM numbers") == 10


async def test_a_reading_block_sees_one_snapshot(db: Database) -> None:
    async with db.reading() as reader:
        before = await reader.fetch_value("SELECT count(*) FROM numbers")
        await _add(db, 100)  # the writer commits meanwhile, without waiting for the reader
        # Repositories reading through ``db.reads`` inside the block share its snapshot.
        assert await db.reads.fetch_value("SELECT count(*) FROM numbers") == before
        assert await reader.fetch_value("SELECT max(n) FROM numbers") == 9
    assert before == 10
    assert await db.reads.fetch_value("SELECT count(*) FROM numbers") == 11


async def test_a_long_read_does_not_stop_the_writer_nor_other_reads(db: Database) -> None:
    started = asyncio.Event()
    release = asyncio.Event()
    loop = asyncio.get_running_loop()

    def hold(n: int) -> int:
        # Runs on the reader's thread: the read stays "long" until the test lets it go.
        loop.call_soon_threadsafe(started.set)
        asyncio.run_coroutine_threadsafe(release.wait(), loop).result(timeout=30)
        return n

    async def long_read() -> int:
        async with db.reading() as reader:
            await reader.connection.create_function("hold", 1, hold)
            value = await reader.fetch_value("SELECT sum(hold(n)) FROM numbers WHERE n = 0")
            return int(value)

    task = asyncio.create_task(long_read())
    await asyncio.wait_for(started.wait(), 10)
    # While it holds its reader: the writer commits, a short read on the other reader and
    # a read on the writer all finish.
    await asyncio.wait_for(_add(db, 50), 10)
    assert await asyncio.wait_for(db.reads.fetch_value("SELECT max(n) FROM numbers"), 10) == 50
    assert await asyncio.wait_for(db.fetch_value("SELECT count(*) FROM numbers"), 10) == 11
    assert not task.done()
    release.set()
    assert await asyncio.wait_for(task, 10) == 0


async def test_no_more_readers_than_the_pool_allows(db: Database) -> None:
    inside = 0
    most = 0
    gate = asyncio.Event()
    two_inside = asyncio.Event()

    async def read() -> None:
        nonlocal inside, most
        async with db.reading() as reader:
            inside += 1
            most = max(most, inside)
            if inside == 2:
                two_inside.set()
            await reader.fetch_value("SELECT count(*) FROM numbers")
            await gate.wait()
            inside -= 1

    tasks = [asyncio.create_task(read()) for _ in range(5)]
    await asyncio.wait_for(two_inside.wait(), 10)
    # A round trip on the writer lets the other three tasks run: none gets a reader.
    await db.fetch_value("SELECT 1")
    assert inside == 2
    gate.set()
    await asyncio.gather(*tasks)
    assert most == 2
    assert db.readers_open == 2


async def test_iterate_streams_in_chunks(db: Database) -> None:
    async with db.reading() as reader:
        rows = reader.iterate("SELECT n FROM numbers ORDER BY n", chunk=3)
        seen = [row["n"] async for row in rows]
    assert seen == list(range(10))
    # Stopped early, the iteration gives its reader back.
    async with aclosing(db.reads.iterate("SELECT n FROM numbers", chunk=2)) as rows:
        async for _ in rows:
            break
    async with db.reading() as reader:
        assert await reader.fetch_value("SELECT count(*) FROM numbers") == 10


async def test_an_in_memory_database_reads_on_the_writer() -> None:
    db = Database(":memory:")
    await db.connect()
    try:
        async with db.transaction() as tx:
            await tx.execute("CREATE TABLE t (n INTEGER)")
            await tx.execute("INSERT INTO t VALUES (1)")
        async with db.reading() as reader:
            assert await reader.fetch_value("SELECT count(*) FROM t") == 1
            assert [row[0] async for row in reader.iterate("SELECT n FROM t")] == [1]
        assert [tuple(row) for row in await db.reads.fetch_all("SELECT n FROM t")] == [(1,)]
        assert db.readers_open == 0
    finally:
        await db.close()


async def test_a_failed_block_gives_its_reader_back(db: Database) -> None:
    with pytest.raises(LookupError):
        async with db.reading() as reader:
            await reader.fetch_value("SELECT count(*) FROM numbers")
            raise LookupError
    assert db.readers_open == 1
    async with db.reading() as reader:
        assert await reader.fetch_value("SELECT count(*) FROM numbers") == 10
    assert db.readers_open == 1  # the same connection, not a new one


async def test_tracing_covers_the_writer_and_every_reader(db: Database) -> None:
    seen: list[str] = []
    await db.set_trace_callback(seen.append)
    await db.fetch_value("SELECT 1 AS on_the_writer")
    await db.reads.fetch_value("SELECT 2 AS on_a_reader")  # a reader opened after the call
    await db.set_trace_callback(None)
    await db.reads.fetch_value("SELECT 3 AS untraced")
    assert any("on_the_writer" in sql for sql in seen)
    assert any("on_a_reader" in sql for sql in seen)
    assert not any("untraced" in sql for sql in seen)
