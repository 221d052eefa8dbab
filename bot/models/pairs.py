"""Pairs of a mentor and a mentee, and a pair about to be made."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Pair:
    id: int
    organization_id: int
    mentor_id: int
    mentee_id: int
    form: str
    started_on: date
    ended_on: date | None
    end_reason: str | None
    directive: bool
    # Stage 7: the cycle the pair works in; completed = went through the whole cycle.
    cycle_id: int | None = None
    completed: bool = False
    results: str | None = None
    good_practice: bool = False


@dataclass(frozen=True)
class NewPair:
    organization_id: int
    mentor_id: int
    mentee_id: int
    form: str
    started_on: date
    directive: bool
    proposal_id: int | None
