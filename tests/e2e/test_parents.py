"""A parent of a pupil of 12 through the real bot process, on a clock the test sets.

The mother consents with Telegram's contact button (a typed number and someone else's contact
are refused); the curator sees her phone beside the child, who waits for the curator's check
and is not proposed by matching until the curator confirms her against the school's records.
Then the pair is approved: the mother is told the mentor's name and role and no contact, opts
in to the meeting times, is told of the confirmed meeting (not of its place), sees the child's
plan and writes to the curator, who gets the message.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bot.config import Settings
from bot.models.invitations import InvitationRole
from bot.wiring import build_services
from storage.database import Database
from storage.migrations import migrate
from tests.clock import ManualClock
from tests.cohort import mentor_answers, seed_ready
from tests.e2e.participants import fill_questionnaire, guardian_link, join_as_minor, query
from tests.e2e.process import BotProcess
from tests.fake_telegram import FakeTelegram, FakeUser

CURATOR, OLGA, CHILD, MOTHER = 555, 101, 301, 302
# Thursday 12 March 2026, 18:30 in Chita (UTC+9); the meeting is on Tuesday 17 March.
START = datetime(2026, 3, 12, 9, 30, tzinfo=UTC)
OLGA_CONTACT = "+7 900 765-43-21"
OLGA_USERNAME = "olga_math_teacher"
LINK = "https://meet.example/olga-room-7"
MOTHER_PHONE = "79145550011"
CHILD_NAME = "Смирнова Мария Игоревна"
ANSWERS = {"full_name": CHILD_NAME, "form": "student_pupil", "request": ["olympiads"]}
GOALS = ["Подготовиться к олимпиаде по математике", "Научиться решать задачи на логику"]


async def seed(database: Path) -> str:
    """An organization in Chita with a curator, an admitted mentor and a mentees' link."""
    db = Database(database)
    await db.connect()
    try:
        await migrate(db)
        clock = ManualClock(START - timedelta(days=1))
        services = build_services(Settings(_env_file=None), db, clock)  # type: ignore[call-arg]
        org = await services.organizations.create("Школа № 30", "Asia/Chita")
        await services.organizations.add_curator(org.id, CURATOR)
        olga = await seed_ready(
            services, db, clock.now(), org.id, OLGA, "mentor",
            mentor_answers("Ольга Викторовна", contact=OLGA_CONTACT),
        )  # fmt: skip
        assert await services.admission.admit(org.id, olga, CURATOR) is None
        link = await services.invitations.create(org.id, InvitationRole.MENTEE, CURATOR)
        return link.token
    finally:
        await db.close()


async def save_plan(database: Path, pair_id: int) -> None:
    """The plan the pair recorded after its planning meeting (recorded in the chat elsewhere)."""
    db = Database(database)
    await db.connect()
    try:
        services = build_services(Settings(_env_file=None), db, ManualClock(START))  # type: ignore[call-arg]
        await services.followups.save_plan(pair_id, GOALS, date(2026, 5, 29))
    finally:
        await db.close()


def told(user: FakeUser) -> str:
    return "\n".join(m.text for m in user.bot_messages())


