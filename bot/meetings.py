"""Stage 6: a pair agrees on its meetings; one side proposes, the other confirms.

Moving, cancelling and "did the meeting take place?" are in :mod:`bot.meeting_changes`; the
pair's rhythm and plan in :mod:`bot.pair_plans`.

Times are chosen as wall-clock times of the organization's time zone and stored in UTC.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, datetime, time, timedelta

from bot.clock import Clock
from bot.followups import FollowupService
from bot.holidays import HolidayService
from bot.meeting_sides import MeetingProblem, MeetingView, Side
from bot.models.pairs import Pair
from bot.organizations import OrganizationService
from bot.pairing import PairingService
from bot.reminders import ReminderService
from bot.schedule import (
    Holiday,
    MeetingKind,
    holiday_on,
    local_to_utc,
    next_kind,
    utc_to_local,
)
from dialogs.forms import FormPace
from storage.repositories.matching import PairLookup
from storage.repositories.meetings import MeetingRepository

# Whether the pair's final meeting is due now, asked by pair id.
FinalDue = Callable[[int], Awaitable[bool]]
# How many further working meetings a short-term pair asked for, by pair id.
FurtherMeetings = Callable[[int], Awaitable[int]]

EARLIEST = timedelta(minutes=30)  # a proposal must leave time to read and answer it
LATEST = timedelta(weeks=8)
PLACE_LIMIT = 300


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
        further: FurtherMeetings | None = None,
    ) -> None:
        self._further = further
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
        starts_at = await self.start_of(side, day, at, place)
        if isinstance(starts_at, MeetingProblem):
            return starts_at
        now = self._clock.now()
        held = [
            MeetingKind(m.kind)
            for m in await self._repository.of_pair(pair_id)
            if m.status == "held"
        ]
        kind = await self.next_kind_of(side.people.pair, held)
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

    async def start_of(
        self, side: Side, day: date, at: time, place: str
    ) -> datetime | MeetingProblem:
        """The meeting's start in UTC, or why a meeting cannot be there (also a group's)."""
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
        return starts_at

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

    # -- what comes next ------------------------------------------------------------------------
    async def next_kind_of(self, pair: Pair, held: list[MeetingKind]) -> MeetingKind | None:
        """The one place the kind of the pair's next meeting is decided; None: no next one.

        The documents' order comes from :func:`bot.schedule.next_kind`. The final meeting is
        the cycle's decision: while the pair's cycle is closing (or about to end) the next
        meeting is the final one, whatever opening meetings were skipped.
        """
        if MeetingKind.FINAL in held:
            return None
        if self._final_due is not None and await self._final_due(pair.id):
            return MeetingKind.FINAL
        pace = await self.pace_of(pair)
        further = 0
        if pace is FormPace.SHORT and self._further is not None:
            further = await self._further(pair.id)
        return next_kind(held, pace, further)

    async def pace_of(self, pair: Pair) -> FormPace:
        """How the pair's form works (a form no longer listed: the full cycle)."""
        for form in await self._organizations.forms(pair.organization_id):
            if form.code == pair.form:
                return form.pace
        return FormPace.REGULAR
