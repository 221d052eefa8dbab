"""Starting, stopping, crashing and restarting the real bot process."""

from __future__ import annotations

import json
import signal
import sqlite3
from contextlib import closing
from pathlib import Path

import aiohttp

from tests.e2e.process import (
    WEBHOOK_SECRET,
    BotProcess,
    open_support_dialogue,
    run_cli,
    wait_for_webhook,
    webhook_bot,
)
from tests.fake_telegram import FakeTelegram

GOOD_TOKEN = "123456789:TEST-fake-token_abcdefghijklmnopqrstu"


async def test_without_a_token_one_clear_line_and_a_non_zero_exit(tmp_path: Path) -> None:
    code, out, err = await run_cli("run", cwd=tmp_path)
    assert code != 0
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "BOT_TOKEN is not set" in lines[0] and "@BotFather" in lines[0]
    assert out == ""


async def test_a_malformed_token_is_not_echoed(tmp_path: Path) -> None:
    secret = "12345:this-is-not-long-enough"
    code, _, err = await run_cli("run", cwd=tmp_path, BOT_TOKEN=secret)
    assert code != 0
    assert "BOT_TOKEN is malformed" in err and secret not in err
    assert len(err.strip().splitlines()) == 1


async def test_token_from_dotenv_file_and_migrate_command(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(f"BOT_TOKEN={GOOD_TOKEN}\nDATABASE_PATH=db/x.sqlite3\n")
    code, out, err = await run_cli("migrate", cwd=tmp_path)
    assert code == 0, err
    assert "applied 0001_foundation.sql" in out
    with sqlite3.connect(tmp_path / "db" / "x.sqlite3") as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] >= 1
    code, out, _ = await run_cli("migrate", cwd=tmp_path)
    assert code == 0 and "already up to date" in out


async def test_help_lists_the_subcommands(tmp_path: Path) -> None:
    code, out, _ = await run_cli("--help", cwd=tmp_path)
    assert code == 0 and "run" in out and "migrate" in out


async def test_sigterm_stops_cleanly(tg: FakeTelegram, bot: BotProcess) -> None:
    user = tg.user(2001)
    await user.send_text("/start")
    await user.wait_for_bot_message("Здравствуйте")
    assert await bot.stop(signal.SIGTERM) == 0
    log = bot.log()
    assert "The bot has stopped" in log
    assert tg.token not in log
    # The last connection closed properly: SQLite folded the write-ahead log back.
    assert not Path(str(bot.database) + "-wal").exists()


async def test_sigint_stops_cleanly_too(tg: FakeTelegram, bot: BotProcess) -> None:
    assert await bot.stop(signal.SIGINT) == 0
    assert "The bot has stopped" in bot.log()


async def test_a_handler_in_flight_finishes_before_the_bot_stops(
    tg: FakeTelegram, bot: BotProcess
) -> None:
    user = tg.user(2002)
    tg.delay_next("sendMessage", 1.5)
    await user.send_text("/help")
    await tg.wait_until(lambda: any(c.method == "sendMessage" for c in tg.calls_started), 10)
    assert bot.process is not None
    bot.process.send_signal(signal.SIGTERM)
    assert await bot.stop() == 0
    assert "Что я умею" in user.last_bot_message().text


async def test_dialogue_survives_sigkill_and_restart(tg: FakeTelegram, bot: BotProcess) -> None:
    admin = tg.user(777, "Админ")
    pupil = tg.user(2003, "Маша")
    await open_support_dialogue(pupil, "Что-то не работает")
    await pupil.send_text("Не приходит напоминание о встрече")
    await pupil.wait_for_bot_message("Вот что получат администраторы")
    await bot.settle()

    await bot.kill()
    assert bot.process is not None and bot.process.returncode == -signal.SIGKILL
    await bot.start()

    await pupil.press("Отправить")
    await pupil.wait_for_bot_message("Обращение № 1 отправлено")
    to_admin = await admin.wait_for_bot_message("Не приходит напоминание о встрече", after=0)
    assert "Что-то не работает" in to_admin.text


def _dialogue_state(database: Path, user_id: int) -> str | None:
    with closing(sqlite3.connect(database)) as conn:
        row = conn.execute(
            "SELECT state FROM fsm_records WHERE storage_key LIKE ?", (f"%:{user_id}:%",)
        ).fetchone()
    return None if row is None else str(row[0])


