"""What the per-school table needs beside the indicators, for any number of schools in a fixed
number of queries: the schools' names, how many pairs each has in the period, and the dates of
the period's cycle in each (to know how far into it the report is)."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import date

from bot.models.periods import Period
from storage.database import ReadSource
from storage.repositories.period_sql import pairs_of, period_params


@dataclass(frozen=True)
class CycleSpan:
    """The dates of a school's cycle: when it started, when it is planned to end (if the
    curator set it) and whether it is closed."""

    started_on: date
    planned_end: date | None
    closed: bool


def _ids(organization_ids: Sequence[int]) -> str:
    # Integers only (int() refuses anything else), so the list is safe to inline.
    return ",".join(str(int(i)) for i in organization_ids) or "NULL"


class SchoolRepository:
    def __init__(self, db: ReadSource) -> None:
        # Long reads: handed ``Database.reads`` (read-only connections), or the database.
        self._db = db

    def snapshot(self) -> AbstractAsyncContextManager[object]:
        """The reads of a block in one snapshot of the database (a report's figures agree)."""
        return self._db.reading()

    async def names(self, organization_ids: Sequence[int]) -> dict[int, str]:
        rows = await self._db.fetch_all(
            f"SELECT id, name FROM organizations WHERE id IN ({_ids(organization_ids)})"
        )
        return {int(r["id"]): str(r["name"]) for r in rows}

    async def pair_counts(self, organization_ids: Sequence[int], period: Period) -> dict[int, int]:
        """Pairs of the period per organization (organizations without any are absent)."""
        rows = await self._db.fetch_all(
            "SELECT pr.organization_id AS org, count(*) AS pairs FROM pairs pr "
            f"WHERE pr.organization_id IN ({_ids(organization_ids)}) "
            f"AND {pairs_of('pr', period)} GROUP BY pr.organization_id",
            period_params(period),
        )
        return {int(r["org"]): int(r["pairs"]) for r in rows}

    async def cycle_spans(
        self, organization_ids: Sequence[int], period: Period
    ) -> dict[int, CycleSpan]:
        """For a cycle period, each school's cycle of it: the open one for the current
        cycle, the given one otherwise (it belongs to one school). Empty for a dated period."""
        if period.dated:
            return {}
        which = "c.closed_at IS NULL" if period.cycle_id is None else "c.id = :period_cycle"
        rows = await self._db.fetch_all(
            "SELECT c.organization_id AS org, c.started_on, c.planned_end, "
            "c.closed_at IS NOT NULL AS closed FROM cycles c "
            f"WHERE c.organization_id IN ({_ids(organization_ids)}) AND {which}",
            period_params(period),
        )
        return {
            int(r["org"]): CycleSpan(
                date.fromisoformat(r["started_on"]),
                date.fromisoformat(r["planned_end"]) if r["planned_end"] else None,
                bool(r["closed"]),
            )
            for r in rows
        }
