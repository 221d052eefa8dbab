"""The free answers of the final polls and of the compatibility form, for a period or a pair.

A final poll is one response per person and cycle (subject ``cycle:<cycle id>``, the cycle of
the pair), so it belongs to the pairs of that person completed in the period: a mentor of a
group answers once for all their pairs. A compatibility answer is about the trial meeting of
one pair (``meeting_id``), so it belongs to the pairs of the period.

A participant who withdrew has no responses left, and their side of a pair has no id (see
issue 12): the joins on ``mentor_id``/``mentee_id`` skip such a side by themselves.
"""

from __future__ import annotations

import json
from contextlib import AbstractAsyncContextManager
from dataclasses import replace
from typing import Any

import aiosqlite

from bot.clock import from_db
from bot.models.periods import Period
from bot.models.voices import GoalTally, VoicePair, VoiceRecord
from storage.database import ReadSource
from storage.repositories.period_sql import pairs_completed_in, pairs_of, period_params

FINAL_FORMS = ("final_mentee", "final_mentor")
COMPATIBILITY_FORM = "compatibility"

_NAME = (
    "(SELECT json_extract(a.value, '$') FROM answers a WHERE a.participant_id = {pid} "
    "AND a.question = 'full_name')"
)
# One row per pair a response is about, with both sides' names.
_PAIR_COLUMNS = (
    "pr.id AS pair_id, pr.mentor_id, pr.mentee_id, "
    + _NAME.format(pid="pr.mentor_id")
    + " AS mentor_name, "
    + _NAME.format(pid="pr.mentee_id")
    + " AS mentee_name"
)
_RESPONSE_COLUMNS = (
    "r.id AS response_id, r.form, r.participant_id, p.role, r.answers, r.completed_at, "
    + _NAME.format(pid="r.participant_id")
    + " AS full_name"
)
# Something to read: a final poll always (the mentee's "goal reached", the required "most
# useful"); a compatibility answer when the person wrote to the curator.
_WORTH_READING = (
    f"(r.form <> '{COMPATIBILITY_FORM}' OR (json_type(r.answers, '$.for_curator') = 'text' "
    "AND trim(json_extract(r.answers, '$.for_curator')) <> ''))"
)


def _final_polls(pairs: str) -> str:
    """Final polls of the sides of the pairs ``pairs`` selects (a condition on ``pr``)."""
    return (
        f"SELECT {_RESPONSE_COLUMNS}, {_PAIR_COLUMNS} FROM pairs pr "
        "JOIN responses r ON r.subject = 'cycle:' || pr.cycle_id AND ("
        " (r.form = 'final_mentor' AND r.participant_id = pr.mentor_id) OR "
        " (r.form = 'final_mentee' AND r.participant_id = pr.mentee_id)) "
        "JOIN participants p ON p.id = r.participant_id "
        f"WHERE pr.organization_id = :org AND {pairs} AND r.completed_at IS NOT NULL"
    )


def _compatibility(pairs: str) -> str:
    """Compatibility answers after the trial meetings of the pairs ``pairs`` selects. The
    school's pairs first (CROSS JOIN keeps that order): read from the responses, the region's
    compatibility answers would all be looked at."""
    return (
        f"SELECT {_RESPONSE_COLUMNS}, {_PAIR_COLUMNS} FROM pairs pr "
        "CROSS JOIN meetings m ON m.pair_id = pr.id "
        f"CROSS JOIN responses r ON r.meeting_id = m.id AND r.form = '{COMPATIBILITY_FORM}' "
        "JOIN participants p ON p.id = r.participant_id "
        f"WHERE pr.organization_id = :org AND {pairs} AND r.completed_at IS NOT NULL "
        "AND r.participant_id IN (pr.mentor_id, pr.mentee_id)"
    )


