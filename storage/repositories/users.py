from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from bot.clock import to_db
from storage.database import Database


class UserRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def get_languages(self, telegram_id: int) -> tuple[str | None, str | None]:
        """The language the person chose (if they did) and the last one Telegram reported."""
        row = await self._db.fetch_one(
            "SELECT language, telegram_language FROM users WHERE telegram_id = ?",
            (telegram_id,),
        )
        if row is None:
            return None, None
        return row["language"], row["telegram_language"]

    async def languages_of(self, telegram_ids: Collection[int]) -> dict[int, str]:
        """Telegram id -> the chosen language, else Telegram's hint, for those that have one."""
        found: dict[int, str] = {}
        ids = list(set(telegram_ids))
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" for _ in chunk)
            rows = await self._db.fetch_all(
                "SELECT telegram_id, COALESCE(language, telegram_language) AS language "
                f"FROM users WHERE telegram_id IN ({marks})",
                chunk,
            )
            found.update({row["telegram_id"]: row["language"] for row in rows if row["language"]})
        return found

    async def set_language(self, telegram_id: int, language: str, now: datetime) -> None:
        async with self._db.transaction() as tx:
            await tx.execute(
                "INSERT INTO users (telegram_id, language, created_at, updated_at) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (telegram_id) DO UPDATE SET "
                "language = excluded.language, updated_at = excluded.updated_at",
                (telegram_id, language, to_db(now), to_db(now)),
            )

    async def remember_telegram_language(
        self, telegram_id: int, language: str, now: datetime
    ) -> None:
        # One statement, atomic by itself, and no record of the update: writing the same hint
        # again (a redelivered update) changes nothing, so it needs no protection against
        # repeats, and a /start or /help stays at two statements.
        await self._db.execute_alone(
            "INSERT INTO users (telegram_id, telegram_language, created_at, updated_at) "
            "VALUES (?, ?, ?, ?) ON CONFLICT (telegram_id) DO UPDATE SET "
            "telegram_language = excluded.telegram_language, "
            "updated_at = excluded.updated_at",
            (telegram_id, language, to_db(now), to_db(now)),
        )
