"""The backup drill (issue 13's "done"): a backup taken while the delivery benchmark's bot is
sending reminders, restored into a fresh folder with `python -m bot restore`, is intact and holds
exactly the rows the database held at the moment of the copy."""

from __future__ import annotations

import asyncio
import sqlite3
from contextlib import closing
from datetime import timedelta
from pathlib import Path

from bench.delivery import NOW, prepare, reminder_calls, seed
from storage.backup import backup_database, check_database
from tests.e2e.process import BotProcess, run_cli
from tests.fake_telegram import FakeTelegram

REMINDERS = 400
RATE = 50  # messages a second: the reminders alone take eight seconds


def reminder_states(path: Path) -> dict[str, int]:
    with closing(sqlite3.connect(path)) as conn:
        return dict(conn.execute("SELECT state, count(*) FROM reminders GROUP BY state"))


async def test_a_backup_during_reminder_delivery_restores_to_the_same_rows(
    tg: FakeTelegram, tmp_path: Path
) -> None:
    bot = BotProcess(
        tg, tmp_path / "server", clocked=True, start_time=NOW + timedelta(minutes=1),
        SEND_RATE_PER_SECOND=str(RATE), LOG_LEVEL="WARNING", BACKUP_KEEP="0",
    )  # fmt: skip
    await prepare(bot.database)
    for chat in seed(bot.database, REMINDERS):
        tg.user(chat, "Участник")
    tg.set_rate_limit(RATE)
    await bot.start()
    try:

        def delivered() -> int:
            return sum(c.ok for c in reminder_calls(tg))

        await bot.wait_until(lambda: delivered() >= REMINDERS // 10, "a tenth sent", 60)
        copy = tmp_path / "offsite" / "drill.sqlite3"
        result = await asyncio.to_thread(backup_database, bot.database, copy)
        at_copy = reminder_states(copy)
        # Taken in the middle of the run: some reminders sent, others still waiting.
        assert at_copy.get("sent", 0) > 0 and at_copy.get("pending", 0) > 0
        await bot.wait_until(
            lambda: not reminder_states(bot.database).get("pending", 0), "every reminder", 120
        )
        assert await bot.stop() == 0, bot.log()[-3000:]
    finally:
        if bot.process is not None and bot.process.returncode is None:
            await bot.kill()
    assert "Traceback" not in bot.log(), bot.log()[-3000:]
    assert reminder_states(bot.database).get("pending", 0) == 0  # the run went on to the end

    fresh = tmp_path / "new-server" / "data" / "bot.sqlite3"
    code, out, err = await run_cli("restore", str(copy), cwd=tmp_path, DATABASE_PATH=str(fresh))
    assert code == 0 and "Restored" in out, err
    restored = check_database(fresh)
    assert restored.ok
    # The same rows as the database held when the copy was made (counted in that snapshot).
    assert restored.rows == result.snapshot_rows == result.check.rows
    assert sum(reminder_states(fresh).values()) == REMINDERS
    assert reminder_states(fresh) == at_copy
