"""Indicators and the monitoring report against a scenario whose figures are counted by hand.

The scenario is written straight into the tables (participants, consents, answers, pairs,
meetings, responses), so every number below is known without asking the code that counts.
"""

from __future__ import annotations

import json
import struct
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.clock import to_db
from bot.models.reports import StageCounts
from bot.reports.chart import ChartBar, render_chart
from bot.reports.enterprises import enterprise_key
from bot.reports.indicator_figures import NO_FIGURES, FormFigures, Ratio
from bot.reports.indicators import OWN_FORMS, IndicatorService
from bot.reports.monitoring import MonitoringReportService, default_parameters
from bot.reports.targets import (
    DEFAULT_TARGETS,
    InputProblem,
    parse_count,
    parse_percent,
    school_year_of,
)
from storage.database import Database
from storage.repositories.denominators import DenominatorRepository
from storage.repositories.organizations import OrganizationRepository
from storage.repositories.reports import CoordinatorRepository, ReportRepository
from tests.clock import ManualClock

NOW = datetime(2026, 3, 12, 9, 30, tzinfo=UTC)
JOINED = "2026-03-12T08:00:00+00:00"
CURATOR_A, CURATOR_B, COORDINATOR, PUPIL = 501, 502, 601, 901
FORMS = ("pupil_pupil", "teacher_teacher", "student_pupil", "employer_pupil", "employer_student")


def choice(value: str) -> str:
    return json.dumps({"choice": value, "other": None})


class Scenario:
    def __init__(self, db: Database) -> None:
        self.db = db
        self.ids: dict[str, int] = {}
        self._telegram = 1000

    async def sql(self, statement: str, params: tuple[Any, ...] = ()) -> int:
        async with self.db.transaction() as tx:
            return await tx.execute(statement, params)

    async def organization(self, name: str, curator: int) -> int:
        org = await self.sql(
            "INSERT INTO organizations (name, timezone, created_at) VALUES (?, 'Asia/Chita', ?)",
            (name, to_db(NOW)),
        )
        for code in FORMS:
            await self.sql(
                "INSERT INTO organization_forms (organization_id, code) VALUES (?, ?)",
                (org, code),
            )
        await self.sql(
            "INSERT INTO curators (telegram_id, organization_id, added_at) VALUES (?, ?, ?)",
            (curator, org, to_db(NOW)),
        )
        return org

    async def cycle(self, org: int, number: int, *, closed: bool = False) -> int:
        return await self.sql(
            "INSERT INTO cycles (organization_id, number, started_on, closed_at) "
            "VALUES (?, ?, '2025-09-01', ?)",
            (org, number, to_db(NOW) if closed else None),
        )

    async def person(
        self,
        name: str,
        org: int,
        cycle: int | None,
        role: str,
        *,
        age_group: str = "adult",
        birth: str | None = None,
        consent: bool = True,
        confirmed: bool = True,
        answers: dict[str, str] | None = None,
    ) -> int:
        self._telegram += 1
        pid = await self.sql(
            "INSERT INTO participants (organization_id, telegram_id, role, age_group, "
            "birth_date, joined_at, confirmed_at, cycle_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (org, self._telegram, role, age_group, birth if age_group != "adult" else None,
             JOINED, JOINED if confirmed else None, cycle),
        )  # fmt: skip
        if consent:
            kinds = {"child": ["representative"], "teen": ["self", "representative"]}
            for kind in kinds.get(age_group, ["self"]):
                await self.sql(
                    "INSERT INTO consents (participant_id, kind, given_by, representative_name, "
                    "text_version, text_sha256, locale, given_at) VALUES (?, ?, 1, ?, 'v', ?, "
                    "'ru', ?)",
                    (pid, kind, "Мама" if kind == "representative" else None, "0" * 64,
                     JOINED),
                )  # fmt: skip
            for key, value in (answers or {}).items():
                await self.sql(
                    "INSERT INTO answers (participant_id, question, value, answered_at) "
                    "VALUES (?, ?, ?, ?)",
                    (pid, key, value, JOINED),
                )
        self.ids[name] = pid
        return pid

    async def pair(
        self,
        org: int,
        cycle: int | None,
        mentor: str,
        mentee: str,
        form: str,
        *,
        completed: bool = False,
        ended: bool = False,
    ) -> int:
        return await self.sql(
            "INSERT INTO pairs (organization_id, mentor_id, mentee_id, form, started_on, "
            "ended_on, created_at, cycle_id, completed) "
            "VALUES (?, ?, ?, ?, '2026-01-10', ?, ?, ?, ?)",
            (org, self.ids[mentor], self.ids[mentee], form,
             "2026-03-01" if completed or ended else None, to_db(NOW), cycle, int(completed)),
        )  # fmt: skip

    async def meeting(self, pair: int, status: str, when: str, by: str) -> int:
        return await self.sql(
            "INSERT INTO meetings (pair_id, kind, status, starts_at, meeting_format, place, "
            "proposed_by, created_at) VALUES (?, 'regular', ?, ?, 'online', 'Каб. 5', ?, ?)",
            (pair, status, when, self.ids[by], to_db(NOW)),
        )

    async def response(
        self,
        form: str,
        who: str,
        subject: str,
        answers: dict[str, Any],
        *,
        meeting: int | None = None,
        completed: bool = True,
    ) -> None:
        await self.sql(
            "INSERT INTO responses (form, participant_id, subject, meeting_id, answers, "
            "started_at, updated_at, completed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (form, self.ids[who], subject, meeting, json.dumps(answers), to_db(NOW),
             to_db(NOW), to_db(NOW) if completed else None),
        )  # fmt: skip


