"""The curator's merges of two spellings of one enterprise, and the workplaces of the
organization's employer mentors (see bot/reports/enterprises.py for what a key is)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime

import aiosqlite

from bot.clock import from_db, to_db
from bot.models.enterprises import EnterpriseAlias
from dialogs.workplace import LEGACY_WORKPLACE, WORKPLACE_ORG
from storage.database import Database
from storage.repositories.reports import EMPLOYER_FORMS, employer_form


def _alias(row: aiosqlite.Row) -> EnterpriseAlias:
    return EnterpriseAlias(
        id=int(row["id"]),
        organization_id=int(row["organization_id"]),
        alias_key=str(row["alias_key"]),
        canonical_key=str(row["canonical_key"]),
        alias_name=str(row["alias_name"]),
        canonical_name=str(row["canonical_name"]),
        merged_at=from_db(row["merged_at"]),
    )


class EnterpriseRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def aliases(self, organization_ids: Sequence[int]) -> list[EnterpriseAlias]:
        """The merges of these organizations, oldest first."""
        ids = sorted(set(organization_ids))
        if not ids:
            return []
        rows = await self._db.fetch_all(
            "SELECT * FROM enterprise_aliases "
            f"WHERE organization_id IN ({','.join('?' * len(ids))}) ORDER BY id",
            ids,
        )
        return [_alias(row) for row in rows]

    async def add_alias(
        self,
        organization_id: int,
        alias_key: str,
        canonical_key: str,
        alias_name: str,
        canonical_name: str,
        merged_by: int,
        now: datetime,
    ) -> int | None:
        """Record that ``alias_key`` is ``canonical_key`` in this organization; the new row's
        id, or ``None`` when it would break the forest: ``alias_key`` is already an alias, or
        following the merges from ``canonical_key`` leads back to it (two curators' presses
        crossing). Checked and written in one statement."""
        async with self._db.transaction() as tx:
            await tx.execute(
                """
                WITH RECURSIVE chain(k) AS (
                    SELECT :canonical
                    UNION
                    SELECT e.canonical_key FROM enterprise_aliases e
                    JOIN chain ON e.alias_key = chain.k
                    WHERE e.organization_id = :org
                )
                INSERT INTO enterprise_aliases (organization_id, alias_key, canonical_key,
                    alias_name, canonical_name, merged_by, merged_at)
                SELECT :org, :alias, :canonical, :alias_name, :canonical_name, :by, :now
                WHERE NOT EXISTS (SELECT 1 FROM chain WHERE k = :alias)
                ON CONFLICT (organization_id, alias_key) DO NOTHING
                """,
                {
                    "org": organization_id,
                    "alias": alias_key,
                    "canonical": canonical_key,
                    "alias_name": alias_name,
                    "canonical_name": canonical_name,
                    "by": merged_by,
                    "now": to_db(now),
                },
            )
            # The cursor's rowcount does not count a statement that starts with WITH.
            changed = await tx.fetch_one("SELECT changes()")
            if changed is None or changed[0] != 1:
                return None
            row = await tx.fetch_one(
                "SELECT id FROM enterprise_aliases WHERE organization_id = ? AND alias_key = ?",
                (organization_id, alias_key),
            )
        return None if row is None else int(row["id"])

    async def remove_alias(self, organization_id: int, alias_id: int) -> bool:
        """Undo a merge of this organization; ``False`` when there is no such merge here."""
        async with self._db.transaction() as tx:
            changed = await tx.execute_rowcount(
                "DELETE FROM enterprise_aliases WHERE id = ? AND organization_id = ?",
                (alias_id, organization_id),
            )
        return changed == 1

    async def versions(self, organization_id: int) -> tuple[int, int]:
        """The organization's two change counters (migrations 0019/0020 and 0021; 0 for one
        not started yet): between them they follow everything :meth:`employer_workplaces`
        reads (people, pairs and their forms, the answers of form and place of work)."""
        row = await self._db.fetch_one(
            "SELECT (SELECT version FROM organization_versions WHERE organization_id = :org) "
            "AS lists, (SELECT version FROM report_versions WHERE organization_id = :org) "
            "AS reports",
            {"org": organization_id},
        )
        assert row is not None
        return int(row["lists"] or 0), int(row["reports"] or 0)

    async def employer_workplaces(self, organization_id: int) -> dict[int, dict[str, object]]:
        """The workplace answers (the organization, or the single answer given before the
        question was split) of the organization's mentors who chose an employer form in the
        questionnaire or have a pair in one, by mentor."""
        forms = list(EMPLOYER_FORMS)
        marks = ",".join("?" * len(forms))
        # An employer form: a federal one whose mentors the organization has not declared
        # otherwise, or any form it declared led by employers' representatives (issue 14).
        # A mentor's form answer holds one form, or several (``choices``).
        rows = await self._db.fetch_all(
            f"""
            SELECT a.participant_id, a.question, a.value
            FROM participants p
            JOIN answers a ON a.participant_id = p.id AND a.question IN (?, ?)
            WHERE p.organization_id = ? AND p.role = 'mentor' AND (
                EXISTS (SELECT 1 FROM answers f WHERE f.participant_id = p.id
                        AND f.question = 'form'
                        AND {
                employer_form("json_extract(f.value, '$.choice')", "p.organization_id", marks)
            })
                OR EXISTS (SELECT 1 FROM answers f, json_each(f.value, '$.choices') j
                           WHERE f.participant_id = p.id AND f.question = 'form'
                           AND {employer_form("j.value", "p.organization_id", marks)})
                OR EXISTS (SELECT 1 FROM pairs q WHERE q.mentor_id = p.id
                           AND {employer_form("q.form", "p.organization_id", marks)}))
            """,
            (WORKPLACE_ORG, LEGACY_WORKPLACE, organization_id, *forms, *forms, *forms),
        )
        found: dict[int, dict[str, object]] = {}
        for row in rows:
            found.setdefault(int(row["participant_id"]), {})[row["question"]] = json.loads(
                row["value"]
            )
        return found
