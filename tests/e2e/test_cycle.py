"""A whole cycle in the real bot process, on a clock the test moves (:mod:`tests.e2e.clocked`).

Two pairs, from the invitations to the final poll: the four people of the pairs are seeded
through the same services the chat uses (joining through the chat is covered by
``test_joining``), a fifth person joins through an invitation link in the chat and later
withdraws. The curator forms the pairs in the chat; the working meetings of March are written
directly, the rest goes through the chat: closing the cycle, the final meetings, "did the
meeting take place?", the final polls, /stats with its chart and /export with its workbook.

The organization is in Chita (UTC+9).
"""

from __future__ import annotations

import io
import json
import sqlite3
import struct
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from bot.app import build_services
from bot.clock import to_db
from bot.config import Settings
from dialogs.final_poll import FINAL_MENTEE, FINAL_MENTOR
from dialogs.model import QuestionKind, Questionnaire
from handlers.responses import FormPick
from storage.database import Database
from storage.migrations import migrate
from storage.repositories.invitations import InvitationRole
from tests.clock import ManualClock
from tests.cohort import choices, mentee_answers, mentor_answers, seed_ready
from tests.e2e.participants import fill_questionnaire, join_as_adult, query
from tests.e2e.process import BotProcess, run_cli
from tests.fake_telegram import ChatMessage, FakeTelegram, FakeUser
from tests.test_export import APPENDIX_2_2, APPENDIX_2_3, every_value, rows

CURATOR, OTHER_CURATOR = 555, 556
OLGA, PAVEL, MASHA, PETYA, DARIA = 101, 102, 201, 202, 301
SCHOOL, OTHER_SCHOOL = "Школа № 12", "Лицей № 3"
DARIA_NAME = "Кузнецова Дарья Андреевна"  # what fill_questionnaire types as the full name

# The people were seeded on Friday 27 February 2026 (12:00 in Chita).
SEEDED = datetime(2026, 2, 27, 3, 0, tzinfo=UTC)
# Monday 2 March, 11:00 in Chita: the curator forms the pairs.
PAIRING = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
# Monday 6 April, 10:00 in Chita: the curator closes the cycle.
CLOSING = datetime(2026, 4, 6, 1, 0, tzinfo=UTC)
# The final meetings on Wednesday 8 April: Olga at 15:00, Pavel at 16:00 in Chita; each lasts
# 60 minutes and "did the meeting take place?" comes 30 minutes later: by 08:30 UTC for both.
AFTER_FINALS = datetime(2026, 4, 8, 8, 31, tzinfo=UTC)
LINK = "https://meet.example/school-12"

TICK = 15.0  # the follow-up tick runs every 5 s of real time; allow for a slow machine
# The cycle tick runs every 60 s of real time: completion and the polls wait for it.
CYCLE_TICK = 80.0

FINAL_POLL_TITLE = "Программа завершается: ваше мнение"
THANKS = "Спасибо! Ваши ответы сохранены."


async def seed(database: Path) -> dict[str, Any]:
    """Two schools with their curators; four people ready to be paired, an invitation link."""
    db = Database(database)
    await db.connect()
    try:
        await migrate(db)
        clock = ManualClock(SEEDED)
        services = build_services(Settings(_env_file=None), db, clock)  # type: ignore[call-arg]
        org = await services.organizations.create(SCHOOL, "Asia/Chita")
        other = await services.organizations.create(OTHER_SCHOOL, "Europe/Moscow")
        await services.organizations.add_curator(org.id, CURATOR)
        await services.organizations.add_curator(other.id, OTHER_CURATOR)
        invitation = await services.invitations.create(org.id, InvitationRole.MENTOR, CURATOR)

        async def ready(telegram_id: int, role: str, answers: dict[str, Any]) -> int:
            return await seed_ready(services, db, clock.now(), org.id, telegram_id, role, answers)

        return {
            "org": org.id,
            "other": other.id,
            "token": invitation.token,
            "olga": await ready(OLGA, "mentor", mentor_answers("Ольга Викторовна")),
            "pavel": await ready(PAVEL, "mentor", mentor_answers(
                "Павел Андреевич", competencies=choices("career_choice"),
                interests=choices("sport"), contact="+7 900 222-33-44")),
            "masha": await ready(MASHA, "mentee", mentee_answers("Маша Иванова")),
            "petya": await ready(PETYA, "mentee", mentee_answers(
                "Петя Сидоров", birth="2010-09-15", request=choices("career_choice"),
                interests=choices("sport"))),
        }  # fmt: skip
    finally:
        await db.close()


