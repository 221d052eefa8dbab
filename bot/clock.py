"""Time for the whole application comes from here, so tests can control it."""

from __future__ import annotations

from abc import ABC, abstractmethod
from datetime import UTC, datetime


class Clock(ABC):
    @abstractmethod
    def now(self) -> datetime:
        """The current moment as an aware UTC datetime."""


class SystemClock(Clock):
    def now(self) -> datetime:
        return datetime.now(UTC)


def to_db(moment: datetime) -> str:
    """One text form for every timestamp in the database: ISO 8601 in UTC."""
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def from_db(value: str) -> datetime:
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