def service(db: Database, clock: ManualClock | None = None) -> IndicatorService:
    return IndicatorService(
        ReportRepository(db),
        DenominatorRepository(db),
        CoordinatorRepository(db),
        OrganizationRepository(db),
        clock or ManualClock(NOW),
    )


async def build(db: Database) -> tuple[Scenario, dict[str, int]]:
    """Organization A (an old closed cycle 1 and the open cycle 2) and organization B."""
    s = Scenario(db)
    a = await s.organization("Школа А", CURATOR_A)
    b = await s.organization("Школа Б", CURATOR_B)
    old, cur = await s.cycle(a, 1, closed=True), await s.cycle(a, 2)
    cur_b = await s.cycle(b, 1)
    sp, ep, tt = choice("student_pupil"), choice("employer_pupil"), choice("teacher_teacher")
    adult_pupil = choice("pupil")

    await s.person("m1", a, cur, "mentor", answers={"form": sp, "workplace": '"Колледж"'})
    await s.person(
        "m2",
        a,
        cur,
        "mentor",
        age_group="teen",
        birth="2009-05-01",
        answers={"form": ep, "workplace": json.dumps("ООО «Ромашка»")},
    )
    await s.person(
        "m3", a, cur, "mentor", answers={"form": ep, "workplace": json.dumps("  ооо   ромашка ")}
    )
    await s.person(
        "e1",
        a,
        cur,
        "mentee",
        age_group="child",
        birth="2014-01-01",
        answers={"form": sp, "birth_date": '"2014-01-01"', "category": adult_pupil},
    )
    await s.person(
        "e2",
        a,
        cur,
        "mentee",
        answers={"form": tt, "birth_date": '"1998-01-01"', "category": choice("young_teacher")},
    )
    await s.person(
        "e3",
        a,
        cur,
        "mentee",
        age_group="teen",
        birth="2010-06-01",
        answers={"form": ep, "birth_date": '"2010-06-01"', "category": adult_pupil},
    )
    await s.person(
        "e4",
        a,
        cur,
        "mentee",
        age_group="child",
        birth="2015-01-01",
        consent=False,
        confirmed=False,
    )
    await s.person("e5", a, cur, "mentee", confirmed=False)
    await s.person("e6", a, cur, "mentee", answers={"form": sp, "birth_date": '"2000-01-01"'})
    await s.person("e7", a, None, "mentee", consent=False, confirmed=False)  # no cycle yet
    await s.person("e8", a, cur, "mentee", answers={"form": sp})
    await s.person(
        "e9",
        a,
        cur,
        "mentee",
        answers={"form": ep, "birth_date": '"1990-02-02"', "category": choice("employee")},
    )
    # Last year's cycle: counted nowhere.
    await s.person("x1", a, old, "mentee", age_group="child", birth="2013-01-01")
    await s.person("y1", a, old, "mentor")
    # Organization B.
    await s.person(
        "f1",
        b,
        cur_b,
        "mentee",
        answers={"form": tt, "birth_date": '"1995-01-01"', "category": choice("young_teacher")},
    )
    await s.person("g1", b, cur_b, "mentor", answers={"form": tt})  # fmt: skip

    p1 = await s.pair(a, cur, "m1", "e1", "student_pupil", completed=True)
    p2 = await s.pair(a, cur, "m2", "e3", "employer_pupil", completed=True)
    p3 = await s.pair(a, cur, "m1", "e2", "teacher_teacher")
    await s.pair(a, cur, "m3", "e6", "employer_pupil", ended=True)  # ended early
    await s.pair(a, cur, "m3", "e9", "employer_pupil", completed=True)
    old_pair = await s.pair(a, old, "y1", "x1", "student_pupil", completed=True)
    await s.pair(b, cur_b, "g1", "f1", "teacher_teacher", completed=True)
    run = await s.sql(
        "INSERT INTO matching_runs (organization_id, started_by, created_at) VALUES (?, 1, ?)",
        (a, to_db(NOW)),
    )
    await s.sql(
        "INSERT INTO proposals (run_id, rank, mentee_id, mentor_id, score, explanation) "
        "VALUES (?, 1, ?, ?, 50, '{}')",
        (run, s.ids["e8"], s.ids["m1"]),
    )

    # Meetings (now is 12 March 2026, 09:30 UTC).
    h1 = await s.meeting(p1, "held", "2026-02-01T10:00:00+00:00", "m1")
    h2 = await s.meeting(p1, "held", "2026-02-15T10:00:00+00:00", "m1")
    missed = await s.meeting(p1, "missed", "2026-03-01T10:00:00+00:00", "m1")
    await s.meeting(p1, "cancelled", "2026-03-05T10:00:00+00:00", "m1")
    await s.meeting(p1, "confirmed", "2026-03-10T10:00:00+00:00", "m1")
    await s.meeting(p3, "confirmed", "2026-03-20T10:00:00+00:00", "m1")  # still ahead
    await s.meeting(p3, "proposed", "2026-03-02T10:00:00+00:00", "m1")
    h3 = await s.meeting(p2, "held", "2026-02-20T10:00:00+00:00", "m2")
    old_held = await s.meeting(old_pair, "held", "2025-10-01T10:00:00+00:00", "y1")

    fb = {"usefulness": 5}
    await s.response("meeting_feedback", "m1", f"meeting:{h1}", fb, meeting=h1)
    await s.response("meeting_feedback", "e1", f"meeting:{h1}", fb, meeting=h1)
    await s.response("meeting_feedback", "e1", f"meeting:{h2}", fb, meeting=h2)
    await s.response("meeting_feedback", "m1", f"meeting:{h2}", fb, meeting=h2, completed=False)
    await s.response("meeting_feedback", "m2", f"meeting:{h3}", fb, meeting=h3)
    await s.response("meeting_feedback", "e1", f"meeting:{missed}", fb, meeting=missed)
    await s.response("meeting_feedback", "y1", f"meeting:{old_held}", fb, meeting=old_held)

    poll = f"cycle:{cur}"
    await s.response("final_mentee", "e1", poll, {"satisfaction": 9})
    await s.response("final_mentee", "e3", poll, {"satisfaction": 7})
    await s.response("final_mentee", "e9", poll, {"satisfaction": 6})
    await s.response("final_mentee", "e6", poll, {"satisfaction": None})
    await s.response("final_mentee", "e2", poll, {"satisfaction": 10}, completed=False)
    await s.response("final_mentor", "m1", poll, {"satisfaction": 10})
    await s.response("final_mentor", "m2", poll, {"satisfaction": 3})
    await s.response("final_mentee", "x1", f"cycle:{old}", {"satisfaction": 10})
    return s, {"a": a, "b": b, "cur": cur, "old": old}


