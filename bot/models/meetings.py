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
    proposed_by: int
    cancel_reason: str | None
