"""Stage 6, after agreeing: cancelling a meeting, holidays entered later, and each side's
answer to "did the meeting take place?" with what the pair's rhythm plans next.

Moving a meeting is a new proposal that replaces it (:meth:`bot.meetings.MeetingService.propose`
with ``replaces``); what comes next is planned here, once, whichever way the meeting ended.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from bot.clock import Clock
from bot.followups import Answer, FollowupService
from bot.meeting_sides import MeetingProblem, MeetingView, Side
from bot.meetings import MeetingService
from bot.models.meetings import Meeting
from bot.organizations import OrganizationService
from bot.pair_plans import PairPlanService
from bot.pairing import PairingService
from bot.reminders import ReminderService
from bot.schedule import MeetingKind, Rhythm, local_to_utc, next_meeting, upcoming
from dialogs.forms import FormPace
from storage.repositories.meetings import MeetingRepository


@dataclass(frozen=True)
class NextPlan:
    """What comes after a held or missed meeting when nothing is planned ahead.

    For the opening kinds the mentor proposes the next meeting; a regular one is created from
    the pair's rhythm (``meeting``), and ``skipped`` names the rhythm's dates that fell on the
    holidays before it. ``meeting`` is None for a regular kind when the holidays cover the
    next year (mistyped holidays) or something was planned meanwhile.
    """

    kind: MeetingKind
    meeting: Meeting | None = None
    skipped: tuple[tuple[date, str], ...] = ()


@dataclass(frozen=True)
class Cancelled(MeetingView):
    """A cancelled meeting and, for a regular one, what the pair's rhythm planned next."""

    next: NextPlan | None = None


@dataclass(frozen=True)
class Settled:
    """One side's answer to "did the meeting take place?"."""

    view: MeetingView
    answer: Answer
    decided: bool  # this answer set the meeting's status (the first answer decides)
    next: NextPlan | None


