"""An organization's holidays, when no meetings are expected."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class HolidayRow:
    id: int
    organization_id: int
    starts_on: date
    ends_on: date
    title: str
