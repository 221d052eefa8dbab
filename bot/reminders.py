"""Reminders before meetings, kept as rows: planned when a meeting is confirmed, dropped when
it is cancelled or moved, claimed by the scheduler's tick when due."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import timedelta
from enum import StrEnum

from bot.clock import Clock
from storage.repositories.meetings import Meeting, MeetingRepository
from storage.repositories.reminders import DueReminder, MeetingSettings, ReminderRepository

BATCH = 200  # reminders claimed per tick; the rate-limited sender paces them
LONGEST_REMINDER = 7 * 24 * 60
MEETING_LENGTHS = range(5, 601)


class SettingsProblem(StrEnum):
    REMINDERS = "reminders"
    LENGTH = "length"


def parse_minutes(text: str) -> tuple[int, ...] | None:
    """«1440, 60» -> (1440, 60): one to three distinct values in minutes, latest first."""
    parts = [part for part in re.split(r"[,;\s]+", text.strip()) if part]
    if not 1 <= len(parts) <= 3 or not all(part.isdigit() for part in parts):
        return None
    values = sorted({int(part) for part in parts}, reverse=True)
    if not all(1 <= value <= LONGEST_REMINDER for value in values):
        return None
    return tuple(values)


@dataclass(frozen=True)
class ReminderJob:
    reminder: DueReminder
    meeting: Meeting


class ReminderService:
    def __init__(
        self, repository: ReminderRepository, meetings: MeetingRepository, clock: Clock
    ) -> None:
        self._repository = repository
        self._meetings = meetings
        self._clock = clock

    async def settings(self, organization_id: int) -> MeetingSettings:
        return await self._repository.settings(organization_id)

    async def save_settings(self, organization_id: int, settings: MeetingSettings) -> None:
        await self._repository.save_settings(organization_id, settings)

    async def change_reminders(self, organization_id: int, text: str) -> SettingsProblem | None:
        minutes = parse_minutes(text)
        if minutes is None:
            return SettingsProblem.REMINDERS
        current = await self._repository.settings(organization_id)
        await self._repository.save_settings(
            organization_id, replace(current, reminder_minutes=minutes)
        )
        return None

    async def change_length(self, organization_id: int, text: str) -> SettingsProblem | None:
        value = text.strip()
        if not value.isdigit() or int(value) not in MEETING_LENGTHS:
            return SettingsProblem.LENGTH
        current = await self._repository.settings(organization_id)
        await self._repository.save_settings(
            organization_id, replace(current, meeting_minutes=int(value))
        )
        return None

    async def plan(self, meeting: Meeting, organization_id: int, recipients: list[int]) -> int:
        """Reminders for both sides; one already past when the meeting is confirmed is not
        planned (the confirmation itself told them)."""
        settings = await self._repository.settings(organization_id)
        now = self._clock.now()
        rows = [
            (chat, minutes, meeting.starts_at - timedelta(minutes=minutes))
            for minutes in settings.reminder_minutes
            for chat in recipients
            if meeting.starts_at - timedelta(minutes=minutes) > now
        ]
        await self._repository.plan(meeting.id, rows)
        return len(rows)

    async def drop(self, meeting_id: int) -> None:
        await self._repository.drop_for_meeting(meeting_id, self._clock.now())

    async def claim(self, limit: int = BATCH) -> list[ReminderJob]:
        """Due reminders still worth sending; the rest (the meeting was cancelled, or it began
        while the bot was down) are dropped."""
        now = self._clock.now()
        jobs: list[ReminderJob] = []
        for reminder in await self._repository.claim_due(now, limit):
            meeting = await self._meetings.get(reminder.meeting_id)
            if meeting is None or meeting.status != "confirmed" or meeting.starts_at <= now:
                await self._repository.settle(reminder.id, "dropped", now)
                continue
            jobs.append(ReminderJob(reminder, meeting))
        return jobs

    async def settle(self, reminder_id: int, state: str) -> None:
        await self._repository.settle(reminder_id, state, self._clock.now())
