"""A whole cycle in the real bot process, on a clock the test moves (:mod:`tests.e2e.clocked`).

Two pairs, from the invitations to the final poll, through the chat. Only the two schools and
their curators are seeded. The curator makes a link for mentors and one for mentees with
/invite; through them join, as people in the chat: two mentors (Olga, Pavel) and two mentees
(Masha, 13, whose mother consents first; Petya, 15, who consents himself and whose father
consents after his questionnaire), each with consent and the questionnaire; Olga and Masha
answer the monitoring "before" that comes right after the questionnaire, Pavel answers part
of it, Petya none. Three more people join by the links: Daria (a mentor who later withdraws),
Igor (a mentor who stops after his first answer) and Vika (12, whose parent never consents).

The curator admits the mentors and approves the two pairs in the chat; each pair agrees on
its acquaintance meeting in the chat, says it took place and gives feedback. The rest of the
March meetings are written directly. Then the chat again: closing the cycle, the final
meetings, "did the meeting take place?", the monitoring "after" and the final polls, /stats
with its chart and its monitoring view, and /export with its workbook.

The organization is in Chita (UTC+9).
"""

from __future__ import annotations

import io
import re
import sqlite3
import struct
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from bot.clock import to_db
from bot.config import Settings
from bot.followups import Answer
from bot.wiring import build_services
from dialogs.feedback import MEETING_FEEDBACK
from dialogs.final_poll import FINAL_MENTEE, FINAL_MENTOR
from dialogs.model import QuestionKind, Questionnaire
from dialogs.monitoring import MONITORING_PUPIL, MONITORING_STUDENT
from handlers.followups import FollowupAnswer
from handlers.response_views import FormPick
from storage.database import Database
from storage.migrations import migrate
from tests.clock import ManualClock
from tests.e2e.participants import (
    fill_questionnaire,
    guardian_link,
    join_as_adult,
    join_as_minor,
    press_data,
    query,
)
from tests.e2e.participants import (
    user_until as until,
)
from tests.e2e.process import BotProcess, clocked_bot, run_cli
from tests.fake_telegram import ChatMessage, FakeTelegram, FakeUser
from tests.test_export import APPENDIX_2_2, APPENDIX_2_3, every_value, rows

CURATOR, OTHER_CURATOR = 555, 556
OLGA, PAVEL, MASHA, PETYA = 101, 102, 201, 202
MASHA_MOTHER, PETYA_FATHER = 211, 212
DARIA, IGOR, VIKA = 301, 302, 303
SCHOOL, OTHER_SCHOOL = "Школа № 12", "Лицей № 3"
DARIA_NAME = "Кузнецова Дарья Андреевна"  # what fill_questionnaire types as the full name
IGOR_NAME = "Орлов Игорь Сергеевич"
MASHA_MOTHER_NAME, PETYA_FATHER_NAME = "Иванова Елена Сергеевна", "Сидоров Андрей Петрович"
LINK_RE = re.compile(r"\?start=([A-Za-z0-9_-]{16,64})")

# Everybody joins on Friday 27 February 2026 (12:00 in Chita).
JOINING = datetime(2026, 2, 27, 3, 0, tzinfo=UTC)
# Monday 2 March, 11:00 in Chita: the curator forms the pairs, the mentors propose meetings.
PAIRING = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
# The acquaintance meetings: Olga's on Thursday 5 March at 15:00, Pavel's on Friday 6 March at
# 16:00 in Chita; each lasts 60 minutes and "did it take place?" comes 30 minutes later:
# 07:30 UTC on the 5th and 08:30 UTC on the 6th.
AFTER_ACQUAINTANCE = datetime(2026, 3, 6, 8, 31, tzinfo=UTC)
# Monday 6 April, 10:00 in Chita: the curator closes the cycle.
CLOSING = datetime(2026, 4, 6, 1, 0, tzinfo=UTC)
# The final meetings on Wednesday 8 April: Olga at 15:00, Pavel at 16:00 in Chita: by 08:30 UTC
# both are asked whether they took place.
AFTER_FINALS = datetime(2026, 4, 8, 8, 31, tzinfo=UTC)
LINK = "https://meet.example/school-12"

TICK = 15.0  # the follow-up tick runs every 5 s of real time; allow for a slow machine
# The cycle tick runs every 60 s of real time: completion and the polls wait for it.
CYCLE_TICK = 80.0

FINAL_POLL_TITLE = "Программа завершается: ваше мнение"
THANKS = "ответы сохранены."  # «Ваши» to adults, «Твои» to minors


def choices(*values: str) -> list[str]:
    return list(values)


# The questionnaires as typed and pressed in the chat (option values, not labels).
OLGA_ANSWERS: dict[str, object] = {
    "full_name": "Ольга Викторовна", "contact": "+7 900 000-00-00",
    "birth_year": "1979", "workplace_org": "Школа № 5", "workplace_position": "учитель математики",
    "competencies": choices("olympiads", "exams"),
    "achievements": None, "interests": choices("chess", "robotics"), "mentee_age_from": 10,
    "mentee_age_to": 18, "capacity": 1, "time_resource": "hours_2",
    "days": choices("tue", "thu"), "times": choices("after_lessons"), "meeting_format": "either",
    "form": choices("student_pupil"), "experience": "some", "motivation": "Хочу помогать",
}  # fmt: skip
PAVEL_ANSWERS = OLGA_ANSWERS | {
    "full_name": "Павел Андреевич", "contact": "+7 900 222-33-44",
    "competencies": choices("career_choice"), "interests": choices("sport"),
}  # fmt: skip
MASHA_ANSWERS: dict[str, object] = {
    "full_name": "Маша Иванова", "birth_date": "01.05.2012",
    "parent_contact": "+7 900 111-22-33", "category": "pupil", "class_course": "8 «Б»",
    "request": choices("olympiads"), "interests": choices("chess"), "days": choices("tue"),
    "times": choices("after_lessons"), "meeting_format": "online", "form": "student_pupil",
}  # fmt: skip
PETYA_ANSWERS = MASHA_ANSWERS | {
    "full_name": "Петя Сидоров", "birth_date": "15.09.2010",
    "parent_contact": "+7 900 333-44-55", "request": choices("career_choice"),
    "interests": choices("sport"),
}  # fmt: skip

