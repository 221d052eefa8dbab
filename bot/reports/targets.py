"""What the curator enters for the indicators: the denominators of a school year and the
targets, with their defaults, titles and the parsing of what was typed."""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum

from dialogs.i18n import N_

# The federal targets for 2024 (the table of the target model).
DEFAULT_TARGETS: dict[str, float] = {
    "mentees_10_19": 0.70,
    "mentors_15_19": 0.10,
    "young_teachers": 0.70,
    "enterprises": 0.30,
    "satisfied_mentees": 0.85,
    "satisfied_mentors": 0.85,
}

# Which denominator each involvement share is divided by.
SHARE_DENOMINATORS: dict[str, str] = {
    "mentees_10_19": "pupils_10_19",
    "mentors_15_19": "youth_15_19",
    "young_teachers": "young_teachers",
    "enterprises": "enterprises",
}

DENOMINATOR_TITLES: dict[str, str] = {
    "pupils_10_19": N_("Pupils aged 10–19"),
    "youth_15_19": N_("Young people aged 15–19"),
    "young_teachers": N_("Young teachers (0–3 years of experience)"),
    "enterprises": N_("Partner enterprises"),
}

MAX_DENOMINATOR = 1_000_000


class InputProblem(StrEnum):
    NOT_A_NUMBER = "not_a_number"
    OUT_OF_RANGE = "out_of_range"
    UNKNOWN_FIELD = "unknown_field"
    NOT_ALLOWED = "not_allowed"


_NUMBER = re.compile(r"^[0-9][0-9 \u00a0\u202f]*$")
_PERCENT = re.compile(r"^([0-9]{1,3})(?:[.,]([0-9]))?\s*%?$")


def school_year_of(day: date) -> int:
    """A school year runs from September to August; it is named by the year it starts in."""
    return day.year if day.month >= 9 else day.year - 1


def parse_count(text: str) -> int | InputProblem:
    """A whole number of people or enterprises, 0 to a million; spaces between digits allowed."""
    value = text.strip()
    if not _NUMBER.match(value):
        return InputProblem.NOT_A_NUMBER
    digits = re.sub(r"\D", "", value)
    if len(digits) > 7 or int(digits) > MAX_DENOMINATOR:
        return InputProblem.OUT_OF_RANGE
    return int(digits)


def parse_percent(text: str) -> float | InputProblem:
    """A target in percent, 1 to 100 (``70``, ``70%``, ``72,5``) as a share 0..1."""
    match = _PERCENT.match(text.strip())
    if match is None:
        return InputProblem.NOT_A_NUMBER
    value = int(match.group(1)) + int(match.group(2) or 0) / 10
    if not 1 <= value <= 100:
        return InputProblem.OUT_OF_RANGE
    return round(value / 100, 4)
