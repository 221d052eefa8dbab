"""A curator's announcement to all mentors, all mentees or everyone in the organization.

The recipients are read at the moment of sending, so a person who withdrew in the meantime
(whose row is gone) gets nothing, and people known to be unreachable are skipped. Each message
goes through the outbox (the shared sender's limits, the recipient's language); whoever turns
out to be unreachable is marked at once, so the next bulk send skips them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from enum import StrEnum

from bot.clock import Clock
from bot.models.audience import AudienceRow
from bot.sender import Outcome, RateLimitedSender
from storage.repositories.reachability import ReachabilityRepository

# Telegram's limit is 4096; the header and the curator's name need the rest.
MAX_TEXT_LENGTH = 3000


class Audience(StrEnum):
    MENTORS = "mentors"
    MENTEES = "mentees"
    EVERYONE = "everyone"


AUDIENCE_ROLES: dict[Audience, tuple[str, ...]] = {
    Audience.MENTORS: ("mentor",),
    Audience.MENTEES: ("mentee",),
    Audience.EVERYONE: ("mentor", "mentee"),
}


class TextProblem(StrEnum):
    EMPTY = "empty"
    TOO_LONG = "too_long"


def text_length(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units (an emoji may count as two)."""
    return len(text.encode("utf-16-le")) // 2


def check_text(text: str) -> TextProblem | None:
    if not text.strip():
        return TextProblem.EMPTY
    if text_length(text) > MAX_TEXT_LENGTH:
        return TextProblem.TOO_LONG
    return None


@dataclass(frozen=True)
class Person:
    """One person of the audience (a person with two roles is one person)."""

    telegram_id: int
    participant_id: int
    role: str
    full_name: str | None
    language: str | None
    unreachable: bool


@dataclass(frozen=True)
class AudienceView:
    reachable: tuple[Person, ...]
    unreachable: tuple[Person, ...]

    @property
    def total(self) -> int:
        return len(self.reachable) + len(self.unreachable)


@dataclass
class Progress:
    """Filled in while sending; read by whoever must report a send that was interrupted."""

    total: int = 0
    delivered: int = 0
    unreachable: int = 0
    failed: int = 0

    @property
    def done(self) -> int:
        return self.delivered + self.unreachable + self.failed


@dataclass(frozen=True)
class AnnouncementReport:
    delivered: int
    # Skipped as known unreachable, or found unreachable now.
    not_reached: tuple[Person, ...] = field(default_factory=tuple)
    failed: tuple[Person, ...] = field(default_factory=tuple)


def _people(rows: list[AudienceRow]) -> list[Person]:
    people: dict[int, Person] = {}
    for row in rows:
        known = people.get(row.telegram_id)
        unreachable = row.unreachable_since is not None
        if known is None:
            people[row.telegram_id] = Person(
                telegram_id=row.telegram_id,
                participant_id=row.participant_id,
                role=row.role,
                full_name=row.full_name,
                language=row.language,
                unreachable=unreachable,
            )
        elif unreachable and not known.unreachable:
            people[row.telegram_id] = Person(
                known.telegram_id,
                known.participant_id,
                known.role,
                known.full_name or row.full_name,
                known.language,
                True,
            )
    return list(people.values())


class AnnouncementService:
    def __init__(
        self, repository: ReachabilityRepository, sender: RateLimitedSender, clock: Clock
    ) -> None:
        self._repository = repository
        self._sender = sender
        self._clock = clock
        # The check and the mark must not interleave: two 403s to one person at once (two
        # follow-ups in one tick) would both find them reachable and tell the curators twice.
        self._marking = asyncio.Lock()

    async def audience(self, organization_id: int, audience: Audience) -> AudienceView:
        people = _people(await self._repository.audience(organization_id, AUDIENCE_ROLES[audience]))
        return AudienceView(
            reachable=tuple(p for p in people if not p.unreachable),
            unreachable=tuple(p for p in people if p.unreachable),
        )

    async def sizes(self, organization_id: int) -> dict[Audience, int]:
        """How many people each audience has (reachable or not), for the buttons."""
        rows = await self._repository.audience(organization_id, AUDIENCE_ROLES[Audience.EVERYONE])
        return {
            audience: len({r.telegram_id for r in rows if r.role in AUDIENCE_ROLES[audience]})
            for audience in Audience
        }

    async def deliver(
        self,
        organization_id: int,
        audience: Audience,
        send: Callable[[Person], Awaitable[Outcome]],
        progress: Progress | None = None,
        workers: int = 8,
    ) -> AnnouncementReport:
        """Send to the audience as it is now; ``send`` performs one send to one person under
        the outbox's policy (limits, language, marking the unreachable) and says how it went.
        A few sends wait for their turns at once, so the sender's rate is used in full."""
        view = await self.audience(organization_id, audience)
        progress = progress if progress is not None else Progress()
        progress.total = view.total
        progress.unreachable = len(view.unreachable)
        pending = iter(view.reachable)  # shared: each person is taken by one worker
        not_reached: list[Person] = []
        failed: list[Person] = []

        async def worker() -> None:
            for person in pending:
                outcome = await send(person)
                if outcome is Outcome.DELIVERED:
                    progress.delivered += 1
                elif outcome is Outcome.UNREACHABLE:
                    progress.unreachable += 1
                    not_reached.append(person)
                else:
                    progress.failed += 1
                    failed.append(person)

        async with asyncio.TaskGroup() as group:
            for _ in range(max(1, workers)):
                group.create_task(worker())
        return AnnouncementReport(
            delivered=progress.delivered,
            not_reached=view.unreachable + tuple(not_reached),
            failed=tuple(failed),
        )

    async def mark_unreachable(self, telegram_id: int) -> bool:
        """Mark a person the bot cannot write to; True when they were reachable until now, so
        that the curator hears of it once, not at every failed message."""
        async with self._marking:
            newly = not await self._repository.is_unreachable(telegram_id)
            await self._repository.mark_unreachable([telegram_id], self._clock.now())
        return newly

    async def is_unreachable(self, telegram_id: int) -> bool:
        """Whether the person is marked unreachable: a send to them is not even tried."""
        return await self._repository.is_unreachable(telegram_id)

    async def mark_reachable(self, telegram_id: int) -> bool:
        return await self._repository.mark_reachable(telegram_id)
