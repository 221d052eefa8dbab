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
            "SELECT language, telegram_language, created_at FROM users WHERE telegram_id = ?",
            (telegram_id,),
        )
        support = await self._db.fetch_all(
            "SELECT id, topic, body, created_at FROM support_requests WHERE telegram_id = ? "
            "ORDER BY id",
            (telegram_id,),
        )
        return {
            "language": user["language"] if user else None,
            "telegram_language": user["telegram_language"] if user else None,
            "support_requests": [dict(row) for row in support],
        }

    async def active_partners(self, participant_id: int) -> tuple[int, ...]:
        """Telegram ids of the other side of this participant's active pairs."""
        rows = await self._db.fetch_all(
            "SELECT other.telegram_id FROM pairs pr JOIN participants other "
            "ON other.id = CASE WHEN pr.mentor_id = ? THEN pr.mentee_id ELSE pr.mentor_id END "
            "WHERE (pr.mentor_id = ? OR pr.mentee_id = ?) AND pr.ended_on IS NULL",
            (participant_id, participant_id, participant_id),
        )
        return tuple(row["telegram_id"] for row in rows)

    async def erase_account(self, telegram_id: int) -> None:
        """Forget the person's settings, messages to and from them, unfinished dialogues."""
        async with self._db.transaction() as tx:
            await tx.execute("DELETE FROM users WHERE telegram_id = ?", (telegram_id,))
            await tx.execute("DELETE FROM outbox WHERE telegram_id = ?", (telegram_id,))
            await tx.execute("DELETE FROM support_requests WHERE telegram_id = ?", (telegram_id,))
            # FSM keys are "fsm:<bot>:<chat>:<user>:<destiny>"; in a private chat chat = user.
            await tx.execute(
                "DELETE FROM fsm_records WHERE storage_key LIKE ?",
                (f"fsm:%:{int(telegram_id)}:{int(telegram_id)}:%",),
            )
