"""Stage 5: matching the whole cohort, approving pairs and groups (admitting mentors, stage 4,
is :mod:`bot.admission`).

The engine in :mod:`bot.matching` decides; this service feeds it from the database, keeps the
proposals, and re-checks everything at the moment the curator acts on a proposal.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.matching.constraints import Violation, violations
from bot.matching.profiles import Candidate, candidate_from_answers
from bot.matching.records import explanation_of, unmatched_records
from bot.matching.scoring import Preferences, Weights
from bot.models.matching import ProposalRow
from bot.models.pairs import ActivePair, NewPair, Pair
from bot.models.participants import Participant
from bot.organizations import OrganizationService
from bot.paging import clamp_page
from bot.participants import ParticipantService, Status
from bot.versioned import VersionedCache
from dialogs.forms import FormPace, chosen_forms
from storage.repositories.answers import OrganizationAnswers
from storage.repositories.matching import MatchingRepository


class Problem(StrEnum):
    NOT_FOUND = "not_found"  # not in this organization, or gone (withdrawn)
    DECIDED = "decided"  # already approved, rejected or skipped
    MENTEE_BUSY = "mentee_busy"
    MENTOR_FULL = "mentor_full"
    NOT_READY = "not_ready"  # consent or questionnaire missing now
    NOT_ADMITTED = "not_admitted"
    VIOLATIONS = "violations"  # direct assignment that breaks a constraint, not forced
    # A minor whose legal representative the curator has not checked yet (migration 0026).
    NOT_CHECKED = "not_checked"


@dataclass(frozen=True)
class RunSummary:
    run_id: int
    proposals: int
    unmatched: list[dict[str, Any]]


@dataclass(frozen=True)
class Outcome:
    pair: Pair | None = None
    problem: Problem | None = None
    violations: tuple[Violation, ...] = ()


@dataclass(frozen=True)
class PairPeople:
    """What the introductions and lists need about both sides of a pair: only a pair whose
    two people are both still taking part has one (every active pair does)."""

    pair: Pair
    mentor: Participant
    mentee: Participant
    mentor_answers: dict[str, Any] = field(default_factory=dict)
    mentee_answers: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class WaitingPage:
    """A page of the mentees waiting for a pair (:meth:`PairingService.waiting_mentees`)."""

    mentee_ids: list[int]
    answers: dict[int, dict[str, Any]]
    decisions: dict[int, str]  # mentee id: the status of their proposal in the latest run
    total: int
    page: int
    pages: int


class PairingService:
    def __init__(
        self,
        repository: MatchingRepository,
        answers: OrganizationAnswers,
        participants: ParticipantService,
        organizations: OrganizationService,
        clock: Clock,
    ) -> None:
        self._repository = repository
        self._answers = answers
        self._participants = participants
        self._organizations = organizations
        self._clock = clock
        # Counted over the whole school, kept until its change counter moves.
        self._counts: VersionedCache[tuple[int, int, int]] = VersionedCache()
        self._waiting: VersionedCache[list[int]] = VersionedCache()

    # -- reading the cohort ----------------------------------------------------------------
    async def _ready(self, organization_id: int) -> list[Participant]:
        return await ready_participants(self._participants, organization_id)

    async def _ready_of(
        self, organization_id: int, participant_ids: Sequence[int]
    ) -> dict[int, Participant]:
        """Those of these people who are ready participants of the organization (what
        :meth:`_ready` would include), read one by one."""
        ready: dict[int, Participant] = {}
        for participant_id in participant_ids:
            found = await self._participants.candidate(organization_id, participant_id)
            if found is not None and found[1] is Status.READY:
                ready[participant_id] = found[0].participant
        return ready

    async def _not_ready(self, organization_id: int, participant_ids: Sequence[int]) -> Problem:
        """Why these people are not all ready: a representative waiting for the curator's
        check is told apart from a missing consent or questionnaire."""
        for participant_id in participant_ids:
            found = await self._participants.candidate(organization_id, participant_id)
            if found is not None and found[1] is Status.WAITING_CHECK:
                return Problem.NOT_CHECKED
        return Problem.NOT_READY

    async def _today(self, organization_id: int) -> datetime:
        organization = await self._organizations.get(organization_id)
        zone = ZoneInfo(organization.timezone) if organization else None
        return self._clock.now().astimezone(zone) if zone else self._clock.now()

    async def weights(self, organization_id: int) -> Weights:
        stored = await self._repository.weights(organization_id)
        return Weights.model_validate(stored) if stored else Weights()

    async def save_weights(self, organization_id: int, weights: Weights) -> None:
        await self._repository.save_weights(organization_id, weights.model_dump(mode="json"))

    async def cohort(self, organization_id: int) -> tuple[list[Candidate], list[Candidate]]:
        """Mentees ready and not in an active pair; admitted mentors with free capacity."""
        mentees, mentors, _full = await self._cohort(organization_id)
        return mentees, mentors

    async def _cohort(
        self, organization_id: int
    ) -> tuple[list[Candidate], list[Candidate], list[Candidate]]:
        """:meth:`cohort` and the admitted mentors without free places."""
        ready = await self._ready(organization_id)
        answers = await self._answers.by_participant(organization_id)
        admissions = await self._repository.admissions(organization_id)
        active = await self._repository.active_counts(organization_id)
        in_forms = await self._repository.active_form_counts(organization_id)
        today = (await self._today(organization_id)).date()
        # Speed mentoring makes no pairs: its people meet in the curator's sessions (/speed).
        speed = {
            form.code
            for form in await self._organizations.forms(organization_id)
            if form.pace is FormPace.SPEED
        }
        mentees: list[Candidate] = []
        mentors: list[Candidate] = []
        full: list[Candidate] = []
        for participant in ready:
            if participant.role == "mentee" and not active.get(participant.id):
                mentee = candidate_of(participant, answers, today, active)
                if mentee.form not in speed:
                    mentees.append(mentee)
            admission = admissions.get(participant.id)
            if (
                participant.role == "mentor"
                and admission is not None
                and admission.decision == "admitted"
            ):
                # A mentor in several forms stands in each, with that form's places.
                for candidate in mentor_candidates(participant, answers, today, active, in_forms):
                    if candidate.form in speed:
                        continue
                    (mentors if candidate.capacity > 0 else full).append(candidate)
        return mentees, mentors, full

    # -- stage 5: matching ---------------------------------------------------------------------
    async def run(
        self, organization_id: int, curator: int, preferences: Preferences | None = None
    ) -> RunSummary:
        mentees, mentors, full = await self._cohort(organization_id)
        rejected = await self._repository.rejected(organization_id)
        # The engine brings numpy and OR-Tools: loaded at the first matching run, not at start.
        from bot.matching.engine import propose

        result = propose(
            mentees,
            mentors,
            weights=await self.weights(organization_id),
            preferences=preferences or Preferences.empty(),
            rejected=rejected,
        )
        unmatched = unmatched_records(result.unmatched, full, rejected)
        run_id = await self._repository.save_run(
            organization_id,
            curator,
            self._clock.now(),
            [
                (
                    p.mentee.participant_id,
                    p.mentor.participant_id,
                    p.score.total,
                    explanation_of(p.score, p.mentee),
                )
                for p in result.proposals
            ],
            unmatched,
        )
        return RunSummary(run_id, len(result.proposals), unmatched)

    async def cohort_counts(self, organization_id: int) -> tuple[int, int, int]:
        """The sizes of :meth:`cohort`, counted in the database: (mentees, mentors, the
        mentors' free places)."""
        return await self._counts.get(
            organization_id,
            await self._participants.version(organization_id),
            lambda: self._repository.cohort_counts(organization_id),
        )

    async def latest_run(self, organization_id: int) -> RunSummary | None:
        latest = await self._repository.latest_run(organization_id)
        if latest is None:
            return None
        run_id, unmatched, proposals = latest
        return RunSummary(run_id, proposals, unmatched)

    async def open_page(
        self, run_id: int, limit: int, ranks: tuple[int, int] | None = None
    ) -> tuple[list[ProposalRow], int]:
        """The first ``limit`` open proposals of the run by rank (within ``ranks`` when
        given), and how many are open in all: what a batch shows, without the rest."""
        shown = await self._repository.proposals_page(run_id, "open", limit, ranks)
        return shown, await self._repository.proposal_count(run_id, "open")

    async def waiting_mentees(
        self, organization_id: int, run_id: int | None, page: int, size: int
    ) -> WaitingPage:
        """One page of the ready mentees in no pair and without an open proposal of the run
        (by id), with their answers and the run's decision on each, and how many there are."""
        listed = await self._waiting.get(
            (organization_id, run_id),
            await self._participants.version(organization_id),
            lambda: self._repository.waiting_mentee_page(organization_id, run_id, 0, -1),
        )
        total = len(listed)
        page, pages = clamp_page(page, total, size)
        ids = listed[page * size : (page + 1) * size]
        decisions = await self._repository.decisions_of(run_id, ids) if run_id else {}
        return WaitingPage(
            ids, await self._answers.of_participants(ids), decisions, total, page, pages
        )

    async def answers_of(self, participant_ids: Collection[int]) -> dict[int, dict[str, Any]]:
        """These people's answers only (a proposal's two sides, a page)."""
        return await self._answers.of_participants(participant_ids)

    async def open_proposals(self, organization_id: int, run_id: int) -> list[ProposalRow]:
        return await self.run_proposals(organization_id, run_id, "open")

    async def run_proposals(
        self, organization_id: int, run_id: int, status: str | None = None
    ) -> list[ProposalRow]:
        """The run's proposals, by rank; with ``status``, only those in it."""
        return [
            p
            for p in await self._repository.proposals(run_id, status)
            if p.organization_id == organization_id
        ]

    async def proposal(self, organization_id: int, proposal_id: int) -> ProposalRow | None:
        proposal = await self._repository.proposal(proposal_id)
        if proposal is None or proposal.organization_id != organization_id:
            return None
        return proposal

    async def approve(self, organization_id: int, proposal_id: int) -> Outcome:
        proposal = await self.proposal(organization_id, proposal_id)
        if proposal is None:
            return Outcome(problem=Problem.NOT_FOUND)
        if proposal.status != "open":
            return Outcome(problem=Problem.DECIDED)
        return await self._create(
            organization_id, proposal.mentee_id, proposal.mentor_id, proposal_id, directive=False
        )

    async def reject(self, organization_id: int, proposal_id: int) -> Problem | None:
        return await self._close(organization_id, proposal_id, "rejected")

    async def skip(self, organization_id: int, proposal_id: int) -> Problem | None:
        return await self._close(organization_id, proposal_id, "skipped")

    async def _close(self, organization_id: int, proposal_id: int, status: str) -> Problem | None:
        if await self.proposal(organization_id, proposal_id) is None:
            return Problem.NOT_FOUND
        if not await self._repository.decide_proposal(proposal_id, status, self._clock.now()):
            return Problem.DECIDED
        return None

    async def check_direct(
        self, organization_id: int, mentee_id: int, mentor_id: int
    ) -> tuple[Problem | None, tuple[Violation, ...]]:
        """What a direct assignment would break (the curator is warned before forcing it)."""
        ready = await self._ready_of(organization_id, (mentee_id, mentor_id))
        mentee, mentor = ready.get(mentee_id), ready.get(mentor_id)
        if mentee is None or mentor is None or mentee.role != "mentee" or mentor.role != "mentor":
            return await self._not_ready(organization_id, (mentee_id, mentor_id)), ()
        admission = (await self._repository.admissions_of([mentor_id])).get(mentor_id)
        if admission is None or admission.decision != "admitted":
            return Problem.NOT_ADMITTED, ()
        answers = await self._answers.of_participants((mentee_id, mentor_id))
        active = await self._repository.active_counts_of((mentee_id, mentor_id))
        today = (await self._today(organization_id)).date()
        mentee_profile = candidate_of(mentee, answers, today, active)
        # The mentor as they stand in the mentee's form (a mentor in several forms), else
        # in their first form (a different form is then one of the warnings).
        in_forms = await self._repository.active_form_counts(organization_id, (mentor_id,))
        stands = mentor_candidates(mentor, answers, today, active, in_forms)
        mentor_profile = next((c for c in stands if c.form == mentee_profile.form), stands[0])
        profiles = [mentee_profile, mentor_profile]
        broken = violations(
            profiles[0], profiles[1], await self._repository.rejected(organization_id)
        )
        if profiles[1].capacity <= 0 and Violation.NO_CAPACITY not in broken:
            broken.append(Violation.NO_CAPACITY)
        return None, tuple(broken)

    async def assign_directly(
        self, organization_id: int, mentee_id: int, mentor_id: int, *, force: bool
    ) -> Outcome:
        problem, broken = await self.check_direct(organization_id, mentee_id, mentor_id)
        if problem is not None:
            return Outcome(problem=problem)
        if broken and not force:
            return Outcome(problem=Problem.VIOLATIONS, violations=broken)
        hard = {Violation.SAME_PERSON, Violation.ORGANIZATION}
        if hard & set(broken):
            return Outcome(problem=Problem.VIOLATIONS, violations=broken)
        return await self._create(
            organization_id, mentee_id, mentor_id, None, directive=True,
            allow_over_capacity=Violation.NO_CAPACITY in broken,
        )  # fmt: skip

    async def _create(
        self,
        organization_id: int,
        mentee_id: int,
        mentor_id: int,
        proposal_id: int | None,
        *,
        directive: bool,
        allow_over_capacity: bool = False,
    ) -> Outcome:
        ready = await self._ready_of(organization_id, (mentee_id, mentor_id))
        if mentee_id not in ready or mentor_id not in ready:
            return Outcome(problem=await self._not_ready(organization_id, (mentee_id, mentor_id)))
        answers = await self._answers.of_participants((mentee_id, mentor_id))
        today = (await self._today(organization_id)).date()
        # The engine's reading of the answers: total places (taken=0) and the form.
        mentee = candidate_of(ready[mentee_id], answers, today, {})
        stands = mentor_candidates(ready[mentor_id], answers, today, {}, {})
        mentor = next((c for c in stands if c.form == mentee.form), stands[0])
        capacity = 10**6 if allow_over_capacity else max(mentor.capacity, 1)
        form = mentee.form or mentor.form or ""
        pair_id, problem = await self._repository.create_pair(
            NewPair(organization_id, mentor_id, mentee_id, form, today, directive, proposal_id),
            capacity,
            self._clock.now(),
            in_form=len(stands) > 1,
        )
        if pair_id is None:
            return Outcome(problem=Problem(problem or "decided"))
        return Outcome(pair=await self._repository.pair(pair_id))

    # -- pairs ---------------------------------------------------------------------------------
    async def people(self, pair: Pair) -> PairPeople | None:
        return (await self.people_of([pair])).get(pair.id)

    async def people_of(self, pairs: Sequence[Pair]) -> dict[int, PairPeople]:
        """The pairs with their people and the people's answers, in three queries whatever the
        number of pairs, reading only these people's rows (a school has tens of thousands of
        answers; a view of a few pairs must not read them all). A pair one of whose people is
        gone (withdrew) is left out."""
        ids = {i for pair in pairs for i in pair.present}
        participants = await self._participants.many(ids)
        answers = await self._answers.of_participants(ids)
        result: dict[int, PairPeople] = {}
        for pair in pairs:
            if pair.mentor_id is None or pair.mentee_id is None:
                continue
            mentor, mentee = participants.get(pair.mentor_id), participants.get(pair.mentee_id)
            if mentor is not None and mentee is not None:
                result[pair.id] = PairPeople(
                    pair, mentor, mentee, answers.get(mentor.id, {}), answers.get(mentee.id, {})
                )
        return result

    async def side_answers(self, pairs: Sequence[Pair]) -> dict[int, dict[str, Any]]:
        """The questionnaire answers of the pairs' sides still taking part (a side who
        withdrew is empty and has none), for views of finished pairs."""
        return await self._answers.of_participants({i for pair in pairs for i in pair.present})

    async def active_pairs(self, organization_id: int) -> list[PairPeople]:
        pairs = await self.active_pair_rows(organization_id)
        return list((await self.people_of(pairs)).values())

    async def active_pair_rows(self, organization_id: int) -> list[ActivePair]:
        """The active pairs alone, for a view that pages them before reading their people."""
        return await self._repository.active_pairs(organization_id)

    async def active_pair_page(
        self, organization_id: int, page: int, size: int
    ) -> tuple[list[PairPeople], dict[int, int], int, int, int]:
        """One page of the active pairs (by mentor, then pair) with their people, the active
        pairs of the page's mentors, how many active pairs there are, the page shown and the
        page count: a count, a page and the page's people, whatever the school's size."""
        total = await self._repository.active_pair_count(organization_id)
        page, pages = clamp_page(page, total, size)
        rows = await self._repository.active_pairs_page(organization_id, page * size, size)
        people = await self.people_of(rows)
        groups = await self._repository.active_counts_of({pair.mentor_id for pair in rows})
        shown = [people[pair.id] for pair in rows if pair.id in people]
        return shown, groups, total, page, pages

    async def pair(self, organization_id: int, pair_id: int) -> Pair | None:
        pair = await self._repository.pair(pair_id)
        return pair if pair is not None and pair.organization_id == organization_id else None

    async def end_pair(self, organization_id: int, pair_id: int, reason: str) -> PairPeople | None:
        pair = await self.pair(organization_id, pair_id)
        if pair is None or pair.ended_on is not None:
            return None
        today = (await self._today(organization_id)).date()
        if not await self._repository.end_pair(pair_id, reason[:500], today):
            return None
        ended = await self._repository.pair(pair_id)
        return await self.people(ended) if ended else None

    async def participants_by_id(self, organization_id: int) -> dict[int, Participant]:
        return {
            row.participant.id: row.participant
            for row, _ in await self._participants.candidates(organization_id)
        }

    async def answers(self, organization_id: int) -> dict[int, dict[str, Any]]:
        return await self._answers.by_participant(organization_id)


async def ready_participants(
    participants: ParticipantService, organization_id: int
) -> list[Participant]:
    """Participants with consent and a confirmed questionnaire: the only ones admitted or
    matched (admission reads the mentors among them, matching both roles)."""
    return [
        row.participant
        for row, status in await participants.candidates(organization_id)
        if status is Status.READY
    ]


def candidate_of(
    participant: Participant,
    answers: dict[int, dict[str, Any]],
    today: date,
    active: dict[int, int],
    form: str | None = None,
    taken: int | None = None,
) -> Candidate:
    """The engine's view of a participant; a minor mentor's age comes from the join record.
    ``form``/``taken``: a mentor as they stand in one of their forms (:func:`mentor_candidates`)."""
    return candidate_from_answers(
        participant_id=participant.id,
        telegram_id=participant.telegram_id,
        organization_id=participant.organization_id,
        role="mentor" if participant.role == "mentor" else "mentee",
        answers=answers.get(participant.id, {}),
        today=today,
        taken=active.get(participant.id, 0) if taken is None else taken,
        birth_date=participant.birth_date,
        form=form,
    )


def mentor_candidates(
    participant: Participant,
    answers: dict[int, dict[str, Any]],
    today: date,
    active: dict[int, int],
    in_forms: dict[tuple[int, str], int],
) -> list[Candidate]:
    """A mentor as matching sees them: one candidate per form they chose (issue 14), each
    with that form's places less the active pairs of that form (``in_forms``: by mentor id
    and form). A mentor with one form (or an older single answer) is one candidate whose
    places every active pair fills, as before."""
    codes = chosen_forms(answers.get(participant.id, {}).get("form"))
    if len(codes) < 2:
        return [candidate_of(participant, answers, today, active)]
    return [
        candidate_of(
            participant, answers, today, active, form=code,
            taken=in_forms.get((participant.id, code), 0),
        )
        for code in codes
    ]  # fmt: skip
