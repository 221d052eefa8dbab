"""Migration 0015 (a withdrawal keeps the other side's history) and the migration runner's
foreign-key guard: tables rebuilt with every row, counter and index; a migration that leaves
a dangling reference is refused and rolled back."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from storage.database import Database
from storage.migrations import Migration, MigrationError, current_version, load_migrations, migrate

T = "2026-03-01T09:00:00+00:00"


@pytest.fixture
async def at_14(tmp_path: Path) -> AsyncIterator[Database]:
    """A database at version 14 (before this migration) with a little of everything."""
    db = Database(tmp_path / "old.sqlite3")
    await db.connect()
    await migrate(db, load_migrations()[:14])
    assert await current_version(db) == 14
    async with db.transaction() as tx:
        await tx.execute(
            "INSERT INTO organizations (id, name, timezone, created_at) "
            "VALUES (1, 'Школа № 1', 'Europe/Moscow', ?)",
            (T,),
        )
        await tx.execute(
            "INSERT INTO cycles (id, organization_id, number, started_on) "
            "VALUES (1, 1, 1, '2026-01-10')"
        )
        for pid, telegram_id, role in ((1, 101, "mentor"), (2, 201, "mentee"), (3, 202, "mentee")):
            await tx.execute(
                "INSERT INTO participants (id, organization_id, telegram_id, role, age_group, "
                "joined_at, cycle_id) VALUES (?, 1, ?, ?, 'adult', ?, 1)",
                (pid, telegram_id, role, T),
            )
            await tx.execute(
                "INSERT INTO consents (participant_id, kind, given_by, text_version, "
                "text_sha256, locale, given_at) VALUES (?, 'self', ?, 'v1', ?, 'ru', ?)",
                (pid, telegram_id, "0" * 64, T),
            )
            await tx.execute(
                "INSERT INTO answers (participant_id, question, value, answered_at) "
                "VALUES (?, 'full_name', '\"Имя\"', ?)",
                (pid, T),
            )
        # Pair 7 completed the cycle, pair 9 works; a deleted pair 12 moved the counter on.
        await tx.execute(
            "INSERT INTO pairs (id, organization_id, mentor_id, mentee_id, form, started_on, "
            "ended_on, directive, created_at, cycle_id, completed, results, good_practice) "
            "VALUES (7, 1, 1, 2, 'pupil_pupil', '2026-01-15', '2026-02-20', 1, ?, 1, 1, "
            "'Готов проект', 1)",
            (T,),
        )
        await tx.execute(
            "INSERT INTO pairs (id, organization_id, mentor_id, mentee_id, form, started_on, "
            "created_at, cycle_id) VALUES (9, 1, 1, 3, 'pupil_pupil', '2026-02-01', ?, 1)",
            (T,),
        )
        await tx.execute("UPDATE sqlite_sequence SET seq = 12 WHERE name = 'pairs'")
        for mid, pair, kind, status, by in (
            (20, 7, "acquaintance", "held", 1),
            (21, 7, "final", "held", 2),
            (22, 9, "regular", "confirmed", 1),
        ):
            await tx.execute(
                "INSERT INTO meetings (id, pair_id, kind, status, starts_at, meeting_format, "
                "place, proposed_by, created_at, decided_at) "
                "VALUES (?, ?, ?, ?, ?, 'online', 'Zoom', ?, ?, ?)",
                (mid, pair, kind, status, T, by, T, T),
            )
        await tx.execute("UPDATE sqlite_sequence SET seq = 30 WHERE name = 'meetings'")
        await tx.execute(
            "INSERT INTO responses (form, participant_id, subject, meeting_id, answers, "
            "started_at, updated_at, completed_at) "
            "VALUES ('feedback', 2, 'meeting:21', 21, '{\"useful\": 5}', ?, ?, ?)",
            (T, T, T),
        )
        await tx.execute(
            "INSERT INTO reminders (meeting_id, telegram_id, minutes_before, due_at) "
            "VALUES (22, 202, 60, ?)",
            (T,),
        )
        await tx.execute(
            "INSERT INTO followups (meeting_id, participant_id, telegram_id, due_at) "
            "VALUES (22, 3, 202, ?)",
            (T,),
        )
        await tx.execute(
            "INSERT INTO rhythms (pair_id, weekday, local_time, interval_weeks, anchor_on, "
            "updated_at) VALUES (9, 2, '16:00', 2, '2026-02-04', ?)",
            (T,),
        )
        await tx.execute(
            "INSERT INTO attention (pair_id, reason, raised_at) VALUES (9, 'overdue', ?)", (T,)
        )
    yield db
    await db.close()


async def table_rows(db: Database, table: str) -> list[dict[str, Any]]:
    return [dict(row) for row in await db.fetch_all(f"SELECT * FROM {table} ORDER BY rowid")]


DEPENDENT = ("pairs", "meetings", "responses", "reminders", "followups", "rhythms", "attention")


async def test_a_version_14_database_keeps_every_row_and_foreign_key(at_14: Database) -> None:
    before = {table: await table_rows(at_14, table) for table in DEPENDENT}
    assert await migrate(at_14, load_migrations()[:15]) == ["0015_withdrawal_keeps_history.sql"]
    assert await current_version(at_14) == 15
    for table in DEPENDENT:
        assert await table_rows(at_14, table) == before[table], table
    assert await at_14.fetch_all("PRAGMA foreign_key_check") == []
    assert await at_14.fetch_value("PRAGMA foreign_keys") == 1
    # No id is handed out twice: the counters went on from where they were.
    counters = await at_14.fetch_all(
        "SELECT name, seq FROM sqlite_sequence WHERE name IN ('pairs', 'meetings') ORDER BY name"
    )
    assert [tuple(row) for row in counters] == [("meetings", 30), ("pairs", 12)]
    assert (
        await at_14.fetch_value("SELECT count(*) FROM sqlite_master WHERE name LIKE '%_new'") == 0
    )
    # Every index is back.
    indexes = {
        row["name"]
        for row in await at_14.fetch_all(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name IN "
            "('pairs', 'meetings') AND sql IS NOT NULL"
        )
    }
    assert indexes == {
        "pairs_one_active_per_mentee", "pairs_by_mentor", "pairs_by_organization",
        "pairs_by_cycle", "pairs_completed_by_cycle", "pairs_by_mentee",
        "pairs_completed_by_organization", "meetings_by_pair", "meetings_by_status",
        "meetings_final_held",
    }  # fmt: skip
    # The foreign keys still cascade where they did: a deleted pair takes its meetings and
    # their reminders and follow-ups along.
    async with at_14.transaction() as tx:
        await tx.execute("UPDATE pairs SET ended_on = '2026-03-01' WHERE id = 9")
        await tx.execute("DELETE FROM pairs WHERE id = 9")
    assert await at_14.fetch_value("SELECT count(*) FROM meetings WHERE pair_id = 9") == 0
    assert await at_14.fetch_value("SELECT count(*) FROM reminders") == 0
    assert await at_14.fetch_value("SELECT count(*) FROM followups") == 0
    assert await at_14.fetch_value("SELECT count(*) FROM rhythms") == 0


async def test_after_it_a_deleted_participant_leaves_an_empty_side(at_14: Database) -> None:
    await migrate(at_14, load_migrations()[:15])
    async with at_14.transaction() as tx:
        await tx.execute("UPDATE pairs SET ended_on = '2026-03-01' WHERE id = 9")
        await tx.execute("DELETE FROM participants WHERE id = 1")
    pair = await at_14.fetch_one("SELECT mentor_id, mentee_id, completed FROM pairs WHERE id = 7")
    assert tuple(pair) == (None, 2, 1)
    assert [
        tuple(row) for row in await at_14.fetch_all("SELECT id, proposed_by FROM meetings")
    ] == [(20, None), (21, 2), (22, None)]
    assert await at_14.fetch_value("SELECT count(*) FROM responses") == 1
    assert await at_14.fetch_value("SELECT count(*) FROM answers WHERE participant_id = 1") == 0


async def test_an_active_pair_cannot_lose_a_side(at_14: Database) -> None:
    await migrate(at_14, load_migrations()[:15])
    with pytest.raises(Exception, match="CHECK constraint failed"):
        async with at_14.transaction() as tx:
            await tx.execute("DELETE FROM participants WHERE id = 3")  # pair 9 is active
    assert await at_14.fetch_value("SELECT mentee_id FROM pairs WHERE id = 9") == 3


async def test_a_migration_that_leaves_a_dangling_reference_is_refused(at_14: Database) -> None:
    dangling = Migration(
        15,
        "0015_dangling.sql",
        "CREATE TABLE notes (id INTEGER PRIMARY KEY, "
        "pair_id INTEGER NOT NULL REFERENCES pairs (id));\n"
        "INSERT INTO notes (id, pair_id) VALUES (1, 7);\n"
        "DROP TABLE pairs;",  # with foreign keys off the drop itself goes through
    )
    with pytest.raises(MigrationError, match=r"0015_dangling\.sql.*notes row 1.*pairs"):
        await migrate(at_14, [*load_migrations()[:14], dangling])
    assert await current_version(at_14) == 14
    assert await at_14.fetch_value("SELECT count(*) FROM sqlite_master WHERE name = 'notes'") == 0
    assert await at_14.fetch_value("SELECT count(*) FROM pairs") == 2
    assert await at_14.fetch_value("SELECT count(*) FROM meetings") == 3
    assert await at_14.fetch_value("PRAGMA foreign_keys") == 1
    # The connection works on normally afterwards.
    assert await migrate(at_14, load_migrations()[:15]) == ["0015_withdrawal_keeps_history.sql"]


async def test_a_failing_statement_still_switches_foreign_keys_back_on(at_14: Database) -> None:
    broken = Migration(15, "0015_broken.sql", "DROP TABLE pairs;\nSELECT * FROM nowhere;")
    with pytest.raises(Exception, match="nowhere"):
        await migrate(at_14, [*load_migrations()[:14], broken])
    assert await at_14.fetch_value("PRAGMA foreign_keys") == 1
    assert await at_14.fetch_value("SELECT count(*) FROM pairs") == 2
