"""The views of the period picker (handlers/period_picker.py acts): the button data that
carries a period, the choices under a report, the ‹ › of a report in pages, the question for
typed dates.

A period travels in a button as a kind and two numbers (``per1:s:st:r:20260901:20261231`` is
31 bytes of Telegram's 64): a cycle by its id (0: the current cycle), a school year or a
calendar year by its first year, a range by its first and last day as ``YYYYMMDD``.
:func:`unpack_period` turns them back into a :class:`Period`, or ``None`` for numbers no
button of ours carries; whether a cycle is the reader's organization's is checked by the
picker, against the database, at every press. The pages of a report carry their period the
same way (:class:`PagePress`), so turning a page keeps the period.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Annotated

from aiogram.filters.callback_data import CallbackData
from aiogram.utils.i18n import gettext as _
from pydantic import Field

from bot.models.periods import Period, PeriodKind
from bot.reports.period_text import PROBLEM_TEXTS, PeriodProblem, too_long
from bot.reports.targets import school_year_of
from bot.screens import Button, Rows, Screen
from dialogs.dates import EARLIEST_YEAR, LATEST_YEAR
from handlers.paging import navigation_row

# How many of each are offered as buttons; anything else is typed («Другой период…»).
EARLIER_CYCLES = 6
SCHOOL_YEARS = 4
CALENDAR_YEARS = 3

Number = Annotated[int, Field(ge=0, le=2**63 - 1)]
ReportKey = Annotated[str, Field(pattern=r"^[a-z]{2,4}$")]


class PeriodAction(StrEnum):
    OPEN = "o"  # the report for this period as new messages (a button under another report)
    MENU = "m"  # the choices replace the report's buttons
    SHOW = "s"  # the report for the chosen period in place of the pressed message
    TYPE = "t"  # ask for the dates
    BACK = "b"  # the report's own buttons again, the period unchanged
    KEEP = "k"  # «Назад» under the question for dates: the period stays


class PeriodCode(StrEnum):
    CYCLE = "c"
    SCHOOL_YEAR = "s"
    YEAR = "y"
    RANGE = "r"


class PeriodPress(CallbackData, prefix="per1"):
    action: PeriodAction
    report: ReportKey  # which report (handlers/period_picker.PeriodReport.key)
    kind: PeriodCode
    a: Number = 0
    b: Number = 0


class PagePress(CallbackData, prefix="per1p"):
    """‹ › of a report in pages (``PeriodReport.page``): the pressed message turns to the
    page, for the period the button carries."""

    report: ReportKey
    page: Number
    kind: PeriodCode
    a: Number = 0
    b: Number = 0


_CODES = {
    PeriodKind.CYCLE: PeriodCode.CYCLE,
    PeriodKind.SCHOOL_YEAR: PeriodCode.SCHOOL_YEAR,
    PeriodKind.CALENDAR_YEAR: PeriodCode.YEAR,
    PeriodKind.RANGE: PeriodCode.RANGE,
}


def _day_number(day: date) -> int:
    return day.year * 10000 + day.month * 100 + day.day


def _day_of(number: int) -> date | None:
    try:
        return date(number // 10000, number // 100 % 100, number % 100)
    except ValueError:
        return None


def pack_period(period: Period) -> tuple[PeriodCode, int, int]:
    code = _CODES[period.kind]
    if period.kind is PeriodKind.CYCLE:
        return code, period.cycle_id or 0, 0
    assert period.start is not None and period.end is not None
    if period.kind is PeriodKind.RANGE:
        return code, _day_number(period.start), _day_number(period.end)
    return code, period.start.year, 0


def unpack_period(kind: PeriodCode, a: int, b: int) -> Period | None:
    """The period a button carries; ``None`` for numbers none of ours carries."""
    if kind is PeriodCode.CYCLE:
        if b != 0:
            return None
        return Period.cycle(a) if a else Period.current_cycle()
    if kind in (PeriodCode.SCHOOL_YEAR, PeriodCode.YEAR):
        if b != 0 or not EARLIEST_YEAR <= a <= LATEST_YEAR:
            return None
        return Period.school_year(a) if kind is PeriodCode.SCHOOL_YEAR else Period.calendar_year(a)
    start, end = _day_of(a), _day_of(b)
    if start is None or end is None or end < start or too_long(start, end):
        return None
    if not (start.year >= EARLIEST_YEAR and end.year <= LATEST_YEAR):
        return None
    return Period.between(start, end)


def press_of(action: PeriodAction, report: str, period: Period) -> str:
    kind, a, b = pack_period(period)
    return PeriodPress(action=action, report=report, kind=kind, a=a, b=b).pack()


def period_of(press: PeriodPress | PagePress) -> Period | None:
    return unpack_period(press.kind, press.a, press.b)


def page_press(report: str, period: Period, page: int) -> PagePress:
    kind, a, b = pack_period(period)
    return PagePress(report=report, page=page, kind=kind, a=a, b=b)


def page_rows(report: str, period: Period, page: int, pages: int) -> Rows:
    """The ‹ › row of a report's page (none when there is one page); the period is kept."""
    return navigation_row(page, pages, lambda n: page_press(report, period, n))


