"""Updates already handled: looked up before any handler runs, pruned after a day.

Rows are written by :meth:`storage.database.Database.transaction` itself, in the first write
transaction an update causes (see :class:`storage.database.UpdateMark`).
"""

from __future__ import annotations

from datetime import datetime

from bot.clock import to_db
from storage.database import Database


class ProcessedUpdateRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def seen(self, update_id: int) -> bool:
        found = await self._db.fetch_value(
            "SELECT 1 FROM processed_updates WHERE update_id = ?", (update_id,)
        )
        return found is not None

    async def forget_before(self, moment: datetime) -> int:
        async with self._db.transaction() as tx:
            return await tx.execute_rowcount(
                "DELETE FROM processed_updates WHERE processed_at < ?", (to_db(moment),)
            )
