"""Questionnaire answers beyond one participant's: many people's in one query, and removing the
answers a changed choice has hidden."""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable
from typing import Any

import aiosqlite

from storage.database import Database


class AnswerCleanup:
    """Removing answers that a changed choice has hidden (kept apart for clarity)."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def keep_only(self, participant_id: int, keys: list[str]) -> None:
        placeholders = ",".join("?" for _ in keys) or "''"
        async with self._db.transaction() as tx:
            await tx.execute(
                f"DELETE FROM answers WHERE participant_id = ? "
                f"AND question NOT IN ({placeholders})",
                (participant_id, *keys),
            )


class OrganizationAnswers:
    """Answers of many participants in one query: a whole organization's (for matching), or
    those of the people a view shows."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def by_participant(self, organization_id: int) -> dict[int, dict[str, Any]]:
        rows = await self._db.fetch_all(
            "SELECT a.participant_id, a.question, a.value FROM answers a "
            "JOIN participants p ON p.id = a.participant_id WHERE p.organization_id = ?",
            (organization_id,),
        )
        return _answers_by_participant(rows)

    async def of_participants(self, participant_ids: Collection[int]) -> dict[int, dict[str, Any]]:
        """Only these people's answers (through the answers' key): a pair or a page of pairs
        must not read the whole school's answers."""
        ids = sorted(set(participant_ids))
        if not ids:
            return {}
        rows = await self._db.fetch_all(
            "SELECT participant_id, question, value FROM answers "
            f"WHERE participant_id IN ({', '.join('?' * len(ids))})",
            ids,
        )
        return _answers_by_participant(rows)


def _answers_by_participant(rows: Iterable[aiosqlite.Row]) -> dict[int, dict[str, Any]]:
    result: dict[int, dict[str, Any]] = {}
    for row in rows:
        result.setdefault(row["participant_id"], {})[row["question"]] = json.loads(row["value"])
    return result
