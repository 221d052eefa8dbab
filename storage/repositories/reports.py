"""Aggregate SQL of the indicators and the monitoring report, and who may see them.

Every figure is counted by SQLite (GROUP BY, sums over indexed joins): the regional summary
reads a school year of a whole region, so nothing here loads rows one by one into Python.

"The current cycle" of an organization is everything that belongs to no closed cycle: rows of
its open cycle, and rows with no cycle yet (made before cycles were recorded for them).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime

from bot.clock import to_db
from bot.models.periods import Period
from bot.models.reports import (
    Involvement,
    MeetingRow,
    MeetingTotals,
    MonitoringAnswers,
    PollTotals,
    StageCounts,
    StageRow,
)
from storage.database import Database
from storage.repositories.period_sql import (
    answered_in,
    meetings_in,
    pairs_completed_in,
    pairs_of,
    participants_joined_in,
    period_params,
)

FEEDBACK_FORM = "meeting_feedback"
FINAL_FORMS = {"mentee": "final_mentee", "mentor": "final_mentor"}
MONITORING_PREFIX = "monitoring_"
EMPLOYER_FORMS = ("employer_pupil", "employer_student")
# The organizations' own forms (own_1, own_2... mean different things in each) taken together.
OWN_FORMS = "own"


def _ids(organization_ids: Sequence[int]) -> str:
    # Integers only (int() refuses anything else), so the list is safe to inline; one list
    # serves the several sub-queries that filter by it.
    return ",".join(str(int(i)) for i in organization_ids) or "NULL"


CURRENT = Period.current_cycle()


# Age in full years on the day the person joined, from the birth date of the questionnaire
# (or, for minors, the one given on joining); NULL when no birth date is known.
_AGED = """
SELECT x.organization_id,
       CAST(substr(x.ref, 1, 4) AS INTEGER) - CAST(substr(x.birth, 1, 4) AS INTEGER)
       - (substr(x.ref, 6, 5) < substr(x.birth, 6, 5)) AS age
