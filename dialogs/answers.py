"""Answers to questionnaires: checking what people type or press, and showing it back.

Pure functions: no I/O, no Telegram, and the date of today is passed in.

An answer value is JSON-serialisable and has one shape per kind of question:

==================  ==========================================================================
kind                value
==================  ==========================================================================
short_text,         ``str``, stripped (a short text also has its inner whitespace collapsed)
long_text
number, scale       ``int``
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
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TypedDict

from dialogs.dates import DateTextError, format_date_ddmmyyyy, parse_date_text
from dialogs.i18n import A_, N_
from dialogs.model import (
    AGE_GROUP,
    CHOICE_KINDS,
    OTHER,
    TEXT_KINDS,
    AgeGroup,
    Option,
    Question,
    QuestionKind,
    Questionnaire,
)

# Buttons and words the runner shows; it translates them with ``_()`` like every msgid.
OTHER_LABEL = N_("Other (your own answer)")
OTHER_PROMPT = A_("Please type your answer.")
YES_LABEL = N_("Yes")
NO_LABEL = N_("No")
SKIPPED_LABEL = N_("Skipped")
OTHER_TEXT = N_("Other: “{text}”")

MSG_TEXT_TOO_SHORT = A_("Please write at least {min} characters.")
MSG_TEXT_TOO_LONG = A_("Please write no more than {max} characters.")
MSG_TEXT_NO_LETTERS = A_("Please answer in words or numbers.")
MSG_NUMBER = A_("Please type a whole number from {min} to {max}.")
MSG_SCALE = A_("Please choose a number from {min} to {max}.")
MSG_DATE_FUTURE = A_("This date is in the future. Please check it.")
MSG_AGE_RANGE = A_("Please check the date of birth: the age should be from {min} to {max} years.")
MSG_AGE_MIN = A_("Please check the date of birth: the age should be at least {min} years.")
MSG_AGE_MAX = A_("Please check the date of birth: the age should be at most {max} years.")
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


# --- options -------------------------------------------------------------------------------


def question_options(question: Question, forms: Sequence[Option] = ()) -> list[Option]:
    """The answers a question offers as buttons, without the "other" choice.

    ``forms`` are the forms of mentorship the organisation runs, for ``options_source="forms"``.
    A yes/no question offers ``yes`` and ``no``; a scale offers its points as digits.
    """
    if question.kind in CHOICE_KINDS:
        return list(forms) if question.options_source == "forms" else list(question.options)
    if question.kind == QuestionKind.YES_NO:
        return [Option(value="yes", label=YES_LABEL), Option(value="no", label=NO_LABEL)]
    if question.kind == QuestionKind.SCALE:
        assert question.min_value is not None and question.max_value is not None
        points = range(question.min_value, question.max_value + 1)
        return [Option(value=str(point), label=str(point)) for point in points]
    return []


def button_options(question: Question, forms: Sequence[Option] = ()) -> list[Option]:
    """The buttons to show: :func:`question_options` plus "other" when the question allows it."""
    options = question_options(question, forms)
    if question.allow_other:
        options.append(Option(value=OTHER, label=OTHER_LABEL))
    return options


def _options(question: Question, options: Sequence[Option] | None) -> list[Option]:
    return list(options) if options is not None else question_options(question)


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
    known = {option.value for option in _options(question, options)}
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
    values = [option.value for option in _options(question, options)]
    if question.allow_other:
        values.append(OTHER)
    return {value: position for position, value in enumerate(values)}


# --- navigation ----------------------------------------------------------------------------


def selected_values(value: object) -> set[str]:
    """The option values a stored choice answer includes (empty for anything else)."""
    if isinstance(value, Mapping):
        choice = value.get("choice")
        if isinstance(choice, str):
            return {choice}
        choices = value.get("choices")
        if isinstance(choices, list):
            return {item for item in choices if isinstance(item, str)}
    return set()


def visible_questions(
    questionnaire: Questionnaire, answers: Mapping[str, object], context: Mapping[str, str]
) -> list[Question]:
    """The questions shown for these answers and this context (``{"age_group": ...}``).

    A question whose ``show_if`` tests a hidden or unanswered question is hidden; one that
    tests ``age_group`` is hidden while the context has no age group.
    """
    shown: list[Question] = []
    shown_keys: set[str] = set()
    for question in questionnaire.questions:
        condition = question.show_if
        if condition is None:
            visible = True
        elif condition.question == AGE_GROUP:
            visible = context.get(AGE_GROUP) in condition.any_of
        else:
            visible = condition.question in shown_keys and bool(
                selected_values(answers.get(condition.question)) & set(condition.any_of)
            )
        if visible:
            shown.append(question)
            shown_keys.add(question.key)
    return shown


def next_question_key(
    questionnaire: Questionnaire,
    answers: Mapping[str, object],
    context: Mapping[str, str],
    after: str | None,
) -> str | None:
    """The first visible question after ``after`` (or from the start) without an entry.

    When none is left after it, an earlier visible question without an entry is returned
    (one that a later answer or the age group made visible), so ``None`` means every visible
    question has an entry. An ``after`` the questionnaire does not know counts as the start.
    """
    visible = visible_questions(questionnaire, answers, context)
    start = _position(questionnaire, after)
    later = [q for q in visible if start is not None and questionnaire.index(q.key) > start]
    for question in [*later, *visible]:
        if question.key not in answers:
            return question.key
    return None


def previous_question_key(
    questionnaire: Questionnaire,
    answers: Mapping[str, object],
    context: Mapping[str, str],
    before: str | None,
) -> str | None:
    """The visible question just before ``before``; with ``None`` (the summary), the last one.

    ``None`` when ``before`` is the first visible question or is unknown.
    """
    visible = visible_questions(questionnaire, answers, context)
    if before is None:
        return visible[-1].key if visible else None
    start = _position(questionnaire, before)
    if start is None:
        return None
    earlier = [q for q in visible if questionnaire.index(q.key) < start]
    return earlier[-1].key if earlier else None


def is_complete(
    questionnaire: Questionnaire, answers: Mapping[str, object], context: Mapping[str, str]
) -> bool:
    """Every visible required question has an answer that is not ``None``."""
    return all(
        answers.get(question.key) is not None
        for question in visible_questions(questionnaire, answers, context)
        if question.required
    )


def visible_answers(
    questionnaire: Questionnaire, answers: Mapping[str, object], context: Mapping[str, str]
) -> dict[str, object]:
    """The answers to keep: those of visible questions (a changed choice may hide others)."""
    keys = [q.key for q in visible_questions(questionnaire, answers, context)]
    return {key: answers[key] for key in keys if key in answers}


def question_position(
    questionnaire: Questionnaire,
    answers: Mapping[str, object],
    context: Mapping[str, str],
    key: str,
    prefilled: Collection[str] = (),
) -> tuple[int, int]:
    """``(number, total)`` for "Question 3 of 14": progress that neither jumps nor grows.

    The number is the place of the question among the visible ones the person is asked
    (``prefilled`` ones, answered by the bot from what it already knows, are not counted), so
    it goes up by one with every answer or skip and down by one with "back". The total is the
    most questions this person can be asked, fixed up front: a question that depends on an
    answer counts as if it will be shown, one that depends on the age group only when the age
    group allows it. A branch that stays closed ends the questionnaire a little earlier
    instead of making the total grow half-way.
    """
    asked = [
        q.key for q in visible_questions(questionnaire, answers, context) if q.key not in prefilled
    ]
    number = asked.index(key) + 1 if key in asked else len(asked)
    return number, max(most_questions(questionnaire, context, prefilled), number)


def most_questions(
    questionnaire: Questionnaire, context: Mapping[str, str], prefilled: Collection[str] = ()
) -> int:
    """How many questions can be asked at most, given only the context (the age group)."""
    possible: set[str] = set()
    for question in questionnaire.questions:
        condition = question.show_if
        if condition is None:
            shown = True
        elif condition.question == AGE_GROUP:
            shown = context.get(AGE_GROUP) in condition.any_of
        else:
            shown = condition.question in possible
        if shown:
            possible.add(question.key)
    return len(possible - set(prefilled))


def answer_context(
    questionnaire: Questionnaire,
    answers: Mapping[str, object],
    *,
    today: date,
    base: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """The context for :func:`visible_questions`: ``base`` (what the bot already knows, such
    as an age group given with the consent) with ``age_group`` taken from an answered date of
    birth (a date question with age limits), which wins as the more exact source.
    """
    context = dict(base or {})
    for question in questionnaire.questions:
        if question.is_birth_date:
            value = answers.get(question.key)
            if isinstance(value, str):
                try:
                    birth = date.fromisoformat(value)
                except ValueError:
                    continue
                context[AGE_GROUP] = age_group(birth, today)
                break
    return context


def _position(questionnaire: Questionnaire, key: str | None) -> int | None:
    if key is None:
        return None
    try:
        return questionnaire.index(key)
    except KeyError:
        return None


# --- showing answers -----------------------------------------------------------------------


def format_answer(
    question: Question,
    value: object,
    translate: Callable[[str], str],
    options: Sequence[Option] | None = None,
) -> str:
    """An answer as plain text for a summary or the profile (not escaped: the caller escapes).

    Dates read DD.MM.YYYY, choices show their translated labels, the "other" text is quoted,
    and a skipped question reads as the translated "Skipped".
    """
    if value is None:
        return translate(SKIPPED_LABEL)
    if isinstance(value, bool):
        return translate(YES_LABEL if value else NO_LABEL)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        if question.kind == QuestionKind.DATE:
            try:
                return format_date_ddmmyyyy(date.fromisoformat(value))
            except ValueError:
                return value
        return value
    if isinstance(value, Mapping):
        labels = {option.value: option.label for option in _options(question, options)}
        other = value.get("other")
        chosen = value.get("choices", [value.get("choice")])
        parts: list[str] = []
        for item in chosen if isinstance(chosen, list) else []:
            if item == OTHER:
                text = other if isinstance(other, str) else ""
                parts.append(translate(OTHER_TEXT).format(text=text))
            elif isinstance(item, str):
                parts.append(translate(labels[item]) if item in labels else item)
        return ", ".join(parts)
    return str(value)


# --- ages ----------------------------------------------------------------------------------


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
