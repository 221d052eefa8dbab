"""A pair's rhythm of regular meetings and its plan (goals and the planned end date).

The rhythm starts from the planning meeting's weekday and time; either side changes it, a
longer interval needs the curator's consent. The mentor records the plan after the planning
meeting. :mod:`bot.meeting_changes` plans the next regular meeting from the rhythm.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, time

from bot.clock import Clock
from bot.followups import GOAL_LENGTH, GOALS_LIMIT, FollowupService, default_rhythm
from bot.meeting_sides import MeetingProblem, Side
from bot.meetings import MeetingService
from bot.models.pairs import Pair
from bot.models.plans import PlanRow, RhythmRow
from bot.organizations import OrganizationService
from bot.pairing import PairingService
from bot.schedule import MeetingKind, utc_to_local
from dialogs.forms import FormPace
from storage.repositories.meetings import MeetingRepository


class PairPlanService:
    def __init__(
        self,
        repository: MeetingRepository,
        meetings: MeetingService,
        pairing: PairingService,
        organizations: OrganizationService,
        followups: FollowupService,
        clock: Clock,
        plan_rows: Callable[[int], Awaitable[PlanRow | None]] | None = None,
    ) -> None:
        self._repository = repository
        # Who is asking (the pair's side) is decided by MeetingService.
        self._meetings = meetings
        self._pairing = pairing
        self._organizations = organizations
        self._followups = followups
        self._clock = clock
        # The plan built with the curator (bot/plans.py), read before the goals recorded alone.
        self._plan_rows = plan_rows

    async def rhythm_of(self, pair: Pair, timezone: str, *, keep: bool = True) -> RhythmRow:
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
        side = await self._meetings.side(pair_id, telegram_id)
        if side is None:
            return None
        if await self._meetings.pace_of(side.people.pair) is FormPace.SHORT:
            return None  # a short-term pair has no two-weekly rhythm to change
        return side, await self.rhythm_of(side.people.pair, side.timezone, keep=False)

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
            else self._meetings.local_today(side.timezone)
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
        if await self._meetings.pace_of(pair) is FormPace.SHORT:
            return None  # a short-term pair keeps no two-weekly rhythm to relax
        organization = await self._organizations.get(organization_id)
        timezone = organization.timezone if organization else "Europe/Moscow"
        current = await self.rhythm_of(pair, timezone, keep=False)
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
            side = await self._meetings.side(pair_id, telegram_id)
            timezone = side.timezone if side else "Europe/Moscow"
            if planned_end <= self._meetings.local_today(timezone):
                return MeetingProblem.BAD_END
        await self._followups.save_plan(pair_id, goals, planned_end)
        return None

    async def may_record_plan(self, pair_id: int, telegram_id: int) -> bool:
        """The pair's mentor, once the planning meeting has been held."""
        side = await self._meetings.side(pair_id, telegram_id)
        if side is None or side.me.id != side.people.mentor.id:
            return False
        held = [m for m in await self._repository.of_pair(pair_id) if m.status == "held"]
        return any(m.kind == MeetingKind.PLANNING for m in held)

    async def plan_of(self, pair_id: int) -> PlanRow | None:
        """The pair's plan: the goals' texts and the program's end, from the plan built with
        the curator (the approved version, else the newest one) or the goals recorded alone."""
        if self._plan_rows is not None:
            row = await self._plan_rows(pair_id)
            if row is not None:
                return row
        return await self._followups.plan_of(pair_id)
