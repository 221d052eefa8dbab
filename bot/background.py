"""Work that outlives the update that started it (a long bulk send), tracked for shutdown.

A task started here is not lost when the handler returns, its failure is logged, and a
stopping bot first lets it finish for a while, then cancels it and waits until it has handled
the cancellation (an announcement tells its curator how far it got).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

log = logging.getLogger(__name__)

# After cancelling, how long a task may take to tidy up (e.g. send one last message).
CANCEL_GRACE_SECONDS = 5.0


class BackgroundClosed(RuntimeError):
    """The bot is stopping: no new background work is accepted."""


class BackgroundTasks:
    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[None]] = set()
        self._closing = False

    @property
    def accepting(self) -> bool:
        return not self._closing

    @property
    def active(self) -> int:
        return len(self._tasks)

    def start(self, work: Coroutine[Any, Any, None], *, name: str) -> asyncio.Task[None]:
        if self._closing:
            work.close()
            raise BackgroundClosed(name)
        task = asyncio.create_task(work, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._finished)
        return task

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("Background task %s failed", task.get_name(), exc_info=task.exception())

    async def wait_idle(self, seconds: float) -> bool:
        """True when every task started so far has ended within ``seconds``."""
        if not self._tasks:
            return True
        _done, pending = await asyncio.wait(set(self._tasks), timeout=seconds)
        return not pending

    async def close(self, grace_seconds: float) -> None:
        """Stop accepting work, let running tasks finish within the grace, cancel the rest."""
        self._closing = True
        if await self.wait_idle(max(grace_seconds, 0.0)):
            return
        remaining = set(self._tasks)
        log.warning("Stopping %d background task(s) still running", len(remaining))
        for task in remaining:
            task.cancel()
        _done, pending = await asyncio.wait(remaining, timeout=CANCEL_GRACE_SECONDS)
        if pending:
            log.warning("%d background task(s) did not stop in time", len(pending))
