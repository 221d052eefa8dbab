"""The pair's individual plan (issue 14): built by the mentor after the planning meeting,
approved or returned by the curator, followed up by the pair, and ending the pair's program.

- The program's length: 3 to 12 months from the pair's start for forms whose mentees are
  teachers (a personalized program, 003_*.txt), up to the cycle's planned end for the others;
  by default the cycle's planned end. Goal deadlines fall between tomorrow and the program's
  end. Limits are ``dialogs.plan.LIMITS``.
- Submitting makes a version that waits for the curator; the curator approves it or returns it
  with a comment. A change of an approved plan is a new version; the approved one stays in
  force until the change is approved. Each step is in the plan's history.
- Progress on the approved plan's goals is marked by either side; two weeks before a goal's
  deadline the pair is asked about it (claimed once per goal and deadline).
- When the approved program's end comes (the organization's local date) the pair is asked for
  its final meeting (the cycle's own claim, so once), and the meeting kind offered next is the
  final one; the cycle's tick completes the pair when it is held, whatever the cycle does.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.cycles import FINAL_WINDOW, CycleService
from bot.meeting_sides import Side
from bot.meetings import MeetingService
from bot.models.pairs import Pair
from bot.models.plans import PairPlan, PlanEvent, PlanGoal, PlanRow, PlanVersion
from bot.organizations import OrganizationService
from bot.pairing import PairingService
from dialogs.forms import FormPace, ParticipantKind, default_kinds
from dialogs.plan import LIMITS, SETTLED, PlanStatus, Progress, add_months, clean_text
from storage.repositories.plans import PlanRepository


class PlanProblem(StrEnum):
    NOT_YOURS = "not_yours"  # not the pair's mentor, the pair ended, or no planning meeting yet
    END_PAST = "end_past"
    END_TOO_SOON = "end_too_soon"  # a teacher's program shorter than three months
    END_TOO_LATE = "end_too_late"  # longer than a year, or after the cycle's end
    DEADLINE_PAST = "deadline_past"
    DEADLINE_AFTER_END = "deadline_after_end"
    TOO_LONG = "too_long"
    EMPTY = "empty"
    TOO_MANY_GOALS = "too_many_goals"
    OUTDATED = "outdated"  # a decision on a version that no longer waits, a stale progress


@dataclass(frozen=True)
class ProgramBounds:
    """Where the program's end may fall, and its default (None: the mentor types it)."""

    teacher: bool
    earliest: date
    latest: date
    default: date | None
    today: date


@dataclass(frozen=True)
class Submitted:
    version: PlanVersion
    side: Side


@dataclass(frozen=True)
class Decided:
    version: PlanVersion
    pair: Pair


@dataclass(frozen=True)
class DeadlineDue:
    pair: Pair
    version: PlanVersion
    position: int  # 1-based


@dataclass(frozen=True)
class ProgramEndDue:
    pair: Pair
    version: PlanVersion


