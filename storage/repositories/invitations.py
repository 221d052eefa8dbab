"""Invitation links: who they are for, how often and how long they work, and their uses."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import aiosqlite

from bot.clock import from_db, to_db
from bot.models.invitations import CuratorJoin, Invitation, InvitationRole
from storage.database import Database, Transaction

# An invitation works while it is not revoked, has not expired and has uses left.
_ACTIVE = (
    "revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?) "
    "AND (max_uses IS NULL OR uses < max_uses)"
)
_COLUMNS = (
    "id, token, organization_id, role, created_by, created_at, expires_at, max_uses, uses, "
    "revoked_at"
)


def _invitation(row: aiosqlite.Row) -> Invitation:
    return Invitation(
        id=row["id"],
        token=row["token"],
        organization_id=row["organization_id"],
        role=InvitationRole(row["role"]),
        created_by=row["created_by"],
        created_at=from_db(row["created_at"]),
        expires_at=from_db(row["expires_at"]) if row["expires_at"] else None,
        max_uses=row["max_uses"],
        uses=row["uses"],
        revoked_at=from_db(row["revoked_at"]) if row["revoked_at"] else None,
    )


class InvitationRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def create(
        self,
        token: str,
        organization_id: int,
        role: InvitationRole,
        created_by: int | None,
        now: datetime,
        *,
        expires_at: datetime | None,
        max_uses: int | None,
    ) -> Invitation:
        """Raises ``sqlite3.IntegrityError`` if the token is taken (the caller draws anew)."""
        async with self._db.transaction() as tx:
            invitation_id = await tx.execute(
                "INSERT INTO invitations (token, organization_id, role, created_by, created_at, "
                "expires_at, max_uses) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    token,
                    organization_id,
                    role.value,
                    created_by,
                    to_db(now),
                    to_db(expires_at) if expires_at else None,
                    max_uses,
                ),
            )
        return Invitation(
            invitation_id,
            token,
            organization_id,
            role,
            created_by,
            now,
            expires_at,
            max_uses,
            0,
            None,
        )

    async def get(self, invitation_id: int) -> Invitation | None:
        row = await self._db.fetch_one(
            f"SELECT {_COLUMNS} FROM invitations WHERE id = ?", (invitation_id,)
        )
        return None if row is None else _invitation(row)

    async def by_token(self, token: str) -> Invitation | None:
        row = await self._db.fetch_one(
            f"SELECT {_COLUMNS} FROM invitations WHERE token = ?", (token,)
        )
        return None if row is None else _invitation(row)

    async def active(
        self, organization_id: int, roles: Iterable[InvitationRole], now: datetime
    ) -> list[Invitation]:
        role_values = [role.value for role in roles]
        marks = ", ".join("?" for _ in role_values) or "NULL"
        rows = await self._db.fetch_all(
            f"SELECT {_COLUMNS} FROM invitations "
            f"WHERE organization_id = ? AND role IN ({marks}) AND {_ACTIVE} ORDER BY id",
            (organization_id, *role_values, to_db(now)),
        )
        return [_invitation(row) for row in rows]

    async def use(self, invitation_id: int, now: datetime) -> bool:
        """Count one use if the invitation still works; False when it does not.

        The check and the increment are one UPDATE in one write transaction, so two people
        can never both take the last use.
        """
        async with self._db.transaction() as tx:
            return await self._use(tx, invitation_id, now)

    @staticmethod
    async def _use(
        tx: Transaction, invitation_id: int, now: datetime, role: InvitationRole | None = None
    ) -> bool:
        sql = f"UPDATE invitations SET uses = uses + 1 WHERE id = ? AND {_ACTIVE}"
        params: list[object] = [invitation_id, to_db(now)]
        if role is not None:
            sql += " AND role = ?"
            params.append(role.value)
        return await tx.execute_rowcount(sql, params) == 1

    async def revoke(self, invitation_id: int, organization_id: int, now: datetime) -> bool:
        """Revoke an organization's invitation; False if it is not theirs or already revoked."""
        async with self._db.transaction() as tx:
            changed = await tx.execute_rowcount(
                "UPDATE invitations SET revoked_at = ? "
                "WHERE id = ? AND organization_id = ? AND revoked_at IS NULL",
                (to_db(now), invitation_id, organization_id),
            )
        return changed == 1

    async def accept_curator(
        self, invitation_id: int, telegram_id: int, now: datetime
    ) -> tuple[CuratorJoin, int | None]:
        """Use a curator link and appoint the person, all in one transaction.

        Returns the outcome and the organization concerned (the person's own one when they
        already curate). A person who already curates does not use up the link.
        """
        async with self._db.transaction() as tx:
            row = await tx.fetch_one(
                "SELECT organization_id FROM invitations WHERE id = ?", (invitation_id,)
            )
            if row is None:
                return CuratorJoin.INVALID, None
            organization_id = int(row["organization_id"])
            current = await tx.fetch_one(
                "SELECT organization_id FROM curators WHERE telegram_id = ?", (telegram_id,)
            )
            if current is not None:
                own = int(current["organization_id"])
                if own == organization_id:
                    return CuratorJoin.ALREADY_HERE, own
                return CuratorJoin.OTHER_ORGANIZATION, own
            if not await self._use(tx, invitation_id, now, InvitationRole.CURATOR):
                return CuratorJoin.INVALID, organization_id
            await tx.execute(
                "INSERT INTO curators (telegram_id, organization_id, added_at) VALUES (?, ?, ?)",
                (telegram_id, organization_id, to_db(now)),
            )
        return CuratorJoin.JOINED, organization_id