# The monitoring of pupils, and of students (the mentors of "student – pupil": a student never
# gets the school survey), 1 to 5 each.
MONITORING_KEYS = [q.key for q in MONITORING_PUPIL.questions]
STUDENT_KEYS = [q.key for q in MONITORING_STUDENT.questions]
MASHA_BEFORE = dict(zip(MONITORING_KEYS, (2, 3, 2, 3, 4, 1, 3, 4), strict=True))
OLGA_BEFORE = dict(zip(STUDENT_KEYS, (4, 4, 3, 4, 2, 4, 4, 5), strict=True))
MASHA_AFTER = dict(zip(MONITORING_KEYS, (4, 4, 3, 4, 2, 3, 4, 5), strict=True))
OLGA_AFTER = dict(zip(STUDENT_KEYS, (5, 4, 4, 4, 1, 4, 5, 5), strict=True))
# Pavel answers the first three questions only and leaves the form: it does not count.
PAVEL_PART = dict(zip(STUDENT_KEYS[:3], (5, 5, 5), strict=True))


async def seed(database: Path) -> dict[str, Any]:
    """Two schools with their curators; everything else happens in the chat."""
    db = Database(database)
    await db.connect()
    try:
        await migrate(db)
        services = build_services(Settings(_env_file=None), db, ManualClock(JOINING))  # type: ignore[call-arg]
        org = await services.organizations.create(SCHOOL, "Asia/Chita")
        other = await services.organizations.create(OTHER_SCHOOL, "Europe/Moscow")
        await services.organizations.add_curator(org.id, CURATOR)
        await services.organizations.add_curator(other.id, OTHER_CURATOR)
        return {"org": org.id, "other": other.id}
    finally:
        await db.close()


@pytest.fixture
async def clocked(
    tg: FakeTelegram, tmp_path: Path
) -> AsyncIterator[tuple[BotProcess, dict[str, Any]]]:
    async with clocked_bot(tg, tmp_path, JOINING, seed) as running:
        yield running


# -- small helpers ---------------------------------------------------------------------------------
def participant_id(database: Path, telegram_id: int) -> int:
    found = query(database, "SELECT id FROM participants WHERE telegram_id = ?", (telegram_id,))
    assert len(found) == 1, found
    return int(str(found[0][0]))


def form_button(message: ChatMessage, key: str, action: str, value: str = "") -> str:
    """The callback data of a form's button (``rs1``) for this question, action and value."""
    for data in message.button_data.values():
        if data is None or not data.startswith(FormPick.__prefix__ + ":"):
            continue
        pick = FormPick.unpack(data)
        if pick.k == key and pick.a == action and pick.v == value:
            return data
    raise AssertionError(f"no button {key}/{action}/{value} in:\n{message.describe()}")


# -- steps -----------------------------------------------------------------------------------------
async def make_link(curator: FakeUser, role_button: str) -> str:
    """/invite in the chat: a link without limits for mentors or mentees; its token."""
    await curator.send_text("/invite")
    await curator.wait_for_bot_message("для кого ссылка-приглашение?")
    await curator.press(role_button)
    await curator.wait_for_bot_message("Ограничить срок или число использований?")
    await curator.press("Без ограничений")
    ready = await curator.wait_for_bot_message("Ссылка-приглашение для")
    found = LINK_RE.search(ready.text)
    assert found is not None, ready.text
    return found.group(1)


async def send_questionnaire(user: FakeUser) -> None:
    """Send the questionnaire and start the monitoring "before" it offers with «Начать»."""
    await user.press("Всё верно, отправить")
    await user.wait_for_bot_message("анкета сохранена")
    await user.press("Начать")


async def parent_consents(
    parent: FakeUser, child: FakeUser, name: str, relation: str, child_name: str
) -> None:
    """The parent opens the child's link, gives their name, the child's and the relation, and
    consents."""
    await parent.send_text(f"/start {guardian_link(child)}")
    await parent.wait_for_bot_message(f"имя в Telegram: {child.first_name}")
    await parent.send_text(name)
    await parent.wait_for_bot_message("фамилию, имя и отчество ребёнка")
    await parent.send_text(child_name)
    await parent.wait_for_bot_message("Кем вы приходитесь ребёнку?")
    await parent.press(relation)
    # Telegram's contact button: the parent's own number, which the curator checks.
    await parent.wait_for_bot_message("отправьте свой номер телефона")
    await parent.send_contact(f"7914{parent.id:07d}")
    await parent.wait_for_bot_message("Согласие законного представителя")
    await parent.press("Согласен(на)")
    await parent.wait_for_bot_message("Согласие записано")


async def check_representatives(curator: FakeUser, children: tuple[str, ...]) -> None:
    """The curator confirms the children's representatives against the school's records."""
    await curator.send_text("/candidates")
    listing = await curator.wait_for_bot_message("Наставляемые")
    await curator.press(
        f"Ожидают проверки куратором: {len(children)}", message_id=listing.message_id
    )
    waiting = await curator.wait_for_bot_message("сверьте ФИО и телефон")
    for child in children:
        await curator.press(child, message_id=waiting.message_id)
        card = await curator.wait_for_bot_message(f"{child} — наставляемый")
        await curator.press("Подтвердить: совпадает с данными школы", message_id=card.message_id)
        await curator.wait_for_bot_message(f"законный представитель ребёнка ({child}) проверен")


