"""A meeting as one member of its pair sees it, and the problems an act on a meeting can meet.

Shared by proposing and confirming (:mod:`bot.meetings`), moving, cancelling and answering
(:mod:`bot.meeting_changes`), the pair's rhythm and plan (:mod:`bot.pair_plans`) and the views.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.models.meetings import Meeting
from bot.models.participants import Participant
from bot.pairing import PairPeople


class MeetingProblem(StrEnum):
    NOT_YOURS = "not_yours"  # not a member of this active pair
    TOO_SOON = "too_soon"
    TOO_LATE = "too_late"
    BAD_PLACE = "bad_place"
    DECIDED = "decided"  # already confirmed, cancelled or replaced
    FINISHED = "finished"  # the final meeting was held: no next meeting
    HOLIDAY = "holiday"  # the day falls on the organization's holidays
    NOT_YET = "not_yet"  # asked whether a meeting took place before it began
    STARTED = "started"  # a confirmed meeting that has begun: answered, not cancelled
    BAD_GOALS = "bad_goals"  # not one to three goals of up to GOAL_LENGTH characters
    BAD_END = "bad_end"  # the planned end is not after the organization's today


@dataclass(frozen=True)
class Side:
    """A pair seen by one of its members."""

    people: PairPeople
    me: Participant
    other: Participant
    timezone: str


@dataclass(frozen=True)
class MeetingView:
    meeting: Meeting
    side: Side
