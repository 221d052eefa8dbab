"""Follow-ups after a meeting and the organization's follow-up settings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

DEFAULT_FOLLOWUP_MINUTES = 30
DEFAULT_GRACE_DAYS = 3


@dataclass(frozen=True)
class FollowupSettings:
    followup_minutes: int = DEFAULT_FOLLOWUP_MINUTES
    grace_days: int = DEFAULT_GRACE_DAYS


@dataclass(frozen=True)
class Followup:
    id: int
    meeting_id: int
    participant_id: int
    telegram_id: int
    due_at: datetime
    state: str
    answer: str | None
    reason: str | None
    meeting_starts_at: datetime | None = None  # when read with its meeting
