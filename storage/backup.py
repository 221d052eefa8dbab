"""Consistent copies of the bot's SQLite database, their checks, and restoring one.

The copy is made with SQLite's online backup on a connection of its own (the bot's writer
keeps working): that connection first opens a read transaction, so every step of the backup
reads the same snapshot (WAL lets writers go on meanwhile, and the backup never restarts).
In the same snapshot the rows of every table are counted; the copy must hold the same
numbers and pass ``PRAGMA integrity_check``. The functions here are blocking: callers run
them in a thread (``asyncio.to_thread``).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

# Pages copied per step of the online backup (4 MB with SQLite's 4 KB pages).
STEP_PAGES = 1024
# Tables every database of this bot has (from its first migrations).
BOT_TABLES = ("organizations", "participants", "pairs", "outbox")
SIDE_FILES = ("-wal", "-shm", "-journal")


class BackupError(Exception):
    """A backup, check or restore that could not be done, phrased for the operator."""


@dataclass(frozen=True)
class DatabaseCheck:
    path: Path
    size: int
    version: int  # the schema version (``PRAGMA user_version``, one per migration)
    integrity: str  # "ok", or SQLite's first complaints
    rows: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.integrity == "ok"

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


@dataclass(frozen=True)
class BackupResult:
    check: DatabaseCheck  # of the copy
    snapshot_rows: dict[str, int]  # counted in the source, in the snapshot that was copied
    steps: int


def temporary_name(target: Path) -> Path:
    """Where a copy is written before it is checked and renamed into place."""
    return target.with_name(f".{target.name}.partial")


def _tables(conn: sqlite3.Connection) -> list[str]:
    return [
        row[0]
        for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name"
        )
    ]


def count_rows(conn: sqlite3.Connection) -> dict[str, int]:
    return {
        table: int(conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0])
        for table in _tables(conn)
    }


@contextlib.contextmanager
def _connect(path: Path, *, read_only: bool = False) -> Iterator[sqlite3.Connection]:
    uri = f"{path.resolve().as_uri()}?mode=ro" if read_only else str(path)
    conn = sqlite3.connect(uri, uri=read_only, isolation_level=None, timeout=30)
    try:
        yield conn
    finally:
        conn.close()


def check_database(path: Path, *, read_only: bool = True) -> DatabaseCheck:
    """Integrity, schema version and row counts of a database file (opened read-only unless
    it is a copy of our own, which is then turned into one self-contained file)."""
    if not path.is_file():
        raise BackupError(f"{path}: no such file")
    try:
        with _connect(path, read_only=read_only) as conn:
            if not read_only:
                conn.execute("PRAGMA journal_mode = DELETE")
            problems = [row[0] for row in conn.execute("PRAGMA integrity_check(5)")]
            integrity = "ok" if problems == ["ok"] else "; ".join(problems)
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            rows = count_rows(conn) if integrity == "ok" else {}
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} is not a readable SQLite database ({error})") from None
    return DatabaseCheck(path, path.stat().st_size, version, integrity, rows)


def check_bot_database(path: Path, latest_version: int, *, read_only: bool = True) -> DatabaseCheck:
    """A database this bot can use: intact, made by its migrations, and not newer than them."""
    check = check_database(path, read_only=read_only)
    if not check.ok:
        raise BackupError(f"{path} is damaged: integrity check says {check.integrity}")
    missing = [table for table in BOT_TABLES if table not in check.rows]
    if check.version < 1 or missing:
        raise BackupError(
            f"{path} is not a database of this bot (schema version {check.version}"
            + (f", no table {', '.join(missing)}" if missing else "")
            + ")"
        )
    if check.version > latest_version:
        raise BackupError(
            f"{path} comes from a newer version of the bot (schema version {check.version}, "
            f"this one knows up to {latest_version}): update the bot first"
        )
    return check


def backup_database(
    source: Path, target: Path, *, overwrite: bool = False, step_pages: int = STEP_PAGES
) -> BackupResult:
    """Copy ``source`` to ``target`` while the bot may be writing; checked, then renamed into
    place (the target never holds a half-written or unchecked copy)."""
    if not source.is_file():
        raise BackupError(f"The database {source} does not exist")
    if target.exists() and not overwrite:
        raise BackupError(f"{target} already exists (add --force to overwrite it)")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = temporary_name(target)
    _remove(partial)
    steps = 0

    def progress(status: int, remaining: int, total: int) -> None:
        nonlocal steps
        steps += 1

    try:
        with _connect(source) as src, _connect(partial) as dst:
            # One read transaction over the whole copy: every step sees the same snapshot.
            src.execute("BEGIN")
            snapshot_rows = count_rows(src)
            src.backup(dst, pages=step_pages, progress=progress)
            src.execute("COMMIT")
            # The copy is one self-contained file, whatever journal the bot uses.
            dst.execute("PRAGMA journal_mode = DELETE")
        check = check_database(partial)
        if not check.ok:
            raise BackupError(f"The copy failed its integrity check: {check.integrity}")
        if check.rows != snapshot_rows:
            raise BackupError("The copy does not hold the rows the database had when copied")
        if target.exists() and not overwrite:
            raise BackupError(f"{target} already exists (add --force to overwrite it)")
        os.replace(partial, target)
    except sqlite3.Error as error:
        raise BackupError(f"Could not copy {source}: {error}") from None
    except OSError as error:
        raise BackupError(f"Could not write {target}: {error}") from None
    finally:
        _remove(partial)
    return BackupResult(
        DatabaseCheck(target, target.stat().st_size, check.version, check.integrity, check.rows),
        snapshot_rows,
        steps,
    )


@dataclass(frozen=True)
class RestoreResult:
    check: DatabaseCheck  # of the restored file, before migrations
    set_aside: list[Path]  # the previous database's files, renamed


def restore_database(
    backup: Path, database: Path, *, latest_version: int, stamp: str
) -> RestoreResult:
    """Put ``backup`` in place of ``database``. The caller holds the bot's run lock.

    The backup is copied beside the database first and the copy checked; only then is the
    current database (with its -wal and -shm) renamed to ``<name>.before-restore-<stamp>`` and
    the copy renamed into its place. A refused backup changes nothing.
    """
    if not backup.is_file():
        raise BackupError(f"{backup}: no such file")
    if database.exists() and backup.resolve() == database.resolve():
        raise BackupError(f"{backup} is the bot's database itself")
    database.parent.mkdir(parents=True, exist_ok=True)
    incoming = database.with_name(f".{database.name}.restoring")
    _remove(incoming)
    try:
        try:
            shutil.copyfile(backup, incoming)
            # A database set aside with its journal (an earlier restore's "before-restore"
            # file): the journal holds its last commits; the check below folds them in.
            if Path(f"{backup}-wal").is_file():
                shutil.copyfile(f"{backup}-wal", f"{incoming}-wal")
        except OSError as error:
            raise BackupError(f"Could not copy {backup} beside {database}: {error}") from None
        try:
            check = check_bot_database(incoming, latest_version, read_only=False)
        except BackupError as error:  # named by the file the operator gave
            raise BackupError(str(error).replace(str(incoming), str(backup))) from None
        aside: list[Path] = []
        keep = database.with_name(f"{database.name}.before-restore-{stamp}")
        number = 1
        while any(Path(f"{keep}{suffix}").exists() for suffix in ("", *SIDE_FILES)):
            number += 1  # two restores within a second: neither set-aside copy is lost
            keep = database.with_name(f"{database.name}.before-restore-{stamp}-{number}")
        for suffix in ("", *SIDE_FILES):
            current = Path(f"{database}{suffix}")
            if current.exists():
                moved = Path(f"{keep}{suffix}")
                os.replace(current, moved)
                aside.append(moved)
        os.replace(incoming, database)
    finally:
        _remove(incoming)
    return RestoreResult(
        DatabaseCheck(backup, check.size, check.version, check.integrity, check.rows), aside
    )


def _remove(path: Path) -> None:
    for suffix in ("", *SIDE_FILES):
        with contextlib.suppress(FileNotFoundError):
            Path(f"{path}{suffix}").unlink()