class PlanService:
    def __init__(
        self,
        repository: PlanRepository,
        meetings: MeetingService,
        pairing: PairingService,
        organizations: OrganizationService,
        cycles: CycleService,
        clock: Clock,
    ) -> None:
        self._repository = repository
        self._meetings = meetings
        self._pairing = pairing
        self._organizations = organizations
        self._cycles = cycles
        self._clock = clock

    # -- reading --------------------------------------------------------------------------------
    async def of_pair(self, pair_id: int) -> PairPlan:
        in_force: PlanVersion | None = None
        pending: PlanVersion | None = None
        for version in await self._repository.versions(pair_id):
            if version.status == PlanStatus.APPROVED:
                in_force = version
            elif version.status in (PlanStatus.SUBMITTED, PlanStatus.RETURNED):
                pending = version
        return PairPlan(pair_id, in_force, pending)

    async def history(self, pair_id: int) -> list[PlanEvent]:
        return await self._repository.events(pair_id)

    async def row(self, pair_id: int) -> PlanRow | None:
        """The plan as :class:`PlanRow` (goal texts and the program's end): the approved
        version, else the newest waiting or returned one; None without a version."""
        plan = await self.of_pair(pair_id)
        version = plan.in_force or plan.pending
        if version is None:
            return None
        approved = None
        if plan.in_force is not None and plan.in_force.decided_at is not None:
            timezone = await self._timezone_of_pair(pair_id)
            approved = plan.in_force.decided_at.astimezone(ZoneInfo(timezone)).date()
        return PlanRow(
            pair_id,
            tuple(goal.text for goal in version.goals),
            version.program_end,
            status=version.status,
            approved_on=approved,
        )

    async def version(self, version_id: int) -> PlanVersion | None:
        return await self._repository.version(version_id)

    async def side(self, pair_id: int, telegram_id: int) -> Side | None:
        return await self._meetings.side(pair_id, telegram_id)

    # -- building -------------------------------------------------------------------------------
    async def builder(self, pair_id: int, telegram_id: int) -> Side | None:
        """The pair's mentor, once the planning meeting has been held, while the pair is active."""
        side = await self._meetings.side(pair_id, telegram_id)
        if side is None or side.me.id != side.people.mentor.id:
            return None
        if not await self._repository.planning_held(pair_id):
            return None
        return side

    async def bounds(self, pair: Pair) -> ProgramBounds:
        timezone = await self._cycles.timezone(pair.organization_id)
        today = self._cycles.local_today(timezone)
        tomorrow = date.fromordinal(today.toordinal() + 1)
        cycle_end = (await self._cycles.current(pair.organization_id)).planned_end
        teacher = await self._teacher_form(pair)
        if teacher:
            low, high = LIMITS.teacher_months
            earliest = max(add_months(pair.started_on, low), tomorrow)
            latest = add_months(pair.started_on, high)
        else:
            earliest = tomorrow
            latest = cycle_end or add_months(pair.started_on, LIMITS.other_months)
        latest = max(earliest, latest)
        default = cycle_end if cycle_end is not None and earliest <= cycle_end <= latest else None
        return ProgramBounds(teacher, earliest, latest, default, today)

    def check_end(self, bounds: ProgramBounds, end: date) -> PlanProblem | None:
        if end <= bounds.today:
            return PlanProblem.END_PAST
        if end < bounds.earliest:
            return PlanProblem.END_TOO_SOON
        if end > bounds.latest:
            return PlanProblem.END_TOO_LATE
        return None

    def check_deadline(
        self, bounds: ProgramBounds, end: date, deadline: date
    ) -> PlanProblem | None:
        if deadline <= bounds.today:
            return PlanProblem.DEADLINE_PAST
        if deadline > end:
            return PlanProblem.DEADLINE_AFTER_END
        return None

    @staticmethod
    def check_text(text: str, limit: int) -> PlanProblem | None:
        cleaned = clean_text(text)
        if len(cleaned) < 2:
            return PlanProblem.EMPTY
        if len(cleaned) > limit:
            return PlanProblem.TOO_LONG
        return None

    async def submit(
        self, pair_id: int, telegram_id: int, end: date, goals: list[PlanGoal]
    ) -> Submitted | PlanProblem:
        """The mentor submits the plan to the curator; everything is checked again (the dialogue
        may have waited for days)."""
        side = await self.builder(pair_id, telegram_id)
        if side is None:
            return PlanProblem.NOT_YOURS
        if not 1 <= len(goals) <= LIMITS.goals:
            return PlanProblem.TOO_MANY_GOALS if goals else PlanProblem.EMPTY
        bounds = await self.bounds(side.people.pair)
        current = await self.of_pair(pair_id)
        # The end of a program already in force may stay as it is, even if it is now nearer
        # than three months ahead.
        kept = current.in_force is not None and current.in_force.program_end == end
        problem = None if kept and end > bounds.today else self.check_end(bounds, end)
        if problem is not None:
            return problem
        for goal in goals:
            for text, limit in ((goal.text, LIMITS.goal_text), (goal.measure, LIMITS.measure)):
                problem = problem or self.check_text(text, limit)
            if not 1 <= len(goal.activities) <= LIMITS.activities:
                problem = problem or PlanProblem.EMPTY
            for activity in goal.activities:
                problem = problem or self.check_text(activity, LIMITS.activity)
            problem = problem or self.check_deadline(bounds, end, goal.deadline)
            if problem is not None:
                return problem
        cleaned = [
            PlanGoal(
                clean_text(goal.text),
                goal.deadline,
                clean_text(goal.measure),
                tuple(clean_text(activity) for activity in goal.activities),
            )
            for goal in goals
        ]
        version_id = await self._repository.submit(
            pair_id, end, cleaned, "mentor", self._clock.now()
        )
        version = await self._repository.version(version_id)
        assert version is not None
        return Submitted(version, side)

    # -- the curator ----------------------------------------------------------------------------
    async def waiting(self, organization_id: int, version_id: int) -> Decided | None:
        """A version waiting for this organization's curator (None: another school's, decided
        already, or the pair ended)."""
        version = await self._repository.version(version_id)
        if version is None or version.status != PlanStatus.SUBMITTED:
            return None
        pair = await self._pairing.pair(organization_id, version.pair_id)
        if pair is None or not await self._repository.worked_by(version.id):
            return None
        return Decided(version, pair)

    async def audience(self, version: PlanVersion) -> list[Pair]:
        """The pairs that work by the version's plan: a group's active members share one plan
        (migration 0029) and are told of it together; a pair outside a group alone."""
        return await self._repository.audience(version.id)

    async def decide(
        self,
        organization_id: int,
        version_id: int,
        curator_id: int,
        approve: bool,
        comment: str | None = None,
    ) -> Decided | PlanProblem:
        found = await self.waiting(organization_id, version_id)
        if found is None:
            return PlanProblem.OUTDATED
        if comment is not None:
            comment = clean_text(comment)
            if not comment:
                return PlanProblem.EMPTY
            if len(comment) > LIMITS.comment:
                return PlanProblem.TOO_LONG
        carried: dict[int, str] = {}
        in_force = (await self.of_pair(found.pair.id)).in_force
        if approve and in_force is not None:
            # Progress follows a goal whose text did not change.
            marks = dict(zip((g.text for g in in_force.goals), in_force.progress, strict=True))
            for position, goal in enumerate(found.version.goals, 1):
                if marks.get(goal.text, Progress.NOT_STARTED) != Progress.NOT_STARTED:
                    carried[position] = marks[goal.text]
        if not await self._repository.decide(
            version_id, approve, curator_id, comment, self._clock.now(), carried
        ):
            return PlanProblem.OUTDATED
        version = await self._repository.version(version_id)
        assert version is not None
        return Decided(version, found.pair)

    # -- progress -------------------------------------------------------------------------------
    async def mark(
        self, pair_id: int, telegram_id: int, version_id: int, position: int, progress: Progress
    ) -> tuple[Side, PlanVersion] | PlanProblem:
        """Either side marks progress on a goal of the plan in force."""
        side = await self._meetings.side(pair_id, telegram_id)
        if side is None:
            return PlanProblem.NOT_YOURS
        in_force = (await self.of_pair(pair_id)).in_force
        if in_force is None or in_force.id != version_id:
            return PlanProblem.OUTDATED
        if not 1 <= position <= len(in_force.goals):
            return PlanProblem.OUTDATED
        if not await self._repository.mark(version_id, position, progress.value, self._clock.now()):
            return PlanProblem.OUTDATED
        version = await self._repository.version(version_id)
        assert version is not None
        return side, version

    async def in_force_for(self, pair_id: int, telegram_id: int) -> tuple[Side, PlanVersion] | None:
        side = await self._meetings.side(pair_id, telegram_id)
        if side is None:
            return None
        in_force = (await self.of_pair(pair_id)).in_force
        return (side, in_force) if in_force is not None else None

    # -- the daily run --------------------------------------------------------------------------
    async def deadline_questions(self) -> list[DeadlineDue]:
        """Goals of plans in force whose deadline is two weeks away or nearer (the
        organization's local date), not reached or given up yet: claimed once per goal."""
        due: list[DeadlineDue] = []
        now = self._clock.now()
        for pair, timezone, version in await self._repository.in_force_of_active():
            today = now.astimezone(ZoneInfo(timezone)).date()
            for position, goal in enumerate(version.goals, 1):
                if version.progress[position - 1] in SETTLED:
                    continue
                if not today <= goal.deadline <= today + LIMITS.deadline_notice:
                    continue
                # A goal is the same goal in a changed plan while its text and deadline stay.
                digest = hashlib.sha1(goal.text.encode(), usedforsecurity=False).hexdigest()
                what = f"deadline:{goal.deadline.isoformat()}:{digest[:16]}"
                if await self._repository.claim(version.pair_id, what, now):
                    due.append(DeadlineDue(pair, version, position))
        return due

    async def program_end_requests(self) -> list[ProgramEndDue]:
        """Pairs whose approved program's end has come: asked for their final meeting once."""
        due: list[ProgramEndDue] = []
        now = self._clock.now()
        for pair, timezone, version in await self._repository.in_force_of_active():
            if version.program_end > now.astimezone(ZoneInfo(timezone)).date():
                continue
            if await self._repository.claim_final_meeting(pair, now):
                due.append(ProgramEndDue(pair, version))
        return due

    async def final_due(self, pair_id: int) -> bool:
        """The pair's next meeting is its final one: its approved program ends within the
        window the cycle uses for its own end (or has ended)."""
        in_force = (await self.of_pair(pair_id)).in_force
        if in_force is None:
            return False
        today = self._cycles.local_today(await self._timezone_of_pair(pair_id))
        return in_force.program_end - today <= FINAL_WINDOW

    # -- helpers --------------------------------------------------------------------------------
    async def _timezone_of_pair(self, pair_id: int) -> str:
        return await self._repository.timezone_of_pair(pair_id) or "Europe/Moscow"

    async def _teacher_form(self, pair: Pair) -> bool:
        """A teacher's personalized programme (3 to 12 months): a form whose mentees are
        teachers and whose pairs work the full cycle. A short-term form's plan is its goal and
        ends by the cycle's end like the others."""
        for form in await self._organizations.forms(pair.organization_id):
            if form.code == pair.form:
                return form.mentee_kind == ParticipantKind.TEACHER and form.pace is FormPace.REGULAR
        return default_kinds(pair.form)[1] == ParticipantKind.TEACHER
