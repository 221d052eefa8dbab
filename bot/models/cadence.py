"""What the cadence guard reads to decide whether a pair is overdue: per active pair its start,
its last held meeting and its rhythm; per organization its time zone, grace days and holidays.
Read for many pairs at once (a region's worth) and decided in Python."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.models.holidays import HolidayRow
from bot.models.pairs import Pair
from bot.models.plans import RhythmRow
from dialogs.forms import FormPace


@dataclass(frozen=True)
class PairCadence:
    pair: Pair
    last_held: datetime | None  # the latest held meeting, None when the pair has not met
    rhythm: RhythmRow | None  # None until the planning meeting sets one
    # How the pair's form works: only the full cycle has a two-weekly rhythm to keep.
    pace: FormPace = FormPace.REGULAR


@dataclass(frozen=True)
class CadenceCalendar:
    organization_id: int
    timezone: str
    grace_days: int
    holidays: tuple[HolidayRow, ...] = ()  # both ends are local days off
