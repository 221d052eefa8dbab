"""Stage 7, the scheduler's tick: a cycle whose planned end has come starts closing by itself,
active pairs of closing cycles are asked for their final meeting, pairs whose final meeting was
held are completed, and completed pairs get the final poll, the monitoring "after" and the
results request. Completed final polls put people in the long-term mentor base.

Every step re-reads the database and claims what it sends (``cycle_deliveries``), so a restart
loses nothing and nobody gets a message twice. The curator's acts are in :mod:`bot.cycles`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.cycles import CycleService, cycle_subject
from bot.models.cycles import BaseEntry, Cycle
from bot.models.pairs import Pair
from bot.models.participants import Participant
from bot.participants import ParticipantService
from storage.repositories.cycles import CycleRepository

FINAL_FORMS = {"mentor": "final_mentor", "mentee": "final_mentee"}


@dataclass(frozen=True)
class FinalMeetingDue:
    cycle_id: int
    pair: Pair
    mentor: Participant
    mentee: Participant


@dataclass(frozen=True)
class PollDue:
    """Forms to open for one person of a completed pair (``cycle:<id>``, ``after:<id>``)."""

    cycle_id: int
    participant: Participant
    form: str
    subject: str


@dataclass(frozen=True)
class ResultsDue:
    pair: Pair
    mentor: Participant
    mentee: Participant


class CycleClosing:
    def __init__(
        self,
        repository: CycleRepository,
        cycles: CycleService,
        participants: ParticipantService,
        clock: Clock,
    ) -> None:
        self._repository = repository
        # The organization's time zone and local today, as the cycle's own acts read them.
        self._cycles = cycles
        self._participants = participants
        self._clock = clock

    async def auto_close(self) -> list[Cycle]:
        """Cycles whose planned end has come (organization's local date): closing starts."""
        started: list[Cycle] = []
        for cycle, timezone in await self._repository.open_with_planned_end():
            assert cycle.planned_end is not None
            if cycle.planned_end > self._cycles.local_today(timezone):
                continue
            if await self._repository.start_closing(cycle.id, self._clock.now()):
                closing = await self._repository.get(cycle.id)
                if closing is not None:
                    started.append(closing)
        return started

    async def final_meeting_requests(self) -> list[FinalMeetingDue]:
        """Active pairs of closing cycles to be asked (once) for their final meeting."""
        due: list[FinalMeetingDue] = []
        now = self._clock.now()
        for pair, cycle_id in await self._repository.unasked_for_final():
            mentor = await self._participants.get(pair.mentor_id)
            mentee = await self._participants.get(pair.mentee_id)
            if mentor is None or mentee is None:
                continue
            if await self._repository.claim(cycle_id, mentor.id, f"final_meeting:{pair.id}", now):
                due.append(FinalMeetingDue(cycle_id, pair, mentor, mentee))
        return due

    async def complete_held(self) -> list[Pair]:
        """Pairs whose final meeting was held are completed, on that meeting's local date
        (:func:`bot.cycles.completes_program`: the final meeting is the last kind)."""
        completed: list[Pair] = []
        for pair, final_at in await self._repository.final_held_active_pairs():
            timezone = await self._cycles.timezone(pair.organization_id)
            ended_on = min(
                final_at.astimezone(ZoneInfo(timezone)).date(), self._cycles.local_today(timezone)
            )
            if await self._repository.finish_pair(pair.id, ended_on, completed=True, reason=None):
                done = await self._repository.pair(pair.id)
                if done is not None:
                    completed.append(done)
        return completed

    async def due_after_completion(self) -> tuple[list[PollDue], list[ResultsDue]]:
        """Final polls, monitoring "after" and results requests not sent yet (claimed now)."""
        polls: list[PollDue] = []
        results: list[ResultsDue] = []
        now = self._clock.now()
        for pair in await self._repository.completed_unfinished():
            assert pair.cycle_id is not None
            cycle_id = pair.cycle_id
            mentor = await self._participants.get(pair.mentor_id)
            mentee = await self._participants.get(pair.mentee_id)
            for person in (mentor, mentee):
                if person is None:
                    continue
                if not await self._repository.claim(cycle_id, person.id, "poll", now):
                    continue
                before = await self._repository.completed_form(person.id, f"before:{cycle_id}")
                if before is not None and await self._repository.claim(
                    cycle_id, person.id, "after", now
                ):
                    polls.append(PollDue(cycle_id, person, before, f"after:{cycle_id}"))
                polls.append(
                    PollDue(cycle_id, person, FINAL_FORMS[person.role], cycle_subject(cycle_id))
                )
            if (
                mentor is not None
                and mentee is not None
                and await self._repository.claim(cycle_id, mentor.id, f"results:{pair.id}", now)
            ):
                results.append(ResultsDue(pair, mentor, mentee))
        return polls, results

    async def sync_mentor_base(self) -> int:
        """Completed final polls of open cycles put people in the long-term mentor base."""
        added = 0
        for cycle_id in await self._repository.open_cycle_ids():
            for answers in await self._repository.final_answers(cycle_subject(cycle_id)):
                if await self.record_final(
                    answers.participant_id, answers.form, cycle_subject(cycle_id), answers.answers
                ):
                    added += 1
        return added

    async def record_final(
        self, participant_id: int, form: str, subject: str, answers: dict[str, Any]
    ) -> bool:
        """A mentee's "yes, I'd like to mentor" or a mentor's "I will continue" joins the base."""
        if not subject.startswith("cycle:") or not subject[6:].isdigit():
            return False
        participant = await self._participants.get(participant_id)
        if participant is None:
            return False
        if form == "final_mentee" and participant.role == "mentee":
            wants, source = answers.get("become_mentor") is True, "former_mentee"
        elif form == "final_mentor" and participant.role == "mentor":
            wants, source = answers.get("continue") is True, "continuing_mentor"
        else:
            return False
        if not wants:
            return False
        return await self._repository.add_to_base(
            participant.organization_id, participant.id, source, int(subject[6:]), self._clock.now()
        )

    async def mentor_base(self, organization_id: int) -> list[BaseEntry]:
        return await self._repository.base(organization_id)
