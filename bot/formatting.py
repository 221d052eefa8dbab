"""Dates and times for people: Babel in their locale, in the time zone that applies to them."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time


def format_moment(moment: datetime, locale: str, timezone: str) -> str:
    """E.g. "23 ноября 2026 г., 08:15" or "November 23, 2026, 8:15 AM"."""
    local = moment.astimezone(ZoneInfo(timezone))
    return (
        f"{format_date(local, 'long', locale=locale)}, {format_time(local, 'short', locale=locale)}"
    )


class Nearness(StrEnum):
    MINUTES = "minutes"  # «через 30 минут»
    HOUR = "hour"  # «через час»
    TODAY = "today"  # «сегодня в 16:00»
    TOMORROW = "tomorrow"  # «завтра в 16:00»
    LATER = "later"  # «2 июня в 16:00»


@dataclass(frozen=True)
class Until:
    """How a person would say when ``local`` comes: ``minutes`` are whole minutes to it."""

    nearness: Nearness
    minutes: int
    local: datetime


# Under 55 minutes a meeting is «через N минут», up to 65 «через час», further by the clock.
HOUR_FROM, HOUR_TO = 55, 65


def until(moment: datetime, now: datetime, timezone: str) -> Until:
    """Decided on the local calendar of ``timezone``, not UTC: at 05:00 in Chita (UTC+9) a
    16:00 meeting is «today» although its UTC date is the day before."""
    zone = ZoneInfo(timezone)
    local, local_now = moment.astimezone(zone), now.astimezone(zone)
    # Rounded up: 9 min 40 s before is «через 10 минут», as a person would say it.
    minutes = max(1, math.ceil((moment - now).total_seconds() / 60))
    if minutes < HOUR_FROM:
        return Until(Nearness.MINUTES, minutes, local)
    if minutes <= HOUR_TO:
        return Until(Nearness.HOUR, minutes, local)
    days = (local.date() - local_now.date()).days
    if days <= 0:
        return Until(Nearness.TODAY, minutes, local)
    if days == 1:
        return Until(Nearness.TOMORROW, minutes, local)
    return Until(Nearness.LATER, minutes, local)