async def test_stage_counts_per_form_and_in_all(db: Database) -> None:
    _, ids = await build(db)
    result = await service(db).for_organization(ids["a"])
    assert result.organization_ids == (ids["a"],)
    # invited m1 m2 m3 e1..e9 (e7 has no cycle yet: it belongs to the current one) = 12;
    # without consent e4 (a child, no parent's consent) and e7; not confirmed e4 e5 e7;
    # matched: every pair member of this cycle and e8 (an open proposal); active pair m1-e2;
    # completed pairs m1-e1, m2-e3, m3-e9.
    assert result.stages[None] == StageCounts(12, 10, 9, 9, 2, 6)
    assert result.stages["student_pupil"] == StageCounts(4, 4, 4, 4, 1, 2)  # m1 e1 e6 e8
    assert result.stages["employer_pupil"] == StageCounts(4, 4, 4, 4, 0, 4)  # m2 m3 e3 e9
    assert result.stages["teacher_teacher"] == StageCounts(1, 1, 1, 1, 1, 0)  # e2
    assert result.stages["pupil_pupil"] == StageCounts(0, 0, 0, 0, 0, 0)  # enabled, empty
    assert set(result.stages) == {None, *FORMS}


async def test_meetings_feedback_and_satisfaction(db: Database) -> None:
    _, ids = await build(db)
    result = await service(db).for_organization(ids["a"])
    # held: two of m1-e1 and one of m2-e3; planned adds the missed one and the confirmed one
    # of 10 March (the one of 20 March is still ahead, the proposed and cancelled never were).
    assert (result.meetings_held, result.meetings_planned) == (3, 5)
    # completed forms of held meetings: 2 + 1 + 1 (the missed meeting's form does not count).
    assert (result.feedback_answered, result.feedback_expected) == (4, 6)
    mentees, mentors = result.share("satisfied_mentees"), result.share("satisfied_mentors")
    # Asked: the mentees e1 e3 e9 and the mentors m1 m2 m3 of the completed pairs (e6's pair
    # ended early and e2's is active, so their polls do not count). 9 and 7 are satisfied, 6
    # is not; m1 10 is, m2 3 is not, and m3 did not answer: he counts against the share.
    assert (mentees.count, mentees.total, mentees.answered) == (2, 3, 3)
    assert (mentors.count, mentors.total, mentors.answered) == (1, 3, 2)
    assert mentees.share == pytest.approx(2 / 3)
    assert mentors.share == pytest.approx(1 / 3) and mentors.response_rate == pytest.approx(2 / 3)
    assert mentees.target == DEFAULT_TARGETS["satisfied_mentees"] == 0.85


