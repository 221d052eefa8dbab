"""Stage 7: completing a cycle, and the next one.

A cycle is open until the curator starts the next one. Closing it (by the curator, or by itself
when its planned end arrives in the organization's time zone) asks every active pair for its
final meeting; a pair whose final meeting is held is completed. Completed pairs get the final
poll and the monitoring "after"; the mentor is asked for the pair's results. Everything is
decided by re-reading the database, so the scheduler's tick survives restarts, and every
message is recorded as sent before it goes out, so nobody gets it twice.

The monitoring "after" of a cycle goes to those who answered its "before"; so the people
carried into the next cycle (continuing mentors, participants still waiting for a pair) are
asked the "before" again, about the new cycle, when it opens.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.invitations import InvitationService
from bot.models.cycles import BaseEntry, Cycle, CycleCounts, MentorFigures
from bot.models.invitations import Invitation, InvitationRole
from bot.models.pairs import Pair
from bot.models.participants import Participant
from bot.organizations import OrganizationService
from bot.participants import ParticipantService
from storage.repositories.cycles import CycleRepository

__all__ = [
    "FINAL_WINDOW",
    "BaseEntry",
    "Cycle",
    "CycleCounts",
    "CycleProblem",
    "CycleService",
    "CycleSummary",
    "FinalMeetingDue",
    "FinishReport",
    "MentorFigures",
    "NewCycle",
    "PollDue",
    "ResultsDue",
]

# Within this many days of the planned end a pair's next meeting is its final one.
FINAL_WINDOW = timedelta(days=14)
RESULTS_LIMIT = 1000
RESULTS_SHORTEST = 3
# A former mentee's personal link to join as a mentor.
INVITATION_VALIDITY = timedelta(days=30)
FINAL_FORMS = {"mentor": "final_mentor", "mentee": "final_mentee"}
FINISHED_UNCOMPLETED = "cycle finished without meetings"
# What cycle_deliveries records for the monitoring "before" asked of a carried person.
MONITORING_BEFORE = "before"


class CycleProblem(StrEnum):
    NOT_FOUND = "not_found"  # no such pair in this organization, or not this person's
    ALREADY_CLOSING = "already_closing"
    NOT_CLOSING = "not_closing"  # the cycle must be closing first
    PAIRS_ACTIVE = "pairs_active"  # the next cycle waits until every pair has finished
    DATE_IN_PAST = "date_in_past"
    NOT_COMPLETED = "not_completed"  # results are written for a completed pair
    BAD_TEXT = "bad_text"
    DECIDED = "decided"  # somebody else did it meanwhile


@dataclass(frozen=True)
class CycleSummary:
    cycle: Cycle
    counts: CycleCounts
    timezone: str
    today: date


@dataclass(frozen=True)
class FinishReport:
    completed: int
    not_completed: int


@dataclass(frozen=True)
class NewCycle:
    cycle: Cycle
    previous: Cycle
    continuing_mentors: int
    waiting: int  # participants of the old cycle who had no pair yet, carried over
    invitations: list[tuple[Participant, Invitation]]  # former mentees invited as mentors
    # Carried people to ask the monitoring "before" of the new cycle (``before:<new id>``).
    monitoring: list[Participant]


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


def cycle_subject(cycle_id: int) -> str:
    return f"cycle:{cycle_id}"


class CycleService:
    def __init__(
        self,
        repository: CycleRepository,
        organizations: OrganizationService,
        participants: ParticipantService,
        invitations: InvitationService,
        clock: Clock,
    ) -> None:
        self._repository = repository
        self._organizations = organizations
        self._participants = participants
        self._invitations = invitations
        self._clock = clock

    # -- reading ----------------------------------------------------------------------------------
    async def _timezone(self, organization_id: int) -> str:
        organization = await self._organizations.get(organization_id)
        return organization.timezone if organization else "Europe/Moscow"

    def _local_today(self, timezone: str) -> date:
        return self._clock.now().astimezone(ZoneInfo(timezone)).date()

    async def today(self, organization_id: int) -> date:
        return self._local_today(await self._timezone(organization_id))

    async def current(self, organization_id: int) -> Cycle:
        """The open cycle (created if none)."""
        cycle = await self._repository.open_cycle(organization_id)
        if cycle is not None:
            return cycle
        return await self._repository.ensure_open(
            organization_id, await self.today(organization_id)
        )

    async def summary(self, organization_id: int) -> CycleSummary:
        cycle = await self.current(organization_id)
        timezone = await self._timezone(organization_id)
        return CycleSummary(
            cycle, await self._repository.counts(cycle.id), timezone, self._local_today(timezone)
        )

    async def final_due(self, pair_id: int) -> bool:
        """The pair should hold its final meeting now: its cycle is closing or ends soon, and
        the pair has not held its final meeting yet."""
        pair = await self._repository.pair(pair_id)
        if pair is None or pair.ended_on is not None or pair.cycle_id is None:
            return False
        cycle = await self._repository.get(pair.cycle_id)
        if cycle is None or cycle.closed_at is not None:
            return False
        if not cycle.closing:
            if cycle.planned_end is None:
                return False
            today = await self.today(pair.organization_id)
            if cycle.planned_end - today > FINAL_WINDOW:
                return False
        return not await self._repository.final_held(pair_id)

    # -- the curator's acts -----------------------------------------------------------------------
    async def set_planned_end(self, organization_id: int, day: date) -> Cycle | CycleProblem:
        cycle = await self.current(organization_id)
        if cycle.closing:
            return CycleProblem.ALREADY_CLOSING
        if day < await self.today(organization_id) or day < cycle.started_on:
            return CycleProblem.DATE_IN_PAST
        if not await self._repository.set_planned_end(cycle.id, day):
            return CycleProblem.DECIDED
        return await self.current(organization_id)

    async def start_closing(self, organization_id: int) -> Cycle | CycleProblem:
        cycle = await self.current(organization_id)
        if cycle.closing_since is not None:
            return CycleProblem.ALREADY_CLOSING
        if not await self._repository.start_closing(cycle.id, self._clock.now()):
            return CycleProblem.ALREADY_CLOSING
        return await self.current(organization_id)

    async def finish_now(self, organization_id: int) -> FinishReport | CycleProblem:
        """End the pairs still active in a closing cycle: a pair that held at least one
        meeting is completed (it worked in the cycle), one that never met is not."""
        cycle = await self.current(organization_id)
        if not cycle.closing:
            return CycleProblem.NOT_CLOSING
        today = await self.today(organization_id)
        completed = not_completed = 0
        for pair in await self._repository.active_pairs(cycle.id):
            held = await self._repository.held_count(pair.id)
            if await self._repository.finish_pair(
                pair.id,
                today,
                completed=held > 0,
                reason=None if held else FINISHED_UNCOMPLETED,
            ):
                if held:
                    completed += 1
                else:
                    not_completed += 1
        return FinishReport(completed, not_completed)

    async def start_new(self, organization_id: int, curator_id: int) -> NewCycle | CycleProblem:
        """The next cycle, once every pair of this one has finished; the mentor base moves on."""
        old = await self.current(organization_id)
        if not old.closing:
            return CycleProblem.NOT_CLOSING
        if await self._repository.active_pairs(old.id):
            return CycleProblem.PAIRS_ACTIVE
        base = await self._repository.base(organization_id)
        continuing = [
            entry.participant_id
            for entry in base
            if entry.source == "continuing_mentor" and entry.role == "mentor"
        ]
        waiting = await self._repository.waiting_participants(old.id)
        carried = sorted(set(continuing) | set(waiting))
        today = await self.today(organization_id)
        new = await self._repository.open_new(
            old.id, organization_id, today, self._clock.now(), carried
        )
        if new is None:
            return CycleProblem.DECIDED
        invitations = await self._invite_former_mentees(organization_id, new, base, curator_id)
        monitoring = await self._monitoring_before(new, carried)
        return NewCycle(
            new,
            old,
            len(set(continuing)),
            len(set(waiting) - set(continuing)),
            invitations,
            monitoring,
        )

    async def _monitoring_before(self, cycle: Cycle, carried: list[int]) -> list[Participant]:
        """The carried people who are to answer the monitoring "before" of the new cycle, each
        claimed once: without it nobody carried over would get the "after" of this cycle.
        Someone whose questionnaire is not confirmed yet gets it on confirming, as everyone."""
        due: list[Participant] = []
        people = await self._participants.many(carried)
        for participant_id in dict.fromkeys(carried):  # in the order carried, once each
            participant = people.get(participant_id)
            if (
                participant is None
                or participant.confirmed_at is None
                or participant.cycle_id != cycle.id
            ):
                continue
            if await self._repository.claim(
                cycle.id, participant.id, MONITORING_BEFORE, self._clock.now()
            ):
                due.append(participant)
        return due

    async def _invite_former_mentees(
        self, organization_id: int, cycle: Cycle, base: list[BaseEntry], curator_id: int
    ) -> list[tuple[Participant, Invitation]]:
        """A personal single-use mentor link for each former mentee who wants to mentor and is
        not a mentor here yet: joining as a mentor means the mentor questionnaire and consent."""
        result: list[tuple[Participant, Invitation]] = []
        for entry in base:
            if entry.source != "former_mentee" or entry.role != "mentee":
                continue
            if await self._participants.find(organization_id, entry.telegram_id, "mentor"):
                continue
            if not await self._repository.claim(
                cycle.id, entry.participant_id, "invite", self._clock.now()
            ):
                continue
            participant = await self._participants.get(entry.participant_id)
            if participant is None:
                continue
            invitation = await self._invitations.create(
                organization_id,
                InvitationRole.MENTOR,
                curator_id,
                max_uses=1,
                valid_for=INVITATION_VALIDITY,
            )
            result.append((participant, invitation))
        return result

    # -- the scheduler's tick ---------------------------------------------------------------------
    async def auto_close(self) -> list[Cycle]:
        """Cycles whose planned end has come (organization's local date): closing starts."""
        started: list[Cycle] = []
        for cycle, timezone in await self._repository.open_with_planned_end():
            assert cycle.planned_end is not None
            if cycle.planned_end > self._local_today(timezone):
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
        """Pairs whose final meeting was held are completed, on that meeting's local date."""
        completed: list[Pair] = []
        for pair, final_at in await self._repository.final_held_active_pairs():
            timezone = await self._timezone(pair.organization_id)
            ended_on = min(
                final_at.astimezone(ZoneInfo(timezone)).date(), self._local_today(timezone)
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

    # -- pairs' results and good practice ---------------------------------------------------------
    async def pair(self, organization_id: int, pair_id: int) -> Pair | None:
        pair = await self._repository.pair(pair_id)
        return pair if pair is not None and pair.organization_id == organization_id else None

    async def finished_pairs(self, organization_id: int) -> list[Pair]:
        """Pairs of the current cycle that have finished, completed ones first."""
        cycle = await self.current(organization_id)
        pairs = [
            p for p in await self._repository.pairs_of_cycle(cycle.id) if p.ended_on is not None
        ]
        return sorted(pairs, key=lambda p: (not p.completed, p.id))

    @staticmethod
    def clean_results(text: str | None) -> str | None:
        if text is None:
            return None
        cleaned = "\n".join(" ".join(line.split()) for line in text.strip().splitlines()).strip()
        if not RESULTS_SHORTEST <= len(cleaned) <= RESULTS_LIMIT:
            return None
        return cleaned

    async def set_results(
        self, organization_id: int, pair_id: int, text: str | None
    ) -> Pair | CycleProblem:
        """The curator writes or corrects a pair's results."""
        pair = await self.pair(organization_id, pair_id)
        if pair is None:
            return CycleProblem.NOT_FOUND
        return await self._write_results(pair, text)

    async def mentor_pair(self, pair_id: int, telegram_id: int) -> Pair | None:
        pair = await self._repository.pair(pair_id)
        if pair is None:
            return None
        mentor = await self._participants.get(pair.mentor_id)
        return pair if mentor is not None and mentor.telegram_id == telegram_id else None

    async def set_results_by_mentor(
        self, pair_id: int, telegram_id: int, text: str | None
    ) -> Pair | CycleProblem:
        pair = await self.mentor_pair(pair_id, telegram_id)
        if pair is None:
            return CycleProblem.NOT_FOUND
        if not pair.completed:
            return CycleProblem.NOT_COMPLETED
        return await self._write_results(pair, text)

    async def _write_results(self, pair: Pair, text: str | None) -> Pair | CycleProblem:
        cleaned = self.clean_results(text)
        if cleaned is None:
            return CycleProblem.BAD_TEXT
        await self._repository.set_results(pair.id, cleaned)
        updated = await self._repository.pair(pair.id)
        return updated if updated is not None else CycleProblem.NOT_FOUND

    async def toggle_good_practice(self, organization_id: int, pair_id: int) -> Pair | None:
        pair = await self.pair(organization_id, pair_id)
        if pair is None:
            return None
        await self._repository.set_good_practice(pair.id, not pair.good_practice)
        return await self._repository.pair(pair.id)

    # -- ranking ----------------------------------------------------------------------------------
    async def ranking(self, organization_id: int) -> list[MentorFigures]:
        """Mentors of the current cycle, best first: by their mentees' average usefulness of
        meetings, then mentees' final satisfaction, meetings held, and completed pairs."""
        cycle = await self.current(organization_id)
        figures = await self._repository.mentor_figures(cycle.id, cycle_subject(cycle.id))

        def key(item: MentorFigures) -> tuple[float, float, int, float, int]:
            return (
                -(item.usefulness if item.usefulness is not None else -1.0),
                -(item.satisfaction if item.satisfaction is not None else -1.0),
                -item.meetings_held,
                -(item.completed / item.pairs if item.pairs else 0.0),
                item.mentor_id,
            )

        return sorted(figures, key=key)
