"""SQLite storage: pragmas, atomic migrations, write transactions and the FSM storage."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiogram.fsm.state import State
from aiogram.fsm.storage.base import StorageKey

from bot.clock import to_db
from jobs.housekeeping import Housekeeping
from storage.database import Database, UpdateMark, current_update
from storage.fsm import SQLiteStorage
from storage.migrations import Migration, MigrationError, current_version, load_migrations, migrate
from storage.repositories.maintenance import MaintenanceRepository
from storage.repositories.outbox import OutboxRepository
from storage.repositories.updates import ProcessedUpdateRepository
from tests.clock import ManualClock

NOW = datetime(2026, 9, 1, 8, 0, tzinfo=UTC)


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = Database(tmp_path / "nested" / "dir" / "bot.sqlite3")
    await database.connect()
    await migrate(database)
    yield database
    await database.close()


async def test_connection_pragmas(db: Database) -> None:
    assert await db.fetch_value("PRAGMA journal_mode") == "wal"
    assert await db.fetch_value("PRAGMA foreign_keys") == 1
    assert await db.fetch_value("PRAGMA busy_timeout") == 5000
    assert db.path.parent.is_dir()


async def test_migrations_are_numbered_and_tracked(db: Database) -> None:
    migrations = load_migrations()
    assert [m.version for m in migrations] == list(range(1, len(migrations) + 1))
    assert await current_version(db) == migrations[-1].version
    assert await migrate(db) == []  # a second run applies nothing


async def test_a_failing_migration_leaves_nothing_behind(db: Database) -> None:
    version = await current_version(db)
    broken = Migration(
        version + 1,
        "broken",
        "CREATE TABLE half_done (id INTEGER);\nINSERT INTO no_such_table VALUES (1);",
    )
    with pytest.raises(Exception, match="no_such_table"):
        await migrate(db, [*load_migrations(), broken])
    assert await current_version(db) == version
    assert await db.fetch_value("SELECT count(*) FROM sqlite_master WHERE name = 'half_done'") == 0


async def test_a_database_from_the_future_is_refused(db: Database) -> None:
    async with db.transaction() as tx:
        await tx.execute("PRAGMA user_version = 999")
    with pytest.raises(MigrationError, match="newer than this program"):
        await migrate(db)


async def test_transaction_rolls_back_on_error(db: Database) -> None:
    with pytest.raises(RuntimeError):
        async with db.transaction() as tx:
            await tx.execute(
                "INSERT INTO users (telegram_id, language, created_at, updated_at) "
                "VALUES (1, 'ru', 'x', 'x')"
            )
            raise RuntimeError("abort")
    assert await db.fetch_value("SELECT count(*) FROM users") == 0


KEY = StorageKey(bot_id=1, chat_id=42, user_id=42)


async def test_fsm_state_and_data_survive_a_new_connection(tmp_path: Path) -> None:
    clock = ManualClock(NOW)
    first = Database(tmp_path / "fsm.sqlite3")
    await first.connect()
    await migrate(first)
    storage = SQLiteStorage(first, clock)
    await storage.set_state(KEY, State("body", group_name="SupportDialogue"))
    await storage.update_data(KEY, {"topic": "idea", "text": "Привет, «мир»"})
    await first.close()

    second = Database(tmp_path / "fsm.sqlite3")
    await second.connect()
    storage = SQLiteStorage(second, clock)
    assert await storage.get_state(KEY) == "SupportDialogue:body"
    assert await storage.get_data(KEY) == {"topic": "idea", "text": "Привет, «мир»"}
    assert await storage.get_value(KEY, "topic") == "idea"
    await second.close()


async def test_fsm_keys_keep_destinies_and_users_apart(db: Database) -> None:
    storage = SQLiteStorage(db, ManualClock(NOW))
    other_destiny = StorageKey(bot_id=1, chat_id=42, user_id=42, destiny="scene")
    other_user = StorageKey(bot_id=1, chat_id=43, user_id=43)
    await storage.set_state(KEY, "a:b")
    await storage.set_state(other_destiny, "c:d")
    assert await storage.get_state(KEY) == "a:b"
    assert await storage.get_state(other_destiny) == "c:d"
    assert await storage.get_state(other_user) is None
    assert await storage.get_data(other_user) == {}


async def test_a_finished_dialogue_leaves_no_row(db: Database) -> None:
    storage = SQLiteStorage(db, ManualClock(NOW))
    await storage.set_state(KEY, "a:b")
    await storage.set_data(KEY, {"x": 1})
    await storage.set_state(KEY, None)
    await storage.set_data(KEY, {})
    assert await db.fetch_value("SELECT count(*) FROM fsm_records") == 0


async def test_fsm_refuses_data_that_is_not_a_dict(db: Database) -> None:
    storage = SQLiteStorage(db, ManualClock(NOW))
    with pytest.raises(Exception, match="dict"):
        await storage.set_data(KEY, [1, 2])  # type: ignore[arg-type]


async def test_housekeeping_forgets_abandoned_dialogues_only(db: Database) -> None:
    clock = ManualClock(NOW)
    storage = SQLiteStorage(db, clock)
    await storage.set_state(KEY, "old:dialogue")
    clock.advance(timedelta(days=29))
    fresh = StorageKey(bot_id=1, chat_id=7, user_id=7)
    await storage.set_state(fresh, "new:dialogue")
    clock.advance(timedelta(days=2))
    purged = await Housekeeping(
        MaintenanceRepository(db), ProcessedUpdateRepository(db), OutboxRepository(db), clock
    ).run()
    assert purged == 1
    assert await storage.get_state(KEY) is None
    assert await storage.get_state(fresh) == "new:dialogue"


async def test_housekeeping_prunes_update_ids_and_blanks_sent_messages(db: Database) -> None:
    clock = ManualClock(NOW)
    outbox = OutboxRepository(db)
    sent = await outbox.add_sent(5, "introduction", '{"text": "Маша Иванова"}', clock.now())
    queued = await outbox.add_pending([(6, "digest", '{"text": "Ждёт"}')], clock.now())
    assert queued == 1
    mark = UpdateMark(41, to_db(clock.now()))
    token = current_update.set(mark)
    try:
        async with db.transaction() as tx:  # the first change of update 41 records it
            await tx.execute("UPDATE outbox SET kind = kind WHERE id = ?", (sent,))
    finally:
        current_update.reset(token)
    updates = ProcessedUpdateRepository(db)
    assert mark.recorded and await updates.seen(41)
    housekeeping = Housekeeping(MaintenanceRepository(db), updates, outbox, clock)

    clock.advance(timedelta(hours=2))
    await housekeeping.run()
    screens = {row["id"]: row["screen"] for row in await db.fetch_all("SELECT * FROM outbox")}
    assert screens[sent] == '{"text": ""}'  # settled an hour ago: the text is gone
    assert "Ждёт" in screens[sent + 1]  # still to be sent: kept
    assert await updates.seen(41)  # a day has not passed

    clock.advance(timedelta(days=31))
    await housekeeping.run()
    assert not await updates.seen(41)
    assert [row["id"] for row in await db.fetch_all("SELECT id FROM outbox")] == [sent + 1]


async def test_optimize_skips_a_busy_database_and_raises_anything_else(db: Database) -> None:
    maintenance = MaintenanceRepository(db)
    assert await maintenance.optimize() is True

    class Refusing(Database):
        def __init__(self, message: str) -> None:
            self.message = message

        async def fetch_all(self, sql: str, params: object = ()) -> list[Any]:
            raise sqlite3.OperationalError(self.message)

    # Busy at the wrong moment (the nightly backup's connection): skipped, tried next time.
    assert await MaintenanceRepository(Refusing("database is locked")).optimize() is False
    with pytest.raises(sqlite3.OperationalError, match="disk I/O error"):
        await MaintenanceRepository(Refusing("disk I/O error")).optimize()