async def test_meetings_feedback_and_satisfaction_per_form(db: Database) -> None:
    _, ids = await build(db)
    result = await service(db).for_organization(ids["a"])
    # By the form of the pair. Student – pupil is the pair m1-e1: held h1 and h2, planned adds
    # the missed one and the confirmed one of 10 March; feedback m1+e1 on h1, e1 on h2 (m1's
    # form of h2 is unfinished); polls e1 9 (satisfied) and m1 10 (satisfied).
    sp = FormFigures(2, 4, 3, Ratio(1, 1, 1), Ratio(1, 1, 1))
    assert result.forms["student_pupil"] == sp
    # Employer – pupil is m2-e3 (h3 held, m2's form), m3-e6 (ended early: not asked) and
    # m3-e9: mentees e3 7 (satisfied) and e9 6 (not); mentors m2 3 (not) and m3 (no answer).
    ep = FormFigures(1, 1, 1, Ratio(1, 2, 2), Ratio(0, 2, 1))
    assert result.forms["employer_pupil"] == ep
    # Teacher – teacher is m1-e2: a meeting still ahead and a proposed one; the pair has not
    # completed, so nobody of it is asked (m1 is asked as the mentor of the student pair).
    empty = FormFigures(0, 0, 0, Ratio(0, 0, 0), Ratio(0, 0, 0))
    assert result.forms["teacher_teacher"] == empty
    assert result.forms["pupil_pupil"] == NO_FIGURES and NO_FIGURES.empty
    assert result.form("own_9") == NO_FIGURES
    assert list(result.forms) == sorted(FORMS)
    # Meetings add up to the totals; people counted in two forms make the polls add up to more.
    employer = result.forms["employer_pupil"]
    assert (employer.feedback_expected, employer.satisfied_mentees.share) == (2, 0.5)
    assert sum(f.meetings_held for f in result.forms.values()) == result.meetings_held == 3
    assert sum(f.meetings_planned for f in result.forms.values()) == result.meetings_planned
    assert sum(f.feedback_answered for f in result.forms.values()) == result.feedback_answered
    assert sum(f.satisfied_mentors.total for f in result.forms.values()) == 3  # m1 m2 m3
    assert result.share("satisfied_mentors").total == 3


