"""The cadence guard's "needs attention" marks on pairs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Attention:
    id: int
    pair_id: int
    reason: str
    detail: str | None
    raised_at: datetime
    resolved_at: datetime | None
