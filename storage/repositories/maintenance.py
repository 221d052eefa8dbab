from __future__ import annotations

import sqlite3
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

    async def optimize(self) -> bool:
        """Refresh the query planner's statistics; False when SQLite found the database busy
        (another connection, e.g. the nightly backup's, held it past the busy timeout at
        the wrong moment): statistics are an optimization, the next run refreshes them."""
        try:
            await self._db.fetch_all("PRAGMA optimize")
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) and "busy" not in str(error):
                raise
            return False
        return True
