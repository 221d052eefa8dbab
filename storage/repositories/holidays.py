from __future__ import annotations

from datetime import date

import aiosqlite

from bot.models.holidays import HolidayRow
from storage.database import Database


def holiday_from_row(r: aiosqlite.Row) -> HolidayRow:
    return HolidayRow(
        r["id"],
        r["organization_id"],
        date.fromisoformat(r["starts_on"]),
        date.fromisoformat(r["ends_on"]),
        r["title"],
    )


class HolidayRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def add(self, organization_id: int, starts_on: date, ends_on: date, title: str) -> int:
        async with self._db.transaction() as tx:
            return await tx.execute(
                "INSERT INTO holidays (organization_id, starts_on, ends_on, title) "
                "VALUES (?, ?, ?, ?)",
                (organization_id, starts_on.isoformat(), ends_on.isoformat(), title),
            )

    async def of_organization(self, organization_id: int, since: date) -> list[HolidayRow]:
        rows = await self._db.fetch_all(
            "SELECT * FROM holidays WHERE organization_id = ? AND ends_on >= ? "
            "ORDER BY starts_on, id",
            (organization_id, since.isoformat()),
        )
        return [holiday_from_row(r) for r in rows]

    async def remove(self, organization_id: int, holiday_id: int) -> bool:
        async with self._db.transaction() as tx:
            changed = await tx.execute_rowcount(
                "DELETE FROM holidays WHERE id = ? AND organization_id = ?",
                (holiday_id, organization_id),
            )
        return changed == 1
