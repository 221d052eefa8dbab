"""Rows of the outbox: every message the bot starts itself, and what became of it.

States: ``pending`` (queued; ``lease_until`` set while a delivery loop holds it), ``sent``
(committed right before the request's bytes go out), ``unreachable`` or ``failed``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from bot.clock import to_db
from bot.models.outbox import OutboxRow
from storage.database import Database

# A screen with nothing to show: what a settled message keeps of its text.
BLANK_SCREEN = '{"text": ""}'


class OutboxRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def add_sent(self, telegram_id: int, kind: str, screen: str, now: datetime) -> int:
        """A message sent at once: recorded as sent in the commit that opens its gate."""
        async with self._db.transaction() as tx:
            return await tx.execute(
                "INSERT INTO outbox (telegram_id, kind, screen, status, created_at, settled_at) "
                "VALUES (?, ?, ?, 'sent', ?, ?)",
                (telegram_id, kind, screen, to_db(now), to_db(now)),
            )

    async def add_pending(self, rows: Iterable[tuple[int, str, str]], now: datetime) -> int:
        """Queue (telegram id, kind, screen) rows in one transaction; returns how many."""
        values = [(tid, kind, screen, to_db(now)) for tid, kind, screen in rows]
        if not values:
            return 0
        async with self._db.transaction() as tx:
            await tx.executemany(
                "INSERT INTO outbox (telegram_id, kind, screen, created_at) VALUES (?, ?, ?, ?)",
                values,
            )
        return len(values)

    async def claim(
        self, now: datetime, lease_until: datetime, limit: int, held: Iterable[int]
    ) -> list[OutboxRow]:
        """Lease pending rows nobody holds (a lease that ran out is a killed sender's)."""
        held_ids = list(held)
        skip = f"AND id NOT IN ({', '.join('?' * len(held_ids))}) " if held_ids else ""
        async with self._db.transaction() as tx:
            rows = await tx.fetch_all(
                "UPDATE outbox SET lease_until = ? WHERE id IN ("
                "SELECT id FROM outbox WHERE status = 'pending' "
                f"AND (lease_until IS NULL OR lease_until <= ?) {skip}ORDER BY id LIMIT ?) "
                "RETURNING id, telegram_id, kind, screen",
                (to_db(lease_until), to_db(now), *held_ids, limit),
            )
        return sorted(
            (OutboxRow(r["id"], r["telegram_id"], r["kind"], r["screen"]) for r in rows),
            key=lambda row: row.id,
        )

    async def mark_sent(self, row_id: int, now: datetime) -> bool:
        """False when the row is no longer pending (another sender took it, or it settled)."""
        async with self._db.transaction() as tx:
            changed = await tx.execute_rowcount(
                "UPDATE outbox SET status = 'sent', settled_at = ? "
                "WHERE id = ? AND status = 'pending'",
                (to_db(now), row_id),
            )
        return changed == 1

    async def unsend(self, row_id: int, lease_until: datetime) -> None:
        """Flood control answered instead of delivering: pending again, held by this sender."""
        async with self._db.transaction() as tx:
            await tx.execute(
                "UPDATE outbox SET status = 'pending', settled_at = NULL, lease_until = ? "
                "WHERE id = ? AND status = 'sent'",
                (to_db(lease_until), row_id),
            )

    async def settle(self, row_id: int, status: str, now: datetime) -> None:
        async with self._db.transaction() as tx:
            await tx.execute(
                "UPDATE outbox SET status = ?, settled_at = ?, lease_until = NULL WHERE id = ?",
                (status, to_db(now), row_id),
            )

    async def release(self, row_ids: Sequence[int]) -> None:
        """Give back the leases of rows this sender will not send (it is stopping)."""
        if not row_ids:
            return
        async with self._db.transaction() as tx:
            await tx.executemany(
                "UPDATE outbox SET lease_until = NULL WHERE id = ? AND status = 'pending'",
                [(row_id,) for row_id in row_ids],
            )

    async def count(self, status: str) -> int:
        value = await self._db.fetch_value(
            "SELECT count(*) FROM outbox WHERE status = ?", (status,)
        )
        return int(value or 0)

    async def blank_settled_before(self, moment: datetime) -> int:
        """What a settled message said is not needed any more (it may name people who later
        withdrew their consent): only its recipient, kind and outcome stay, for the record."""
        async with self._db.transaction() as tx:
            return await tx.execute_rowcount(
                "UPDATE outbox SET screen = ? "
                "WHERE status != 'pending' AND settled_at < ? AND screen != ?",
                (BLANK_SCREEN, to_db(moment), BLANK_SCREEN),
            )

    async def forget_settled_before(self, moment: datetime) -> int:
        """Settled messages are kept a while to account for them, then deleted (they hold
        personal data: names, times and places of meetings)."""
        async with self._db.transaction() as tx:
            return await tx.execute_rowcount(
                "DELETE FROM outbox WHERE status != 'pending' AND settled_at < ?",
                (to_db(moment),),
            )
