"""Meetings of pairs."""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from bot.clock import from_db, to_db
from bot.models.meetings import Meeting
from storage.database import Database


def _meeting(row: aiosqlite.Row) -> Meeting:
    return Meeting(
        id=row["id"],
        pair_id=row["pair_id"],
        kind=row["kind"],
        status=row["status"],
        starts_at=from_db(row["starts_at"]),
        meeting_format=row["meeting_format"],
        place=row["place"],
        proposed_by=row["proposed_by"],
        cancel_reason=row["cancel_reason"],
        group_meeting_id=row["group_meeting_id"],
    )


# The row reader, for other repositories that join meetings.
meeting_from_row = _meeting


class MeetingRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def propose(
        self,
        *,
        pair_id: int,
        kind: str,
        starts_at: datetime,
        meeting_format: str,
        place: str,
        proposed_by: int,
        now: datetime,
        replaces: int | None,
    ) -> Meeting:
        """A new proposal; the meeting it replaces (a moved one) is cancelled with it."""
        async with self._db.transaction() as tx:
            # An earlier proposal still waiting for an answer is superseded by this one.
            await tx.execute(
                "UPDATE meetings SET status = 'cancelled', decided_at = ?, "
                "cancel_reason = 'superseded' WHERE pair_id = ? AND status = 'proposed'",
                (to_db(now), pair_id),
            )
            if replaces is not None:
                await tx.execute(
                    "UPDATE meetings SET status = 'cancelled', decided_at = ?, "
                    "cancel_reason = 'moved' WHERE id = ? AND pair_id = ? AND status = 'confirmed'",
                    (to_db(now), replaces, pair_id),
                )
            meeting_id = await tx.execute(
                "INSERT INTO meetings (pair_id, kind, status, starts_at, meeting_format, place, "
                "proposed_by, created_at) VALUES (?, ?, 'proposed', ?, ?, ?, ?, ?)",
                (pair_id, kind, to_db(starts_at), meeting_format, place, proposed_by, to_db(now)),
            )
            row = await tx.fetch_one("SELECT * FROM meetings WHERE id = ?", (meeting_id,))
        assert row is not None
        return _meeting(row)

    async def get(self, meeting_id: int) -> Meeting | None:
        row = await self._db.fetch_one("SELECT * FROM meetings WHERE id = ?", (meeting_id,))
        return _meeting(row) if row else None

    async def decide(
        self, meeting_id: int, expected: str, status: str, now: datetime, reason: str | None = None
    ) -> bool:
        """Move a meeting from ``expected`` to ``status``; False when it is no longer there."""
        async with self._db.transaction() as tx:
            changed = await tx.execute_rowcount(
                "UPDATE meetings SET status = ?, decided_at = ?, cancel_reason = ? "
                "WHERE id = ? AND status = ?",
                (status, to_db(now), reason, meeting_id, expected),
            )
        return changed == 1

    async def of_pair(self, pair_id: int) -> list[Meeting]:
        rows = await self._db.fetch_all(
            "SELECT * FROM meetings WHERE pair_id = ? ORDER BY starts_at, id", (pair_id,)
        )
        return [_meeting(r) for r in rows]

    async def upcoming_of_pairs(self, pair_ids: list[int], since: datetime) -> list[Meeting]:
        if not pair_ids:
            return []
        marks = ",".join("?" for _ in pair_ids)
        rows = await self._db.fetch_all(
            f"SELECT * FROM meetings WHERE pair_id IN ({marks}) "
            "AND status IN ('proposed', 'confirmed') AND starts_at >= ? ORDER BY starts_at",
            (*pair_ids, to_db(since)),
        )
        return [_meeting(r) for r in rows]

    async def open_of_organization(
        self, organization_id: int, since: datetime, until: datetime
    ) -> list[Meeting]:
        """Proposed and confirmed meetings of the organization's active pairs starting from
        ``since`` (inclusive) to ``until`` (exclusive), soonest first."""
        rows = await self._db.fetch_all(
            "SELECT m.* FROM meetings m JOIN pairs p ON p.id = m.pair_id "
            "WHERE p.organization_id = ? AND p.ended_on IS NULL "
            "AND m.status IN ('proposed', 'confirmed') AND m.starts_at >= ? AND m.starts_at < ? "
            "ORDER BY m.starts_at, m.id",
            (organization_id, to_db(since), to_db(until)),
        )
        return [_meeting(r) for r in rows]

    async def create_confirmed(
        self,
        *,
        pair_id: int,
        kind: str,
        starts_at: datetime,
        meeting_format: str,
        place: str,
        proposed_by: int,
        now: datetime,
    ) -> Meeting | None:
        """A meeting planned from the pair's rhythm, confirmed at once; None when something is
        already proposed or confirmed ahead (two ticks or two answers racing)."""
        async with self._db.transaction() as tx:
            ahead = await tx.fetch_one(
                "SELECT id FROM meetings WHERE pair_id = ? AND status IN ('proposed', 'confirmed') "
                "AND starts_at >= ?",
                (pair_id, to_db(now)),
            )
            if ahead is not None:
                return None
            meeting_id = await tx.execute(
                "INSERT INTO meetings (pair_id, kind, status, starts_at, meeting_format, place, "
                "proposed_by, created_at, decided_at) VALUES (?, ?, 'confirmed', ?, ?, ?, ?, ?, ?)",
                (pair_id, kind, to_db(starts_at), meeting_format, place, proposed_by,
                 to_db(now), to_db(now)),
            )  # fmt: skip
            row = await tx.fetch_one("SELECT * FROM meetings WHERE id = ?", (meeting_id,))
        assert row is not None
        return _meeting(row)

    async def in_group(self, pair_id: int) -> bool:
        """Whether the pair belongs to a group (migration 0025): its meetings are the group's."""
        value = await self._db.fetch_value(
            "SELECT group_id IS NOT NULL FROM pairs WHERE id = ?", (pair_id,)
        )
        return bool(value)
