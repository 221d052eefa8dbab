"""A pair's rhythm of meetings and its plan."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time


@dataclass(frozen=True)
class RhythmRow:
    pair_id: int
    weekday: int
    local_time: time
    interval_weeks: int
    anchor_on: date
    curator_consent: bool


@dataclass(frozen=True)
class PlanRow:
    pair_id: int
    goals: tuple[str, ...]
    planned_end: date | None
    # The plan built with the curator (issue 14): its status and when it was approved.
    status: str | None = None
    approved_on: date | None = None


@dataclass(frozen=True)
class PlanGoal:
    """A goal of the pair's plan: by when, how its success will be seen, the activities."""

    text: str
    deadline: date
    measure: str
    activities: tuple[str, ...]


@dataclass(frozen=True)
class PlanVersion:
    """One version of a pair's plan as submitted; ``status`` is a ``dialogs.plan.PlanStatus``
    value and ``progress`` one ``dialogs.plan.Progress`` value per goal."""

    id: int
    pair_id: int
    status: str
    program_end: date
    goals: tuple[PlanGoal, ...]
    submitted_at: datetime
    decided_at: datetime | None
    comment: str | None
    progress: tuple[str, ...] = ()
    group_id: int | None = None  # the plan of a group: every member's (migration 0029)


@dataclass(frozen=True)
class PlanEvent:
    """The plan's history: submitted, approved or returned, by whom (the pair's mentor or
    mentee, or a curator by Telegram id) and when."""

    version_id: int
    event: str
    by_role: str
    curator_id: int | None
    comment: str | None
    at: datetime


@dataclass(frozen=True)
class PairPlan:
    """What a pair's plan is now: the approved version in force and a version waiting for the
    curator or returned by them (a change of an approved plan waits beside it)."""

    pair_id: int
    in_force: PlanVersion | None
    pending: PlanVersion | None  # submitted or returned, newer than the one in force
