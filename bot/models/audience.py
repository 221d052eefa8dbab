"""A person in the audience of a bulk send."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class AudienceRow:
    participant_id: int
    telegram_id: int
    role: str
    language: str | None  # the person's stored choice, else Telegram's last hint
    full_name: str | None
    unreachable_since: datetime | None
