"""`python -m bot backup` and `restore` (bot/ops_cli.py over storage/backup.py): a consistent
copy while the bot's writer goes on, the run lock that keeps a restore away from a running bot,
and files that are refused without anything changing."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from contextlib import closing
from pathlib import Path

import pytest

from bot import ops_cli
from bot.clock import to_db
from bot.runlock import RunLock
from storage.backup import BackupError, backup_database, check_database, count_rows
from storage.database import Database
from storage.migrations import load_migrations, migrate
from tests.inprocess import START

LATEST = load_migrations()[-1].version


async def _create(path: Path, organizations: int = 0, *, version: int | None = None) -> None:
    db = Database(path)
    await db.connect()
    try:
        migrations = load_migrations()
        await migrate(db, migrations if version is None else migrations[:version])
        if organizations:
            async with db.transaction() as tx:
                await tx.executemany(
                    "INSERT INTO organizations (name, timezone, created_at) VALUES (?, ?, ?)",
                    [(f"Школа № {n}", "Europe/Moscow", to_db(START)) for n in range(organizations)],
                )
    finally:
        await db.close()


def rows(path: Path) -> dict[str, int]:
    with closing(sqlite3.connect(path)) as conn:
        return count_rows(conn)


def files(folder: Path) -> dict[str, bytes]:
    """The folder's files and contents (the lock file, empty and kept, aside)."""
    return {
        p.name: p.read_bytes()
        for p in sorted(folder.iterdir())
        if p.is_file() and not p.name.endswith(".lock")
    }


@pytest.fixture
async def writer(tmp_path: Path) -> AsyncIterator[Database]:
    """The bot's own writer connection on a migrated database with 3,000 organizations."""
    path = tmp_path / "data" / "bot.sqlite3"
    await _create(path, 3000)
    db = Database(path)
    await db.connect()
    yield db
    await db.close()


async def test_a_backup_while_the_writer_goes_on_is_the_snapshot_it_started_from(
    writer: Database, tmp_path: Path
) -> None:
    written = 0
    stop, under_way = asyncio.Event(), asyncio.Event()

    async def write() -> None:
        nonlocal written
        while not stop.is_set():
            async with writer.transaction() as tx:
                await tx.execute(
                    "INSERT INTO organizations (name, timezone, created_at) VALUES (?, ?, ?)",
                    (f"Новая школа {written}", "Europe/Moscow", to_db(START)),
                )
            written += 1
            if written == 20:
                under_way.set()

    task = asyncio.create_task(write())
    async with asyncio.timeout(30):
        await under_way.wait()  # the writer is under way before the copy starts
    before = written
    out = tmp_path / "copy.sqlite3"
    # One page per step: the copy takes hundreds of steps, the writer commits between them.
    result = await asyncio.to_thread(backup_database, writer.path, out, step_pages=1)
    during = written - before
    stop.set()
    await task

    assert result.steps > 100
    assert during > 0, "the writer must have committed while the copy was made"
    assert result.check.ok and result.check.version == LATEST
    # The copy holds exactly what the database held in the snapshot it was taken from ...
    assert result.check.rows == result.snapshot_rows == rows(out)
    copied = result.snapshot_rows["organizations"]
    assert 3000 + before <= copied < 3000 + written + 1
    # ... and the database went on beyond it.
    assert await writer.fetch_value("SELECT count(*) FROM organizations") == 3000 + written
    # One self-contained file: no -wal beside it, and it opens read-only.
    assert not Path(f"{out}-wal").exists()
    assert check_database(out).ok


