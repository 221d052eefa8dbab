"""Mentor admission and the proposals of a matching run."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Admission:
    participant_id: int
    decision: str
    reason: str | None
    trained: bool
    decided_at: datetime


@dataclass(frozen=True)
class ProposalRow:
    id: int
    run_id: int
    rank: int
    mentee_id: int
    mentor_id: int
    score: int
    explanation: list[dict[str, Any]]
    status: str
    organization_id: int
