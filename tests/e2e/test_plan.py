"""A teacher's personalized program (issue 14) in the real bot process, on a clock the test
moves (:mod:`tests.e2e.clocked`).

A school in Chita (UTC+9) whose cycle runs from September to 31 May 2027; a teacher–teacher
pair formed on 14 September 2026 has held its acquaintance and trial meetings (seeded). Then
the chat: the planning meeting takes place, the mentor builds a four-month plan (two goals with
deadlines, success measures and activities) and submits it; the curator returns it once with a
comment, the mentor submits it again, the curator approves it. After the next regular meeting
the mentee marks progress on a goal; two weeks before the first goal's deadline both are asked
about it, once; on 14 January 2027, the program's end, the pair is asked for its final meeting,
agrees on it and holds it on 20 January, and is completed then while the cycle stays open to May.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.clock import to_db
from bot.config import Settings
from bot.followups import Answer
from bot.wiring import build_services
from handlers.followups import FollowupAnswer
from storage.database import Database
from storage.migrations import migrate
from storage.repositories.meetings import MeetingRepository
from tests.clock import ManualClock
from tests.cohort import choice, mentee_answers, mentor_answers, seed_ready
from tests.e2e.participants import holding, query
from tests.e2e.participants import press_data as press
from tests.e2e.process import BotProcess, clocked_bot
from tests.fake_telegram import FakeTelegram, FakeUser

CURATOR, ANNA, BORIS = 555, 111, 211
CHITA = ZoneInfo("Asia/Chita")
LINK = "https://meet.example/teachers-7"
TICK = 15.0  # the follow-ups tick every 0.3 s of real time here; allow for a slow machine


def chita(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=CHITA).astimezone(UTC)


START = chita(date(2026, 9, 14), 10)  # the pair is formed
PLANNING = date(2026, 9, 29)  # Tuesday, 08:00: the planning meeting
REGULAR = date(2026, 10, 13)  # the rhythm's next Tuesday two weeks later
FINAL = date(2027, 1, 20)


async def seed(database: Path) -> int:
    """The school, its curator, the pair, its held opening meetings and the planning meeting
    agreed on (confirmed, with its "did it take place?" rows). Returns the pair's id."""
    db = Database(database)
    await db.connect()
    try:
        await migrate(db)
        clock = ManualClock(START)
        services = build_services(Settings(_env_file=None), db, clock)  # type: ignore[call-arg]
        org = await services.organizations.create("Школа № 7", "Asia/Chita")
        await services.organizations.add_curator(org.id, CURATOR)
        cycle = await services.cycles.set_planned_end(org.id, date(2027, 5, 31))
        assert not isinstance(cycle, str), cycle
        assert await services.reminders.change_length(org.id, "30") is None
        assert await services.followups.change_delay(org.id, "15") is None
        now, form = clock.now(), choice("teacher_teacher")
        anna = await seed_ready(services, db, now, org.id, ANNA, "mentor",
                                mentor_answers("Анна Петровна Орлова", form=form))  # fmt: skip
        boris = await seed_ready(
            services, db, now, org.id, BORIS, "mentee",
            mentee_answers("Борис Ильич Сомов", birth="2000-02-02",
                           category=choice("young_teacher"), form=form),
        )  # fmt: skip
        assert await services.admission.admit(org.id, anna, CURATOR) is None
        outcome = await services.pairing.assign_directly(org.id, boris, anna, force=True)
        assert outcome.pair is not None, outcome
        pair_id = outcome.pair.id
        async with db.transaction() as tx:
            for kind, status, starts in (
                ("acquaintance", "held", chita(date(2026, 9, 15), 15)),
                ("trial", "held", chita(date(2026, 9, 22), 15)),
                ("planning", "confirmed", chita(PLANNING, 8)),
            ):
                await tx.execute(
                    "INSERT INTO meetings (pair_id, kind, status, starts_at, meeting_format, "
                    "place, proposed_by, created_at) VALUES (?, ?, ?, ?, 'online', ?, ?, ?)",
                    (pair_id, kind, status, to_db(starts), LINK, anna, to_db(now)),
                )
        planning = int(await db.fetch_value("SELECT id FROM meetings WHERE kind = 'planning'"))
        meeting = await MeetingRepository(db).get(planning)
        assert meeting is not None
        await services.followups.plan(meeting, org.id, [(anna, ANNA), (boris, BORIS)])
        return pair_id
    finally:
        await db.close()


