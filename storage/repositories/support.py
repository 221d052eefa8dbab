from __future__ import annotations

from datetime import datetime

from bot.clock import from_db, to_db
from bot.models.support import SupportRequest
from storage.database import Database


class SupportRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def add(self, telegram_id: int, topic: str, body: str, now: datetime) -> SupportRequest:
        async with self._db.transaction() as tx:
            request_id = await tx.execute(
                "INSERT INTO support_requests (telegram_id, topic, body, created_at) "
                "VALUES (?, ?, ?, ?)",
                (telegram_id, topic, body, to_db(now)),
            )
        return SupportRequest(request_id, telegram_id, topic, body, now)

    async def count_since(self, telegram_id: int, since: datetime) -> int:
        value = await self._db.fetch_value(
            "SELECT count(*) FROM support_requests WHERE telegram_id = ? AND created_at >= ?",
            (telegram_id, to_db(since)),
        )
        return int(value or 0)

    async def get(self, request_id: int) -> SupportRequest | None:
        row = await self._db.fetch_one(
            "SELECT id, telegram_id, topic, body, created_at FROM support_requests WHERE id = ?",
            (request_id,),
        )
        if row is None:
            return None
        return SupportRequest(
            row["id"], row["telegram_id"], row["topic"], row["body"], from_db(row["created_at"])
        )
