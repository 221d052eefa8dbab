"""Operations on the command line: ``python -m bot backup``, ``restore`` and ``health``.

backup   a consistent copy while the bot runs (SQLite's online backup), checked; exit 0, or 1
         with the reason (2: a mistake in the command, e.g. the file exists without --force).
restore  refuses while the bot runs (its lock on the database), checks the file, keeps the
         current database aside as ``<name>.before-restore-<time>``, puts the copy in place and
         applies the migrations a older copy lacks; exit 0, or 1 with the reason.
health   exit 0 when the bot heard from Telegram within HEALTH_MAX_AGE_SECONDS, else 1.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import Any

from bot.clock import SystemClock
from bot.config import Settings
from bot.health import check_health
from bot.runlock import AlreadyLocked, RunLock
from storage.backup import BackupError, backup_database, restore_database
from storage.database import Database
from storage.migrations import load_migrations, migrate

COMMANDS = ("backup", "restore", "health")


def add_parsers(commands: Any) -> None:
    backup = commands.add_parser(
        "backup", help="copy the database while the bot runs, and check the copy"
    )
    backup.add_argument("--out", required=True, type=Path, help="the file to write")
    backup.add_argument(
        "--force", action="store_true", help="overwrite the file if it already exists"
    )
    restore = commands.add_parser(
        "restore", help="put a backup in place of the database (stop the bot first)"
    )
    restore.add_argument("file", type=Path, help="a backup made by `python -m bot backup`")
    commands.add_parser(
        "health", help="exit 0 when the bot has heard from Telegram in the last minute"
    )


def run(args: argparse.Namespace, settings: Settings) -> int:
    if args.command == "backup":
        return backup(settings.database_path, args.out, force=args.force)
    if args.command == "restore":
        return restore(settings.database_path, args.file)
    health = check_health(
        settings.heartbeat_file, SystemClock().now(), settings.health_max_age_seconds
    )
    print(health.message, file=sys.stdout if health.ok else sys.stderr)
    return 0 if health.ok else 1


def _size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f} MB"
    return f"{size / 1024:.1f} KB"


def backup(database: Path, out: Path, *, force: bool) -> int:
    if not database.is_file():
        print(f"There is no database at {database} (DATABASE_PATH).", file=sys.stderr)
        return 2
    if out.exists() and not force:
        print(f"{out} already exists; add --force to overwrite it.", file=sys.stderr)
        return 2
    if out.exists() and out.resolve() == database.resolve():
        print("The backup cannot overwrite the database itself.", file=sys.stderr)
        return 2
    try:
        result = backup_database(database, out, overwrite=force)
    except BackupError as error:
        print(f"Backup failed: {error}", file=sys.stderr)
        return 1
    check = result.check
    print(f"Backup of {database} written to {out} ({_size(check.size)}).")
    print(
        f"integrity: ok; schema version {check.version}; {len(check.rows)} tables, "
        f"{check.total_rows:,} rows, the same as in the database at the moment of the copy."
    )
    return 0


def restore(database: Path, backup_file: Path) -> int:
    lock = RunLock(database)
    try:
        lock.acquire()
    except AlreadyLocked:
        print(
            f"The bot is running on {database} (it holds {lock.path}): stop the bot first, "
            "then run the restore again. Nothing was changed.",
            file=sys.stderr,
        )
        return 1
    try:
        latest = load_migrations()[-1].version
        stamp = SystemClock().now().strftime("%Y%m%d-%H%M%S")
        try:
            result = restore_database(backup_file, database, latest_version=latest, stamp=stamp)
        except BackupError as error:
            print(f"Restore refused: {error}. Nothing was changed.", file=sys.stderr)
            return 1
        check = result.check
        print(
            f"Checked {backup_file}: integrity ok, schema version {check.version}, "
            f"{check.total_rows:,} rows in {len(check.rows)} tables."
        )
        if result.set_aside:
            print("The previous database is kept as: " + ", ".join(map(str, result.set_aside)))
        else:
            print(f"There was no database at {database} before.")
        print(f"Restored {backup_file} into {database}.")
        if check.version < latest:
            applied = asyncio.run(_migrate(database))
            print(f"The backup was older than this bot: applied {', '.join(applied)}.")
        return 0
    finally:
        lock.release()


async def _migrate(database: Path) -> list[str]:
    db = Database(database)
    await db.connect()
    try:
        return await migrate(db)
    finally:
        await db.close()
