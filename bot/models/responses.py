"""Answers to the repeated forms: one per form, person and subject."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Response:
    id: int
    form: str
    participant_id: int
    subject: str
    meeting_id: int | None
    position: str | None  # the key of the current question; None once completed
    answers: dict[str, Any]
    started_at: datetime
    updated_at: datetime
    completed_at: datetime | None

    @property
    def completed(self) -> bool:
        return self.completed_at is not None
