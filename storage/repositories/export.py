"""What the Excel workbook of an organization is built from: participants with their answers,
pairs, meetings and the feedback after meetings of a period, each in one query.

Which rows a period selects is decided in :mod:`storage.repositories.period_sql`: the pairs
of the period, the participants who joined in it or belong to its pairs, the meetings of the
period and the feedback on them.

A withdrawn participant's row is deleted with everything about them (by cascade), and their
side of a pair is emptied (NULL), so nothing here can name them; the pairs, their meetings and
the partner's feedback stay. The queries run one after another while the bot goes on working,
so the participants are read last and in one statement: the service empties the sides of pairs
and leaves out feedback whose people are not in that last read (see
:func:`bot.reports.export.keep_present`).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncGenerator, AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, aclosing
from dataclasses import asdict
from datetime import date
from typing import Any, TypeVar

import aiosqlite

from bot.clock import from_db
from bot.models.cycles import Cycle
from bot.models.exports import ExportFeedback, ExportMeeting, ExportPair, ExportParticipant
from bot.models.periods import Period
from storage.database import ReadSource
from storage.repositories.cycles import cycle_from_row
from storage.repositories.matching import pair_from_row
from storage.repositories.meetings import meeting_from_row
from storage.repositories.period_sql import (
    meetings_in,
    pairs_of,
    participants_joined_in,
    period_params,
)


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _json_object(value: str | None) -> dict[str, Any]:
    loaded = json.loads(value) if value else {}
    return loaded if isinstance(loaded, dict) else {}


class ExportRepository:
    def __init__(self, db: ReadSource) -> None:
        # Long reads: handed ``Database.reads`` (read-only connections), or the database.
        self._db = db

    def snapshot(self) -> AbstractAsyncContextManager[object]:
        """The reads of a block in one snapshot of the database (a report's figures agree)."""
        return self._db.reading()

    async def cycle(self, organization_id: int, period: Period) -> Cycle | None:
        """The period's cycle in this organization: the given cycle, or the open one for the
        current cycle; None for a dated period, for a current cycle when none is open, and
        for a cycle of another organization."""
        if period.dated:
            return None
        if period.cycle_id is None:
            sql = "SELECT * FROM cycles WHERE organization_id = ? AND closed_at IS NULL"
            params: tuple[int, ...] = (organization_id,)
        else:
            sql = "SELECT * FROM cycles WHERE organization_id = ? AND id = ?"
            params = (organization_id, period.cycle_id)
        row = await self._db.fetch_one(sql, params)
        return cycle_from_row(row) if row is not None else None

    async def pairs(self, organization_id: int, period: Period) -> list[ExportPair]:
        rows = await self._db.fetch_all(
            "SELECT pr.*, c.number AS cycle_number "
            "FROM pairs pr LEFT JOIN cycles c ON c.id = pr.cycle_id "
            f"WHERE pr.organization_id = :org AND {pairs_of('pr', period)} ORDER BY pr.id",
            {"org": organization_id, **period_params(period)},
        )
        return [
            ExportPair(**asdict(pair_from_row(row)), cycle_number=row["cycle_number"])
            for row in rows
        ]

    async def meetings(self, organization_id: int, period: Period) -> list[ExportMeeting]:
        return [m async for chunk in self.meeting_chunks(organization_id, period) for m in chunk]

    async def meeting_chunks(
        self, organization_id: int, period: Period
    ) -> AsyncGenerator[list[ExportMeeting], None]:
        """The meetings of the period, :data:`CHUNK` at a time (a large school's year of
        meetings is never held whole by the one who writes them out)."""
        rows = self._db.iterate(
            "SELECT m.* FROM meetings m JOIN pairs pr ON pr.id = m.pair_id "
            f"WHERE pr.organization_id = :org AND {meetings_in('m', 'pr', period)} "
            "ORDER BY m.starts_at, m.id",
            {"org": organization_id, **period_params(period)},
            chunk=CHUNK,
        )
        async with aclosing(rows):
            async for chunk in _chunks(rows, _meetings):
                yield chunk

    async def feedback(
        self, organization_id: int, form: str, period: Period
    ) -> list[ExportFeedback]:
        """Completed answers to ``form`` about the meetings of the period."""
        chunks = self.feedback_chunks(organization_id, form, period)
        return [f async for chunk in chunks for f in chunk]

    async def feedback_chunks(
        self, organization_id: int, form: str, period: Period
    ) -> AsyncGenerator[list[ExportFeedback], None]:
        """:meth:`feedback`, :data:`CHUNK` answers at a time."""
        rows = self._db.iterate(
            "SELECT r.meeting_id, r.participant_id, r.answers, r.completed_at "
            "FROM responses r JOIN meetings m ON m.id = r.meeting_id "
            "JOIN pairs pr ON pr.id = m.pair_id "
            "WHERE pr.organization_id = :org AND r.form = :form "
            f"AND r.completed_at IS NOT NULL AND {meetings_in('m', 'pr', period)} "
            "ORDER BY m.starts_at, m.id, r.participant_id",
            {"org": organization_id, "form": form, **period_params(period)},
            chunk=CHUNK,
        )
        async with aclosing(rows):
            async for chunk in _chunks(rows, _feedback):
                yield chunk

    async def participants(self, organization_id: int, period: Period) -> list[ExportParticipant]:
        """The participants of the period (joined in it, or a side of one of its pairs) with
        all their questionnaire answers.

        One statement (a consistent snapshot): a row per answer, a participant without
        answers has one row with NULLs.
        """
        of_period = pairs_of("pr", period)
        rows = self._db.iterate(
            "SELECT p.id, p.role, p.age_group, p.birth_date, p.joined_at, p.confirmed_at, "
            "ma.decision AS admission, "
            "c.representative_name, c.representative_phone, a.question, a.value "
            "FROM participants p "
            "LEFT JOIN mentor_admissions ma ON ma.participant_id = p.id "
            "LEFT JOIN consents c ON c.participant_id = p.id AND c.kind = 'representative' "
            "LEFT JOIN answers a ON a.participant_id = p.id "
            "WHERE p.organization_id = :org AND ("
            f"{participants_joined_in('p', period)} "
            "OR p.id IN (SELECT pr.mentor_id FROM pairs pr "
            f"WHERE pr.organization_id = :org AND {of_period}) "
            "OR p.id IN (SELECT pr.mentee_id FROM pairs pr "
            f"WHERE pr.organization_id = :org AND {of_period})"
            ") ORDER BY p.id",
            {"org": organization_id, **period_params(period)},
            chunk=CHUNK,
        )
        people: dict[int, ExportParticipant] = {}
        await _converted(rows, lambda chunk: _participants(chunk, people))
        return list(people.values())


# Turning tens of thousands of rows into objects (dates, JSON) runs in a thread, like the
# writing of the workbook, so that the bot's event loop is not held up by a large school.
# The rows come from the cursor ``CHUNK`` at a time and each chunk is turned into objects
# before the next is fetched: the rows of a whole sheet are never held next to its objects.
CHUNK = 2000
T = TypeVar("T")


async def _chunks(
    rows: AsyncIterator[aiosqlite.Row], convert: Callable[[list[aiosqlite.Row]], list[T]]
) -> AsyncGenerator[list[T], None]:
    chunk: list[aiosqlite.Row] = []
    async for row in rows:
        chunk.append(row)
        if len(chunk) >= CHUNK:
            yield await asyncio.to_thread(convert, chunk)
            chunk = []
    if chunk:
        yield await asyncio.to_thread(convert, chunk)


async def _converted(
    rows: AsyncIterator[aiosqlite.Row], convert: Callable[[list[aiosqlite.Row]], list[T]]
) -> list[T]:
    return [item async for chunk in _chunks(rows, convert) for item in chunk]


def _meetings(rows: list[aiosqlite.Row]) -> list[ExportMeeting]:
    return [meeting_from_row(row) for row in rows]


def _feedback(rows: list[aiosqlite.Row]) -> list[ExportFeedback]:
    return [
        ExportFeedback(
            meeting_id=row["meeting_id"],
            participant_id=row["participant_id"],
            answers=_json_object(row["answers"]),
            completed_at=from_db(row["completed_at"]) if row["completed_at"] else None,
        )
        for row in rows
    ]


def _participants(
    rows: list[aiosqlite.Row], people: dict[int, ExportParticipant]
) -> list[ExportParticipant]:
    """Adds the rows' people and answers to ``people`` (a person's answers may come in two
    chunks); returns nothing new to keep, ``people`` holds them."""
    for row in rows:
        person = people.get(row["id"])
        if person is None:
            person = people[row["id"]] = ExportParticipant(
                id=row["id"],
                role=row["role"],
                age_group=row["age_group"],
                birth_date=_date(row["birth_date"]),
                joined_at=from_db(row["joined_at"]),
                confirmed_at=from_db(row["confirmed_at"]) if row["confirmed_at"] else None,
                admission=row["admission"],
                representative_name=row["representative_name"],
                representative_phone=row["representative_phone"],
            )
        if row["question"] is not None:
            person.answers[row["question"]] = json.loads(row["value"])
    return []
