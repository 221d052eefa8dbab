"""What the Excel workbook of an organization is built from."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from bot.models.meetings import Meeting
from bot.models.pairs import Pair


@dataclass
class ExportParticipant:
    id: int
    role: str
    age_group: str
    birth_date: date | None
    joined_at: datetime
    confirmed_at: datetime | None
    admission: str | None  # 'admitted' / 'declined' for mentor candidates the curator decided
    representative_name: str | None
    answers: dict[str, Any] = field(default_factory=dict)
    # The phone the representative shared with Telegram's contact button (migration 0026).
    representative_phone: str | None = None


@dataclass(frozen=True)
class ExportPair(Pair):
    """A pair with the number of its cycle (None for a pair from before cycles)."""

    cycle_number: int | None = None


# Every column of a meeting is exported except who proposed it; the row is read the same way.
ExportMeeting = Meeting


@dataclass(frozen=True)
class ExportFeedback:
    meeting_id: int
    participant_id: int
    answers: dict[str, Any]
    completed_at: datetime | None