class MeetingChanges:
    def __init__(
        self,
        repository: MeetingRepository,
        meetings: MeetingService,
        plans: PairPlanService,
        pairing: PairingService,
        organizations: OrganizationService,
        reminders: ReminderService,
        followups: FollowupService,
        clock: Clock,
    ) -> None:
        self._repository = repository
        # Who is asking and what the pair's next meeting is are decided by MeetingService.
        self._meetings = meetings
        self._plans = plans
        self._pairing = pairing
        self._organizations = organizations
        self._reminders = reminders
        self._followups = followups
        self._clock = clock

    def cancel_problem(self, meeting: Meeting) -> MeetingProblem | None:
        """Why the meeting cannot be cancelled now, if it cannot: a confirmed meeting that has
        begun is answered through "did the meeting take place?" instead."""
        if meeting.status not in ("proposed", "confirmed"):
            return MeetingProblem.DECIDED
        if meeting.status == "confirmed" and meeting.starts_at <= self._clock.now():
            return MeetingProblem.STARTED
        return None

    async def cancel(
        self, meeting_id: int, telegram_id: int, reason: str
    ) -> Cancelled | MeetingProblem:
        """Cancel one meeting with a reason. A cancelled regular meeting does not stop the
        rhythm: when nothing else is planned ahead, the next date of the rhythm is planned."""
        meeting = await self._repository.get(meeting_id)
        side = await self._meetings.side(meeting.pair_id, telegram_id) if meeting else None
        if meeting is None or side is None:
            return MeetingProblem.NOT_YOURS
        reason = " ".join(reason.split())[:500]
        # Only from the status just checked; a proposal confirmed meanwhile is checked again.
        for _attempt in range(2):
            problem = self.cancel_problem(meeting)
            if problem is not None:
                return problem
            now = self._clock.now()
            if await self._repository.decide(meeting_id, meeting.status, "cancelled", now, reason):
                break
            current = await self._repository.get(meeting_id)
            if current is None:
                return MeetingProblem.DECIDED
            meeting = current
        else:
            return MeetingProblem.DECIDED
        await self._reminders.drop(meeting_id)
        await self._followups.drop(meeting_id)
        cancelled = await self._repository.get(meeting_id)
        assert cancelled is not None
        plan = None
        if cancelled.kind == MeetingKind.REGULAR and await self._followups.rhythm(
            cancelled.pair_id
        ):
            plan = await self._plan_next(side, cancelled)
        return Cancelled(cancelled, side, plan)

    async def on_holidays(self, organization_id: int, start: date, end: date) -> list[MeetingView]:
        """Proposed and confirmed meetings not yet begun whose local day falls from ``start`` to
        ``end``: holidays entered after the meetings were agreed. Each is seen by the pair's
        mentor, who is asked to move it; the meeting itself stays as it is until moved."""
        organization = await self._organizations.get(organization_id)
        timezone = organization.timezone if organization else "Europe/Moscow"
        since = max(self._clock.now(), local_to_utc(datetime.combine(start, time()), timezone))
        until = local_to_utc(datetime.combine(end + timedelta(days=1), time()), timezone)
        meetings = await self._repository.open_of_organization(organization_id, since, until)
        if not meetings:
            return []
        pairs = {p.pair.id: p for p in await self._pairing.active_pairs(organization_id)}
        # A group's meeting is a row per member: its mentor is asked once (migration 0025).
        groups: set[int] = set()
        views = []
        for meeting in meetings:
            people = pairs.get(meeting.pair_id)
            if people is None or meeting.group_meeting_id in groups:
                continue
            if meeting.group_meeting_id is not None:
                groups.add(meeting.group_meeting_id)
            views.append(MeetingView(meeting, Side(people, people.mentor, people.mentee, timezone)))
        return views

    # -- after a meeting -----------------------------------------------------------------------
    async def settle(
        self, meeting_id: int, telegram_id: int, answer: Answer
    ) -> Settled | MeetingProblem:
        """Record one side's answer. The first "held" or "did not happen" decides the meeting;
        a later different answer of the other side is recorded (the curator sees both) but does
        not flip it. "Moved" changes nothing yet: the new proposal replaces the meeting."""
        meeting = await self._repository.get(meeting_id)
        side = await self._meetings.side(meeting.pair_id, telegram_id) if meeting else None
        if meeting is None or side is None:
            return MeetingProblem.NOT_YOURS
        if meeting.status not in ("confirmed", "held", "missed"):
            return MeetingProblem.DECIDED
        now = self._clock.now()
        if meeting.starts_at > now:
            return MeetingProblem.NOT_YET
        if not await self._followups.record(meeting.id, side.me.id, answer):
            return MeetingProblem.DECIDED
        decided = False
        if answer is Answer.HELD:
            decided = await self._repository.decide(meeting.id, "confirmed", "held", now)
        elif answer is Answer.NOT_HELD:
            decided = await self._repository.decide(meeting.id, "confirmed", "missed", now)
        current = await self._repository.get(meeting.id)
        assert current is not None
        plan = await self._plan_next(side, current) if decided else None
        return Settled(MeetingView(current, side), answer, decided, plan)

    async def _plan_next(self, side: Side, after: Meeting) -> NextPlan | None:
        pair = side.people.pair
        meetings = await self._repository.of_pair(pair.id)
        now = self._clock.now()
        if any(m.status in ("proposed", "confirmed") and m.starts_at > now for m in meetings):
            return None
        held = [MeetingKind(m.kind) for m in meetings if m.status == "held"]
        kind = await self._meetings.next_kind_of(pair, held)
        if kind is None:
            return None
        if (
            kind is not MeetingKind.REGULAR
            or await self._meetings.pace_of(pair) is FormPace.SHORT
            or await self._repository.in_group(pair.id)
        ):
            # The mentor proposes it: a short pair keeps no rhythm, and a pair in a group
            # meets on the group's calendar (migration 0025), scheduled by its mentor.
            return NextPlan(kind)
        row = await self._plans.rhythm_of(pair, side.timezone)
        rhythm = Rhythm(row.weekday, row.local_time, row.interval_weeks)
        holidays = await self._meetings.holidays(side, self._meetings.local_today(side.timezone))
        start = max(now, after.starts_at)
        found = next_meeting(
            rhythm, timezone=side.timezone, after=start, holidays=holidays, anchor=row.anchor_on
        )
        if found is None:
            return NextPlan(kind)
        skipped = tuple(
            (o.local_date, o.skipped_for.title)
            for o in upcoming(
                rhythm,
                timezone=side.timezone,
                after=start,
                count=60,
                holidays=holidays,
                anchor=row.anchor_on,
            )
            if o.starts_at < found.starts_at and o.skipped_for is not None
        )
        created = await self._repository.create_confirmed(
            pair_id=pair.id,
            kind=kind.value,
            starts_at=found.starts_at,
            meeting_format=after.meeting_format,
            place=after.place,
            proposed_by=side.people.mentor.id,
            now=now,
        )
        if created is None:
            return None
        people = side.people
        await self._reminders.plan(
            created, pair.organization_id, [people.mentor.telegram_id, people.mentee.telegram_id]
        )
        await self._followups.plan(
            created,
            pair.organization_id,
            [(people.mentor.id, people.mentor.telegram_id),
             (people.mentee.id, people.mentee.telegram_id)],
        )  # fmt: skip
        return NextPlan(kind, created, skipped)
