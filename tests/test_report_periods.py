"""The indicators by period and by the documents' definitions, counted by hand.

One school with two cycles, written straight into the tables, so every figure below is known
without asking the code that counts:

    cycle 1: 1 September 2025, closed 31 May 2026        cycle 2: open since 1 September 2026

    pair  mentor         mentee            started     ended       completed  cycle
    P1    M1 (adult)     A (b. 2013-02-01)  2025-09-15  2026-05-20  yes        1
    P2    M1             B (b. 2012-10-10)  2025-10-01  2025-12-20  yes        1
    P3    M2 (b. 2009)   C (b. 2011-01-01)  2026-02-01  2026-03-01  no         1
    P4    M2             D (b. 2014-05-05)  2026-09-10  —           —          2
    P5    M3 (year 2006) E (b. 2010-01-01)  2026-10-01  2026-12-15  yes        2

M1 gave no date or year of birth (unknown); M3 gave only the year 2006 (20 in 2026: 19 or 20 on
the day he entered, ambiguous). Final polls: A 8 and M1 9 (cycle 1), B did not answer; E 10
(cycle 2), M3 did not answer. Meetings held: P1 on 5 October 2025 (acquaintance) and 20
January 2026 (planning), P3 on 10 February 2026, P5 on 10 October 2026; P4 missed one on
1 November 2026.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.clock import to_db
from bot.cycles import completes_program
from bot.models.periods import Period
from bot.reports.export_book import translator
from bot.reports.indicator_figures import Indicators, indicators_from_json, indicators_to_json
from bot.reports.indicators import IndicatorService
from bot.reports.monitoring import MonitoringReportService
from bot.reports.period_text import cycle_span, period_label
from bot.reports.targets import DEFAULT_TARGETS, default_target
from bot.schedule import MeetingKind
from handlers.cycle_views import CycleAct, CycleStep
from storage.database import Database
from storage.migrations import load_migrations, migrate
from storage.repositories.coordinators import MunicipalityRepository
from storage.repositories.denominators import DenominatorRepository
from storage.repositories.organizations import OrganizationRepository
from storage.repositories.reports import CoordinatorRepository, ReportRepository
from tests.clock import ManualClock
from tests.inprocess import Harness
from tests.test_indicators import CURATOR_A, CURATOR_B, build

NOW = datetime(2027, 1, 15, 9, 0, tzinfo=UTC)
CURATOR = 700


class School:
    def __init__(self, db: Database) -> None:
        self.db = db
        self.ids: dict[str, int] = {}
        self._telegram = 5000

    async def sql(self, statement: str, params: tuple[Any, ...] = ()) -> int:
        async with self.db.transaction() as tx:
            return await tx.execute(statement, params)

    async def organization(self, name: str = "Школа № 7", curator: int = CURATOR) -> int:
        org = await self.sql(
            "INSERT INTO organizations (name, timezone, created_at) VALUES (?, 'Europe/Moscow', ?)",
            (name, "2025-08-01T00:00:00+00:00"),
        )
        await self.sql(
            "INSERT INTO organization_forms (organization_id, code) VALUES (?, 'pupil_pupil')",
            (org,),
        )
        await self.sql(
            "INSERT INTO curators (telegram_id, organization_id, added_at) VALUES (?, ?, ?)",
            (curator, org, "2025-08-01T00:00:00+00:00"),
        )
        return org

    async def cycle(self, org: int, number: int, started: str, closed: str | None) -> int:
        return await self.sql(
            "INSERT INTO cycles (organization_id, number, started_on, closed_at) "
            "VALUES (?, ?, ?, ?)",
            (org, number, started, closed),
        )

    async def person(
        self,
        name: str,
        org: int,
        cycle: int,
        role: str,
        joined: str,
        *,
        birth: str | None = None,
        birth_year: int | None = None,
    ) -> int:
        self._telegram += 1
        age_group = "adult" if birth is None else "child"
        pid = await self.sql(
            "INSERT INTO participants (organization_id, telegram_id, role, age_group, "
            "birth_date, joined_at, confirmed_at, cycle_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (org, self._telegram, role, age_group, birth, f"{joined}T08:00:00+00:00",
             f"{joined}T09:00:00+00:00", cycle),
        )  # fmt: skip
        kind = "representative" if age_group == "child" else "self"
        await self.sql(
            "INSERT INTO consents (participant_id, kind, given_by, representative_name, "
            "text_version, text_sha256, locale, given_at) VALUES (?, ?, 1, ?, 'v', ?, 'ru', ?)",
            (pid, kind, "Мама" if kind == "representative" else None, "0" * 64, joined),
        )
        answers = {"form": json.dumps({"choice": "pupil_pupil", "other": None})}
        if birth_year is not None:
            answers["birth_year"] = json.dumps(birth_year)
        for key, value in answers.items():
            await self.sql(
                "INSERT INTO answers (participant_id, question, value, answered_at) "
                "VALUES (?, ?, ?, ?)",
                (pid, key, value, joined),
            )
        self.ids[name] = pid
        return pid

    async def pair(
        self,
        org: int,
        cycle: int,
        mentor: str,
        mentee: str,
        started: str,
        ended: str | None = None,
        *,
        completed: bool = False,
    ) -> int:
        return await self.sql(
            "INSERT INTO pairs (organization_id, mentor_id, mentee_id, form, started_on, "
            "ended_on, created_at, cycle_id, completed) "
            "VALUES (?, ?, ?, 'pupil_pupil', ?, ?, ?, ?, ?)",
            (org, self.ids[mentor], self.ids[mentee], started, ended,
             f"{started}T08:00:00+00:00", cycle, int(completed)),
        )  # fmt: skip

    async def meeting(self, pair: int, kind: str, status: str, day: str) -> int:
        proposer = await self.db.fetch_value("SELECT mentor_id FROM pairs WHERE id = ?", (pair,))
        return await self.sql(
            "INSERT INTO meetings (pair_id, kind, status, starts_at, meeting_format, place, "
            "proposed_by, created_at) VALUES (?, ?, ?, ?, 'online', 'Каб. 5', ?, ?)",
            (pair, kind, status, f"{day}T10:00:00+00:00", proposer, f"{day}T08:00:00+00:00"),
        )

    async def response(
        self, form: str, who: str, subject: str, answers: dict[str, Any], day: str
    ) -> None:
        moment = f"{day}T12:00:00+00:00"
        await self.sql(
            "INSERT INTO responses (form, participant_id, subject, answers, started_at, "
            "updated_at, completed_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (form, self.ids[who], subject, json.dumps(answers), moment, moment, moment),
        )

    async def denominators(self, org: int, school_year: int, pupils: int, youth: int) -> None:
        await self.sql(
            "INSERT INTO denominators (organization_id, school_year, pupils_10_19, youth_15_19, "
            "young_teachers, enterprises, entered_by, entered_at) "
            "VALUES (?, ?, ?, ?, 5, 2, ?, ?)",
            (org, school_year, pupils, youth, CURATOR, to_db(NOW)),
        )


def service(db: Database, now: datetime = NOW) -> IndicatorService:
    return IndicatorService(
        ReportRepository(db),
        DenominatorRepository(db),
        CoordinatorRepository(db),
        OrganizationRepository(db),
        ManualClock(now),
    )


async def two_cycles(db: Database) -> tuple[School, dict[str, int]]:
    s = School(db)
    org = await s.organization()
    c1 = await s.cycle(org, 1, "2025-09-01", "2026-05-31T15:00:00+00:00")
    c2 = await s.cycle(org, 2, "2026-09-01", None)
    await s.person("M1", org, c1, "mentor", "2025-09-05")
    await s.person("A", org, c1, "mentee", "2025-09-05", birth="2013-02-01")
    await s.person("B", org, c1, "mentee", "2025-09-05", birth="2012-10-10")
    await s.person("C", org, c1, "mentee", "2026-01-20", birth="2011-01-01")
    await s.person("M2", org, c2, "mentor", "2026-01-20", birth="2009-03-01")  # carried over
    await s.person("D", org, c2, "mentee", "2026-09-05", birth="2014-05-05")
    await s.person("E", org, c2, "mentee", "2026-09-20", birth="2010-01-01")
    await s.person("M3", org, c2, "mentor", "2026-09-20", birth_year=2006)
    p1 = await s.pair(org, c1, "M1", "A", "2025-09-15", "2026-05-20", completed=True)
    await s.pair(org, c1, "M1", "B", "2025-10-01", "2025-12-20", completed=True)
    p3 = await s.pair(org, c1, "M2", "C", "2026-02-01", "2026-03-01")
    p4 = await s.pair(org, c2, "M2", "D", "2026-09-10")
    p5 = await s.pair(org, c2, "M3", "E", "2026-10-01", "2026-12-15", completed=True)
    await s.meeting(p1, "acquaintance", "held", "2025-10-05")
    await s.meeting(p1, "planning", "held", "2026-01-20")
    await s.meeting(p3, "regular", "held", "2026-02-10")
    await s.meeting(p5, "regular", "held", "2026-10-10")
    await s.meeting(p4, "acquaintance", "missed", "2026-11-01")
    await s.response("final_mentee", "A", f"cycle:{c1}", {"satisfaction": 8}, "2026-05-25")
    await s.response("final_mentor", "M1", f"cycle:{c1}", {"satisfaction": 9}, "2026-05-25")
    await s.response("final_mentee", "E", f"cycle:{c2}", {"satisfaction": 10}, "2026-12-20")
    await s.denominators(org, 2025, 100, 50)
    await s.denominators(org, 2026, 200, 40)
    return s, {"org": org, "c1": c1, "c2": c2}


def figures(result: Indicators) -> dict[str, Any]:
    """What the test compares: per share (entered, completed, total, target) or, for
    satisfaction, (satisfied, asked, answered, target); and a few other counts."""
    found: dict[str, Any] = {}
    for share in result.shares:
        if share.key.startswith("satisfied"):
            found[share.key] = (share.count, share.total, share.answered, share.target)
        else:
            found[share.key] = (share.count, share.completed, share.total, share.target)
    found["mentors_age"] = (result.mentors_age_unknown, result.mentors_age_ambiguous)
    found["meetings"] = (result.meetings_held, result.meetings_planned)
    found["invited"] = result.stages[None].invited
    return found


async def test_a_cycle_a_school_year_a_calendar_year_and_a_range(db: Database) -> None:
    _, ids = await two_cycles(db)
    reports = service(db)
    org = ids["org"]

    cycle_1 = figures(await reports.for_organization(org, Period.cycle(ids["c1"])))
    # Entered cycle 1: A (12 on 15 September 2025), B (12), C (15); completed: A, B. Mentors:
    # M2 was 16 on 1 February 2026; M1's age is unknown. Asked the final poll: A (8), B (no
    # answer); M1 (9). Closed on 31 May 2026: targets of 2026, denominators of 2025/26.
    assert cycle_1["mentees_10_19"] == (3, 2, 100, 0.70)
    assert cycle_1["mentors_15_19"] == (1, 0, 50, 0.10)
    assert cycle_1["mentors_age"] == (1, 0)
    assert cycle_1["satisfied_mentees"] == (1, 2, 1, 0.85)
    assert cycle_1["satisfied_mentors"] == (1, 1, 1, 0.85)
    assert cycle_1["meetings"] == (3, 3)
    assert cycle_1["invited"] == 4  # M1 A B C (M2 was carried into cycle 2)

    school_year = figures(await reports.for_organization(org, Period.school_year(2025)))
    # 1 September 2025 - 31 August 2026: the same pairs as cycle 1 started and completed; M2
    # joined in it too. Targets of 2026 (the year it ends), denominators of 2025/26.
    assert school_year["mentees_10_19"] == (3, 2, 100, 0.70)
    assert school_year["mentors_15_19"] == (1, 0, 50, 0.10)
    assert school_year["satisfied_mentees"] == (1, 2, 1, 0.85)
    assert school_year["meetings"] == (3, 3)
    assert school_year["invited"] == 5

    year = figures(await reports.for_organization(org, Period.calendar_year(2026)))
    # Entered in 2026: C (15), D (12 on 10 September), E (16 on 1 October); completed in 2026:
    # A (P1 ended 20 May) and E (P5, 15 December). Mentors entered: M2 (16), M3 (born 2006:
    # 19 or 20, ambiguous); completed: M1 (unknown) and M3. Polls of the cycles of P1 and P5:
    # A 8 and E 10 of A and E; M1 9 of M1 and M3 (no answer). Denominators of 2026/27.
    assert year["mentees_10_19"] == (3, 2, 200, 0.70)
    assert year["mentors_15_19"] == (1, 0, 40, 0.10)
    assert year["mentors_age"] == (0, 1)
    assert year["satisfied_mentees"] == (2, 2, 2, 0.85)
    assert year["satisfied_mentors"] == (1, 2, 1, 0.85)
    assert year["meetings"] == (3, 4)  # 20 Jan, 10 Feb, 10 Oct held; 1 Nov missed
    assert year["invited"] == 5  # C M2 D E M3

    winter = figures(
        await reports.for_organization(org, Period.between(date(2025, 12, 1), date(2026, 2, 15)))
    )
    # Entered: C (P3, 1 February); completed: B (P2 ended 20 December), asked but silent; M1
    # completed with her and rated 9; M2 entered. Denominators of 2025/26.
    assert winter["mentees_10_19"] == (1, 1, 100, 0.70)
    assert winter["mentors_15_19"] == (1, 0, 50, 0.10)
    assert winter["mentors_age"] == (0, 0)
    assert winter["satisfied_mentees"] == (0, 1, 0, 0.85)
    assert winter["satisfied_mentors"] == (1, 1, 1, 0.85)
    assert winter["meetings"] == (2, 2)
    assert winter["invited"] == 2  # C M2

    current = await reports.for_organization(org)
    now = figures(current)
    # The open cycle 2 on 15 January 2027: entered D, E; completed E; targets of 2027.
    assert now["mentees_10_19"] == (2, 1, 200, 0.70)
    assert now["mentors_age"] == (0, 1)
    assert now["satisfied_mentees"] == (1, 1, 1, 0.85)
    assert now["meetings"] == (1, 2)
    assert current.period == Period.current_cycle() and current.target_year == 2027
    assert current.as_of is None  # counted live


async def test_satisfaction_divides_by_everyone_asked(db: Database) -> None:
    s, ids = await two_cycles(db)
    # Two more mentees complete in cycle 2: one rates 3, one leaves the rating out.
    org, c2 = ids["org"], ids["c2"]
    for name, answers in (("F", {"satisfaction": 3}), ("G", {"satisfaction": None})):
        await s.person(name, org, c2, "mentee", "2026-09-20", birth="2012-01-01")
        await s.pair(org, c2, "M3", name, "2026-10-01", "2026-12-15", completed=True)
        await s.response("final_mentee", name, f"cycle:{c2}", answers, "2026-12-20")
    result = await service(db).for_organization(org)
    mentees = result.share("satisfied_mentees")
    # E 10 satisfied; F 3 not; G answered without a rating: asked 3, rated 2.
    assert (mentees.count, mentees.total, mentees.answered) == (1, 3, 2)
    assert mentees.share == pytest.approx(1 / 3)
    assert mentees.response_rate == pytest.approx(2 / 3)
    mentors = result.share("satisfied_mentors")
    assert (mentors.count, mentors.total, mentors.answered) == (0, 1, 0)  # M3, once
    assert mentors.response_rate == 0
    assert result.form("pupil_pupil").satisfied_mentees.answered == 2


async def test_stepped_targets_per_year() -> None:
    assert [default_target("mentees_10_19", y) for y in range(2019, 2027)] == [
        0.10, 0.10, 0.20, 0.35, 0.50, 0.70, 0.70, 0.70,
    ]  # fmt: skip
    # The federal 2020 and 2024 values, at the letter's pace in between.
    assert default_target("satisfied_mentors", 2020) == 0.50
    assert default_target("satisfied_mentors", 2022) == pytest.approx(0.646)
    assert default_target("satisfied_mentors", 2025) == DEFAULT_TARGETS["satisfied_mentors"]
    assert default_target("enterprises", 2018) == 0.02
    assert default_target("young_teachers", 2023) == 0.50


async def test_a_report_compares_with_its_year_and_the_curators_own_targets(
    db: Database,
) -> None:
    _, ids = await two_cycles(db)
    org = ids["org"]
    reports = service(db)
    # The stepped defaults: a range in 2021 against 20 %, a school year 2021/22 against 35 %.
    in_2021 = await reports.for_organization(
        org, Period.between(date(2021, 3, 1), date(2021, 5, 1))
    )
    assert in_2021.target_year == 2021 and in_2021.share("mentees_10_19").target == 0.20
    sy = await reports.for_organization(org, Period.school_year(2021))
    assert sy.target_year == 2022 and sy.share("mentees_10_19").target == 0.35
    # The curator's own target of 2026 counts for 2026 only; this year (2027) keeps the default.
    assert await reports.set_target(org, "mentees_10_19", "40", CURATOR, year=2026) == 0.4
    year = await reports.for_organization(org, Period.calendar_year(2026))
    assert year.share("mentees_10_19").target == 0.4
    assert (await reports.for_organization(org)).share("mentees_10_19").target == 0.70
    assert (await reports.targets(org, 2026))["mentees_10_19"] == 0.4
    # Without a year, the target is this year's.
    assert await reports.set_target(org, "enterprises", "12", CURATOR) == 0.12
    assert (await reports.targets(org))["enterprises"] == 0.12
    assert (await reports.targets(org, 2026))["enterprises"] == 0.30
    # A target kept from before targets had years counts for every year without its own.
    await db.run_script_atomically(
        f"INSERT INTO indicator_targets (organization_id, indicator, year, target) "
        f"VALUES ({org}, 'satisfied_mentees', NULL, 0.6);"
    )
    assert (await reports.targets(org, 2022))["satisfied_mentees"] == 0.6
    await reports.set_target(org, "satisfied_mentees", "90", CURATOR, year=2022)
    assert (await reports.targets(org, 2022))["satisfied_mentees"] == 0.9
    assert (await reports.targets(org, 2023))["satisfied_mentees"] == 0.6


async def test_old_targets_become_the_targets_of_every_year(tmp_path: Path) -> None:
    database = Database(tmp_path / "old.sqlite3")
    await database.connect()
    try:
        migrations = load_migrations()
        await migrate(database, [m for m in migrations if m.version < 16])
        org = await School(database).organization()
        await database.run_script_atomically(
            "INSERT INTO indicator_targets (organization_id, indicator, target) "
            f"VALUES ({org}, 'mentees_10_19', 0.5);"
        )
        await migrate(database, migrations)
        row = await database.fetch_one("SELECT year, target FROM indicator_targets")
        assert row is not None and (row["year"], row["target"]) == (None, 0.5)
        reports = service(database)
        for year in (2021, 2027):
            assert (await reports.targets(org, year))["mentees_10_19"] == 0.5
    finally:
        await database.close()


async def test_mentor_ages_from_a_year_of_birth(db: Database) -> None:
    s = School(db)
    org = await s.organization()
    cycle = await s.cycle(org, 1, "2026-09-01", None)
    # Entering on 1 October 2026: born 2010 is 15 or 16 (in), 2011 is 14 or 15 (ambiguous),
    # 2007 is 18 or 19 (in), 2006 is 19 or 20 (ambiguous), 2000 is 25 or 26 (out); N has
    # nothing (unknown); Q has a full date (exactly 19).
    years = {"J": 2010, "K": 2011, "L": 2007, "M": 2006, "O": 2000}
    for name, born in years.items():
        await s.person(name, org, cycle, "mentor", "2026-09-20", birth_year=born)
    await s.person("N", org, cycle, "mentor", "2026-09-20")
    await s.person("Q", org, cycle, "mentor", "2026-09-20", birth="2007-09-30")
    for number, mentor in enumerate([*years, "N", "Q"]):
        await s.person(f"e{number}", org, cycle, "mentee", "2026-09-20", birth="2013-01-01")
        await s.pair(org, cycle, mentor, f"e{number}", "2026-10-01")
    result = await service(db).for_organization(org)
    share = result.share("mentors_15_19")
    assert (share.count, share.completed) == (3, 0)  # J L Q; no pair has completed
    assert (result.mentors_age_unknown, result.mentors_age_ambiguous) == (1, 2)  # N; K M


def test_the_completion_rule() -> None:
    assert not completes_program([])
    assert not completes_program([MeetingKind.ACQUAINTANCE])  # met once
    assert not completes_program(["acquaintance", "trial"])
    assert completes_program(["acquaintance", "trial", "planning"])
    assert completes_program(["regular"])  # a regular meeting comes after planning
    assert completes_program(["acquaintance", "final"])  # the final meeting always
    assert not completes_program(["planning"], MeetingKind.REGULAR)
    assert completes_program(["acquaintance"], "acquaintance")  # e.g. speed mentoring


async def test_finish_now_completes_only_pairs_past_the_forms_minimum(harness: Harness) -> None:
    s = School(harness.app.db)
    org = await s.organization()
    services = harness.app.services
    cycle = (await services.cycles.current(org)).id
    met: dict[str, list[str]] = {
        "once": ["acquaintance"],
        "planned": ["acquaintance", "trial", "planning"],
        "never": [],
        "regular": ["acquaintance", "trial", "planning", "regular"],
    }
    pairs: dict[str, int] = {}
    for number, (name, kinds) in enumerate(met.items()):
        form = "teacher_teacher" if name == "regular" else "pupil_pupil"
        await s.person(f"m{number}", org, cycle, "mentor", "2026-01-10")
        await s.person(f"e{number}", org, cycle, "mentee", "2026-01-10", birth="2013-01-01")
        pairs[name] = await s.pair(org, cycle, f"m{number}", f"e{number}", "2026-01-15")
        await s.sql("UPDATE pairs SET form = ? WHERE id = ?", (form, pairs[name]))
        for day, kind in enumerate(kinds, start=1):
            await s.meeting(pairs[name], kind, "held", f"2026-02-{day:02d}")
    # Teacher – teacher pairs of this school need a regular meeting; the one above has one.
    await services.cycles.set_completion_minimum(org, "teacher_teacher", MeetingKind.REGULAR)
    assert await services.cycles.completion_minimum(org, "teacher_teacher") == "regular"
    assert await services.cycles.completion_minimum(org, "pupil_pupil") == "planning"
    await services.cycles.start_closing(org)
    report = await services.cycles.finish_now(org)
    assert not isinstance(report, str)
    assert (report.completed, report.not_completed) == (2, 2)
    rows = await harness.app.db.fetch_all("SELECT id, completed, end_reason FROM pairs")
    done = {r["id"]: bool(r["completed"]) for r in rows}
    assert done == {pairs["once"]: False, pairs["planned"]: True, pairs["never"]: False,
                    pairs["regular"]: True}  # fmt: skip


async def test_before_finishing_the_curator_reads_the_rule_the_finish_applies(
    harness: Harness,
) -> None:
    """«Finish the cycle now?» says what :func:`completes_program` decides: a pair that only
    got acquainted does not complete the program (the question used to promise completion to
    every pair that had met once)."""
    s = School(harness.app.db)
    org = await s.organization()
    cycle = (await harness.app.services.cycles.current(org)).id
    await s.person("m", org, cycle, "mentor", "2026-01-10")
    await s.person("e", org, cycle, "mentee", "2026-01-10", birth="2013-01-01")
    await s.pair(org, cycle, "m", "e", "2026-01-15")
    await harness.app.services.cycles.start_closing(org)
    asked = (await harness.press(CURATOR, CycleAct(action=CycleStep.FINISH).pack()))[-1].text
    assert "Завершить цикл сейчас? 1 пара" in asked
    assert "по умолчанию — встреча-планирование" in asked and "только знакомство" in asked
    assert "хотя бы одна встреча" not in asked


async def test_a_closed_cycle_keeps_its_figures(harness: Harness) -> None:
    db = harness.app.db
    services = harness.app.services
    s = School(db)
    org = await s.organization()
    cycle = (await services.cycles.current(org)).id
    await s.person("M", org, cycle, "mentor", "2026-01-10", birth="2009-01-01")
    for name in ("A", "B"):
        await s.person(name, org, cycle, "mentee", "2026-01-10", birth="2013-01-01")
        pair = await s.pair(org, cycle, "M", name, "2026-01-15", "2026-03-01", completed=True)
        await s.meeting(pair, "final", "held", "2026-02-27")
        await s.response("final_mentee", name, f"cycle:{cycle}", {"satisfaction": 9}, "2026-03-02")
    await s.person("W", org, cycle, "mentee", "2026-02-01", birth="2014-01-01")  # waiting
    before = await services.indicators.for_organization(org)
    assert before.share("mentees_10_19").count == 2 and before.stages[None].invited == 4

    await services.cycles.start_closing(org)
    new = await services.cycles.start_new(org, CURATOR)
    assert not isinstance(new, str)
    closed = Period.cycle(cycle)
    kept = await services.indicators.for_organization(org, closed)
    assert kept.as_of == harness.clock.now() and kept.snapshot and kept.period == closed
    assert replace(kept, period=before.period, as_of=None) == before

    # Later: the waiting mentee went on into the new cycle, and a mentee withdraws (her rows
    # are deleted). Counted again, the closed cycle would show less; its report does not.
    await s.sql("DELETE FROM participants WHERE id = ?", (s.ids["A"],))
    live = indicators_from_json(
        await services.indicators.closing_figures(org, cycle), closed, harness.clock.now()
    )
    assert live.share("mentees_10_19").count == 1 and live.stages[None].invited == 2
    again = await services.indicators.for_organization(org, closed)
    assert again == kept
    assert (await services.indicators.per_organization([org], closed))[org] == kept
    # The new cycle is counted live.
    assert (await services.indicators.for_organization(org)).as_of is None


async def test_a_cycle_ends_the_day_it_began_closing(harness: Harness) -> None:
    """Cycle 1 runs from September to May; the curator closes it on 25 May and opens cycle 2
    on 1 September (when cycle 1's ``closed_at`` is set and its figures are stored). Cycle 1 is
    of the school year 2025/26: its figures divide by that year's numbers (not 2026/27's,
    entered in August), and it is named as ending on 25 May, not on the day cycle 2 began."""
    db, services, clock = harness.app.db, harness.app.services, harness.clock
    s = School(db)
    org = await s.organization()
    cycle = (await services.cycles.current(org)).id
    await s.sql("UPDATE cycles SET started_on = '2025-09-01' WHERE id = ?", (cycle,))
    await s.person("M", org, cycle, "mentor", "2025-09-10", birth="2009-01-01")
    await s.person("A", org, cycle, "mentee", "2025-09-10", birth="2013-01-01")
    await s.pair(org, cycle, "M", "A", "2025-09-15", "2026-05-20", completed=True)
    await s.denominators(org, 2025, 100, 50)
    await s.denominators(org, 2026, 200, 40)

    clock.advance(datetime(2026, 5, 25, 7, 0, tzinfo=UTC) - clock.now())
    assert not isinstance(await services.cycles.start_closing(org), str)
    clock.advance(datetime(2026, 9, 1, 7, 0, tzinfo=UTC) - clock.now())
    assert not isinstance(await services.cycles.start_new(org, CURATOR), str)

    stored = await services.indicators.for_organization(org, Period.cycle(cycle))
    assert stored.snapshot and stored.target_year == 2026 and stored.denominator_year == 2025
    assert stored.share("mentees_10_19").total == 100
    # Counted again (a cycle closed before figures were stored), the same year's numbers.
    again = indicators_from_json(
        await services.indicators.closing_figures(org, cycle), Period.cycle(cycle), clock.now()
    )
    assert again.denominator_year == 2025 and again.share("mentees_10_19").total == 100
    (closed,) = [c for c in await services.cycles.of_organization(org) if c.id == cycle]
    span = cycle_span(closed, "Europe/Moscow")
    assert span.end == date(2026, 5, 25)
    label = period_label(Period.cycle(cycle), translator("ru"), span)
    assert label == "цикл 1 (01.09.2025 – 25.05.2026)"


def test_stored_figures_read_back_the_same() -> None:
    # Every field of the indicators survives the JSON kept for a closed cycle.
    sample = Indicators(
        organization_ids=(3,),
        stages={},
        meetings_held=1,
        meetings_planned=2,
        feedback_answered=1,
        feedback_expected=2,
        shares=[],
        target_year=2026,
        mentors_age_unknown=4,
        mentors_age_ambiguous=1,
    )
    moment = datetime(2026, 5, 31, tzinfo=UTC)
    period = Period.cycle(9)
    back = indicators_from_json(indicators_to_json(sample), period, moment)
    assert back == replace(sample, period=period, as_of=moment)


class Counting:
    """Counts the statements a Database runs (reads) while it is wrapped."""

    def __init__(self, db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        for name in ("fetch_all", "fetch_one", "fetch_value"):
            original = getattr(db, name)

            def counted(*args: Any, _original: Any = original, **kwargs: Any) -> Any:
                self.count += 1
                return _original(*args, **kwargs)

            monkeypatch.setattr(db, name, counted)


async def test_per_organization_is_each_schools_own_with_a_fixed_number_of_queries(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, ids = await build(db)  # two schools of tests/test_indicators.py
    reports = service(db)
    for org, curator in ((ids["a"], CURATOR_A), (ids["b"], CURATOR_B)):
        await reports.set_denominator(org, "pupils_10_19", "300", curator)
    period = Period.calendar_year(2026)
    for chosen in (Period.current_cycle(), period):
        table = await reports.per_organization([ids["a"], ids["b"]], chosen)
        assert table[ids["a"]] == await reports.for_organization(ids["a"], chosen)
        assert table[ids["b"]] == await reports.for_organization(ids["b"], chosen)

    counting = Counting(db, monkeypatch)
    # Counted by a service that has kept nothing yet (a kept count reads less: below).
    await service(db).per_organization([ids["a"], ids["b"]], period)
    two = counting.count
    # Three more schools, each with people and pairs: the number of queries stays.
    more = School(db)
    for number in range(3):
        org = await more.organization(f"Школа {number}", 800 + number)
        cycle = await more.cycle(org, 1, "2025-09-01", None)
        await more.person(f"m{number}", org, cycle, "mentor", "2026-01-10")
        await more.person(f"e{number}", org, cycle, "mentee", "2026-01-10", birth="2013-01-01")
        await more.pair(org, cycle, f"m{number}", f"e{number}", "2026-01-15")
    everyone = [ids["a"], ids["b"], *range(ids["b"] + 1, ids["b"] + 4)]
    counting.count = 0
    table = await reports.per_organization(everyone, period)
    assert counting.count == two and len(table) == 5
    assert table[ids["b"] + 3].share("mentees_10_19").count == 1
    # Nothing changed since: what is counted over every person, pair and meeting is kept with
    # the schools' change counters, only the rest is read again; the figures are the same.
    counting.count = 0
    assert await reports.per_organization(everyone, period) == table
    # Not the stages, the meetings held and missed, the polls, the involvement and workplaces.
    assert counting.count == two - 5


async def test_the_monitoring_report_by_period(db: Database) -> None:
    s, ids = await two_cycles(db)
    c1, c2 = ids["c1"], ids["c2"]
    await s.response("monitoring_pupil", "A", f"before:{c1}", {"engagement": 2}, "2025-09-20")
    await s.response("monitoring_pupil", "A", f"after:{c1}", {"engagement": 4}, "2026-05-25")
    await s.response("monitoring_pupil", "E", f"before:{c2}", {"engagement": 1}, "2026-10-02")
    await s.response("monitoring_pupil", "E", f"after:{c2}", {"engagement": 5}, "2026-12-20")
    report = MonitoringReportService(
        ReportRepository(db), {"monitoring_pupil": [("engagement", "Engagement")]}
    )

    async def engagement(period: Period) -> tuple[int, float | None, float | None]:
        rows = [r for r in await report.rows(ids["org"], period) if r.form is None]
        if not rows:
            return (0, None, None)
        return (rows[0].answered_both, rows[0].before, rows[0].after)

    assert await engagement(Period.current_cycle()) == (1, 1.0, 5.0)  # the latest: cycle 2
    assert await engagement(Period.cycle(c1)) == (1, 2.0, 4.0)
    # The cycles whose "after" was collected in the period, each whole.
    assert await engagement(Period.calendar_year(2026)) == (2, 1.5, 4.5)
    assert await engagement(Period.school_year(2025)) == (1, 2.0, 4.0)
    assert await engagement(Period.between(date(2026, 6, 1), date(2026, 11, 30))) == (0, None, None)


async def test_a_withdrawn_side_leaves_the_other_sides_figures(db: Database) -> None:
    """Pairs and meetings outlive a withdrawal with that side NULL (migration 0015, on the
    withdrawal branch); the partner still entered and completed the program."""
    columns = await db.fetch_all("PRAGMA table_info(pairs)")
    if any(c["name"] == "mentor_id" and c["notnull"] for c in columns):
        pytest.skip("pairs.mentor_id is NOT NULL here: needs migration 0015 (withdrawal)")
    s, ids = await two_cycles(db)
    reports = service(db)
    cycle_1 = Period.cycle(ids["c1"])
    before = figures(await reports.for_organization(ids["org"], cycle_1))
    # M1, the mentor of A's and B's completed pairs, withdraws: the row and the answers go.
    await s.sql("DELETE FROM participants WHERE id = ?", (s.ids["M1"],))
    assert await db.fetch_value("SELECT count(*) FROM pairs WHERE mentor_id IS NULL") == 2
    after = figures(await reports.for_organization(ids["org"], cycle_1))
    assert after["mentees_10_19"] == before["mentees_10_19"] == (3, 2, 100, 0.70)
    assert after["satisfied_mentees"] == before["satisfied_mentees"] == (1, 2, 1, 0.85)
    assert after["meetings"] == before["meetings"] == (3, 3)
    # M1 counts nowhere: not asked the final poll, not an unknown age any more.
    assert after["satisfied_mentors"] == (0, 0, 0, 0.85)
    assert after["mentors_age"] == (0, 0) and before["mentors_age"] == (1, 0)
    assert after["invited"] == 3  # A B C
    table = await reports.per_organization([ids["org"]], Period.calendar_year(2026))
    assert table[ids["org"]].share("mentees_10_19").completed == 2  # A and E


async def test_stats_say_why_nobody_was_asked_when_the_side_withdrew(harness: Harness) -> None:
    """A pair completed and its mentor withdrew: nobody is left to ask for the mentors'
    satisfaction, and /stats says so rather than that no pair completed the program (its
    mentee's line beside it says one did); a period without completed pairs still says that."""
    s = School(harness.app.db)
    org = await s.organization()
    cycle = (await harness.app.services.cycles.current(org)).id
    await s.person("M", org, cycle, "mentor", "2026-01-10")
    await s.person("A", org, cycle, "mentee", "2026-01-10", birth="2013-01-01")
    await s.pair(org, cycle, "M", "A", "2026-01-15", "2026-03-01", completed=True)
    await s.response("final_mentee", "A", f"cycle:{cycle}", {"satisfaction": 9}, "2026-03-02")
    await s.sql("DELETE FROM participants WHERE id = ?", (s.ids["M"],))  # withdrew

    text = "\n".join(m.text for m in await harness.send(CURATOR, "/stats") if m.text)
    assert "Удовлетворённые наставляемые: 100" in text
    assert (
        "Удовлетворённые наставники: опрашивать некого — участники пар, завершивших программу "
        "в этом периоде, отозвали согласие" in text
    ), text
    assert "ни одна пара не завершила программу" not in text

    s2 = School(harness.app.db)
    s2._telegram = 9000
    other = await s2.organization("Школа № 8", curator=CURATOR + 1)
    await harness.app.services.cycles.current(other)
    text = "\n".join(m.text for m in await harness.send(CURATOR + 1, "/stats") if m.text)
    assert "Удовлетворённые наставники: в этом периоде пока ни одна пара не завершила" in text


async def test_enterprises_entered_and_completed(db: Database) -> None:
    s = School(db)
    org = await s.organization()
    cycle = await s.cycle(org, 1, "2026-09-01", None)
    # The organization asked apart from the position, or one old answer; spellings differ.
    places = {"w1": ("workplace_org", "ООО «Звезда»"), "w2": ("workplace", "ооо звезда"),
              "w3": ("workplace_org", "Завод")}  # fmt: skip
    for number, (name, (question, place)) in enumerate(places.items()):
        await s.person(name, org, cycle, "mentor", "2026-09-20")
        await s.sql(
            "INSERT INTO answers (participant_id, question, value, answered_at) "
            "VALUES (?, ?, ?, '2026-09-20')",
            (s.ids[name], question, json.dumps(place)),
        )
        await s.person(f"p{number}", org, cycle, "mentee", "2026-09-20", birth="2010-01-01")
        pair = await s.pair(
            org, cycle, name, f"p{number}", "2026-10-01",
            "2026-12-01" if name != "w3" else None, completed=name != "w3",
        )  # fmt: skip
        await s.sql("UPDATE pairs SET form = 'employer_pupil' WHERE id = ?", (pair,))
    share = (await service(db).for_organization(org)).share("enterprises")
    # «Звезда» twice and the plant entered; only «Звезда» completed (the plant's pair is on).
    assert (share.count, share.completed) == (2, 1)


async def test_a_coordinators_summary_divides_by_the_municipalitys_own_numbers(
    db: Database,
) -> None:
    """The schools' sum misses the children outside the covered schools: a number the
    coordinator entered for the municipality is the summary's denominator; a number they did
    not enter is still the schools' sum; a school's own figures are untouched."""
    s, ids = await two_cycles(db)
    other = await s.organization("Школа № 8", curator=CURATOR + 1)
    await s.denominators(other, 2025, 300, 70)
    coordinator = 9100
    coordinators = CoordinatorRepository(db)
    for org in (ids["org"], other):
        await coordinators.add(coordinator, org, NOW)
    municipalities = MunicipalityRepository(db)
    await municipalities.save(coordinator, 2025, {"pupils_10_19": 1000}, NOW)
    reports = IndicatorService(
        ReportRepository(db),
        DenominatorRepository(db),
        coordinators,
        OrganizationRepository(db),
        ManualClock(NOW),
        municipalities=municipalities,
    )
    period = Period.school_year(2025)

    summary = figures(await reports.summary_for(coordinator, is_admin=False, period=period))
    # Entered in 2025/26: A, B, C of the first school; the municipality's 1000 pupils, but the
    # schools' 50 + 70 young people (the coordinator entered no such number).
    assert summary["mentees_10_19"][0] == 3 and summary["mentees_10_19"][2] == 1000
    assert summary["mentors_15_19"][2] == 120
    # An administrator's summary over every school and the school's own report: the sums.
    everyone = figures(await reports.summary_for(1, is_admin=True, period=period))
    assert everyone["mentees_10_19"][2] == 400
    school = figures(await reports.for_organization(ids["org"], period))
    assert school["mentees_10_19"][2] == 100
