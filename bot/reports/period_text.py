"""A report's period as people type it and as a report names it.

Reading (:func:`parse_period`) takes what a curator types between two lessons:
«01.09.2026–31.12.2026», «1.9.2026 - 31.12.2026», «с 01.09.2026 по 31.12.2026»,
«с 1 сентября 2026 по 31 декабря 2026», «с 1 сентября по 31 декабря 2026» (the year once, at the
end), «сентябрь 2026» (a month), «2026» (a calendar year), «2026/27» or «2025–2026 учебный год»
(a school year), a single date (that one day), and the same in English. Each date is read by
:func:`dialogs.dates.parse_date_text`. What cannot be read is a :class:`PeriodProblem` with a
friendly text (:data:`PROBLEM_TEXTS`, msgids to translate when shown).

What is allowed: the end may be after today (the report counts what has happened so far: a
curator asks for the calendar year in December); the start may not (there is nothing to count
yet, and a typo such as 2062 is more likely than a wish for an empty report); a period is at most
:data:`MAX_YEARS` years (a longer one is almost surely a typo, and the figures of the documents
are yearly).

Naming (:func:`period_label`): «цикл 2 (01.09.2025 – 31.05.2026)», «2026/27 учебный год»,
«2026 год», «01.09.2026 – 31.12.2026» in the reader's language (a file's name says the
period by :func:`bot.reports.export.period_slug`). No Telegram here: the handlers, the chart
and the command line name a period the same way.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from bot.models.cycles import Cycle
from bot.models.periods import Period, PeriodKind
from bot.schedule import utc_to_local
from dialogs.dates import (
    EARLIEST_YEAR,
    LATEST_YEAR,
    MONTHS,
    MSG_DATE_FORMAT,
    MSG_DATE_NO_SUCH,
    MSG_DATE_SHORT_YEAR,
    MSG_DATE_YEAR,
    DateTextError,
    parse_date_text,
)
from dialogs.i18n import N_

Translate = Callable[[str], str]

MAX_YEARS = 5
# Longer texts are no period; the cap also keeps the tries of split points few.
MAX_PERIOD_TEXT = 120


class PeriodProblem(StrEnum):
    NOT_UNDERSTOOD = "not_understood"
    NO_SUCH_DATE = "no_such_date"
    SHORT_YEAR = "short_year"
    BAD_YEAR = "bad_year"
    END_BEFORE_START = "end_before_start"
    TOO_LONG = "too_long"
    NOT_BEGUN = "not_begun"


PROBLEM_TEXTS: dict[PeriodProblem, str] = {
    PeriodProblem.NOT_UNDERSTOOD: N_(
        "I could not read the dates. Please type the first and the last day of the period, "
        "for example: 01.09.2026–31.12.2026 or «from 1 September 2026 to 31 December 2026». "
        "A school year can be typed as 2026/27, a calendar year as 2026."
    ),
    PeriodProblem.NO_SUCH_DATE: N_(
        "There is no such date in the period (for example, 31.04). Please check the days and "
        "the months."
    ),
    PeriodProblem.SHORT_YEAR: N_(
        "Please write the years with all four digits, for example: 01.09.2026–31.12.2026."
    ),
    PeriodProblem.BAD_YEAR: N_("Please check the years of the period."),
    PeriodProblem.END_BEFORE_START: N_(
        "The period ends before it begins. Please type the earlier date first, for example: "
        "01.09.2026–31.12.2026."
    ),
    PeriodProblem.TOO_LONG: N_("A report covers at most five years. Please type a shorter period."),
    PeriodProblem.NOT_BEGUN: N_(
        "This period has not begun yet, so there is nothing to count in it. Please type a "
        "period that begins today or earlier."
    ),
}

_DATE_PROBLEMS = {
    MSG_DATE_NO_SUCH: PeriodProblem.NO_SUCH_DATE,
    MSG_DATE_SHORT_YEAR: PeriodProblem.SHORT_YEAR,
    MSG_DATE_YEAR: PeriodProblem.BAD_YEAR,
}

# --- reading ---------------------------------------------------------------------------------

_DASHES = str.maketrans(
    {"–": "-", "—": "-", "‒": "-", "−": "-", "\u00a0": " ", "\u202f": " ", "ё": "е"}
)
_QUOTES = re.compile(r"[«»\"“”„']")
# Words before the first date: «за период с», «от», "from"; «c» is a Latin c typed for «с».
_LEAD = re.compile(r"^(?:(?:за|период|period|for)\s+)*(?:(?:с|c|со|от|from|since)\s+)?")
_YEAR_WORDS = r"(?:\s*(?:года|год|г)\.?)?"
_SCHOOL_WORDS = r"(?:учебный|уч)\.?\s*(?:год|г)?\.?|school\s+year|academic\s+year"
_CALENDAR_YEAR = re.compile(rf"(?:year\s+)?(\d{{4}}){_YEAR_WORDS}")
_YEARS = re.compile(
    rf"(?:(?:{_SCHOOL_WORDS})\s*)?(\d{{4}})\s*([/-])\s*(\d{{2}}|\d{{4}})"
    rf"(?:\s*(?:{_SCHOOL_WORDS}|годы|гг\.?))?"
)
_MONTH_YEAR = re.compile(rf"([^\W\d_]+)\.?\s*(\d{{4}}){_YEAR_WORDS}")
_MONTH_ONLY = re.compile(r"([^\W\d_]+)\.?")
_DAY_MONTH = re.compile(r"(\d{1,2})\s*[./]\s*(\d{1,2})|(\d{1,2})\s+[^\W\d_]+\.?")
# Where one date ends and the other begins: a dash of any kind, dots, «по», «до», "to".
_SEPARATOR = re.compile(r"\s*(?:-|\.\.\.?|…)\s*|\s+(?:по|до|to|till|until|through)\s+")
# Two dates with only a space between them, tried when nothing else separates them.
_SPACE = re.compile(r"\s+")


def parse_period(text: str, today: date) -> Period | PeriodProblem:
    """The period typed in ``text``, or what is wrong with it (``today`` is the reader's)."""
    if len(text) > MAX_PERIOD_TEXT:
        return PeriodProblem.NOT_UNDERSTOOD
    cleaned = _clean(text)
    if not cleaned:
        return PeriodProblem.NOT_UNDERSTOOD
    found = _read(cleaned)
    if isinstance(found, PeriodProblem):
        return found
    return check_period(found, today)


def _clean(text: str) -> str:
    cleaned = _QUOTES.sub(" ", text.translate(_DASHES).lower())
    cleaned = " ".join(cleaned.split())
    # "31.12.2026." ends a sentence; "г." keeps its dot (the date reader knows it).
    if cleaned.endswith(".") and cleaned[-2:-1].isdigit():
        cleaned = cleaned[:-1]
    return _LEAD.sub("", cleaned).strip()


def _read(cleaned: str) -> Period | PeriodProblem:
    if found := _CALENDAR_YEAR.fullmatch(cleaned):
        year = int(found.group(1))
        if not EARLIEST_YEAR <= year <= LATEST_YEAR:
            return PeriodProblem.BAD_YEAR
        return Period.calendar_year(year)
    if found := _YEARS.fullmatch(cleaned):
        return _years(*found.groups())
    if found := _MONTH_YEAR.fullmatch(cleaned):
        month = MONTHS.get(found.group(1))
        if month is not None:
            return _month_period(month, found.group(2))
    try:
        day = parse_date_text(cleaned)
    except DateTextError as error:
        single: PeriodProblem | None = _DATE_PROBLEMS.get(error.message)
    else:
        return Period.between(day, day)
    return _read_range(cleaned, single)


def _years(first: str, separator: str, second: str) -> Period | PeriodProblem:
    """«2026/27», «2026/2027», «2025–2026»: a school year; «2024–2026»: those calendar years."""
    start = int(first)
    if len(second) == 2:
        following = (start + 1) % 100
        if int(second) != following:
            return PeriodProblem.NOT_UNDERSTOOD
        end = start + 1
    else:
        end = int(second)
    if not (EARLIEST_YEAR <= start <= LATEST_YEAR and EARLIEST_YEAR <= end <= LATEST_YEAR):
        return PeriodProblem.BAD_YEAR
    if end == start + 1:
        return Period.school_year(start)
    if separator == "/" or end == start:
        return PeriodProblem.NOT_UNDERSTOOD
    if end < start:
        return PeriodProblem.END_BEFORE_START
    return Period.between(date(start, 1, 1), date(end, 12, 31))


def _month_period(month: int, year: str) -> Period | PeriodProblem:
    first = _month_day(month, year, last=False)
    if isinstance(first, PeriodProblem):
        return first
    return Period.between(first, _month_end(first))


def _month_end(first: date) -> date:
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return following - timedelta(days=1)


def _month_day(month: int, year: str, *, last: bool) -> date | PeriodProblem:
    if not EARLIEST_YEAR <= int(year) <= LATEST_YEAR:
        return PeriodProblem.BAD_YEAR
    first = date(int(year), month, 1)
    return _month_end(first) if last else first


def _endpoint(text: str, *, last: bool) -> date:
    """One end of a range: a date, or a month with its year (its first or last day)."""
    if found := _MONTH_YEAR.fullmatch(text):
        month = MONTHS.get(found.group(1))
        if month is not None:
            day = _month_day(month, found.group(2), last=last)
            if isinstance(day, PeriodProblem):
                raise DateTextError(MSG_DATE_YEAR)
            return day
    return parse_date_text(text)


def _splits(cleaned: str) -> Iterator[tuple[str, str]]:
    for pattern in (_SEPARATOR, _SPACE):
        for found in pattern.finditer(cleaned):
            left, right = cleaned[: found.start()].strip(), cleaned[found.end() :].strip()
            if left and right:
                yield left, right


def _read_range(cleaned: str, single: PeriodProblem | None) -> Period | PeriodProblem:
    problem = single
    for left, right in _splits(cleaned):
        try:
            end = _endpoint(right, last=True)
        except DateTextError as error:
            problem = problem or _DATE_PROBLEMS.get(error.message)
            continue
        try:
            start = _start(left, end)
        except DateTextError as error:
            problem = problem or _DATE_PROBLEMS.get(error.message)
            continue
        if end < start:
            return PeriodProblem.END_BEFORE_START
        return Period.between(start, end)
    return problem or PeriodProblem.NOT_UNDERSTOOD


def _start(text: str, end: date) -> date:
    """The first date; written without its year («с 1 сентября по 31 мая 2027», «01.09 –
    31.12.2026») it is the last such day not after the end."""
    try:
        return _endpoint(text, last=False)
    except DateTextError as error:
        if error.message != MSG_DATE_FORMAT:
            raise
        if _DAY_MONTH.fullmatch(text):
            joiner = "." if text[-1].isdigit() else " "
            attempts = [f"{text}{joiner}{end.year}", f"{text}{joiner}{end.year - 1}"]
        elif (month := _MONTH_ONLY.fullmatch(text)) and month.group(1) in MONTHS:
            attempts = [f"{text} {end.year}", f"{text} {end.year - 1}"]
        else:
            raise
        for attempt in attempts:
            start = _endpoint(attempt, last=False)
            if start <= end:
                return start
        return start


def check_period(period: Period, today: date) -> Period | PeriodProblem:
    """A dated period as a report may take it (see the module's notes)."""
    assert period.start is not None and period.end is not None
    if period.start > today:
        return PeriodProblem.NOT_BEGUN
    if period.kind is PeriodKind.RANGE and too_long(period.start, period.end):
        return PeriodProblem.TOO_LONG
    return period


def too_long(start: date, end: date) -> bool:
    """Longer than :data:`MAX_YEARS` years (01.01.2021–31.12.2025 is five, and allowed)."""
    try:
        limit = start.replace(year=start.year + MAX_YEARS)
    except ValueError:  # 29 February
        limit = date(start.year + MAX_YEARS, 3, 1)
    return end >= limit


# --- naming ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CycleSpan:
    """A cycle as a report names it: its number and dates (the end is the day it ended — it
    began closing — for a closed cycle, the planned end of an open one, or unknown)."""

    id: int
    number: int
    start: date
    end: date | None
    current: bool


def cycle_span(cycle: Cycle, timezone: str) -> CycleSpan:
    if cycle.ended_at is not None:
        end: date | None = utc_to_local(cycle.ended_at, timezone).date()
    else:
        end = cycle.planned_end
    return CycleSpan(cycle.id, cycle.number, cycle.started_on, end, cycle.closed_at is None)


def day_text(day: date) -> str:
    return day.strftime("%d.%m.%Y")


def period_label(
    period: Period, translate: Translate, span: CycleSpan | None = None, *, several: bool = False
) -> str:
    """The period in a few words of the reader's language. ``span`` names the cycle of a
    cycle period (for the current cycle, the open one); ``several``: the current cycles of
    several organizations (a coordinator's summary), which have no one number."""
    if period.kind is PeriodKind.CYCLE:
        return _cycle_label(span, translate, several=several)
    assert period.start is not None and period.end is not None
    if period.kind is PeriodKind.SCHOOL_YEAR:
        return translate(N_("school year {first}/{second}")).format(
            first=period.start.year, second=f"{period.end.year % 100:02d}"
        )
    if period.kind is PeriodKind.CALENDAR_YEAR:
        return translate(N_("year {year}")).format(year=period.start.year)
    if period.start == period.end:
        return day_text(period.start)
    return f"{day_text(period.start)} – {day_text(period.end)}"


def _cycle_label(span: CycleSpan | None, translate: Translate, *, several: bool) -> str:
    if span is None:
        return (
            translate(N_("the current cycles")) if several else translate(N_("the current cycle"))
        )
    if span.end is None:
        dates = translate(N_("since {start}")).format(start=day_text(span.start))
    else:
        dates = f"{day_text(span.start)} – {day_text(span.end)}"
    if span.current:
        return translate(N_("cycle {number}, current ({dates})")).format(
            number=span.number, dates=dates
        )
    return translate(N_("cycle {number} ({dates})")).format(number=span.number, dates=dates)
