"""The preference round: participants see compatible people of the other side and pick up to
three; the matching gives mutual choices a heavy weight."""

from __future__ import annotations

from collections import defaultdict

from bot.clock import Clock
from bot.matching.constraints import violations
from bot.matching.profiles import Candidate
from bot.matching.scoring import Preferences
from bot.pairing import PairingService
from storage.repositories.matching import MatchingRepository
from storage.repositories.preferences import PreferenceRepository


class PreferenceService:
    def __init__(
        self,
        repository: PreferenceRepository,
        matching: MatchingRepository,
        pairing: PairingService,
        clock: Clock,
    ) -> None:
        self._repository = repository
        self._matching = matching
        self._pairing = pairing
        self._clock = clock

    async def is_open(self, organization_id: int) -> bool:
        return await self._repository.open_round(organization_id) is not None

    async def open(self, organization_id: int) -> list[Candidate]:
        """Open a round; returns who should be invited to choose (empty if already open)."""
        if not await self._repository.start(organization_id, self._clock.now()):
            return []
        mentees, mentors = await self._pairing.cohort(organization_id)
        # A mentor in several forms stands in the cohort once per form: invited once.
        once = {m.participant_id: m for m in reversed(mentors)}
        return [*mentees, *[m for m in mentors if once.get(m.participant_id) is m]]

    async def close(self, organization_id: int) -> bool:
        return await self._repository.close(organization_id, self._clock.now())

    async def _me_and_others(
        self, organization_id: int, participant_id: int
    ) -> tuple[Candidate, list[Candidate]] | None:
        mentees, mentors = await self._pairing.cohort(organization_id)
        rejected = await self._matching.rejected(organization_id)
        for me in mentees:
            if me.participant_id == participant_id:
                return me, [m for m in mentors if not violations(me, m, rejected)]
        # A mentor in several forms: the mentees of each of their forms.
        stands = [me for me in mentors if me.participant_id == participant_id]
        if stands:
            return stands[0], [
                m for m in mentees if any(not violations(m, me, rejected) for me in stands)
            ]
        return None

    async def cards(self, organization_id: int, participant_id: int) -> list[Candidate] | None:
        """Compatible people of the other side, or None when the person cannot choose now."""
        if not await self.is_open(organization_id):
            return None
        found = await self._me_and_others(organization_id, participant_id)
        return None if found is None else found[1]

    async def chosen(self, organization_id: int, participant_id: int) -> set[int]:
        round_id = await self._repository.open_round(organization_id)
        if round_id is None:
            return set()
        return await self._repository.chosen_by(round_id, participant_id)

    async def toggle(
        self, organization_id: int, participant_id: int, chosen_id: int
    ) -> bool | None:
        """True: chosen; False: unchosen; None: refused (closed, incompatible or three chosen)."""
        round_id = await self._repository.open_round(organization_id)
        cards = await self.cards(organization_id, participant_id)
        if round_id is None or cards is None:
            return None
        if chosen_id not in {c.participant_id for c in cards}:
            return None
        return await self._repository.toggle(round_id, participant_id, chosen_id, self._clock.now())

    async def for_matching(self, organization_id: int) -> Preferences:
        """The choices of the open round, or of the last closed one."""
        round_id = await self._repository.open_round(organization_id)
        if round_id is None:
            round_id = await self._repository.last_round(organization_id)
        if round_id is None:
            return Preferences.empty()
        mentees, mentors = await self._pairing.cohort(organization_id)
        mentee_ids = {m.participant_id for m in mentees}
        mentor_ids = {m.participant_id for m in mentors}
        by_mentee: dict[int, set[int]] = defaultdict(set)
        by_mentor: dict[int, set[int]] = defaultdict(set)
        for chooser, chosen in await self._repository.all_choices(round_id):
            if chooser in mentee_ids and chosen in mentor_ids:
                by_mentee[chooser].add(chosen)
            elif chooser in mentor_ids and chosen in mentee_ids:
                by_mentor[chooser].add(chosen)
        return Preferences(
            by_mentee={k: frozenset(v) for k, v in by_mentee.items()},
            by_mentor={k: frozenset(v) for k, v in by_mentor.items()},
        )
