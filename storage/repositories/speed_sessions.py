"""Speed mentoring sessions (migration 0027): the session, who takes part, the conversations of
each round, and each side's feedback on a conversation. Who is told and asked is claimed here
(``told_at``, a feedback row) before the message is queued, so a restart never repeats one."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import aiosqlite

from bot.clock import from_db, to_db
from bot.models.speed import SpeedFeedback, SpeedSession, SpeedTalk
from storage.database import Database


def _session(r: aiosqlite.Row) -> SpeedSession:
    return SpeedSession(
        id=r["id"],
        organization_id=r["organization_id"],
        form=r["form"],
        starts_at=from_db(r["starts_at"]),
        place=r["place"],
        round_minutes=r["round_minutes"],
        created_by=r["created_by"],
    )


def _talk(r: aiosqlite.Row) -> SpeedTalk:
    return SpeedTalk(
        id=r["id"],
        session_id=r["session_id"],
        round=r["round"],
        mentor_id=r["mentor_id"],
        mentee_id=r["mentee_id"],
        ends_at=from_db(r["ends_at"]),
    )


def _feedback(r: aiosqlite.Row) -> SpeedFeedback:
    return SpeedFeedback(
        talk_id=r["talk_id"],
        participant_id=r["participant_id"],
        usefulness=r["usefulness"],
        continue_with=r["continue_with"],
        answered=r["answered_at"] is not None,
    )


class SpeedSessionRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def create(
        self,
        session: SpeedSession,
        seats: Sequence[tuple[int, str]],
        talks: Sequence[tuple[int, int, int, datetime]],
        now: datetime,
    ) -> int:
        """The session, its seats (participant, role) and its talks (round, mentor, mentee,
        end), in one transaction; the new session's id."""
        async with self._db.transaction() as tx:
            session_id = await tx.execute(
                "INSERT INTO speed_sessions (organization_id, form, starts_at, place, "
                "round_minutes, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    session.organization_id,
                    session.form,
                    to_db(session.starts_at),
                    session.place,
                    session.round_minutes,
                    session.created_by,
                    to_db(now),
                ),
            )
            for participant_id, role in seats:
                await tx.execute(
                    "INSERT INTO speed_seats (session_id, participant_id, role) VALUES (?, ?, ?)",
                    (session_id, participant_id, role),
                )
            for round_number, mentor_id, mentee_id, ends_at in talks:
                await tx.execute(
                    "INSERT INTO speed_talks (session_id, round, mentor_id, mentee_id, ends_at) "
                    "VALUES (?, ?, ?, ?, ?)",
                    (session_id, round_number, mentor_id, mentee_id, to_db(ends_at)),
                )
        return session_id

    async def get(self, organization_id: int, session_id: int) -> SpeedSession | None:
        row = await self._db.fetch_one(
            "SELECT * FROM speed_sessions WHERE id = ? AND organization_id = ?",
            (session_id, organization_id),
        )
        return _session(row) if row else None

    async def session(self, session_id: int) -> SpeedSession | None:
        row = await self._db.fetch_one("SELECT * FROM speed_sessions WHERE id = ?", (session_id,))
        return _session(row) if row else None

    async def of_organization(self, organization_id: int, limit: int) -> list[SpeedSession]:
        rows = await self._db.fetch_all(
            "SELECT * FROM speed_sessions WHERE organization_id = ? "
            "ORDER BY starts_at DESC, id DESC LIMIT ?",
            (organization_id, limit),
        )
        return [_session(r) for r in rows]

    async def talks(self, session_id: int) -> list[SpeedTalk]:
        rows = await self._db.fetch_all(
            "SELECT * FROM speed_talks WHERE session_id = ? ORDER BY round, id", (session_id,)
        )
        return [_talk(r) for r in rows]

    async def talk(self, talk_id: int) -> SpeedTalk | None:
        row = await self._db.fetch_one("SELECT * FROM speed_talks WHERE id = ?", (talk_id,))
        return _talk(row) if row else None

    async def feedback(self, session_id: int) -> list[SpeedFeedback]:
        rows = await self._db.fetch_all(
            "SELECT f.* FROM speed_feedback f JOIN speed_talks t ON t.id = f.talk_id "
            "WHERE t.session_id = ? ORDER BY t.round, t.id, f.participant_id",
            (session_id,),
        )
        return [_feedback(r) for r in rows]

    async def feedback_of(self, talk_id: int, participant_id: int) -> SpeedFeedback | None:
        row = await self._db.fetch_one(
            "SELECT * FROM speed_feedback WHERE talk_id = ? AND participant_id = ?",
            (talk_id, participant_id),
        )
        return _feedback(row) if row else None

    async def untold(self) -> list[tuple[int, int]]:
        """(session, participant) of the seats whose schedule has not been sent yet."""
        rows = await self._db.fetch_all(
            "SELECT session_id, participant_id FROM speed_seats WHERE told_at IS NULL "
            "ORDER BY session_id, participant_id"
        )
        return [(r[0], r[1]) for r in rows]

    async def claim_told(self, session_id: int, participant_id: int, now: datetime) -> bool:
        async with self._db.transaction() as tx:
            changed = await tx.execute_rowcount(
                "UPDATE speed_seats SET told_at = ? "
                "WHERE session_id = ? AND participant_id = ? AND told_at IS NULL",
                (to_db(now), session_id, participant_id),
            )
        return changed == 1

    async def ended_unasked(self, since: datetime, now: datetime) -> list[tuple[SpeedTalk, int]]:
        """Conversations that ended from ``since`` to ``now``, each with a side not yet asked
        about it (the index on the end keeps the tick from reading every past session)."""
        rows = await self._db.fetch_all(
            "SELECT t.*, s.participant_id AS side FROM speed_talks t "
            "JOIN speed_seats s ON s.session_id = t.session_id "
            "AND s.participant_id IN (t.mentor_id, t.mentee_id) "
            "WHERE t.ends_at > ? AND t.ends_at <= ? AND NOT EXISTS (SELECT 1 FROM "
            "speed_feedback f WHERE f.talk_id = t.id AND f.participant_id = s.participant_id) "
            "ORDER BY t.ends_at, t.id, s.participant_id",
            (to_db(since), to_db(now)),
        )
        return [(_talk(r), r["side"]) for r in rows]

    async def claim_asked(self, talk_id: int, participant_id: int, now: datetime) -> bool:
        async with self._db.transaction() as tx:
            changed = await tx.execute_rowcount(
                "INSERT OR IGNORE INTO speed_feedback (talk_id, participant_id, asked_at) "
                "VALUES (?, ?, ?)",
                (talk_id, participant_id, to_db(now)),
            )
        return changed == 1

    async def record(
        self,
        talk_id: int,
        participant_id: int,
        *,
        usefulness: int | None = None,
        continue_with: str | None = None,
        now: datetime,
    ) -> bool:
        """One answer of an asked side: the usefulness first, then whether to go on; an answer
        already given is not changed (a double tap, an old message)."""
        async with self._db.transaction() as tx:
            if usefulness is not None:
                changed = await tx.execute_rowcount(
                    "UPDATE speed_feedback SET usefulness = ? "
                    "WHERE talk_id = ? AND participant_id = ? AND usefulness IS NULL",
                    (usefulness, talk_id, participant_id),
                )
            else:
                changed = await tx.execute_rowcount(
                    "UPDATE speed_feedback SET continue_with = ?, answered_at = ? "
                    "WHERE talk_id = ? AND participant_id = ? AND usefulness IS NOT NULL "
                    "AND continue_with IS NULL",
                    (continue_with, to_db(now), talk_id, participant_id),
                )
        return changed == 1
