"""Stage 7: completing a cycle, and the next one.

A cycle is open until the curator starts the next one. Closing it (by the curator, or by itself
when its planned end arrives in the organization's time zone) asks every active pair for its
final meeting; a pair whose final meeting is held is completed. Whether a pair completed the
program is decided in one place, :func:`completes_program`: its final meeting held, or — when
the curator finishes the cycle — a meeting of its form's minimum kind (default: the planning
meeting) or a later one held. When the next cycle opens, the closing cycle's indicators are
stored as they are, so its reports stay the same afterwards. Completed pairs get the final
poll and the monitoring "after"; the mentor is asked for the pair's results. Everything is
decided by re-reading the database, so the scheduler's tick survives restarts, and every
message is recorded as sent before it goes out, so nobody gets it twice.

The monitoring "after" of a cycle goes to those who answered its "before"; so the people
carried into the next cycle (continuing mentors, participants still waiting for a pair) are
asked the "before" again, about the new cycle, when it opens.

This module holds the cycle and the curator's acts on it; the scheduler's tick (closing by
itself, final meetings, polls, the mentor base) is :mod:`bot.cycle_closing`, the pairs' results,
good practice and the ranking are :mod:`bot.pair_results`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.invitations import InvitationService
from bot.models.cycles import BaseEntry, Cycle, CycleCounts
from bot.models.invitations import Invitation, InvitationRole
from bot.models.organizations import OrganizationForm
from bot.models.participants import Participant
from bot.organizations import OrganizationService
from bot.participants import ParticipantService
from bot.schedule import MeetingKind
from bot.versioned import VersionedCache
from dialogs.forms import FormPace
from storage.repositories.cycles import CycleRepository

__all__ = [
    "FINAL_WINDOW",
    "BaseEntry",
    "Cycle",
    "CycleCounts",
    "CycleProblem",
    "CycleService",
    "CycleSummary",
    "FinishReport",
    "NewCycle",
    "completes_program",
]

# Within this many days of the planned end a pair's next meeting is its final one.
FINAL_WINDOW = timedelta(days=14)
# A former mentee's personal link to join as a mentor.
INVITATION_VALIDITY = timedelta(days=30)
FINISHED_UNCOMPLETED = "cycle finished before the form's minimum meetings were held"
# The documents' order of a pair's meetings (a later kind is further along the program).
MEETING_ORDER: tuple[MeetingKind, ...] = (
    MeetingKind.ACQUAINTANCE,
    MeetingKind.TRIAL,
    MeetingKind.PLANNING,
    MeetingKind.REGULAR,
    MeetingKind.FINAL,
)
# A form without a setting of its own: the planning meeting must have been held.
DEFAULT_COMPLETION_MINIMUM = MeetingKind.PLANNING
# The indicators of a cycle as JSON, counted when it closes (organization id, cycle id).
ClosingFigures = Callable[[int, int], Awaitable[str]]


def completes_program(held: Collection[str], minimum: str = DEFAULT_COMPLETION_MINIMUM) -> bool:
    """The one rule of "completed the program" (завершил программу), given the kinds of the
    meetings a pair has held: a meeting of the form's ``minimum`` kind or of a later kind in
    the documents' order. The final meeting is the last kind, so a pair that held it has always
    completed the program; with the default minimum a pair that only got acquainted, or met
    once, has not."""
    needed = MEETING_ORDER.index(MeetingKind(minimum))
    return any(MEETING_ORDER.index(MeetingKind(kind)) >= needed for kind in held)


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
        closing_figures: ClosingFigures | None = None,
    ) -> None:
        self._repository = repository
        self._organizations = organizations
        self._participants = participants
        self._invitations = invitations
        self._clock = clock
        # Counts a cycle's indicators to keep when it closes (the reports' service).
        self._closing_figures = closing_figures
        # A cycle's people and pairs counted over the school: kept until the school's change
        # counter moves (participants and pairs, migrations 0019 and 0020).
        self._counts: VersionedCache[CycleCounts] = VersionedCache()

    # -- reading ----------------------------------------------------------------------------------
    async def timezone(self, organization_id: int) -> str:
        organization = await self._organizations.get(organization_id)
        return organization.timezone if organization else "Europe/Moscow"

    def local_today(self, timezone: str) -> date:
        return self._clock.now().astimezone(ZoneInfo(timezone)).date()

    async def today(self, organization_id: int) -> date:
        return self.local_today(await self.timezone(organization_id))

    async def current(self, organization_id: int) -> Cycle:
        """The open cycle (created if none)."""
        cycle = await self._repository.open_cycle(organization_id)
        if cycle is not None:
            return cycle
        return await self._repository.ensure_open(
            organization_id, await self.today(organization_id)
        )

    async def of_organization(self, organization_id: int) -> list[Cycle]:
        """The organization's cycles, the latest first; none are made by reading."""
        return await self._repository.of_organizations([organization_id])

    async def of_organizations(self, organization_ids: Sequence[int]) -> list[Cycle]:
        return await self._repository.of_organizations(organization_ids)

    async def in_organization(self, organization_id: int, cycle_id: int) -> Cycle | None:
        """The cycle if it is this organization's: a report of another one's cycle shows
        nothing (a forged or stale button)."""
        cycle = await self._repository.get(cycle_id)
        return cycle if cycle is not None and cycle.organization_id == organization_id else None

    async def summary(self, organization_id: int) -> CycleSummary:
        cycle = await self.current(organization_id)
        timezone = await self.timezone(organization_id)
        # The meetings and polls counted move the activity counter.
        lists, activity = await self._participants.versions(organization_id)
        counts = await self._counts.get(
            (organization_id, cycle.id, activity), lists, lambda: self._repository.counts(cycle.id)
        )
        return CycleSummary(cycle, counts, timezone, self.local_today(timezone))

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

    async def completion_minimum(self, organization_id: int, form: str) -> MeetingKind:
        """The kind of meeting a pair of the form must have held (or a later one) to complete
        the program when the curator finishes the cycle. A short-term form's pairs complete
        by their final meeting only (:data:`bot.schedule.SHORT_ORDER`: their first meeting is
        the planning one, so any lower minimum would count a pair that met once)."""
        for known in await self._organizations.forms(organization_id):
            if known.code == form and known.pace is FormPace.SHORT:
                return MeetingKind.FINAL
        kind = await self._repository.completion_minimum(organization_id, form)
        return MeetingKind(kind) if kind is not None else DEFAULT_COMPLETION_MINIMUM

    async def set_completion_minimum(
        self, organization_id: int, form: str, kind: MeetingKind
    ) -> None:
        await self._repository.set_completion_minimum(organization_id, form, kind.value)

    async def completion_minimums(
        self, organization_id: int
    ) -> list[tuple[OrganizationForm, MeetingKind]]:
        """Each form the organization runs now, with its minimum (what the curator's meeting
        settings show)."""
        own = await self._repository.completion_minimums_of(organization_id)
        return [
            (form, MeetingKind(own[form.code]) if form.code in own else DEFAULT_COMPLETION_MINIMUM)
            for form in await self._organizations.enabled_forms(organization_id)
        ]

    async def change_completion_minimum(
        self, organization_id: int, form: str, kind: str
    ) -> MeetingKind | None:
        """The curator's choice of a form's minimum: ``kind`` is a meeting kind's value. None,
        and nothing changed, when the form is not one the organization runs now or the kind is
        no meeting kind (a stale or forged press)."""
        try:
            chosen = MeetingKind(kind)
        except ValueError:
            return None
        forms = await self._organizations.enabled_forms(organization_id)
        if form not in {enabled.code for enabled in forms}:
            return None
        await self.set_completion_minimum(organization_id, form, chosen)
        return chosen

    async def finish_now(self, organization_id: int) -> FinishReport | CycleProblem:
        """End the pairs still active in a closing cycle: a pair that held a meeting of its
        form's minimum kind or a later one completed the program (:func:`completes_program`);
        one that did not — that only met once, or never — ended without completing it."""
        cycle = await self.current(organization_id)
        if not cycle.closing:
            return CycleProblem.NOT_CLOSING
        today = await self.today(organization_id)
        completed = not_completed = 0
        minimums: dict[str, MeetingKind] = {}
        for pair in await self._repository.active_pairs(cycle.id):
            if pair.form not in minimums:
                minimums[pair.form] = await self.completion_minimum(organization_id, pair.form)
            done = completes_program(
                await self._repository.held_kinds(pair.id), minimums[pair.form]
            )
            if await self._repository.finish_pair(
                pair.id,
                today,
                completed=done,
                reason=None if done else FINISHED_UNCOMPLETED,
            ):
                if done:
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
        # The closing cycle's figures as they are now, before its carried people move on.
        figures = (
            await self._closing_figures(organization_id, old.id)
            if self._closing_figures is not None
            else None
        )
        new = await self._repository.open_new(
            old.id, organization_id, today, self._clock.now(), carried, figures=figures
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
