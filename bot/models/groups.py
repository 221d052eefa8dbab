"""Groups of one mentor and several mentees (migration 0025)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Group:
    id: int
    organization_id: int
    mentor_id: int | None  # None: the mentor withdrew (the group has ended then)
    form: str
    created_at: datetime
    ended_at: datetime | None


@dataclass(frozen=True)
class GroupMeeting:
    """A meeting of a group: one ``meetings`` row per member pair share its id."""

    id: int
    group_id: int
    lead_meeting_id: int | None  # the row of the mentor's reminders, question and feedback
    settled_at: datetime | None  # when the mentor answered "did it take place?"


@dataclass(frozen=True)
class GroupListing:
    """A group as the curator's list shows it."""

    group: Group
    members: int
