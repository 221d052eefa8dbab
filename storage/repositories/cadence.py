"""The cadence guard's rows: the "needs attention" list, nudges, and the runs of the daily and
weekly jobs; plus the organization-wide meeting queries the curator's views need."""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from bot.clock import from_db, to_db
from bot.models.attention import Attention
from bot.models.meetings import Meeting
from storage.database import Database
from storage.repositories.meetings import meeting_from_row


def _attention(row: aiosqlite.Row) -> Attention:
    resolved = row["resolved_at"]
    return Attention(
        id=row["id"],
        pair_id=row["pair_id"],
        reason=row["reason"],
        detail=row["detail"],
        raised_at=from_db(row["raised_at"]),
        resolved_at=from_db(resolved) if resolved else None,
    )


class CadenceRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def raise_attention(
        self, pair_id: int, reason: str, detail: str | None, now: datetime
    ) -> int | None:
        """A new open reason for the pair; None when the same reason is already open."""
        async with self._db.transaction() as tx:
            changed = await tx.execute_rowcount(
                "INSERT OR IGNORE INTO attention (pair_id, reason, detail, raised_at) "
                "VALUES (?, ?, ?, ?)",
                (pair_id, reason, detail, to_db(now)),
            )
            if changed != 1:
                return None
            value = await tx.fetch_one("SELECT last_insert_rowid()")
        assert value is not None
        return int(value[0])

    async def resolve_pair(self, pair_id: int, now: datetime) -> int:
        """A held meeting resolves every open reason of the pair."""
        async with self._db.transaction() as tx:
            return await tx.execute_rowcount(
                "UPDATE attention SET resolved_at = ?, resolved_by = 'meeting' "
                "WHERE pair_id = ? AND resolved_at IS NULL",
                (to_db(now), pair_id),
            )

    async def resolve(self, attention_id: int, organization_id: int, now: datetime) -> bool:
        async with self._db.transaction() as tx:
            changed = await tx.execute_rowcount(
                "UPDATE attention SET resolved_at = ?, resolved_by = 'curator' "
                "WHERE id = ? AND resolved_at IS NULL AND pair_id IN "
                "(SELECT id FROM pairs WHERE organization_id = ?)",
                (to_db(now), attention_id, organization_id),
            )
        return changed == 1

    async def open_of_organization(self, organization_id: int) -> list[Attention]:
        rows = await self._db.fetch_all(
            "SELECT a.* FROM attention a JOIN pairs p ON p.id = a.pair_id "
            "WHERE p.organization_id = ? AND p.ended_on IS NULL AND a.resolved_at IS NULL "
            "ORDER BY a.raised_at, a.id",
            (organization_id,),
        )
        return [_attention(r) for r in rows]

    async def open_of_pair(self, pair_id: int) -> list[Attention]:
        rows = await self._db.fetch_all(
            "SELECT * FROM attention WHERE pair_id = ? AND resolved_at IS NULL ORDER BY id",
            (pair_id,),
        )
        return [_attention(r) for r in rows]

    async def raised_since(self, pair_id: int, reason: str, since: datetime) -> bool:
        """Whether the reason was raised (open or resolved since) at or after ``since``."""
        value = await self._db.fetch_value(
            "SELECT count(*) FROM attention WHERE pair_id = ? AND reason = ? AND raised_at >= ?",
            (pair_id, reason, to_db(since)),
        )
        return bool(value)

    async def nudge_once(self, pair_id: int, since: datetime, now: datetime) -> bool:
        """True the first time this overdue spell (named by ``since``) is nudged."""
        async with self._db.transaction() as tx:
            changed = await tx.execute_rowcount(
                "INSERT OR IGNORE INTO cadence_nudges (pair_id, since, nudged_at) VALUES (?, ?, ?)",
                (pair_id, to_db(since), to_db(now)),
            )
        return changed == 1

    async def nudged_at(self, pair_id: int, since: datetime) -> datetime | None:
        value = await self._db.fetch_value(
            "SELECT nudged_at FROM cadence_nudges WHERE pair_id = ? AND since = ?",
            (pair_id, to_db(since)),
        )
        return from_db(value) if value else None

    async def claim_run(self, job: str, scope: str, period: str, now: datetime) -> bool:
        """True for the one run that does this job for this scope and period."""
        async with self._db.transaction() as tx:
            changed = await tx.execute_rowcount(
                "INSERT OR IGNORE INTO job_runs (job, scope, period, ran_at) VALUES (?, ?, ?, ?)",
                (job, scope, period, to_db(now)),
            )
        return changed == 1

    async def organizations(self) -> list[tuple[int, str]]:
        rows = await self._db.fetch_all("SELECT id, timezone FROM organizations ORDER BY id")
        return [(r["id"], r["timezone"]) for r in rows]

    async def meetings_of_organization(
        self, organization_id: int, statuses: tuple[str, ...], since: datetime, until: datetime
    ) -> list[Meeting]:
        marks = ",".join("?" for _ in statuses)
        rows = await self._db.fetch_all(
            "SELECT m.* FROM meetings m JOIN pairs p ON p.id = m.pair_id "
            f"WHERE p.organization_id = ? AND m.status IN ({marks}) "
            "AND m.starts_at >= ? AND m.starts_at < ? ORDER BY m.starts_at, m.id",
            (organization_id, *statuses, to_db(since), to_db(until)),
        )
        return [meeting_from_row(r) for r in rows]
