from __future__ import annotations

from datetime import datetime

from bot.clock import to_db
from storage.database import Database


class MaintenanceRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def purge_fsm_untouched_since(self, moment: datetime) -> int:
        async with self._db.transaction() as tx:
            return await tx.execute_rowcount(
                "DELETE FROM fsm_records WHERE updated_at < ?", (to_db(moment),)
            )

    async def optimize(self) -> None:
        await self._db.fetch_all("PRAGMA optimize")
