"""Ages from dates of birth, and the age group they fall in."""

from __future__ import annotations

from datetime import date

from dialogs.model import AgeGroup


def age_in_years(birth: date, today: date) -> int:
    """Full years on ``today``; someone born on 29 February grows a year older on 1 March."""
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def age_group(birth: date, today: date) -> AgeGroup:
    """``child`` under 14, ``teen`` from 14 to 17, ``adult`` from 18."""
    age = age_in_years(birth, today)
    if age < 14:
        return "child"
    if age < 18:
        return "teen"
    return "adult"


def ages_from_birth_year(year: int, today: date) -> tuple[int, int]:
    """The two ages someone born in ``year`` can be on ``today``: before and after this
    year's birthday. Only the year is asked of adult mentors, so a count by age is certain
    only when both ends fall on the same side of its limit (otherwise: unknown)."""
    difference = today.year - year
    return difference - 1, difference
