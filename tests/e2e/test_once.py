"""One way in: an update Telegram delivers twice is applied once and answered once."""

from __future__ import annotations

import json
from pathlib import Path

import aiohttp

from tests.e2e.participants import current_question, join_as_adult, query, seed, wait_next
from tests.e2e.process import WEBHOOK_SECRET, BotProcess, wait_for_webhook, webhook_bot
from tests.fake_telegram import FakeTelegram


async def test_a_typed_answer_delivered_again_is_stored_once(
    tg: FakeTelegram, bot: BotProcess
) -> None:
    seeded = await seed(bot.database)
    olga = tg.user(3101, "Ольга")
    await join_as_adult(olga, seeded.mentor_token)
    pid, _, first = current_question(bot.database, olga.id)
    assert first == "full_name"
    shown = olga.last_bot_message().message_id
    await olga.send_text("Иванова Ольга Петровна")
    answered = tg.last_update_id
    await wait_next(olga, bot.database, first, shown)
    _, _, second = current_question(bot.database, olga.id)
    after_answer = len(olga.bot_messages())

    # The bot died before it confirmed the offset: Telegram delivers the answer again.
    tg.redeliver(answered)
    await olga.send_text("/help")
    await olga.wait_for_bot_message("Что я умею")
    assert len(olga.bot_messages()) == after_answer + 1  # only the /help reply
    assert current_question(bot.database, olga.id)[2] == second  # the question is not skipped
    stored = query(bot.database, "SELECT question FROM answers WHERE participant_id = ?", (pid,))
    assert stored == [("full_name",)]
    assert f"Update {answered} was delivered again; dropped" in bot.log()
    assert query(
        bot.database, "SELECT count(*) FROM processed_updates WHERE update_id = ?", (answered,)
    ) == [(1,)]


async def test_a_webhook_retry_is_applied_once(tg: FakeTelegram, tmp_path: Path) -> None:
    bot, url = webhook_bot(tg, tmp_path)
    bot.database.parent.mkdir(parents=True, exist_ok=True)
    seeded = await seed(bot.database)
    await bot.start(wait_for_polling=False)
    await wait_for_webhook(bot, tg)
    user = tg.user(3102)
    text = f"/start {seeded.mentor_token}"
    update = {
        "update_id": 41,
        "message": {
            "message_id": 1, "date": 1_700_000_000, "text": text,
            "chat": {"id": user.id, "type": "private"},
            "from": {"id": user.id, "is_bot": False, "first_name": "Вика", "language_code": "ru"},
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
        },
    }  # fmt: skip
    headers = {"X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET}
    async with aiohttp.ClientSession() as http:
        for _ in range(2):  # Telegram retries when it did not get the answer in time
            async with http.post(url, data=json.dumps(update), headers=headers) as response:
                assert response.status == 200
    await user.wait_for_bot_message("сколько вам лет", after=0)
    help_message = dict(update["message"], message_id=2, text="/help")  # type: ignore[arg-type]
    help_message["entities"] = [{"type": "bot_command", "offset": 0, "length": 5}]
    sentinel = {"update_id": 42, "message": help_message}
    async with (
        aiohttp.ClientSession() as http,
        http.post(url, data=json.dumps(sentinel), headers=headers) as response,
    ):
        assert response.status == 200
    await user.wait_for_bot_message("Что я умею", after=0)
    assert len(user.bot_messages()) == 2  # one answer to /start, one to /help
    # The first delivery asked the age (a dialogue state was stored, with the update's id).
    assert query(bot.database, "SELECT update_id FROM processed_updates") == [(41,)]
    assert "Update 41 was delivered again; dropped" in bot.log()
    assert await bot.stop() == 0
    assert "Traceback" not in bot.log()
