"""Questionnaire answers: one participant's questionnaire state in one statement, many people's
answers in one query, and removing the answers a changed choice has hidden."""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any

import aiosqlite

from bot.models.organizations import OrganizationForm
from bot.models.participants import Participant
from dialogs.forms import FormPace, ParticipantKind
from storage.database import Database
from storage.repositories.participants import _PARTICIPANT_COLUMNS, _participant


@dataclass(frozen=True)
class QuestionnaireState:
    """Everything a questionnaire step is built from, read together."""

    participant: Participant
    answers: dict[str, Any]
    forms: list[OrganizationForm]  # all the organization's forms, enabled or not
    consents: frozenset[str]  # kinds of consent given ("self", "representative")


class QuestionnaireStates:
    """One participant's questionnaire state: one statement for each answer's step (the
    participant, their answers, the organization's forms and the consents)."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def read(self, participant_id: int) -> QuestionnaireState | None:
        row = await self._db.fetch_one(
            f"SELECT {_PARTICIPANT_COLUMNS}, "
            "(SELECT json_group_object(a.question, json(a.value)) FROM answers a "
            " WHERE a.participant_id = p.id) AS answers, "
            "(SELECT json_group_array(json_object('code', f.code, 'title', f.title, "
            "  'enabled', f.enabled, 'mentor_kind', f.mentor_kind, 'mentee_kind', f.mentee_kind, "
            "  'pace', f.pace, 'allows_groups', f.allows_groups)) FROM organization_forms f "
            " WHERE f.organization_id = p.organization_id) AS forms, "
            "(SELECT json_group_array(DISTINCT c.kind) FROM consents c "
            " WHERE c.participant_id = p.id) AS consents "
            "FROM participants p WHERE p.id = ?",
            (participant_id,),
        )
        if row is None:
            return None
        participant = _participant(row)
        forms = [
            OrganizationForm(
                participant.organization_id,
                f["code"],
                f["title"],
                bool(f["enabled"]),
                None if f["mentor_kind"] is None else ParticipantKind(f["mentor_kind"]),
                None if f["mentee_kind"] is None else ParticipantKind(f["mentee_kind"]),
                FormPace(f["pace"]),
                bool(f["allows_groups"]),
            )
            for f in json.loads(row["forms"])
        ]
        return QuestionnaireState(
            participant,
            json.loads(row["answers"]),
            forms,
            frozenset(json.loads(row["consents"])),
        )


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
