from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

# First, as in `bot run`: aiogram's types then build their validators on first use
# (bot/telegram_types.py), and the tests run the bot that way.
import bot  # noqa: F401  # isort: skip
from storage.database import Database
from storage.migrations import migrate
from tests.inprocess import Harness, running_harness


@pytest.fixture
async def harness(tmp_path: Path) -> AsyncIterator[Harness]:
    async with running_harness(tmp_path) as h:
        yield h


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    """A migrated database of its own for the test (a module may define its own ``db``)."""
    database = Database(tmp_path / "bot.sqlite3")
    await database.connect()
    await migrate(database)
    try:
        yield database
    finally:
        await database.close()
