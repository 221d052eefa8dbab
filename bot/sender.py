"""Rate-limited outgoing messages for bulk sends: announcements now, reminders later.

Telegram allows a bot about 30 messages a second in total and about one a second in one chat;
beyond that it answers 429 with ``retry_after``. The sender spaces its sends with two leaky
buckets (:mod:`aiolimiter`): one for the whole bot and one per chat, both shared by every bulk
send of the process, so two announcements running at once still keep the total rate.

It knows nothing of Telegram types. The caller passes ``send(chat_id)``, a coroutine function
that performs one send and translates the transport's errors into :class:`RetryLater` (flood
control: wait that many seconds, then try again) and :class:`Unreachable` (the person blocked
the bot or deleted the account: never retried). Any other exception counts as a failure of
that one recipient and is not retried either, since the message may have gone out.

A 429 pauses the whole sender, not only that recipient: flood control is about the bot, so the
other recipients would get the same answer. The wait is the ``retry_after`` given, once: the
caller's transport must not wait on its own as well (see ``handlers/delivery.py``).
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum

from aiolimiter import AsyncLimiter

log = logging.getLogger(__name__)

SendOne = Callable[[int], Awaitable[None]]
OnResult = Callable[["Delivery"], Awaitable[None]]

# Per-chat buckets idle for this many of their periods are dropped (they are empty by then):
# 20,000 reminders must not leave 20,000 limiters behind.
_PRUNE_AFTER_PERIODS = 2
_PRUNE_WHEN_MORE_THAN = 1000


class RetryLater(Exception):
    """Flood control: the send may be repeated after ``seconds``."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"retry after {seconds}s")
        self.seconds = seconds


class Unreachable(Exception):
    """The recipient cannot get messages from the bot (blocked it, deleted the account)."""


class Outcome(StrEnum):
    DELIVERED = "delivered"
    UNREACHABLE = "unreachable"
    FAILED = "failed"


@dataclass(frozen=True)
class Delivery:
    """What happened to one recipient."""

    chat_id: int
    outcome: Outcome
    attempts: int
    detail: str | None = None


@dataclass(frozen=True)
class SendReport:
    results: tuple[Delivery, ...]

    def chats(self, outcome: Outcome) -> list[int]:
        return [r.chat_id for r in self.results if r.outcome is outcome]

    @property
    def delivered(self) -> list[int]:
        return self.chats(Outcome.DELIVERED)

    @property
    def unreachable(self) -> list[int]:
        return self.chats(Outcome.UNREACHABLE)

    @property
    def failed(self) -> list[int]:
        return self.chats(Outcome.FAILED)


@dataclass
class _ChatSlot:
    limiter: AsyncLimiter
    users: int = 0
    last_used: float = 0.0


def _spacing_limiter(per_second: float) -> AsyncLimiter:
    # A bucket of one: sends are spaced evenly, never bursting above the rate.
    return AsyncLimiter(1, 1 / per_second)


# Requests reach Telegram a little earlier or later than they leave (the network, the other
# side's queue): the global limit is kept for windows this much longer than a second.
ARRIVAL_JITTER = 0.05
# Turns a late wake-up may catch up on, per message a second of the limit: the event loop busy
# with other sends wakes up late for a turn, and a bucket of one would lose it for good.
CATCH_UP_SHARE = 1 / 60


def _global_limiter(per_second: float) -> AsyncLimiter:
    """A leaky bucket that catches up on turns a busy event loop woke up late for, without ever
    letting more than ``per_second`` messages reach Telegram within one second.

    A bucket of capacity ``b`` draining at ``r`` lets at most ``b + r * t`` sends through in any
    ``t`` seconds; with ``t`` a second plus the arrival jitter, ``r`` is chosen so that this is
    ``per_second``. At 300 a second that is 5 turns of catching up at 281 a second (94 %); at
    Telegram's 30, a bucket of one at 27.6 a second.
    """
    burst = max(1, int(per_second * CATCH_UP_SHARE))
    window = 1 + ARRIVAL_JITTER
    # Below 2 a second the bound cannot hold with a bucket of one; half the rate is kept there.
    rate = max(per_second - burst, per_second / 2) / window
    return AsyncLimiter(burst, burst / rate)