@pytest.fixture
async def clocked(tg: FakeTelegram, tmp_path: Path) -> AsyncIterator[tuple[BotProcess, int]]:
    async with clocked_bot(tg, tmp_path, START, seed) as running:
        yield running


def meeting_id(database: Path, kind: str, status: str | None = None) -> int:
    rows = query(database, "SELECT id, status FROM meetings WHERE kind = ? ORDER BY id", (kind,))
    found = [int(str(r[0])) for r in rows if status is None or r[1] == status]
    assert found, rows
    return found[-1]


def held(meeting: int) -> str:
    return FollowupAnswer(meeting_id=meeting, answer=Answer.HELD.value).pack()


async def both_say_held(tg: FakeTelegram, anna: FakeUser, boris: FakeUser, meeting: int) -> None:
    await tg.wait_until(
        lambda: all(holding(user, held(meeting)) is not None for user in (anna, boris)), TICK
    )
    await press(anna, held(meeting))
    await press(boris, held(meeting))


async def type_goal(anna: FakeUser, number: int, text: str, deadline: str, measure: str,
                    activities: str) -> None:  # fmt: skip
    await anna.wait_for_bot_message(f"Цель {number}:")
    await anna.send_text(text)
    await anna.wait_for_bot_message("К какому сроку")
    await anna.send_text(deadline)
    await anna.wait_for_bot_message("Как будет видно")
    await anna.send_text(measure)
    await anna.wait_for_bot_message("Какие мероприятия")
    await anna.send_text(activities)
    await anna.wait_for_bot_message("Черновик плана")


def said(user: FakeUser, text: str) -> int:
    return sum(text in m.text for m in user.bot_messages())