# --- the buttons ------------------------------------------------------------------------------


def capitalized(label: str) -> str:
    return label[:1].upper() + label[1:]


def period_button(report: str, period: Period, label: str) -> Button:
    """«Период: <label>» under a report: opens the choices."""
    return Button(
        _("Period: {period}").format(period=label), press_of(PeriodAction.MENU, report, period)
    )


def open_button(text: str, report: str, period: Period) -> Button:
    """A button that opens another report for the same period (as new messages)."""
    return Button(text, press_of(PeriodAction.OPEN, report, period))


def offered_periods(
    today: date,
    first_day: date | None,
    earlier_cycles: Sequence[int],
    current_cycle: int | None = None,
) -> list[Period]:
    """What the choices offer: the current cycle (and, when given, the open cycle by its id),
    the earlier cycles (latest first, as given), the school years and the calendar years from
    the one of ``first_day`` (the first cycle's start; today's when unknown) to now, latest
    first, a few of each."""
    periods = [Period.current_cycle()]
    if current_cycle is not None:
        periods.append(Period.cycle(current_cycle))
    periods += [Period.cycle(cycle_id) for cycle_id in earlier_cycles[:EARLIER_CYCLES]]
    first = first_day if first_day is not None and first_day <= today else today
    this_year = school_year_of(today)
    oldest = max(school_year_of(first), this_year - SCHOOL_YEARS + 1)
    periods += [Period.school_year(year) for year in range(this_year, oldest - 1, -1)]
    oldest = max(first.year, today.year - CALENDAR_YEARS + 1)
    periods += [Period.calendar_year(year) for year in range(today.year, oldest - 1, -1)]
    return periods


@dataclass(frozen=True)
class PeriodChoice:
    period: Period
    label: str


def choice_rows(
    report: str, current: Period, choices: Sequence[PeriodChoice], *, back: bool
) -> Rows:
    """The choices in place of a report's buttons: cycles one per row (their labels are long),
    years side by side; the period shown now is marked."""
    rows: list[tuple[Button, ...]] = []
    paired: list[Button] = []
    kind: PeriodKind | None = None
    for choice in choices:
        mark = "✓ " if choice.period == current else ""
        button = Button(
            mark + capitalized(choice.label), press_of(PeriodAction.SHOW, report, choice.period)
        )
        if choice.period.kind is PeriodKind.CYCLE:
            rows.append((button,))
            continue
        if paired and (choice.period.kind is not kind or len(paired) == 2):
            rows.append(tuple(paired))
            paired = []
        kind = choice.period.kind
        paired.append(button)
    if paired:
        rows.append(tuple(paired))
    rows.append((Button(_("Other period…"), press_of(PeriodAction.TYPE, report, current)),))
    if back:
        rows.append((Button(_("← Back"), press_of(PeriodAction.BACK, report, current)),))
    return tuple(rows)


# --- typed dates ------------------------------------------------------------------------------


def _keep_row(report: str, current: Period) -> Rows:
    return ((Button(_("← Back"), press_of(PeriodAction.KEEP, report, current)),),)


def dates_prompt(report: str, current: Period, label: str) -> Screen:
    return Screen(
        _(
            "Type the first and the last day of the period, for example: "
            "01.09.2026–31.12.2026 or «from 1 September 2026 to 31 December 2026». A school "
            "year can be typed as 2026/27, a calendar year as 2026.\n\n"
            "Now the report is for: {period}. To leave it so, press «Back» or send /cancel."
        ).format(period=label),
        _keep_row(report, current),
    )


def problem_screen(problem: PeriodProblem, report: str, current: Period) -> Screen:
    return Screen(
        _(PROBLEM_TEXTS[problem])
        + "\n\n"
        + _("Please type the period again, or press «Back» to leave it as it is."),
        _keep_row(report, current),
    )


def period_kept(label: str) -> str:
    return _("The period stays as it was: {period}.").format(period=label)


def old_button_notice() -> str:
    return _(
        "This button is from an earlier version of the bot: here is the current cycle. "
        "Another period: the «Period» button."
    )


def outdated_period() -> str:
    return _("This choice is outdated. Please open the report again.")
