"""An announcement to everyone through the real bot process, with flood control and blocks."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.clock import SystemClock
from bot.participants import ParticipantService
from storage.database import Database
from storage.repositories.participants import ParticipantRepository
from tests.e2e.participants import CURATOR, query, seed
from tests.e2e.process import BotProcess
from tests.fake_telegram import FakeTelegram

MENTORS = (3101, 3102)
MENTEES = (3103, 3104, 3105, 3106)
SILENTLY_BLOCKED = 3105  # blocked the bot before it listened for blocks: only a send finds out
BLOCKED_NOW = 3106  # blocks the bot now: Telegram tells the bot (my_chat_member)
NAMES = {SILENTLY_BLOCKED: "Смирнов Иван Петрович", BLOCKED_NOW: "Орлова Анна Сергеевна"}
TEXT = "Родительское собрание в четверг в 18:00, каб. 12 <b>&</b>"


async def join_everyone(database: Path, organization_id: int) -> None:
    db = Database(database)
    await db.connect()
    try:
        repository = ParticipantRepository(db)
        participants = ParticipantService(repository, SystemClock())
        for user in MENTORS + MENTEES:
            role = "mentor" if user in MENTORS else "mentee"
            joined = await participants.join(
                organization_id=organization_id,
                telegram_id=user,
                role=role,
                birth_date=None,
                invitation_id=None,
            )
            assert joined is not None
            if user in NAMES:
                assert await participants.give_own_consent(joined, "Согласие", "ru")
                await repository.save_answer(
                    joined.id, "full_name", NAMES[user], None, SystemClock().now()
                )
    finally:
        await db.close()


@pytest.fixture
async def school_bot(tg: FakeTelegram, tmp_path: Path) -> AsyncIterator[BotProcess]:
    process = BotProcess(tg, tmp_path)
    process.database.parent.mkdir(parents=True, exist_ok=True)
    seeded = await seed(process.database)
    await join_everyone(process.database, seeded.organization_id)
    await process.start()
    yield process
    if process.process is not None and process.process.returncode is None:
        assert await process.stop() == 0, process.log()
    assert "Traceback" not in process.log(), process.log()


async def test_an_announcement_to_everyone_despite_flood_control_and_blocks(
    tg: FakeTelegram, school_bot: BotProcess
) -> None:
    people = {user: tg.user(user, f"Участник {user}") for user in MENTORS + MENTEES}
    curator = tg.user(CURATOR, "Куратор")
    people[SILENTLY_BLOCKED].blocked = True
    people[BLOCKED_NOW].block_bot()
    await school_bot.wait_until(
        lambda: (
            query(
                school_bot.database,
                "SELECT count(*) FROM participants WHERE unreachable_since IS NOT NULL",
            )
            == [(1,)]
        ),
        "the block to be recorded",
    )

    await curator.send_text("/announce")
    await curator.wait_for_bot_message("кому отправить объявление?")
    await curator.press("Всем участникам: 6")
    await curator.wait_for_bot_message("Отправьте его текст одним сообщением")
    await curator.send_text(TEXT)
    summary = await curator.wait_for_bot_message("Получателей: 5.")
    assert "заблокировали бота или удалили аккаунт: 1." in summary.text
    assert "Орлова Анна Сергеевна — наставляемый" in summary.text

    tg.fail_next("sendMessage", 429, retry_after=1)  # the first message of the mailing
    await curator.press("Отправить", message_id=summary.message_id)
    report = await curator.wait_for_bot_message("отправлено", timeout=20)
    assert "доставлено — 4, не удалось доставить — 2" in report.text
    assert "Смирнов Иван Петрович — наставляемый" in report.text
    assert "Орлова Анна Сергеевна — наставляемый" in report.text

    expected = f"Сообщение от куратора «Школа № 7»:\n\n{TEXT}"
    for user, person in people.items():
        got = [m.text for m in person.bot_messages()]
        if user in (SILENTLY_BLOCKED, BLOCKED_NOW):
            assert got == [], (user, got)
        else:
            assert got == [expected], (user, person.transcript())

    sends = [c for c in tg.methods_called("sendMessage") if c.params.get("chat_id") != CURATOR]
    flooded = [c for c in sends if c.status == 429]
    assert len(flooded) == 1
    chat = flooded[0].params["chat_id"]
    to_flooded = [c for c in sends if c.params["chat_id"] == chat]
    assert [c.status for c in to_flooded] == [429, 200]
    # retry_after is waited once (the session's own retries are off for bulk sends), and
    # by the whole mailing: nobody else gets a message during the pause.
    flooded_at, retried_at = to_flooded[0].time, to_flooded[1].time
    assert 1.0 <= retried_at - flooded_at < 1.9
    assert not [c for c in sends if flooded_at + 0.1 < c.time < flooded_at + 0.95]
    assert [c.status for c in sends if c.params["chat_id"] == SILENTLY_BLOCKED] == [403]
    assert not [c for c in sends if c.params["chat_id"] == BLOCKED_NOW]

    await school_bot.settle()
    unreachable = query(
        school_bot.database,
        "SELECT telegram_id FROM participants WHERE unreachable_since IS NOT NULL ORDER BY 1",
    )
    assert unreachable == [(SILENTLY_BLOCKED,), (BLOCKED_NOW,)]
