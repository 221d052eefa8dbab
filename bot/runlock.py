"""The running bot's exclusive lock on its database, so that a restore cannot replace the
database under it (and a second bot on the same database is refused).

``python -m bot run`` takes ``<database>.lock`` with ``flock`` for the life of the process; the
kernel releases it when the process ends, however it ends (a killed bot leaves no stale lock).
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from types import TracebackType


class AlreadyLocked(Exception):
    """Another process (a running bot, or a restore) holds the database's lock."""


def lock_path(database: Path) -> Path:
    return database.with_name(f"{database.name}.lock")


class RunLock:
    def __init__(self, database: Path) -> None:
        self.path = lock_path(database)
        self._fd: int | None = None

    def acquire(self) -> RunLock:
        """Take the lock without waiting; raises :class:`AlreadyLocked` when it is held."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise AlreadyLocked(str(self.path)) from None
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd
        return self

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> RunLock:
        return self.acquire()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.release()
