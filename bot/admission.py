"""Stage 4: the curator admits (or declines) the mentors ready for matching and marks who
has been trained. Matching (:mod:`bot.pairing`) takes admitted mentors only."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.clock import Clock
from bot.models.matching import Admission
from bot.models.participants import Participant
from bot.pairing import Problem, ready_participants
from bot.participants import ParticipantService, Status
from storage.repositories.answers import OrganizationAnswers
from storage.repositories.matching import MatchingRepository


@dataclass(frozen=True)
class MentorCard:
    participant: Participant
    answers: dict[str, Any]
    admission: Admission | None
    active: int  # active pairs now


@dataclass(frozen=True)
class MentorPage:
    """A page of the admission list and the counts of the whole list."""

    cards: list[MentorCard]
    total: int  # mentors with a completed questionnaire
    waiting: int  # of them, waiting for the curator's decision
    page: int
    pages: int


class AdmissionService:
    def __init__(
        self,
        repository: MatchingRepository,
        answers: OrganizationAnswers,
        participants: ParticipantService,
        clock: Clock,
    ) -> None:
        self._repository = repository
        self._answers = answers
        self._participants = participants
        self._clock = clock

    async def mentor_cards(self, organization_id: int) -> list[MentorCard]:
        """Every mentor ready for admission (a whole school's: for a list, read a page with
        :meth:`mentor_page`)."""
        ready = [
            p
            for p in await ready_participants(self._participants, organization_id)
            if p.role == "mentor"
        ]
        answers = await self._answers.by_participant(organization_id)
        admissions = await self._repository.admissions(organization_id)
        active = await self._repository.active_counts(organization_id)
        return [
            MentorCard(p, answers.get(p.id, {}), admissions.get(p.id), active.get(p.id, 0))
            for p in ready
        ]

    async def mentor_page(self, organization_id: int, page: int, size: int) -> MentorPage:
        """One page of the mentors ready for admission, those waiting for a decision first,
        with the counts of all of them: only the page's mentors are read in full."""
        mentors, total, waiting, page, pages = await self._participants.ready_mentor_page(
            organization_id, page, size
        )
        return MentorPage(await self._cards(mentors), total, waiting, page, pages)

    async def mentor_card(self, organization_id: int, participant_id: int) -> MentorCard | None:
        """A mentor of the organization ready for admission; None for anyone else."""
        found = await self._participants.candidate(organization_id, participant_id)
        if found is None:
            return None
        row, status = found
        if row.participant.role != "mentor" or status is not Status.READY:
            return None
        return (await self._cards([row.participant]))[0]

    async def _cards(self, mentors: list[Participant]) -> list[MentorCard]:
        ids = [p.id for p in mentors]
        answers = await self._answers.of_participants(ids)
        admissions, active = await self._repository.admission_facts_of(ids)
        return [
            MentorCard(p, answers.get(p.id, {}), admissions.get(p.id), active.get(p.id, 0))
            for p in mentors
        ]

    async def admit(
        self, organization_id: int, participant_id: int, curator: int
    ) -> Problem | None:
        return await self._decide(organization_id, participant_id, "admitted", None, curator)

    async def decline(
        self, organization_id: int, participant_id: int, curator: int, reason: str | None
    ) -> Problem | None:
        return await self._decide(organization_id, participant_id, "declined", reason, curator)

    async def _decide(
        self,
        organization_id: int,
        participant_id: int,
        decision: str,
        reason: str | None,
        curator: int,
    ) -> Problem | None:
        if await self.mentor_card(organization_id, participant_id) is None:
            return Problem.NOT_FOUND
        if not await self._repository.decide_admission(
            participant_id, decision, reason, curator, self._clock.now()
        ):
            return Problem.DECIDED
        return None

    async def set_decline_reason(
        self, organization_id: int, participant_id: int, reason: str
    ) -> bool:
        card = await self.mentor_card(organization_id, participant_id)
        if card is None or card.admission is None or card.admission.decision != "declined":
            return False
        await self._repository.set_reason(participant_id, reason[:500])
        return True

    async def mark_trained(self, organization_id: int, participant_id: int) -> Problem | None:
        if await self.mentor_card(organization_id, participant_id) is None:
            return Problem.NOT_FOUND
        if not await self._repository.mark_trained(participant_id):
            return Problem.DECIDED
        return None
