"""Everything stored about one Telegram user outside the participant rows, for /mydata and
for erasing it on withdrawal."""

from __future__ import annotations

from typing import Any

from storage.database import Database


class PrivacyRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def account_of(self, telegram_id: int) -> dict[str, Any]:
        user = await self._db.fetch_one(
            "SELECT language, created_at FROM users WHERE telegram_id = ?", (telegram_id,)
        )
        support = await self._db.fetch_all(
            "SELECT id, topic, body, created_at FROM support_requests WHERE telegram_id = ? "
            "ORDER BY id",
            (telegram_id,),
        )
        return {
            "language": user["language"] if user else None,
            "support_requests": [dict(row) for row in support],
        }

    async def erase_account(self, telegram_id: int) -> None:
        """Forget the person's settings, messages to support and unfinished dialogues."""
        async with self._db.transaction() as tx:
            await tx.execute("DELETE FROM users WHERE telegram_id = ?", (telegram_id,))
            await tx.execute("DELETE FROM support_requests WHERE telegram_id = ?", (telegram_id,))
            # FSM keys are "fsm:<bot>:<chat>:<user>:<destiny>"; in a private chat chat = user.
            await tx.execute(
                "DELETE FROM fsm_records WHERE storage_key LIKE ?",
                (f"fsm:%:{int(telegram_id)}:{int(telegram_id)}:%",),
            )
