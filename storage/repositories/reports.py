"""Aggregate SQL of the indicators and the monitoring report, and who may see them.

Every figure is counted by SQLite (GROUP BY, sums over indexed joins): the regional summary
reads a school year of a whole region, so nothing here loads rows one by one into Python.

"The current cycle" of an organization is everything that belongs to no closed cycle: rows of
its open cycle, and rows with no cycle yet (made before cycles were recorded for them).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime

from bot.clock import from_db, to_db
from bot.models.periods import Period
from bot.models.reports import (
    INVOLVEMENT_KEYS,
    Employer,
    Involvement,
    MeetingRow,
    MeetingTotals,
    MonitoringAnswers,
    PollTotals,
    StageCounts,
    StageRow,
)
from storage.database import Database, ReadSource
from storage.repositories.period_sql import (
    answered_in,
    meeting_days,
    meeting_pairs,
    pairs_completed_in,
    pairs_of,
    pairs_started_in,
    participants_joined_in,
    period_params,
)

FEEDBACK_FORM = "meeting_feedback"
FINAL_FORMS = {"mentee": "final_mentee", "mentor": "final_mentor"}
MONITORING_PREFIX = "monitoring_"
EMPLOYER_FORMS = ("employer_pupil", "employer_student")


def employer_form(code: str, organization: str, federal: str) -> str:
    """SQL: the form ``code`` of the organization is led by employers' representatives: a
    federal employer form (``federal``: their quoted codes or placeholders) the organization
    has not declared otherwise, or any form it declared so (issue 14)."""
    declared = (
        "SELECT o.mentor_kind FROM organization_forms o "
        f"WHERE o.organization_id = {organization} AND o.code = {code}"
    )
    return (
        f"(coalesce(({declared}), CASE WHEN {code} IN ({federal}) THEN 'employer' END)"
        " = 'employer')"
    )


# The organizations' own forms (own_1, own_2... mean different things in each) taken together.
OWN_FORMS = "own"


def _ids(organization_ids: Sequence[int]) -> str:
    # Integers only (int() refuses anything else), so the list is safe to inline; one list
    # serves the several sub-queries that filter by it.
    return ",".join(str(int(i)) for i in organization_ids) or "NULL"


CURRENT = Period.current_cycle()


@dataclass(frozen=True)
class MeetingCounts:
    """Held and missed meetings and the feedback completed for the held ones, of one
    organization and form of the pair (:meth:`ReportRepository.meeting_counts`)."""

    organization_id: int
    form: str
    held: int
    missed: int
    feedback: int


def meeting_rows(
    counts: Sequence[MeetingCounts], due: Mapping[tuple[int, str], int]
) -> list[MeetingRow]:
    """The meetings of each organization and form: held, planned (held, missed and the
    confirmed ones ``due``) and feedback; those with nothing planned are absent."""
    by_key = {(c.organization_id, c.form): c for c in counts}
    rows = []
    for key in sorted(set(by_key) | set(due)):
        found = by_key.get(key, MeetingCounts(*key, 0, 0, 0))
        planned = found.held + found.missed + due.get(key, 0)
        if planned > 0:
            rows.append(
                MeetingRow(key[0], key[1], MeetingTotals(found.held, planned, found.feedback))
            )
    return rows


# A date of birth, the questionnaire's or (for minors) the one given on joining, as the text
# 'YYYY-MM-DD...'; else a year of birth (the answer ``birth_year``, an integer).
_BIRTH = (
    "coalesce((SELECT json_extract(a.value, '$') FROM answers a "
    "WHERE a.participant_id = p.id AND a.question = 'birth_date'), p.birth_date)"
)
_BIRTH_YEAR = (
    "(SELECT CASE WHEN json_type(a.value) = 'integer' THEN json_extract(a.value, '$') "
    "WHEN json_type(a.value) = 'text' AND json_extract(a.value, '$') GLOB '[0-9][0-9][0-9][0-9]' "
    "THEN CAST(json_extract(a.value, '$') AS INTEGER) END "
    "FROM answers a WHERE a.participant_id = p.id AND a.question = 'birth_year')"
)


def _age(bound: str, ref: str) -> str:
    """The age in full years on the day ``ref`` (an ISO date): exact from a date of birth;
    from a year of birth only the youngest (``low``) or oldest (``high``) it can be; NULL when
    neither is known."""
    exact = (
        f"CAST(substr({ref}, 1, 4) AS INTEGER) - CAST(substr(x.birth, 1, 4) AS INTEGER) "
        f"- (substr({ref}, 6, 5) < substr(x.birth, 6, 5))"
    )
    yearly = f"CAST(substr({ref}, 1, 4) AS INTEGER) - x.birth_year"
    if bound == "low":
        yearly += " - 1"
    return (
        f"(CASE WHEN x.birth GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]*' THEN {exact} "
        f"WHEN x.birth_year IS NOT NULL THEN {yearly} END)"
    )


def _band(low: str, high: str) -> str:
    """'in' when the age (``y.<low>``..``y.<high>``, the youngest and oldest it can be) is
    surely within the person's band (``y.band_from``..19), 'out' when surely not, 'ambiguous'
    when a year of birth leaves both possible, 'unknown' without a birth."""
    young, old = f"y.{low}", f"y.{high}"
    return (
        f"(CASE WHEN {young} IS NULL THEN 'unknown' "
        f"WHEN {young} >= y.band_from AND {old} <= 19 THEN 'in' "
        f"WHEN {old} < y.band_from OR {young} > 19 THEN 'out' ELSE 'ambiguous' END)"
    )


# Who entered a program in the period (a pair of theirs started in it) and who completed it (a
# pair of theirs completed in it), per organization, each person once. Ages are counted on the
# day the person entered: the start of their first pair that started in the period (for those
# who entered) or of their first pair that completed in it (for those who completed). A mentee
# counts as aged 10-19 and a mentor as 15-19 only when the age is sure; mentors whose age is
# unknown (no date or year of birth) or ambiguous (a year of birth on the border: 14 or 15,
# 19 or 20 that day) are counted apart. A side that withdrew (NULL) counts nowhere. One row per
# organization, a column ``<key>_entered`` and ``<key>_completed`` per key of INVOLVEMENT_KEYS.
_INVOLVED = (
    """
