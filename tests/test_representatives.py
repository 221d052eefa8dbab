"""The legal representative of a minor (issue 14, parents), in process: the curator's check
keeps an unchecked child out of matching, directive assignment and approval; only the
representative sees the child's plan, only the child's own curator checks the representative;
the meeting times go only to a representative who asked; a revocation says exactly what
happens and does it."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from aiogram.fsm.storage.base import StorageKey

from bot.pairing import Problem
from bot.participants import ParticipantService, Status
from bot.representatives import CheckWay
from handlers.guardian_views import GuardianDecision
from handlers.matching_views import DirectPick
from handlers.meeting_texts import MeetAnswer
from handlers.representative_views import ChildAct, ChildAction, RepresentativeCheck
from handlers.rights_views import RevokeDecision
from handlers.states import GuardianDialogue
from storage.database import Database
from storage.migrations import load_migrations, migrate
from storage.repositories.participants import ParticipantRepository
from tests.clock import ManualClock
from tests.cohort import mentee_answers, mentor_answers, ready
from tests.inprocess import START, Harness
from tests.joining import (
    CHILD_FULL_NAME,
    CURATOR,
    guardian_token,
    invitation,
    organization,
    share_phone,
)
from tests.test_export import meeting
from tests.test_meetings import propose

OTHER_CURATOR = 556
OLGA, MASHA = 101, 201
MOTHER = MASHA + 10**6  # tests.cohort.seed_ready: the representative of a seeded minor
STRANGER = 999
CHILD = 3101


async def school(harness: Harness, *, checked: bool) -> dict[str, int]:
    """Olga (admitted) and Masha, 13, whose mother consented; checked by the curator or not."""
    org = await organization(harness)
    services = harness.app.services
    ids = {
        "org": org.id,
        "olga": await ready(harness, org.id, OLGA, "mentor", mentor_answers("Ольга Викторовна")),
        "masha": await ready(harness, org.id, MASHA, "mentee", mentee_answers("Маша Иванова")),
    }
    assert await services.admission.admit(org.id, ids["olga"], CURATOR) is None
    if not checked:
        await harness.app.db.execute_alone(
            "UPDATE consents SET checked_as = NULL, checked_by = NULL, checked_at = NULL "
            "WHERE kind = 'representative'"
        )
    return ids


def alert(harness: Harness) -> str:
    return str(harness.session.callback_answers()[-1].text or "")


async def test_an_unchecked_child_is_neither_matched_nor_assigned(harness: Harness) -> None:
    ids = await school(harness, checked=False)
    services = harness.app.services
    run = await services.pairing.run(ids["org"], CURATOR, None)
    assert run.proposals == 0
    assert await services.pairing.cohort_counts(ids["org"]) == (0, 1, 1)
    outcome = await services.pairing.assign_directly(
        ids["org"], ids["masha"], ids["olga"], force=True
    )
    assert outcome.pair is None and outcome.problem is Problem.NOT_CHECKED
    # The curator pressing the mentor in the direct assignment is told why, clearly.
    await harness.press(
        CURATOR, DirectPick(mentee_id=ids["masha"], mentor_id=ids["olga"], force=True).pack()
    )
    assert "Законный представитель наставляемого ещё не проверен" in alert(harness)
    assert await harness.app.db.fetch_value("SELECT count(*) FROM pairs") == 0

    # A proposal made before the check came off cannot be approved either.
    await harness.app.db.execute_alone(
        "UPDATE consents SET checked_at = '2026-01-01T00:00:00+00:00' WHERE kind = 'representative'"
    )
    run = await services.pairing.run(ids["org"], CURATOR, None)
    assert run.proposals == 1
    await harness.app.db.execute_alone("UPDATE consents SET checked_at = NULL")
    proposal = await harness.app.db.fetch_value("SELECT id FROM proposals")
    approved = await services.pairing.approve(ids["org"], int(proposal))
    assert approved.pair is None and approved.problem is Problem.NOT_CHECKED

    # The curator checks: a paper consent received; then the child is matched.
    assert await services.representatives.check(
        ids["org"], ids["masha"], CheckWay.PAPER, CURATOR
    ) == "done"  # fmt: skip
    approved = await services.pairing.approve(ids["org"], int(proposal))
    assert approved.pair is not None


async def test_only_the_childs_own_curator_checks_the_representative(harness: Harness) -> None:
    ids = await school(harness, checked=False)
    other = await harness.app.services.organizations.create("Лицей № 1", "Europe/Moscow")
    await harness.app.services.organizations.add_curator(other.id, OTHER_CURATOR)
    data = RepresentativeCheck(participant_id=ids["masha"], way=CheckWay.RECORDS).pack()

    await harness.press(OTHER_CURATOR, data)
    assert "больше нет среди участников" in alert(harness)
    await harness.press(MOTHER, data)  # the mother is no curator at all
    await harness.press(STRANGER, data)
    unchecked = "SELECT checked_at IS NULL FROM consents WHERE kind = 'representative'"
    assert await harness.app.db.fetch_value(unchecked) == 1

    await harness.press(CURATOR, data)
    row = await harness.app.db.fetch_one(
        "SELECT checked_as, checked_by FROM consents WHERE kind = 'representative'"
    )
    assert row is not None and tuple(row) == ("records", CURATOR)
    await harness.press(CURATOR, data)  # a double tap changes nothing
    assert "уже проверен" in alert(harness)


async def test_only_the_representative_sees_the_childs_plan(harness: Harness) -> None:
    ids = await school(harness, checked=True)
    services = harness.app.services
    outcome = await services.pairing.assign_directly(
        ids["org"], ids["masha"], ids["olga"], force=False
    )
    assert outcome.pair is not None
    await services.followups.save_plan(outcome.pair.id, ["Олимпиада по математике"], None)
    plan = ChildAct(participant_id=ids["masha"], action=ChildAction.PLAN).pack()

    for intruder in (STRANGER, OLGA, MASHA, CURATOR):
        sent = await harness.press(intruder, plan)
        assert not any("Олимпиада по математике" in s.text for s in sent), intruder
    assert await services.representatives.plan(STRANGER, ids["masha"]) is None

    sent = await harness.press(MOTHER, plan)
    assert "Олимпиада по математике" in sent[-1].text
    # Nor may a stranger write to the curator about the child or change the meeting times.
    assert (
        await services.representatives.write_to_curator(STRANGER, ids["masha"], "Привет")
    ).child is None
    assert await services.representatives.set_meeting_times(STRANGER, ids["masha"], True) is None


async def test_meeting_times_go_only_to_a_representative_who_asked(harness: Harness) -> None:
    ids = await school(harness, checked=True)
    services = harness.app.services
    outcome = await services.pairing.assign_directly(
        ids["org"], ids["masha"], ids["olga"], force=False
    )
    assert outcome.pair is not None
    pair_id = outcome.pair.id
    soon = harness.clock.now() + timedelta(days=3)
    meeting_id = await meeting(harness, pair_id, ids["olga"], "acquaintance", soon, "confirmed")
    view = await services.meetings.view(meeting_id, OLGA)
    assert view is not None
    assert await services.representatives.meeting_notices(view) == []
    await harness.press(
        MOTHER, ChildAct(participant_id=ids["masha"], action=ChildAction.TIMES_ON).pack()
    )
    notices = await services.representatives.meeting_notices(view)
    assert [n.telegram_id for n in notices] == [MOTHER]
    await harness.press(
        MOTHER, ChildAct(participant_id=ids["masha"], action=ChildAction.TIMES_OFF).pack()
    )
    assert await services.representatives.meeting_notices(view) == []


async def test_a_revocation_says_what_happens_and_does_it(harness: Harness) -> None:
    ids = await school(harness, checked=True)
    services, db = harness.app.services, harness.app.db
    outcome = await services.pairing.assign_directly(
        ids["org"], ids["masha"], ids["olga"], force=False
    )
    assert outcome.pair is not None
    pair_id = outcome.pair.id
    now = harness.clock.now()
    held = await meeting(
        harness, pair_id, ids["olga"], "acquaintance", now - timedelta(days=2), "held"
    )
    planned = await meeting(
        harness, pair_id, ids["olga"], "trial", now + timedelta(days=5), "confirmed"
    )

    asked = await harness.send(MOTHER, "/revoke")
    before = asked[-1].text
    for promise in (
        "анкета ребёнка и все его данные будут удалены",
        "ваше согласие, ваши ФИО и номер телефона",
        "пара завершится сегодня, а запланированные встречи будут отменены",
        "наставнику и куратору сообщат, что участник вышел из программы (причину не сообщают)",
        "обезличенные подсчёты для отчётов школы и уже проведённые встречи как история пары",
    ):
        assert promise in before, promise

    sent = await harness.press(MOTHER, RevokeDecision(confirm=True).pack())
    to_mother = [s.text for s in sent if s.chat_id == MOTHER]
    assert any(
        "Ваше согласие отозвано" in text and "номер телефона удалены" in text for text in to_mother
    )
    # What was promised: the child and the consent with the phone are gone; the pair ended
    # today with the child's side empty; the planned meeting cancelled, the held one kept.
    assert (
        await db.fetch_value("SELECT count(*) FROM participants WHERE id = ?", (ids["masha"],)) == 0
    )
    assert (
        await db.fetch_value("SELECT count(*) FROM consents WHERE representative_phone IS NOT NULL")
        == 0
    )
    pair = await db.fetch_one("SELECT mentee_id, ended_on FROM pairs WHERE id = ?", (pair_id,))
    assert pair is not None and pair["mentee_id"] is None and pair["ended_on"] is not None
    statuses = dict(await db.fetch_all("SELECT id, status FROM meetings"))
    assert statuses == {held: "held", planned: "cancelled"}
    assert (
        await db.fetch_value("SELECT count(*) FROM consent_events WHERE event = 'withdrawn'") == 1
    )
    # The mentor and the curator are told the participant left, without any reason.
    to_olga = [s.text for s in sent if s.chat_id == OLGA]
    assert to_olga == [
        "Ваша пара завершена: второй участник вышел из программы. "
        "Куратор в курсе и поможет вам дальше."
    ]
    assert any(
        "Маша Иванова" in s.text and "отозвал(а) согласие" in s.text
        for s in sent
        if s.chat_id == CURATOR
    )


async def test_the_representative_is_told_of_a_confirmed_and_a_moved_meeting(
    harness: Harness,
) -> None:
    ids = await school(harness, checked=True)
    services, db = harness.app.services, harness.app.db
    outcome = await services.pairing.assign_directly(
        ids["org"], ids["masha"], ids["olga"], force=False
    )
    assert outcome.pair is not None
    pair_id = outcome.pair.id
    await harness.press(
        MOTHER, ChildAct(participant_id=ids["masha"], action=ChildAction.TIMES_ON).pack()
    )
    place = "ул. Ленина, д. 5, кв. 12"
    await propose(harness, OLGA, pair_id, "20260317", "1500", place, online=False)
    first = int(await db.fetch_value("SELECT max(id) FROM meetings"))
    sent = await harness.press(MASHA, MeetAnswer(meeting_id=first, confirm=True).pack())
    (told,) = [s.text for s in sent if s.chat_id == MOTHER]
    assert "Подтверждена встреча" in told and "17 марта 2026" in told and "15:00" in told
    assert "очно" in told and "Ленина" not in told

    await propose(harness, OLGA, pair_id, "20260319", "1630", place, online=False, replaces=first)
    second = int(await db.fetch_value("SELECT max(id) FROM meetings"))
    assert second != first
    sent = await harness.press(MASHA, MeetAnswer(meeting_id=second, confirm=True).pack())
    (told,) = [s.text for s in sent if s.chat_id == MOTHER]
    assert "перенесена" in told and "17 марта 2026" in told and "19 марта 2026" in told
    assert "16:30" in told and "Ленина" not in told


async def test_consents_given_before_the_check_existed_wait_for_it(tmp_path: Path) -> None:
    """Migration 0026: a representative's consent given before it has no phone and is not
    checked, so the child waits for the curator's check like a new one (existing pairs go on)."""
    db = Database(tmp_path / "old.sqlite3")
    await db.connect()
    try:
        await migrate(db, load_migrations()[:23])
        at = "2026-02-01T09:00:00+00:00"
        async with db.transaction() as tx:
            await tx.execute(
                "INSERT INTO organizations (id, name, timezone, created_at) "
                "VALUES (1, 'Школа № 1', 'Europe/Moscow', ?)",
                (at,),
            )
            await tx.execute(
                "INSERT INTO participants (id, organization_id, telegram_id, role, age_group, "
                "birth_date, joined_at, confirmed_at) "
                "VALUES (1, 1, 201, 'mentee', 'child', '2014-01-05', ?, ?)",
                (at, at),
            )
            await tx.execute(
                "INSERT INTO consents (participant_id, kind, given_by, representative_name, "
                "representative_relation, text_version, text_sha256, locale, given_at) "
                "VALUES (1, 'representative', 301, 'Смирнова Елена', 'mother', 'v1', ?, 'ru', ?)",
                ("0" * 64, at),
            )
        await migrate(db)
        row = await db.fetch_one(
            "SELECT representative_phone, checked_as, checked_at, meeting_times FROM consents"
        )
        assert row is not None and tuple(row) == (None, None, None, None)
        participants = ParticipantService(ParticipantRepository(db), ManualClock(START))
        found = await participants.candidate(1, 1)
        assert found is not None and found[1] is Status.WAITING_CHECK
    finally:
        await db.close()


