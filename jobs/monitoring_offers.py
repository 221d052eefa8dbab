"""The one reminder of the monitoring poll "before", a day after it was offered and not opened
(bot/monitoring_offers.py decides who is due; the reminder goes through the outbox)."""

from __future__ import annotations

import logging

from bot.sender import Outcome
from bot.services import Services
from handlers.address import is_minor
from handlers.monitoring_views import reminder_screen

log = logging.getLogger(__name__)


async def remind_monitoring(services: Services) -> None:
    """The scheduler's tick: the one reminder for those who have not opened the poll."""
    for participant_id in await services.monitoring_offers.due_reminders():
        participant = await services.participants.get(participant_id)
        if participant is None:
            continue
        minor = is_minor(participant)
        pid = participant.id
        sent = await services.outbox.send(
            participant.telegram_id,
            lambda minor=minor, pid=pid: reminder_screen(minor, pid),  # type: ignore[misc]
            kind="monitoring_reminder",
        )
        if sent is not Outcome.DELIVERED:
            log.info("The monitoring reminder was not delivered to participant %s", participant_id)
