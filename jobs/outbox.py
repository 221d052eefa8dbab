"""The outbox job: queued messages left by a stopped or killed process are sent.

A message queued now starts the delivery loop itself (:meth:`bot.outbox.Outbox.post`); this
tick covers the rows nobody is delivering: those a killed process had queued or claimed (their
lease runs out) and the ones a 429 put back for later. The first run comes at the start.
"""

from __future__ import annotations

from bot.services import Services


async def run_outbox_tick(services: Services) -> None:
    services.outbox.kick()
