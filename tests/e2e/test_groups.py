"""A group of three students from the real bot process on a clock the test moves.

Irina, an employer's specialist, leads Anna, Boris and Vera (form «работодатель – студент»).
She schedules the group's first meeting once through the usual calendar; every member hears
of it, and each of the four people gets one reminder. After the meeting Irina alone is asked
whether it took place and answers with the attendance: Anna and Boris came, Vera did not.
Anna, Boris and Irina (once) fill the feedback form; Vera's pair has the meeting as missed.
Buttons are found by their visible text; a member's and a stranger's presses on the mentor's
buttons, a double tap and an outdated press change nothing.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.config import Settings
from bot.wiring import build_services
from handlers.group_views import GroupAnswer, GroupDone, GroupMark
from handlers.meeting_board_views import PairCard
from storage.database import Database
from storage.migrations import migrate
from tests.clock import ManualClock
from tests.e2e.participants import query
from tests.e2e.process import BotProcess, clocked_bot
from tests.e2e.test_pair_life import fill_feedback
from tests.fake_telegram import FakeTelegram, FakeUser
from tests.groups_seed import (
    ANNA,
    BORIS,
    CURATOR,
    GLEB,
    IRINA,
    OLGA,
    VERA,
    GroupSeed,
    seed_group_school,
)

# Thursday 12 March 2026, 18:30 in Chita (UTC+9).
START = datetime(2026, 3, 12, 9, 30, tzinfo=UTC)
# The meeting: Tuesday 17 March, 15:00 in Chita = 06:00 UTC; an hour long, asked 30 min after.
MEETING = datetime(2026, 3, 17, 6, 0, tzinfo=UTC)
HOUR_BEFORE = MEETING - timedelta(hours=1) + timedelta(seconds=30)
ASKED = MEETING + timedelta(minutes=90, seconds=30)
LINK = "https://meet.example/group-3"
TICK = 15.0  # the jobs tick every 5 s of real time; allow for a slow machine


async def seed(database: Path) -> GroupSeed:
    db = Database(database)
    await db.connect()
    try:
        await migrate(db)
        clock = ManualClock(START - timedelta(days=1))
        services = build_services(Settings(_env_file=None), db, clock)  # type: ignore[call-arg]
        school = await seed_group_school(services, db, clock.now())
        # One reminder, an hour before: "one reminder each" is then exactly one message.
        assert await services.reminders.change_reminders(school.organization_id, "60") is None
        return school
    finally:
        await db.close()


@pytest.fixture
async def clocked(tg: FakeTelegram, tmp_path: Path) -> AsyncIterator[tuple[BotProcess, GroupSeed]]:
    async with clocked_bot(tg, tmp_path, START, seed) as running:
        yield running


def reminders(user: FakeUser) -> list[str]:
    return [m.text for m in user.bot_messages() if m.text.startswith("⏰")]


def with_text(user: FakeUser, text: str) -> list[str]:
    return [m.text for m in user.bot_messages() if text in m.text]


async def refused(tg: FakeTelegram, user: FakeUser, data: str, message_id: int) -> str:
    """Press forged button data on one of the user's messages; the notice they get."""
    before = len(user.callback_answers)
    await user.press_data(data, message_id)
    await tg.wait_until(lambda: len(user.callback_answers) > before, TICK)
    return str(user.callback_answers[-1].get("text") or "")


def statuses(database: Path) -> dict[int, str]:
    rows = query(
        database,
        "SELECT p.telegram_id, m.status FROM meetings m JOIN pairs pr ON pr.id = m.pair_id "
        "JOIN participants p ON p.id = pr.mentee_id WHERE m.group_meeting_id IS NOT NULL",
    )
    return {int(str(chat)): str(status) for chat, status in rows}


def row_of(database: Path, mentee_chat: int) -> int:
    ((meeting_id,),) = query(
        database,
        "SELECT m.id FROM meetings m JOIN pairs pr ON pr.id = m.pair_id "
        "JOIN participants p ON p.id = pr.mentee_id WHERE p.telegram_id = ? "
        "AND m.group_meeting_id IS NOT NULL",
        (mentee_chat,),
    )
    return int(str(meeting_id))


