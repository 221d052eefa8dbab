"""The monitoring poll "before" is offered, not started unannounced: once when the
questionnaire is first confirmed, and once more a day later if the person has not opened it."""

from __future__ import annotations

from datetime import timedelta

from bot.clock import Clock
from storage.repositories.monitoring_offers import MonitoringOfferRepository

REMIND_AFTER = timedelta(days=1)


class MonitoringOfferService:
    def __init__(self, repository: MonitoringOfferRepository, clock: Clock) -> None:
        self._repository = repository
        self._clock = clock

    async def offered(self, participant_id: int) -> None:
        await self._repository.record_offer(participant_id, self._clock.now())

    async def due_reminders(self) -> list[int]:
        """Participants to remind now (claimed: each is returned once)."""
        now = self._clock.now()
        return await self._repository.claim_reminders(now - REMIND_AFTER, now)