async def test_per_form_figures_of_a_summary_fold_the_own_forms(db: Database) -> None:
    s, ids = await build(db)
    b = ids["b"]
    cur_b = int(await db.fetch_value("SELECT id FROM cycles WHERE organization_id = ?", (b,)))
    for org in (ids["a"], b):
        await s.sql(
            "INSERT INTO organization_forms (organization_id, code, title) VALUES (?, 'own_1', ?)",
            (org, f"Своя форма {org}"),
        )
    # B: the pair g1-f1 (teacher – teacher) met once, both gave feedback, both rated 8 and 7.
    pair_b = int(await db.fetch_value("SELECT id FROM pairs WHERE organization_id = ?", (b,)))
    held = await s.meeting(pair_b, "held", "2026-02-10T10:00:00+00:00", "g1")
    for who in ("g1", "f1"):
        await s.response("meeting_feedback", who, f"meeting:{held}", {}, meeting=held)
    await s.response("final_mentee", "f1", f"cycle:{cur_b}", {"satisfaction": 8})
    await s.response("final_mentor", "g1", f"cycle:{cur_b}", {"satisfaction": 7})
    # An own form in each organization, the same mentor k1 of B in two pairs of it.
    await s.person("k1", b, cur_b, "mentor", answers={"form": choice("own_1")})
    for mentee, rating in (("k2", 10), ("k3", 2)):
        await s.person(mentee, b, cur_b, "mentee", answers={"form": choice("own_1")})
        pair = await s.pair(b, cur_b, "k1", mentee, "own_1", completed=True)
        await s.meeting(pair, "missed", "2026-03-01T10:00:00+00:00", "k1")
        await s.response("final_mentee", mentee, f"cycle:{cur_b}", {"satisfaction": rating})
    await s.response("final_mentor", "k1", f"cycle:{cur_b}", {"satisfaction": 9})
    await s.person("j1", ids["a"], ids["cur"], "mentor", answers={"form": choice("own_1")})
    await s.pair(ids["a"], ids["cur"], "j1", "e8", "own_1", completed=True)
    await s.response("final_mentor", "j1", f"cycle:{ids['cur']}", {"satisfaction": 7})

    only_b = await service(db).for_organization(b)
    # k2 10 and k3 2 of the mentees, k1 9 as the mentor of both (once).
    assert only_b.forms["own_1"] == FormFigures(0, 2, 0, Ratio(1, 2, 2), Ratio(1, 1, 1))
    assert only_b.stages["own_1"] == StageCounts(3, 3, 3, 3, 0, 3)  # k1 k2 k3, completed
    assert OWN_FORMS not in only_b.forms

    summary = await service(db).for_organizations([ids["a"], b])
    # Teacher – teacher: A's m1-e2 (no meetings, not completed: nobody asked) and B's g1-f1.
    tt = FormFigures(1, 1, 2, Ratio(1, 1, 1), Ratio(1, 1, 1))
    assert summary.forms["teacher_teacher"] == tt
    sp = FormFigures(2, 4, 3, Ratio(1, 1, 1), Ratio(1, 1, 1))
    assert summary.forms["student_pupil"] == sp
    # own_1 of A and own_1 of B are different forms: shown together, k1 counted once. The
    # mentees asked are e8 (no answer), k2 and k3; the mentors j1 and k1.
    assert "own_1" not in summary.forms and "own_1" not in summary.stages
    own = FormFigures(0, 2, 0, Ratio(1, 3, 2), Ratio(2, 2, 2))
    assert summary.forms[OWN_FORMS] == own
    assert summary.stages[OWN_FORMS] == StageCounts(4, 4, 4, 4, 0, 4)  # and j1 of A
    assert (summary.meetings_held, summary.meetings_planned) == (4, 8)
    assert (summary.feedback_answered, summary.feedback_expected) == (6, 8)
    mentees, mentors = summary.share("satisfied_mentees"), summary.share("satisfied_mentors")
    # e1 e3 f1 k2 satisfied of e1 e3 e9 e8 f1 k2 k3 (e8 did not answer)
    assert (mentees.count, mentees.total, mentees.answered) == (4, 7, 6)
    # m1 j1 g1 k1 satisfied of m1 m2 m3 j1 g1 k1 (m3 did not answer)
    assert (mentors.count, mentors.total, mentors.answered) == (4, 6, 5)


