"""The organization's holidays (каникулы): the curator enters them, meetings avoid them."""

from __future__ import annotations

import re
from datetime import date, timedelta
from enum import StrEnum

from bot.clock import Clock
from bot.models.holidays import HolidayRow
from bot.schedule import Holiday
from dialogs.dates import DateTextError, parse_date_text
from storage.repositories.holidays import HolidayRepository

LONGEST = timedelta(days=120)  # a longer "holiday" is almost surely a typo
_RANGE = re.compile(r"^\s*(?P<start>.+?)\s*(?:[–—-]|\.\.|\bпо\b|\bto\b)\s*(?P<end>.+?)\s*$")


class HolidayProblem(StrEnum):
    FORMAT = "format"
    ORDER = "order"
    TOO_LONG = "too_long"
    PAST = "past"
    TITLE = "title"


def parse_range(text: str) -> tuple[date, date] | HolidayProblem:
    """«30.12.2026–10.01.2027» or «30.12.2026 - 10.01.2027»: two dates, the way people type."""
    found = _RANGE.match(text)
    if found is None:
        return HolidayProblem.FORMAT
    try:
        start = parse_date_text(found.group("start"))
        end = parse_date_text(found.group("end"))
    except DateTextError:
        return HolidayProblem.FORMAT
    return start, end


class HolidayService:
    def __init__(self, repository: HolidayRepository, clock: Clock) -> None:
        self._repository = repository
        self._clock = clock

    async def add(
        self, organization_id: int, start: date, end: date, title: str, today: date
    ) -> HolidayRow | HolidayProblem:
        title = " ".join(title.split())
        if not 1 <= len(title) <= 100:
            return HolidayProblem.TITLE
        if end < start:
            return HolidayProblem.ORDER
        if end - start > LONGEST:
            return HolidayProblem.TOO_LONG
        if end < today:
            return HolidayProblem.PAST
        holiday_id = await self._repository.add(organization_id, start, end, title)
        return HolidayRow(holiday_id, organization_id, start, end, title)

    async def listing(self, organization_id: int, today: date) -> list[HolidayRow]:
        """Holidays not over yet, soonest first."""
        return await self._repository.of_organization(organization_id, today)

    async def for_calendar(self, organization_id: int, today: date) -> list[Holiday]:
        return [
            Holiday(row.starts_on, row.ends_on, row.title)
            for row in await self._repository.of_organization(organization_id, today)
        ]

    async def remove(self, organization_id: int, holiday_id: int) -> bool:
        return await self._repository.remove(organization_id, holiday_id)