@pytest.fixture
async def clocked(
    tg: FakeTelegram, tmp_path: Path
) -> AsyncIterator[tuple[BotProcess, dict[str, Any]]]:
    process = BotProcess(tg, tmp_path, clocked=True, start_time=PAIRING, SHUTDOWN_GRACE_SECONDS="1")
    process.database.parent.mkdir(parents=True, exist_ok=True)
    ids = await seed(process.database)
    await process.start()
    yield process, ids
    if process.process is not None and process.process.returncode is None:
        assert await process.stop() == 0, process.log()
    assert "Traceback" not in process.log(), process.log()


# -- steps -----------------------------------------------------------------------------------------
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
        card = next(m for m in curator.bot_messages() if mentee in m.text and m.buttons)
        await curator.press("Утвердить", message_id=card.message_id)
        await curator.wait_for_bot_message("Утверждено: пара создана")
        await mentor.wait_for_bot_message(f"ваш наставляемый — {mentee}", after=0)


def write_march_meetings(database: Path, pairs: dict[str, int], ids: dict[str, Any]) -> None:
    """The pairs' working meetings of March, with the feedback given after them.

    Olga–Masha: acquaintance, trial, planning, all held; both gave feedback after the first.
    Pavel–Petya: acquaintance held (only Pavel gave feedback), a trial that did not happen,
    the trial again, held.
    """
    plan = [
        ("olga", "acquaintance", "held", datetime(2026, 3, 5, 6, tzinfo=UTC), ("olga", "masha")),
        ("olga", "trial", "held", datetime(2026, 3, 12, 6, tzinfo=UTC), ()),
        ("olga", "planning", "held", datetime(2026, 3, 19, 6, tzinfo=UTC), ()),
        ("pavel", "acquaintance", "held", datetime(2026, 3, 6, 7, tzinfo=UTC), ("pavel",)),
        ("pavel", "trial", "missed", datetime(2026, 3, 13, 7, tzinfo=UTC), ()),
        ("pavel", "trial", "held", datetime(2026, 3, 20, 7, tzinfo=UTC), ()),
    ]
    answers = json.dumps({"usefulness": 5, "went_well": "Разобрали задачи"}, ensure_ascii=False)
    with sqlite3.connect(database, timeout=10) as conn:
        for mentor, kind, status, at, feedback_from in plan:
            cursor = conn.execute(
                "INSERT INTO meetings (pair_id, kind, status, starts_at, meeting_format, place, "
                "proposed_by, created_at) VALUES (?, ?, ?, ?, 'online', ?, ?, ?)",
                (pairs[mentor], kind, status, to_db(at), LINK, ids[mentor], to_db(at)),
            )
            for who in feedback_from:
                done = to_db(at + timedelta(hours=2))
                conn.execute(
                    "INSERT INTO responses (form, participant_id, subject, meeting_id, answers, "
                    "started_at, updated_at, completed_at) VALUES ('meeting_feedback', ?, ?, ?, "
                    "?, ?, ?, ?)",
                    (ids[who], f"meeting:{cursor.lastrowid}", cursor.lastrowid, answers, done,
                     done, done),
                )  # fmt: skip


async def propose_final(mentor: FakeUser, mentee: FakeUser, hour: str) -> None:
    """The mentor answers the request for the final meeting: Wednesday 8 April, online."""
    request = await mentor.wait_for_bot_message("время заключительной встречи", after=0)
    await mentor.press("Предложить заключительную встречу", message_id=request.message_id)
    calendar = await mentor.wait_for_bot_message("Выберите день встречи")
    await mentor.press("8", message_id=calendar.message_id)
    await mentor.wait_for_bot_message("во сколько")
    await mentor.press(hour, message_id=calendar.message_id)
    await mentor.wait_for_bot_message("Как будете встречаться")
    await mentor.press("Онлайн", message_id=calendar.message_id)
    await mentor.wait_for_bot_message("ссылку")
    await mentor.send_text(LINK)
    offer = await mentee.wait_for_bot_message("предлагает встречу", after=0)
    assert "Заключительная встреча, 8 апреля 2026" in offer.text, offer.text
    assert hour in offer.text, offer.text
    await mentee.press("Подтвердить", message_id=offer.message_id)
    await mentee.wait_for_bot_message("Встреча подтверждена")