FROM (
    SELECT m.organization_id, p.joined_at AS ref,
           coalesce((SELECT json_extract(a.value, '$') FROM answers a
                     WHERE a.participant_id = p.id AND a.question = 'birth_date'),
                    p.birth_date) AS birth
    FROM {people} m JOIN participants p ON p.id = m.id
) x
WHERE x.birth GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]*'
"""


class ReportRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def stages(
        self, organization_ids: Sequence[int], period: Period = CURRENT
    ) -> list[StageRow]:
        """People of the period in each stage, per organization and the form they chose."""
        ids = _ids(organization_ids)
        # In a cycle a pair is active while it has not ended; in a dated period while it
        # lived in the period.
        active = "q.ended_on IS NULL" if not period.dated else "1"
        completed = pairs_completed_in("q", period)
        rows = await self._db.fetch_all(
            f"""
            WITH people AS (
                SELECT p.id, p.organization_id, p.age_group, p.confirmed_at,
                       (SELECT json_extract(a.value, '$.choice') FROM answers a
                        WHERE a.participant_id = p.id AND a.question = 'form') AS form
                FROM participants p
                WHERE p.organization_id IN ({ids}) AND {participants_joined_in("p", period)}
            ),
            paired AS (
                SELECT person, max(active) AS active, max(completed) AS completed
                FROM (
                    SELECT q.mentee_id AS person, {active} AS active, {completed} AS completed
                    FROM pairs q
                    WHERE q.organization_id IN ({ids}) AND {pairs_of("q", period)}
                    UNION ALL
                    SELECT q.mentor_id, {active}, {completed} FROM pairs q
                    WHERE q.organization_id IN ({ids}) AND {pairs_of("q", period)}
                )
                WHERE person IS NOT NULL
                GROUP BY person
            ),
            proposed AS (
                SELECT pr.mentee_id AS person FROM proposals pr
                JOIN matching_runs r ON r.id = pr.run_id
                WHERE r.organization_id IN ({ids}) AND pr.status = 'open'
                UNION
                SELECT pr.mentor_id FROM proposals pr
                JOIN matching_runs r ON r.id = pr.run_id
                WHERE r.organization_id IN ({ids}) AND pr.status = 'open'
            )
            SELECT people.organization_id AS organization_id, people.form AS form,
                   count(*) AS invited,
                   sum(EXISTS (
                       SELECT 1 FROM consents c WHERE c.participant_id = people.id
                       AND c.kind = CASE people.age_group WHEN 'child' THEN 'representative'
                                                         ELSE 'self' END
                   )) AS consented,
                   sum(people.confirmed_at IS NOT NULL) AS questionnaire_done,
                   sum(paired.person IS NOT NULL
                       OR people.id IN (SELECT person FROM proposed)) AS matched,
                   sum(coalesce(paired.active, 0)) AS in_pairs,
                   sum(coalesce(paired.completed, 0)) AS completed
            FROM people LEFT JOIN paired ON paired.person = people.id
            GROUP BY people.organization_id, people.form
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

    async def meetings(
        self, organization_ids: Sequence[int], now: datetime, period: Period = CURRENT
    ) -> list[MeetingRow]:
        """Meetings of the period per organization and form of the pair: held, planned (held,
        missed and confirmed ones whose time has come) and the feedback forms completed for the
        held ones. Every meeting belongs to one pair of one form, so the forms add up to the
        total; forms without meetings are absent."""
        rows = await self._db.fetch_all(
            f"""
            SELECT q.organization_id AS organization_id, q.form AS form,
                   coalesce(sum(m.status = 'held'), 0) AS held,
                   coalesce(sum(m.status IN ('held', 'missed')
                                OR (m.status = 'confirmed' AND m.starts_at <= :now)), 0)
                       AS planned,
                   coalesce(sum(CASE WHEN m.status = 'held' THEN (
                       SELECT count(*) FROM responses r
                       WHERE r.meeting_id = m.id AND r.form = :feedback
                         AND r.completed_at IS NOT NULL
                         AND r.participant_id IN (q.mentor_id, q.mentee_id)
                   ) ELSE 0 END), 0) AS feedback
            FROM pairs q JOIN meetings m ON m.pair_id = q.id
            WHERE q.organization_id IN ({_ids(organization_ids)})
              AND {meetings_in("m", "q", period)}
            GROUP BY q.organization_id, q.form
            """,
            {**period_params(period), "now": to_db(now), "feedback": FEEDBACK_FORM},
        )
        return [
            MeetingRow(
                int(r["organization_id"]),
                str(r["form"]),
                MeetingTotals(int(r["held"]), int(r["planned"]), int(r["feedback"])),
            )
            for r in rows
        ]

    async def polls(
        self,
        organization_ids: Sequence[int],
        satisfied_from: int,
        *,
        fold_own: bool = False,
        period: Period = CURRENT,
    ) -> dict[int, dict[str | None, dict[str, PollTotals]]]:
        """Final polls of the period, per organization: per form (``None`` = all forms) and
        role, who rated their satisfaction and how many of them gave ``satisfied_from`` or
        more.

        A person's form is the form of their pairs of the period; a mentor with pairs of two
        forms counts in both, once in all forms. Both roles are always present under ``None``
        of every organization asked; a form appears only when someone of its pairs answered.
        With ``fold_own`` the own forms count as one, :data:`OWN_FORMS` (a person once, as in
        all forms).
        """
        ids = _ids(organization_ids)
        form = (
            f"CASE WHEN q.form GLOB 'own_*' THEN '{OWN_FORMS}' ELSE q.form END"
            if fold_own
            else "q.form"
        )
        if period.cycle_id is not None:
            subjects = "SELECT 'cycle:' || :period_cycle"
        elif not period.dated:
            subjects = (
                f"SELECT 'cycle:' || c.id FROM cycles c "
                f"WHERE c.organization_id IN ({ids}) AND c.closed_at IS NULL"
            )
        else:
            subjects = (
                "SELECT DISTINCT 'cycle:' || q.cycle_id FROM pairs q "
                f"WHERE q.organization_id IN ({ids}) AND {pairs_completed_in('q', period)}"
            )
        rows = await self._db.fetch_all(
            f"""
            WITH answered AS (
                SELECT p.id AS person, p.organization_id AS org, p.role AS role,
                       json_extract(r.answers, '$.satisfaction') AS satisfaction
                FROM participants p
                JOIN responses r ON r.participant_id = p.id
                     AND r.form = CASE p.role WHEN 'mentee' THEN :mentee ELSE :mentor END
                WHERE p.organization_id IN ({ids})
                  AND r.subject IN ({subjects})
                  AND r.completed_at IS NOT NULL
            ),
            -- Each person once per form of their pairs (UNION drops the repeats), found
            -- through the pairs' mentee and mentor indexes from those who answered only.
            per_form AS (
                SELECT a.org, {form} AS form, a.person, a.role, a.satisfaction
                FROM answered a JOIN pairs q ON q.mentee_id = a.person
                WHERE {pairs_of("q", period)}
                UNION
                SELECT a.org, {form}, a.person, a.role, a.satisfaction
                FROM answered a JOIN pairs q ON q.mentor_id = a.person
                WHERE {pairs_of("q", period)}
            )
            SELECT org, NULL AS form, role, count(satisfaction) AS answered,
                   coalesce(sum(satisfaction >= :from), 0) AS satisfied
            FROM answered
            GROUP BY org, role
            UNION ALL
            SELECT org, form, role, count(satisfaction), coalesce(sum(satisfaction >= :from), 0)
            FROM per_form
            GROUP BY org, form, role
            """,
            {**period_params(period), "from": satisfied_from,
             "mentee": FINAL_FORMS["mentee"], "mentor": FINAL_FORMS["mentor"]},
        )  # fmt: skip
        found: dict[int, dict[str | None, dict[str, PollTotals]]] = {
            int(org): {None: {role: PollTotals(0, 0) for role in FINAL_FORMS}}
            for org in organization_ids
        }
        for r in rows:
            code = r["form"] if isinstance(r["form"], str) else None
            found[int(r["org"])].setdefault(code, {})[r["role"]] = PollTotals(
                int(r["answered"]), int(r["satisfied"])
            )
        return found

    async def involvement(
        self, organization_ids: Sequence[int], period: Period = CURRENT
    ) -> dict[int, Involvement]:
        """Per organization, who went through the full cycle (pairs completed in the
        period); every organization asked is present."""
        ids = _ids(organization_ids)
        done = (
            "SELECT q.organization_id, q.mentor_id, q.mentee_id, q.form FROM pairs q "
            f"WHERE q.organization_id IN ({ids}) AND {pairs_completed_in('q', period)}"
        )
        mentees = (
            f"(SELECT DISTINCT organization_id, mentee_id AS id FROM ({done}) "
            "WHERE mentee_id IS NOT NULL)"
        )
        mentors = (
            f"(SELECT DISTINCT organization_id, mentor_id AS id FROM ({done}) "
            "WHERE mentor_id IS NOT NULL)"
        )
        params = period_params(period)
        rows = await self._db.fetch_all(
            f"""
            SELECT 'mentees_10_19' AS what, organization_id, count(*) AS n
            FROM ({_AGED.format(people=mentees)}) WHERE age BETWEEN 10 AND 19
            GROUP BY organization_id
            UNION ALL
            SELECT 'mentors_15_19', organization_id, count(*)
            FROM ({_AGED.format(people=mentors)}) WHERE age BETWEEN 15 AND 19
            GROUP BY organization_id
            UNION ALL
            SELECT 'young_teachers', m.organization_id, count(*) FROM {mentees} m
            JOIN answers a ON a.participant_id = m.id AND a.question = 'category'
            WHERE json_extract(a.value, '$.choice') = 'young_teacher'
            GROUP BY m.organization_id
            """,
            params,
        )
        counts: dict[int, dict[str, int]] = {int(org): {} for org in organization_ids}
        for r in rows:
            counts[int(r["organization_id"])][str(r["what"])] = int(r["n"])
        forms = ",".join(f"'{form}'" for form in EMPLOYER_FORMS)
        employers = await self._db.fetch_all(
            f"""
            SELECT DISTINCT d.organization_id, json_extract(a.value, '$') AS workplace
            FROM ({done}) d
            JOIN answers a ON a.participant_id = d.mentor_id AND a.question = 'workplace'
            WHERE d.form IN ({forms}) AND json_type(a.value) = 'text'
            """,
            params,
        )
        places: dict[int, list[tuple[int, str]]] = {org: [] for org in counts}
        for r in employers:
            places[int(r["organization_id"])].append(
                (int(r["organization_id"]), str(r["workplace"]))
            )
        return {
            org: Involvement(
                found.get("mentees_10_19", 0),
                found.get("mentors_15_19", 0),
                found.get("young_teachers", 0),
                places[org],
            )
            for org, found in counts.items()
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
                   (SELECT json_extract(a.value, '$.choice') FROM answers a
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