async def test_involvement_shares_against_denominators(db: Database) -> None:
    _, ids = await build(db)
    indicators = service(db)
    before = await indicators.for_organization(ids["a"])
    assert before.share("mentees_10_19").total is None  # not entered yet
    assert before.share("mentees_10_19").share is None
    assert before.missing_denominators == (ids["a"],)

    for name, text in (("pupils_10_19", "400"), ("youth_15_19", "1 00"),
                       ("young_teachers", "10"), ("enterprises", "5")):  # fmt: skip
        assert await indicators.set_denominator(ids["a"], name, text, CURATOR_A) == int(
            text.replace(" ", "")
        )
    assert await indicators.set_target(ids["a"], "mentees_10_19", "50 %", CURATOR_A) == 0.5
    result = await indicators.for_organization(ids["a"])
    shares = {s.key: (s.count, s.completed, s.total, s.target) for s in result.shares}
    # Entered the cycle (every pair of it started in it): mentees e1 (12 on 10 January, the day
    # the pair started), e3 (15), e2 (28), e6 (26), e9 (35); completed: e1 e3 e9.
    assert shares["mentees_10_19"] == (2, 2, 400, 0.5)
    # m2 was 16; m1 and m3 are adults whose birth date and year nobody gave: unknown.
    assert shares["mentors_15_19"] == (1, 1, 100, 0.10)
    assert (result.mentors_age_unknown, result.mentors_age_ambiguous) == (2, 0)
    # e2 is a young teacher who entered; her pair has not completed the program.
    assert shares["young_teachers"] == (1, 0, 10, 0.70)
    # m2 and m3 typed the same enterprise differently; one enterprise entered and completed.
    assert shares["enterprises"] == (1, 1, 5, 0.30)
    assert result.share("mentees_10_19").completed_title is not None
    assert result.target_year == 2026
    assert result.share("enterprises").share == pytest.approx(0.2)
    assert result.missing_denominators == ()
    assert result.denominator_year == 2025


async def test_summary_sums_two_organizations(db: Database) -> None:
    _, ids = await build(db)
    indicators = service(db)
    for org, curator, values in ((ids["a"], CURATOR_A, (400, 100, 10, 5)),
                                 (ids["b"], CURATOR_B, (1000, 50, 4, 3))):  # fmt: skip
        for name, value in zip(
            ("pupils_10_19", "youth_15_19", "young_teachers", "enterprises"), values, strict=True
        ):
            await indicators.set_denominator(org, name, str(value), curator)
    await indicators.set_target(ids["a"], "mentees_10_19", "50", CURATOR_A)
    await indicators.add_coordinator(COORDINATOR, ids["a"])
    await indicators.add_coordinator(COORDINATOR, ids["b"])

    summary = await indicators.summary_for(COORDINATOR, is_admin=False)
    assert summary is not None
    assert summary.organization_ids == (ids["a"], ids["b"])
    assert summary.stages[None] == StageCounts(14, 12, 11, 11, 2, 8)
    assert summary.stages["teacher_teacher"] == StageCounts(3, 3, 3, 3, 1, 2)
    young = summary.share("young_teachers")
    assert (young.count, young.completed, young.total) == (2, 1, 14)  # e2 of A entered, f1 of B
    mentees = summary.share("mentees_10_19")
    assert (mentees.count, mentees.total) == (2, 1400)
    assert mentees.target == pytest.approx((0.5 + 0.7) / 2)
    # An administrator covers every organization.
    admin = await indicators.summary_for(4242, is_admin=True)
    assert admin is not None and admin.stages[None] == summary.stages[None]


