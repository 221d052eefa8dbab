"""A college through the real bot process on the fake clock (issue 14, colleges): the curator
declares an own form «Педагог – студент» (teachers mentor students); a teacher mentors in it
and in «Педагог – педагог» with ONE questionnaire and ONE consent, answering the per-form
questions for each; a young teacher and a student join as mentees; matching proposes the
same mentor in both forms and the curator approves both pairs; the student gets the
students' monitoring, the young teacher the teachers'."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.config import Settings
from bot.wiring import build_services
from dialogs.forms import FederalForm
from storage.database import Database
from storage.migrations import migrate
from tests.clock import ManualClock
from tests.e2e.participants import fill_questionnaire, join_as_adult, query
from tests.e2e.participants import user_until as until
from tests.e2e.process import BotProcess, clocked_bot
from tests.e2e.test_cycle import make_link, participant_id, send_questionnaire
from tests.fake_telegram import FakeTelegram, FakeUser

CURATOR, OTHER_CURATOR = 555, 556
ANNA, YULIA, ILYA = 101, 201, 202  # the teacher-mentor, the young teacher, the student
COLLEGE, OTHER = "Политехнический колледж № 3", "Школа № 40"
# Everybody joins on Monday 7 September 2026, 10:00 in Yekaterinburg.
JOINING = datetime(2026, 9, 7, 5, 0, tzinfo=UTC)

ANNA_ANSWERS: dict[str, Any] = {
    "full_name": "Соколова Анна Петровна",
    "workplace_org": COLLEGE,
    "workplace_position": "преподаватель спецдисциплин",
    "form": ["teacher_teacher", "own_1"],
    "cap_teacher_teacher": 1,
    "agelo_own_1": 16,
    "agehi_own_1": 25,
    "cap_own_1": 3,
}
YULIA_ANSWERS: dict[str, Any] = {
    "full_name": "Белова Юлия Сергеевна",
    "birth_date": "14.02.2001",
    "category": "young_teacher",
    "form": "teacher_teacher",
}
ILYA_ANSWERS: dict[str, Any] = {
    "full_name": "Лебедев Илья Андреевич",
    "birth_date": "03.03.2006",
    "category": "student",
    "course": "2 курс, сварочное производство",
    "form": "own_1",
}


async def seed(database: Path) -> dict[str, int]:
    """A college running «ученик – ученик» and «педагог – педагог», another organization,
    and their curators; everything else happens in the chat."""
    db = Database(database)
    await db.connect()
    try:
        await migrate(db)
        services = build_services(Settings(_env_file=None), db, ManualClock(JOINING))  # type: ignore[call-arg]
        college = await services.organizations.create(
            COLLEGE, "Asia/Yekaterinburg", [FederalForm.PUPIL_PUPIL, FederalForm.TEACHER_TEACHER]
        )
        other = await services.organizations.create(OTHER, "Europe/Moscow")
        await services.organizations.add_curator(college.id, CURATOR)
        await services.organizations.add_curator(other.id, OTHER_CURATOR)
        return {"college": college.id, "other": other.id}
    finally:
        await db.close()


@pytest.fixture
async def clocked(
    tg: FakeTelegram, tmp_path: Path
) -> AsyncIterator[tuple[BotProcess, dict[str, int]]]:
    async with clocked_bot(tg, tmp_path, JOINING, seed) as running:
        yield running


async def answered(tg: FakeTelegram, user: FakeUser, query_id: str) -> str:
    """The text the bot answered this press with (found by the callback query's id: the
    answers of earlier presses may still arrive)."""

    def answer() -> dict[str, Any] | None:
        return next(
            (a for a in user.callback_answers if str(a.get("callback_query_id")) == query_id),
            None,
        )

    await tg.wait_until(lambda: answer() is not None)
    found = answer()
    assert found is not None
    return str(found.get("text", ""))


def form_profile(database: Path, organization_id: int, code: str) -> tuple[object, ...]:
    rows = query(
        database,
        "SELECT mentor_kind, mentee_kind, pace, allows_groups FROM organization_forms "
        "WHERE organization_id = ? AND code = ?",
        (organization_id, code),
    )
    assert len(rows) == 1, rows
    return rows[0]


def monitoring_forms(database: Path, telegram_id: int) -> list[str]:
    return [
        str(row[0])
        for row in query(
            database,
            "SELECT r.form FROM responses r JOIN participants p ON p.id = r.participant_id "
            "WHERE p.telegram_id = ? AND r.form GLOB 'monitoring_*' AND r.subject GLOB 'before:*'",
            (telegram_id,),
        )
    ]


async def test_a_college_teacher_mentors_in_two_forms_with_one_questionnaire(
    tg: FakeTelegram, clocked: tuple[BotProcess, dict[str, int]]
) -> None:
    bot, ids = clocked
    db = bot.database
    curator, other_curator = tg.user(CURATOR, "Куратор"), tg.user(OTHER_CURATOR, "Чужой куратор")
    anna, yulia, ilya = tg.user(ANNA, "Анна"), tg.user(YULIA, "Юлия"), tg.user(ILYA, "Илья")

    # -- the curator adds «Педагог – студент» and declares that its mentees are students -------
    await curator.send_text("/forms")
    await curator.wait_for_bot_message("Формы наставничества")
    await curator.press("➕ Добавить свою форму")
    await curator.wait_for_bot_message("Отправьте название своей формы")
    await curator.send_text("Педагог – студент")
    await curator.wait_for_bot_message("Форма «Педагог – студент» добавлена и включена")
    await curator.press("⚙️ Кто участвует и как")
    listing = await curator.wait_for_bot_message("Кто участвует в каждой форме")
    # An own form that has said nothing yet reads as teachers and pupils.
    assert "Педагог – студент: педагоги → ученики" in listing.text, listing.text
    await curator.press("⚙️ Педагог – студент")
    await curator.wait_for_bot_message("Форма «Педагог – студент»\nНаставники: педагоги")
    pressed = await curator.press("Наставляемые: студенты")
    shown = await curator.wait_for_bot_message("Наставляемые: студенты\n")
    assert "Наставники: педагоги" in shown.text
    assert "Сохранено для формы «Педагог – студент»" in await answered(tg, curator, pressed)
    # Teachers are its mentors already: pressing it again changes nothing, and says so.
    pressed = await curator.press("● Наставники: педагоги")
    assert "ничего не изменилось" in await answered(tg, curator, pressed)
    college = ids["college"]
    assert form_profile(db, college, "own_1") == (None, "student", "regular", 1)

    # Another organization's curator cannot change it: their college has no such form.
    await other_curator.send_text("/forms")
    other_forms = await other_curator.wait_for_bot_message("Формы наставничества")
    pressed = await other_curator.press_data("fp1e:own_1:pupil", other_forms.message_id)
    assert "нет такой формы" in await answered(tg, other_curator, pressed)
    # A forged kind does not parse: an outdated button, nothing changes.
    pressed = await curator.press_data("fp1e:own_1:dragon", shown.message_id)
    assert await answered(tg, curator, pressed)
    assert form_profile(db, college, "own_1") == (None, "student", "regular", 1)
    # A participant who is no curator cannot press it either (checked below, after joining).

    mentor_token = await make_link(curator, "Для наставников")
    mentee_token = await make_link(curator, "Для наставляемых")

    # -- the teacher: one consent, one questionnaire, two forms with their own questions -----
    await join_as_adult(anna, mentor_token)
    await fill_questionnaire(anna, db, answers=ANNA_ANSWERS)
    # «Вопрос N из M» never grows, though choosing two forms adds their own questions.
    progress = [re.search(r"Вопрос (\d+) из (\d+)", m.text) for m in anna.bot_messages()]
    totals = {int(found.group(2)) for found in progress if found}
    assert len(totals) == 1, totals
    headings = [m.text for m in anna.bot_messages() if m.text.startswith("Форма «")]
    assert any("Форма «Учитель – учитель»" in t and "Сколько наставляемых" in t for t in headings)
    assert any("Форма «Педагог – студент»" in t and "Сколько наставляемых" in t for t in headings)
    assert any("Форма «Педагог – студент»" in t and "с какого возраста" in t for t in headings)
    # Teachers are adults of any age: no age question for «Учитель – учитель» (the federal
    # «педагог – педагог», which keeps its title).
    assert not any("Форма «Учитель – учитель»" in t and "возраст" in t for t in headings)
    summary = anna.last_bot_message().text
    assert "Формы наставничества" in summary and "Педагог – студент" in summary, summary
    await send_questionnaire(anna)
    anna_id = participant_id(db, ANNA)
    answers = dict(
        query(db, "SELECT question, value FROM answers WHERE participant_id = ?", (anna_id,))
    )
    assert json.loads(str(answers["form"]))["choices"] == ["teacher_teacher", "own_1"]
    assert (answers["cap_teacher_teacher"], answers["cap_own_1"]) == ("1", "3")
    assert (answers["agelo_own_1"], answers["agehi_own_1"]) == ("16", "25")
    assert "capacity" not in answers and "mentee_age_from" not in answers
    assert query(db, "SELECT count(*) FROM consents WHERE participant_id = ?", (anna_id,)) == [(1,)]
    await until(anna, lambda: bool(monitoring_forms(db, ANNA)))
    assert monitoring_forms(db, ANNA) == ["monitoring_teacher"]

    # A mentor (no curator) pressing a form profile's button is refused; nothing changes.
    pressed = await anna.press_data("fp1m:own_1:pupil", anna.last_bot_message().message_id)
    assert "куратор" in await answered(tg, anna, pressed)
    assert form_profile(db, college, "own_1") == (None, "student", "regular", 1)

    # -- the mentees: a young teacher in «Педагог – педагог», a student in «Педагог – студент» --
    await join_as_adult(yulia, mentee_token)
    await fill_questionnaire(yulia, db, answers=YULIA_ANSWERS)
    await send_questionnaire(yulia)
    await join_as_adult(ilya, mentee_token)
    await fill_questionnaire(ilya, db, answers=ILYA_ANSWERS)
    asked = "\n".join(m.text for m in ilya.bot_messages())
    assert "Ваш курс и специальность" in asked
    assert "В каком вы классе" not in asked and "школьн" not in asked.lower()
    await send_questionnaire(ilya)

    # The student gets the students' survey, never the school one; the young teacher the
    # teachers'.
    first = await ilya.wait_for_bot_message("Короткий опрос об учёбе", after=0)
    assert "школ" not in first.text.lower(), first.text
    await until(yulia, lambda: bool(monitoring_forms(db, YULIA)))
    assert monitoring_forms(db, ILYA) == ["monitoring_student"]
    assert monitoring_forms(db, YULIA) == ["monitoring_teacher"]

    # -- the curator admits the teacher and approves a pair in each form ----------------------
    await curator.send_text("/curator")
    await curator.wait_for_bot_message("Рабочее место куратора")
    await curator.press("Отбор наставников")
    await curator.wait_for_bot_message("Отбор наставников")
    await curator.press("Соколова Анна Петровна")
    card = await curator.wait_for_bot_message("Формы наставничества:")
    assert "• Учитель – учитель; наставляемых не более: 1" in card.text, card.text
    assert "• Педагог – студент; наставляемых не более: 3" in card.text, card.text
    await curator.press("Допустить")
    await curator.wait_for_bot_message("Статус: допущен")

    await curator.send_text("/matching")
    await curator.wait_for_bot_message("Формирование пар и групп")
    await curator.press("Запустить подбор")
    await curator.wait_for_bot_message("Показано 2 из 2")
    for mentee, chat in (("Белова Юлия Сергеевна", yulia), ("Лебедев Илья Андреевич", ilya)):
        proposal = next(m for m in curator.bot_messages() if mentee in m.text and m.buttons)
        assert "Соколова Анна Петровна" in proposal.text, proposal.text
        await curator.press("Утвердить", message_id=proposal.message_id)
        await curator.wait_for_bot_message("Утверждено: пара создана")
        await chat.wait_for_bot_message("ваш наставник — Соколова Анна Петровна", after=0)
        await anna.wait_for_bot_message(f"ваш наставляемый — {mentee}", after=0)

    pairs = query(
        db,
        "SELECT p.telegram_id, q.form FROM pairs q JOIN participants p ON p.id = q.mentee_id "
        "JOIN participants m ON m.id = q.mentor_id WHERE m.telegram_id = ? AND q.ended_on IS NULL "
        "ORDER BY p.telegram_id",
        (ANNA,),
    )
    assert pairs == [(YULIA, "teacher_teacher"), (ILYA, "own_1")]
