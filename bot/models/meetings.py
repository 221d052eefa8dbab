"""Meetings of pairs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Meeting:
    id: int
    pair_id: int
    kind: str
    status: str
    starts_at: datetime
    meeting_format: str
    place: str
    # None: the side who proposed it withdrew their consent (the pair has ended then).
    proposed_by: int | None
    cancel_reason: str | None
    # A group's meeting (migration 0025): the rows of the group's pairs share this id.
    group_meeting_id: int | None = None
