"""The writer runs statements on the event loop's thread: one update's few statements run
without a pause, but a long run of statements (a job going through a region) gives the loop a
turn every ``YIELD_AFTER_SECONDS`` between its statements and transactions (never inside a
transaction), so sends and other work go on; an update's handling runs to its end."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest

from storage.database import YIELD_AFTER_SECONDS, Database, UpdateMark, current_update


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = Database(tmp_path / "bot.sqlite3")
    await database.connect()
    async with database.transaction() as tx:
        await tx.execute("CREATE TABLE numbers (n INTEGER NOT NULL)")
    yield database
    await database.close()


async def _turns_of_others_during(work: Callable[[], Awaitable[None]]) -> int:
    """How many turns another task got while ``work`` ran."""
    turns = 0
    running = True

    async def other() -> None:
        nonlocal turns
        while running:
            turns += 1
            await asyncio.sleep(0)

    task = asyncio.create_task(other())
    await asyncio.sleep(0)  # the other task is running
    before = turns
    try:
        await work()
        return turns - before
    finally:
        running = False
        await task


async def test_a_few_statements_run_without_a_pause(db: Database) -> None:
    async def a_few() -> None:
        for n in range(5):
            await db.fetch_all("SELECT ?", (n,))

    # Measured after a pause of the writer's, so its clock starts afresh. (A thread hop per
    # statement would give the other task a turn at each of the five; one turn is allowed for
    # a machine so busy that the five take longer than YIELD_AFTER_SECONDS.)
    await db.fetch_value("SELECT 1")
    assert await _turns_of_others_during(a_few) <= 1


async def test_a_long_run_of_statements_gives_the_loop_turns(db: Database) -> None:
    spell = 12 * YIELD_AFTER_SECONDS

    async def reads_for_a_while() -> None:
        started = time.perf_counter()
        while time.perf_counter() - started < spell:
            await db.fetch_all("SELECT count(*) FROM numbers")

    assert await _turns_of_others_during(reads_for_a_while) >= 5


async def test_a_long_run_of_transactions_gives_the_loop_turns(db: Database) -> None:
    spell = 12 * YIELD_AFTER_SECONDS

    async def writes_for_a_while() -> None:
        started = time.perf_counter()
        while time.perf_counter() - started < spell:
            async with db.transaction() as tx:
                await tx.execute("INSERT INTO numbers (n) VALUES (1)")

    assert await _turns_of_others_during(writes_for_a_while) >= 5
    assert await db.fetch_value("SELECT count(*) FROM numbers") > 0


async def test_a_transaction_never_gives_the_loop_a_turn(db: Database) -> None:
    """Inside a transaction the writer's lock is held: a turn there would let a queue for the
    lock form, and every statement after it would wait a turn of the loop for the lock."""
    spell = 3 * YIELD_AFTER_SECONDS

    async def one_long_transaction() -> None:
        async with db.transaction() as tx:
            started = time.perf_counter()
            while time.perf_counter() - started < spell:
                await tx.execute("INSERT INTO numbers (n) VALUES (1)")
                await tx.fetch_one("SELECT count(*) FROM numbers")

    await db.fetch_value("SELECT 1")  # the writer's clock starts afresh
    assert await _turns_of_others_during(one_long_transaction) <= 1


async def test_an_update_runs_to_its_end_without_a_turn(db: Database) -> None:
    """A turn in the middle of an update would put it behind every other update ready to run;
    an update is short, so it never takes one, however long its statements take."""
    spell = 3 * YIELD_AFTER_SECONDS

    async def an_update() -> None:
        token = current_update.set(UpdateMark(1, "2026-01-01T00:00:00+00:00"))
        try:
            started = time.perf_counter()
            while time.perf_counter() - started < spell:
                await db.fetch_all("SELECT count(*) FROM numbers")
        finally:
            current_update.reset(token)

    assert await _turns_of_others_during(an_update) == 0
