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
    # The organization's row, everyone once; the others are per form (a mentor in several
    # forms is in each of their forms' rows).
    whole: bool = False


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
    """The final poll of one role: ``asked`` everyone of the pairs completed in the period,
    ``answered`` those who rated their satisfaction, ``satisfied`` those who rated it high."""

    asked: int
    answered: int
    satisfied: int


# The people counted for the involvement shares (and, apart, the mentors whose age the 15-19
# share cannot tell): keys of Involvement.entered and Involvement.completed.
INVOLVEMENT_KEYS = (
    "mentees_10_19",
    "mentors_15_19",
    "young_teachers",
    "mentors_age_unknown",
    "mentors_age_ambiguous",
)


@dataclass(frozen=True)
class Employer:
    """A place of work (as typed) of a mentor of an employer form, and whether such a mentor
    entered a program or completed it in the period."""

    organization_id: int
    workplace: str
    entered: bool
    completed: bool


@dataclass(frozen=True)
class Involvement:
    """One organization's people of the period: who entered a program and who completed it
    (keys :data:`INVOLVEMENT_KEYS`), and the employer mentors' places of work."""

    entered: dict[str, int]
    completed: dict[str, int]
    employers: list[Employer]


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
