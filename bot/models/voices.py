"""What participants said in their own words: the free answers of the final polls and of the
compatibility form, as the curator reads them (see :mod:`bot.reports.voices`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.models.cycles import Cycle, MentorFigures
from bot.models.periods import Period


@dataclass(frozen=True)
class VoicePair:
    """A pair a response speaks about; a side that withdrew has no id and no name."""

    pair_id: int
    mentor_id: int | None
    mentee_id: int | None
    mentor_name: str | None
    mentee_name: str | None


@dataclass(frozen=True)
class VoiceRecord:
    """A completed response as the repository reads it, with the pairs it is about (a
    mentor's final poll speaks for each of their pairs completed in the cycle)."""

    response_id: int
    form: str
    participant_id: int
    role: str
    full_name: str | None
    answers: dict[str, Any]
    completed_at: datetime
    pairs: tuple[VoicePair, ...]


@dataclass(frozen=True)
class Voice:
    """One person's free answers to one form: ``texts`` are (question key, text) in the form's
    order; ``choice`` is (question key, option value) of the choice shown beside them ("goal
    reached" of the mentee's final poll, "comfortable" of the compatibility form)."""

    response_id: int
    form: str
    participant_id: int
    role: str
    full_name: str | None
    pairs: tuple[VoicePair, ...]
    answered_at: datetime
    texts: tuple[tuple[str, str], ...]
    choice: tuple[str, str] | None


@dataclass(frozen=True)
class GoalTally:
    """The mentees' "did you reach your goal?" of the final polls of a period."""

    yes: int = 0
    partly: int = 0
    no: int = 0

    @property
    def answered(self) -> int:
        return self.yes + self.partly + self.no


@dataclass(frozen=True)
class PeriodScope:
    """A period checked against an organization: for a cycle, the cycle itself (None for the
    current cycle of an organization that has none recorded yet)."""

    organization_id: int
    period: Period
    cycle: Cycle | None
    timezone: str


@dataclass(frozen=True)
class VoicePage:
    scope: PeriodScope
    voices: list[Voice]
    total: int  # responses with something to read in the period
    page: int
    pages: int
    goals: GoalTally


@dataclass(frozen=True)
class VoiceBook:
    """What the two sheets of the workbook show for one period."""

    scope: PeriodScope
    voices: list[Voice]
    mentors: list[MentorFigures]