def _records(rows: list[aiosqlite.Row]) -> list[VoiceRecord]:
    """Rows (one per response and pair, in order) folded into one record per response."""
    records: dict[int, VoiceRecord] = {}
    pairs: dict[int, list[VoicePair]] = {}
    for row in rows:
        rid = row["response_id"]
        if rid not in records:
            answers = json.loads(row["answers"])
            records[rid] = VoiceRecord(
                response_id=rid,
                form=row["form"],
                participant_id=row["participant_id"],
                role=row["role"],
                full_name=row["full_name"],
                answers=answers if isinstance(answers, dict) else {},
                completed_at=from_db(row["completed_at"]),
                pairs=(),
            )
            pairs[rid] = []
        pair = VoicePair(
            row["pair_id"], row["mentor_id"], row["mentee_id"], row["mentor_name"],
            row["mentee_name"],
        )  # fmt: skip
        if pair not in pairs[rid]:
            pairs[rid].append(pair)
    return [replace(record, pairs=tuple(pairs[rid])) for rid, record in records.items()]


class VoiceRepository:
    def __init__(self, db: ReadSource) -> None:
        # Long reads: handed ``Database.reads`` (read-only connections), or the database.
        self._db = db

    def snapshot(self) -> AbstractAsyncContextManager[object]:
        """The reads of a block in one snapshot of the database (a report's figures agree)."""
        return self._db.reading()

    def _period_sql(self, period: Period) -> str:
        """Every response of the period with something to read, one row per pair it is about."""
        return (
            f"{_final_polls(pairs_completed_in('pr', period))} AND {_WORTH_READING} "
            f"UNION {_compatibility(pairs_of('pr', period))} AND {_WORTH_READING}"
        )

    async def of_period(
        self, organization_id: int, period: Period, *, limit: int | None = None, offset: int = 0
    ) -> list[VoiceRecord]:
        """The responses of the period, the earliest first; ``limit`` and ``offset`` count
        responses (a page), not their rows."""
        params: dict[str, Any] = {"org": organization_id, **period_params(period)}
        page = ""
        if limit is not None:
            # The page's responses first, then all their rows.
            page = (
                "WHERE v.response_id IN (SELECT response_id FROM (SELECT DISTINCT response_id, "
                "completed_at FROM v ORDER BY completed_at, response_id "
                "LIMIT :limit OFFSET :offset)) "
            )
            params.update(limit=limit, offset=offset)
        rows = await self._db.fetch_all(
            f"WITH v AS ({self._period_sql(period)}) SELECT * FROM v {page}"
            "ORDER BY v.completed_at, v.response_id, v.pair_id",
            params,
        )
        return _records(rows)

    async def count(self, organization_id: int, period: Period) -> int:
        value = await self._db.fetch_value(
            f"SELECT count(DISTINCT response_id) FROM ({self._period_sql(period)})",
            {"org": organization_id, **period_params(period)},
        )
        return int(value or 0)

    async def goals(self, organization_id: int, period: Period) -> GoalTally:
        """The mentees' "goal reached" in the final polls of the pairs completed in the
        period, one answer per response."""
        rows = await self._db.fetch_all(
            "SELECT json_extract(answers, '$.goal_reached.choice') AS goal, count(*) AS n FROM "
            f"(SELECT DISTINCT response_id, answers FROM "
            f"({_final_polls(pairs_completed_in('pr', period))}) WHERE form = 'final_mentee') "
            "GROUP BY goal",
            {"org": organization_id, **period_params(period)},
        )
        counts = {row["goal"]: row["n"] for row in rows}
        return GoalTally(
            yes=counts.get("yes", 0), partly=counts.get("partly", 0), no=counts.get("no", 0)
        )

    async def of_pair(self, organization_id: int, pair_id: int) -> list[VoiceRecord]:
        """Both sides' final polls (when the pair completed) and compatibility answers."""
        this_pair = "pr.id = :pair"
        rows = await self._db.fetch_all(
            f"SELECT * FROM ({_final_polls(this_pair + ' AND pr.completed = 1')} "
            f"UNION {_compatibility(this_pair)}) ORDER BY completed_at, response_id",
            {"org": organization_id, "pair": pair_id},
        )
        return _records(rows)
