from __future__ import annotations

from datetime import datetime, timedelta

from bot.clock import Clock


class ManualClock(Clock):
    """A clock that moves only when a test moves it."""

    def __init__(self, start: datetime) -> None:
        self._now = start

    def now(self) -> datetime:
        return self._now

    def advance(self, delta: timedelta) -> None:
        self._now += delta
