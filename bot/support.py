"""Requests for help that people send to the bot's administrators."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from bot.clock import Clock
from bot.models.support import SupportRequest
from storage.repositories.support import SupportRepository

__all__ = ["SupportOutcome", "SupportRejection", "SupportRequest", "SupportService", "SupportTopic"]

MAX_BODY_LENGTH = 2000
MAX_REQUESTS_PER_DAY = 5


class SupportTopic(StrEnum):
    PROBLEM = "problem"
    QUESTION = "question"
    IDEA = "idea"


class SupportRejection(StrEnum):
    EMPTY = "empty"
    TOO_LONG = "too_long"
    TOO_MANY = "too_many"


@dataclass(frozen=True)
class SupportOutcome:
    request: SupportRequest | None
    rejection: SupportRejection | None
    notify: tuple[int, ...] = ()


class SupportService:
    def __init__(
        self, repository: SupportRepository, clock: Clock, admin_ids: frozenset[int]
    ) -> None:
        self._repository = repository
        self._clock = clock
        self._admin_ids = admin_ids

    @staticmethod
    def check_body(body: str) -> SupportRejection | None:
        text = body.strip()
        if not text:
            return SupportRejection.EMPTY
        if len(text) > MAX_BODY_LENGTH:
            return SupportRejection.TOO_LONG
        return None

    async def submit(self, telegram_id: int, topic: SupportTopic, body: str) -> SupportOutcome:
        rejection = self.check_body(body)
        if rejection:
            return SupportOutcome(None, rejection)
        now = self._clock.now()
        if await self._repository.count_since(telegram_id, now - timedelta(days=1)) >= (
            MAX_REQUESTS_PER_DAY
        ):
            return SupportOutcome(None, SupportRejection.TOO_MANY)
        request = await self._repository.add(telegram_id, topic.value, body.strip(), now)
        notify = tuple(sorted(a for a in self._admin_ids if a != telegram_id))
        return SupportOutcome(request, None, notify)
