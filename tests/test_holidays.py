"""Holidays as the curator types them."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot.holidays import HolidayProblem, parse_range
from tests.inprocess import running_harness


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("30.12.2026 – 10.01.2027", (date(2026, 12, 30), date(2027, 1, 10))),
        ("30.12.2026-10.01.2027", (date(2026, 12, 30), date(2027, 1, 10))),
        ("1 июня 2026 по 31 августа 2026", (date(2026, 6, 1), date(2026, 8, 31))),
        ("30.12.2026", HolidayProblem.FORMAT),
        ("скоро – потом", HolidayProblem.FORMAT),
    ],
)
def test_ranges_typed_the_russian_way(typed: str, expected: object) -> None:
    assert parse_range(typed) == expected


async def test_the_service_refuses_wrong_holidays(tmp_path: Path) -> None:
    async with running_harness(tmp_path) as harness:
        services = harness.app.services
        org = await services.organizations.create("Школа", "Asia/Chita")
        today = date(2026, 3, 12)
        add = services.holidays.add
        assert await add(org.id, date(2026, 4, 2), date(2026, 4, 1), "X", today) is (
            HolidayProblem.ORDER
        )
        assert await add(org.id, date(2026, 1, 1), date(2026, 12, 1), "X", today) is (
            HolidayProblem.TOO_LONG
        )
        assert await add(org.id, date(2026, 1, 1), date(2026, 1, 9), "X", today) is (
            HolidayProblem.PAST
        )
        assert await add(org.id, date(2026, 6, 1), date(2026, 6, 2), " ", today) is (
            HolidayProblem.TITLE
        )
        added = await add(org.id, date(2026, 6, 1), date(2026, 8, 31), "Летние  каникулы", today)
        assert not isinstance(added, HolidayProblem) and added.title == "Летние каникулы"
        assert [h.title for h in await services.holidays.listing(org.id, today)] == [
            "Летние каникулы"
        ]