async def test_a_missing_denominator_makes_the_sum_unknown(db: Database) -> None:
    _, ids = await build(db)
    indicators = service(db)
    await indicators.set_denominator(ids["a"], "pupils_10_19", "400", CURATOR_A)
    summary = await indicators.for_organizations([ids["a"], ids["b"]])
    assert summary.share("mentees_10_19").total is None
    assert summary.missing_denominators == (ids["a"], ids["b"])  # A has one of four only


async def test_only_the_right_people_see_the_figures(db: Database) -> None:
    _, ids = await build(db)
    indicators = service(db)
    await indicators.add_coordinator(COORDINATOR, ids["b"])
    assert await indicators.for_viewer(CURATOR_A, ids["a"], is_admin=False) is not None
    assert await indicators.for_viewer(CURATOR_B, ids["a"], is_admin=False) is None
    assert await indicators.for_viewer(PUPIL, ids["a"], is_admin=False) is None
    assert await indicators.for_viewer(COORDINATOR, ids["a"], is_admin=False) is None
    assert await indicators.for_viewer(COORDINATOR, ids["b"], is_admin=False) is not None
    assert await indicators.summary_for(PUPIL, is_admin=False) is None
    assert await indicators.summary_for(CURATOR_A, is_admin=False) is None
    viewer = await indicators.viewer(PUPIL, is_admin=False)
    assert not viewer.allowed
    # Only the organization's own curator changes its numbers.
    problem = await indicators.set_denominator(ids["a"], "pupils_10_19", "5", CURATOR_B)
    assert problem is InputProblem.NOT_ALLOWED
    assert await indicators.denominators(ids["a"]) is None


async def test_denominators_are_validated_and_kept_per_school_year(db: Database) -> None:
    _, ids = await build(db)
    clock = ManualClock(NOW)
    indicators = service(db, clock)
    for bad, problem in (("много", InputProblem.NOT_A_NUMBER), ("-5", InputProblem.NOT_A_NUMBER),
                         ("12.5", InputProblem.NOT_A_NUMBER), ("", InputProblem.NOT_A_NUMBER),
                         ("2000001", InputProblem.OUT_OF_RANGE),
                         ("99999999999999999999", InputProblem.OUT_OF_RANGE)):  # fmt: skip
        assert await indicators.set_denominator(ids["a"], "pupils_10_19", bad, CURATOR_A) is (
            problem
        )
    assert await indicators.set_denominator(ids["a"], "nonsense", "5", CURATOR_A) is (
        InputProblem.UNKNOWN_FIELD
    )
    assert await indicators.denominators(ids["a"]) is None
    assert await indicators.set_denominator(ids["a"], "pupils_10_19", "1 200", CURATOR_A) == 1200
    assert await indicators.set_denominator(ids["a"], "enterprises", "0", CURATOR_A) == 0
    row = await indicators.denominators(ids["a"])
    assert row is not None and row.school_year == 2025
    assert row.values == {"pupils_10_19": 1200, "youth_15_19": None, "young_teachers": None,
                          "enterprises": 0}  # fmt: skip
    # A zero denominator gives no share rather than a division by zero.
    result = await indicators.for_organization(ids["a"])
    assert result.share("enterprises").total == 0 and result.share("enterprises").share is None

    # In September a new school year starts: last year's numbers still apply until changed,
    # and changing one keeps the others.
    clock.advance(datetime(2026, 9, 2, tzinfo=UTC) - NOW)
    assert (await indicators.denominators(ids["a"])).school_year == 2025  # type: ignore[union-attr]
    await indicators.set_denominator(ids["a"], "youth_15_19", "80", CURATOR_A)
    row = await indicators.denominators(ids["a"])
    assert row is not None and row.school_year == 2026
    assert row.values["pupils_10_19"] == 1200 and row.values["youth_15_19"] == 80
    count = await db.fetch_value("SELECT count(*) FROM denominators")
    assert count == 2


