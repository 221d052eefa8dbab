"""The long-term mentor base and the mentor ranking of a cycle: queries of
:class:`storage.repositories.cycles.CycleRepository`, kept here apart from the cycles' own."""

from __future__ import annotations

from datetime import datetime

from bot.clock import to_db
from bot.models.cycles import BaseEntry, MentorFigures
from storage.database import Database

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
    async def mentor_figures(self, cycle_id: int, final_subject: str) -> list[MentorFigures]:
        rows = await self._db.fetch_all(
            # A mentor who withdrew is not ranked (the pair's side is NULL).
            "WITH cp AS (SELECT * FROM pairs WHERE cycle_id = :c AND mentor_id IS NOT NULL), "
            "useful AS (SELECT cp.mentor_id AS mid, "
            "  avg(CAST(json_extract(r.answers, '$.usefulness') AS REAL)) AS avg_u, "
            "  count(*) AS n_u FROM responses r JOIN meetings m ON m.id = r.meeting_id "
            "  JOIN cp ON cp.id = m.pair_id WHERE r.form = 'meeting_feedback' "
            "  AND r.participant_id = cp.mentee_id AND r.completed_at IS NOT NULL "
            "  AND json_type(r.answers, '$.usefulness') IN ('integer', 'real') "
            "  GROUP BY cp.mentor_id), "
            "satisfied AS (SELECT cp.mentor_id AS mid, "
            "  avg(CAST(json_extract(r.answers, '$.satisfaction') AS REAL)) AS avg_s, "
            "  count(*) AS n_s FROM responses r JOIN cp ON cp.mentee_id = r.participant_id "
            "  AND cp.completed = 1 "
            "  WHERE r.form = 'final_mentee' AND r.subject = :s AND r.completed_at IS NOT NULL "
            "  AND json_type(r.answers, '$.satisfaction') IN ('integer', 'real') "
            "  GROUP BY cp.mentor_id), "
            "held AS (SELECT cp.mentor_id AS mid, count(*) AS n_h FROM meetings m "
            "  JOIN cp ON cp.id = m.pair_id WHERE m.status = 'held' GROUP BY cp.mentor_id) "
            "SELECT cp.mentor_id, count(*) AS pairs, sum(cp.completed) AS completed, "
            "  coalesce(held.n_h, 0) AS held, useful.avg_u, coalesce(useful.n_u, 0) AS n_u, "
            "  satisfied.avg_s, coalesce(satisfied.n_s, 0) AS n_s, "
            + _FULL_NAME.format(pid="cp.mentor_id")
            + " AS full_name FROM cp LEFT JOIN held ON held.mid = cp.mentor_id "
            "LEFT JOIN useful ON useful.mid = cp.mentor_id "
            "LEFT JOIN satisfied ON satisfied.mid = cp.mentor_id GROUP BY cp.mentor_id",
            {"c": cycle_id, "s": final_subject},
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
            )
            for r in rows
        ]
