"""APScheduler behind a small adapter: jobs are added by id and re-read the database."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler

log = logging.getLogger(__name__)


def _stops_quietly(
    job_id: str, func: Callable[[], Awaitable[object]]
) -> Callable[[], Awaitable[None]]:
    """A job cancelled by the shutdown is not an error: its rows are re-read at the next start
    (APScheduler would otherwise log the cancellation with a traceback)."""

    async def run() -> None:
        try:
            await func()
        except asyncio.CancelledError:
            log.info("The job %s was stopped by the shutdown", job_id)

    return run


class APSchedulerAdapter:
    def __init__(self, timezone: str) -> None:
        self._timezone = ZoneInfo(timezone)
        self._scheduler = AsyncIOScheduler(timezone=timezone)
        self._shutting_down = False

    def add_interval(
        self, job_id: str, func: Callable[[], Awaitable[object]], every: timedelta
    ) -> None:
        # Jobs carry no state: each run re-reads the database, so a restart loses nothing.
        # The first run comes at the start, not one interval later: a bot that was down sends
        # what fell due meanwhile (and runs the day's cadence check) as soon as it is back.
        self._scheduler.add_job(
            _stops_quietly(job_id, func),
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
