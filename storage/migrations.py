"""Numbered SQL migrations (``NNNN_name.sql``) applied in order and tracked in ``user_version``.

Each file runs in one transaction together with the ``user_version`` bump, so a database
is always either before or after a migration, never half-way. Foreign keys are off while a
migration runs (so a table can be rebuilt without its drop cascading) and checked in full
before it commits: a migration that leaves a dangling reference is rolled back.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from importlib import resources

from storage.database import DanglingReferences, Database

log = logging.getLogger(__name__)

_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


class MigrationError(Exception):
    pass


def load_migrations() -> list[Migration]:
    folder = resources.files("storage") / "migrations"
    found: list[Migration] = []
    for entry in folder.iterdir():
        match = _NAME.match(entry.name)
        if match:
            found.append(Migration(int(match.group(1)), entry.name, entry.read_text("utf-8")))
    found.sort(key=lambda m: m.version)
    expected = list(range(1, len(found) + 1))
    if [m.version for m in found] != expected:
        raise MigrationError(
            "Migrations must be numbered 0001, 0002, ... without gaps: "
            + ", ".join(m.name for m in found)
        )
    return found


async def current_version(db: Database) -> int:
    return int(await db.fetch_value("PRAGMA user_version"))


async def migrate(db: Database, migrations: list[Migration] | None = None) -> list[str]:
    """Apply what is missing; returns the names of the migrations applied now."""
    migrations = load_migrations() if migrations is None else migrations
    version = await current_version(db)
    latest = migrations[-1].version if migrations else 0
    if version > latest:
        raise MigrationError(
            f"The database is at version {version}, newer than this program knows ({latest}). "
            "Run a newer version of the bot or restore a matching backup."
        )
    applied: list[str] = []
    for migration in migrations:
        if migration.version <= version:
            continue
        log.info("Applying migration %s", migration.name)
        try:
            await db.run_script_atomically(
                f"{migration.sql}\nPRAGMA user_version = {migration.version};"
            )
        except DanglingReferences as error:
            raise MigrationError(
                f"Migration {migration.name} would leave rows that refer to missing rows "
                f"({error}); it was rolled back and the database is unchanged at version "
                f"{await current_version(db)}."
            ) from error
        applied.append(migration.name)
    return applied
