"""Periodic upkeep of the database, run by the scheduler."""

from __future__ import annotations

import logging
from datetime import timedelta

from bot.clock import Clock
from storage.repositories.maintenance import MaintenanceRepository

log = logging.getLogger(__name__)

# A dialogue nobody touched for this long is abandoned; what it held is not kept longer
# than needed (personal data minimisation). Confirmed answers live in their own tables.
ABANDONED_DIALOGUE_AGE = timedelta(days=30)


class Housekeeping:
    def __init__(self, repository: MaintenanceRepository, clock: Clock) -> None:
        self._repository = repository
        self._clock = clock

    async def run(self) -> int:
        purged = await self._repository.purge_fsm_untouched_since(
            self._clock.now() - ABANDONED_DIALOGUE_AGE
        )
        await self._repository.optimize()
        if purged:
            log.info("Housekeeping: forgot %d abandoned dialogues", purged)
        return purged