WITH sides AS (
    SELECT q.organization_id AS org, q.mentee_id AS person, 'mentee' AS side, q.started_on,
           {started} AS entered, {completed} AS done
    FROM pairs q
    WHERE q.organization_id IN ({ids}) AND q.mentee_id IS NOT NULL
      AND ({started} OR {completed})
    UNION ALL
    SELECT q.organization_id, q.mentor_id, 'mentor', q.started_on, {started}, {completed}
    FROM pairs q
    WHERE q.organization_id IN ({ids}) AND q.mentor_id IS NOT NULL
      AND ({started} OR {completed})
),
people AS MATERIALIZED (
    SELECT org, person, side, max(entered) AS entered, max(done) AS done,
           min(CASE WHEN entered THEN started_on END) AS entered_on,
           min(CASE WHEN done THEN started_on END) AS done_on
    FROM sides GROUP BY org, person, side
),
-- Read once per person, the ages once per person (the bands look at them many times).
born AS MATERIALIZED (
    SELECT pe.*, """
    + _BIRTH
    + """ AS birth, """
    + _BIRTH_YEAR
    + """ AS birth_year,
           (SELECT json_extract(a.value, '$.choice') FROM answers a
            WHERE a.participant_id = p.id AND a.question = 'category') AS category
    FROM people pe JOIN participants p ON p.id = pe.person
),
aged AS MATERIALIZED (
    SELECT x.org, x.side, x.entered, x.done, x.category,
           CASE x.side WHEN 'mentee' THEN 10 ELSE 15 END AS band_from,
           """
    + _age("low", "x.entered_on")
    + """ AS entered_low, """
    + _age("high", "x.entered_on")
    + """ AS entered_high,
           """
    + _age("low", "x.done_on")
    + """ AS done_low, """
    + _age("high", "x.done_on")
    + """ AS done_high
    FROM born x
),
banded AS (
    SELECT y.org, y.side, coalesce(y.entered, 0) AS entered, coalesce(y.done, 0) AS done,
           y.category, """
    + _band("entered_low", "entered_high")
    + """ AS entered_band, """
    + _band("done_low", "done_high")
    + """ AS done_band
    FROM aged y
)
SELECT org,
       sum(side = 'mentee' AND entered AND entered_band = 'in') AS mentees_10_19_entered,
       sum(side = 'mentee' AND done AND done_band = 'in') AS mentees_10_19_completed,
       sum(side = 'mentor' AND entered AND entered_band = 'in') AS mentors_15_19_entered,
       sum(side = 'mentor' AND done AND done_band = 'in') AS mentors_15_19_completed,
       sum(side = 'mentee' AND entered AND category = 'young_teacher') AS young_teachers_entered,
       sum(side = 'mentee' AND done AND category = 'young_teacher') AS young_teachers_completed,
       sum(side = 'mentor' AND entered AND entered_band = 'unknown')
           AS mentors_age_unknown_entered,
       sum(side = 'mentor' AND done AND done_band = 'unknown') AS mentors_age_unknown_completed,
       sum(side = 'mentor' AND entered AND entered_band = 'ambiguous')
           AS mentors_age_ambiguous_entered,
       sum(side = 'mentor' AND done AND done_band = 'ambiguous')
           AS mentors_age_ambiguous_completed
