"""A pair's rhythm of meetings and its plan."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time


@dataclass(frozen=True)
class RhythmRow:
    pair_id: int
    weekday: int
    local_time: time
    interval_weeks: int
    anchor_on: date
    curator_consent: bool


@dataclass(frozen=True)
class PlanRow:
    pair_id: int
    goals: tuple[str, ...]
    planned_end: date | None