async def test_the_backup_command_says_what_it_did_and_refuses_to_overwrite(
    writer: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "backups" / "one.sqlite3"
    assert ops_cli.backup(writer.path, out, force=False) == 0
    said = capsys.readouterr().out
    assert str(out) in said and "integrity: ok" in said and "3,000 rows" in said
    first = out.read_bytes()

    async with writer.transaction() as tx:
        await tx.execute("DELETE FROM organizations WHERE id <= 1000")
    assert ops_cli.backup(writer.path, out, force=False) == 2
    assert "already exists" in capsys.readouterr().err
    assert out.read_bytes() == first

    assert ops_cli.backup(writer.path, out, force=True) == 0
    assert rows(out)["organizations"] == 2000
    assert not any(p.name.endswith(".partial") for p in out.parent.iterdir())


def test_a_backup_of_a_missing_database_is_a_plain_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert ops_cli.backup(tmp_path / "none.sqlite3", tmp_path / "out.sqlite3", force=False) == 2
    assert "There is no database" in capsys.readouterr().err
    assert not (tmp_path / "out.sqlite3").exists()


async def test_restore_refuses_while_the_bot_holds_its_lock(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    database = tmp_path / "data" / "bot.sqlite3"
    await _create(database, 5)
    backup = tmp_path / "backup.sqlite3"
    await _create(backup, 7)
    before = files(database.parent)

    with RunLock(database):  # what `python -m bot run` holds for its life
        assert ops_cli.restore(database, backup) == 1
    assert "stop the bot first" in capsys.readouterr().err
    assert files(database.parent) == before


async def test_restore_keeps_the_current_database_aside_and_puts_the_backup_in_place(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    database = tmp_path / "data" / "bot.sqlite3"
    await _create(database, 5)
    backup = tmp_path / "backup.sqlite3"
    await _create(backup, 7)
    # The current database is open with uncheckpointed writes in its -wal (a killed bot).
    live = sqlite3.connect(database, isolation_level=None)
    live.execute("PRAGMA journal_mode = WAL")
    live.execute("PRAGMA wal_autocheckpoint = 0")
    live.execute(
        "INSERT INTO organizations (name, timezone, created_at) VALUES ('В журнале', 'UTC', 'x')"
    )
    assert Path(f"{database}-wal").stat().st_size > 0
    saved = {suffix: Path(f"{database}{suffix}").read_bytes() for suffix in ("", "-wal")}

    assert ops_cli.restore(database, backup) == 0
    live.close()
    said = capsys.readouterr().out
    assert "Restored" in said and "kept as" in said
    assert rows(database)["organizations"] == 7

    (aside,) = database.parent.glob("bot.sqlite3.before-restore-*[0-9]")
    assert aside.read_bytes() == saved[""]
    assert Path(f"{aside}-wal").read_bytes() == saved["-wal"]
    # The backup itself is untouched and the lock is free again.
    assert rows(backup)["organizations"] == 7
    with RunLock(database):
        pass

    # Undo: the database set aside is restored whole, with the commit still in its journal;
    # the restored one is set aside in turn, under a name of its own.
    assert ops_cli.restore(database, aside) == 0
    assert rows(database)["organizations"] == 6
    assert len(list(database.parent.glob("bot.sqlite3.before-restore-*[0-9]"))) == 2
    assert rows(aside)["organizations"] == 6


def test_an_older_backup_is_migrated_after_the_restore(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    database = tmp_path / "data" / "bot.sqlite3"
    backup = tmp_path / "old.sqlite3"
    asyncio.run(_create(backup, 3, version=LATEST - 2))
    assert ops_cli.restore(database, backup) == 0  # a new server: no database there yet
    said = capsys.readouterr().out
    assert "no database" in said and load_migrations()[-1].name in said
    assert check_database(database).version == LATEST
    assert rows(database)["organizations"] == 3


def _corrupt(path: Path) -> None:
    """Scribble over pages in the middle of the file (the header stays readable)."""
    data = bytearray(path.read_bytes())
    for offset in range(8192, len(data) - 4096, 4096):
        data[offset + 16 : offset + 400] = b"\xa5" * 384
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("kind", ["text", "foreign", "damaged", "newer"])
async def test_a_file_that_is_not_a_sound_database_of_this_bot_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str
) -> None:
    database = tmp_path / "data" / "bot.sqlite3"
    await _create(database, 5)
    candidate = tmp_path / "candidate.sqlite3"
    if kind == "text":
        candidate.write_text("BOT_TOKEN=123\n")
    elif kind == "foreign":
        with closing(sqlite3.connect(candidate, isolation_level=None)) as conn:
            conn.execute("CREATE TABLE notes (body TEXT)")
            conn.execute("PRAGMA user_version = 3")
    elif kind == "damaged":
        await _create(candidate, 2000)
        _corrupt(candidate)
    else:
        await _create(candidate, 1)
        with closing(sqlite3.connect(candidate, isolation_level=None)) as conn:
            conn.execute(f"PRAGMA user_version = {LATEST + 1}")
    before = files(database.parent)
    original = candidate.read_bytes()

    assert ops_cli.restore(database, candidate) == 1
    error = capsys.readouterr().err
    assert "Restore refused" in error and "Nothing was changed" in error
    assert str(candidate) in error
    expected = {
        "text": "not a readable SQLite database",
        "foreign": "not a database of this bot",
        "damaged": "",  # SQLite's own words differ by the damage; refused is what matters
        "newer": "newer version of the bot",
    }[kind]
    assert expected in error
    assert files(database.parent) == before
    assert candidate.read_bytes() == original
    assert rows(database)["organizations"] == 5


def test_a_missing_backup_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(BackupError, match="no such file"):
        check_database(tmp_path / "none.sqlite3")
