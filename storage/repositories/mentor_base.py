"""The long-term mentor base and the figures of each mentor for a period: queries of
:class:`storage.repositories.cycles.CycleRepository`, kept here apart from the cycles' own."""

from __future__ import annotations

from datetime import datetime

from bot.clock import to_db
from bot.models.cycles import BaseEntry, MentorFigures
from bot.models.periods import Period
from storage.database import Database
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
        rows = await self._db.fetch_all(
            "WITH pp AS (SELECT pr.* FROM pairs pr WHERE pr.organization_id = :org "
            f"  AND pr.mentor_id IS NOT NULL AND {pairs}), "
            "held AS (SELECT pp.mentor_id AS mid, count(*) AS n_h FROM meetings m "
            f"  JOIN pp ON pp.id = m.pair_id WHERE m.status = 'held' AND {meetings} "
            "  GROUP BY pp.mentor_id), "
            "useful AS (SELECT pp.mentor_id AS mid, "
            "  avg(CASE WHEN r.participant_id = pp.mentee_id "
            "    THEN CAST(json_extract(r.answers, '$.usefulness') AS REAL) END) AS avg_u, "
            "  count(CASE WHEN r.participant_id = pp.mentee_id THEN 1 END) AS n_u, "
            "  avg(CASE WHEN r.participant_id = pp.mentor_id "
            "    THEN CAST(json_extract(r.answers, '$.usefulness') AS REAL) END) AS avg_o, "
            "  count(CASE WHEN r.participant_id = pp.mentor_id THEN 1 END) AS n_o "
            "  FROM responses r JOIN meetings m ON m.id = r.meeting_id "
            "  JOIN pp ON pp.id = m.pair_id WHERE r.form = 'meeting_feedback' "
            f"  AND r.completed_at IS NOT NULL AND {meetings} "
            "  AND json_type(r.answers, '$.usefulness') IN ('integer', 'real') "
            "  GROUP BY pp.mentor_id), "
            # One answer per mentee and cycle, however many completed pairs lead to it.
            "polled AS (SELECT DISTINCT pp.mentor_id AS mid, r.id AS rid, "
            "  CAST(json_extract(r.answers, '$.satisfaction') AS REAL) AS score "
            "  FROM pp JOIN responses r ON r.form = 'final_mentee' "
            "  AND r.participant_id = pp.mentee_id AND r.subject = 'cycle:' || pp.cycle_id "
            f"  WHERE {pairs_completed_in('pp', period)} AND r.completed_at IS NOT NULL "
            "  AND json_type(r.answers, '$.satisfaction') IN ('integer', 'real')), "
            "satisfied AS (SELECT mid, avg(score) AS avg_s, count(*) AS n_s FROM polled "
            "  GROUP BY mid) "
            "SELECT pp.mentor_id, count(*) AS pairs, count(DISTINCT pp.mentee_id) AS mentees, "
            f"  sum(CASE WHEN {pairs_completed_in('pp', period)} THEN 1 ELSE 0 END) AS completed, "
            "  coalesce(held.n_h, 0) AS held, useful.avg_u, coalesce(useful.n_u, 0) AS n_u, "
            "  useful.avg_o, coalesce(useful.n_o, 0) AS n_o, "
            "  satisfied.avg_s, coalesce(satisfied.n_s, 0) AS n_s, "
            + _FULL_NAME.format(pid="pp.mentor_id")
            + " AS full_name FROM pp LEFT JOIN held ON held.mid = pp.mentor_id "
            "LEFT JOIN useful ON useful.mid = pp.mentor_id "
            "LEFT JOIN satisfied ON satisfied.mid = pp.mentor_id GROUP BY pp.mentor_id",
            {"org": organization_id, **period_params(period)},
        )
        return [
            MentorFigures(
                mentor_id=r["mentor_id"],
                full_name=r["full_name"],
                pairs=r["pairs"],
                completed=r["completed"] or 0,
                meetings_held=r["held"],
                usefulness=r["avg_u"],
                usefulness_answers=r["n_u"],
                satisfaction=r["avg_s"],
                satisfaction_answers=r["n_s"],
                mentees=r["mentees"],
                own_usefulness=r["avg_o"],
                own_usefulness_answers=r["n_o"],
            )
            for r in rows
        ]