def response_ids(database: Path, telegram_id: int, form: str, subject_glob: str) -> list[int]:
    found = query(
        database,
        "SELECT r.id FROM responses r JOIN participants p ON p.id = r.participant_id "
        "WHERE p.telegram_id = ? AND r.form = ? AND r.subject GLOB ? ORDER BY r.id",
        (telegram_id, form, subject_glob),
    )
    return [int(str(row[0])) for row in found]


def monitoring(database: Path, subject_glob: str) -> list[tuple[object, ...]]:
    """Who has a monitoring response of these subjects, and whether it is completed."""
    return sorted(
        query(
            database,
            "SELECT p.telegram_id, r.completed_at IS NOT NULL FROM responses r JOIN participants "
            "p ON p.id = r.participant_id WHERE r.form GLOB 'monitoring_*' AND r.subject GLOB ?",
            (subject_glob,),
        )
    )


def form_question(user: FakeUser, response_id: int) -> tuple[ChatMessage, str] | None:
    """The newest message of this response's form with buttons, and its question key."""
    prefix = f"{FormPick.__prefix__}:{response_id}:"
    for message in reversed(user.bot_messages()):
        for data in message.button_data.values():
            if data and data.startswith(prefix):
                return message, FormPick.unpack(data).k
    return None


async def answer_form(
    user: FakeUser,
    database: Path,
    form: Questionnaire,
    subject_glob: str,
    answers: dict[str, Any],
    *,
    timeout: float = 10.0,
) -> ChatMessage:
    """Answer a short form (monitoring, feedback) in the chat: a number or a choice by its
    button, None by «Skip», text typed; the form is left where ``answers`` ends. Returns the
    first question's message (with the form's heading)."""
    await until(user, lambda: bool(response_ids(database, user.id, form.key, subject_glob)),
                timeout)  # fmt: skip
    (rid,) = response_ids(database, user.id, form.key, subject_glob)
    first: ChatMessage | None = None
    for number, question in enumerate(form.questions, 1):
        if question.key not in answers:
            assert first is not None
            return first
        await until(user, lambda key=question.key: (form_question(user, rid) or (None, ""))[1]
                    == key, timeout)  # fmt: skip
        shown = (form_question(user, rid) or (None, ""))[0]
        assert shown is not None
        first = first or shown
        assert f"Вопрос {number} из {len(form.questions)}" in shown.text, user.transcript()
        value = answers[question.key]
        if value is None:
            await user.press_data(form_button(shown, question.key, "s"), shown.message_id)
        elif question.kind in (QuestionKind.SCALE, QuestionKind.SINGLE_CHOICE):
            picked = str(value)
            await user.press_data(form_button(shown, question.key, "p", picked), shown.message_id)
        else:
            assert question.kind == QuestionKind.LONG_TEXT, question
            await user.send_text(value)
    await user.wait_for_bot_message(THANKS)
    assert first is not None
    return first


async def form_pairs(curator: FakeUser, olga: FakeUser, pavel: FakeUser) -> None:
    """The curator admits both mentors and approves the two pairs the matching proposes."""
    await curator.send_text("/curator")
    await curator.wait_for_bot_message("Рабочее место куратора")
    await curator.press("Отбор наставников")
    await curator.wait_for_bot_message("Отбор наставников")
    for name in ("Ольга Викторовна", "Павел Андреевич"):
        await curator.press(name)
        await curator.wait_for_bot_message(name)
        await curator.press("Допустить")
        await curator.wait_for_bot_message("Статус: допущен")
        await curator.press("← К списку")
        await curator.wait_for_bot_message("Отбор наставников")
    await curator.send_text("/matching")
    await curator.wait_for_bot_message("Формирование пар и групп")
    await curator.press("Запустить подбор")
    await curator.wait_for_bot_message("Показано 2 из 2")
    for mentee, mentor in (("Маша Иванова", olga), ("Петя Сидоров", pavel)):
        # The newest: /candidates before named them too, with its own button.
        card = next(m for m in reversed(curator.bot_messages()) if mentee in m.text and m.buttons)
        await curator.press("Утвердить", message_id=card.message_id)
        await curator.wait_for_bot_message("Утверждено: пара создана")
        await mentor.wait_for_bot_message(f"ваш наставляемый — {mentee}", after=0)


async def propose_first(mentor: FakeUser, mentee: FakeUser, day: str, hour: str) -> None:
    """The mentor proposes the acquaintance meeting in March, online; the mentee confirms."""
    mark = mentee.mark
    await mentor.send_text("/meetings")
    await mentor.wait_for_bot_message("пока не запланирована")
    await mentor.press("Предложить встречу")
    offer = await pick_online(mentor, mentee, day, hour, mark)
    assert f"{day} марта 2026" in offer.text, offer.text
    await confirm_offer(mentee, offer)


async def propose_final(mentor: FakeUser, mentee: FakeUser, hour: str) -> None:
    """The mentor answers the request for the final meeting: Wednesday 8 April, online."""
    mark = mentee.mark
    request = await mentor.wait_for_bot_message("время заключительной встречи", after=0)
    await mentor.press("Предложить заключительную встречу", message_id=request.message_id)
    offer = await pick_online(mentor, mentee, "8", hour, mark)
    assert "Заключительная встреча, 8 апреля 2026" in offer.text, offer.text
    await confirm_offer(mentee, offer)


async def pick_online(
    mentor: FakeUser, mentee: FakeUser, day: str, hour: str, mark: int
) -> ChatMessage:
    """From the open calendar: the day, the hour, online with the link; returns the offer the
    mentee got."""
    calendar = await mentor.wait_for_bot_message("Выберите день встречи")
    await mentor.press(day, message_id=calendar.message_id)
    await mentor.wait_for_bot_message("во сколько")
    await mentor.press(hour, message_id=calendar.message_id)
    await mentor.wait_for_bot_message("Как будете встречаться")
    await mentor.press("Онлайн", message_id=calendar.message_id)
    await mentor.wait_for_bot_message("ссылку")
    await mentor.send_text(LINK)
    offer = await mentee.wait_for_bot_message("предлагает встречу", after=mark)
    assert hour in offer.text, offer.text
    return offer