async def test_a_four_month_plan_is_approved_followed_and_completes_the_pair_in_january(
    tg: FakeTelegram, clocked: tuple[BotProcess, int]
) -> None:
    bot, pair_id = clocked
    db = bot.database
    anna, boris = tg.user(ANNA, "Анна"), tg.user(BORIS, "Борис")
    curator = tg.user(CURATOR, "Куратор")

    # -- the planning meeting takes place; the mentor is asked to build the plan ------------
    planning = meeting_id(db, "planning")
    bot.set_time(chita(PLANNING, 8, 46))
    await both_say_held(tg, anna, boris, planning)
    await anna.wait_for_bot_message("составьте индивидуальный план пары", after=0, timeout=TICK)
    await anna.press("Составить план")
    prompt = await anna.wait_for_bot_message("Когда завершается программа?")
    assert "с 14 декабря 2026" in prompt.text and "по 14 сентября 2027" in prompt.text, prompt.text
    await anna.press("4 месяца")
    await type_goal(anna, 1, "Подготовить и провести открытый урок", "30.11.2026",
                    "Урок проведён, есть отзыв методиста",
                    "Посетить два урока наставника\nРазработать технологическую карту")  # fmt: skip
    await anna.press("Добавить цель")
    await type_goal(anna, 2, "Освоить работу с родителями", "10.01.2027",
                    "Проведено родительское собрание", "Подготовить собрание")  # fmt: skip
    await anna.press("Отправить куратору")
    await anna.wait_for_bot_message("План отправлен куратору")
    shared = await boris.wait_for_bot_message("отправил план вашей пары куратору", after=0)
    assert "Освоить работу с родителями" in shared.text, shared.text

    # -- the curator returns it once with a comment ------------------------------------------
    review = await curator.wait_for_bot_message("отправила план на утверждение", after=0)
    assert "Анна Петровна Орлова" in review.text and "14 января 2027" in review.text
    await curator.press("Вернуть с комментарием", message_id=review.message_id)
    await curator.wait_for_bot_message("Что паре нужно изменить?")
    await curator.send_text("Добавьте к первой цели посещение уроков коллег")
    await curator.wait_for_bot_message("возвращён с вашим комментарием")
    returned = await anna.wait_for_bot_message("вернул план вашей пары на доработку", after=0)
    assert "Добавьте к первой цели посещение уроков коллег" in returned.text, returned.text
    await boris.wait_for_bot_message("Добавьте к первой цели", after=0)

    # -- the mentor submits it again; the curator approves it -------------------------------
    await anna.press("Изменить план", message_id=returned.message_id)
    await anna.wait_for_bot_message("Черновик плана")
    await anna.press("Отправить куратору")
    await anna.wait_for_bot_message("План отправлен куратору")
    second = await curator.wait_for_bot_message("отправила план на утверждение")
    await curator.press("Утвердить план", message_id=second.message_id)
    await curator.wait_for_bot_message("утверждён. Пара получила уведомление")
    for user in (anna, boris):
        await user.wait_for_bot_message("Куратор утвердил план вашей пары", after=0)
    assert query(db, "SELECT status, program_end FROM plan_versions ORDER BY id") == [
        ("replaced", "2027-01-14"), ("approved", "2027-01-14")
    ]  # fmt: skip

    # -- the next regular meeting takes place; the mentee marks progress --------------------
    regular = meeting_id(db, "regular", "confirmed")
    assert query(db, "SELECT starts_at FROM meetings WHERE id = ?", (regular,)) == [
        (to_db(chita(REGULAR, 8)),)
    ]
    bot.set_time(chita(REGULAR, 8, 46))
    await both_say_held(tg, anna, boris, regular)
    offer = await boris.wait_for_bot_message("ход выполнения целей", after=0)
    await boris.press("Отметить ход выполнения целей", message_id=offer.message_id)
    await boris.wait_for_bot_message("Какая цель?")
    await boris.press("1. Подготовить и провести открытый урок — не начата")
    await boris.wait_for_bot_message("Как продвигается?")
    await boris.press("в работе")
    await boris.wait_for_bot_message("Сохранено: «Подготовить и провести открытый урок» — в работе")

    # -- two weeks before the first goal's deadline both are asked, once ---------------------
    question = "До срока цели «Подготовить и провести открытый урок»"
    bot.set_time(chita(date(2026, 11, 15), 9))
    await bot.wait_for_run("plans")
    assert said(anna, question) == said(boris, question) == 0
    bot.set_time(chita(date(2026, 11, 16), 9))
    for user in (anna, boris):
        asked = await user.wait_for_bot_message(question, after=0, timeout=TICK)
        assert "30 ноября 2026" in asked.text, asked.text
    await bot.wait_for_run("plans")
    await bot.wait_for_run("plans")
    assert said(anna, question) == said(boris, question) == 1
    await anna.press("достигнута")
    await anna.wait_for_bot_message("— достигнута")

    # -- 14 January 2027, the program's end: the final meeting -------------------------------
    end_request = "Программа вашей пары с наставляемым"
    bot.set_time(chita(date(2027, 1, 13), 23, 58))
    await bot.wait_for_run("plans")
    assert said(anna, end_request) == 0
    bot.set_time(chita(date(2027, 1, 14), 9))
    request = await anna.wait_for_bot_message(end_request, after=0, timeout=TICK)
    await boris.wait_for_bot_message("Программа вашей пары подошла к концу", after=0)
    await anna.press("Предложить заключительную встречу", message_id=request.message_id)
    calendar = await anna.wait_for_bot_message("Выберите день встречи")
    await anna.press("20", message_id=calendar.message_id)
    await anna.wait_for_bot_message("во сколько")
    await anna.press("15:00", message_id=calendar.message_id)
    await anna.wait_for_bot_message("Как будете встречаться")
    await anna.press("Онлайн", message_id=calendar.message_id)
    await anna.wait_for_bot_message("ссылку")
    await anna.send_text(LINK)
    offer = await boris.wait_for_bot_message("предлагает встречу", after=0)
    assert "Заключительная встреча, 20 января 2027" in offer.text, offer.text
    await boris.press("Подтвердить", message_id=offer.message_id)
    await boris.wait_for_bot_message("Встреча подтверждена")

    final = meeting_id(db, "final")
    bot.set_time(chita(FINAL, 15, 46))
    await both_say_held(tg, anna, boris, final)
    await tg.wait_until(
        lambda: (
            query(db, "SELECT ended_on, completed FROM pairs WHERE id = ?", (pair_id,))
            == [("2027-01-20", 1)]
        ),
        TICK,
    )
    # The cycle stays open to May; the pair alone is completed, and asked once.
    assert query(db, "SELECT planned_end, closing_since, closed_at FROM cycles") == [
        ("2027-05-31", None, None)
    ]
    assert query(db, "SELECT what FROM cycle_deliveries WHERE what LIKE 'final_meeting:%'") == [
        (f"final_meeting:{pair_id}",)
    ]
    assert said(anna, end_request) == 1
    # The final poll follows, as at a cycle's end.
    await tg.wait_until(
        lambda: query(db, "SELECT count(*) FROM cycle_deliveries WHERE what = 'poll'") == [(2,)],
        TICK,
    )
