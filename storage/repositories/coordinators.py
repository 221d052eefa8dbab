"""Coordinator links and the municipality's own denominators (migration 0018).

Who covers which organization stays in ``coordinators`` (read and changed from the command
line by :class:`storage.repositories.reports.CoordinatorRepository`); a link's opening writes
its rows here, in the same transaction that uses the link.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import aiosqlite

from bot.clock import from_db, to_db
from bot.models.coordinators import CoordinatorJoin, CoordinatorLink, MunicipalDenominators
from bot.models.organizations import Organization
from bot.models.reports import DENOMINATOR_FIELDS
from storage.database import Database, Transaction
from storage.repositories.denominators import upsert_numbers


def _link(row: aiosqlite.Row, organization_ids: Sequence[int]) -> CoordinatorLink:
    return CoordinatorLink(
        id=row["id"],
        token=row["token"],
        municipality=row["municipality"],
        organization_ids=tuple(organization_ids),
        created_by=row["created_by"],
        created_at=from_db(row["created_at"]),
        expires_at=from_db(row["expires_at"]),
        used_by=row["used_by"],
        used_at=from_db(row["used_at"]) if row["used_at"] else None,
    )


async def _organizations_of(tx: Transaction | Database, link_id: int) -> list[int]:
    rows = await tx.fetch_all(
        "SELECT organization_id FROM coordinator_link_organizations WHERE link_id = ? "
        "ORDER BY organization_id",
        (link_id,),
    )
    return [int(r["organization_id"]) for r in rows]


class CoordinatorLinkRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def create(
        self,
        token: str,
        organization_ids: Sequence[int],
        municipality: str | None,
        created_by: int | None,
        now: datetime,
        expires_at: datetime,
    ) -> CoordinatorLink | None:
        """The new link; None when one of the organizations does not exist (nothing is kept).
        Raises ``sqlite3.IntegrityError`` if the token is taken (the caller draws anew)."""
        ids = sorted(set(organization_ids))
        async with self._db.transaction() as tx:
            marks = ",".join("?" for _ in ids)
            found = await tx.fetch_one(
                f"SELECT count(*) FROM organizations WHERE id IN ({marks})", ids
            )
            if found is None or found[0] != len(ids):
                return None
            link_id = await tx.execute(
                "INSERT INTO coordinator_links (token, municipality, created_by, created_at, "
                "expires_at) VALUES (?, ?, ?, ?, ?)",
                (token, municipality, created_by, to_db(now), to_db(expires_at)),
            )
            await tx.executemany(
                "INSERT INTO coordinator_link_organizations (link_id, organization_id) "
                "VALUES (?, ?)",
                [(link_id, organization_id) for organization_id in ids],
            )
        return CoordinatorLink(
            link_id, token, municipality, tuple(ids), created_by, now, expires_at, None, None
        )

    async def by_token(self, token: str) -> CoordinatorLink | None:
        row = await self._db.fetch_one("SELECT * FROM coordinator_links WHERE token = ?", (token,))
        if row is None:
            return None
        return _link(row, await _organizations_of(self._db, row["id"]))

    async def accept(
        self, token: str, telegram_id: int, now: datetime
    ) -> tuple[CoordinatorJoin, CoordinatorLink | None]:
        """Use the link and make the person coordinator of its organizations, all in one
        transaction: of two people opening it at once exactly one gets it, and the same person
        opening it twice is told it is theirs already."""
        async with self._db.transaction() as tx:
            row = await tx.fetch_one("SELECT * FROM coordinator_links WHERE token = ?", (token,))
            if row is None:
                return CoordinatorJoin.UNKNOWN, None
            link = _link(row, await _organizations_of(tx, row["id"]))
            if link.used_by == telegram_id:
                return CoordinatorJoin.ALREADY_HERE, link
            if link.used_by is not None:
                return CoordinatorJoin.USED, link
            if link.expires_at <= now:
                return CoordinatorJoin.EXPIRED, link
            if not link.organization_ids:
                return CoordinatorJoin.NO_ORGANIZATIONS, link
            await tx.execute(
                "UPDATE coordinator_links SET used_by = ?, used_at = ? "
                "WHERE id = ? AND used_by IS NULL",
                (telegram_id, to_db(now), link.id),
            )
            await tx.executemany(
                "INSERT OR IGNORE INTO coordinators (telegram_id, organization_id, added_at) "
                "VALUES (?, ?, ?)",
                [(telegram_id, org, to_db(now)) for org in link.organization_ids],
            )
            if link.municipality is not None:
                await tx.execute(
                    "INSERT INTO coordinator_municipalities (telegram_id, municipality, named_at) "
                    "VALUES (?, ?, ?) ON CONFLICT (telegram_id) DO UPDATE SET "
                    "municipality = excluded.municipality, named_at = excluded.named_at",
                    (telegram_id, link.municipality, to_db(now)),
                )
        used = CoordinatorLink(
            link.id,
            link.token,
            link.municipality,
            link.organization_ids,
            link.created_by,
            link.created_at,
            link.expires_at,
            telegram_id,
            now,
        )
        return CoordinatorJoin.JOINED, used

    async def organizations(self, organization_ids: Sequence[int]) -> list[Organization]:
        """These organizations (those still existing), by id."""
        ids = sorted(set(organization_ids))
        if not ids:
            return []
        marks = ",".join("?" for _ in ids)
        rows = await self._db.fetch_all(
            f"SELECT id, name, timezone, created_at FROM organizations WHERE id IN ({marks}) "
            "ORDER BY id",
            ids,
        )
        return [
            Organization(r["id"], r["name"], r["timezone"], from_db(r["created_at"])) for r in rows
        ]

    async def organization_page(self, limit: int, offset: int) -> tuple[list[Organization], int]:
        """A page of all organizations by id, and how many there are."""
        total = int(await self._db.fetch_value("SELECT count(*) FROM organizations") or 0)
        rows = await self._db.fetch_all(
            "SELECT id, name, timezone, created_at FROM organizations ORDER BY id LIMIT ? OFFSET ?",
            (limit, offset),
        )
        page = [Organization(r["id"], r["name"], r["timezone"], from_db(r["created_at"]))
                for r in rows]  # fmt: skip
        return page, total


class MunicipalityRepository:
    """The municipality a coordinator speaks for and its own denominators."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def coordinators(self) -> list[int]:
        """The Telegram ids of everyone who covers an organization."""
        rows = await self._db.fetch_all(
            "SELECT DISTINCT telegram_id FROM coordinators ORDER BY telegram_id"
        )
        return [int(r["telegram_id"]) for r in rows]

    async def name(self, telegram_id: int) -> str | None:
        value = await self._db.fetch_value(
            "SELECT municipality FROM coordinator_municipalities WHERE telegram_id = ?",
            (telegram_id,),
        )
        return str(value) if value is not None else None

    async def latest(self, telegram_id: int, school_year: int) -> MunicipalDenominators | None:
        """The row of ``school_year``, or else of the latest year before it."""
        row = await self._db.fetch_one(
            "SELECT * FROM municipal_denominators WHERE telegram_id = ? AND school_year <= ? "
            "ORDER BY school_year DESC LIMIT 1",
            (telegram_id, school_year),
        )
        if row is None:
            return None
        return MunicipalDenominators(
            row["telegram_id"], row["school_year"], {f: row[f] for f in DENOMINATOR_FIELDS}
        )

    async def save(
        self, telegram_id: int, school_year: int, values: dict[str, int | None], now: datetime
    ) -> None:
        async with self._db.transaction() as tx:
            await upsert_numbers(
                tx,
                "municipal_denominators",
                {"telegram_id": telegram_id, "school_year": school_year},
                values,
                {"entered_at": to_db(now)},
            )
