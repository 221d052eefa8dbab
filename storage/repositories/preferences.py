from __future__ import annotations

from datetime import datetime

from bot.clock import to_db
from storage.database import Database

MAX_CHOICES = 3


class PreferenceRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def open_round(self, organization_id: int) -> int | None:
        value = await self._db.fetch_value(
            "SELECT id FROM preference_rounds WHERE organization_id = ? AND closed_at IS NULL",
            (organization_id,),
        )
        return int(value) if value is not None else None

    async def last_round(self, organization_id: int) -> int | None:
        value = await self._db.fetch_value(
            "SELECT max(id) FROM preference_rounds WHERE organization_id = ?", (organization_id,)
        )
        return int(value) if value is not None else None

    async def start(self, organization_id: int, now: datetime) -> bool:
        async with self._db.transaction() as tx:
            changed = await tx.execute_rowcount(
                "INSERT INTO preference_rounds (organization_id, opened_at) SELECT ?, ? "
                "WHERE NOT EXISTS (SELECT 1 FROM preference_rounds WHERE organization_id = ? "
                "AND closed_at IS NULL)",
                (organization_id, to_db(now), organization_id),
            )
        return changed == 1

    async def close(self, organization_id: int, now: datetime) -> bool:
        async with self._db.transaction() as tx:
            changed = await tx.execute_rowcount(
                "UPDATE preference_rounds SET closed_at = ? WHERE organization_id = ? "
                "AND closed_at IS NULL",
                (to_db(now), organization_id),
            )
        return changed == 1

    async def chosen_by(self, round_id: int, chooser_id: int) -> set[int]:
        rows = await self._db.fetch_all(
            "SELECT chosen_id FROM preferences WHERE round_id = ? AND chooser_id = ?",
            (round_id, chooser_id),
        )
        return {r["chosen_id"] for r in rows}

    async def toggle(
        self, round_id: int, chooser_id: int, chosen_id: int, now: datetime
    ) -> bool | None:
        """Add or remove a choice; None when three are already chosen (nothing changes)."""
        async with self._db.transaction() as tx:
            removed = await tx.execute_rowcount(
                "DELETE FROM preferences WHERE round_id = ? AND chooser_id = ? AND chosen_id = ?",
                (round_id, chooser_id, chosen_id),
            )
            if removed:
                return False
            row = await tx.fetch_one(
                "SELECT count(*) AS n FROM preferences WHERE round_id = ? AND chooser_id = ?",
                (round_id, chooser_id),
            )
            if row is not None and row["n"] >= MAX_CHOICES:
                return None
            await tx.execute(
                "INSERT INTO preferences (round_id, chooser_id, chosen_id, created_at) "
                "VALUES (?, ?, ?, ?)",
                (round_id, chooser_id, chosen_id, to_db(now)),
            )
        return True

    async def all_choices(self, round_id: int) -> list[tuple[int, int]]:
        rows = await self._db.fetch_all(
            "SELECT chooser_id, chosen_id FROM preferences WHERE round_id = ?", (round_id,)
        )
        return [(r["chooser_id"], r["chosen_id"]) for r in rows]
