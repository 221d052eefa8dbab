"""Figures of the indicators and the monitoring report, and the denominators of the shares."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class StageCounts:
    """How many people reached each stage (see :mod:`bot.reports.indicators`)."""

    invited: int
    consented: int
    questionnaire_done: int
    matched: int
    in_pairs: int
    completed: int


@dataclass(frozen=True)
class StageRow:
    organization_id: int
    form: str | None
    counts: StageCounts


@dataclass(frozen=True)
class MeetingTotals:
    held: int
    planned: int
    feedback_answered: int


@dataclass(frozen=True)
class MeetingRow:
    organization_id: int
    form: str  # the form of the meetings' pair
    totals: MeetingTotals


@dataclass(frozen=True)
class PollTotals:
    answered: int
    satisfied: int


@dataclass(frozen=True)
class Involvement:
    mentees_10_19: int
    mentors_15_19: int
    young_teachers: int
    employers: list[tuple[int, str]]  # (organization, workplace as typed) of employer mentors


@dataclass(frozen=True)
class MonitoringAnswers:
    questionnaire: str
    program_form: str | None
    before: dict[str, Any]
    after: dict[str, Any]


# What an organization enters per school year: the keys of DenominatorRow.values.
DENOMINATOR_FIELDS = ("pupils_10_19", "youth_15_19", "young_teachers", "enterprises")


@dataclass(frozen=True)
class DenominatorRow:
    organization_id: int
    school_year: int
    values: dict[str, int | None]  # field -> number (None: not entered)
