"""One way out: every message the bot starts itself goes through the outbox, with one policy.

- **Language:** a message is rendered in the recipient's language (their choice, else the
  language Telegram last reported for them, else the default), whoever's action caused it.
- **Reachability:** nothing is tried for someone known to have blocked the bot; the first
  403 marks the person and tells the curators once.
- **Limits:** every message waits for the shared sender's global and per-chat turns; a 429
  pauses sending for ``retry_after`` and the message is tried again.
- **Record:** each message is a row. It is marked sent in the commit that opens the gate of
  its request (the bytes are written only after that commit), so a restart repeats nothing;
  a queued message not yet sent is sent after a restart.

Replies to a person's own action stay direct (the handler answers). The outbox knows no
messenger: a front end delivers a :class:`~bot.screens.Screen` and reports errors in the
sender's terms (:class:`~bot.sender.RetryLater`, :class:`~bot.sender.Unreachable`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable
from contextlib import AbstractContextManager
from datetime import timedelta
from typing import Protocol

from bot.announcements import AnnouncementService
from bot.background import BackgroundClosed, BackgroundTasks
from bot.clock import Clock
from bot.languages import LanguageService
from bot.models.outbox import OutboxRow
from bot.screens import Screen
from bot.sender import Outcome, RateLimitedSender, RetryLater
from storage.repositories.outbox import OutboxRepository

log = logging.getLogger(__name__)

Render = Callable[[], Screen]  # called with the recipient's language in force
Gate = Callable[[], Awaitable[bool]]

# A killed process's claimed rows are sent by the next one after this long.
LEASE = timedelta(seconds=30)


class FrontEnd(Protocol):
    async def deliver(self, chat_id: int, screen: Screen, gate: Gate) -> bool:
        """Send once ``gate()`` said yes (False: it said no, nothing was sent). Raises
        RetryLater for flood control and Unreachable for a chat that is gone."""
        ...


# Makes the given locale the one gettext uses inside the block.
LocaleScope = Callable[[str], AbstractContextManager[None]]


OnUnreachable = Callable[[int], Awaitable[None]]


class Outbox:
    def __init__(
        self,
        repository: OutboxRepository,
        languages: LanguageService,
        reachability: AnnouncementService,
        sender: RateLimitedSender,
        background: BackgroundTasks,
        clock: Clock,
    ) -> None:
        self._repository = repository
        self._languages = languages
        self._reachability = reachability
        self._sender = sender
        self._background = background
        self._clock = clock
        self._front_end: FrontEnd | None = None
        self._scope: LocaleScope | None = None
        self._on_unreachable: OnUnreachable | None = None
        self._held: set[int] = set()
        self._loop: asyncio.Task[None] | None = None
        self._again = False

    def connect(
        self, front_end: FrontEnd, scope: LocaleScope, on_unreachable: OnUnreachable
    ) -> None:
        """The edge's part, given once the messenger's objects exist (see bot/app.py)."""
        self._front_end = front_end
        self._scope = scope
        self._on_unreachable = on_unreachable

    # -- posting ------------------------------------------------------------------------

    async def send(self, telegram_id: int, render: Render, *, kind: str) -> Outcome:
        """Send now, the caller waiting (an introduction, a proposal to the other side, a
        curator's alert). Someone known to be unreachable is not tried."""
        if await self._reachability.is_unreachable(telegram_id):
            return Outcome.UNREACHABLE
        screen = self.render(await self._languages.resolve(telegram_id), render)
        row_id: int | None = None

        async def mark() -> bool:
            nonlocal row_id
            now = self._clock.now()
            if row_id is None:
                row_id = await self._repository.add_sent(telegram_id, kind, screen.to_json(), now)
                return True
            return await self._repository.mark_sent(row_id, now)

        async def unmark() -> None:
            assert row_id is not None
            await self._repository.unsend(row_id, self._clock.now() + LEASE)

        outcome = await self.deliver(telegram_id, screen, mark, unmark) or Outcome.FAILED
        if outcome is not Outcome.DELIVERED:
            if row_id is None:  # it never reached the gate: recorded to account for it
                row_id = await self._repository.add_sent(
                    telegram_id, kind, screen.to_json(), self._clock.now()
                )
            await self._repository.settle(row_id, str(outcome), self._clock.now())
        return outcome

    async def post(self, messages: Iterable[tuple[int, Render]], *, kind: str) -> int:
        """Queue messages for the delivery loop (a cycle's closing, a digest): rendered now in
        each recipient's language and recorded in one transaction; returns how many."""
        listed = list(messages)
        if not listed:
            return 0
        locales = await self._languages.of_recipients([tid for tid, _ in listed])
        rows = [(tid, kind, self.render(locales[tid], render).to_json()) for tid, render in listed]
        queued = await self._repository.add_pending(rows, self._clock.now())
        self.kick()
        return queued

    def render(self, locale: str, render: Render) -> Screen:
        if self._scope is None:
            raise RuntimeError("The outbox is not connected to a front end")
        with self._scope(locale):
            return render()

    # -- the one delivery policy ----------------------------------------------------------

    async def deliver(
        self,
        telegram_id: int,
        screen: Screen,
        mark: Callable[[], Awaitable[bool]],
        unmark: Callable[[], Awaitable[None]],
    ) -> Outcome | None:
        """Deliver one message under the limits. ``mark()`` commits "sent" right before the
        request is written (False: no longer wanted, nothing is sent, None is returned);
        ``unmark()`` puts it back when flood control answered instead. Reminders use this
        with their own rows."""
        if self._front_end is None:
            raise RuntimeError("The outbox is not connected to a front end")
        front_end = self._front_end
        refused = False
        marked = False

        async def gate() -> bool:
            nonlocal refused, marked
            if not await mark():
                refused = True
                return False
            marked = True
            # A 429 may have come while the mark was being committed: wait it out too.
            return self._sender.paused_for() <= 0

        async def attempt(chat: int) -> None:
            nonlocal marked
            marked = False
            try:
                if await front_end.deliver(chat, screen, gate) or refused:
                    return
                raise RetryLater(self._sender.paused_for())
            except RetryLater:
                if marked:
                    await unmark()
                raise

        delivery = await self._sender.send_one(telegram_id, attempt)
        if refused:
            return None
        if delivery.outcome is Outcome.UNREACHABLE:
            await self.found_unreachable(telegram_id)
        elif delivery.outcome is Outcome.FAILED:
            log.warning("Message to chat %s failed: %s", telegram_id, delivery.detail)
        return delivery.outcome

    async def found_unreachable(self, telegram_id: int) -> None:
        """The person blocked the bot: marked, and the curators told the first time."""
        if await self._reachability.mark_unreachable(telegram_id) and self._on_unreachable:
            await self._on_unreachable(telegram_id)

    # -- the delivery loop for queued messages --------------------------------------------

    def kick(self) -> None:
        """Start the delivery loop unless it runs (then it looks again before it stops)."""
        if self._loop is not None and not self._loop.done():
            self._again = True
            return
        try:
            self._loop = self._background.start(self._run(), name="outbox")
        except BackgroundClosed:
            return

    async def idle(self) -> None:
        """Wait until the queued messages are delivered or settled (for shutdown and tests)."""
        while self._loop is not None and not self._loop.done():
            await asyncio.shield(self._loop)

    async def pending(self) -> int:
        return await self._repository.count("pending")

    async def _run(self) -> None:
        batch = max(2, int(self._sender.per_second))
        while self._background.accepting:
            self._again = False
            now = self._clock.now()
            rows = await self._repository.claim(now, now + LEASE, batch, self._held)
            if not rows:
                if self._again:
                    continue
                return
            self._held.update(row.id for row in rows)
            try:
                await asyncio.gather(*(self._deliver_row(row) for row in rows))
            except BaseException:
                unsent = [row.id for row in rows if row.id in self._held]
                await asyncio.shield(self._repository.release(unsent))
                self._held.difference_update(unsent)
                raise

    async def _deliver_row(self, row: OutboxRow) -> None:
        try:
            await self._deliver_queued(row)
        except asyncio.CancelledError:
            raise  # still held: the stopping loop gives it back
        except Exception:  # one message's failure must not stop the others
            log.exception("Outbox message %s could not be delivered", row.id)
            await self._repository.settle(row.id, "failed", self._clock.now())
        self._held.discard(row.id)

    async def _deliver_queued(self, row: OutboxRow) -> None:
        if await self._reachability.is_unreachable(row.telegram_id):
            await self._repository.settle(row.id, "unreachable", self._clock.now())
            return

        async def mark() -> bool:
            return await self._repository.mark_sent(row.id, self._clock.now())

        async def unmark() -> None:
            await self._repository.unsend(row.id, self._clock.now() + LEASE)

        outcome = await self.deliver(row.telegram_id, Screen.from_json(row.screen), mark, unmark)
        if outcome in (Outcome.UNREACHABLE, Outcome.FAILED):
            await self._repository.settle(row.id, str(outcome), self._clock.now())
