"""Dates and times for people: Babel in their locale, in the time zone that applies to them."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time


def format_moment(moment: datetime, locale: str, timezone: str) -> str:
    """E.g. "23 ноября 2026 г., 08:15" or "November 23, 2026, 8:15 AM"."""
    local = moment.astimezone(ZoneInfo(timezone))
    return (
        f"{format_date(local, 'long', locale=locale)}, {format_time(local, 'short', locale=locale)}"
    )