def form_button(message: ChatMessage, key: str, action: str, value: str = "") -> str:
    """The callback data of a form's button (``rs1``) for this question, action and value."""
    for data in message.button_data.values():
        if data is None or not data.startswith(FormPick.__prefix__ + ":"):
            continue
        pick = FormPick.unpack(data)
        if pick.k == key and pick.a == action and pick.v == value:
            return data
    raise AssertionError(f"no button {key}/{action}/{value} in:\n{message.describe()}")


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


# -- the test ----------------------------------------------------------------------------------
async def test_a_cycle_from_invitations_to_the_final_poll_stats_and_export(
    tg: FakeTelegram, clocked: tuple[BotProcess, dict[str, Any]], tmp_path: Path
) -> None:
    bot, ids = clocked
    curator, other_curator = tg.user(CURATOR, "Куратор"), tg.user(OTHER_CURATOR, "Чужой куратор")
    olga, pavel = tg.user(OLGA, "Ольга"), tg.user(PAVEL, "Павел")
    masha, petya = tg.user(MASHA, "Маша"), tg.user(PETYA, "Петя")
    daria = tg.user(DARIA, "Дарья")

    # A fifth person joins through the invitation link in the chat: consent, questionnaire.
    await join_as_adult(daria, ids["token"])
    await fill_questionnaire(daria, bot.database)
    await daria.press("Всё верно, отправить")
    await daria.wait_for_bot_message("анкета сохранена и передана куратору")

    # The curator forms the two pairs in the chat; the March meetings are written directly.
    await form_pairs(curator, olga, pavel)
    mentors_of = {ids["olga"]: "olga", ids["pavel"]: "pavel"}
    pairs = {
        mentors_of[mentor]: int(str(pair))
        for mentor, pair in query(bot.database, "SELECT mentor_id, id FROM pairs")
    }
    assert set(pairs) == {"olga", "pavel"}, pairs
    write_march_meetings(bot.database, pairs, ids)

    # April: the curator closes the cycle; the confirmation says whom it affects.
    bot.set_time(CLOSING)
    await curator.send_text("/closecycle")
    ask = await curator.wait_for_bot_message("Завершить цикл № 1?")
    assert "2 работающих пар" in ask.text and "4 человека" in ask.text, ask.text
    assert query(bot.database, "SELECT closing_since FROM cycles WHERE organization_id = ?",
                 (ids["org"],)) == [(None,)]  # fmt: skip
    await curator.press("Да, завершить цикл", message_id=ask.message_id)
    await curator.wait_for_bot_message("Цикл завершается")

    # Each mentor proposes the final meeting; the mentee confirms.
    await propose_final(olga, masha, "15:00")
    await propose_final(pavel, petya, "16:00")
    finals = query(bot.database, "SELECT pair_id, kind, status FROM meetings "
                   "WHERE kind = 'final' ORDER BY pair_id")  # fmt: skip
    assert sorted(finals) == sorted(
        [(pairs["olga"], "final", "confirmed"), (pairs["pavel"], "final", "confirmed")]
    )

    # After the meetings each side is asked whether it took place; the mentors say yes.
    bot.set_time(AFTER_FINALS)
    for mentor in (olga, pavel):
        await mentor.press("✅ Да, встретились", timeout=TICK)
    await tg.wait_until(
        lambda: query(bot.database, "SELECT count(*) FROM meetings WHERE kind = 'final' "
                      "AND status = 'held'") == [(2,)], TICK,
    )  # fmt: skip

    # While the cycle's tick is still to come: the administrator's command-line export shows
    # the fifth person in the mentor base (her questionnaire is confirmed) ...
    before = tmp_path / "before.xlsx"
    code, _, stderr = await run_cli(
        "export", "--org", str(ids["org"]), "--out", str(before), cwd=tmp_path,
        DATABASE_PATH=str(bot.database),
    )  # fmt: skip
    assert code == 0, stderr
    book = load_workbook(before)
    assert list(rows(book, "База наставников")[0]) == APPENDIX_2_2
    assert DARIA_NAME in [row[0] for row in rows(book, "База наставников")[1:]]
    # ... then she withdraws her consent in the chat, and her data is deleted.
    await daria.send_text("/revoke")
    await daria.press("Да, отозвать и удалить")
    await tg.wait_until(
        lambda: query(bot.database, "SELECT count(*) FROM participants WHERE telegram_id = ?",
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
    theirs = await other_curator.wait_for_bot_message("Статистика текущего цикла")
    assert OTHER_SCHOOL in theirs.text and SCHOOL not in theirs.text, theirs.text
    assert "Все формы: приглашено 0," in theirs.text, theirs.text
    assert sent_files(masha, "document") == sent_files(masha, "photo") == []
    assert sent_files(other_curator, "document") == []

    # The cycle's tick completes both pairs (their final meetings were held) and everyone
    # gets the final poll, answered in the chat.
    await answer_final_poll(masha, FINAL_MENTEE, {
        "satisfaction": 9, "contact": 10, "usefulness": 8, "goal_reached": "yes",
        "recommend": True, "most_useful": "Подготовка к олимпиаде", "improve": None,
        "become_mentor": True,
    }, timeout=CYCLE_TICK)  # fmt: skip
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
    assert sorted(query(bot.database, "SELECT id, completed, ended_on FROM pairs")) == sorted(
        [(pairs["olga"], 1, "2026-04-08"), (pairs["pavel"], 1, "2026-04-08")]
    )

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
    stats = await curator.wait_for_bot_message("Статистика текущего цикла")
    text = stats.text
    assert SCHOOL in text, text
    # Four people (Daria withdrew and is deleted): all consented (the children's parents),
    # all questionnaires confirmed, all matched; both pairs completed, so none in pairs now.
    assert (
        "Все формы: приглашено 4, дали согласие 4, заполнили анкету 4, подобрана пара 4, "
        "сейчас в парах 0, завершили цикл 4" in text
    ), text
    # Held: 3 of Olga's pair + 2 of Pavel's in March + the 2 final ones = 7; planned adds the
    # trial that did not happen = 8. Feedback: 3 forms (both after Olga's first meeting, Pavel
    # after his first), expected 2 per held meeting = 14.
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
    photo = await curator.wait_for_bot_message("Каждый показатель в сравнении")
    assert photo.kind == "photo" and photo.file is not None, photo.describe()
    width, height = png_size(photo.file.content)
    assert width > 0 and height > 0

    # /export: the workbook with the registers of appendices 2.2 and 2.3.
    await curator.send_text("/export")
    await curator.wait_for_bot_message("Готовлю файл Excel")
    await tg.wait_until(lambda: bool(sent_files(curator, "document")), 30.0)
    document = sent_files(curator, "document")[-1]
    assert document.file is not None and document.file.filename.endswith(".xlsx")
    book = load_workbook(io.BytesIO(document.file.content))
    mentors = rows(book, "База наставников")
    mentees = rows(book, "База наставляемых")
    assert list(mentors[0]) == APPENDIX_2_2 and list(mentees[0]) == APPENDIX_2_3
    joined, ended = datetime(2026, 2, 27), datetime(2026, 4, 8)
    by_mentor = {row[0]: row for row in mentors[1:]}
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
    for mentee_name, mentor_name, year in (
        ("Маша Иванова", "Ольга Викторовна", 2012), ("Петя Сидоров", "Павел Андреевич", 2010)
    ):  # fmt: skip
        row = by_mentee[mentee_name]
        assert row[2] == "Мама (законный представитель), +7 900 111-22-33", row
        assert (row[3], row[5], row[6], row[9]) == (year, joined, mentor_name, ended), row
        assert row[12] == "программа пройдена", row
    # The one who withdrew appears in no sheet at all.
    assert DARIA_NAME not in every_value(book) and "Дарья" not in every_value(book)
