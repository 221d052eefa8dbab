"""Organizations, the forms of mentorship they run, and their curators."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from zoneinfo import ZoneInfo

import aiosqlite

from bot.clock import from_db, to_db
from bot.models.organizations import Curator, Organization, OrganizationForm, OrganizationListing
from dialogs.forms import FormPace, ParticipantKind
from storage.database import Database

OWN_FORM_GLOB = "own_*"


def _organization(row: aiosqlite.Row) -> Organization:
    return Organization(row["id"], row["name"], row["timezone"], from_db(row["created_at"]))


_FORM_COLUMNS = (
    "organization_id, code, title, enabled, mentor_kind, mentee_kind, pace, allows_groups"
)


def _form(row: aiosqlite.Row) -> OrganizationForm:
    return OrganizationForm(
        row["organization_id"],
        row["code"],
        row["title"],
        bool(row["enabled"]),
        None if row["mentor_kind"] is None else ParticipantKind(row["mentor_kind"]),
        None if row["mentee_kind"] is None else ParticipantKind(row["mentee_kind"]),
        FormPace(row["pace"]),
        bool(row["allows_groups"]),
    )


def _curator(row: aiosqlite.Row) -> Curator:
    return Curator(row["telegram_id"], row["organization_id"], from_db(row["added_at"]))


class OrganizationRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def create(
        self,
        name: str,
        timezone: str,
        forms: Iterable[tuple[str, bool]],
        now: datetime,
    ) -> Organization:
        """The organization with one row per federal form (``(code, enabled)``)."""
        async with self._db.transaction() as tx:
            organization_id = await tx.execute(
                "INSERT INTO organizations (name, timezone, created_at) VALUES (?, ?, ?)",
                (name, timezone, to_db(now)),
            )
            await tx.executemany(
                "INSERT INTO organization_forms (organization_id, code, title, enabled) "
                "VALUES (?, ?, NULL, ?)",
                [(organization_id, code, int(enabled)) for code, enabled in forms],
            )
            # The organization starts in its first cycle, on its own local date.
            await tx.execute(
                "INSERT INTO cycles (organization_id, number, started_on) VALUES (?, 1, ?)",
                (organization_id, now.astimezone(ZoneInfo(timezone)).date().isoformat()),
            )
        return Organization(organization_id, name, timezone, now)

    async def get(self, organization_id: int) -> Organization | None:
        row = await self._db.fetch_one(
            "SELECT id, name, timezone, created_at FROM organizations WHERE id = ?",
            (organization_id,),
        )
        return None if row is None else _organization(row)

    async def count(self) -> int:
        return int(await self._db.fetch_value("SELECT count(*) FROM organizations") or 0)

    async def listing(self, limit: int, offset: int) -> list[OrganizationListing]:
        rows = await self._db.fetch_all(
            "SELECT o.id, o.name, o.timezone, o.created_at, "
            "  (SELECT count(*) FROM curators c WHERE c.organization_id = o.id) AS curators, "
            "  (SELECT count(*) FROM organization_forms f "
            "   WHERE f.organization_id = o.id AND f.enabled = 1) AS enabled_forms "
            "FROM organizations o ORDER BY o.id LIMIT ? OFFSET ?",
            (limit, offset),
        )
        return [
            OrganizationListing(_organization(row), row["curators"], row["enabled_forms"])
            for row in rows
        ]

    # -- forms ----------------------------------------------------------------------------
    async def forms(self, organization_id: int) -> list[OrganizationForm]:
        rows = await self._db.fetch_all(
            f"SELECT {_FORM_COLUMNS} FROM organization_forms WHERE organization_id = ?",
            (organization_id,),
        )
        return [_form(row) for row in rows]

    async def form(self, organization_id: int, code: str) -> OrganizationForm | None:
        row = await self._db.fetch_one(
            f"SELECT {_FORM_COLUMNS} FROM organization_forms "
            "WHERE organization_id = ? AND code = ?",
            (organization_id, code),
        )
        return None if row is None else _form(row)

    async def set_form_enabled(
        self, organization_id: int, code: str, enabled: bool
    ) -> OrganizationForm | None:
        """Switch a form; switching off the last enabled form leaves it on.

        Returns the form as it is afterwards, or None when the organization has no such form.
        """
        async with self._db.transaction() as tx:
            if enabled:
                await tx.execute(
                    "UPDATE organization_forms SET enabled = 1 "
                    "WHERE organization_id = ? AND code = ?",
                    (organization_id, code),
                )
            else:
                await tx.execute(
                    "UPDATE organization_forms SET enabled = 0 "
                    "WHERE organization_id = ? AND code = ? AND EXISTS ("
                    "  SELECT 1 FROM organization_forms "
                    "  WHERE organization_id = ? AND code <> ? AND enabled = 1)",
                    (organization_id, code, organization_id, code),
                )
            row = await tx.fetch_one(
                f"SELECT {_FORM_COLUMNS} FROM organization_forms "
                "WHERE organization_id = ? AND code = ?",
                (organization_id, code),
            )
        return None if row is None else _form(row)

    async def add_own_form(self, organization_id: int, title: str) -> OrganizationForm:
        """A new own form, numbered after the organization's highest own form so far."""
        async with self._db.transaction() as tx:
            row = await tx.fetch_one(
                "SELECT coalesce(max(CAST(substr(code, 5) AS INTEGER)), 0) AS last "
                "FROM organization_forms WHERE organization_id = ? AND code GLOB ?",
                (organization_id, OWN_FORM_GLOB),
            )
            number = (int(row["last"]) if row is not None else 0) + 1
            code = f"own_{number}"
            await tx.execute(
                "INSERT INTO organization_forms (organization_id, code, title, enabled) "
                "VALUES (?, ?, ?, 1)",
                (organization_id, code, title),
            )
        return OrganizationForm(organization_id, code, title, True)

    async def set_form_profile(
        self,
        organization_id: int,
        code: str,
        *,
        mentor_kind: ParticipantKind | None,
        mentee_kind: ParticipantKind | None,
        pace: FormPace,
        allows_groups: bool = True,
    ) -> OrganizationForm | None:
        """Who the form brings together (None: its default), how its pairs work and whether
        a mentor may lead a group; the form as it is afterwards, or None when the organization
        has no such form."""
        async with self._db.transaction() as tx:
            await tx.execute(
                "UPDATE organization_forms "
                "SET mentor_kind = ?, mentee_kind = ?, pace = ?, allows_groups = ? "
                "WHERE organization_id = ? AND code = ?",
                (mentor_kind, mentee_kind, pace.value, int(allows_groups), organization_id, code),
            )
            row = await tx.fetch_one(
                f"SELECT {_FORM_COLUMNS} FROM organization_forms "
                "WHERE organization_id = ? AND code = ?",
                (organization_id, code),
            )
        return None if row is None else _form(row)

    # -- curators -------------------------------------------------------------------------
    async def add_curator(
        self, organization_id: int, telegram_id: int, now: datetime
    ) -> tuple[bool, int]:
        """``(True, organization_id)`` when added; ``(False, their organization)`` if a curator."""
        async with self._db.transaction() as tx:
            row = await tx.fetch_one(
                "SELECT organization_id FROM curators WHERE telegram_id = ?", (telegram_id,)
            )
            if row is not None:
                return False, int(row["organization_id"])
            await tx.execute(
                "INSERT INTO curators (telegram_id, organization_id, added_at) VALUES (?, ?, ?)",
                (telegram_id, organization_id, to_db(now)),
            )
        return True, organization_id

    async def curator(self, telegram_id: int) -> Curator | None:
        row = await self._db.fetch_one(
            "SELECT telegram_id, organization_id, added_at FROM curators WHERE telegram_id = ?",
            (telegram_id,),
        )
        return None if row is None else _curator(row)

    async def curators_of(self, organization_id: int) -> list[Curator]:
        rows = await self._db.fetch_all(
            "SELECT telegram_id, organization_id, added_at FROM curators "
            "WHERE organization_id = ? ORDER BY added_at, telegram_id",
            (organization_id,),
        )
        return [_curator(row) for row in rows]

    async def all_curators(self) -> list[Curator]:
        rows = await self._db.fetch_all(
            "SELECT telegram_id, organization_id, added_at FROM curators ORDER BY telegram_id"
        )
        return [_curator(row) for row in rows]