async def test_restart_in_the_middle_keeps_the_step_for_text_input(
    tg: FakeTelegram, bot: BotProcess
) -> None:
    pupil = tg.user(2004, "Лёша")
    await open_support_dialogue(pupil, "Предложение")
    await bot.settle()
    # The step is stored once the press is fully handled (after the button was answered, which
    # can come after the prompt): kill the bot after that, not while it still handles the press.
    await bot.wait_until(
        lambda: _dialogue_state(bot.database, pupil.id) == "SupportDialogue:body", "the step stored"
    )
    await bot.kill()
    await bot.start()
    await pupil.send_text("Добавьте тёмную тему")
    confirmation = await pupil.wait_for_bot_message("Вот что получат администраторы")
    assert "Добавьте тёмную тему" in confirmation.text


async def test_a_user_who_blocked_the_bot_does_not_break_it(
    tg: FakeTelegram, bot: BotProcess
) -> None:
    bot.expect_errors = True
    gone = tg.user(2005)
    gone.block_bot()
    await gone.send_text("/start")
    await tg.wait_until(lambda: any(c.status == 403 for c in tg.calls), 10)
    other = tg.user(2006)
    await other.send_text("/start")
    await other.wait_for_bot_message("Здравствуйте")
    assert "TelegramForbiddenError" in bot.log()


async def test_flood_control_is_waited_out(tg: FakeTelegram, bot: BotProcess) -> None:
    user = tg.user(2007)
    tg.fail_next("sendMessage", 429, retry_after=1)
    await user.send_text("/help")
    reply = await user.wait_for_bot_message("Что я умею")
    assert len(user.bot_messages()) == 1 and reply.text.startswith("Что я умею")
    statuses = [c.status for c in tg.calls if c.method == "sendMessage"]
    assert statuses == [429, 200]
    assert "Flood control on SendMessage: waiting 1s" in bot.log()


async def test_webhook_mode_checks_the_secret(tg: FakeTelegram, tmp_path: Path) -> None:
    bot, url = webhook_bot(tg, tmp_path)
    await bot.start(wait_for_polling=False)
    await wait_for_webhook(bot, tg)
    user = tg.user(2008)
    update = {
        "update_id": 1,
        "message": {
            "message_id": 1, "date": 1_700_000_000, "text": "/help",
            "chat": {"id": user.id, "type": "private"},
            "from": {"id": user.id, "is_bot": False, "first_name": "Вика", "language_code": "ru"},
            "entities": [{"type": "bot_command", "offset": 0, "length": 5}],
        },
    }  # fmt: skip
    async with aiohttp.ClientSession() as http:
        async with http.post(
            url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "wrong"}
        ) as r:
            assert r.status == 401
        headers = {"X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET}
        async with http.post(url, data=json.dumps(update), headers=headers) as r:
            assert r.status == 200
    await user.wait_for_bot_message("Что я умею", after=0)
    assert tg.getupdates_polls == 0
    assert await bot.stop() == 0
    assert "The bot has stopped" in bot.log()


async def test_a_token_telegram_rejects_stops_with_one_line(tmp_path: Path) -> None:
    async with FakeTelegram() as server:
        other = "987654321:ANOTHER-token_abcdefghijklmnopqrstuv"
        code, out, err = await run_cli(
            "run", cwd=tmp_path, BOT_TOKEN=other, TELEGRAM_API_BASE=server.base_url,
            DATABASE_PATH=str(tmp_path / "db.sqlite3"),
        )  # fmt: skip
        assert server.wrong_token_calls >= 1
    assert code == 2
    assert err.strip().splitlines()[-1] == (
        "Telegram rejected BOT_TOKEN (401 Unauthorized): check the token with @BotFather"
    )
    assert other not in out + err


async def test_the_bot_waits_for_telegram_at_start_up(tg: FakeTelegram, tmp_path: Path) -> None:
    tg.fail_next("getMe", 502, "Bad Gateway", times=2)
    bot = BotProcess(tg, tmp_path)
    await bot.start()
    user = tg.user(2009)
    await user.send_text("/start")
    await user.wait_for_bot_message("Здравствуйте")
    assert bot.log().count("Telegram is not reachable") == 2
    assert await bot.stop() == 0
