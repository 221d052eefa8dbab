"""Short-term pairs (a form of pace 'short'): a pair that needs more time for its goal asks for
one more working meeting before its final one (the order is :data:`bot.schedule.SHORT_ORDER`;
the kind of the next meeting is decided in :meth:`bot.meetings.MeetingService.next_kind_of`)."""

from __future__ import annotations

from enum import StrEnum
from typing import Final

from bot.meetings import MeetingService
from bot.schedule import MeetingKind
from dialogs.forms import FormPace
from storage.repositories.meetings import MeetingRepository
from storage.repositories.short_pairs import ShortPairRepository

# Working meetings a short pair may add beyond its first: more is no longer short-term.
MAX_FURTHER: Final = 5


class ShortProblem(StrEnum):
    NOT_YOURS = "not_yours"  # not a side of this active pair
    NOT_SHORT = "not_short"  # the pair's form is not short-term (any more)
    NOT_YET = "not_yet"  # the first meeting has not been held
    FINISHED = "finished"  # the final meeting was held
    PLANNED = "planned"  # a meeting is already proposed or agreed on
    TOO_MANY = "too_many"
    ASKED = "asked"  # the next meeting is already a working one


class ShortPairService:
    def __init__(
        self,
        repository: ShortPairRepository,
        meetings: MeetingService,
        meeting_rows: MeetingRepository,
    ) -> None:
        self._repository = repository
        # Who is asking and what the form's pace is are decided by MeetingService.
        self._meetings = meetings
        self._meeting_rows = meeting_rows

    async def one_more(self, pair_id: int, telegram_id: int) -> ShortProblem | None:
        """One more working meeting before the final one, asked by a side of the pair."""
        side = await self._meetings.side(pair_id, telegram_id)
        if side is None:
            return ShortProblem.NOT_YOURS
        if await self._meetings.pace_of(side.people.pair) is not FormPace.SHORT:
            return ShortProblem.NOT_SHORT
        meetings = await self._meeting_rows.of_pair(pair_id)
        held = [m.kind for m in meetings if m.status == "held"]
        if MeetingKind.FINAL in held:
            return ShortProblem.FINISHED
        if not held:
            return ShortProblem.NOT_YET
        if any(m.status in ("proposed", "confirmed") for m in meetings):
            return ShortProblem.PLANNED
        # One more than the working meetings held so far: asking again before that one is
        # held (a double tap, an old message) changes nothing.
        wanted = sum(kind == MeetingKind.REGULAR for kind in held) + 1
        if wanted > MAX_FURTHER:
            return ShortProblem.TOO_MANY
        if not await self._repository.ask_further(pair_id, wanted):
            return ShortProblem.ASKED
        return None
