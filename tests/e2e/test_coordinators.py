"""The municipality in the real bot process: an administrator makes a coordinator link in the
chat, a new coordinator opens it and enters the municipality's own numbers."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

from tests.e2e.process import BotProcess, run_cli
from tests.fake_telegram import FakeTelegram

LINK = re.compile(r"https://t\.me/mentor_test_bot\?start=([A-Za-z0-9_-]{16,64})")


def query(database: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(database) as conn:
        return conn.execute(sql).fetchall()


async def test_a_new_coordinator_opens_the_link_of_an_administrator(
    tg: FakeTelegram, bot: BotProcess, tmp_path: Path
) -> None:
    for name in ("Школа № 1", "Школа № 2", "Школа № 3"):
        code, _, err = await run_cli(
            "org", "create", "--name", name, "--timezone", "Asia/Chita", cwd=tmp_path,
            DATABASE_PATH=str(bot.database),
        )  # fmt: skip
        assert code == 0, err

    admin = tg.user(777, "Ольга Петровна", language_code="ru")
    await admin.send_text("/coordinator")
    await admin.wait_for_bot_message("Выберите организации, показатели которых увидит координатор")
    await admin.press("Школа № 1")
    await admin.wait_for_bot_message("Выбрана 1 организация.")
    await admin.press("Школа № 3")
    await admin.wait_for_bot_message("Выбрано 2 организации.")
    await admin.press("Готово")
    await admin.wait_for_bot_message("Ссылка будет для 2 организаций")
    await admin.send_text("Городской округ «Город Чита»")
    made = await admin.wait_for_bot_message("Ссылка для координатора муниципального образования")
    match = LINK.search(made.text)
    assert match is not None, made.text
    assert "Школа № 1" in made.text and "Школа № 3" in made.text and "Школа № 2" not in made.text

    coordinator = tg.user(5001, "Наталья Сергеевна", language_code="ru")
    await coordinator.send_text(f"/start {match.group(1)}")
    welcome = await coordinator.wait_for_bot_message("Теперь вы муниципальный координатор")
    assert "Городской округ «Город Чита»" in welcome.text and "/municipality" in welcome.text
    await bot.wait_until(
        lambda: (
            "municipality"
            in {c["command"] for c in tg.get_commands({"type": "chat", "chat_id": 5001}) or []}
        ),
        "the coordinator's menu",
    )
    # A second tap is no error; somebody else is told the link is used.
    await coordinator.send_text(f"/start {match.group(1)}")
    await coordinator.wait_for_bot_message("Вы уже открывали эту ссылку")
    stranger = tg.user(5002, "Пётр", language_code="ru")
    await stranger.send_text(f"/start {match.group(1)}")
    await stranger.wait_for_bot_message("уже использована")

    # The coordinator enters the municipality's own number of pupils.
    await coordinator.send_text("/municipality")
    await coordinator.wait_for_bot_message("Общая численность по муниципальному образованию")
    await coordinator.press("Обучающиеся 10–19 лет")
    await coordinator.wait_for_bot_message("сколько их во всём муниципальном образовании")
    await coordinator.send_text("12 500")
    saved = await coordinator.wait_for_bot_message("Сохранено.")
    assert "Обучающиеся 10–19 лет: 12500" in saved.text

    await bot.settle()
    assert query(bot.database, "SELECT telegram_id, organization_id FROM coordinators "
                 "ORDER BY 2") == [(5001, 1), (5001, 3)]  # fmt: skip
    assert query(bot.database, "SELECT telegram_id, pupils_10_19 FROM municipal_denominators") == [
        (5001, 12500)
    ]