FROM banded
GROUP BY org
"""
)


class ReportRepository:
    def __init__(self, db: ReadSource) -> None:
        # Long reads: handed ``Database.reads`` (read-only connections), or the database.
        self._db = db

    def snapshot(self) -> AbstractAsyncContextManager[object]:
        """The reads of a block in one snapshot of the database (a report's figures agree)."""
        return self._db.reading()

    async def stages(
        self, organization_ids: Sequence[int], period: Period = CURRENT
    ) -> list[StageRow]:
        """People of the period in each stage: a row per organization counting everyone once
        (``whole``), and a row per organization and form. A mentor in several forms (issue 14)
        is in the row of each of their forms, with the pairs of that form; people without a
        form are in the organization's row only."""
        ids = _ids(organization_ids)
        # In a cycle a pair is active while it has not ended; in a dated period while it
        # lived in the period.
        active = "q.ended_on IS NULL" if not period.dated else "1"
        completed = pairs_completed_in("q", period)
        consented = (
            "EXISTS (SELECT 1 FROM consents c WHERE c.participant_id = people.id "
            "AND c.kind = CASE people.age_group WHEN 'child' THEN 'representative' "
            "ELSE 'self' END)"
        )
        open_runs = f"SELECT id FROM matching_runs WHERE organization_id IN ({ids})"
        rows = await self._db.fetch_all(
            f"""
            WITH people AS MATERIALIZED (  -- the form answer read once per person
                SELECT p.id, p.organization_id, p.age_group, p.confirmed_at,
                       (SELECT a.value FROM answers a
                        WHERE a.participant_id = p.id AND a.question = 'form') AS answer
                FROM participants p
                WHERE p.organization_id IN ({ids}) AND {participants_joined_in("p", period)}
            ),
            -- Each form a person chose: a mentee's (or an older mentor's) one choice, a
            -- mentor's several.
            person_forms AS MATERIALIZED (
                SELECT people.id AS person, f.value AS form,
                       json_array_length(coalesce(json_extract(people.answer, '$.choices'),
                                                  '[0]')) AS forms
                FROM people, json_each(CASE
                    WHEN json_type(people.answer, '$.choices') = 'array'
                        THEN json_extract(people.answer, '$.choices')
                    WHEN json_type(people.answer, '$.choice') = 'text'
                        THEN json_array(json_extract(people.answer, '$.choice'))
                    ELSE '[]' END) f
            ),
            sides AS MATERIALIZED (
                SELECT q.mentee_id AS person, q.form, {active} AS active,
                       {completed} AS completed
                FROM pairs q
                WHERE q.organization_id IN ({ids}) AND {pairs_of("q", period)}
                UNION ALL
                SELECT q.mentor_id, q.form, {active}, {completed} FROM pairs q
                WHERE q.organization_id IN ({ids}) AND {pairs_of("q", period)}
            ),
            paired AS MATERIALIZED (
                SELECT person, max(active) AS active, max(completed) AS completed
                FROM sides WHERE person IS NOT NULL GROUP BY person
            ),
            paired_in_form AS MATERIALIZED (
                SELECT person, form, max(active) AS active, max(completed) AS completed
                FROM sides WHERE person IS NOT NULL GROUP BY person, form
            ),
            -- The organizations' runs first (an index range of each run's open proposals):
            -- the region's proposals are not scanned. A proposal is in the mentee's form.
            proposed AS MATERIALIZED (
                SELECT pr.mentee_id AS person, pr.mentee_id AS mentee FROM proposals pr
                WHERE pr.status = 'open' AND pr.run_id IN ({open_runs})
                UNION
                SELECT pr.mentor_id, pr.mentee_id FROM proposals pr
                WHERE pr.status = 'open' AND pr.run_id IN ({open_runs})
            )
            SELECT 1 AS whole, people.organization_id AS organization_id, NULL AS form,
                   count(*) AS invited,
                   sum({consented}) AS consented,
                   sum(people.confirmed_at IS NOT NULL) AS questionnaire_done,
                   sum(paired.person IS NOT NULL
                       OR people.id IN (SELECT person FROM proposed)) AS matched,
                   sum(coalesce(paired.active, 0)) AS in_pairs,
                   sum(coalesce(paired.completed, 0)) AS completed
            FROM people LEFT JOIN paired ON paired.person = people.id
            GROUP BY people.organization_id
            UNION ALL
            -- Per form: one form counts the person's pairs whatever their form (as always);
            -- several forms count each form's own pairs and proposals.
            SELECT 0, people.organization_id, pf.form, count(*),
                   sum({consented}),
                   sum(people.confirmed_at IS NOT NULL),
                   sum(CASE WHEN pf.forms > 1 THEN in_form.person IS NOT NULL OR EXISTS (
                            SELECT 1 FROM proposed pp JOIN person_forms mf
                              ON mf.person = pp.mentee AND mf.form = pf.form
                            WHERE pp.person = people.id)
                       ELSE paired.person IS NOT NULL
                            OR people.id IN (SELECT person FROM proposed) END),
                   sum(coalesce(CASE WHEN pf.forms > 1 THEN in_form.active
                                     ELSE paired.active END, 0)),
                   sum(coalesce(CASE WHEN pf.forms > 1 THEN in_form.completed
                                     ELSE paired.completed END, 0))
            FROM people JOIN person_forms pf ON pf.person = people.id
            LEFT JOIN paired ON paired.person = people.id
            LEFT JOIN paired_in_form in_form
                   ON in_form.person = people.id AND in_form.form = pf.form
            GROUP BY people.organization_id, pf.form
            """,
            period_params(period),
        )
        return [
            StageRow(
                int(r["organization_id"]),
                r["form"] if isinstance(r["form"], str) else None,
                StageCounts(
                    int(r["invited"]),
                    int(r["consented"]),
                    int(r["questionnaire_done"]),
                    int(r["matched"]),
                    int(r["in_pairs"]),
                    int(r["completed"]),
                ),
                whole=bool(r["whole"]),
            )
            for r in rows
        ]

    async def enabled_forms(self, organization_ids: Sequence[int]) -> dict[int, list[str]]:
        """The forms each organization runs, in code order."""
        rows = await self._db.fetch_all(
            "SELECT organization_id, code FROM organization_forms "
            f"WHERE organization_id IN ({_ids(organization_ids)}) AND enabled = 1 "
            "ORDER BY organization_id, code"
        )
        found: dict[int, list[str]] = {}
        for r in rows:
            found.setdefault(int(r["organization_id"]), []).append(str(r["code"]))
        return found

    async def versions(self, organization_ids: Sequence[int]) -> tuple[int, ...]:
        """The organizations' three change counters (the lists' of migration 0019, the
        reports' of 0021, the pairs' activity of 0020 and 0022), all of each organization in
        the order given (0 for a counter not started yet): read in the report's snapshot, they
        date what it counts."""
        ids = _ids(organization_ids)
        rows = await self._db.fetch_all(
            f"SELECT 0 AS counter, organization_id, version FROM organization_versions "
            f"WHERE organization_id IN ({ids}) UNION ALL "
            f"SELECT 1, organization_id, version FROM report_versions "
            f"WHERE organization_id IN ({ids}) UNION ALL "
            f"SELECT 2, organization_id, version FROM activity_versions "
            f"WHERE organization_id IN ({ids})"
        )
        found = {(int(r["counter"]), int(r["organization_id"])): int(r["version"]) for r in rows}
        return tuple(
            found.get((counter, int(i)), 0) for i in organization_ids for counter in (0, 1, 2)
        )

    async def meeting_counts(
        self, organization_ids: Sequence[int], period: Period = CURRENT
    ) -> list[MeetingCounts]:
        """Meetings of the period held and missed, and the feedback forms completed for the
        held ones, per organization and form of the pair (forms without a held or missed
        meeting are absent). The figures move only when the data does (each change moves the
        organization's counter, migrations 0020 and 0021).

        Each pair's meetings are counted on their own (index ranges by pair, status and time),
        which is what keeps a region of a million meetings quick."""
        days = meeting_days("m", period)
        rows = await self._db.fetch_all(
            f"""
            WITH per_pair AS MATERIALIZED (  -- each count once per pair
                SELECT q.organization_id AS organization_id, q.form AS form,
                       (SELECT count(*) FROM meetings m
                        WHERE m.pair_id = q.id AND m.status = 'held' AND {days}) AS held,
                       (SELECT count(*) FROM meetings m
                        WHERE m.pair_id = q.id AND m.status = 'missed' AND {days}) AS missed,
                       (SELECT count(*) FROM meetings m
                        JOIN responses r ON r.meeting_id = m.id AND r.form = '{FEEDBACK_FORM}'
                             AND r.completed_at IS NOT NULL
                        WHERE m.pair_id = q.id AND m.status = 'held' AND {days})
                       -- A group's meeting: the mentor's one form (on another member's row)
                       -- is the mentor's side of every member's meeting (migration 0025).
                       + (SELECT count(*) FROM meetings m
                        JOIN meetings g ON g.group_meeting_id = m.group_meeting_id
                             AND g.id <> m.id
                        JOIN responses r ON r.meeting_id = g.id AND r.form = '{FEEDBACK_FORM}'
                             AND r.completed_at IS NOT NULL AND r.participant_id = q.mentor_id
                        WHERE m.pair_id = q.id AND m.status = 'held'
                          AND m.group_meeting_id IS NOT NULL AND {days}) AS feedback
                FROM pairs q
                WHERE q.organization_id IN ({_ids(organization_ids)})
                  AND {meeting_pairs("q", period)}
            )
            SELECT organization_id, form, sum(held) AS held, sum(missed) AS missed,
                   sum(feedback) AS feedback
            FROM per_pair
            GROUP BY organization_id, form
            HAVING sum(held + missed) > 0
            """,
            period_params(period),
        )
        return [
            MeetingCounts(
                int(r["organization_id"]),
                str(r["form"]),
                int(r["held"]),
                int(r["missed"]),
                int(r["feedback"]),
            )
            for r in rows
        ]

    async def meetings_due(
        self, organization_ids: Sequence[int], now: datetime, period: Period = CURRENT
    ) -> dict[tuple[int, str], int]:
        """Confirmed meetings of the period whose time has come (by ``now``), per organization
        and form of the pair: planned, not yet decided. Counted at every report, since they
        become due as time passes (an index range per pair)."""
        rows = await self._db.fetch_all(
            f"""
            SELECT q.organization_id AS organization_id, q.form AS form, count(*) AS due
            FROM pairs q JOIN meetings m ON m.pair_id = q.id
            WHERE q.organization_id IN ({_ids(organization_ids)})
              AND {meeting_pairs("q", period)}
              AND m.status = 'confirmed' AND m.starts_at <= :now AND {meeting_days("m", period)}
            GROUP BY q.organization_id, q.form
            """,
            {**period_params(period), "now": to_db(now)},
        )
        return {(int(r["organization_id"]), str(r["form"])): int(r["due"]) for r in rows}

    async def polls(
        self,
        organization_ids: Sequence[int],
        satisfied_from: int,
        *,
        fold_own: bool = False,
        period: Period = CURRENT,
    ) -> dict[int, dict[str | None, dict[str, PollTotals]]]:
        """The final polls of the period, per organization: per form (``None`` = all forms) and
        role, everyone asked, how many rated their satisfaction and how many of them gave
        ``satisfied_from`` or more.

        Those asked are the mentees and the mentors of the pairs completed in the period (the
        final poll goes to them); each answers the poll of the cycle of their pair
        (``cycle:<id>``), of the latest such cycle if they completed pairs of two. A person's
        form is the form of their completed pairs; a mentor with pairs of two forms counts in
        both, once in all forms. Both roles are always present under ``None`` of every
        organization asked; a form appears when a pair of it completed. With ``fold_own`` the
        own forms count as one, :data:`OWN_FORMS` (a person once, as in all forms). A side
        that withdrew (``NULL``) is asked nothing and counts nowhere.
        """
        ids = _ids(organization_ids)
        form = (
            f"CASE WHEN q.form GLOB 'own_*' THEN '{OWN_FORMS}' ELSE q.form END"
            if fold_own
            else "q.form"
        )
        done = f"q.organization_id IN ({ids}) AND {pairs_completed_in('q', period)}"
        rows = await self._db.fetch_all(
            f"""
            WITH sides AS (
                SELECT q.organization_id AS org, q.mentee_id AS person, 'mentee' AS side,
                       {form} AS form, q.cycle_id AS cycle
                FROM pairs q WHERE {done} AND q.mentee_id IS NOT NULL
                UNION ALL
                SELECT q.organization_id, q.mentor_id, 'mentor', {form}, q.cycle_id
                FROM pairs q WHERE {done} AND q.mentor_id IS NOT NULL
            ),
            -- Each person once per form, with the latest cycle of their completed pairs.
            latest AS MATERIALIZED (
                SELECT DISTINCT org, person, side, form,
                       max(cycle) OVER (PARTITION BY person, side) AS cycle
                FROM sides
            ),
            rated AS MATERIALIZED (
                SELECT l.org, l.person, l.side, l.form,
                       (SELECT json_extract(r.answers, '$.satisfaction') FROM responses r
                        WHERE r.form = CASE l.side WHEN 'mentee' THEN :mentee ELSE :mentor END
                          AND r.participant_id = l.person AND r.subject = 'cycle:' || l.cycle
                          AND r.completed_at IS NOT NULL) AS satisfaction
                FROM latest l
            )
            SELECT org, NULL AS form, side, count(*) AS asked,
                   count(satisfaction) AS answered,
                   coalesce(sum(satisfaction >= :from), 0) AS satisfied
            FROM (SELECT DISTINCT org, person, side, satisfaction FROM rated)
            GROUP BY org, side
            UNION ALL
            SELECT org, form, side, count(*), count(satisfaction),
                   coalesce(sum(satisfaction >= :from), 0)
            FROM rated
            GROUP BY org, form, side
            """,
            {**period_params(period), "from": satisfied_from,
             "mentee": FINAL_FORMS["mentee"], "mentor": FINAL_FORMS["mentor"]},
        )  # fmt: skip
        found: dict[int, dict[str | None, dict[str, PollTotals]]] = {
            int(org): {None: {role: PollTotals(0, 0, 0) for role in FINAL_FORMS}}
            for org in organization_ids
        }
        for r in rows:
            code = r["form"] if isinstance(r["form"], str) else None
            found[int(r["org"])].setdefault(code, {})[r["side"]] = PollTotals(
                int(r["asked"]), int(r["answered"]), int(r["satisfied"])
            )
        return found

    async def involvement(
        self, organization_ids: Sequence[int], period: Period = CURRENT
    ) -> dict[int, Involvement]:
        """Per organization, the people who entered a program in the period (their pair
        started in it) and those who completed it (their pair completed in it), each person
        once; every organization asked is present. See :data:`_INVOLVED` for the ages."""
        ids = _ids(organization_ids)
        started = pairs_started_in("q", period)
        completed = pairs_completed_in("q", period)
        params = period_params(period)
        rows = await self._db.fetch_all(
            _INVOLVED.format(ids=ids, started=started, completed=completed), params
        )
        entered: dict[int, dict[str, int]] = {int(o): {} for o in organization_ids}
        done: dict[int, dict[str, int]] = {int(o): {} for o in organization_ids}
        for r in rows:
            org = int(r["org"])
            for key in INVOLVEMENT_KEYS:
                entered[org][key] = int(r[f"{key}_entered"] or 0)
                done[org][key] = int(r[f"{key}_completed"] or 0)
        forms = ",".join(f"'{form}'" for form in EMPLOYER_FORMS)
        workplaces = await self._db.fetch_all(
            f"""
            SELECT org, workplace, max(entered) AS entered, max(completed) AS completed
            FROM (
                SELECT q.organization_id AS org,
                       -- The organization's name where the questionnaire asks for it apart
                       -- from the position, else the single answer given before.
                       coalesce(
                           (SELECT json_extract(a.value, '$') FROM answers a
                            WHERE a.participant_id = q.mentor_id
                              AND a.question = 'workplace_org' AND json_type(a.value) = 'text'),
                           -- the old hint asked for "organization, position"
                           (SELECT trim(CASE WHEN instr(a.value, ',') > 0
                                        THEN substr(json_extract(a.value, '$'), 1,
                                                    instr(json_extract(a.value, '$'), ',') - 1)
                                        ELSE json_extract(a.value, '$') END)
                            FROM answers a
                            WHERE a.participant_id = q.mentor_id
                              AND a.question = 'workplace' AND json_type(a.value) = 'text')
                       ) AS workplace,
                       {started} AS entered, {completed} AS completed
                FROM pairs q
                WHERE q.organization_id IN ({ids})
                  AND {employer_form("q.form", "q.organization_id", forms)}
                  AND q.mentor_id IS NOT NULL AND ({started} OR {completed})
            )
            WHERE workplace IS NOT NULL
            GROUP BY org, workplace
            """,
            params,
        )
        employers: dict[int, list[Employer]] = {org: [] for org in entered}
        for r in workplaces:
            org = int(r["org"])
            employers[org].append(
                Employer(org, str(r["workplace"]), bool(r["entered"]), bool(r["completed"]))
            )
        return {
            org: Involvement(
                {key: entered[org].get(key, 0) for key in INVOLVEMENT_KEYS},
                {key: done[org].get(key, 0) for key in INVOLVEMENT_KEYS},
                employers[org],
            )
            for org in entered
        }

    async def cycle_ended_at(self, cycle_id: int) -> datetime | None:
        """When the cycle ended for its reports: the moment it began closing (its figures are
        stored later, when the next cycle opens, often in the next school year), or when it
        closed if it never was closing; None while it is open and not closing (or when there
        is no such cycle)."""
        value = await self._db.fetch_value(
            "SELECT coalesce(closing_since, closed_at) FROM cycles WHERE id = ?", (cycle_id,)
        )
        return from_db(value) if value else None

    async def snapshots(
        self, organization_ids: Sequence[int], cycle_id: int
    ) -> dict[int, tuple[datetime, str]]:
        """The figures stored when the cycle closed (when, JSON), under its organization if
        that is one of ``organization_ids``."""
        rows = await self._db.fetch_all(
            "SELECT organization_id, taken_at, figures FROM cycle_snapshots "
            f"WHERE cycle_id = ? AND organization_id IN ({_ids(organization_ids)})",
            (cycle_id,),
        )
        return {
            int(r["organization_id"]): (from_db(r["taken_at"]), str(r["figures"])) for r in rows
        }

    async def monitoring_cycles(self, organization_id: int, period: Period = CURRENT) -> list[int]:
        """The cycles whose monitoring report belongs to the period, oldest first: for the
        current cycle the latest cycle in which someone of the organization answered
        monitoring "after"; for a chosen cycle that cycle; for a dated period every cycle
        whose "after" someone of the organization completed on a day of the period."""
        if period.cycle_id is not None:
            return [period.cycle_id]
        after = (
            "SELECT DISTINCT CAST(substr(r.subject, 7) AS INTEGER) AS cycle FROM participants p "
            "JOIN responses r ON r.participant_id = p.id "
            "WHERE p.organization_id = :org AND r.form GLOB 'monitoring_*' "
            "AND r.subject GLOB 'after:*' AND r.completed_at IS NOT NULL"
        )
        params = {**period_params(period), "org": organization_id}
        if not period.dated:
            value = await self._db.fetch_value(f"SELECT max(cycle) FROM ({after})", params)
            return [] if value is None else [int(value)]
        rows = await self._db.fetch_all(
            f"{after} AND {answered_in('r', period)} ORDER BY cycle", params
        )
        return [int(r["cycle"]) for r in rows]

    async def monitoring(self, organization_id: int, cycle_id: int) -> list[MonitoringAnswers]:
        """Participants who completed the same monitoring form before and after the cycle."""
        rows = await self._db.fetch_all(
            """
            SELECT b.form AS questionnaire, b.answers AS before, f.answers AS after,
                   (SELECT coalesce(json_extract(a.value, '$.choice'),
                                    json_extract(a.value, '$.choices[0]')) FROM answers a
                    WHERE a.participant_id = p.id AND a.question = 'form') AS program_form
            FROM participants p
            JOIN responses b ON b.participant_id = p.id AND b.subject = :before
            JOIN responses f ON f.participant_id = p.id AND f.form = b.form
                 AND f.subject = :after
            WHERE p.organization_id = :org AND b.form GLOB 'monitoring_*'
              AND b.completed_at IS NOT NULL AND f.completed_at IS NOT NULL
            """,
            {"before": f"before:{cycle_id}", "after": f"after:{cycle_id}",
             "org": organization_id},
        )  # fmt: skip
        return [
            MonitoringAnswers(
                r["questionnaire"],
                r["program_form"] if isinstance(r["program_form"], str) else None,
                json.loads(r["before"]),
                json.loads(r["after"]),
            )
            for r in rows
        ]


class CoordinatorRepository:
    """Municipal coordinators and the organizations each of them covers."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def add(self, telegram_id: int, organization_id: int, now: datetime) -> bool:
        async with self._db.transaction() as tx:
            added = await tx.execute_rowcount(
                "INSERT OR IGNORE INTO coordinators (telegram_id, organization_id, added_at) "
                "VALUES (?, ?, ?)",
                (telegram_id, organization_id, to_db(now)),
            )
        return added == 1

    async def remove(self, telegram_id: int, organization_id: int) -> bool:
        async with self._db.transaction() as tx:
            removed = await tx.execute_rowcount(
                "DELETE FROM coordinators WHERE telegram_id = ? AND organization_id = ?",
                (telegram_id, organization_id),
            )
        return removed == 1

    async def covered(self, telegram_id: int) -> list[int]:
        rows = await self._db.fetch_all(
            "SELECT organization_id FROM coordinators WHERE telegram_id = ? "
            "ORDER BY organization_id",
            (telegram_id,),
        )
        return [int(r["organization_id"]) for r in rows]

    async def all_organizations(self) -> list[int]:
        rows = await self._db.fetch_all("SELECT id FROM organizations ORDER BY id")
        return [int(r["id"]) for r in rows]