async def confirm_offer(mentee: FakeUser, offer: ChatMessage) -> None:
    await mentee.press("Подтвердить", message_id=offer.message_id)
    await mentee.wait_for_bot_message("Встреча подтверждена")


def meeting_of(database: Path, pair_id: int, kind: str) -> int:
    found = query(database, "SELECT id FROM meetings WHERE pair_id = ? AND kind = ?",
                  (pair_id, kind))  # fmt: skip
    assert len(found) == 1, found
    return int(str(found[0][0]))


def held(meeting_id: int) -> str:
    return FollowupAnswer(meeting_id=meeting_id, answer=Answer.HELD.value).pack()


def write_march_meetings(database: Path, pairs: dict[str, int], mentors: dict[str, int]) -> None:
    """The pairs' working meetings of March after the acquaintance, without feedback.

    Olga–Masha: trial and planning, both held. Pavel–Petya: a trial that did not happen, the
    trial again, held.
    """
    plan = [
        ("olga", "trial", "held", datetime(2026, 3, 12, 6, tzinfo=UTC)),
        ("olga", "planning", "held", datetime(2026, 3, 19, 6, tzinfo=UTC)),
        ("pavel", "trial", "missed", datetime(2026, 3, 13, 7, tzinfo=UTC)),
        ("pavel", "trial", "held", datetime(2026, 3, 20, 7, tzinfo=UTC)),
    ]
    with sqlite3.connect(database, timeout=10) as conn:
        for mentor, kind, status, at in plan:
            conn.execute(
                "INSERT INTO meetings (pair_id, kind, status, starts_at, meeting_format, place, "
                "proposed_by, created_at) VALUES (?, ?, ?, ?, 'online', ?, ?, ?)",
                (pairs[mentor], kind, status, to_db(at), LINK, mentors[mentor], to_db(at)),
            )


async def answer_final_poll(
    user: FakeUser, form: Questionnaire, answers: dict[str, Any], *, timeout: float
) -> None:
    """Answer the final poll in the chat, question by question: buttons and typing."""
    total = len(form.questions)
    shown = await user.wait_for_bot_message(FINAL_POLL_TITLE, after=0, timeout=timeout)
    for number, question in enumerate(form.questions, 1):
        assert f"Вопрос {number} из {total}" in shown.text, user.transcript()
        value = answers.get(question.key)
        if value is None:
            await user.press_data(form_button(shown, question.key, "s"), shown.message_id)
        elif question.kind in (QuestionKind.SCALE, QuestionKind.YES_NO):
            picked = str(value) if not isinstance(value, bool) else ("yes" if value else "no")
            await user.press_data(form_button(shown, question.key, "p", picked), shown.message_id)
        elif question.kind == QuestionKind.SINGLE_CHOICE:
            await user.press_data(form_button(shown, question.key, "p", value), shown.message_id)
        else:
            assert question.kind == QuestionKind.LONG_TEXT, question
            await user.send_text(value)
        if number < total:
            shown = await user.wait_for_bot_message(f"Вопрос {number + 1} из {total}")
    await user.wait_for_bot_message(THANKS)


def png_size(content: bytes) -> tuple[int, int]:
    """Width and height from the IHDR chunk of a PNG (which must come first)."""
    assert content[:8] == b"\x89PNG\r\n\x1a\n", content[:16]
    length, kind = struct.unpack(">I4s", content[8:16])
    assert kind == b"IHDR" and length == 13
    width, height = struct.unpack(">II", content[16:24])
    return width, height


def sent_files(user: FakeUser, kind: str) -> list[ChatMessage]:
    return [m for m in user.bot_messages() if m.kind == kind]


def workbooks(user: FakeUser) -> list[ChatMessage]:
    return [
        m for m in sent_files(user, "document")
        if m.file is not None and m.file.filename.endswith(".xlsx")
    ]  # fmt: skip


def monitoring_lines(text: str, label_ru: str, label_en: str) -> list[str]:
    """The report's lines of one parameter (its label in either language, as the catalogs
    may lag behind)."""
    return [
        line for line in text.splitlines()
        if line.startswith("•") and (f" {label_ru}:" in line or f" {label_en}:" in line)
    ]  # fmt: skip


