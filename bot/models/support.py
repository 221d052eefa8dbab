"""A request to the support."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class SupportRequest:
    id: int
    telegram_id: int
    topic: str
    body: str
    created_at: datetime
