from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.e2e.process import BotProcess
from tests.fake_telegram import FakeTelegram


@pytest.fixture
async def tg() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as server:
        yield server
        # The bot must not call anything the stand-in does not know.
        assert server.unknown_calls == [], server.unknown_calls
        assert server.wrong_token_calls == 0


@pytest.fixture
async def bot(tg: FakeTelegram, tmp_path: Path) -> AsyncIterator[BotProcess]:
    process = BotProcess(tg, tmp_path)
    await process.start()
    yield process
    if process.process is not None and process.process.returncode is None:
        code = await process.stop()
        assert code == 0, process.log()
    if not process.expect_errors:
        assert "Traceback" not in process.log(), process.log()
