"""Reminders of meetings and the organization's reminder settings."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.clock import from_db, to_db
from storage.database import Database

DEFAULT_REMINDER_MINUTES = (1440, 60)
DEFAULT_MEETING_MINUTES = 60


@dataclass(frozen=True)
class MeetingSettings:
    reminder_minutes: tuple[int, ...] = DEFAULT_REMINDER_MINUTES
    meeting_minutes: int = DEFAULT_MEETING_MINUTES


@dataclass(frozen=True)
class DueReminder:
    id: int
    meeting_id: int
    telegram_id: int
    minutes_before: int
    due_at: datetime


class ReminderRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def settings(self, organization_id: int) -> MeetingSettings:
        row = await self._db.fetch_one(
            "SELECT reminder_minutes, meeting_minutes FROM meeting_settings "
            "WHERE organization_id = ?",
            (organization_id,),
        )
        if row is None:
            return MeetingSettings()
        return MeetingSettings(tuple(json.loads(row["reminder_minutes"])), row["meeting_minutes"])

    async def save_settings(self, organization_id: int, settings: MeetingSettings) -> None:
        async with self._db.transaction() as tx:
            await tx.execute(
                "INSERT INTO meeting_settings (organization_id, reminder_minutes, meeting_minutes) "
                "VALUES (?, ?, ?) ON CONFLICT (organization_id) DO UPDATE SET "
                "reminder_minutes = excluded.reminder_minutes, "
                "meeting_minutes = excluded.meeting_minutes",
                (organization_id, json.dumps(list(settings.reminder_minutes)),
                 settings.meeting_minutes),
            )  # fmt: skip

    async def plan(self, meeting_id: int, rows: Sequence[tuple[int, int, datetime]]) -> None:
        """(telegram id, minutes before, due) for a confirmed meeting; repeats are ignored."""
        async with self._db.transaction() as tx:
            await tx.executemany(
                "INSERT OR IGNORE INTO reminders (meeting_id, telegram_id, minutes_before, "
                "due_at) VALUES (?, ?, ?, ?)",
                [(meeting_id, chat, minutes, to_db(due)) for chat, minutes, due in rows],
            )

    async def drop_for_meeting(self, meeting_id: int, now: datetime) -> None:
        async with self._db.transaction() as tx:
            await tx.execute(
                "UPDATE reminders SET state = 'dropped', handled_at = ? "
                "WHERE meeting_id = ? AND state = 'pending'",
                (to_db(now), meeting_id),
            )

    async def claim_due(self, now: datetime, limit: int) -> list[DueReminder]:
        """Take due reminders and mark them sent in the same transaction: a bot that restarts
        after this point never sends them again."""
        async with self._db.transaction() as tx:
            rows = await tx.fetch_all(
                "UPDATE reminders SET state = 'sent', handled_at = ? WHERE id IN ("
                "SELECT id FROM reminders WHERE state = 'pending' AND due_at <= ? "
                "ORDER BY due_at LIMIT ?) "
                "RETURNING id, meeting_id, telegram_id, minutes_before, due_at",
                (to_db(now), to_db(now), limit),
            )
        return [
            DueReminder(r["id"], r["meeting_id"], r["telegram_id"], r["minutes_before"],
                        from_db(r["due_at"]))
            for r in sorted(rows, key=lambda row: (row["due_at"], row["id"]))
        ]  # fmt: skip

    async def settle(self, reminder_id: int, state: str, now: datetime) -> None:
        """The outcome of a claimed reminder: dropped, unreachable or failed (sent is default)."""
        async with self._db.transaction() as tx:
            await tx.execute(
                "UPDATE reminders SET state = ?, handled_at = ? WHERE id = ?",
                (state, to_db(now), reminder_id),
            )

    async def of_meeting(self, meeting_id: int) -> list[tuple[int, int, str]]:
        rows = await self._db.fetch_all(
            "SELECT telegram_id, minutes_before, state FROM reminders WHERE meeting_id = ? "
            "ORDER BY minutes_before DESC, telegram_id",
            (meeting_id,),
        )
        return [(r["telegram_id"], r["minutes_before"], r["state"]) for r in rows]
