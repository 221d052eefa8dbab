"""Periodic upkeep of the database, run by the scheduler."""

from __future__ import annotations

import logging
from datetime import timedelta

from bot.clock import Clock
from storage.repositories.maintenance import MaintenanceRepository
from storage.repositories.outbox import OutboxRepository
from storage.repositories.updates import ProcessedUpdateRepository

log = logging.getLogger(__name__)

# A dialogue nobody touched for this long is abandoned; what it held is not kept longer
# than needed (personal data minimisation). Confirmed answers live in their own tables.
ABANDONED_DIALOGUE_AGE = timedelta(days=30)
# Telegram gives up redelivering an update within a day.
PROCESSED_UPDATE_AGE = timedelta(days=1)
# What a sent message said is kept this long (a retry after flood control needs it), then
# blanked; the record that it was sent, and to whom, is forgotten after a month.
SETTLED_TEXT_AGE = timedelta(hours=1)
SETTLED_MESSAGE_AGE = timedelta(days=30)


class Housekeeping:
    def __init__(
        self,
        repository: MaintenanceRepository,
        updates: ProcessedUpdateRepository,
        outbox: OutboxRepository,
        clock: Clock,
    ) -> None:
        self._repository = repository
        self._updates = updates
        self._outbox = outbox
        self._clock = clock

    async def run(self) -> int:
        now = self._clock.now()
        purged = await self._repository.purge_fsm_untouched_since(now - ABANDONED_DIALOGUE_AGE)
        await self._updates.forget_before(now - PROCESSED_UPDATE_AGE)
        await self._outbox.blank_settled_before(now - SETTLED_TEXT_AGE)
        await self._outbox.forget_settled_before(now - SETTLED_MESSAGE_AGE)
        if not await self._repository.optimize():
            log.warning("Housekeeping: the database was busy; statistics are refreshed next time")
        if purged:
            log.info("Housekeeping: forgot %d abandoned dialogues", purged)
        return purged