def test_parsing_helpers() -> None:
    assert parse_count(" 850 ") == 850 and parse_count("1\u00a0000") == 1000
    assert parse_percent("70") == 0.7 and parse_percent("72,5%") == 0.725
    assert parse_percent("0") is InputProblem.OUT_OF_RANGE
    assert parse_percent("101") is InputProblem.OUT_OF_RANGE
    assert parse_percent("семьдесят") is InputProblem.NOT_A_NUMBER
    assert school_year_of(datetime(2026, 8, 31).date()) == 2025
    assert school_year_of(datetime(2026, 9, 1).date()) == 2026
    assert enterprise_key(" ООО  «Ромашка» ") == enterprise_key('ооо "ромашка"') == "ромашка"


async def test_monitoring_report_counts_only_those_who_answered_both(db: Database) -> None:
    s, ids = await build(db)
    cur = ids["cur"]
    before, after = f"before:{cur}", f"after:{cur}"
    await s.response("monitoring_pupil", "e1", before, {"engagement": 2, "anxiety": 4})
    await s.response("monitoring_pupil", "e1", after, {"engagement": 4, "anxiety": 2})
    await s.response("monitoring_pupil", "e6", before, {"engagement": 3, "anxiety": None})
    await s.response("monitoring_pupil", "e6", after, {"engagement": 5, "anxiety": 3})
    await s.response("monitoring_pupil", "e3", before, {"engagement": 1, "anxiety": 5})
    await s.response("monitoring_pupil", "e8", before, {"engagement": 1, "anxiety": 1})
    await s.response("monitoring_pupil", "e8", after, {"engagement": 5}, completed=False)
    await s.response("monitoring_employer", "m2", before, {"success": 2})
    await s.response("monitoring_employer", "m2", after, {"success": 5})
    parameters = {
        "monitoring_pupil": [("engagement", "Engagement"), ("anxiety", "Anxiety")],
        "monitoring_employer": [("success", "Success")],
    }
    report = MonitoringReportService(ReportRepository(db), parameters)
    rows = {(r.form, r.parameter): r for r in await report.rows(ids["a"])}
    engagement = rows[(None, "engagement")]
    assert (engagement.answered_both, engagement.before, engagement.after) == (2, 2.5, 4.5)
    assert engagement.change == pytest.approx(2.0)
    anxiety = rows[(None, "anxiety")]  # e6 skipped it before: only e1
    assert (anxiety.answered_both, anxiety.before, anxiety.after, anxiety.change) == (
        1, 4.0, 2.0, -2.0,
    )  # fmt: skip
    assert rows[("student_pupil", "engagement")].answered_both == 2
    assert rows[("employer_pupil", "success")].change == pytest.approx(3.0)
    assert ("employer_pupil", "engagement") not in rows  # e3 answered before only
    assert rows[(None, "success")].questionnaire == "monitoring_employer"
    # Organization B has no answers at all; the real parameters come from dialogs.monitoring.
    assert await MonitoringReportService(ReportRepository(db)).rows(ids["b"]) == []
    defaults = default_parameters()
    assert "engagement" in dict(defaults["monitoring_pupil"])


def test_the_chart_is_a_png() -> None:
    bars = [
        ChartBar("Дети 10–19 лет", 0.05, 0.7, "20 / 400"),
        ChartBar("Предприятия", None, 0.3, "нет данных"),
        ChartBar("Удовлетворённые наставляемые", 0.9, 0.85, "9 / 10"),
    ]
    png = render_chart(bars, title="Показатели", target_label="цель", value_label="%")
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    assert png[12:16] == b"IHDR" and width > 600 and height > 200
    import io

    from matplotlib import image

    pixels = image.imread(io.BytesIO(png), format="png")
    assert pixels.shape[0] == height and pixels.shape[1] == width
