"""Answers to questionnaires: checking what people type or press.

The buttons offered are in :mod:`dialogs.options`, the navigation between questions in
:mod:`dialogs.navigation`, and showing answers back in :mod:`dialogs.answer_display`.

Pure functions: no I/O, no Telegram, and the date of today is passed in.

An answer value is JSON-serialisable and has one shape per kind of question:

==================  ==========================================================================
kind                value
==================  ==========================================================================
short_text,         ``str``, stripped (a short text also has its inner whitespace collapsed)
long_text
number, scale,      ``int``
birth_year
date                ``str``, ISO ``"YYYY-MM-DD"``
yes_no              ``bool``
single_choice       ``{"choice": value, "other": None}``, or
                    ``{"choice": "other", "other": "typed text"}`` for the "other" choice
multi_choice        ``{"choices": [values in option order], "other": str | None}``; the value
                    ``"other"`` comes last in ``choices`` when typed text was given
skipped optional    ``None`` (the key is present, so navigation moves past it)
==================  ==========================================================================

Every check returns :class:`ParsedAnswer` or :class:`AnswerError`, whose ``message`` is a msgid
(with ``{placeholders}`` filled from ``params``) telling the person what is expected.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TypedDict

from dialogs.ages import age_in_years
from dialogs.dates import DateTextError, parse_date_text, parse_year_text
from dialogs.i18n import A_, N_
from dialogs.model import OTHER, TEXT_KINDS, Option, Question, QuestionKind
from dialogs.options import options_or_own

# A word the runner shows; it translates it with ``_()`` like every msgid.
OTHER_PROMPT = A_("Please type your answer.")

MSG_TEXT_TOO_SHORT = A_("Please write at least {min} characters.")
MSG_TEXT_TOO_LONG = A_("Please write no more than {max} characters.")
MSG_TEXT_NO_LETTERS = A_("Please answer in words or numbers.")
MSG_NUMBER = A_("Please type a whole number from {min} to {max}.")
MSG_SCALE = A_("Please choose a number from {min} to {max}.")
MSG_DATE_FUTURE = A_("This date is in the future. Please check it.")
MSG_AGE_RANGE = A_("Please check the date of birth: the age should be from {min} to {max} years.")
MSG_AGE_MIN = A_("Please check the date of birth: the age should be at least {min} years.")
MSG_AGE_MAX = A_("Please check the date of birth: the age should be at most {max} years.")
MSG_YEAR_RANGE = N_("Please check the year of birth: it should be from {min} to {max}.")
MSG_USE_BUTTONS = A_("Please choose an answer with the buttons below.")
MSG_UNKNOWN_OPTION = A_("This option is no longer available. Please choose again.")
MSG_TOO_MANY = N_("You can choose up to {max} options.")
MSG_NONE_CHOSEN = A_("Please choose at least one option.")
MSG_OTHER_MISSING = A_("Please type your own answer for “Other”.")
MSG_REQUIRED = N_("This question can't be skipped.")

# The typed text of an "other" choice follows the rules of a short text.
OTHER_MIN_LENGTH, OTHER_MAX_LENGTH = 2, 200
# More digits than this are no answer to any range we ask about (and int() stays cheap).
_MAX_NUMBER_DIGITS = 12
_NUMBER = re.compile(r"[+-]?[0-9][0-9 ]*")
_YES_WORDS = frozenset({"да", "д", "ага", "yes", "y"})
_NO_WORDS = frozenset({"нет", "н", "no", "n"})
_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2009": " "})


class ChoiceAnswer(TypedDict):
    choice: str
    other: str | None


class ChoicesAnswer(TypedDict):
    choices: list[str]
    other: str | None


AnswerValue = str | int | bool | ChoiceAnswer | ChoicesAnswer | None


@dataclass(frozen=True, slots=True)
class ParsedAnswer:
    value: AnswerValue


@dataclass(frozen=True, slots=True)
class AnswerError:
    message: str
    params: dict[str, str | int] = field(default_factory=dict)

    def render(self, translate: Callable[[str], str]) -> str:
        return translate(self.message).format(**self.params)


# --- typed text ----------------------------------------------------------------------------


def parse_text(
    question: Question,
    text: str,
    *,
    today: date,
    answers: Mapping[str, object] | None = None,
) -> ParsedAnswer | AnswerError:
    """Check a typed message as the answer to ``question``; never raises on any text.

    ``answers`` (given so far) supply the lower bound of a number question with ``min_from``.
    A choice question answered by typing gets "please use the buttons"; a yes/no question
    also takes a typed "да"/"нет" or "yes"/"no", and a scale a typed number.
    """
    kind = question.kind
    if kind in TEXT_KINDS:
        assert question.min_length is not None and question.max_length is not None
        cleaned = _clean_text(text, single_line=kind == QuestionKind.SHORT_TEXT)
        return _check_length(cleaned, question.min_length, question.max_length)
    if kind in (QuestionKind.NUMBER, QuestionKind.SCALE):
        return _parse_number(question, text, answers or {})
    if kind == QuestionKind.DATE:
        return _parse_date(question, text, today)
    if kind == QuestionKind.BIRTH_YEAR:
        return _parse_birth_year(question, text, today)
    if kind == QuestionKind.YES_NO:
        word = text.strip().strip(".!").lower()
        if word in _YES_WORDS:
            return ParsedAnswer(True)
        if word in _NO_WORDS:
            return ParsedAnswer(False)
    return AnswerError(MSG_USE_BUTTONS)


def parse_other(question: Question, text: str) -> ParsedAnswer | AnswerError:
    """Check the typed text of the "other" choice; the value is the cleaned text (``str``).

    Pass it on as ``other=`` to :func:`check_choice` or :func:`check_choices`.
    """
    if not question.allow_other:
        return AnswerError(MSG_USE_BUTTONS)
    return _check_length(_clean_text(text, single_line=True), OTHER_MIN_LENGTH, OTHER_MAX_LENGTH)


def _clean_text(text: str, *, single_line: bool) -> str:
    if single_line:
        return " ".join(text.split())
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    return "\n".join(lines).strip()


def _check_length(cleaned: str, low: int, high: int) -> ParsedAnswer | AnswerError:
    if not any(char.isalnum() for char in cleaned):
        return AnswerError(MSG_TEXT_NO_LETTERS)
    if len(cleaned) < low:
        return AnswerError(MSG_TEXT_TOO_SHORT, {"min": low})
    if len(cleaned) > high:
        return AnswerError(MSG_TEXT_TOO_LONG, {"max": high})
    return ParsedAnswer(cleaned)


def _parse_number(
    question: Question, text: str, answers: Mapping[str, object]
) -> ParsedAnswer | AnswerError:
    assert question.min_value is not None and question.max_value is not None
    low, high = question.min_value, question.max_value
    if question.min_from is not None:
        earlier = answers.get(question.min_from)
        if isinstance(earlier, int) and not isinstance(earlier, bool):
            low = max(low, min(earlier, high))
    message = MSG_SCALE if question.kind == QuestionKind.SCALE else MSG_NUMBER
    error = AnswerError(message, {"min": low, "max": high})
    cleaned = text.translate(_SPACES).strip()
    if not _NUMBER.fullmatch(cleaned):
        return error
    digits = cleaned.replace(" ", "")
    if len(digits.lstrip("+-")) > _MAX_NUMBER_DIGITS:
        return error
    number = int(digits)
    return ParsedAnswer(number) if low <= number <= high else error


def _parse_date(question: Question, text: str, today: date) -> ParsedAnswer | AnswerError:
    try:
        value = parse_date_text(text)
    except DateTextError as problem:
        return AnswerError(problem.message)
    if question.not_in_future and value > today:
        return AnswerError(MSG_DATE_FUTURE)
    low, high = question.min_age_years, question.max_age_years
    if low is not None or high is not None:
        if value > today:
            return AnswerError(MSG_DATE_FUTURE)
        age = age_in_years(value, today)
        too_young = low is not None and age < low
        too_old = high is not None and age > high
        if too_young or too_old:
            if low is not None and high is not None:
                return AnswerError(MSG_AGE_RANGE, {"min": low, "max": high})
            if low is not None:
                return AnswerError(MSG_AGE_MIN, {"min": low})
            assert high is not None
            return AnswerError(MSG_AGE_MAX, {"max": high})
    return ParsedAnswer(value.isoformat())


def birth_year_bounds(question: Question, today: date) -> tuple[int, int]:
    """The years of birth a ``birth_year`` question accepts in ``today``'s year: someone aged
    ``min_age_years`` this year was born at the latest ``today.year - min_age_years``."""
    assert question.min_age_years is not None and question.max_age_years is not None
    return today.year - question.max_age_years, today.year - question.min_age_years


def _parse_birth_year(question: Question, text: str, today: date) -> ParsedAnswer | AnswerError:
    try:
        year = parse_year_text(text)
    except DateTextError as problem:
        return AnswerError(problem.message)
    earliest, latest = birth_year_bounds(question, today)
    if not earliest <= year <= latest:
        return AnswerError(MSG_YEAR_RANGE, {"min": earliest, "max": latest})
    return ParsedAnswer(year)


# --- pressed buttons -----------------------------------------------------------------------


def check_choice(
    question: Question,
    value: str,
    options: Sequence[Option] | None = None,
    *,
    other: str | None = None,
) -> ParsedAnswer | AnswerError:
    """Check one pressed button of a single-choice, yes/no or scale question.

    ``options`` default to the question's own; pass them for ``options_source="forms"``.
    The "other" choice needs its typed text as ``other`` (from :func:`parse_other`).
    """
    known = {option.value for option in options_or_own(question, options)}
    kind = question.kind
    if kind == QuestionKind.YES_NO and value in known:
        return ParsedAnswer(value == "yes")
    if kind == QuestionKind.SCALE and value in known:
        return ParsedAnswer(int(value))
    if kind != QuestionKind.SINGLE_CHOICE:
        return AnswerError(MSG_UNKNOWN_OPTION)
    if value == OTHER and question.allow_other:
        if other is None:
            return AnswerError(MSG_OTHER_MISSING)
        checked = parse_other(question, other)
        if isinstance(checked, AnswerError):
            return checked
        assert isinstance(checked.value, str)
        return ParsedAnswer(ChoiceAnswer(choice=OTHER, other=checked.value))
    if value not in known:
        return AnswerError(MSG_UNKNOWN_OPTION)
    return ParsedAnswer(ChoiceAnswer(choice=value, other=None))


def toggle_choice(
    question: Question,
    selected: Sequence[str],
    value: str,
    options: Sequence[Option] | None = None,
) -> list[str] | AnswerError:
    """The selection of a multi-choice question after pressing ``value``, in option order.

    Pressing a chosen value removes it; adding one past ``max_choices`` is an error. Adding
    ``"other"`` is allowed here; the runner then asks for its text (:data:`OTHER_PROMPT`).
    """
    order = _choice_order(question, options)
    if question.kind != QuestionKind.MULTI_CHOICE or value not in order:
        return AnswerError(MSG_UNKNOWN_OPTION)
    current = {item for item in selected if item in order}
    if value in current:
        current.remove(value)
    elif question.max_choices is not None and len(current) >= question.max_choices:
        return AnswerError(MSG_TOO_MANY, {"max": question.max_choices})
    else:
        current.add(value)
    return sorted(current, key=order.__getitem__)


def check_choices(
    question: Question,
    values: Sequence[str],
    options: Sequence[Option] | None = None,
    *,
    other: str | None = None,
) -> ParsedAnswer | AnswerError:
    """Check the final selection of a multi-choice question ("done" pressed)."""
    order = _choice_order(question, options)
    if question.kind != QuestionKind.MULTI_CHOICE or any(v not in order for v in values):
        return AnswerError(MSG_UNKNOWN_OPTION)
    chosen = sorted(set(values), key=order.__getitem__)
    if not chosen:
        return AnswerError(MSG_NONE_CHOSEN)
    if question.max_choices is not None and len(chosen) > question.max_choices:
        return AnswerError(MSG_TOO_MANY, {"max": question.max_choices})
    other_text: str | None = None
    if OTHER in chosen:
        if other is None:
            return AnswerError(MSG_OTHER_MISSING)
        checked = parse_other(question, other)
        if isinstance(checked, AnswerError):
            return checked
        assert isinstance(checked.value, str)
        other_text = checked.value
    return ParsedAnswer(ChoicesAnswer(choices=chosen, other=other_text))


def skip_answer(question: Question) -> ParsedAnswer | AnswerError:
    """The answer when "skip" is pressed: ``None``, or an error for a required question."""
    return AnswerError(MSG_REQUIRED) if question.required else ParsedAnswer(None)


def _choice_order(question: Question, options: Sequence[Option] | None) -> dict[str, int]:
    values = [option.value for option in options_or_own(question, options)]
    if question.allow_other:
        values.append(OTHER)
    return {value: position for position, value in enumerate(values)}
