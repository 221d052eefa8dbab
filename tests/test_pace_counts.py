"""How short-term pairs and speed sessions enter the indicators and the registers, counted by
hand (in-process; Asia/Chita). The organization runs «студент – ученик» as short-term and
«ученик – ученик» as speed mentoring:

* pair 1, Пётр — Маша (short): its first meeting on 14 March, its final one on 20 March, so
  it completes on 20 March;
* pair 2, Анна — Ваня (short): its first meeting only; when the curator finishes the cycle it
  ends without completing the program (a short pair completes by its final meeting only, even
  though the curator's minimum for the form is the planning meeting);
* a speed session of «ученик – ученик» on 18 March: Олег and Ирина (mentors) with Катя and Лёва
  (mentees), two rounds, all feedback given.

By the rule of :func:`bot.speed_sessions.enters_program`, the speed session enters nobody into
the program: its four people are counted as the participants they are (joined, consented,
questionnaire done) and in no pair, entered or completed figure; the registers list them with
the form they chose and no mentor, mentee, end date or completion mark.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from bot.clock import to_db
from bot.models.reports import StageCounts
from bot.schedule import MeetingKind
from dialogs.forms import FormPace
from dialogs.speed_feedback import GoOn
from storage.repositories.organizations import OrganizationRepository
from tests.cohort import choice, mentee_answers, mentor_answers, ready
from tests.inprocess import Harness, running_harness
from tests.joining import CURATOR, organization

SHORT, SPEED = "student_pupil", "pupil_pupil"
CHITA_NOON = timedelta(hours=3)  # 12:00 in Chita is 03:00 UTC


def at(day: int) -> datetime:
    """Noon in Chita on that day of March 2026."""
    return datetime(2026, 3, day, tzinfo=UTC) + CHITA_NOON


def move_to(harness: Harness, moment: datetime) -> None:
    harness.clock.advance(moment - harness.clock.now())


async def held(harness: Harness, pair_id: int, kind: MeetingKind, day: int) -> None:
    mentor = await harness.app.db.fetch_value("SELECT mentor_id FROM pairs WHERE id = ?",
                                              (pair_id,))  # fmt: skip
    async with harness.app.db.transaction() as tx:
        await tx.execute(
            "INSERT INTO meetings (pair_id, kind, status, starts_at, meeting_format, place, "
            "proposed_by, created_at) VALUES (?, ?, 'held', ?, 'online', 'link', ?, ?)",
            (pair_id, kind.value, to_db(at(day)), mentor, to_db(at(day))),
        )


async def people(harness: Harness, org_id: int) -> dict[str, int]:
    services = harness.app.services
    ids: dict[str, int] = {}
    for telegram_id, name, form in (
        (301, "Пётр Соколов", SHORT),
        (302, "Анна Белова", SHORT),
        (303, "Олег Ким", SPEED),
        (304, "Ирина Лис", SPEED),
    ):
        ids[name] = await ready(
            harness, org_id, telegram_id, "mentor", mentor_answers(name, form=choice(form))
        )
        assert await services.admission.admit(org_id, ids[name], CURATOR) is None
    for telegram_id, name, form in (
        (401, "Маша Иванова", SHORT),
        (402, "Ваня Орлов", SHORT),
        (403, "Катя Лис", SPEED),
        (404, "Лёва Ким", SPEED),
    ):
        ids[name] = await ready(
            harness, org_id, telegram_id, "mentee", mentee_answers(name, form=choice(form))
        )
    return ids


async def scenario(harness: Harness) -> tuple[int, dict[str, int]]:
    services = harness.app.services
    org = await organization(harness)
    forms = OrganizationRepository(harness.app.db)
    for code, pace in ((SHORT, FormPace.SHORT), (SPEED, FormPace.SPEED)):
        marked = await forms.set_form_profile(
            org.id, code, mentor_kind=None, mentee_kind=None, pace=pace
        )
        assert marked is not None
    # The curator's minimum for the form would count a pair that met once: it does not apply.
    assert await services.cycles.change_completion_minimum(org.id, SHORT, "planning")
    assert await services.cycles.completion_minimum(org.id, SHORT) is MeetingKind.FINAL
    ids = await people(harness, org.id)
    for mentee, mentor in (("Маша Иванова", "Пётр Соколов"), ("Ваня Орлов", "Анна Белова")):
        outcome = await services.pairing.assign_directly(
            org.id, ids[mentee], ids[mentor], force=True
        )
        assert outcome.pair is not None, outcome
        ids[mentee + " pair"] = outcome.pair.id
    await held(harness, ids["Маша Иванова pair"], MeetingKind.PLANNING, 14)
    await held(harness, ids["Ваня Орлов pair"], MeetingKind.PLANNING, 14)

    # The speed session on 18 March, 16:00 in Chita (07:00 UTC), rounds of 10 minutes.
    session = await services.speed.create(
        org.id, CURATOR, SPEED, datetime(2026, 3, 18, 7, tzinfo=UTC), "Библиотека", 10,
        [ids["Олег Ким"], ids["Ирина Лис"]], [ids["Катя Лис"], ids["Лёва Ким"]],
    )  # fmt: skip
    assert not isinstance(session, str), session
    await services.speed.schedules_due()
    move_to(harness, datetime(2026, 3, 18, 7, 21, tzinfo=UTC))
    asked = await services.speed.feedback_due()
    assert len(asked) == 8  # two rounds of two conversations, both sides
    for due in asked:
        telegram_id = due.participant.telegram_id
        assert await services.speed.rate(due.talk.id, telegram_id, 5) is not None
        assert await services.speed.go_on(due.talk.id, telegram_id, GoOn.YES) is not None

    # Pair 1 holds its final meeting on 20 March and completes.
    await held(harness, ids["Маша Иванова pair"], MeetingKind.FINAL, 20)
    move_to(harness, at(21))
    completed = await services.cycle_closing.complete_held()
    assert [p.id for p in completed] == [ids["Маша Иванова pair"]]
    return org.id, ids


async def pair_row(harness: Harness, pair_id: int) -> tuple[Any, ...]:
    row = await harness.app.db.fetch_one(
        "SELECT ended_on, completed, end_reason FROM pairs WHERE id = ?", (pair_id,)
    )
    assert row is not None
    return tuple(row)


async def test_short_pairs_and_a_speed_session_in_the_indicators_counted_by_hand(
    tmp_path: Path,
) -> None:
    async with running_harness(tmp_path) as harness:
        org_id, ids = await scenario(harness)
        indicators = harness.app.services.indicators
        result = await indicators.for_organization(org_id)
        # Everyone joined, consented and confirmed (8); matched: the four people of the two
        # short pairs; in a pair now: Анна and Ваня; completed: Пётр and Маша. The speed
        # session's four are in no pair, so in none of the last three.
        assert result.stages[None] == StageCounts(8, 8, 8, 4, 2, 2)
        assert result.stages[SHORT] == StageCounts(4, 4, 4, 4, 2, 2)
        assert result.stages[SPEED] == StageCounts(4, 4, 4, 0, 0, 0)
        # Meetings are the pairs' meetings: three held (the speed conversations are not).
        assert result.meetings_held == 3
        # Mentees aged 10-19 who entered: Маша and Ваня; completed: Маша. Not Катя or Лёва.
        mentees = result.share("mentees_10_19")
        assert (mentees.count, mentees.completed) == (2, 1)
        # Satisfaction is asked of the completed pairs only: Маша and Пётр, not answered yet.
        satisfied = result.share("satisfied_mentees")
        assert (satisfied.count, satisfied.total) == (0, 1)

        # The curator finishes the cycle: pair 2 (its first meeting only) has not completed.
        services = harness.app.services
        assert not isinstance(await services.cycles.start_closing(org_id), str)
        report = await services.cycles.finish_now(org_id)
        assert not isinstance(report, str)
        assert (report.completed, report.not_completed) == (0, 1)
        assert await pair_row(harness, ids["Маша Иванова pair"]) == ("2026-03-20", 1, None)
        ended = await pair_row(harness, ids["Ваня Орлов pair"])
        assert ended[1] == 0
        result = await indicators.for_organization(org_id)
        assert result.stages[None] == StageCounts(8, 8, 8, 4, 0, 2)
        mentees = result.share("mentees_10_19")
        assert (mentees.count, mentees.completed) == (2, 1)


async def test_short_pairs_and_a_speed_session_in_the_registers(tmp_path: Path) -> None:
    async with running_harness(tmp_path, export_in_process=True) as harness:
        org_id, _ = await scenario(harness)
        made = await harness.app.services.exports.workbook(org_id, "ru")
        book = load_workbook(io.BytesIO(made.content))
        mentors = {row[0]: row for row in book["База наставников"].iter_rows(values_only=True)}
        # Columns: name … 8 entered, 9 mentee(s), 10 form, 11 mentee's place, 12 end date.
        assert mentors["Пётр Соколов"][9:11] == ("Маша Иванова", "Студент – ученик")
        assert mentors["Пётр Соколов"][12] == datetime(2026, 3, 20)
        assert mentors["Анна Белова"][9:11] == ("Ваня Орлов", "Студент – ученик")
        assert mentors["Анна Белова"][12] is None
        # The speed session's people: the form they chose in the questionnaire, nothing else.
        for speed_mentor in ("Олег Ким", "Ирина Лис"):
            row = mentors[speed_mentor]
            assert row[9:13] == (None, "Ученик – ученик", None, None), row
        mentees = {row[1]: row for row in book["База наставляемых"].iter_rows(values_only=True)}
        # Columns: № … 6 mentor, 7 form, 9 end date, 12 the mark of completing the program.
        assert mentees["Маша Иванова"][6:8] == ("Пётр Соколов", "Студент – ученик")
        assert mentees["Маша Иванова"][9] == datetime(2026, 3, 20)
        assert mentees["Маша Иванова"][12] == "программа пройдена"
        assert mentees["Ваня Орлов"][6] == "Анна Белова" and mentees["Ваня Орлов"][12] is None
        for speed_mentee in ("Катя Лис", "Лёва Ким"):
            row = mentees[speed_mentee]
            assert (row[6], row[7], row[9], row[12]) == (None, "Ученик – ученик", None, None), row
