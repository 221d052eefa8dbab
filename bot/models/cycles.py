"""Cycles of the programme, their figures, the long-term mentor base and the mentor ranking."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any


@dataclass(frozen=True)
class Cycle:
    id: int
    organization_id: int
    number: int
    started_on: date
    planned_end: date | None
    closing_since: datetime | None
    closed_at: datetime | None

    @property
    def closing(self) -> bool:
        return self.closing_since is not None and self.closed_at is None

    @property
    def ended_at(self) -> datetime | None:
        """When a closed cycle ended, as its reports name it and count its targets and numbers
        to compare with: the moment it began closing (the curator closed it, or its planned
        end came), not the moment the next cycle opened — which is when ``closed_at`` is set,
        often the next September. A cycle closed without closing first (made before closing
        was recorded) ended when it closed. None while it is open."""
        if self.closed_at is None:
            return None
        return self.closing_since or self.closed_at


@dataclass(frozen=True)
class CycleCounts:
    participants: int  # taking part in the cycle now
    pairs: int  # every pair of the cycle
    active_pairs: int
    people_in_active_pairs: int  # distinct mentors and mentees
    completed_pairs: int
    ended_early: int  # ended and not completed


@dataclass(frozen=True)
class BaseEntry:
    participant_id: int
    telegram_id: int
    role: str
    source: str
    cycle_id: int | None
    full_name: str | None


@dataclass(frozen=True)
class FinalAnswers:
    participant_id: int
    form: str
    answers: dict[str, Any]


@dataclass(frozen=True)
class MentorFigures:
    """One mentor's work in a period (see ``MentorBaseQueries.mentor_figures``)."""

    mentor_id: int
    full_name: str | None
    pairs: int  # pairs of the period
    completed: int  # of them, completed in the period
    meetings_held: int  # held in the period
    usefulness: float | None  # mentees' average of "how useful" (1..5) after meetings
    usefulness_answers: int
    satisfaction: float | None  # mentees' average final satisfaction (0..10)
    satisfaction_answers: int
    mentees: int = 0  # distinct mentees of the pairs of the period (withdrawn ones not known)
    own_usefulness: float | None = None  # the mentor's own "how useful" after the meetings
    own_usefulness_answers: int = 0
