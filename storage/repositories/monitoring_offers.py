"""The offer of the monitoring poll "before" and its one reminder, kept in ``job_runs``
(job ``monitoring_offer``, scope the participant id, period ``offered`` or ``reminded``), so
a restart or a second tick never reminds twice."""

from __future__ import annotations

from datetime import datetime

from bot.clock import to_db
from storage.database import Database

JOB = "monitoring_offer"


class MonitoringOfferRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def record_offer(self, participant_id: int, now: datetime) -> None:
        async with self._db.transaction() as tx:
            await tx.execute(
                "INSERT OR IGNORE INTO job_runs (job, scope, period, ran_at) VALUES (?, ?, ?, ?)",
                (JOB, str(participant_id), "offered", to_db(now)),
            )

    async def claim_reminders(self, offered_before: datetime, now: datetime) -> list[int]:
        """Participants offered the poll before ``offered_before`` who have not opened it and
        have not been reminded; each is marked reminded in the same transaction."""
        async with self._db.transaction() as tx:
            rows = await tx.fetch_all(
                "SELECT p.id FROM job_runs o "
                "JOIN participants p ON p.id = CAST(o.scope AS INTEGER) "
                "WHERE o.job = ? AND o.period = 'offered' AND o.ran_at <= ? "
                "AND NOT EXISTS (SELECT 1 FROM job_runs r WHERE r.job = o.job "
                "    AND r.scope = o.scope AND r.period = 'reminded') "
                "AND NOT EXISTS (SELECT 1 FROM responses s WHERE s.participant_id = p.id "
                "    AND s.subject LIKE 'before:%') "
                "ORDER BY p.id LIMIT 200",
                (JOB, to_db(offered_before)),
            )
            ids = [int(row["id"]) for row in rows]
            for participant_id in ids:
                await tx.execute(
                    "INSERT OR IGNORE INTO job_runs (job, scope, period, ran_at) "
                    "VALUES (?, ?, 'reminded', ?)",
                    (JOB, str(participant_id), to_db(now)),
                )
        return ids
