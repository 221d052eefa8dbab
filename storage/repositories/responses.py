"""Answers to the repeated forms (table ``responses``): one row per form, person and subject."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import aiosqlite

from bot.clock import from_db, to_db
from bot.models.responses import Response
from storage.database import Database

_COLUMNS = (
    "r.id, r.form, r.participant_id, r.subject, r.meeting_id, r.position, r.answers, "
    "r.started_at, r.updated_at, r.completed_at"
)


def _response(row: aiosqlite.Row) -> Response:
    answers = json.loads(row["answers"])
    return Response(
        id=row["id"],
        form=row["form"],
        participant_id=row["participant_id"],
        subject=row["subject"],
        meeting_id=row["meeting_id"],
        position=row["position"],
        answers=answers if isinstance(answers, dict) else {},
        started_at=from_db(row["started_at"]),
        updated_at=from_db(row["updated_at"]),
        completed_at=from_db(row["completed_at"]) if row["completed_at"] else None,
    )


class ResponseRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def get(self, response_id: int) -> Response | None:
        row = await self._db.fetch_one(
            f"SELECT {_COLUMNS} FROM responses r WHERE r.id = ?", (response_id,)
        )
        return _response(row) if row else None

    async def find(self, form: str, participant_id: int, subject: str) -> Response | None:
        row = await self._db.fetch_one(
            f"SELECT {_COLUMNS} FROM responses r "
            "WHERE r.form = ? AND r.participant_id = ? AND r.subject = ?",
            (form, participant_id, subject),
        )
        return _response(row) if row else None

    async def open(
        self,
        *,
        form: str,
        participant_id: int,
        subject: str,
        meeting_id: int | None,
        position: str | None,
        now: datetime,
    ) -> Response | None:
        """The response of this person to this form about this subject, created if there is
        none yet; None when the participant is gone. An existing open one keeps its answers
        and position and is touched (``updated_at``): it is the one being asked now, so typed
        answers go to it."""
        async with self._db.transaction() as tx:
            if not await tx.fetch_one("SELECT 1 FROM participants WHERE id = ?", (participant_id,)):
                return None
            await tx.execute(
                "INSERT INTO responses (form, participant_id, subject, meeting_id, position, "
                "started_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (form, participant_id, subject) DO UPDATE "
                "SET updated_at = excluded.updated_at WHERE completed_at IS NULL",
                (form, participant_id, subject, meeting_id, position, to_db(now), to_db(now)),
            )
        return await self.find(form, participant_id, subject)

    async def save_answer(
        self,
        response_id: int,
        *,
        expected_position: str | None,
        answers: dict[str, Any],
        position: str | None,
        completed: bool,
        now: datetime,
    ) -> bool:
        """Store the answers and move on, in one statement; completing sets ``completed_at``
        in the same one. False (nothing written) when the response is completed or its
        current question is no longer ``expected_position`` (a second press, an old button)."""
        async with self._db.transaction() as tx:
            changed = await tx.execute_rowcount(
                "UPDATE responses SET answers = ?, position = ?, updated_at = ?, "
                "completed_at = CASE WHEN ? THEN ? ELSE NULL END "
                "WHERE id = ? AND completed_at IS NULL AND position IS ?",
                (
                    json.dumps(answers, ensure_ascii=False),
                    None if completed else position,
                    to_db(now),
                    completed,
                    to_db(now),
                    response_id,
                    expected_position,
                ),
            )
        return changed == 1

    async def set_position(
        self, response_id: int, *, expected_position: str | None, position: str, now: datetime
    ) -> bool:
        async with self._db.transaction() as tx:
            changed = await tx.execute_rowcount(
                "UPDATE responses SET position = ?, updated_at = ? "
                "WHERE id = ? AND completed_at IS NULL AND position IS ?",
                (position, to_db(now), response_id, expected_position),
            )
        return changed == 1

    async def complete(self, response_id: int, now: datetime) -> bool:
        async with self._db.transaction() as tx:
            changed = await tx.execute_rowcount(
                "UPDATE responses SET position = NULL, updated_at = ?, completed_at = ? "
                "WHERE id = ? AND completed_at IS NULL",
                (to_db(now), to_db(now), response_id),
            )
        return changed == 1

    async def of_subject(self, subject: str) -> list[Response]:
        rows = await self._db.fetch_all(
            f"SELECT {_COLUMNS} FROM responses r WHERE r.subject = ? ORDER BY r.id", (subject,)
        )
        return [_response(row) for row in rows]

    async def completed_of_form(self, form: str, subject: str) -> list[Response]:
        rows = await self._db.fetch_all(
            f"SELECT {_COLUMNS} FROM responses r "
            "WHERE r.form = ? AND r.subject = ? AND r.completed_at IS NOT NULL ORDER BY r.id",
            (form, subject),
        )
        return [_response(row) for row in rows]

    async def pending_of(self, participant_id: int) -> list[Response]:
        """Open responses of a participant, the most recently touched first."""
        rows = await self._db.fetch_all(
            f"SELECT {_COLUMNS} FROM responses r "
            "WHERE r.participant_id = ? AND r.completed_at IS NULL "
            "ORDER BY r.updated_at DESC, r.id DESC",
            (participant_id,),
        )
        return [_response(row) for row in rows]

    async def pending_of_telegram_user(self, telegram_id: int) -> list[Response]:
        """Open responses of every participant this Telegram account is, newest first."""
        rows = await self._db.fetch_all(
            f"SELECT {_COLUMNS} FROM responses r "
            "JOIN participants p ON p.id = r.participant_id "
            "WHERE p.telegram_id = ? AND r.completed_at IS NULL "
            "ORDER BY r.updated_at DESC, r.id DESC",
            (telegram_id,),
        )
        return [_response(row) for row in rows]

    async def participant_exists(self, participant_id: int) -> bool:
        row = await self._db.fetch_one("SELECT 1 FROM participants WHERE id = ?", (participant_id,))
        return row is not None

    async def cycle_of(self, participant_id: int) -> int | None:
        """The cycle a participant joined in (``participants.cycle_id``)."""
        value = await self._db.fetch_value(
            "SELECT cycle_id FROM participants WHERE id = ?", (participant_id,)
        )
        return int(value) if value is not None else None
