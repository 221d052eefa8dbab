"""Denominators of the involvement shares (per organization and school year) and the targets
(per organization, indicator and calendar year)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.clock import to_db
from bot.models.reports import DENOMINATOR_FIELDS, DenominatorRow
from storage.database import Database


class DenominatorRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def latest(
        self, organization_ids: Sequence[int], school_year: int
    ) -> dict[int, DenominatorRow]:
        """Per organization, the row of ``school_year`` or else of the latest year before it."""
        if not organization_ids:
            return {}
        marks = ",".join("?" * len(organization_ids))
        rows = await self._db.fetch_all(
            f"SELECT d.* FROM denominators d WHERE d.organization_id IN ({marks}) "
            "AND d.school_year = (SELECT max(e.school_year) FROM denominators e "
            "WHERE e.organization_id = d.organization_id AND e.school_year <= ?)",
            (*organization_ids, school_year),
        )
        return {
            r["organization_id"]: DenominatorRow(
                r["organization_id"], r["school_year"], {f: r[f] for f in DENOMINATOR_FIELDS}
            )
            for r in rows
        }

    async def save(
        self,
        organization_id: int,
        school_year: int,
        values: dict[str, int | None],
        entered_by: int,
        now: datetime,
    ) -> None:
        fields = [f for f in DENOMINATOR_FIELDS if f in values]
        columns = ", ".join(fields)
        updates = ", ".join(f"{f} = excluded.{f}" for f in fields)
        marks = ", ".join("?" * len(fields))
        async with self._db.transaction() as tx:
            await tx.execute(
                f"INSERT INTO denominators (organization_id, school_year, {columns}, "
                f"entered_by, entered_at) VALUES (?, ?, {marks}, ?, ?) "
                "ON CONFLICT (organization_id, school_year) DO UPDATE SET "
                f"{updates}, entered_by = excluded.entered_by, entered_at = excluded.entered_at",
                (organization_id, school_year, *(values[f] for f in fields), entered_by,
                 to_db(now)),
            )  # fmt: skip

    async def targets(
        self, organization_ids: Sequence[int], year: int
    ) -> dict[int, dict[str, float]]:
        """Targets the organizations set for themselves for ``year``: organization -> key ->
        0..1. A target of the year itself wins over one without a year (set before targets
        had years, which counts for every year); indicators without either are absent."""
        if not organization_ids:
            return {}
        marks = ",".join("?" * len(organization_ids))
        rows = await self._db.fetch_all(
            "SELECT organization_id, indicator, target FROM indicator_targets "
            f"WHERE organization_id IN ({marks}) AND (year = ? OR year IS NULL) "
            "ORDER BY year IS NOT NULL",
            (*organization_ids, year),
        )
        found: dict[int, dict[str, float]] = {}
        for r in rows:  # the year's own row comes last and overrides
            found.setdefault(r["organization_id"], {})[r["indicator"]] = float(r["target"])
        return found

    async def save_target(
        self, organization_id: int, indicator: str, year: int, target: float
    ) -> None:
        async with self._db.transaction() as tx:
            await tx.execute(
                "DELETE FROM indicator_targets "
                "WHERE organization_id = ? AND indicator = ? AND year = ?",
                (organization_id, indicator, year),
            )
            await tx.execute(
                "INSERT INTO indicator_targets (organization_id, indicator, year, target) "
                "VALUES (?, ?, ?, ?)",
                (organization_id, indicator, year, target),
            )
