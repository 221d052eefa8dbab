"""Stage 7, what the pairs achieved: their results (written by the curator or, once the pair is
completed, by its mentor), the curator's "good practice" mark, and the ranking of mentors for a
period."""

from __future__ import annotations

from bot.cycles import CycleProblem, CycleService
from bot.models.cycles import MentorFigures
from bot.models.pairs import Pair
from bot.models.periods import Period
from bot.participants import ParticipantService
from bot.versioned import VersionedCache
from storage.repositories.cycles import CycleRepository

RESULTS_LIMIT = 1000
RESULTS_SHORTEST = 3


class PairResults:
    def __init__(
        self,
        repository: CycleRepository,
        cycles: CycleService,
        participants: ParticipantService,
    ) -> None:
        self._repository = repository
        # The pairs and figures are of the organization's current cycle.
        self._cycles = cycles
        self._participants = participants
        # The figures of a period sum the school's meetings and feedback: kept until the
        # school's change counter moves (migration 0020 moves it for what they depend on).
        self._figures: VersionedCache[list[MentorFigures]] = VersionedCache()

    async def pair(self, organization_id: int, pair_id: int) -> Pair | None:
        pair = await self._repository.pair(pair_id)
        return pair if pair is not None and pair.organization_id == organization_id else None

    async def finished_pairs(self, organization_id: int) -> list[Pair]:
        """Pairs of the current cycle that have finished, completed ones first."""
        cycle = await self._cycles.current(organization_id)
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
    async def ranking(
        self, organization_id: int, period: Period | None = None
    ) -> list[MentorFigures] | None:
        """Mentors of the pairs of ``period`` (default: the current cycle), best first: by their
        mentees' average usefulness of meetings, then mentees' final satisfaction, meetings
        held, and the share of completed pairs. None for a cycle of another organization."""
        period = period or Period.current_cycle()
        if not await self._period_is_theirs(organization_id, period):
            return None
        # The meetings, feedback and names the figures sum move the activity counter.
        lists, activity = await self._participants.versions(organization_id)
        ranked = await self._figures.get(
            (organization_id, period, activity),
            lists,
            lambda: self._ranked(organization_id, period),
        )
        return list(ranked)

    async def _ranked(self, organization_id: int, period: Period) -> list[MentorFigures]:
        figures = await self._repository.mentor_figures(organization_id, period)

        def key(item: MentorFigures) -> tuple[float, float, int, float, int]:
            return (
                -(item.usefulness if item.usefulness is not None else -1.0),
                -(item.satisfaction if item.satisfaction is not None else -1.0),
                -item.meetings_held,
                -(item.completed / item.pairs if item.pairs else 0.0),
                item.mentor_id,
            )

        return sorted(figures, key=key)

    async def _period_is_theirs(self, organization_id: int, period: Period) -> bool:
        if period.cycle_id is None:
            return True
        cycle = await self._repository.get(period.cycle_id)
        return cycle is not None and cycle.organization_id == organization_id
