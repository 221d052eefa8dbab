from __future__ import annotations

from datetime import datetime

from bot.clock import to_db
from storage.database import Database


class UserRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def get_language(self, telegram_id: int) -> str | None:
        value = await self._db.fetch_value(
            "SELECT language FROM users WHERE telegram_id = ?", (telegram_id,)
        )
        return None if value is None else str(value)

    async def set_language(self, telegram_id: int, language: str, now: datetime) -> None:
        async with self._db.transaction() as tx:
            await tx.execute(
                "INSERT INTO users (telegram_id, language, created_at, updated_at) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (telegram_id) DO UPDATE SET "
                "language = excluded.language, updated_at = excluded.updated_at",
                (telegram_id, language, to_db(now), to_db(now)),
            )