async def test_a_message_to_the_curator_takes_text_only_and_reaches_the_childs_curator(
    harness: Harness,
) -> None:
    ids = await school(harness, checked=True)
    other = await harness.app.services.organizations.create("Лицей № 1", "Europe/Moscow")
    await harness.app.services.organizations.add_curator(other.id, OTHER_CURATOR)
    write = ChildAct(participant_id=ids["masha"], action=ChildAction.WRITE).pack()

    await harness.press(STRANGER, write)
    assert "не для вас" in alert(harness)
    assert await harness.state_of(STRANGER) is None

    await harness.press(MOTHER, write)
    photo = [{"file_id": "p1", "file_unique_id": "u1", "width": 10, "height": 10}]
    replies = await harness.send_raw(MOTHER, {"photo": photo})
    assert "напишите сообщение текстом" in replies[-1].text
    replies = await harness.send(MOTHER, "я" * 2001)
    assert "2001" in replies[-1].text or "2000" in replies[-1].text
    assert not [s for s in harness.session.sent if s.chat_id == CURATOR and "законного" in s.text]

    sent = await harness.send(MOTHER, "Маша болеет, встречу в четверг лучше перенести")
    assert "отправлено куратору" in sent[-1].text
    (letter,) = [s.text for s in sent if s.chat_id == CURATOR]
    assert "Маша болеет" in letter and "Сообщение от законного представителя" in letter
    assert not [s for s in sent if s.chat_id in (OTHER_CURATOR, OLGA)]
    assert await harness.state_of(MOTHER) is None