async def test_a_parent_consents_is_checked_and_follows_the_childs_mentorship(
    tg: FakeTelegram, tmp_path: Path
) -> None:
    bot = BotProcess(tg, tmp_path, clocked=True, start_time=START)
    bot.database.parent.mkdir(parents=True, exist_ok=True)
    token = await seed(bot.database)
    await bot.start()
    curator = tg.user(CURATOR, "Куратор")
    olga = tg.user(OLGA, "Ольга", username=OLGA_USERNAME)
    child = tg.user(CHILD, "Маша")
    mother = tg.user(MOTHER, "Елена")

    # -- the pupil of 12 joins; her mother consents with the contact button ------------------
    await join_as_minor(child, token, "05.01.2014")
    await child.wait_for_bot_message("?start=")
    await mother.send_text(f"/start {guardian_link(child)}")
    await mother.wait_for_bot_message("имя в Telegram: Маша")
    await mother.send_text("Смирнова Елена Викторовна")
    await mother.wait_for_bot_message("фамилию, имя и отчество ребёнка")
    await mother.send_text(CHILD_NAME)
    await mother.wait_for_bot_message("Кем вы приходитесь ребёнку?")
    await mother.press("Мать")
    await mother.wait_for_bot_message("отправьте свой номер телефона")
    mark = mother.mark
    await mother.send_text("+7 914 555-00-11")
    await mother.wait_for_bot_message("Набранный вручную номер проверить нельзя", after=mark)
    mark = mother.mark
    await mother.send_contact("79990001122", own=False)
    await mother.wait_for_bot_message("Это чужой контакт", after=mark)
    assert query(bot.database, "SELECT count(*) FROM consents WHERE kind = 'representative'") == [
        (0,)
    ]
    await mother.send_contact(MOTHER_PHONE)
    consent = await mother.wait_for_bot_message("Согласие законного представителя")
    assert f"номера телефона (+{MOTHER_PHONE})" in consent.text
    assert "сверяет мои ФИО и номер телефона с данными школы" in consent.text
    await mother.press("Согласен(на)", message_id=consent.message_id)
    await mother.wait_for_bot_message("Согласие записано")
    assert query(
        bot.database,
        "SELECT given_by, representative_phone, checked_at FROM consents "
        "WHERE kind = 'representative'",
    ) == [(MOTHER, f"+{MOTHER_PHONE}", None)]

    # The curator is asked to check her, with her phone.
    asked = await curator.wait_for_bot_message("Законный представитель дал согласие", after=0)
    assert f"+{MOTHER_PHONE}" in asked.text and CHILD_NAME in asked.text
    await child.wait_for_bot_message("дал согласие", after=0)
    await child.send_text("/start")
    await child.wait_for_bot_message("Вопрос 1 из")
    await fill_questionnaire(child, bot.database, adult=False, answers=ANSWERS)
    await child.press("Всё верно, отправить")
    await child.wait_for_bot_message("анкета сохранена")

    # -- before the check: «ожидает проверки куратором», and matching does not propose her ----
    await curator.send_text("/candidates")
    listing = await curator.wait_for_bot_message("Наставляемые")
    assert "ожидает проверки куратором: 1" in listing.text
    await curator.send_text("/matching")
    await curator.wait_for_bot_message("Формирование пар и групп")
    await curator.press("Запустить подбор")
    await curator.wait_for_bot_message("Подбор выполнен: предложений — 0")
    assert query(bot.database, "SELECT count(*) FROM proposals") == [(0,)]

    # -- the curator sees the phone and confirms the representative ---------------------------
    await curator.press("Ожидают проверки куратором: 1", message_id=listing.message_id)
    await curator.wait_for_bot_message("сверьте ФИО и телефон")
    await curator.press(CHILD_NAME)
    card = await curator.wait_for_bot_message("Законный представитель: Смирнова Елена Викторовна")
    assert f"+{MOTHER_PHONE}" in card.text and "ожидает проверки куратором" in card.text
    await curator.press("Подтвердить: совпадает с данными школы", message_id=card.message_id)
    await curator.wait_for_bot_message("законный представитель ребёнка")
    checked = query(
        bot.database, "SELECT checked_as, checked_by FROM consents WHERE kind = 'representative'"
    )
    assert checked == [("records", CURATOR)]

    # -- matching proposes her now; the curator approves the pair -----------------------------
    await curator.send_text("/matching")
    await curator.wait_for_bot_message("Формирование пар и групп")
    mark = curator.mark
    await curator.press("Запустить подбор")
    proposal = await curator.wait_for_bot_message(CHILD_NAME, after=mark)
    await curator.press("Утвердить", message_id=proposal.message_id)
    await curator.wait_for_bot_message("Утверждено: пара создана")
    notice = await mother.wait_for_bot_message("подобран наставник", after=0)
    assert "Наставник: Ольга Викторовна" in notice.text
    assert "учитель математики" in notice.text and "Студент – ученик" in notice.text
    await olga.wait_for_bot_message("Знакомьтесь", after=0)
    (pair_id,) = query(bot.database, "SELECT id FROM pairs")[0]
    assert isinstance(pair_id, int)

    # -- the mother opts in to the meeting times; a meeting is confirmed ------------------------
    await mother.press("Да, сообщать", message_id=notice.message_id)
    await mother.wait_for_bot_message("я буду сообщать вам дату, время и формат")
    await olga.send_text("/meetings")
    await olga.wait_for_bot_message("пока не запланирована")
    await olga.press("Предложить встречу")
    await olga.wait_for_bot_message("Выберите день встречи")
    await olga.press("17")
    await olga.wait_for_bot_message("во сколько")
    await olga.press("15:00")
    await olga.wait_for_bot_message("Как будете встречаться")
    await olga.press("Онлайн")
    await olga.wait_for_bot_message("ссылку")
    await olga.send_text(LINK)
    offer = await child.wait_for_bot_message("предлагает встречу", after=0)
    await child.press("Подтвердить", message_id=offer.message_id)
    meeting = await mother.wait_for_bot_message("Подтверждена встреча", after=0)
    assert "17 марта 2026" in meeting.text and "15:00" in meeting.text, meeting.text
    assert "онлайн" in meeting.text

    # -- /start: her child with the actions; the plan; a message to the curator ---------------
    await save_plan(bot.database, pair_id)
    mark = mother.mark
    await mother.send_text("/start")
    await mother.wait_for_bot_message("Вы — законный представитель", after=mark)
    await mother.press(CHILD_NAME)
    await mother.wait_for_bot_message("Куратор проверил ваше согласие")
    await mother.press("План ребёнка")
    plan = await mother.wait_for_bot_message("Индивидуальный план развития")
    assert all(goal in plan.text for goal in GOALS) and "29.05.2026" in plan.text
    await mother.press("Написать куратору")
    await mother.wait_for_bot_message("Напишите одним сообщением")
    await mother.send_text("Маша стесняется выступать, подскажите наставнику, пожалуйста")
    await mother.wait_for_bot_message("Ваше сообщение отправлено куратору")
    letter = await curator.wait_for_bot_message("Сообщение от законного представителя", after=0)
    assert CHILD_NAME in letter.text and "Маша стесняется выступать" in letter.text

    # Nothing the mother got names the mentor's contact, Telegram account or the meeting link.
    everything = told(mother)
    for secret in (OLGA_CONTACT, OLGA_USERNAME, f"tg://user?id={OLGA}", LINK):
        assert secret not in everything, secret
    assert await bot.stop() == 0
    assert "Traceback" not in bot.log(), bot.log()
