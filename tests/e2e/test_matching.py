"""The curator forms pairs through the real bot process: admit, match, explain, approve."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from bot.clock import SystemClock
from bot.config import Settings
from bot.wiring import build_services
from storage.database import Database
from storage.migrations import migrate
from tests.cohort import choice, choices, mentee_answers, mentor_answers, seed_ready
from tests.e2e.participants import query
from tests.e2e.process import BotProcess
from tests.fake_telegram import FakeTelegram

CURATOR, OTHER_CURATOR, PUPIL = 555, 556, 201


async def seed_cohort(database: Path) -> dict[str, int]:
    db = Database(database)
    await db.connect()
    try:
        await migrate(db)
        clock = SystemClock()
        services = build_services(Settings(_env_file=None), db, clock)  # type: ignore[call-arg]
        org = await services.organizations.create("Школа № 9", "Asia/Chita")
        other = await services.organizations.create("Лицей № 1", "Europe/Moscow")
        await services.organizations.add_curator(org.id, CURATOR)
        await services.organizations.add_curator(other.id, OTHER_CURATOR)
        now = clock.now()

        async def ready(telegram_id: int, role: str, answers: dict[str, object]) -> int:
            return await seed_ready(services, db, now, org.id, telegram_id, role, answers)

        return {
            "olga": await ready(101, "mentor", mentor_answers("Ольга Викторовна")),
            "pavel": await ready(102, "mentor", mentor_answers(
                "Павел Андреевич", competencies=choices("career_choice"),
                interests=choices("sport"), contact="+7 900 222-33-44")),
            "masha": await ready(201, "mentee", mentee_answers("Маша Иванова")),
            "petya": await ready(202, "mentee", mentee_answers(
                "Петя Сидоров", request=choices("career_choice"), interests=choices("sport"))),
            "vika": await ready(203, "mentee", mentee_answers(
                "Вика Орлова", form=choice("employer_pupil"))),
        }  # fmt: skip
    finally:
        await db.close()


async def test_curator_forms_pairs_in_the_chat(tg: FakeTelegram, tmp_path: Path) -> None:
    bot = BotProcess(tg, tmp_path)
    bot.database.parent.mkdir(parents=True, exist_ok=True)
    ids = await seed_cohort(bot.database)
    await bot.start()
    curator = tg.user(CURATOR, "Куратор")
    olga, pavel, masha, petya, vika = (tg.user(i) for i in (101, 102, 201, 202, 203))

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
    await olga.wait_for_bot_message("допустил вас", after=0)

    await curator.send_text("/matching")
    await curator.wait_for_bot_message("Формирование пар и групп")
    await curator.press("Запустить подбор")
    await curator.wait_for_bot_message("Показано 2 из 2")
    masha_card = next(m for m in curator.bot_messages() if "Маша Иванова" in m.text)
    petya_card = next(m for m in curator.bot_messages() if "Петя Сидоров" in m.text)
    assert "запрос и компетенция «Подготовка к олимпиадам»" in masha_card.text
    assert "общие интересы: Шахматы" in masha_card.text

    # A curator of another organization and a pupil cannot act on these proposals.
    proposal_id = query(bot.database, "SELECT id FROM proposals WHERE mentee_id = ?",
                        (ids["masha"],))[0][0]  # fmt: skip
    other = tg.user(OTHER_CURATOR, "Чужой куратор")
    pupil = tg.user(PUPIL)
    await other.send_text("/help")
    await other.wait_for_bot_message("Вы куратор")
    await other.press_data(f"mt1p:{proposal_id}:approve", other.last_bot_message().message_id)
    await pupil.send_text("/help")
    await pupil.wait_for_bot_message("Что я умею")
    await pupil.press_data(f"mt1p:{proposal_id}:approve", pupil.last_bot_message().message_id)
    await tg.wait_until(lambda: bool(other.callback_answers) and bool(pupil.callback_answers))
    assert "больше недоступно" in other.callback_answers[-1].get("text", "")
    assert "куратор" in pupil.callback_answers[-1].get("text", "")
    assert query(bot.database, "SELECT count(*) FROM pairs") == [(0,)]

    await curator.press("Утвердить", message_id=masha_card.message_id)
    await curator.wait_for_bot_message("Утверждено: пара создана")
    intro_mentee = await masha.wait_for_bot_message(
        "Знакомьтесь: ваш наставник — Ольга Викторовна", after=0
    )
    intro_mentor = await olga.wait_for_bot_message(
        "Знакомьтесь: ваш наставляемый — Маша Иванова", after=0
    )
    assert "Подготовка к олимпиадам" in intro_mentee.text
    assert "+7 900 111-22-33" in intro_mentor.text  # the parent's contact, inside the pair only

    await curator.press("Отклонить", message_id=petya_card.message_id)
    await curator.wait_for_bot_message("Отклонено")
    await curator.send_text("/matching")
    await curator.wait_for_bot_message("Формирование пар и групп")
    await curator.press("Наставляемые без пары")
    listing = await curator.wait_for_bot_message("Вика Орлова")
    assert "другая форма наставничества" in listing.text
    await curator.press("Назначить наставника: Вика Орлова")
    await curator.wait_for_bot_message("Выберите наставника")
    await curator.press("Павел Андреевич")
    await curator.wait_for_bot_message("нарушает правила")
    await curator.press("Всё равно назначить")
    await curator.wait_for_bot_message("Наставник назначен директивно")
    await vika.wait_for_bot_message("ваш наставник — Павел Андреевич", after=0)
    await pavel.wait_for_bot_message("ваш наставляемый — Вика Орлова", after=0)
    assert not [m for m in petya.bot_messages() if "Знакомьтесь" in m.text]

    with sqlite3.connect(bot.database) as conn:
        pairs = conn.execute(
            "SELECT mentee_id, mentor_id, directive FROM pairs ORDER BY id"
        ).fetchall()
    assert pairs == [(ids["masha"], ids["olga"], 0), (ids["vika"], ids["pavel"], 1)]
    assert await bot.stop() == 0
    assert "Traceback" not in bot.log(), bot.log()
