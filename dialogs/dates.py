"""Reading the dates people type: ``12.03.2011``, ``2011-03-12``, ``12 марта 2011`` and the like."""

from __future__ import annotations

import re
from datetime import date

from dialogs.i18n import N_

MSG_DATE_FORMAT = N_("Please type a date like 12.03.2011.")
MSG_DATE_SHORT_YEAR = N_("Please write the year with all four digits, like 12.03.2011.")
MSG_DATE_NO_SUCH = N_("There is no such date. Please check the day and the month.")
MSG_DATE_YEAR = N_("Please check the year.")
MSG_YEAR_FORMAT = N_("Please type the year of birth with four digits, for example: 1990.")

EARLIEST_YEAR = 1900
LATEST_YEAR = 2100
# Longer texts are not dates; the cap also keeps the patterns' backtracking small.
MAX_DATE_TEXT = 40


class DateTextError(ValueError):
    """The text is not a date; ``message`` is a msgid saying what is expected."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _month_forms() -> dict[str, int]:
    forms: dict[str, int] = {}
    names = (
        # Russian: nominative, genitive, abbreviations
        ("январь", "января", "янв"),
        ("февраль", "февраля", "фев", "февр"),
        ("март", "марта", "мар"),
        ("апрель", "апреля", "апр"),
        ("май", "мая"),
        ("июнь", "июня", "июн"),
        ("июль", "июля", "июл"),
        ("август", "августа", "авг"),
        ("сентябрь", "сентября", "сен", "сент"),
        ("октябрь", "октября", "окт"),
        ("ноябрь", "ноября", "ноя", "нояб"),
        ("декабрь", "декабря", "дек"),
    )
    english = (
        ("january", "jan"),
        ("february", "feb"),
        ("march", "mar"),
        ("april", "apr"),
        ("may",),
        ("june", "jun"),
        ("july", "jul"),
        ("august", "aug"),
        ("september", "sep", "sept"),
        ("october", "oct"),
        ("november", "nov"),
        ("december", "dec"),
    )
    for group in (names, english):
        for number, words in enumerate(group, start=1):
            for word in words:
                forms[word] = number
    return forms


MONTHS = _month_forms()

_SEP = r"\s*[./\-\s]\s*"
_NUMERIC = re.compile(rf"([0-9]+){_SEP}([0-9]+){_SEP}([0-9]+)")
_DAY_MONTH_YEAR = re.compile(r"([0-9]+)\s*([^\W\d_]+)\.?\s*,?\s*([0-9]+)")
_MONTH_DAY_YEAR = re.compile(r"([^\W\d_]+)\.?\s*([0-9]+)\s*,?\s*([0-9]+)")
# "12 марта 2011 г.", "2011 года"
_YEAR_WORD = re.compile(r"\s*(?:года|год|г)\.?$")
_DASHES = str.maketrans({"–": "-", "—": "-", "‒": "-", "−": "-", "\u00a0": " ", "\u202f": " "})


def parse_date_text(text: str) -> date:
    """The date in ``text`` or :class:`DateTextError`; two-digit years are refused as ambiguous."""
    if len(text) > MAX_DATE_TEXT:
        raise DateTextError(MSG_DATE_FORMAT)
    cleaned = _YEAR_WORD.sub("", text.translate(_DASHES).strip().lower().replace("ё", "е"))
    cleaned = cleaned.strip()
    if match := _NUMERIC.fullmatch(cleaned):
        first, second, third = match.groups()
        if len(first) == 4 and len(third) <= 2:
            year, month, day = first, second, third
        else:
            day, month, year = first, second, third
        if len(day) > 2 or len(month) > 2:
            raise DateTextError(MSG_DATE_FORMAT)
        return _build(day, int(month), year)
    if match := _DAY_MONTH_YEAR.fullmatch(cleaned):
        day, word, year = match.groups()
        return _build(day, _month(word), year)
    if match := _MONTH_DAY_YEAR.fullmatch(cleaned):
        word, day, year = match.groups()
        return _build(day, _month(word), year)
    raise DateTextError(MSG_DATE_FORMAT)


_YEAR_ONLY = re.compile(r"[0-9]{1,4}")


def parse_year_text(text: str) -> int:
    """The year in ``text``: ``1990``, ``1990 г.``, ``1990 год``, or the year of a whole date
    typed out of habit (only the year is kept); :class:`DateTextError` for anything else, two
    digits included (``90`` could be 1990 or 2090)."""
    if len(text) > MAX_DATE_TEXT:
        raise DateTextError(MSG_YEAR_FORMAT)
    cleaned = _YEAR_WORD.sub("", text.translate(_DASHES).strip().lower()).strip()
    if _YEAR_ONLY.fullmatch(cleaned):
        if len(cleaned) != 4:
            raise DateTextError(MSG_YEAR_FORMAT)
        return int(cleaned)
    try:
        return parse_date_text(text).year
    except DateTextError:
        raise DateTextError(MSG_YEAR_FORMAT) from None


def _month(word: str) -> int:
    number = MONTHS.get(word)
    if number is None:
        raise DateTextError(MSG_DATE_FORMAT)
    return number


def _build(day: str, month: int, year: str) -> date:
    if len(day) > 2:
        raise DateTextError(MSG_DATE_FORMAT)
    if len(year) == 2:
        raise DateTextError(MSG_DATE_SHORT_YEAR)
    if len(year) != 4:
        raise DateTextError(MSG_DATE_FORMAT)
    if not EARLIEST_YEAR <= int(year) <= LATEST_YEAR:
        raise DateTextError(MSG_DATE_YEAR)
    try:
        return date(int(year), month, int(day))
    except ValueError:
        raise DateTextError(MSG_DATE_NO_SUCH) from None


def format_date_ddmmyyyy(value: date) -> str:
    return value.strftime("%d.%m.%Y")
