"""The period a report covers: a cycle, a school year, a calendar year or a range of dates.

The education office asks for figures on fixed dates (the analytic report by 30 November, the
share of pupils involved by 31 December) that fall in the middle of a September–May cycle, so
every report takes one of these. How each kind selects pairs, meetings and people is decided
once, in :mod:`storage.repositories.period_sql`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class PeriodKind(StrEnum):
    CYCLE = "cycle"
    SCHOOL_YEAR = "school_year"
    CALENDAR_YEAR = "year"
    RANGE = "range"


@dataclass(frozen=True)
class Period:
    """``CYCLE`` with ``cycle_id`` None is each organization's current cycle (the default of
    every report); with an id, that one cycle. The other kinds are dated: ``start`` and
    ``end`` are the first and the last day, both included."""

    kind: PeriodKind
    start: date | None = None
    end: date | None = None
    cycle_id: int | None = None

    def __post_init__(self) -> None:
        if self.kind is PeriodKind.CYCLE:
            if self.start is not None or self.end is not None:
                raise ValueError("a cycle period has no dates of its own")
        elif self.start is None or self.end is None or self.end < self.start:
            raise ValueError("a dated period needs a start not after its end")

    # --- the kinds -----------------------------------------------------------------------

    @classmethod
    def current_cycle(cls) -> Period:
        return cls(PeriodKind.CYCLE)

    @classmethod
    def cycle(cls, cycle_id: int) -> Period:
        return cls(PeriodKind.CYCLE, cycle_id=cycle_id)

    @classmethod
    def school_year(cls, first_year: int) -> Period:
        """1 September of ``first_year`` to 31 August of the next (2026 is 2026/27)."""
        return cls(PeriodKind.SCHOOL_YEAR, date(first_year, 9, 1), date(first_year + 1, 8, 31))

    @classmethod
    def calendar_year(cls, year: int) -> Period:
        return cls(PeriodKind.CALENDAR_YEAR, date(year, 1, 1), date(year, 12, 31))

    @classmethod
    def between(cls, start: date, end: date) -> Period:
        return cls(PeriodKind.RANGE, start, end)

    # --- questions -------------------------------------------------------------------------

    @property
    def dated(self) -> bool:
        return self.kind is not PeriodKind.CYCLE

    @property
    def is_current_cycle(self) -> bool:
        return self.kind is PeriodKind.CYCLE and self.cycle_id is None

    def contains(self, day: date) -> bool:
        """Whether ``day`` falls in a dated period (a cycle period has no dates: False)."""
        return self.start is not None and self.end is not None and self.start <= day <= self.end

    def target_year(self, cycle_end: date) -> int:
        """The calendar year whose target a report of this period is compared with: the year
        of the period's last day (a school year 2025/26 answers for 2026); a cycle has no dates
        here, so the caller gives its end (the day it closed, or today for an open one)."""
        if self.end is not None:
            return self.end.year
        return cycle_end.year