# -- the test ----------------------------------------------------------------------------------
async def test_a_cycle_from_invitations_to_the_final_poll_stats_and_export(
    tg: FakeTelegram, clocked: tuple[BotProcess, dict[str, Any]], tmp_path: Path
) -> None:
    bot, ids = clocked
    db = bot.database
    curator, other_curator = tg.user(CURATOR, "Куратор"), tg.user(OTHER_CURATOR, "Чужой куратор")
    olga, pavel = tg.user(OLGA, "Ольга"), tg.user(PAVEL, "Павел")
    masha, petya = tg.user(MASHA, "Маша"), tg.user(PETYA, "Петя")
    mother, father = tg.user(MASHA_MOTHER, "Елена"), tg.user(PETYA_FATHER, "Андрей")
    daria, igor, vika = tg.user(DARIA, "Дарья"), tg.user(IGOR, "Игорь"), tg.user(VIKA, "Вика")

    # -- 27 February: the curator makes the links; everybody joins through them ------------------
    mentor_token = await make_link(curator, "Для наставников")
    mentee_token = await make_link(curator, "Для наставляемых")
    assert query(db, "SELECT role, max_uses, expires_at FROM invitations ORDER BY id") == [
        ("mentor", None, None), ("mentee", None, None)
    ]  # fmt: skip

    # The mentors: consent, the questionnaire, and the monitoring "before" right after it.
    # Olga answers all of it; Pavel the first three questions only.
    for mentor, answers in ((olga, OLGA_ANSWERS), (pavel, PAVEL_ANSWERS)):
        await join_as_adult(mentor, mentor_token)
        await fill_questionnaire(mentor, db, answers=answers)
        await send_questionnaire(mentor)
    first = await answer_form(olga, db, MONITORING_STUDENT, "before:*", OLGA_BEFORE)
    assert "Короткий опрос об учёбе" in first.text or "A short survey" in first.text, first.text
    await answer_form(pavel, db, MONITORING_STUDENT, "before:*", PAVEL_PART)

    # Masha is 13: her mother consents before she may answer anything.
    await join_as_minor(masha, mentee_token, "01.05.2012")
    await masha.wait_for_bot_message("?start=")
    await parent_consents(mother, masha, MASHA_MOTHER_NAME, "Мать", "Иванова Мария Олеговна")
    await masha.wait_for_bot_message("дал согласие", after=0)
    await masha.send_text("/start")
    await masha.wait_for_bot_message("Вопрос 1 из")
    await fill_questionnaire(masha, db, adult=False, answers=MASHA_ANSWERS)
    await send_questionnaire(masha)
    await answer_form(masha, db, MONITORING_PUPIL, "before:*", MASHA_BEFORE)

    # Petya is 15: he consents himself, and his father after the questionnaire. He leaves the
    # monitoring "before" unanswered.
    await join_as_minor(petya, mentee_token, "15.09.2010")
    await petya.wait_for_bot_message("Согласие на обработку")
    await petya.press("Согласен(на)")
    await petya.wait_for_bot_message("Вопрос 1 из")
    await fill_questionnaire(petya, db, adult=False, answers=PETYA_ANSWERS)
    await send_questionnaire(petya)
    await until(petya, lambda: bool(response_ids(db, PETYA, MONITORING_PUPIL.key, "before:*")))
    await parent_consents(father, petya, PETYA_FATHER_NAME, "Отец", "Сидоров Пётр Андреевич")

    # Daria, a mentor: consent and questionnaire (she withdraws later). Igor, a mentor, stops
    # after his name. Vika is 12 and her parent never opens her link.
    await join_as_adult(daria, mentor_token)
    await fill_questionnaire(daria, db)
    await send_questionnaire(daria)
    await join_as_adult(igor, mentor_token)
    await igor.send_text(IGOR_NAME)
    await igor.wait_for_bot_message("Вопрос 2 из")
    await join_as_minor(vika, mentee_token, "10.10.2013")
    await vika.wait_for_bot_message("?start=")

    people = {name: participant_id(db, chat) for name, chat in
              (("olga", OLGA), ("pavel", PAVEL), ("masha", MASHA), ("petya", PETYA))}  # fmt: skip
    # The monitoring "before": completed by Olga and Masha only (Pavel's stays open, Petya's
    # and Daria's unanswered); Igor and Vika have no questionnaire confirmed, so none.
    assert monitoring(db, "before:*") == [
        (OLGA, 1), (PAVEL, 0), (MASHA, 1), (PETYA, 0), (DARIA, 0)
    ]  # fmt: skip

    # -- 2 March: the curator forms the two pairs in the chat ---------------------------------
    bot.set_time(PAIRING)
    await check_representatives(curator, ("Иванова Мария Олеговна", "Сидоров Пётр Андреевич"))
    await form_pairs(curator, olga, pavel)
    mentors_of = {people["olga"]: "olga", people["pavel"]: "pavel"}
    pairs = {
        mentors_of[int(str(mentor))]: int(str(pair))
        for mentor, pair in query(db, "SELECT mentor_id, id FROM pairs")
    }
    assert set(pairs) == {"olga", "pavel"}, pairs
    assert sorted(query(db, "SELECT mentor_id, mentee_id FROM pairs")) == sorted(
        [(people["olga"], people["masha"]), (people["pavel"], people["petya"])]
    )

    # Each pair agrees on its acquaintance meeting in the chat.
    await propose_first(olga, masha, "5", "15:00")
    await propose_first(pavel, petya, "6", "16:00")
    acquaintance = {name: meeting_of(db, pair, "acquaintance") for name, pair in pairs.items()}
    assert sorted(query(db, "SELECT kind, status FROM meetings")) == [
        ("acquaintance", "confirmed"), ("acquaintance", "confirmed")
    ]  # fmt: skip

    # Both meetings are over: Olga and Masha say it took place and give feedback; Pavel says
    # so and gives feedback, Petya does not answer.
    bot.set_time(AFTER_ACQUAINTANCE)
    for user, meeting in ((olga, "olga"), (masha, "olga"), (pavel, "pavel")):
        await press_data(user, held(acquaintance[meeting]), TICK)
    feedback = {"usefulness": 5, "worked_on": None, "went_well": "Разобрали задачи",
                "to_change": None, "comment": None}  # fmt: skip
    for user, meeting in ((olga, "olga"), (masha, "olga"), (pavel, "pavel")):
        await answer_form(user, db, MEETING_FEEDBACK, f"meeting:{acquaintance[meeting]}", feedback)
    assert sorted(query(db, "SELECT kind, status FROM meetings")) == [
        ("acquaintance", "held"), ("acquaintance", "held")
    ]  # fmt: skip
    write_march_meetings(db, pairs, {"olga": people["olga"], "pavel": people["pavel"]})

    # -- April: the curator closes the cycle; the confirmation says whom it affects -----------
    bot.set_time(CLOSING)
    await curator.send_text("/closecycle")
    ask = await curator.wait_for_bot_message("Завершить цикл № 1?")
    assert "2 работающих пар" in ask.text and "4 человека" in ask.text, ask.text
    assert query(db, "SELECT closing_since FROM cycles WHERE organization_id = ?",
                 (ids["org"],)) == [(None,)]  # fmt: skip
    await curator.press("Да, завершить цикл", message_id=ask.message_id)
    await curator.wait_for_bot_message("Цикл завершается")

    # Each mentor proposes the final meeting; the mentee confirms.
    await propose_final(olga, masha, "15:00")
    await propose_final(pavel, petya, "16:00")
    finals = query(db, "SELECT pair_id, kind, status FROM meetings "
                   "WHERE kind = 'final' ORDER BY pair_id")  # fmt: skip
    assert sorted(finals) == sorted(
        [(pairs["olga"], "final", "confirmed"), (pairs["pavel"], "final", "confirmed")]
    )

    # After the meetings each side is asked whether it took place; the mentors say yes.
    bot.set_time(AFTER_FINALS)
    for mentor, name in ((olga, "olga"), (pavel, "pavel")):
        await press_data(mentor, held(meeting_of(db, pairs[name], "final")), TICK)
    await tg.wait_until(
        lambda: query(db, "SELECT count(*) FROM meetings WHERE kind = 'final' "
                      "AND status = 'held'") == [(2,)], TICK,
    )  # fmt: skip

    # While the cycle's tick is still to come: the administrator's command-line export shows
    # the withdrawing mentor in the mentor base (her questionnaire is confirmed) ...
    before = tmp_path / "before.xlsx"
    code, _, stderr = await run_cli(
        "export", "--org", str(ids["org"]), "--out", str(before), cwd=tmp_path,
        DATABASE_PATH=str(db),
    )  # fmt: skip
    assert code == 0, stderr
    book = load_workbook(before)
    assert list(rows(book, "База наставников")[0]) == APPENDIX_2_2
    assert DARIA_NAME in [row[0] for row in rows(book, "База наставников")[1:]]
    # ... then she withdraws her consent in the chat, and her data is deleted.
    await daria.send_text("/revoke")
    await daria.press("Да, отозвать и удалить")
    await tg.wait_until(
        lambda: query(db, "SELECT count(*) FROM participants WHERE telegram_id = ?",
                      (DARIA,)) == [(0,)], TICK,
    )  # fmt: skip

    # A pupil and the curator of another school get neither the statistics nor the workbook.
    await masha.send_text("/stats")
    await masha.wait_for_bot_message("Статистика доступна куратору организации")
    await masha.send_text("/export")
    await masha.wait_for_bot_message("Это может сделать только куратор организации")
    await other_curator.send_text(f"/export {ids['org']}")
    await other_curator.wait_for_bot_message("Выгрузить можно только данные организации")
    await other_curator.send_text("/stats")
    theirs = await other_curator.wait_for_bot_message("Статистика: ")
    assert OTHER_SCHOOL in theirs.text and SCHOOL not in theirs.text, theirs.text
    assert "Все формы: приглашено 0," in theirs.text, theirs.text
    assert sent_files(masha, "document") == sent_files(masha, "photo") == []
    assert sent_files(other_curator, "document") == []

    # The cycle's tick completes both pairs (their final meetings were held). Those who
    # completed the monitoring "before" (Olga, Masha) get it again "after", then everyone gets
    # the final poll; all answered in the chat.
    await answer_form(masha, db, MONITORING_PUPIL, "after:*", MASHA_AFTER, timeout=CYCLE_TICK)
    await answer_form(olga, db, MONITORING_STUDENT, "after:*", OLGA_AFTER, timeout=TICK)
    await answer_final_poll(masha, FINAL_MENTEE, {
        "satisfaction": 9, "contact": 10, "usefulness": 8, "goal_reached": "yes",
        "recommend": True, "most_useful": "Подготовка к олимпиаде", "improve": None,
        "become_mentor": True,
    }, timeout=TICK)  # fmt: skip
    await answer_final_poll(petya, FINAL_MENTEE, {
        "satisfaction": 5, "contact": 6, "usefulness": 5, "goal_reached": "partly",
        "recommend": False, "most_useful": "Разговоры о профессиях",
        "improve": "Чаще встречаться", "become_mentor": False,
    }, timeout=TICK)  # fmt: skip
    await answer_final_poll(olga, FINAL_MENTOR, {
        "satisfaction": 10, "organization": 9, "progress": 8, "recommend": True,
        "most_useful": "Видеть, как растёт ученица", "hardest": None, "support_lacked": None,
        "improve": None, "continue": True,
    }, timeout=TICK)  # fmt: skip
    await answer_final_poll(pavel, FINAL_MENTOR, {
        "satisfaction": 7, "organization": 6, "progress": 7, "recommend": True,
        "most_useful": "Разговоры о профессиях", "hardest": "Найти время",
        "support_lacked": None, "improve": "Меньше бумаг", "continue": False,
    }, timeout=TICK)  # fmt: skip
    assert sorted(query(db, "SELECT id, completed, ended_on FROM pairs")) == sorted(
        [(pairs["olga"], 1, "2026-04-08"), (pairs["pavel"], 1, "2026-04-08")]
    )
    # Nobody else was asked the monitoring "after".
    assert monitoring(db, "after:*") == [(OLGA, 1), (MASHA, 1)]

    # Masha wants to mentor next time, Olga continues: both are in the long-term mentor base.
    await curator.send_text("/cycle")
    await curator.wait_for_bot_message("Цикл № 1")
    await curator.press("База наставников")
    base = await curator.wait_for_bot_message("Долгосрочная база наставников")
    assert "Долгосрочная база наставников: 2" in base.text, base.text
    assert "Ольга Викторовна — продолжает как наставник" in base.text, base.text
    assert "Маша Иванова — бывший наставляемый, хочет стать наставником" in base.text, base.text
    assert "Павел" not in base.text and "Петя" not in base.text, base.text

    # /stats: the figures counted by hand from the scenario above.
    await curator.send_text("/stats")
    stats = await curator.wait_for_bot_message("Статистика: ")
    text = stats.text
    assert SCHOOL in text, text
    # Invited: everybody who opened a link and is still here: Olga, Pavel, Masha, Petya, Igor,
    # Vika = 6 (Daria withdrew and is deleted). Consented: 5, all but Vika, a child whose
    # parent never consented (Masha's mother, Petya himself). Questionnaire done: the four of
    # the pairs (Igor stopped after his name). Matched: those 4; both pairs completed, so none
    # in pairs now and 4 completed the cycle.
    assert (
        "Все формы: приглашено 6, дали согласие 5, заполнили анкету 4, подобрана пара 4, "
        "сейчас в парах 0, завершили цикл 4" in text
    ), text
    # Held: the 2 acquaintance meetings (in the chat) + Olga's trial and planning + Pavel's
    # second trial in March + the 2 final ones = 7; planned adds the trial that did not happen
    # = 8. Feedback: 3 forms (Olga and Masha after their acquaintance, Pavel after his),
    # expected 2 per held meeting = 14.
    assert "Проведено встреч: 7 из 8" in text, text
    assert "Форм обратной связи после встреч: 3 из 14" in text, text
    # Satisfied (7 or more of 10): mentees Masha 9 and Petya 5 -> 1 of 2; mentors 10 and 7 ->
    # 2 of 2.
    assert "Удовлетворённые наставляемые: " in text and "(1 из 2)" in text, text
    assert "Удовлетворённые наставники: " in text and "(2 из 2)" in text, text
    # Involvement: both mentees are 10-19 (13 and 15 on the day they joined); the school has
    # not entered its numbers of pupils, so the count is shown with the request to enter them.
    assert (
        "Дети 10–19 лет, вошедшие в программу в роли наставляемых: 2; введите общее число" in text
    ), text
    photo = await curator.wait_for_bot_message("каждый показатель в сравнении")
    assert photo.kind == "photo" and photo.file is not None, photo.describe()
    width, height = png_size(photo.file.content)
    assert width > 0 and height > 0
    # By form: "student – pupil", the only form anybody chose, has the four of the pairs; Igor
    # and Vika never reached the question of the form, so they count under all forms only.
    everything = "\n".join(
        m.text for m in curator.bot_messages() if stats.version <= m.version < photo.version
    )
    assert (
        "приглашено 4, дали согласие 4, заполнили анкету 4, подобрана пара 4, сейчас в парах 0, "
        "завершили цикл 4" in everything.split("\nСтудент – ученик\n", 1)[1]
    ), everything

    # The monitoring, before and after: only Olga and Masha answered both times (Pavel's
    # partial "before" does not count). Masha answered the pupils' survey, Olga (a mentor in
    # "student – pupil") the students'. Pupils' engagement: Masha 2 -> 4 (+2.0); students'
    # engagement in studies: Olga 4 -> 5 (+1.0); anxiety, in both surveys: Masha 4 -> 2, Olga
    # 2 -> 1; the understanding of the own future (pupils'): Masha 1 -> 3; of the future
    # profession (students'): Olga 4 -> 4. Each line is there twice: for all forms and for
    # "student – pupil", the only form.
    mark = curator.mark
    await curator.press("Мониторинг: до и после")
    report = await curator.wait_for_bot_message("→", after=mark)
    expected = {
        ("Вовлечённость в учёбу", "Engagement in learning"): ["2,0 → 4,0 (+2,0)"],
        ("Вовлечённость в обучение", "Engagement in studies"): ["4,0 → 5,0 (+1,0)"],
        ("Личностная тревожность", "Personal anxiety"): ["4,0 → 2,0 (-2,0)", "2,0 → 1,0 (-1,0)"],
        ("Понимание своего будущего", "Understanding of own future"): ["1,0 → 3,0 (+2,0)"],
    }
    for (label_ru, label_en), figures in expected.items():
        lines = monitoring_lines(report.text, label_ru, label_en)
        assert len(lines) == 2 * len(figures), (label_en, report.text)
        for line in lines:
            assert any(f in line for f in figures) and line.endswith(": 1"), (line, report.text)

    # /export: the workbook with the registers of appendices 2.2 and 2.3.
    # The period is chosen first: the current cycle.
    await curator.send_text("/export")
    await curator.wait_for_bot_message("За какой период?")
    await curator.press("Цикл 1, текущий")
    await curator.wait_for_bot_message("Готовлю файл Excel")
    # (The curator's earlier documents are the two invitation posters.)
    await tg.wait_until(lambda: bool(workbooks(curator)), 30.0)
    (document,) = workbooks(curator)
    assert document.file is not None
    book = load_workbook(io.BytesIO(document.file.content))
    mentors = rows(book, "База наставников")
    mentees = rows(book, "База наставляемых")
    assert list(mentors[0]) == APPENDIX_2_2 and list(mentees[0]) == APPENDIX_2_3
    joined, ended = datetime(2026, 2, 27), datetime(2026, 4, 8)
    by_mentor = {row[0]: row for row in mentors[1:]}
    # Igor's questionnaire is not confirmed: he is in no register.
    assert set(by_mentor) == {"Ольга Викторовна", "Павел Андреевич"}, mentors
    for mentor_name, mentee_name in (
        ("Ольга Викторовна", "Маша Иванова"),
        ("Павел Андреевич", "Петя Сидоров"),
    ):
        row = by_mentor[mentor_name]
        assert row[8] == joined and row[9] == mentee_name and row[12] == ended, row
        assert row[10] == "Студент – ученик", row
    assert by_mentor["Павел Андреевич"][1] == "+7 900 222-33-44"
    by_mentee = {row[1]: row for row in mentees[1:]}
    assert set(by_mentee) == {"Маша Иванова", "Петя Сидоров"}, mentees
    assert sorted(row[0] for row in mentees[1:]) == [1, 2]
    for mentee_name, mentor_name, year, parent in (
        ("Маша Иванова", "Ольга Викторовна", 2012,
         f"{MASHA_MOTHER_NAME} (законный представитель), +7914{MASHA_MOTHER:07d}, "
         "+7 900 111-22-33"),
        ("Петя Сидоров", "Павел Андреевич", 2010,
         f"{PETYA_FATHER_NAME} (законный представитель), +7914{PETYA_FATHER:07d}, "
         "+7 900 333-44-55"),
    ):  # fmt: skip
        row = by_mentee[mentee_name]
        assert row[2] == parent, row
        assert (row[3], row[5], row[6], row[9]) == (year, joined, mentor_name, ended), row
        assert row[12] == "программа пройдена", row
    # The one who withdrew appears in no sheet at all.
    assert DARIA_NAME not in every_value(book) and "Дарья" not in every_value(book)

    # What people said in the final polls, one row per answer; and each mentor's figures.
    said = {(row[4], row[6]): row[7] for row in rows(book, "Отзывы участников")[1:]}
    assert said[("Маша Иванова", "Самое полезное")] == "Подготовка к олимпиаде", said
    assert said[("Маша Иванова", "Цель достигнута")] == "Да", said
    assert said[("Петя Сидоров", "Цель достигнута")] == "Частично", said
    assert said[("Петя Сидоров", "Что улучшить")] == "Чаще встречаться", said
    assert said[("Павел Андреевич", "Самое трудное")] == "Найти время", said
    assert said[("Павел Андреевич", "Что улучшить")] == "Меньше бумаг", said
    assert len(said) == 9, said  # with the goals: Маша 2, Петя 3; Ольга 1, Павел 3
    totals = {row[0]: row for row in rows(book, "Наставники — итоги")[1:]}
    # Held: Olga's acquaintance, trial, planning and final; Pavel's acquaintance, second
    # trial and final. Usefulness: Masha's 5 after the acquaintance meeting; each mentor's own
    # 5 after theirs. Satisfaction: Masha 9 for Olga, Petya 5 for Pavel.
    assert totals["Ольга Викторовна"][1:] == (4, 1, 5, 1, 5, 1, 1, 1, 1, 9, 1), totals
    assert totals["Павел Андреевич"][1:] == (3, 1, None, 0, 5, 1, 1, 1, 1, 5, 1), totals

    # The same words in the chat: /voices, the current cycle, three to a page.
    await curator.send_text("/voices")
    voices = await curator.wait_for_bot_message("Отзывы участников")
    assert "Наставляемые достигли цели: да — 1, частично — 1, нет — 0." in voices.text, voices.text
    assert "Страница 1 из 2." in voices.text, voices.text
    first_page = voices.text  # the page is edited in place by «Далее»
    # In the order the polls were answered (the test answers them at once, so any order):
    # three answers on the first page, the fourth on the second, each once.
    await curator.press("Далее ›")
    second = await curator.wait_for_bot_message("Страница 2 из 2.")
    said_in_chat = ("Подготовка к олимпиаде", "Чаще встречаться", "Меньше бумаг")
    for words in said_in_chat:
        assert (words in first_page) != (words in second.text), (words, first_page, second.text)

    # -- After the cycle Pavel withdraws: his data goes, Petya's completed programme stays ---
    history = query(db, "SELECT id, kind, status FROM meetings WHERE pair_id = ? ORDER BY id",
                    (pairs["pavel"],))  # fmt: skip
    await pavel.send_text("/revoke")
    await pavel.press("Да, отозвать и удалить")
    await tg.wait_until(
        lambda: query(db, "SELECT count(*) FROM participants WHERE telegram_id = ?",
                      (PAVEL,)) == [(0,)], TICK,
    )  # fmt: skip
    await curator.wait_for_bot_message("Павел Андреевич (наставник) отозвал(а) согласие")
    # The pair stays completed with his side empty, with every meeting; Petya's final poll
    # stays; nothing of Pavel (his chat id, his participant id) is left.
    assert query(db, "SELECT mentor_id, mentee_id, completed, ended_on FROM pairs WHERE id = ?",
                 (pairs["pavel"],)) == [(None, people["petya"], 1, "2026-04-08")]  # fmt: skip
    assert query(db, "SELECT id, kind, status FROM meetings WHERE pair_id = ? ORDER BY id",
                 (pairs["pavel"],)) == history  # fmt: skip
    assert query(
        db,
        "SELECT form FROM responses WHERE participant_id = ? AND completed_at "
        "IS NOT NULL AND form = 'final_mentee'",
        (people["petya"],),
    ) == [("final_mentee",)]
    for table, column in (
        ("pairs", "mentor_id"),
        ("meetings", "proposed_by"),
        ("responses", "participant_id"),
        ("followups", "participant_id"),
        ("answers", "participant_id"),
        ("consents", "participant_id"),
        ("cycle_deliveries", "participant_id"),
        ("mentor_base", "participant_id"),
    ):
        assert query(
            db, f"SELECT count(*) FROM {table} WHERE {column} = ?", (people["pavel"],)
        ) == [(0,)], table
    for table in ("reminders", "followups", "users", "outbox", "participants"):
        assert query(db, f"SELECT count(*) FROM {table} WHERE telegram_id = ?", (PAVEL,)) == [
            (0,)
        ], table
    # The next workbook: Petya in the mentee register with the placeholder and the mark of
    # completing; Pavel in no register and in no sheet.
    await curator.send_text("/export")
    menu = await curator.wait_for_bot_message("За какой период?")
    await curator.press("Цикл 1, текущий", message_id=menu.message_id)
    await tg.wait_until(lambda: len(workbooks(curator)) == 2, 30.0)
    document = workbooks(curator)[-1]
    assert document.file is not None
    book = load_workbook(io.BytesIO(document.file.content))
    assert [row[0] for row in rows(book, "База наставников")[1:]] == ["Ольга Викторовна"]
    petya_row = next(row for row in rows(book, "База наставляемых")[1:] if row[1] == "Петя Сидоров")
    assert petya_row[6] == "участник отозвал согласие" and not petya_row[8], petya_row
    assert (petya_row[9], petya_row[12]) == (ended, "программа пройдена"), petya_row
    assert "Павел" not in every_value(book) and "+7 900 222-33-44" not in every_value(book)
