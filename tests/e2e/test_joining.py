"""Joining the programme through the real bot process: what people see, what the database holds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.e2e.participants import (
    CURATOR,
    current_question,
    fill_questionnaire,
    guardian_link,
    join_as_adult,
    join_as_minor,
    query,
    seed,
)
from tests.e2e.process import BotProcess
from tests.fake_telegram import FakeTelegram


@pytest.fixture
async def seeded_bot(tg: FakeTelegram, tmp_path: Path):  # type: ignore[no-untyped-def]
    process = BotProcess(tg, tmp_path)
    process.database.parent.mkdir(parents=True, exist_ok=True)
    seeded = await seed(process.database)
    await process.start()
    yield process, seeded
    if process.process is not None and process.process.returncode is None:
        assert await process.stop() == 0, process.log()
    assert "Traceback" not in process.log(), process.log()
    check_invariants(process.database)


def check_invariants(database: Path) -> None:
    """No answer without a valid consent; no child's answer without a representative's."""
    orphans = query(
        database,
        "SELECT a.participant_id, a.question FROM answers a JOIN participants p "
        "ON p.id = a.participant_id WHERE NOT EXISTS (SELECT 1 FROM consents c "
        "WHERE c.participant_id = p.id AND c.kind = "
        "CASE p.age_group WHEN 'child' THEN 'representative' ELSE 'self' END)",
    )
    assert orphans == []
    assert query(database, "SELECT count(*) FROM answers WHERE participant_id NOT IN "
                           "(SELECT id FROM participants)") == [(0,)]  # fmt: skip


async def test_an_adult_mentor_joins_from_a_link(tg: FakeTelegram, seeded_bot) -> None:  # type: ignore[no-untyped-def]
    bot, seeded = seeded_bot
    olga = tg.user(3001, "Ольга")
    await olga.send_text(f"/start {seeded.mentor_token}")
    await olga.wait_for_bot_message("Сначала скажите, сколько вам лет?")
    await olga.press("Мне 18 лет или больше")
    consent = await olga.wait_for_bot_message("Согласие на обработку персональных данных")
    assert consent.text.startswith("Согласие на обработку персональных данных")
    assert "Школа № 7" in consent.text
    await olga.press("Согласен(на)")
    await olga.wait_for_bot_message("Вопрос 1 из")
    await fill_questionnaire(olga, bot.database)
    await olga.press("Всё верно, отправить")
    await olga.wait_for_bot_message("анкета сохранена и передана куратору")
    assert query(bot.database, "SELECT role, confirmed_at IS NOT NULL FROM participants") == [
        ("mentor", 1)
    ]
    await olga.send_text("/profile")
    profile = await olga.wait_for_bot_message("Кузнецова Дарья Андреевна")
    assert "анкета заполнена" in profile.text


async def test_a_twelve_year_old_and_her_mother(tg: FakeTelegram, seeded_bot) -> None:  # type: ignore[no-untyped-def]
    bot, seeded = seeded_bot
    masha = tg.user(3002, "Маша")
    mother = tg.user(3003, "Елена")
    curator = tg.user(CURATOR, "Куратор")
    await join_as_minor(masha, seeded.mentee_token, "12.03.2014")
    await masha.wait_for_bot_message("?start=")
    assert query(bot.database, "SELECT count(*) FROM answers") == [(0,)]
    await curator.send_text("/candidates")
    waiting = await curator.wait_for_bot_message("Наставляемые")
    assert "ждём согласия родителя (законного представителя): 1" in waiting.text

    await mother.send_text(f"/start {guardian_link(masha)}")
    await mother.wait_for_bot_message("дата рождения 12.03.2014; имя в Telegram: Маша")
    await mother.send_text("Смирнова Елена Викторовна")
    await mother.wait_for_bot_message("фамилию, имя и отчество ребёнка")
    await mother.send_text("Смирнова Мария Игоревна")
    await mother.wait_for_bot_message("Кем вы приходитесь ребёнку?")
    await mother.press("Мать")
    await mother.wait_for_bot_message("отправьте свой номер телефона")
    await mother.send_contact("79145550011")
    consent = await mother.wait_for_bot_message("Согласие законного представителя")
    assert "Смирнова Елена Викторовна" in consent.text
    assert "моего ребёнка (подопечного): Смирнова Мария Игоревна" in consent.text
    await mother.press("Согласен(на)")
    await mother.wait_for_bot_message("Согласие записано")
    await masha.wait_for_bot_message("дал согласие", after=0)

    await masha.send_text("/start")
    await masha.wait_for_bot_message("Вопрос 1 из")
    await fill_questionnaire(masha, bot.database, adult=False)
    await masha.press("Всё верно, отправить")
    await masha.wait_for_bot_message("анкета сохранена")
    given_by = query(bot.database, "SELECT kind, given_by FROM consents")
    assert given_by == [("representative", mother.id)]


async def test_a_sixteen_year_old_before_the_parent(tg: FakeTelegram, seeded_bot) -> None:  # type: ignore[no-untyped-def]
    bot, seeded = seeded_bot
    ivan = tg.user(3004, "Ваня")
    await join_as_minor(ivan, seeded.mentee_token, "5 января 2010")
    await ivan.wait_for_bot_message("Согласие на обработку")
    await ivan.press("Согласен(на)")
    await ivan.wait_for_bot_message("Вопрос 1 из")
    assert "?start=" in "\n".join(m.text for m in ivan.bot_messages())
    await fill_questionnaire(ivan, bot.database, adult=False)
    await ivan.press("Всё верно, отправить")
    await ivan.wait_for_bot_message(
        "как только твой родитель или законный представитель даст согласие"
    )
    assert query(bot.database, "SELECT kind FROM consents") == [("self",)]


async def test_a_participant_who_declines(tg: FakeTelegram, seeded_bot) -> None:  # type: ignore[no-untyped-def]
    bot, seeded = seeded_bot
    user = tg.user(3005, "Пётр")
    await user.send_text(f"/start {seeded.mentor_token}")
    await user.wait_for_bot_message("сколько вам лет")
    await user.press("Мне 18 лет или больше")
    await user.wait_for_bot_message("Согласие на обработку")
    await user.press("Не согласен(на)")
    await user.wait_for_bot_message("это ваше право")
    assert query(bot.database, "SELECT count(*) FROM participants") == [(0,)]
    assert query(bot.database, "SELECT role, event FROM consent_events") == [("mentor", "declined")]


async def test_a_participant_who_withdraws(tg: FakeTelegram, seeded_bot) -> None:  # type: ignore[no-untyped-def]
    bot, seeded = seeded_bot
    user = tg.user(3006, "Анна")
    curator = tg.user(CURATOR, "Куратор")
    await join_as_adult(user, seeded.mentor_token)
    await fill_questionnaire(user, bot.database)
    await user.press("Всё верно, отправить")
    await user.wait_for_bot_message("анкета сохранена")

    await user.send_text("/mydata")
    document = await user.wait_for_bot_message("Ваши данные в формате JSON")
    assert document.file is not None
    exported = json.loads(document.file.content)
    assert exported["participations"][0]["answers"]["full_name"] == "Кузнецова Дарья Андреевна"

    await user.send_text("/revoke")
    await user.wait_for_bot_message("Вы уверены?")
    await user.press("Да, отозвать и удалить")
    await user.wait_for_bot_message("Согласие отозвано")
    told = await curator.wait_for_bot_message("отозвал(а) согласие", after=0)
    assert "Кузнецова Дарья Андреевна" in told.text
    for table in ("participants", "answers", "consents", "guardian_requests", "users"):
        assert query(bot.database, f"SELECT count(*) FROM {table}") == [(0,)], table
    everything = query(bot.database, "SELECT storage_key || coalesce(data, '') FROM fsm_records")
    assert not [row for row in everything if "3006" in str(row)]


async def test_restart_in_the_middle_of_the_questionnaire(tg: FakeTelegram, seeded_bot) -> None:  # type: ignore[no-untyped-def]
    bot, seeded = seeded_bot
    user = tg.user(3007, "Игорь")
    await join_as_adult(user, seeded.mentor_token)
    await user.send_text("Орлов Игорь Сергеевич")
    await user.wait_for_bot_message("Вопрос 2 из")
    _, _, key = current_question(bot.database, user.id)
    await bot.settle()
    await bot.kill()
    await bot.start()
    # The text answer goes to the same question after the restart; the first answer is kept.
    await fill_questionnaire(user, bot.database)
    answers = dict(query(bot.database, "SELECT question, value FROM answers"))
    assert json.loads(str(answers["full_name"])) == "Орлов Игорь Сергеевич"
    assert key in answers


async def test_revoked_forged_and_malformed_invitations(tg: FakeTelegram, seeded_bot) -> None:  # type: ignore[no-untyped-def]
    bot, seeded = seeded_bot
    query(bot.database, "SELECT 1")
    import sqlite3

    with sqlite3.connect(bot.database) as conn:
        conn.execute("UPDATE invitations SET revoked_at = created_at "
                     "WHERE token = ?", (seeded.mentee_token,))  # fmt: skip
    user = tg.user(3008, "Гость")
    await user.send_text(f"/start {seeded.mentee_token}")
    await user.wait_for_bot_message("отозвана куратором")
    await user.send_text("/start AbCdEfGhIjKlMnOpQrStUvWxYz012345")
    await user.wait_for_bot_message("Приглашение по этой ссылке не найдено")
    await user.send_text("/start ../../etc/passwd")
    await user.wait_for_bot_message("ссылка повреждена")
    assert query(bot.database, "SELECT count(*) FROM participants") == [(0,)]


async def test_a_pupil_cannot_act_as_curator(tg: FakeTelegram, seeded_bot) -> None:  # type: ignore[no-untyped-def]
    bot, _ = seeded_bot
    pupil = tg.user(3009, "Школьник")
    links_before = query(bot.database, "SELECT count(*), max(revoked_at) FROM invitations")
    for command in ("/invite", "/links", "/forms", "/candidates"):
        await pupil.send_text(command)
        refusal = await pupil.wait_for_bot_message()
        assert "куратор" in refusal.text.lower(), refusal.text
    await pupil.press_data("cur1:revoke:1", pupil.last_bot_message().message_id)
    await tg.wait_until(lambda: len(pupil.callback_answers) == 1)
    assert query(bot.database, "SELECT count(*), max(revoked_at) FROM invitations") == links_before
