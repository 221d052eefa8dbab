"""A short-term pair's further working meetings (migration 0027, ``short_pair_further``)."""

from __future__ import annotations

from storage.database import Database


class ShortPairRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def further(self, pair_id: int) -> int:
        """How many working meetings beyond the first the pair asked for (0: none)."""
        value = await self._db.fetch_value(
            "SELECT further FROM short_pair_further WHERE pair_id = ?", (pair_id,)
        )
        return int(value or 0)

    async def ask_further(self, pair_id: int, further: int) -> bool:
        """The pair's further working meetings become ``further``; False when they already
        were that many or more (a double tap asks once)."""
        async with self._db.transaction() as tx:
            changed = await tx.execute_rowcount(
                "INSERT INTO short_pair_further (pair_id, further) VALUES (?, ?) "
                "ON CONFLICT (pair_id) DO UPDATE SET further = excluded.further "
                "WHERE further < excluded.further",
                (pair_id, further),
            )
        return changed == 1
