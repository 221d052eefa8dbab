"""Which rows belong to a report's period, decided once for every report's SQL.

* A **cycle** is membership: the pairs and the participants of that cycle (``cycle_id``); the
  current cycle of an organization is everything that belongs to no closed cycle (its open
  cycle, and rows made before cycles were recorded).
* A **dated** period (a school year, a calendar year, a range) goes by dates, both ends
  included:

  - the pairs *of* the period are those whose life overlaps it (started on or before its last
    day, not ended before its first);
  - people *entered* a program in the period when their pair started in it;
  - a pair *completed* in the period when it was completed and ended in it;
  - participants *joined* in the period by the day they joined;
  - a meeting belongs to the period by the day it starts (UTC; the date of a school-day
    meeting is the same in every Russian time zone).

Each function returns a condition for a WHERE clause and the named parameters it uses; the
parameters of one period are the same for all of them, so several conditions combine freely.
"""

from __future__ import annotations

from typing import Any

from bot.models.periods import Period


def period_params(period: Period) -> dict[str, Any]:
    return {
        "period_start": period.start.isoformat() if period.start else None,
        "period_end": period.end.isoformat() if period.end else None,
        "period_cycle": period.cycle_id,
    }


def _in_cycle(alias: str, period: Period) -> str:
    if period.cycle_id is not None:
        return f"{alias}.cycle_id = :period_cycle"
    return (
        f"({alias}.cycle_id IS NULL OR {alias}.cycle_id NOT IN "
        "(SELECT id FROM cycles WHERE closed_at IS NOT NULL))"
    )


def pairs_of(alias: str, period: Period) -> str:
    """Pairs that lived in the period."""
    if not period.dated:
        return _in_cycle(alias, period)
    return (
        f"({alias}.started_on <= :period_end "
        f"AND ({alias}.ended_on IS NULL OR {alias}.ended_on >= :period_start))"
    )


def pairs_started_in(alias: str, period: Period) -> str:
    """Pairs whose people entered the program in the period."""
    if not period.dated:
        return _in_cycle(alias, period)
    return f"({alias}.started_on BETWEEN :period_start AND :period_end)"


def pairs_completed_in(alias: str, period: Period) -> str:
    """Pairs that completed the program in the period."""
    if not period.dated:
        return f"({alias}.completed = 1 AND {_in_cycle(alias, period)})"
    return f"({alias}.completed = 1 AND {alias}.ended_on BETWEEN :period_start AND :period_end)"


def participants_joined_in(alias: str, period: Period) -> str:
    """Participants who joined in the period (``joined_at`` is an ISO time in UTC)."""
    if not period.dated:
        return _in_cycle(alias, period)
    return f"(substr({alias}.joined_at, 1, 10) BETWEEN :period_start AND :period_end)"


def meetings_in(meeting: str, pair: str, period: Period) -> str:
    """Meetings of the period: of the cycle's pairs, or starting on a day of the range."""
    if not period.dated:
        return _in_cycle(pair, period)
    return f"(substr({meeting}.starts_at, 1, 10) BETWEEN :period_start AND :period_end)"


def answered_in(response: str, period: Period) -> str:
    """Responses completed on a day of a dated period (``completed_at`` is an ISO time in UTC).

    A cycle's responses are chosen by their subject (``cycle:<id>``, ``after:<id>``) instead,
    so this selection is for dated periods only."""
    if not period.dated:
        raise ValueError("a cycle's responses are chosen by their subject")
    return f"(substr({response}.completed_at, 1, 10) BETWEEN :period_start AND :period_end)"
