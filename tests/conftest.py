from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

# First, as in `bot run`: aiogram's types then build their validators on first use
# (bot/telegram_types.py), and the tests run the bot that way.
import bot  # noqa: F401  # isort: skip
from tests.inprocess import Harness, running_harness


@pytest.fixture
async def harness(tmp_path: Path) -> AsyncIterator[Harness]:
    async with running_harness(tmp_path) as h:
        yield h
