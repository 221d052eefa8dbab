"""Reminders before meetings, kept as rows: planned when a meeting is confirmed, dropped when
it is cancelled or moved, claimed by the scheduler's tick when due.

Delivery is at most once, with the loss window as small as a send without an idempotency key
allows (Telegram has none):

* **claimed** — the row is leased to the running sender (still ``pending``, ``handled_at`` is the
  end of the lease). Nothing has gone out. A sender killed now leaves the lease to expire, and
  the row is claimed and sent again after a restart: claimed is *not* a promise of sending.
* **sent** — committed right before the HTTP request is written, one row at a time after the
  rate limiter gave that row its turn. A kill after this commit and before Telegram received the
  request loses that one message; that is the only window, a few requests at most.
* A 429 answer turns the row back into a leased ``pending`` one while the sender waits, so a
  kill during the wait does not lose it either.

Sending again after a lost answer would risk a duplicate instead; for a reminder a duplicate is
as bad as a loss, and the window here is the smaller one of the two designs.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from bot.clock import Clock
from bot.models.meetings import Meeting
from bot.models.participants import Participant
from bot.models.reminders import DeliveryContext, DueReminder, MeetingSettings
from bot.pairing import PairPeople
from storage.repositories.reminders import ReminderRepository

BATCH = 200  # reminders claimed at once when the caller does not say
# How long a claim holds a reminder for its sender. A process killed with SIGKILL leaves its
# leases behind; they are claimed again this long after the claim. It must outlast the wait of
# a claimed reminder for its turn (about a second: only a second's worth is claimed ahead).
LEASE = timedelta(seconds=30)
DEFAULT_TIMEZONE = "Europe/Moscow"  # as MeetingService.side: an organization without a zone
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
    """A claimed reminder with everything it is rendered from: the meeting, and the pair as
    its recipient (``me``) sees it, in the organization's time zone."""

    reminder: DueReminder
    meeting: Meeting
    people: PairPeople
    me: Participant
    other: Participant
    timezone: str
    language: str | None  # the recipient's chosen language, if any


class ReminderService:
    def __init__(
        self,
        repository: ReminderRepository,
        clock: Clock,
        *,
        lease: timedelta = LEASE,
    ) -> None:
        self._repository = repository
        self._clock = clock
        self._lease = lease
        self._marks: dict[int, asyncio.Future[bool]] = {}
        self._marking: asyncio.Task[None] | None = None

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

    async def claim(self, limit: int = BATCH, *, held: Collection[int] = ()) -> list[ReminderJob]:
        """Lease due reminders still worth sending; the rest (the meeting was cancelled or has
        begun, the pair has ended) are dropped. ``held`` are this sender's own reminders still
        on their way (a lease that ran out during a long flood-control wait): they are not
        handed out a second time."""
        now = self._clock.now()
        due = [
            reminder
            for reminder in await self._repository.claim_due(now, now + self._lease, limit)
            if reminder.id not in held
        ]
        if not due:
            return []
        context = await self._repository.context([r.meeting_id for r in due])
        jobs: list[ReminderJob] = []
        for reminder in due:
            if reminder.telegram_id in context.unreachable:
                # Blocked the bot: a request would only earn another 403 (the curator was told
                # when the person was first found unreachable).
                await self._repository.settle(reminder.id, "unreachable", now)
                continue
            job = self._job(reminder, context, now)
            if job is None:
                await self._repository.settle(reminder.id, "dropped", now)
            else:
                jobs.append(job)
        return jobs

    @staticmethod
    def _job(reminder: DueReminder, context: DeliveryContext, now: datetime) -> ReminderJob | None:
        meeting = context.meetings.get(reminder.meeting_id)
        if meeting is None or meeting.status != "confirmed" or meeting.starts_at <= now:
            return None
        pair = context.pairs.get(meeting.pair_id)
        # An active pair always has both sides (a withdrawal ends it before the delete).
        if pair is None or pair.ended_on is not None:
            return None
        if pair.mentor_id is None or pair.mentee_id is None:
            return None
        mentor = context.participants.get(pair.mentor_id)
        mentee = context.participants.get(pair.mentee_id)
        if mentor is None or mentee is None:
            return None
        if reminder.telegram_id == mentor.telegram_id:
            me, other = mentor, mentee
        elif reminder.telegram_id == mentee.telegram_id:
            me, other = mentee, mentor
        else:
            return None  # no longer in this pair
        people = PairPeople(
            pair,
            mentor,
            mentee,
            context.answers.get(mentor.id, {}),
            context.answers.get(mentee.id, {}),
        )
        timezone = context.timezones.get(pair.organization_id, DEFAULT_TIMEZONE)
        language = context.languages.get(reminder.telegram_id)
        return ReminderJob(reminder, meeting, people, me, other, timezone, language)

    async def mark_sent(self, reminder_id: int) -> bool:
        """Right before the request: False means the reminder must not be sent any more.

        Marks asked for while a commit is running are committed together by the next one (a
        group commit): each commit waits for the disk, and one per message would cap delivery
        at the disk's commit rate. No mark waits longer than one commit for its company.
        """
        future: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._marks[reminder_id] = future
        if self._marking is None or self._marking.done():
            self._marking = asyncio.create_task(self._commit_marks())
        return await future

    async def _commit_marks(self) -> None:
        while self._marks:
            batch, self._marks = self._marks, {}
            try:
                marked = await self._repository.mark_sent(list(batch), self._clock.now())
            except BaseException as error:
                for future in batch.values():
                    if not future.done():
                        future.set_exception(error)
                if isinstance(error, Exception):
                    continue
                raise
            for reminder_id, future in batch.items():
                if not future.done():
                    future.set_result(reminder_id in marked)

    async def retry_later(self, reminder_id: int) -> None:
        """Flood control: the reminder was not delivered and waits, still held by this sender."""
        await self._repository.unsend(reminder_id, self._clock.now() + self._lease)

    async def release(self, reminder_ids: Collection[int]) -> None:
        """A stopping sender gives back what it claimed and did not send: sent after restart."""
        await self._repository.release(sorted(reminder_ids))

    async def settle(self, reminder_id: int, state: str) -> None:
        await self._repository.settle(reminder_id, state, self._clock.now())
