"""APScheduler behind a small adapter: jobs are added by id and re-read the database.

The adapter counts each job's finished runs, so a test waits for "a run that started after
this moment has finished" (:meth:`APSchedulerAdapter.wait_for_run`) instead of sleeping.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler

log = logging.getLogger(__name__)


class RunCounter:
    """Finished runs per job (a failed run counts too: it has run), and a way to wait for
    more of them."""

    def __init__(self) -> None:
        self._runs: dict[str, int] = {}
        self._started: dict[str, int] = {}
        self._changed = asyncio.Condition()

    def runs(self, job_id: str) -> int:
        return self._runs.get(job_id, 0)

    def started(self, job_id: str) -> int:
        return self._started.get(job_id, 0)

    def starting(self, job_id: str) -> None:
        self._started[job_id] = self.started(job_id) + 1
        log.debug("The job %s starts run %d", job_id, self._started[job_id])

    async def finished(self, job_id: str) -> None:
        async with self._changed:
            self._runs[job_id] = self.runs(job_id) + 1
            self._changed.notify_all()
        # The end-to-end tests read these lines to wait for a run instead of sleeping.
        log.debug("The job %s finished run %d", job_id, self.runs(job_id))

    async def wait_for(self, job_id: str, after: int) -> int:
        """Wait until the job has finished more than ``after`` runs; returns the count. (The
        caller bounds the wait with ``asyncio.timeout``.)"""
        async with self._changed:
            await self._changed.wait_for(lambda: self.runs(job_id) > after)
            return self.runs(job_id)


def _stops_quietly(
    job_id: str, func: Callable[[], Awaitable[object]], counter: RunCounter
) -> Callable[[], Awaitable[None]]:
    """A job cancelled by the shutdown is not an error: its rows are re-read at the next start
    (APScheduler would otherwise log the cancellation with a traceback)."""

    async def run() -> None:
        counter.starting(job_id)
        try:
            await func()
        except asyncio.CancelledError:
            log.info("The job %s was stopped by the shutdown", job_id)
            return
        except Exception:
            log.exception("The job %s failed; it runs again at its next tick", job_id)
        await counter.finished(job_id)

    return run


class APSchedulerAdapter:
    def __init__(self, timezone: str) -> None:
        self._timezone = ZoneInfo(timezone)
        self._scheduler = AsyncIOScheduler(timezone=timezone)
        self._shutting_down = False
        self._runs = RunCounter()

    def add_interval(
        self, job_id: str, func: Callable[[], Awaitable[object]], every: timedelta
    ) -> None:
        # Jobs carry no state: each run re-reads the database, so a restart loses nothing.
        # The first run comes at the start, not one interval later: a bot that was down sends
        # what fell due meanwhile (and runs the day's cadence check) as soon as it is back.
        self._scheduler.add_job(
            _stops_quietly(job_id, func, self._runs),
            "interval",
            seconds=every.total_seconds(),
            id=job_id,
            replace_existing=True,
            coalesce=True,
            max_instances=1,
            next_run_time=datetime.now(self._timezone),
            # However late the loop gets to a run (the start waits for Telegram), it runs.
            misfire_grace_time=None,
        )

    def start(self) -> None:
        if not self._scheduler.running:
            self._scheduler.start()

    def shutdown(self) -> None:
        # AsyncIOScheduler shuts down in a callback on the loop, so ``running`` stays true
        # until then: a second call (on_shutdown, then closing the application, as webhook
        # mode does) would raise SchedulerNotRunningError inside that callback.
        if self._scheduler.running and not self._shutting_down:
            self._shutting_down = True
            self._scheduler.shutdown(wait=False)

    @property
    def job_ids(self) -> list[str]:
        return [job.id for job in self._scheduler.get_jobs()]

    def runs(self, job_id: str) -> int:
        """How many runs of the job have finished."""
        return self._runs.runs(job_id)

    async def wait_for_run(self, job_id: str, *, after: int | None = None) -> int:
        """Wait until more than ``after`` runs of the job have finished; by default, until a
        run that started after this call has finished (one under way now may have read the
        database before the caller's change). Returns the count of finished runs."""
        return await self._runs.wait_for(
            job_id, self._runs.started(job_id) if after is None else after
        )
