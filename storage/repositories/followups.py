"""After a meeting: the follow-up rows, the pair's rhythm and plan, and the organization's
follow-up settings (two columns of ``meeting_settings``, left alone by the reminders code)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime, time

import aiosqlite

from bot.clock import from_db, to_db
from bot.models.followups import Followup, FollowupSettings
from bot.models.plans import PlanRow, RhythmRow
from storage.database import Database


def _followup(row: aiosqlite.Row) -> Followup:
    # sqlite3.Row's "in" looks at the values; the column names are its keys().
    joined = "meeting_starts_at" in row.keys()  # noqa: SIM118
    return Followup(
        id=row["id"],
        meeting_id=row["meeting_id"],
        participant_id=row["participant_id"],
        telegram_id=row["telegram_id"],
        due_at=from_db(row["due_at"]),
        state=row["state"],
        answer=row["answer"],
        reason=row["reason"],
        meeting_starts_at=from_db(row["meeting_starts_at"]) if joined else None,
    )


# The row reader, for other repositories that read follow-ups.
followup_from_row = _followup


class FollowupRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    # -- settings ------------------------------------------------------------------------------
    async def settings(self, organization_id: int) -> FollowupSettings:
        row = await self._db.fetch_one(
            "SELECT followup_minutes, grace_days FROM meeting_settings WHERE organization_id = ?",
            (organization_id,),
        )
        if row is None:
            return FollowupSettings()
        return FollowupSettings(row["followup_minutes"], row["grace_days"])

    async def save_settings(self, organization_id: int, settings: FollowupSettings) -> None:
        async with self._db.transaction() as tx:
            await tx.execute(
                "INSERT INTO meeting_settings (organization_id, followup_minutes, grace_days) "
                "VALUES (?, ?, ?) ON CONFLICT (organization_id) DO UPDATE SET "
                "followup_minutes = excluded.followup_minutes, grace_days = excluded.grace_days",
                (organization_id, settings.followup_minutes, settings.grace_days),
            )

    # -- follow-ups ----------------------------------------------------------------------------
    async def plan(self, meeting_id: int, rows: Sequence[tuple[int, int, datetime]]) -> None:
        """(participant id, telegram id, due) per side of a confirmed meeting."""
        async with self._db.transaction() as tx:
            await tx.executemany(
                "INSERT OR IGNORE INTO followups (meeting_id, participant_id, telegram_id, due_at) "
                "VALUES (?, ?, ?, ?)",
                [(meeting_id, pid, chat, to_db(due)) for pid, chat, due in rows],
            )

    async def drop_for_meeting(self, meeting_id: int) -> None:
        async with self._db.transaction() as tx:
            await tx.execute(
                "UPDATE followups SET state = 'dropped' "
                "WHERE meeting_id = ? AND state IN ('pending', 'asked')",
                (meeting_id,),
            )

    async def claim_due(
        self, now: datetime, reask_at: datetime, stale_before: datetime, limit: int
    ) -> list[Followup]:
        """Take due rows and record the ask in the same transaction: a pending row becomes
        'asked' with its repeat due at ``reask_at``; an asked row (or a pending one that has
        waited past ``stale_before`` while the bot was down) becomes 'reminded', the last ask.

        Due rows of people marked unreachable (they blocked the bot) are settled as
        'unreachable' first, in the same transaction: they are neither asked nor returned."""
        async with self._db.transaction() as tx:
            await tx.execute(
                "UPDATE followups SET state = 'unreachable' "
                "WHERE state IN ('pending', 'asked') AND due_at <= ? AND telegram_id IN "
                "(SELECT telegram_id FROM participants WHERE unreachable_since IS NOT NULL)",
                (to_db(now),),
            )
            rows = await tx.fetch_all(
                "UPDATE followups SET "
                "state = CASE WHEN state = 'pending' AND due_at > ? THEN 'asked' "
                "ELSE 'reminded' END, "
                "asked_at = COALESCE(asked_at, ?), "
                "due_at = CASE WHEN state = 'pending' AND due_at > ? THEN ? ELSE due_at END "
                "WHERE id IN (SELECT id FROM followups WHERE state IN ('pending', 'asked') "
                "AND due_at <= ? ORDER BY due_at LIMIT ?) RETURNING *",
                (to_db(stale_before), to_db(now), to_db(stale_before), to_db(reask_at),
                 to_db(now), limit),
            )  # fmt: skip
        return sorted((_followup(r) for r in rows), key=lambda f: (f.due_at, f.id))

    async def settle(self, followup_id: int, state: str) -> None:
        async with self._db.transaction() as tx:
            await tx.execute(
                "UPDATE followups SET state = ? WHERE id = ? AND answer IS NULL",
                (state, followup_id),
            )

    async def answer(
        self, meeting_id: int, participant_id: int, answer: str, now: datetime
    ) -> bool:
        """Record this side's answer once; False when it had already answered."""
        async with self._db.transaction() as tx:
            changed = await tx.execute_rowcount(
                "UPDATE followups SET state = 'answered', answer = ?, answered_at = ? "
                "WHERE meeting_id = ? AND participant_id = ? AND answer IS NULL "
                "AND state != 'dropped'",
                (answer, to_db(now), meeting_id, participant_id),
            )
        return changed == 1

    async def set_reason(self, meeting_id: int, participant_id: int, reason: str) -> bool:
        async with self._db.transaction() as tx:
            changed = await tx.execute_rowcount(
                "UPDATE followups SET reason = ? WHERE meeting_id = ? AND participant_id = ? "
                "AND answer = 'not_held'",
                (reason, meeting_id, participant_id),
            )
        return changed == 1

    async def of_meeting(self, meeting_id: int) -> list[Followup]:
        rows = await self._db.fetch_all(
            "SELECT * FROM followups WHERE meeting_id = ? ORDER BY id", (meeting_id,)
        )
        return [_followup(r) for r in rows]

    async def unanswered_of_organization(self, organization_id: int) -> list[Followup]:
        """Asked and not answered, for the curator: the people who owe an answer."""
        rows = await self._db.fetch_all(
            "SELECT f.*, m.starts_at AS meeting_starts_at FROM followups f "
            "JOIN meetings m ON m.id = f.meeting_id JOIN pairs p ON p.id = m.pair_id "
            "WHERE p.organization_id = ? AND p.ended_on IS NULL "
            "AND f.state IN ('asked', 'reminded') ORDER BY m.starts_at, f.id",
            (organization_id,),
        )
        return [_followup(r) for r in rows]

    async def feedback_missing(self, organization_id: int, since: datetime) -> int:
        """Sides that said the meeting was held but have not completed the feedback form."""
        value = await self._db.fetch_value(
            "SELECT count(*) FROM followups f JOIN meetings m ON m.id = f.meeting_id "
            "JOIN pairs p ON p.id = m.pair_id "
            "LEFT JOIN responses r ON r.form = 'meeting_feedback' "
            "AND r.participant_id = f.participant_id AND r.meeting_id = f.meeting_id "
            "WHERE p.organization_id = ? AND f.answer = 'held' AND f.answered_at >= ? "
            "AND r.completed_at IS NULL",
            (organization_id, to_db(since)),
        )
        return int(value or 0)

    async def usefulness(self, pair_id: int) -> list[object]:
        """The raw usefulness answers of the pair's completed feedback forms."""
        rows = await self._db.fetch_all(
            "SELECT r.answers FROM responses r JOIN meetings m ON m.id = r.meeting_id "
            "WHERE m.pair_id = ? AND r.form = 'meeting_feedback' AND r.completed_at IS NOT NULL",
            (pair_id,),
        )
        values: list[object] = []
        for row in rows:
            answers = json.loads(row["answers"])
            if isinstance(answers, dict) and "usefulness" in answers:
                values.append(answers["usefulness"])
        return values

    # -- rhythm and plan -----------------------------------------------------------------------
    async def rhythm(self, pair_id: int) -> RhythmRow | None:
        row = await self._db.fetch_one("SELECT * FROM rhythms WHERE pair_id = ?", (pair_id,))
        if row is None:
            return None
        return RhythmRow(
            pair_id=row["pair_id"],
            weekday=row["weekday"],
            local_time=time.fromisoformat(row["local_time"]),
            interval_weeks=row["interval_weeks"],
            anchor_on=date.fromisoformat(row["anchor_on"]),
            curator_consent=bool(row["curator_consent"]),
        )

    async def save_rhythm(self, rhythm: RhythmRow, now: datetime) -> None:
        async with self._db.transaction() as tx:
            await tx.execute(
                "INSERT INTO rhythms (pair_id, weekday, local_time, interval_weeks, anchor_on, "
                "curator_consent, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (pair_id) DO UPDATE SET weekday = excluded.weekday, "
                "local_time = excluded.local_time, interval_weeks = excluded.interval_weeks, "
                "anchor_on = excluded.anchor_on, curator_consent = excluded.curator_consent, "
                "updated_at = excluded.updated_at",
                (rhythm.pair_id, rhythm.weekday, rhythm.local_time.strftime("%H:%M"),
                 rhythm.interval_weeks, rhythm.anchor_on.isoformat(), int(rhythm.curator_consent),
                 to_db(now)),
            )  # fmt: skip

    async def plan_of(self, pair_id: int) -> PlanRow | None:
        row = await self._db.fetch_one("SELECT * FROM pair_plans WHERE pair_id = ?", (pair_id,))
        if row is None:
            return None
        end = row["planned_end"]
        return PlanRow(
            row["pair_id"],
            tuple(str(goal) for goal in json.loads(row["goals"])),
            date.fromisoformat(end) if end else None,
        )

    async def save_plan(
        self, pair_id: int, goals: Sequence[str], planned_end: date | None, now: datetime
    ) -> None:
        async with self._db.transaction() as tx:
            await tx.execute(
                "INSERT INTO pair_plans (pair_id, goals, planned_end, updated_at) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (pair_id) DO UPDATE SET goals = excluded.goals, "
                "planned_end = excluded.planned_end, updated_at = excluded.updated_at",
                (pair_id, json.dumps(list(goals), ensure_ascii=False),
                 planned_end.isoformat() if planned_end else None, to_db(now)),
            )  # fmt: skip
