"""Operations against the real bot process: `python -m bot restore` refuses while the bot runs,
`health` says ok while it polls, a second bot on the same database is refused, and the nightly
backup is made by the running bot."""

from __future__ import annotations

from datetime import UTC, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.backups import NIGHT, backup_name
from storage.backup import check_database
from tests.e2e.process import BotProcess, run_cli
from tests.fake_telegram import FakeTelegram


async def test_restore_waits_for_the_bot_to_stop_and_health_follows_its_polling(
    tg: FakeTelegram, bot: BotProcess, tmp_path: Path
) -> None:
    database = str(bot.database)
    anna = tg.user(4101, "Анна")
    await anna.send_text("/help")
    await anna.wait_for_bot_message("Что я умею")  # an update served, a getUpdates answered

    code, out, err = await run_cli("health", cwd=tmp_path, DATABASE_PATH=database)
    assert code == 0 and out.startswith("ok"), err

    copy = tmp_path / "copy.sqlite3"
    code, out, err = await run_cli(
        "backup", "--out", str(copy), cwd=tmp_path, DATABASE_PATH=database
    )
    assert code == 0 and "integrity: ok" in out, err

    code, out, err = await run_cli("restore", str(copy), cwd=tmp_path, DATABASE_PATH=database)
    assert code == 1 and "stop the bot first" in err
    assert not list(bot.database.parent.glob("*.before-restore-*"))

    # A second bot on the same database is refused before it talks to Telegram.
    code, _, err = await run_cli(
        "run", cwd=tmp_path, DATABASE_PATH=database, BOT_TOKEN=tg.token,
        TELEGRAM_API_BASE=tg.base_url,
    )  # fmt: skip
    assert code == 2 and "stop it first" in err

    # The nightly backup: the bot started after 03:00 in Moscow makes the day's copy at once
    # (the end-to-end bot runs on the system clock).
    now = datetime.now(ZoneInfo("Europe/Moscow"))
    if now.time() >= time(NIGHT.hour, NIGHT.minute):
        nightly = bot.database.parent / "backups" / backup_name(now.date())
        await bot.wait_until(nightly.exists, "the nightly backup")
        assert check_database(nightly).ok

    assert await bot.stop() == 0
    code, out, err = await run_cli("restore", str(copy), cwd=tmp_path, DATABASE_PATH=database)
    assert code == 0 and "Restored" in out, err
    assert len(list(bot.database.parent.glob("bot.sqlite3.before-restore-*"))) == 1

    # The restored database serves the bot again.
    await bot.start()
    await anna.send_text("/help")
    await anna.wait_for_bot_message("Что я умею")
    assert datetime.now(UTC)  # (the bot fixture stops it and checks the log)