async def test_a_consent_screen_from_before_the_phone_asks_for_the_phone_first(
    harness: Harness,
) -> None:
    """A parent who had the consent on screen when the bot was updated: «Agree» asks for the
    phone (nothing is recorded without it), then shows the consent that names it."""
    org = await organization(harness)
    link = await invitation(harness, org, "mentee")
    await harness.send(CHILD, f"/start {link.token}")
    await harness.press(CHILD, "join1a:0")
    await harness.send(CHILD, "12.03.2014")
    token = guardian_token(harness, CHILD)
    await harness.send(MOTHER, f"/start {token}")
    await harness.send(MOTHER, "Петрова Анна Сергеевна")
    await harness.send(MOTHER, CHILD_FULL_NAME)
    await harness.press(MOTHER, "grd1r:mother")
    # As the dialogue stood before the phone was asked: at the consent, without a phone.
    await harness.app.dispatcher.storage.set_state(
        StorageKey(bot_id=harness.app.bot.id, chat_id=MOTHER, user_id=MOTHER),
        GuardianDialogue.consent,
    )
    request_id = int(await harness.app.db.fetch_value("SELECT id FROM guardian_requests"))
    asked = await harness.press(MOTHER, GuardianDecision(request_id=request_id, agree=True).pack())
    assert "отправьте свой номер телефона" in asked[-1].text
    assert await harness.app.db.fetch_value("SELECT count(*) FROM consents") == 0
    shown = await share_phone(harness, MOTHER)
    assert "+79001234567" in shown[-1].text
    await harness.press(MOTHER, GuardianDecision(request_id=request_id, agree=True).pack())
    phone = await harness.app.db.fetch_value("SELECT representative_phone FROM consents")
    assert phone == "+79001234567"
