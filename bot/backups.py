"""The nightly backup: once a day, from 03:00 in the bot's time zone, a checked copy of the
database as ``mentorbot-YYYY-MM-DD.sqlite3`` in the backup folder; the newest ``keep`` are kept.

The job ticks often and asks :meth:`NightlyBackups.due`: a day whose file exists is done, so a
restart never makes a second copy, and a bot that was down at 03:00 makes the day's copy at its
first tick after it. A failed attempt is tried again an hour later; the caller tells the
administrators once a day (:attr:`BackupAttempt.first_failure_today`).
"""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.clock import Clock
from storage.backup import BackupError, BackupResult, backup_database

log = logging.getLogger(__name__)

NIGHT = time(3, 0)
RETRY_AFTER = timedelta(hours=1)
PREFIX = "mentorbot-"
SUFFIX = ".sqlite3"
_NAME = re.compile(r"^mentorbot-(\d{4}-\d{2}-\d{2})\.sqlite3$")


def backup_name(day: date) -> str:
    return f"{PREFIX}{day.isoformat()}{SUFFIX}"


@dataclass(frozen=True)
class BackupAttempt:
    day: date
    result: BackupResult | None  # None: it failed
    error: str | None = None
    removed: tuple[Path, ...] = ()
    first_failure_today: bool = False

    @property
    def ok(self) -> bool:
        return self.result is not None


class NightlyBackups:
    def __init__(
        self, database: Path, folder: Path, keep: int, timezone: str, clock: Clock
    ) -> None:
        self._database = database
        self.folder = folder
        self._keep = keep
        self._zone = ZoneInfo(timezone)
        self._clock = clock
        self._last_failure: datetime | None = None
        self._told_on: date | None = None

    @property
    def enabled(self) -> bool:
        return self._keep > 0

    def kept(self) -> list[Path]:
        """The nightly backups in the folder, oldest first (other files are left alone)."""
        if not self.folder.is_dir():
            return []
        return sorted(p for p in self.folder.iterdir() if _NAME.match(p.name) and p.is_file())

    def due(self) -> date | None:
        """The local day whose backup should be made now, if any."""
        if not self.enabled:
            return None
        now = self._clock.now()
        local = now.astimezone(self._zone)
        if local.time() < NIGHT:
            return None
        day = local.date()
        if (self.folder / backup_name(day)).exists():
            return None
        if self._last_failure is not None and now - self._last_failure < RETRY_AFTER:
            return None
        return day

    async def run(self) -> BackupAttempt | None:
        """Make the day's backup if it is due (None when not). Never raises for a failed
        backup: the attempt says what went wrong."""
        day = self.due()
        if day is None:
            return None
        target = self.folder / backup_name(day)
        try:
            result = await asyncio.to_thread(backup_database, self._database, target)
        except (BackupError, OSError) as error:
            self._last_failure = self._clock.now()
            first = self._told_on != day
            self._told_on = day
            log.error("The nightly backup to %s failed: %s", target, error)
            return BackupAttempt(day, None, str(error), first_failure_today=first)
        self._last_failure = None
        removed = self._prune()
        log.info(
            "Nightly backup %s: %d bytes, integrity ok, %d rows; removed %d old backups",
            target, result.check.size, result.check.total_rows, len(removed),
        )  # fmt: skip
        return BackupAttempt(day, result, removed=tuple(removed))

    def _prune(self) -> list[Path]:
        backups = self.kept()
        old = backups[: max(0, len(backups) - self._keep)]
        removed = []
        for path in old:
            try:
                path.unlink()
            except OSError as error:
                log.warning("Could not remove the old backup %s: %s", path, error)
            else:
                removed.append(path)
        return removed
