"""The real bot, on a clock the test sets: ``python -m tests.e2e.clocked CLOCK_FILE [run]``.

It runs exactly what ``python -m bot run`` runs (:func:`bot.__main__.main`), only with a
:class:`FileClock`. The switch lives in the test tree and takes the file as an argument, so a
production deployment (``python -m bot``) cannot turn it on by an environment variable left
behind by accident.

The clock *runs*: the file holds an instant and the real moment it was written, and ``now()`` is
that instant plus the real time elapsed since. A frozen clock would be simpler to reason about,
but the bot also measures real durations against its clock (leases of claimed reminders,
"sent at" stamps, FSM timeouts): frozen, a lease taken by a killed process would never run out.
The scheduler's ticks keep running on real time; every tick reads this clock afresh, so a
reminder that became due through :func:`set_time` is sent at the next tick.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.clock import Clock


def set_time(path: Path, moment: datetime) -> None:
    """Make every process reading ``path`` see ``moment`` now, running on from there."""
    if moment.tzinfo is None:
        raise ValueError("the moment must be aware")
    temporary = path.with_suffix(".tmp")
    temporary.write_text(
        json.dumps({"at": moment.astimezone(UTC).isoformat(), "written": time.time()})
    )
    os.replace(temporary, path)  # atomic: a reader never sees half a file


class FileClock(Clock):
    """The instant written to a file by the test, advancing with real time since then."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._stamp: int | None = None
        self._base = datetime.now(UTC)
        self._written = time.time()

    def now(self) -> datetime:
        stamp = self._path.stat().st_mtime_ns
        if stamp != self._stamp:  # re-read only when the test moved the clock
            data = json.loads(self._path.read_text())
            self._base = datetime.fromisoformat(data["at"])
            self._written = float(data["written"])
            self._stamp = stamp
        return self._base + timedelta(seconds=max(0.0, time.time() - self._written))


def main(argv: list[str]) -> int:
    if not argv:
        print("usage: python -m tests.e2e.clocked CLOCK_FILE [bot arguments]", file=sys.stderr)
        return 2
    path = Path(argv[0])
    if not path.exists():
        print(f"{path}: no such clock file (write it with set_time first)", file=sys.stderr)
        return 2
    from bot.__main__ import main as bot_main

    # The scheduler's runs in the log: the tests wait for a tick instead of sleeping.
    logging.getLogger("bot.scheduler").setLevel(logging.DEBUG)

    return bot_main(argv[1:] or ["run"], clock=FileClock(path))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
