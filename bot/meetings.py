"""Stage 6: a pair agrees on its meetings; one side proposes, the other confirms.

Times are chosen as wall-clock times of the organization's time zone and stored in UTC.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from bot.clock import Clock
from bot.followups import GOAL_LENGTH, GOALS_LIMIT, Answer, FollowupService, default_rhythm
from bot.holidays import HolidayService
from bot.models.meetings import Meeting
from bot.models.pairs import Pair
from bot.models.participants import Participant
from bot.models.plans import PlanRow, RhythmRow
from bot.organizations import OrganizationService
from bot.pairing import PairingService, PairPeople
from bot.reminders import ReminderService
from bot.schedule import (
    Holiday,
    MeetingKind,
    Rhythm,
    holiday_on,
    local_to_utc,
    next_kind,
    next_meeting,
    upcoming,
    utc_to_local,
)
from storage.repositories.matching import PairLookup
from storage.repositories.meetings import MeetingRepository

# Whether the pair's final meeting is due now, asked by pair id.
FinalDue = Callable[[int], Awaitable[bool]]

EARLIEST = timedelta(minutes=30)  # a proposal must leave time to read and answer it
LATEST = timedelta(weeks=8)
PLACE_LIMIT = 300


class MeetingProblem(StrEnum):
    NOT_YOURS = "not_yours"  # not a member of this active pair
    TOO_SOON = "too_soon"
    TOO_LATE = "too_late"
    BAD_PLACE = "bad_place"
    DECIDED = "decided"  # already confirmed, cancelled or replaced
    FINISHED = "finished"  # the final meeting was held: no next meeting
    HOLIDAY = "holiday"  # the day falls on the organization's holidays
    NOT_YET = "not_yet"  # asked whether a meeting took place before it began
    STARTED = "started"  # a confirmed meeting that has begun: answered, not cancelled
    BAD_GOALS = "bad_goals"  # not one to three goals of up to GOAL_LENGTH characters
    BAD_END = "bad_end"  # the planned end is not after the organization's today


@dataclass(frozen=True)
class Side:
    """A pair seen by one of its members."""

    people: PairPeople
    me: Participant
    other: Participant
    timezone: str


@dataclass(frozen=True)
class MeetingView:
    meeting: Meeting
    side: Side


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


class MeetingService:
    def __init__(
        self,
        repository: MeetingRepository,
        pairs: PairLookup,
        pairing: PairingService,
        organizations: OrganizationService,
        holidays: HolidayService,
        reminders: ReminderService,
        clock: Clock,
        followups: FollowupService,
        final_due: FinalDue | None = None,
    ) -> None:
        self._followups = followups
        # The cycle decides when a pair's final meeting is due (bot.cycles); meetings only ask.
        self._final_due = final_due
        self._repository = repository
        self._pairs = pairs
        self._pairing = pairing
        self._organizations = organizations
        self._holidays = holidays
        self._reminders = reminders
        self._clock = clock

    async def side(self, pair_id: int, telegram_id: int) -> Side | None:
        """The pair if this person is in it and it is active: the check before any action."""
        for pair in await self._pairs.active_of_telegram_user(telegram_id):
            if pair.id != pair_id:
                continue
            people = await self._pairing.people(pair)
            if people is None:
                return None
            organization = await self._organizations.get(pair.organization_id)
            timezone = organization.timezone if organization else "Europe/Moscow"
            me, other = (
                (people.mentor, people.mentee)
                if people.mentor.telegram_id == telegram_id
                else (people.mentee, people.mentor)
            )
            return Side(people, me, other, timezone)
        return None

    async def holidays(self, side: Side, today: date) -> list[Holiday]:
        return await self._holidays.for_calendar(side.people.pair.organization_id, today)

    def local_today(self, timezone: str) -> date:
        return utc_to_local(self._clock.now(), timezone).date()

    async def propose(
        self,
        pair_id: int,
        telegram_id: int,
        day: date,
        at: time,
        meeting_format: str,
        place: str,
        *,
        replaces: int | None = None,
    ) -> MeetingView | MeetingProblem:
        side = await self.side(pair_id, telegram_id)
        if side is None:
            return MeetingProblem.NOT_YOURS
        place = " ".join(place.split())
        if not 1 <= len(place) <= PLACE_LIMIT:
            return MeetingProblem.BAD_PLACE
        today = self.local_today(side.timezone)
        if holiday_on(day, await self.holidays(side, today)):
            return MeetingProblem.HOLIDAY
        starts_at = local_to_utc(datetime.combine(day, at), side.timezone)
        now = self._clock.now()
        if starts_at < now + EARLIEST:
            return MeetingProblem.TOO_SOON
        if starts_at > now + LATEST:
            return MeetingProblem.TOO_LATE
        held = [
            MeetingKind(m.kind)
            for m in await self._repository.of_pair(pair_id)
            if m.status == "held"
        ]
        kind = await self._next_kind(side.people.pair, held)
        if kind is None:
            return MeetingProblem.FINISHED
        if replaces is not None:
            # ``replaces`` comes from button data: only this pair's open meeting may be moved,
            # and its reminders dropped.
            problem = await self._replaceable(pair_id, replaces)
            if problem is not None:
                return problem
            await self._reminders.drop(replaces)
            await self._followups.drop(replaces)
        meeting = await self._repository.propose(
            pair_id=pair_id,
            kind=kind.value,
            starts_at=starts_at,
            meeting_format=meeting_format,
            place=place,
            proposed_by=side.me.id,
            now=now,
            replaces=replaces,
        )
        return MeetingView(meeting, side)

    async def _replaceable(self, pair_id: int, meeting_id: int) -> MeetingProblem | None:
        meeting = await self._repository.get(meeting_id)
        if meeting is None or meeting.pair_id != pair_id:
            return MeetingProblem.NOT_YOURS
        if meeting.status not in ("proposed", "confirmed"):
            return MeetingProblem.DECIDED
        return None

    async def movable(
        self, pair_id: int, meeting_id: int, telegram_id: int
    ) -> MeetingProblem | None:
        """Whether this member may move the meeting: the check before the calendar opens."""
        if await self.side(pair_id, telegram_id) is None:
            return MeetingProblem.NOT_YOURS
        return await self._replaceable(pair_id, meeting_id)

    async def confirm(self, meeting_id: int, telegram_id: int) -> MeetingView | MeetingProblem:
        """Only the side that did not propose confirms."""
        meeting = await self._repository.get(meeting_id)
        side = await self.side(meeting.pair_id, telegram_id) if meeting else None
        if meeting is None or side is None:
            return MeetingProblem.NOT_YOURS
        if meeting.proposed_by == side.me.id:
            return MeetingProblem.NOT_YOURS
        if not await self._repository.decide(
            meeting_id, "proposed", "confirmed", self._clock.now()
        ):
            return MeetingProblem.DECIDED
        confirmed = await self._repository.get(meeting_id)
        assert confirmed is not None
        await self._reminders.plan(
            confirmed,
            side.people.pair.organization_id,
            [side.me.telegram_id, side.other.telegram_id],
        )
        await self._followups.plan(
            confirmed,
            side.people.pair.organization_id,
            [(side.me.id, side.me.telegram_id), (side.other.id, side.other.telegram_id)],
        )
        return MeetingView(confirmed, side)

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
        side = await self.side(meeting.pair_id, telegram_id) if meeting else None
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
        return [
            MeetingView(meeting, Side(people, people.mentor, people.mentee, timezone))
            for meeting in meetings
            if (people := pairs.get(meeting.pair_id)) is not None
        ]

    async def view(self, meeting_id: int, telegram_id: int) -> MeetingView | None:
        meeting = await self._repository.get(meeting_id)
        side = await self.side(meeting.pair_id, telegram_id) if meeting else None
        return MeetingView(meeting, side) if meeting and side else None

    async def upcoming(self, telegram_id: int) -> list[MeetingView]:
        """Proposed and confirmed meetings of this person's active pairs, soonest first."""
        views: list[MeetingView] = []
        pairs = await self._pairs.active_of_telegram_user(telegram_id)
        since = self._clock.now() - timedelta(hours=2)
        for meeting in await self._repository.upcoming_of_pairs([p.id for p in pairs], since):
            side = await self.side(meeting.pair_id, telegram_id)
            if side is not None:
                views.append(MeetingView(meeting, side))
        return views

    async def pairs_without_plans(self, telegram_id: int, planned: set[int]) -> list[int]:
        """Active pairs of this person with nothing proposed or confirmed ahead."""
        pairs = await self._pairs.active_of_telegram_user(telegram_id)
        return [pair.id for pair in pairs if pair.id not in planned]

    # -- after a meeting -----------------------------------------------------------------------
    async def _next_kind(self, pair: Pair, held: list[MeetingKind]) -> MeetingKind | None:
        """The one place the kind of the pair's next meeting is decided; None: no next one.

        The documents' order comes from :func:`bot.schedule.next_kind`. The final meeting is
        the cycle's decision: while the pair's cycle is closing (or about to end) the next
        meeting is the final one, whatever opening meetings were skipped.
        """
        if MeetingKind.FINAL in held:
            return None
        if self._final_due is not None and await self._final_due(pair.id):
            return MeetingKind.FINAL
        return next_kind(held)

    async def settle(
        self, meeting_id: int, telegram_id: int, answer: Answer
    ) -> Settled | MeetingProblem:
        """Record one side's answer. The first "held" or "did not happen" decides the meeting;
        a later different answer of the other side is recorded (the curator sees both) but does
        not flip it. "Moved" changes nothing yet: the new proposal replaces the meeting."""
        meeting = await self._repository.get(meeting_id)
        side = await self.side(meeting.pair_id, telegram_id) if meeting else None
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
        kind = await self._next_kind(pair, held)
        if kind is None:
            return None
        if kind is not MeetingKind.REGULAR:
            return NextPlan(kind)
        row = await self._rhythm_of(pair, side.timezone)
        rhythm = Rhythm(row.weekday, row.local_time, row.interval_weeks)
        holidays = await self.holidays(side, self.local_today(side.timezone))
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
            proposed_by=pair.mentor_id,
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

    async def _rhythm_of(self, pair: Pair, timezone: str, *, keep: bool = True) -> RhythmRow:
        """The pair's rhythm; the first time, the planning meeting's weekday and time (kept
        when ``keep``: a look at the rhythm changes nothing)."""
        row = await self._followups.rhythm(pair.id)
        if row is not None:
            return row
        meetings = await self._repository.of_pair(pair.id)
        held = [m for m in meetings if m.status == "held"]
        planning = [m for m in held if m.kind == MeetingKind.PLANNING]
        candidates = planning or held or meetings
        if candidates:
            base = candidates[-1]
            row = default_rhythm(pair.id, utc_to_local(base.starts_at, timezone))
        else:
            local_now = utc_to_local(self._clock.now(), timezone)
            row = default_rhythm(pair.id, local_now.replace(hour=16, minute=0))
        if keep:
            await self._followups.save_rhythm(row)
        return row

    async def rhythm(self, pair_id: int, telegram_id: int) -> tuple[Side, RhythmRow] | None:
        side = await self.side(pair_id, telegram_id)
        if side is None:
            return None
        return side, await self._rhythm_of(side.people.pair, side.timezone, keep=False)

    async def change_rhythm(
        self,
        pair_id: int,
        telegram_id: int,
        *,
        weekday: int | None = None,
        at: time | None = None,
        interval_weeks: int | None = None,
    ) -> RhythmRow | str:
        """A new weekday, time or interval; the problem code of ``check_rhythm`` otherwise
        ("not_yours" for a stranger). The phase is kept from the pair's last meeting."""
        found = await self.rhythm(pair_id, telegram_id)
        if found is None:
            return "not_yours"
        side, current = found
        if weekday is not None and not 0 <= weekday <= 6:
            return "interval_invalid"
        meetings = [
            m for m in await self._repository.of_pair(pair_id) if m.status in ("held", "confirmed")
        ]
        anchor = (
            utc_to_local(meetings[-1].starts_at, side.timezone).date()
            if meetings
            else self.local_today(side.timezone)
        )
        changed = RhythmRow(
            pair_id=pair_id,
            weekday=current.weekday if weekday is None else weekday,
            local_time=current.local_time if at is None else at,
            interval_weeks=current.interval_weeks if interval_weeks is None else interval_weeks,
            anchor_on=anchor,
            curator_consent=current.curator_consent,
        )
        problem = await self._followups.save_rhythm(changed)
        return changed if problem is None else problem

    async def set_rhythm_consent(
        self, organization_id: int, pair_id: int, allowed: bool
    ) -> RhythmRow | None:
        """The curator allows (or no longer allows) meetings less often than every two weeks;
        withdrawing the consent brings a longer interval back to two weeks."""
        pair = await self._pairing.pair(organization_id, pair_id)
        if pair is None or pair.ended_on is not None:
            return None
        organization = await self._organizations.get(organization_id)
        timezone = organization.timezone if organization else "Europe/Moscow"
        current = await self._rhythm_of(pair, timezone, keep=False)
        interval = current.interval_weeks if allowed else min(current.interval_weeks, 2)
        changed = RhythmRow(
            pair_id, current.weekday, current.local_time, interval, current.anchor_on, allowed
        )
        await self._followups.save_rhythm(changed)
        return changed

    async def record_plan(
        self, pair_id: int, telegram_id: int, goals: list[str], planned_end: date | None
    ) -> MeetingProblem | None:
        """The mentor records one to three goals and the planned end (a day after the
        organization's today, or None) after the planning meeting."""
        if not await self.may_record_plan(pair_id, telegram_id):
            return MeetingProblem.NOT_YOURS
        goals = [" ".join(goal.split()) for goal in goals]
        if not 1 <= len(goals) <= GOALS_LIMIT or not all(
            1 <= len(goal) <= GOAL_LENGTH for goal in goals
        ):
            return MeetingProblem.BAD_GOALS
        if planned_end is not None:
            side = await self.side(pair_id, telegram_id)
            timezone = side.timezone if side else "Europe/Moscow"
            if planned_end <= self.local_today(timezone):
                return MeetingProblem.BAD_END
        await self._followups.save_plan(pair_id, goals, planned_end)
        return None

    async def may_record_plan(self, pair_id: int, telegram_id: int) -> bool:
        """The pair's mentor, once the planning meeting has been held."""
        side = await self.side(pair_id, telegram_id)
        if side is None or side.me.id != side.people.mentor.id:
            return False
        held = [m for m in await self._repository.of_pair(pair_id) if m.status == "held"]
        return any(m.kind == MeetingKind.PLANNING for m in held)

    async def plan_of(self, pair_id: int) -> PlanRow | None:
        return await self._followups.plan_of(pair_id)