class RateLimitedSender:
    """Sends to many chats under a global and a per-chat rate; one result per recipient.

    ``sleep`` and ``monotonic`` are only for waiting out flood control; tests replace them to
    check the waits without spending them. The leaky buckets use the event loop's own clock.
    """

    def __init__(
        self,
        per_second: float = 30.0,
        per_chat_per_second: float = 1.0,
        *,
        attempts: int = 4,
        longest_wait: float = 600.0,
        concurrency: int | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        if per_second <= 0 or per_chat_per_second <= 0:
            raise ValueError("rates must be positive")
        if attempts < 1:
            raise ValueError("attempts must be at least 1")
        self.per_second = per_second
        self.per_chat_per_second = per_chat_per_second
        self._attempts = attempts
        self._longest_wait = longest_wait
        # Enough sends in flight to reach the rate with a slow network (~0.3 s a request).
        self._concurrency = concurrency or max(1, min(64, math.ceil(per_second / 3)))
        self._sleep = sleep
        self._monotonic = monotonic
        self._global = _global_limiter(per_second)
        self._chats: dict[int, _ChatSlot] = {}
        self._next_prune = 0.0
        self._resume_at = 0.0

    async def send_all(
        self, chat_ids: Iterable[int], send: SendOne, *, on_result: OnResult | None = None
    ) -> SendReport:
        """Send to every chat once (duplicates are dropped), in order, a few at a time.

        ``on_result`` is awaited after each recipient, e.g. to record an unreachable person at
        once or to count progress; a cancelled send_all has reported what was done so far.
        """
        pending = iter(dict.fromkeys(chat_ids))  # unique, in the given order
        results: list[Delivery] = []

        async def worker() -> None:
            for chat_id in pending:  # the iterator is shared: each chat is taken once
                delivery = await self.send_one(chat_id, send)
                results.append(delivery)
                if on_result is not None:
                    await on_result(delivery)

        async with asyncio.TaskGroup() as group:
            for _ in range(self._concurrency):
                group.create_task(worker())
        return SendReport(tuple(results))

    async def send_one(self, chat_id: int, send: SendOne) -> Delivery:
        """One recipient: wait for the limits, send, wait out flood control a few times."""
        detail = None
        for attempt in range(1, self._attempts + 1):
            await self._take_turn(chat_id)
            try:
                await send(chat_id)
            except RetryLater as error:
                if error.seconds > self._longest_wait:
                    log.warning(
                        "Flood control asks to wait %ss; chat %s skipped", error.seconds, chat_id
                    )
                    return Delivery(chat_id, Outcome.FAILED, attempt, str(error))
                self._pause(error.seconds)
                detail = str(error)
                continue
            except Unreachable as error:
                return Delivery(chat_id, Outcome.UNREACHABLE, attempt, str(error) or None)
            except Exception as error:  # one recipient's failure must not stop the others
                log.warning("Sending to chat %s failed: %r", chat_id, error)
                return Delivery(chat_id, Outcome.FAILED, attempt, repr(error))
            return Delivery(chat_id, Outcome.DELIVERED, attempt)
        return Delivery(chat_id, Outcome.FAILED, self._attempts, detail)

    async def _take_turn(self, chat_id: int) -> None:
        slot = self._chats.get(chat_id)
        if slot is None:
            self._prune()
            slot = self._chats[chat_id] = _ChatSlot(_spacing_limiter(self.per_chat_per_second))
        slot.users += 1
        try:
            await slot.limiter.acquire()
        finally:
            slot.users -= 1
            slot.last_used = self._monotonic()
        while True:
            pause = self._resume_at - self._monotonic()
            if pause > 0:
                await self._sleep(pause)
            await self._global.acquire()
            # A 429 may have come while this send waited for its turn: then it waits too,
            # and takes a new turn, so the sends after a pause are spaced again.
            if self._resume_at <= self._monotonic():
                return

    def paused_for(self) -> float:
        """Seconds left of a flood-control pause (0 when sending may go on). A ``send`` that
        awaits something after its turn came checks this before its request goes out."""
        return max(0.0, self._resume_at - self._monotonic())

    def _pause(self, seconds: float) -> None:
        resume_at = self._monotonic() + seconds
        if resume_at > self._resume_at:
            log.warning("Flood control: bulk sending paused for %ss", seconds)
            self._resume_at = resume_at

    def _prune(self) -> None:
        # A scan of every slot at most once a period: scanning at each new chat would cost a
        # pass over a thousand slots per message of a 20,000-chat delivery.
        now = self._monotonic()
        if len(self._chats) <= _PRUNE_WHEN_MORE_THAN or now < self._next_prune:
            return
        self._next_prune = now + 1 / self.per_chat_per_second
        idle_since = now - _PRUNE_AFTER_PERIODS / self.per_chat_per_second
        for chat_id, slot in list(self._chats.items()):
            if slot.users == 0 and slot.last_used < idle_since:
                del self._chats[chat_id]
