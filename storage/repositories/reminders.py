"""Reminders of meetings and the organization's reminder settings."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from bot.clock import from_db, to_db
from bot.models.reminders import DeliveryContext, DueReminder, MeetingSettings
from storage.database import Database
from storage.repositories.matching import _pair
from storage.repositories.meetings import _meeting
from storage.repositories.participants import _PARTICIPANT_COLUMNS, _participant


def _marks(values: Sequence[object]) -> str:
    return ", ".join("?" * len(values))


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

    async def claim_due(
        self, now: datetime, lease_until: datetime, limit: int
    ) -> list[DueReminder]:
        """Lease due reminders to this sender until ``lease_until``; nothing is sent yet.

        A claimed row stays ``pending`` with ``handled_at`` holding the end of its lease: a
        process killed before it sent the row leaves a lease that expires, and the row is
        claimed again. Rows are marked ``sent`` one by one just before their request goes out
        (:meth:`mark_sent`), so a kill loses at most the requests on the wire at that moment.
        """
        async with self._db.transaction() as tx:
            rows = await tx.fetch_all(
                "UPDATE reminders SET handled_at = ? WHERE id IN ("
                "SELECT id FROM reminders WHERE state = 'pending' AND due_at <= ? "
                "AND (handled_at IS NULL OR handled_at <= ?) ORDER BY due_at LIMIT ?) "
                "RETURNING id, meeting_id, telegram_id, minutes_before, due_at",
                (to_db(lease_until), to_db(now), to_db(now), limit),
            )
        return [
            DueReminder(r["id"], r["meeting_id"], r["telegram_id"], r["minutes_before"],
                        from_db(r["due_at"]))
            for r in sorted(rows, key=lambda row: (row["due_at"], row["id"]))
        ]  # fmt: skip

    async def mark_sent(self, reminder_ids: Sequence[int], now: datetime) -> set[int]:
        """Committed right before the requests are sent; returns the ids that were still
        pending. The others' meetings were moved or cancelled meanwhile: not to be sent."""
        if not reminder_ids:
            return set()
        marks = ", ".join("?" * len(reminder_ids))
        async with self._db.transaction() as tx:
            rows = await tx.fetch_all(
                "UPDATE reminders SET state = 'sent', handled_at = ? "
                f"WHERE state = 'pending' AND id IN ({marks}) RETURNING id",
                (to_db(now), *reminder_ids),
            )
        return {row["id"] for row in rows}

    async def unsend(self, reminder_id: int, lease_until: datetime) -> None:
        """Flood control answered instead of delivering: the reminder is pending again, held
        by this sender's lease while it waits out ``retry_after``."""
        async with self._db.transaction() as tx:
            await tx.execute(
                "UPDATE reminders SET state = 'pending', handled_at = ? "
                "WHERE id = ? AND state = 'sent'",
                (to_db(lease_until), reminder_id),
            )

    async def release(self, reminder_ids: Sequence[int]) -> None:
        """Give back leases of reminders this sender will not send (it is stopping)."""
        if not reminder_ids:
            return
        async with self._db.transaction() as tx:
            await tx.executemany(
                "UPDATE reminders SET handled_at = NULL WHERE id = ? AND state = 'pending'",
                [(reminder_id,) for reminder_id in reminder_ids],
            )

    async def settle(self, reminder_id: int, state: str, now: datetime) -> None:
        """The outcome of a claimed reminder: dropped, unreachable or failed (sent is default)."""
        async with self._db.transaction() as tx:
            await tx.execute(
                "UPDATE reminders SET state = ?, handled_at = ? WHERE id = ?",
                (state, to_db(now), reminder_id),
            )

    async def context(self, meeting_ids: Sequence[int]) -> DeliveryContext:
        ids = sorted(set(meeting_ids))
        meetings = {
            row["id"]: _meeting(row)
            for row in await self._db.fetch_all(
                f"SELECT * FROM meetings WHERE id IN ({_marks(ids)})", ids
            )
        }
        pair_ids = sorted({m.pair_id for m in meetings.values()})
        pairs = {
            row["id"]: _pair(row)
            for row in await self._db.fetch_all(
                f"SELECT * FROM pairs WHERE id IN ({_marks(pair_ids)})", pair_ids
            )
        }
        people = sorted({i for p in pairs.values() for i in p.present})
        participants = {
            row["id"]: _participant(row)
            for row in await self._db.fetch_all(
                f"SELECT {_PARTICIPANT_COLUMNS} FROM participants p "
                f"WHERE p.id IN ({_marks(people)})",
                people,
            )
        }
        answers: dict[int, dict[str, Any]] = {}
        for row in await self._db.fetch_all(
            "SELECT participant_id, question, value FROM answers "
            f"WHERE participant_id IN ({_marks(people)})",
            people,
        ):
            answers.setdefault(row["participant_id"], {})[row["question"]] = json.loads(
                row["value"]
            )
        organizations = sorted({p.organization_id for p in pairs.values()})
        timezones = {
            row["id"]: row["timezone"]
            for row in await self._db.fetch_all(
                f"SELECT id, timezone FROM organizations WHERE id IN ({_marks(organizations)})",
                organizations,
            )
        }
        chats = sorted({p.telegram_id for p in participants.values()})
        languages = {
            row["telegram_id"]: str(row["language"])
            for row in await self._db.fetch_all(
                "SELECT telegram_id, COALESCE(language, telegram_language) AS language FROM users "
                "WHERE COALESCE(language, telegram_language) IS NOT NULL "
                f"AND telegram_id IN ({_marks(chats)})",
                chats,
            )
        }
        unreachable = frozenset(
            row["telegram_id"]
            for row in await self._db.fetch_all(
                "SELECT telegram_id FROM participants "
                f"WHERE unreachable_since IS NOT NULL AND id IN ({_marks(people)})",
                people,
            )
        )
        return DeliveryContext(
            meetings, pairs, participants, answers, timezones, languages, unreachable
        )

    async def of_meeting(self, meeting_id: int) -> list[tuple[int, int, str]]:
        rows = await self._db.fetch_all(
            "SELECT telegram_id, minutes_before, state FROM reminders WHERE meeting_id = ? "
            "ORDER BY minutes_before DESC, telegram_id",
            (meeting_id,),
        )
        return [(r["telegram_id"], r["minutes_before"], r["state"]) for r in rows]
