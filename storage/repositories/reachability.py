"""Who can get messages from the bot: the audience of a bulk send, and marking the unreachable.

Reachability belongs to a Telegram chat, not to one participation: a person blocked the bot
for all their roles at once, so the mark is set and cleared on every row of that person.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import datetime

from bot.clock import from_db, to_db
from bot.models.audience import AudienceRow
from storage.database import Database


class ReachabilityRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def audience(self, organization_id: int, roles: Collection[str]) -> list[AudienceRow]:
        """The organization's participants with these roles, as they are now, by id."""
        if not roles:
            return []
        placeholders = ",".join("?" for _ in roles)
        rows = await self._db.fetch_all(
            "SELECT p.id, p.telegram_id, p.role, p.unreachable_since, "
            "COALESCE(u.language, u.telegram_language) AS language, "
            "(SELECT json_extract(a.value, '$') FROM answers a WHERE a.participant_id = p.id "
            "AND a.question = 'full_name') AS full_name "
            "FROM participants p LEFT JOIN users u ON u.telegram_id = p.telegram_id "
            f"WHERE p.organization_id = ? AND p.role IN ({placeholders}) ORDER BY p.id",
            (organization_id, *roles),
        )
        return [
            AudienceRow(
                participant_id=row["id"],
                telegram_id=row["telegram_id"],
                role=row["role"],
                language=row["language"],
                full_name=row["full_name"] if isinstance(row["full_name"], str) else None,
                unreachable_since=(
                    from_db(row["unreachable_since"]) if row["unreachable_since"] else None
                ),
            )
            for row in rows
        ]

    async def mark_unreachable(self, telegram_ids: Iterable[int], now: datetime) -> None:
        """Keeps the first moment: a person unreachable since March stays so since March."""
        rows = [(to_db(now), telegram_id) for telegram_id in set(telegram_ids)]
        if not rows:
            return
        async with self._db.transaction() as tx:
            await tx.executemany(
                "UPDATE participants SET unreachable_since = ? "
                "WHERE telegram_id = ? AND unreachable_since IS NULL",
                rows,
            )

    async def mark_reachable(self, telegram_id: int) -> bool:
        """True when the person had been marked unreachable."""
        async with self._db.transaction() as tx:
            changed = await tx.execute_rowcount(
                "UPDATE participants SET unreachable_since = NULL "
                "WHERE telegram_id = ? AND unreachable_since IS NOT NULL",
                (telegram_id,),
            )
        return changed > 0

    async def is_unreachable(self, telegram_id: int) -> bool:
        value = await self._db.fetch_value(
            "SELECT 1 FROM participants WHERE telegram_id = ? AND unreachable_since IS NOT NULL "
            "LIMIT 1",
            (telegram_id,),
        )
        return value is not None
