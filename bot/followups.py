"""After a meeting: "did the meeting take place?" to each side, kept as rows.

A row per side is planned when a meeting is confirmed, due when the meeting has ended plus
the organization's follow-up delay; the scheduler's tick claims due rows (marking them asked in
the same transaction), and a row still unanswered a day later is asked once more. The pair's
rhythm of regular meetings and the plan recorded at the planning meeting live here too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from bot.clock import Clock
from bot.models.followups import Followup, FollowupSettings
from bot.models.meetings import Meeting
from bot.models.plans import PlanRow, RhythmRow
from bot.reminders import ReminderService
from bot.schedule import Rhythm, check_rhythm
from storage.repositories.followups import FollowupRepository
from storage.repositories.meetings import MeetingRepository

BATCH = 200
REASK_AFTER = timedelta(days=1)
# A question about a meeting more than a week old is no longer worth asking: a bot that was
# down that long lets the curator's views show the gap instead.
USEFUL_FOR = timedelta(days=7)
FOLLOWUP_MINUTES = range(1, 10081)
GRACE_DAYS = range(0, 31)
GOALS_LIMIT = 3
GOAL_LENGTH = 200


class Answer(StrEnum):
    HELD = "held"
    MOVED = "moved"
    NOT_HELD = "not_held"


class FollowupSettingsProblem(StrEnum):
    DELAY = "delay"
    GRACE = "grace"


@dataclass(frozen=True)
class FollowupJob:
    followup: Followup
    meeting: Meeting
    last: bool  # the repeat a day later: the last time this side is asked


def parse_goals(text: str) -> list[str] | None:
    """One goal a line (or numbered), one to three of them, each up to 200 characters."""
    lines = [re.sub(r"^\s*(\d+[.)]|[-•*])\s*", "", line).strip() for line in text.splitlines()]
    goals = [" ".join(line.split()) for line in lines if line.strip()]
    if not 1 <= len(goals) <= GOALS_LIMIT:
        return None
    if not all(2 <= len(goal) <= GOAL_LENGTH for goal in goals):
        return None
    return goals


class FollowupService:
    def __init__(
        self,
        repository: FollowupRepository,
        meetings: MeetingRepository,
        reminders: ReminderService,
        clock: Clock,
    ) -> None:
        self._repository = repository
        self._meetings = meetings
        self._reminders = reminders
        self._clock = clock

    # -- settings ------------------------------------------------------------------------------
    async def settings(self, organization_id: int) -> FollowupSettings:
        return await self._repository.settings(organization_id)

    async def change_delay(self, organization_id: int, text: str) -> FollowupSettingsProblem | None:
        value = text.strip()
        if not value.isdigit() or int(value) not in FOLLOWUP_MINUTES:
            return FollowupSettingsProblem.DELAY
        current = await self._repository.settings(organization_id)
        await self._repository.save_settings(
            organization_id, replace(current, followup_minutes=int(value))
        )
        return None

    async def change_grace(self, organization_id: int, text: str) -> FollowupSettingsProblem | None:
        value = text.strip()
        if not value.isdigit() or int(value) not in GRACE_DAYS:
            return FollowupSettingsProblem.GRACE
        current = await self._repository.settings(organization_id)
        await self._repository.save_settings(
            organization_id, replace(current, grace_days=int(value))
        )
        return None

    # -- follow-up rows ------------------------------------------------------------------------
    async def plan(
        self, meeting: Meeting, organization_id: int, sides: list[tuple[int, int]]
    ) -> None:
        """A row per (participant id, telegram id), due after the meeting's end and delay."""
        length = (await self._reminders.settings(organization_id)).meeting_minutes
        delay = (await self._repository.settings(organization_id)).followup_minutes
        due = meeting.starts_at + timedelta(minutes=length + delay)
        await self._repository.plan(meeting.id, [(pid, chat, due) for pid, chat in sides])

    async def drop(self, meeting_id: int) -> None:
        await self._repository.drop_for_meeting(meeting_id)

    async def claim(self, limit: int = BATCH) -> list[FollowupJob]:
        """Due questions still worth asking; the rest are dropped. A question to a person
        marked unreachable (blocked the bot) is settled as 'unreachable' without a send: the
        curators were told when the person was first found unreachable."""
        now = self._clock.now()
        jobs: list[FollowupJob] = []
        claimed = await self._repository.claim_due(now, now + REASK_AFTER, now - REASK_AFTER, limit)
        for followup in claimed:
            meeting = await self._meetings.get(followup.meeting_id)
            if (
                meeting is None
                or meeting.status not in ("confirmed", "held", "missed")
                or meeting.starts_at < now - USEFUL_FOR
            ):
                await self._repository.settle(followup.id, "dropped")
                continue
            jobs.append(FollowupJob(followup, meeting, followup.state == "reminded"))
        return jobs

    async def settle(self, followup_id: int, state: str) -> None:
        await self._repository.settle(followup_id, state)

    async def record(self, meeting_id: int, participant_id: int, answer: Answer) -> bool:
        return await self._repository.answer(
            meeting_id, participant_id, answer.value, self._clock.now()
        )

    async def set_reason(self, meeting_id: int, participant_id: int, reason: str) -> bool:
        reason = " ".join(reason.split())[:500]
        return await self._repository.set_reason(meeting_id, participant_id, reason)

    async def of_meeting(self, meeting_id: int) -> list[Followup]:
        return await self._repository.of_meeting(meeting_id)

    async def unanswered(self, organization_id: int) -> list[Followup]:
        return await self._repository.unanswered_of_organization(organization_id)

    async def feedback_missing(self, organization_id: int, since: datetime) -> int:
        return await self._repository.feedback_missing(organization_id, since)

    async def usefulness(self, pair_id: int) -> float | None:
        """The average usefulness (1-5) of the pair's completed feedback forms."""
        values = [v for v in map(_score, await self._repository.usefulness(pair_id)) if v]
        return sum(values) / len(values) if values else None

    # -- rhythm and plan -----------------------------------------------------------------------
    async def rhythm(self, pair_id: int) -> RhythmRow | None:
        return await self._repository.rhythm(pair_id)

    async def save_rhythm(self, rhythm: RhythmRow) -> str | None:
        """Keep the rhythm, or the problem code of :func:`bot.schedule.check_rhythm`."""
        problem = check_rhythm(
            Rhythm(rhythm.weekday, rhythm.local_time, rhythm.interval_weeks),
            curator_consent=rhythm.curator_consent,
        )
        if problem is not None:
            return problem
        await self._repository.save_rhythm(rhythm, self._clock.now())
        return None

    async def plan_of(self, pair_id: int) -> PlanRow | None:
        return await self._repository.plan_of(pair_id)

    async def save_plan(self, pair_id: int, goals: list[str], planned_end: date | None) -> None:
        await self._repository.save_plan(pair_id, goals, planned_end, self._clock.now())


def _score(value: object) -> int | None:
    """A usefulness answer as stored by the forms runner: a number, a digit, or a choice."""
    if isinstance(value, dict):
        value = value.get("choice", value.get("value"))
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 1 <= value <= 5 else None
    if isinstance(value, str) and value.strip().isdigit():
        number = int(value.strip())
        return number if 1 <= number <= 5 else None
    return None


def default_rhythm(pair_id: int, local_start: datetime) -> RhythmRow:
    """The planning meeting's weekday and time, every two weeks from its date."""
    return RhythmRow(
        pair_id=pair_id,
        weekday=local_start.weekday(),
        local_time=time(local_start.hour, local_start.minute),
        interval_weeks=2,
        anchor_on=local_start.date(),
        curator_consent=False,
    )
