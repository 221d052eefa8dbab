"""Denominators of the involvement shares (per organization and school year) and the targets
(per organization, indicator and calendar year)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from bot.clock import to_db
from bot.models.reports import DENOMINATOR_FIELDS, DenominatorRow
from storage.database import Database, Transaction


async def upsert_numbers(
    tx: Transaction,
    table: str,
    key: Mapping[str, object],
    values: Mapping[str, int | None],
    stamp: Mapping[str, object],
) -> None:
    """Write the given numbers (:data:`DENOMINATOR_FIELDS`) of the row ``key`` names in
    ``table`` (a school's or a municipality's), keeping the numbers not given, with ``stamp``
    (who entered them, when) set in either case."""
    fields = [f for f in DENOMINATOR_FIELDS if f in values]
    columns = [*key, *fields, *stamp]
    updates = ", ".join(f"{c} = excluded.{c}" for c in [*fields, *stamp])
    await tx.execute(
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))}) "
        f"ON CONFLICT ({', '.join(key)}) DO UPDATE SET {updates}",
        (*key.values(), *(values[f] for f in fields), *stamp.values()),
    )


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
        async with self._db.transaction() as tx:
            await upsert_numbers(
                tx,
                "denominators",
                {"organization_id": organization_id, "school_year": school_year},
                values,
                {"entered_by": entered_by, "entered_at": to_db(now)},
            )

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
