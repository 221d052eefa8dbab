"""Speed mentoring through the handlers (in-process, time by ManualClock; Asia/Chita, UTC+9):
the curator organizes a session of three mentors and three mentees in three rounds, everyone
gets their schedule, each mentee meets each mentor once, both sides are asked about each
conversation after its round, and the curator sees who met whom and what they said."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.speed_sessions import enters_program, rotation
from dialogs.forms import FormPace
from dialogs.speed_feedback import GoOn
from handlers.speed_views import (
    SpeedCreate,
    SpeedDone,
    SpeedForm,
    SpeedGoOn,
    SpeedLength,
    SpeedNew,
    SpeedRate,
    SpeedRole,
    SpeedShow,
    SpeedToggle,
)
from jobs.speed import deliver_speed
from storage.repositories.organizations import OrganizationRepository
from tests.cohort import mentee_answers, mentor_answers, ready
from tests.inprocess import Harness, running_harness
from tests.joining import CURATOR, organization

FORM = "student_pupil"
MENTORS = {301: "Пётр Соколов", 302: "Анна Белова", 303: "Олег Ким"}
MENTEES = {401: "Маша Иванова", 402: "Ваня Орлов", 403: "Катя Лис"}
# Tuesday 17 March 2026, 16:00 in Chita = 07:00 UTC; rounds of 15 minutes.
SESSION = datetime(2026, 3, 17, 7, 0, tzinfo=UTC)
OTHER_CURATOR = 556


@pytest.mark.parametrize(("mentors", "mentees"), [(3, 3), (1, 4), (4, 2), (5, 5), (2, 7)])
def test_the_rotation_meets_everyone_once_and_nobody_twice_a_round(
    mentors: int, mentees: int
) -> None:
    rounds = rotation(list(range(mentors)), list(range(100, 100 + mentees)))
    assert len(rounds) == max(mentors, mentees)
    met = [talk for talks in rounds for talk in talks]
    assert sorted(met) == sorted((m, e) for m in range(mentors) for e in range(100, 100 + mentees))
    for talks in rounds:
        assert len({m for m, _ in talks}) == len(talks) == len({e for _, e in talks})
    assert rotation([], [1]) == rotation([1], []) == []


def test_a_speed_session_enters_nobody_into_the_program() -> None:
    assert enters_program(speed_session=True) is False
    assert enters_program(speed_session=False) is True


async def seed(harness: Harness) -> tuple[int, dict[int, int]]:
    """The organization with its «student – pupil» form marked speed, three admitted mentors
    and three mentees ready. Returns the organization and participant ids by Telegram id."""
    services = harness.app.services
    org = await organization(harness)
    marked = await OrganizationRepository(harness.app.db).set_form_profile(
        org.id, FORM, mentor_kind=None, mentee_kind=None, pace=FormPace.SPEED
    )
    assert marked is not None
    ids: dict[int, int] = {}
    for telegram_id, name in MENTORS.items():
        ids[telegram_id] = await ready(harness, org.id, telegram_id, "mentor", mentor_answers(name))
        assert await services.admission.admit(org.id, ids[telegram_id], CURATOR) is None
    for telegram_id, name in MENTEES.items():
        answers = mentee_answers(name)
        ids[telegram_id] = await ready(harness, org.id, telegram_id, "mentee", answers)
    return org.id, ids


def texts(harness: Harness, chat: int) -> list[str]:
    return [s.text for s in harness.session.answers(chat)]


def rate_questions(harness: Harness, chat: int) -> list[Any]:
    return [s for s in harness.session.answers(chat) if "spf1r:" in str(s.buttons)]


async def organize(harness: Harness) -> int:
    """The curator's steps, with a typo and a double tap on the way; the new session's id."""
    shown = await harness.send(CURATOR, "/speed")
    assert any("Организовать" in text for text, _ in shown[-1].buttons), shown[-1].buttons
    await harness.press(CURATOR, SpeedNew().pack())
    await harness.press(CURATOR, SpeedForm(form=FORM).pack())
    wrong = await harness.send(CURATOR, "завтра после уроков")
    assert "25.05.2026 16:00" in wrong[-1].text, wrong[-1].text
    past = await harness.send(CURATOR, "11.03.2026 16:00")
    assert "полчаса" in past[-1].text, past[-1].text
    await harness.send(CURATOR, "17.03.2026 16:00")
    await harness.send(CURATOR, "Актовый зал, 2 этаж")
    await harness.press(CURATOR, SpeedLength(minutes=15).pack())
    for telegram_id in MENTORS:
        pid = await participant(harness, telegram_id)
        screen = await harness.press(
            CURATOR, SpeedToggle(role=SpeedRole.MENTOR, participant_id=pid).pack()
        )
    assert sum("✓" in text for text, _ in screen[-1].buttons) == 3, screen[-1].buttons
    # A mentee's id with the mentors' role is not one of the form's mentors: refused.
    stranger = await participant(harness, 401)
    await harness.press(CURATOR, SpeedToggle(role=SpeedRole.MENTOR, participant_id=stranger).pack())
    await harness.press(CURATOR, SpeedDone(role=SpeedRole.MENTOR).pack())
    # «Done» with nobody ticked says so and goes nowhere.
    await harness.press(CURATOR, SpeedDone(role=SpeedRole.MENTEE).pack())
    assert "хотя бы одного" in (harness.session.callback_answers()[-1].text or "")
    for telegram_id in MENTEES:
        pid = await participant(harness, telegram_id)
        await harness.press(CURATOR, SpeedToggle(role=SpeedRole.MENTEE, participant_id=pid).pack())
    confirm = await harness.press(CURATOR, SpeedDone(role=SpeedRole.MENTEE).pack())
    assert "3 раунда по 15 мин" in confirm[-1].text, confirm[-1].text
    await harness.press(CURATOR, SpeedCreate().pack())
    await harness.press(CURATOR, SpeedCreate().pack())  # a double tap creates nothing more
    assert await harness.app.db.fetch_value("SELECT count(*) FROM speed_sessions") == 1
    return int(await harness.app.db.fetch_value("SELECT id FROM speed_sessions"))


def move_to(harness: Harness, moment: datetime) -> None:
    harness.clock.advance(moment - harness.clock.now())


async def participant(harness: Harness, telegram_id: int) -> int:
    return int(
        await harness.app.db.fetch_value(
            "SELECT id FROM participants WHERE telegram_id = ?", (telegram_id,)
        )
    )


async def test_a_speed_session_of_three_rounds_with_feedback_and_the_curators_summary(
    tmp_path: Path,
) -> None:
    async with running_harness(tmp_path) as harness:
        db = harness.app.db
        org_id, ids = await seed(harness)
        session_id = await organize(harness)
        names = {ids[t]: n for t, n in {**MENTORS, **MENTEES}.items()}

        # -- the rounds: each mentee meets each mentor once, one conversation a round each --
        talks = await db.fetch_all(
            "SELECT id, round, mentor_id, mentee_id, ends_at FROM speed_talks ORDER BY id"
        )
        assert len(talks) == 9
        assert Counter(t["round"] for t in talks) == {1: 3, 2: 3, 3: 3}
        assert {(t["mentor_id"], t["mentee_id"]) for t in talks} == {
            (ids[m], ids[e]) for m in MENTORS for e in MENTEES
        }
        for number in (1, 2, 3):
            this = [t for t in talks if t["round"] == number]
            assert len({t["mentor_id"] for t in this}) == len({t["mentee_id"] for t in this}) == 3
            ends = SESSION + timedelta(minutes=15 * number)
            assert {t["ends_at"] for t in this} == {ends.isoformat()}

        # -- everyone's schedule, once ----------------------------------------------------------
        for telegram_id in {**MENTORS, **MENTEES}:
            got = [t for t in texts(harness, telegram_id) if "скоростного наставничества" in t]
            assert len(got) == 1, texts(harness, telegram_id)
            schedule = got[0]
            assert "17 марта 2026" in schedule and "Актовый зал" in schedule, schedule
            assert "16:00" in schedule and "16:15" in schedule and "16:30" in schedule, schedule
            others = MENTEES if telegram_id in MENTORS else MENTORS
            assert all(other in schedule for other in others.values()), schedule
        assert "ты" in next(t for t in texts(harness, 401) if "скоростного" in t).lower()

        # -- after each round, both sides are asked about that conversation, once ------------
        for number in (1, 2, 3):
            move_to(harness, SESSION + timedelta(minutes=15 * number - 1))
            await deliver_speed(harness.app.services)
            await harness.app.services.outbox.idle()
            assert all(len(rate_questions(harness, t)) == number - 1 for t in ids)
            move_to(harness, SESSION + timedelta(minutes=15 * number, seconds=30))
            await deliver_speed(harness.app.services)
            await deliver_speed(harness.app.services)  # a second tick asks nobody again
            await harness.app.services.outbox.idle()
            for telegram_id in ids:
                questions = rate_questions(harness, telegram_id)
                assert len(questions) == number, (telegram_id, questions)
                talk = next(
                    t for t in talks
                    if t["round"] == number and ids[telegram_id] in (t["mentor_id"], t["mentee_id"])
                )  # fmt: skip
                other = talk["mentee_id"] if talk["mentor_id"] == ids[telegram_id] else (
                    talk["mentor_id"])  # fmt: skip
                assert names[other] in questions[-1].text, questions[-1].text
                # The mentors rate 4 and want to go on with Маша; the mentees rate 5 and say
                # yes to Пётр only.
                mentor_side = telegram_id in MENTORS
                value = 4 if mentor_side else 5
                wish = (
                    GoOn.YES
                    if ids[401] in (talk["mentor_id"], talk["mentee_id"])
                    and (mentor_side or talk["mentor_id"] == ids[301])
                    else GoOn.NO
                )
                second = await harness.press(
                    telegram_id, SpeedRate(talk_id=talk["id"], value=value).pack()
                )
                assert "продолжить" in second[-1].text, second[-1].text
                # A double tap on the scale changes nothing.
                await harness.press(telegram_id, SpeedRate(talk_id=talk["id"], value=1).pack())
                done = await harness.press(
                    telegram_id, SpeedGoOn(talk_id=talk["id"], value=wish).pack()
                )
                assert "сохранены" in done[-1].text, done[-1].text

        rows = await db.fetch_all(
            "SELECT participant_id, usefulness, continue_with, answered_at FROM speed_feedback"
        )
        assert len(rows) == 18 and all(r["answered_at"] for r in rows)
        assert Counter(r["usefulness"] for r in rows) == {4: 9, 5: 9}
        assert all(r["usefulness"] != 1 for r in rows)

        # Somebody else's conversation: the press is outdated and nothing is recorded.
        foreign = next(t for t in talks if t["mentee_id"] != ids[402])
        await harness.press(402, SpeedRate(talk_id=foreign["id"], value=1).pack())
        assert await db.fetch_value("SELECT count(*) FROM speed_feedback WHERE usefulness = 1") == 0

        # -- the curator's summary: who met whom, what each said, the good match ------------
        summary = (await harness.press(CURATOR, SpeedShow(session_id=session_id).pack()))[-1].text
        for number in (1, 2, 3):
            assert f"Раунд {number}" in summary, summary
        for mentor in MENTORS.values():
            for mentee in MENTEES.values():
                assert f"{mentor} — {mentee}" in summary, summary
        assert summary.count("4 из 5") == 9 and summary.count("5 из 5") == 9, summary
        good = summary.split("продолжить работу вместе")[1]
        assert "Пётр Соколов — Маша Иванова" in good, summary
        assert "Анна Белова — Маша Иванова" not in good, summary

        # Another organization's curator cannot see it.
        other = await harness.app.services.organizations.create("Школа № 6", "Asia/Chita")
        await harness.app.services.organizations.add_curator(other.id, OTHER_CURATOR)
        before = len(harness.session.sent)
        await harness.press(OTHER_CURATOR, SpeedShow(session_id=session_id).pack())
        assert not any("Пётр" in s.text for s in harness.session.sent[before:])
        assert org_id != other.id


async def test_a_participant_who_withdraws_leaves_an_empty_side_in_the_session(
    tmp_path: Path,
) -> None:
    async with running_harness(tmp_path) as harness:
        db = harness.app.db
        _, ids = await seed(harness)
        session_id = await organize(harness)
        move_to(harness, SESSION + timedelta(minutes=16))
        await deliver_speed(harness.app.services)
        await harness.app.services.rights.withdraw(402)  # Ваня withdraws his consent
        assert await db.fetch_value("SELECT count(*) FROM speed_talks WHERE mentee_id IS NULL") == 3
        for table in ("speed_seats", "speed_feedback"):
            assert (
                await db.fetch_value(
                    f"SELECT count(*) FROM {table} WHERE participant_id = ?", (ids[402],)
                )
                == 0
            )
        # Nobody is asked about a conversation with an empty side on his behalf.
        move_to(harness, SESSION + timedelta(minutes=46))
        asked = await harness.app.services.speed.feedback_due()
        assert len(asked) == 10  # rounds 2 and 3: six conversations, Ваня's two have one side
        shown = await harness.press(CURATOR, SpeedShow(session_id=session_id).pack())
        summary = next(s.text for s in reversed(shown) if s.chat_id == CURATOR)
        assert "Ваня" not in summary and "отозвал согласие" in summary, summary


async def test_matching_makes_no_pairs_in_a_speed_form(tmp_path: Path) -> None:
    """Speed mentoring makes no pairs: its people meet in the curator's sessions, so matching
    leaves a speed form's mentees and mentors out; the same people in a regular form are
    matched as before."""
    async with running_harness(tmp_path) as harness:
        org, ids = await seed(harness)
        pairing = harness.app.services.pairing
        mentees, mentors = await pairing.cohort(org)
        assert mentees == [] and mentors == []
        summary = await pairing.run(org, CURATOR)
        assert summary.proposals == 0
        await OrganizationRepository(harness.app.db).set_form_profile(
            org, FORM, mentor_kind=None, mentee_kind=None, pace=FormPace.REGULAR
        )
        mentees, mentors = await pairing.cohort(org)
        assert {m.participant_id for m in mentees} == {ids[t] for t in MENTEES}
        assert {m.participant_id for m in mentors} == {ids[t] for t in MENTORS}
