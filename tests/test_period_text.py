"""Reading a period as curators type it, naming it in both languages, and carrying it in a
button (handlers/period_views.py) and back."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from aiogram.filters.callback_data import CallbackData

from bot.models.cycles import Cycle
from bot.models.periods import Period
from bot.reports.export_book import translator
from bot.reports.period_text import (
    PROBLEM_TEXTS,
    CycleSpan,
    PeriodProblem,
    cycle_span,
    parse_period,
    period_label,
)
from handlers.period_views import (
    PeriodAction,
    PeriodCode,
    PeriodPress,
    offered_periods,
    period_of,
    press_of,
    unpack_period,
)

TODAY = date(2026, 12, 20)
AUTUMN = Period.between(date(2026, 9, 1), date(2026, 12, 31))


@pytest.mark.parametrize(
    "text",
    [
        "01.09.2026–31.12.2026",
        "01.09.2026—31.12.2026",
        "01.09.2026-31.12.2026",
        "1.9.2026 - 31.12.2026",
        "01.09.2026 – 31.12.2026",
        "с 01.09.2026 по 31.12.2026",
        "С 01.09.2026 ПО 31.12.2026",
        "c 01.09.2026 по 31.12.2026",  # a Latin c
        "с 01.09.2026 г. по 31.12.2026 г.",
        "от 01.09.2026 до 31.12.2026",
        "за период с 01.09.2026 по 31.12.2026",
        "с 1 сентября 2026 по 31 декабря 2026",
        "с 1 сентября 2026 года по 31 декабря 2026 года",
        "1 сентября 2026 – 31 декабря 2026",
        "с 1 сентября по 31 декабря 2026",
        "с 1 сент. по 31 дек. 2026",
        "01.09 – 31.12.2026",
        "с сентября 2026 по декабрь 2026",
        "сентябрь–декабрь 2026",
        "«01.09.2026–31.12.2026»",
        "01.09.2026..31.12.2026",
        "01.09.2026 31.12.2026",
        "01/09/2026 - 31/12/2026",
        "2026-09-01 — 2026-12-31",
        "  01.09.2026\u00a0–\u00a031.12.2026.  ",
        "from 1 September 2026 to 31 December 2026",
        "Sep 1, 2026 – Dec 31, 2026",
    ],
)
def test_real_spellings_of_one_autumn(text: str) -> None:
    assert parse_period(text, TODAY) == AUTUMN


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("15.10.2026", Period.between(date(2026, 10, 15), date(2026, 10, 15))),
        ("15 октября 2026 г.", Period.between(date(2026, 10, 15), date(2026, 10, 15))),
        ("сентябрь 2026", Period.between(date(2026, 9, 1), date(2026, 9, 30))),
        ("февраль 2024", Period.between(date(2024, 2, 1), date(2024, 2, 29))),
        ("2026", Period.calendar_year(2026)),
        ("2025 год", Period.calendar_year(2025)),
        ("за 2025 год", Period.calendar_year(2025)),
        ("2025/26", Period.school_year(2025)),
        ("2025/2026", Period.school_year(2025)),
        ("2025–2026 учебный год", Period.school_year(2025)),
        ("2025-2026 уч. год", Period.school_year(2025)),
        ("учебный год 2025/26", Period.school_year(2025)),
        ("2026/27", Period.school_year(2026)),  # begun in September: counts so far
        ("2023–2025", Period.between(date(2023, 1, 1), date(2025, 12, 31))),
        # The year once, at the end, across New Year: the start is in the year before.
        ("с 1 сентября по 31 мая 2027", None),
        ("с 1 декабря по 31 января 2027", None),
    ],
)
def test_single_dates_months_and_years(text: str, expected: Period | None) -> None:
    today = date(2027, 6, 1) if expected is None else TODAY
    found = parse_period(text, today)
    if expected is None:
        assert isinstance(found, Period) and found.end is not None and found.start is not None
        assert found.start.year == found.end.year - 1 and found.start.day == 1
    else:
        assert found == expected


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", PeriodProblem.NOT_UNDERSTOOD),
        ("   ", PeriodProblem.NOT_UNDERSTOOD),
        ("вчера", PeriodProblem.NOT_UNDERSTOOD),
        ("за прошлый месяц", PeriodProblem.NOT_UNDERSTOOD),
        ("01.09.2026 по", PeriodProblem.NOT_UNDERSTOOD),
        ("с 1 сентября по 31 декабря", PeriodProblem.NOT_UNDERSTOOD),  # no year at all
        ("2026/28", PeriodProblem.NOT_UNDERSTOOD),
        ("1" * 200, PeriodProblem.NOT_UNDERSTOOD),
        ("01.09.26-31.12.26", PeriodProblem.SHORT_YEAR),
        ("31.04.2026-01.05.2026", PeriodProblem.NO_SUCH_DATE),
        ("30.02.2026", PeriodProblem.NO_SUCH_DATE),
        ("01.09.1812-31.12.1812", PeriodProblem.BAD_YEAR),
        ("31.12.2026 - 01.09.2026", PeriodProblem.END_BEFORE_START),
        ("2026–2024", PeriodProblem.END_BEFORE_START),
        ("01.01.2015-31.12.2026", PeriodProblem.TOO_LONG),
        ("2027", PeriodProblem.NOT_BEGUN),
        ("2027/28", PeriodProblem.NOT_BEGUN),
        ("01.01.2027 - 31.01.2027", PeriodProblem.NOT_BEGUN),
    ],
)
def test_nonsense_gets_a_problem_with_a_friendly_text(text: str, problem: PeriodProblem) -> None:
    assert parse_period(text, TODAY) is problem
    assert PROBLEM_TEXTS[problem]


def test_the_end_may_be_after_today_and_five_years_are_allowed() -> None:
    assert parse_period("01.09.2026 - 31.08.2027", TODAY) == Period.between(
        date(2026, 9, 1), date(2027, 8, 31)
    )
    assert isinstance(parse_period("01.01.2021 - 31.12.2025", TODAY), Period)
    assert parse_period("01.01.2021 - 01.01.2026", TODAY) is PeriodProblem.TOO_LONG


def test_the_not_understood_text_gives_an_example_in_both_languages() -> None:
    message = PROBLEM_TEXTS[PeriodProblem.NOT_UNDERSTOOD]
    assert "01.09.2026–31.12.2026" in message
    russian = translator("ru")(message)
    assert "с 1 сентября 2026 по 31 декабря 2026" in russian and russian != message


CLOSED = CycleSpan(7, 2, date(2025, 9, 1), date(2026, 5, 31), current=False)
OPEN = CycleSpan(8, 3, date(2026, 9, 1), date(2027, 5, 31), current=True)
OPEN_NO_END = CycleSpan(8, 3, date(2026, 9, 1), None, current=True)


@pytest.mark.parametrize(
    ("period", "span", "english", "russian"),
    [
        (Period.cycle(7), CLOSED, "cycle 2 (01.09.2025 – 31.05.2026)",
         "цикл 2 (01.09.2025 – 31.05.2026)"),
        (Period.current_cycle(), OPEN, "cycle 3, current (01.09.2026 – 31.05.2027)",
         "цикл 3, текущий (01.09.2026 – 31.05.2027)"),
        (Period.current_cycle(), OPEN_NO_END, "cycle 3, current (since 01.09.2026)",
         "цикл 3, текущий (с 01.09.2026)"),
        (Period.current_cycle(), None, "the current cycle", "текущий цикл"),
        (Period.school_year(2026), None, "school year 2026/27", "2026/27 учебный год"),
        (Period.school_year(2099), None, "school year 2099/00", "2099/00 учебный год"),
        (Period.calendar_year(2026), None, "year 2026", "2026 год"),
        (AUTUMN, None, "01.09.2026 – 31.12.2026", "01.09.2026 – 31.12.2026"),
        (Period.between(date(2026, 10, 5), date(2026, 10, 5)), None, "05.10.2026",
         "05.10.2026"),
    ],
)  # fmt: skip
def test_a_period_is_named_in_both_languages(
    period: Period, span: CycleSpan | None, english: str, russian: str
) -> None:
    assert period_label(period, translator("en"), span) == english
    assert period_label(period, translator("ru"), span) == russian


def test_several_current_cycles_and_a_cycle_closed_late_in_the_evening() -> None:
    assert period_label(Period.current_cycle(), translator("ru"), several=True) == "текущие циклы"
    # Closed at 22:00 UTC on 31 May is 1 June in Chita: the date is the organization's.
    cycle = Cycle(5, 1, 2, date(2025, 9, 1), date(2026, 5, 31), None,
                  datetime(2026, 5, 31, 22, 0, tzinfo=UTC))  # fmt: skip
    assert cycle_span(cycle, "Asia/Chita") == CycleSpan(5, 2, date(2025, 9, 1),
                                                        date(2026, 6, 1), False)  # fmt: skip
    assert cycle_span(cycle, "Europe/Kaliningrad").end == date(2026, 6, 1)
    assert cycle_span(cycle, "Europe/London").end == date(2026, 5, 31)


# --- the period in a button ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "period",
    [
        Period.current_cycle(),
        Period.cycle(1),
        Period.cycle(2**63 - 1),
        Period.school_year(2026),
        Period.calendar_year(1900),
        Period.calendar_year(2100),
        AUTUMN,
        Period.between(date(2026, 2, 28), date(2026, 2, 28)),
        Period.between(date(2021, 1, 1), date(2025, 12, 31)),
    ],
)
def test_a_period_goes_into_a_button_and_back(period: Period) -> None:
    for action in PeriodAction:
        data = press_of(action, "st", period)
        assert len(data.encode()) <= 64, data
        press = PeriodPress.unpack(data)
        assert press.action is action and press.report == "st"
        assert period_of(press) == period


@pytest.mark.parametrize(
    ("kind", "a", "b"),
    [
        (PeriodCode.CYCLE, 5, 1),
        (PeriodCode.SCHOOL_YEAR, 1812, 0),
        (PeriodCode.YEAR, 99999, 0),
        (PeriodCode.YEAR, 2026, 7),
        (PeriodCode.RANGE, 20260231, 20260301),  # 31 February
        (PeriodCode.RANGE, 20261231, 20260901),  # ends before it begins
        (PeriodCode.RANGE, 20100101, 20261231),  # too long
        (PeriodCode.RANGE, 0, 0),
    ],
)
def test_numbers_no_button_of_ours_carries_are_no_period(kind: PeriodCode, a: int, b: int) -> None:
    assert unpack_period(kind, a, b) is None


@pytest.mark.parametrize(
    "data",
    [
        "per1:s:st:c:-1:0",
        "per1:s:st:x:1:0",
        "per1:q:st:c:1:0",
        "per1:s:STATS:c:1:0",
        "per1:s:st:c:1",
        "per1:s:st:c:one:0",
    ],
)
def test_forged_data_does_not_unpack(data: str) -> None:
    with pytest.raises((ValueError, TypeError)):
        PeriodPress.unpack(data)


def test_the_prefix_is_the_pickers_own() -> None:
    assert PeriodPress.__prefix__ == "per1"
    assert issubclass(PeriodPress, CallbackData)


def test_the_choices_offered() -> None:
    periods = offered_periods(date(2026, 3, 12), date(2024, 9, 1), [3, 2, 1], current_cycle=9)
    assert periods == [
        Period.current_cycle(),
        Period.cycle(9),
        Period.cycle(3),
        Period.cycle(2),
        Period.cycle(1),
        Period.school_year(2025),
        Period.school_year(2024),
        Period.calendar_year(2026),
        Period.calendar_year(2025),
        Period.calendar_year(2024),
    ]
    # A new organization: this school year and this calendar year only; a long history is
    # cut to the last few (the rest are typed).
    assert offered_periods(date(2026, 3, 12), None, []) == [
        Period.current_cycle(), Period.school_year(2025), Period.calendar_year(2026),
    ]  # fmt: skip
    many = offered_periods(date(2026, 3, 12), date(2010, 9, 1), list(range(20, 0, -1)))
    assert len([p for p in many if p.cycle_id]) == 6
    assert [p.start.year for p in many if p.kind.value == "school_year" and p.start] == [
        2025, 2024, 2023, 2022,
    ]  # fmt: skip
    assert len([p for p in many if p.kind.value == "year"]) == 3
