"""When a meeting comes, said as a person would: on the organization's calendar, not UTC's."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.formatting import Nearness, until

CHITA = "Asia/Chita"  # UTC+9, no daylight saving time
MOSCOW = "Europe/Moscow"


def utc(day: int, hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, second, tzinfo=UTC)


@pytest.mark.parametrize(
    ("meeting", "now", "nearness", "minutes"),
    [
        (utc(17, 13), utc(17, 12, 30), Nearness.MINUTES, 30),
        (utc(17, 13), utc(17, 12, 59, 30), Nearness.MINUTES, 1),
        (utc(17, 13), utc(17, 12), Nearness.HOUR, 60),
        (utc(17, 13), utc(17, 12, 0, 30), Nearness.HOUR, 60),  # sent 30 s late
        (utc(17, 13), utc(17, 11), Nearness.TODAY, 120),
        (utc(17, 13), utc(16, 13), Nearness.TOMORROW, 1440),
        (utc(17, 13), utc(15, 13), Nearness.LATER, 2880),
    ],
)
def test_nearness_in_moscow(
    meeting: datetime, now: datetime, nearness: Nearness, minutes: int
) -> None:
    said = until(meeting, now, MOSCOW)
    assert (said.nearness, said.minutes) == (nearness, minutes)
    assert said.local.strftime("%H:%M") == "16:00"


def test_chita_today_although_the_utc_dates_differ() -> None:
    # 05:00 on 18 March in Chita is 20:00 on the 17th in UTC; the meeting at 16:00 is today.
    said = until(utc(18, 7), utc(17, 20), CHITA)
    assert said.nearness is Nearness.TODAY and said.local.strftime("%d %H:%M") == "18 16:00"
    # The same moments in Moscow: 23:00 on the 17th, the meeting at 10:00 tomorrow.
    assert until(utc(18, 7), utc(17, 20), MOSCOW).nearness is Nearness.TOMORROW


def test_chita_crossing_midnight_is_tomorrow() -> None:
    # 23:00 on the 17th in Chita (14:00 UTC); the meeting at 01:30 on the 18th (16:30 UTC,
    # still the 17th in UTC).
    said = until(utc(17, 16, 30), utc(17, 14), CHITA)
    assert said.nearness is Nearness.TOMORROW and said.local.strftime("%d %H:%M") == "18 01:30"
    # A day before a 16:00 meeting in Chita: tomorrow; two days before: the date.
    meeting = utc(18, 7)
    assert until(meeting, meeting - timedelta(days=1), CHITA).nearness is Nearness.TOMORROW
    assert until(meeting, meeting - timedelta(days=2), CHITA).nearness is Nearness.LATER


def test_under_an_hour_across_midnight_is_still_minutes() -> None:
    said = until(utc(17, 15, 20), utc(17, 14, 50), CHITA)  # 23:50 -> 00:20 in Chita
    assert (said.nearness, said.minutes) == (Nearness.MINUTES, 30)
