"""What the curator enters for the indicators: the denominators of a school year and the
targets of a calendar year, with their defaults, titles and the parsing of what was typed.

Default targets, per indicator and year:

* the share of children aged 10-19 who entered programs as mentees follows the regional letter
  (reference/000, item 12: the share of pupils involved by 31 December): 10 % in 2020 (and
  before), 20 % in 2021, 35 % in 2022, 50 % in 2023, 70 % in 2024 and later;
* the other indicators have the federal table's 2020 value up to 2020 and its 2024 value from
  2024; in between they move from one to the other at the letter's pace (the part of the way
  from 2020 to 2024 the pupils' target has gone: 1/6 in 2021, 5/12 in 2022, 2/3 in 2023),
  rounded to a tenth of a percent. So satisfaction goes 50, 55.8, 64.6, 73.3, 85 %.

An organization may set its own target of an indicator for a year; one set before targets had
years counts for every year without its own (see migration 0016).
"""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum

from dialogs.i18n import N_

# The federal targets for 2024 (the table of the target model): the defaults of 2024 and later.
DEFAULT_TARGETS: dict[str, float] = {
    "mentees_10_19": 0.70,
    "mentors_15_19": 0.10,
    "young_teachers": 0.70,
    "enterprises": 0.30,
    "satisfied_mentees": 0.85,
    "satisfied_mentors": 0.85,
}
# The federal targets for 2020: the defaults of 2020 and before.
TARGETS_2020: dict[str, float] = {
    "mentees_10_19": 0.10,
    "mentors_15_19": 0.02,
    "young_teachers": 0.10,
    "enterprises": 0.02,
    "satisfied_mentees": 0.50,
    "satisfied_mentors": 0.50,
}
# The regional letter's stepped share of pupils involved, by year (2024 and later: 70 %).
PUPILS_STEPS: dict[int, float] = {2020: 0.10, 2021: 0.20, 2022: 0.35, 2023: 0.50, 2024: 0.70}
FIRST_YEAR, LAST_STEP = 2020, 2024


def default_target(key: str, year: int) -> float:
    """The default target of an indicator for a calendar year (see the module's notes)."""
    step = PUPILS_STEPS[min(max(year, FIRST_YEAR), LAST_STEP)]
    if key == "mentees_10_19":
        return step
    first, last = TARGETS_2020[key], DEFAULT_TARGETS[key]
    pace = (step - PUPILS_STEPS[FIRST_YEAR]) / (PUPILS_STEPS[LAST_STEP] - PUPILS_STEPS[FIRST_YEAR])
    return round(first + (last - first) * pace, 3)


def default_targets(year: int) -> dict[str, float]:
    return {key: default_target(key, year) for key in DEFAULT_TARGETS}


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
