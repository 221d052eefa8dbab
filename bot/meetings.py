"""Stage 6: a pair agrees on its meetings; one side proposes, the other confirms.

Times are chosen as wall-clock times of the organization's time zone and stored in UTC.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from bot.clock import Clock
from bot.holidays import HolidayService
from bot.organizations import OrganizationService
from bot.pairing import PairingService, PairPeople
from bot.reminders import ReminderService
from bot.schedule import (
    Holiday,
    MeetingKind,
    holiday_on,
    local_to_utc,
    next_kind,
    utc_to_local,
)
from storage.repositories.matching import PairLookup
from storage.repositories.meetings import Meeting, MeetingRepository
from storage.repositories.participants import Participant

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
    ) -> None:
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
        if MeetingKind.FINAL in held:
            return MeetingProblem.FINISHED
        if replaces is not None:
            await self._reminders.drop(replaces)
        meeting = await self._repository.propose(
            pair_id=pair_id,
            kind=next_kind(held).value,
            starts_at=starts_at,
            meeting_format=meeting_format,
            place=place,
            proposed_by=side.me.id,
            now=now,
            replaces=replaces,
        )
        return MeetingView(meeting, side)

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
        return MeetingView(confirmed, side)

    async def cancel(
        self, meeting_id: int, telegram_id: int, reason: str
    ) -> MeetingView | MeetingProblem:
        meeting = await self._repository.get(meeting_id)
        side = await self.side(meeting.pair_id, telegram_id) if meeting else None
        if meeting is None or side is None:
            return MeetingProblem.NOT_YOURS
        reason = " ".join(reason.split())[:500]
        now = self._clock.now()
        for status in ("confirmed", "proposed"):
            if await self._repository.decide(meeting_id, status, "cancelled", now, reason):
                await self._reminders.drop(meeting_id)
                cancelled = await self._repository.get(meeting_id)
                assert cancelled is not None
                return MeetingView(cancelled, side)
        return MeetingProblem.DECIDED

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
