"""The long-term mentor base and the figures of each mentor for a period: queries of
:class:`storage.repositories.cycles.CycleRepository`, kept here apart from the cycles' own."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.clock import to_db
from bot.models.cycles import BaseEntry, MentorFigures
from bot.models.periods import Period
from storage.database import Database, ReadSource
from storage.repositories.period_sql import (
    meetings_in,
    pairs_completed_in,
    pairs_of,
    period_params,
)

_FULL_NAME = (
    "(SELECT json_extract(a.value, '$') FROM answers a WHERE a.participant_id = {pid} "
    "AND a.question = 'full_name')"
)


class MentorBaseQueries:
    """Mixed into ``CycleRepository``: the cycle service reads the base and the ranking through
    the one repository it is given, so the split leaves its wiring alone."""

    _db: Database
    # The ranking's reads, long for a large school: read-only connections in the bot.
    _reads: ReadSource

    # -- the long-term mentor base ------------------------------------------------------------
    async def add_to_base(
        self, organization_id: int, participant_id: int, source: str, cycle_id: int, now: datetime
    ) -> bool:
        async with self._db.transaction() as tx:
            changed = await tx.execute_rowcount(
                "INSERT OR IGNORE INTO mentor_base "
                "(organization_id, participant_id, source, cycle_id, added_at) "
                "SELECT ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM participants "
                "WHERE id = ? AND organization_id = ?)",
                (
                    organization_id,
                    participant_id,
                    source,
                    cycle_id,
                    to_db(now),
                    participant_id,
                    organization_id,
                ),
            )
        return changed == 1

    async def base(self, organization_id: int) -> list[BaseEntry]:
        rows = await self._db.fetch_all(
            "SELECT b.participant_id, p.telegram_id, p.role, b.source, b.cycle_id, "
            + _FULL_NAME.format(pid="p.id")
            + " AS full_name FROM mentor_base b JOIN participants p ON p.id = b.participant_id "
            "WHERE b.organization_id = ? ORDER BY b.added_at, b.participant_id",
            (organization_id,),
        )
        return [
            BaseEntry(
                r["participant_id"],
                r["telegram_id"],
                r["role"],
                r["source"],
                r["cycle_id"],
                r["full_name"],
            )
            for r in rows
        ]

    # -- ranking --------------------------------------------------------------------------------
    async def mentor_figures(self, organization_id: int, period: Period) -> list[MentorFigures]:
        """Per mentor of the pairs of ``period``: pairs and distinct mentees, pairs completed in
        the period, meetings held in it, the "how useful" (1..5) of those meetings from the
        mentees and from the mentor, and the mentees' final satisfaction (0..10) of the pairs
        completed in it. A pair whose mentor withdrew (no mentor) has no row; a withdrawn
        mentee is not counted among the mentees and has no answers left."""
        pairs = pairs_of("pr", period)
        meetings = meetings_in("m", "pp", period)
        completed = pairs_completed_in("pp", period)
        params = {"org": organization_id, **period_params(period)}
        the_pairs = (
            "WITH pp AS (SELECT pr.* FROM pairs pr WHERE pr.organization_id = :org "
            f"AND pr.mentor_id IS NOT NULL AND {pairs}) "
        )
        # Four small queries from the school's pairs on (CROSS JOIN keeps that order: read
        # from the meetings or the responses, the whole region's would be looked at). Joined
        # in one statement, SQLite took seconds for a large school; apart, milliseconds.
        # One snapshot for the four: the figures of one mentor agree with each other.
        async with self._reads.reading():
            base = await self._reads.fetch_all(
                the_pairs + "SELECT mentor_id, count(*) AS pairs, "
                "count(DISTINCT mentee_id) AS mentees, "
                f"sum(CASE WHEN {completed} THEN 1 ELSE 0 END) AS completed, "
                + _FULL_NAME.format(pid="mentor_id")
                + " AS full_name FROM pp GROUP BY mentor_id",
                params,
            )
            held = await self._reads.fetch_all(
                # A group's meeting is a row per member pair: the mentor held it once.
                the_pairs + "SELECT pp.mentor_id, "
                "count(DISTINCT coalesce(-m.group_meeting_id, m.id)) AS n FROM pp "
                "CROSS JOIN meetings m ON m.pair_id = pp.id "
                f"WHERE m.status = 'held' AND {meetings} GROUP BY pp.mentor_id",
                params,
            )
            useful = await self._reads.fetch_all(
                the_pairs + "SELECT pp.mentor_id, r.participant_id = pp.mentor_id AS own, "
                "avg(CAST(json_extract(r.answers, '$.usefulness') AS REAL)) AS average, "
                "count(*) AS n FROM pp CROSS JOIN meetings m ON m.pair_id = pp.id "
                "CROSS JOIN responses r ON r.meeting_id = m.id "
                "WHERE r.form = 'meeting_feedback' AND r.completed_at IS NOT NULL "
                f"AND r.participant_id IN (pp.mentee_id, pp.mentor_id) AND {meetings} "
                "AND json_type(r.answers, '$.usefulness') IN ('integer', 'real') "
                "GROUP BY pp.mentor_id, own",
                params,
            )
            # One answer per mentee and cycle, however many completed pairs lead to it.
            satisfied = await self._reads.fetch_all(
                the_pairs + "SELECT mid AS mentor_id, avg(score) AS average, count(*) AS n FROM "
                "(SELECT DISTINCT pp.mentor_id AS mid, r.id, "
                "CAST(json_extract(r.answers, '$.satisfaction') AS REAL) AS score FROM pp "
                "JOIN responses r ON r.form = 'final_mentee' AND r.participant_id = pp.mentee_id "
                f"AND r.subject = 'cycle:' || pp.cycle_id WHERE {completed} "
                "AND r.completed_at IS NOT NULL "
                "AND json_type(r.answers, '$.satisfaction') IN ('integer', 'real')) GROUP BY mid",
                params,
            )
        meetings_held = {r["mentor_id"]: r["n"] for r in held}
        by_mentees = {r["mentor_id"]: r for r in useful if not r["own"]}
        own = {r["mentor_id"]: r for r in useful if r["own"]}
        polled = {r["mentor_id"]: r for r in satisfied}

        def average(found: dict[int, Any], mentor_id: int) -> tuple[float | None, int]:
            row = found.get(mentor_id)
            return (row["average"], row["n"]) if row is not None else (None, 0)

        figures: list[MentorFigures] = []
        for r in base:
            mentor_id = r["mentor_id"]
            usefulness, usefulness_answers = average(by_mentees, mentor_id)
            own_usefulness, own_answers = average(own, mentor_id)
            satisfaction, satisfaction_answers = average(polled, mentor_id)
            figures.append(
                MentorFigures(
                    mentor_id=mentor_id,
                    full_name=r["full_name"],
                    pairs=r["pairs"],
                    completed=r["completed"] or 0,
                    meetings_held=meetings_held.get(mentor_id, 0),
                    usefulness=usefulness,
                    usefulness_answers=usefulness_answers,
                    satisfaction=satisfaction,
                    satisfaction_answers=satisfaction_answers,
                    mentees=r["mentees"],
                    own_usefulness=own_usefulness,
                    own_usefulness_answers=own_answers,
                )
            )
        return figures