async def test_a_group_of_three_one_calendar_attendance_and_feedback_from_each(
    tg: FakeTelegram, clocked: tuple[BotProcess, GroupSeed]
) -> None:
    bot, school = clocked
    db = bot.database
    irina = tg.user(IRINA, "Ирина")
    anna, boris, vera = tg.user(ANNA, "Анна"), tg.user(BORIS, "Борис"), tg.user(VERA, "Вера")
    olga, gleb = tg.user(OLGA, "Ольга"), tg.user(GLEB, "Глеб")
    curator = tg.user(CURATOR, "Куратор")
    members = (anna, boris, vera)

    # -- a member cannot schedule the group's meeting; the mentor does, once ----------------
    await anna.send_text("/meetings")
    await anna.wait_for_bot_message("назначает наставник")
    await irina.send_text("/meetings")
    await irina.wait_for_bot_message("вашей группой")
    await irina.press("Запланировать встречу группы")
    await irina.wait_for_bot_message("Выберите день встречи")
    await irina.press("17")
    await irina.wait_for_bot_message("во сколько")
    await irina.press("15:00")
    await irina.wait_for_bot_message("Как будете встречаться")
    await irina.press("Онлайн")
    await irina.wait_for_bot_message("ссылку")
    await irina.send_text(LINK)
    done = await irina.wait_for_bot_message("Встреча группы назначена")
    for name in ("Анна Смирнова", "Борис Орлов", "Вера Козлова"):
        assert name in done.text, done.text
    for member in members:
        told = await member.wait_for_bot_message("встречу группы", after=0)
        assert "Ирина Павловна Соколова" in told.text, told.text
        assert "17 марта 2026" in told.text and "15:00" in told.text and LINK in told.text
    assert statuses(db) == {ANNA: "confirmed", BORIS: "confirmed", VERA: "confirmed"}
    # Nobody is asked to confirm: the group's times are the mentor's.
    assert not any("Подтвердить" in str(m.buttons) for u in members for m in u.bot_messages())
    # The mentor's /meetings shows the group meeting once, not three times.
    shown = len(irina.bot_messages())
    await irina.send_text("/meetings")
    await irina.wait_for_bot_message("Группа:", after=shown)
    await bot.settle()
    assert sum("Встреча группы, " in m.text for m in irina.bot_messages()[shown:]) == 1

    # -- one reminder each: the three members and the mentor ---------------------------------
    bot.set_time(HOUR_BEFORE)
    await tg.wait_until(lambda: all(len(reminders(u)) == 1 for u in (irina, *members)), TICK)
    assert "вашей группы" in reminders(irina)[0] and LINK in reminders(irina)[0]
    for member in members:
        assert "Ирина Павловна Соколова" in reminders(member)[0], reminders(member)
    await bot.wait_for_run("reminders")
    await bot.wait_for_run("reminders")
    assert [len(reminders(u)) for u in (irina, *members)] == [1, 1, 1, 1]
    assert reminders(olga) == reminders(gleb) == []

    # -- "did it take place?" to the mentor alone, answered with the attendance -----------------
    bot.set_time(ASKED)
    question = await irina.wait_for_bot_message("Состоялась ли встреча группы", timeout=TICK)
    await bot.wait_for_run("followups")
    assert not any(with_text(m, "Состоялась ли") for m in members)
    await irina.press("Да, встретились", message_id=question.message_id)
    sheet = await irina.wait_for_bot_message("Кто пришёл")
    gm = GroupDone.unpack(
        next(d for d in sheet.button_data.values() if d and d.startswith("grp1d"))
    ).group_meeting_id

    # A member and a stranger pressing the mentor's buttons: a clear answer, nothing changes.
    forged = GroupMark(group_meeting_id=gm, pair_id=school.pairs[VERA]).pack()
    anna_last = anna.bot_messages()[-1].message_id
    assert "только её наставник" in await refused(tg, anna, forged, anna_last)
    await gleb.send_text("/meetings")
    await gleb.wait_for_bot_message()
    assert "только её наставник" in await refused(
        tg, gleb, GroupDone(group_meeting_id=gm).pack(), gleb.bot_messages()[-1].message_id
    )
    assert query(db, "SELECT count(*) FROM group_attendance") == [(0,)]

    # «Done» with nobody ticked is explained and changes nothing.
    await irina.press("Готово", message_id=sheet.message_id)
    await tg.wait_until(lambda: "Отметьте" in str(irina.callback_answers[-1].get("text")), TICK)
    assert statuses(db) == {ANNA: "confirmed", BORIS: "confirmed", VERA: "confirmed"}

    await irina.press("Анна Смирнова", message_id=sheet.message_id)
    await tg.wait_until(
        lambda: "☑ Анна Смирнова" in str(irina.find(sheet.message_id).buttons), TICK
    )
    await irina.press("Борис Орлов", message_id=sheet.message_id)
    await tg.wait_until(lambda: "пришли 2" in str(irina.find(sheet.message_id).buttons), TICK)
    await irina.press("Готово: пришли 2", message_id=sheet.message_id)
    saved = await irina.wait_for_bot_message("Посещаемость сохранена")
    assert "Анна Смирнова" in saved.text and "Борис Орлов" in saved.text
    assert "Вера Козлова" in saved.text.split("\n")[-1], saved.text  # the missed line
    assert statuses(db) == {ANNA: "held", BORIS: "held", VERA: "missed"}

    # A double tap on «Done» and an old toggle are outdated: nothing changes.
    await irina.press_data(GroupDone(group_meeting_id=gm).pack(), sheet.message_id)
    await irina.press_data(forged, sheet.message_id)
    await bot.settle()
    assert statuses(db) == {ANNA: "held", BORIS: "held", VERA: "missed"}
    assert len(with_text(irina, "Посещаемость сохранена")) == 1
    # The old question pressed again: already answered, nothing changes.
    again = GroupAnswer(group_meeting_id=gm, answer="not_held").pack()
    assert "уже ответили" in await refused(tg, irina, again, question.message_id)
    assert statuses(db) == {ANNA: "held", BORIS: "held", VERA: "missed"}

    # -- feedback: each present member on their own row, the mentor once --------------------
    await fill_feedback(anna, db, row_of(db, ANNA), 5, topic=True)
    await fill_feedback(boris, db, row_of(db, BORIS), 4, topic=False)
    await fill_feedback(irina, db, row_of(db, ANNA), 5, topic=False)
    forms = query(
        db,
        "SELECT p.telegram_id, count(*) FROM responses r JOIN participants p "
        "ON p.id = r.participant_id WHERE r.form = 'meeting_feedback' "
        "AND r.completed_at IS NOT NULL GROUP BY p.telegram_id ORDER BY p.telegram_id",
    )
    assert forms == [(IRINA, 1), (ANNA, 1), (BORIS, 1)]
    assert query(
        db,
        "SELECT count(*) FROM responses r JOIN participants p ON "
        "p.id = r.participant_id WHERE p.telegram_id = ?",
        (VERA,),
    ) == [(0,)]
    # The mentor was asked once; nobody else was asked.
    assert query(db, "SELECT telegram_id, answer FROM followups") == [(IRINA, "held")]

    # -- the curator's card of each pair: Vera's shows the meeting as missed -------------------
    await curator.send_text("/pairs")
    await curator.wait_for_bot_message("Действующие пары")
    for chat, name, held, missed in ((VERA, "Вера Козлова", 0, 1), (ANNA, "Анна Смирнова", 1, 0)):
        await curator.press_data(
            PairCard(pair_id=school.pairs[chat]).pack(), curator.bot_messages()[-1].message_id
        )
        card = await curator.wait_for_bot_message(f"Соколова — {name}\n")
        assert "Группа наставника Ирина Павловна Соколова" in card.text, card.text
        assert f"Встреч проведено: {held};" in card.text, card.text
        assert f"не состоялись: {missed};" in card.text, card.text
        assert "Анна Смирнова, Борис Орлов, Вера Козлова" in card.text
