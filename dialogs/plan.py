"""The pair's individual plan (индивидуальный план развития; for a teacher, the personalized
mentoring program, 003_*.txt) as data: its limits, the program's length, the steps of building
it in the chat, the progress marks of a goal and their names.

A plan has one to five goals; each goal has a text, a deadline, how its success will be seen,
and one to five activities (мероприятия). A teacher's program lasts three to twelve months from
the pair's start; other forms' programs end no later than the cycle's planned end.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from dialogs.i18n import N_


@dataclass(frozen=True)
class PlanLimits:
    goals: int = 5
    goal_text: int = 200
    measure: int = 300
    activities: int = 5
    activity: int = 200
    comment: int = 1000
    # A teacher's personalized program: 3 months to a year (003_*.txt).
    teacher_months: tuple[int, int] = (3, 12)
    # Other forms without a cycle end: at most a year.
    other_months: int = 12
    # The pair is asked about a goal this long before its deadline.
    deadline_notice: timedelta = timedelta(days=14)


LIMITS = PlanLimits()


class Progress(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    REACHED = "reached"
    NOT_REACHED = "not_reached"


PROGRESS_LABELS: dict[Progress, str] = {
    Progress.NOT_STARTED: N_("not started yet"),
    Progress.IN_PROGRESS: N_("in progress"),
    Progress.REACHED: N_("reached"),
    Progress.NOT_REACHED: N_("not reached"),
}
# A goal marked so is settled: no deadline question about it.
SETTLED = frozenset({Progress.REACHED, Progress.NOT_REACHED})


class PlanStatus(StrEnum):
    SUBMITTED = "submitted"  # waiting for the curator
    APPROVED = "approved"  # in force (one per pair)
    RETURNED = "returned"  # the curator returned it with a comment
    REPLACED = "replaced"  # a newer version took its place


PLAN_STATUS_LABELS: dict[PlanStatus, str] = {
    PlanStatus.SUBMITTED: N_("submitted to the curator"),
    PlanStatus.APPROVED: N_("approved"),
    PlanStatus.RETURNED: N_("returned for changes"),
    PlanStatus.REPLACED: N_("replaced by a newer version"),
}


class PlanStep(StrEnum):
    """What the mentor is asked to type next while building the plan."""

    END = "end"
    GOAL = "goal"
    DEADLINE = "deadline"
    MEASURE = "measure"
    ACTIVITIES = "activities"
    COMMENT = "comment"  # the curator's comment when returning a plan


STEP_PROMPTS: dict[PlanStep, str] = {
    PlanStep.END: N_(
        "When does the program end? Choose a length or type the end date, e.g. 25.01.2027."
    ),
    PlanStep.GOAL: N_("Goal {number}: what do you want to achieve? One or two sentences."),
    PlanStep.DEADLINE: N_("By when should this goal be reached? Type a date, e.g. 15.12.2026."),
    PlanStep.MEASURE: N_("How will you see that the goal is reached?"),
    PlanStep.ACTIVITIES: N_(
        "Which activities lead to this goal? One per line, up to five "
        "(for example: attend two lessons of the mentor; prepare an open lesson)."
    ),
    PlanStep.COMMENT: N_(
        "What should the pair change? Write a comment: the pair will see it with the plan."
    ),
}


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (the month's last day when it is shorter)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def clean_text(text: str) -> str:
    return " ".join(text.split())


def parse_activities(text: str) -> list[str] | None:
    """One activity a line (numbering and bullets dropped); None when too many or too long."""
    lines = [clean_text(re.sub(r"^\s*(\d+[.)]|[-•*])\s*", "", line)) for line in text.splitlines()]
    activities = [line for line in lines if line]
    if not 1 <= len(activities) <= LIMITS.activities:
        return None
    if not all(len(activity) <= LIMITS.activity for activity in activities):
        return None
    return activities
