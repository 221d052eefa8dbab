"""Questions and questionnaires as validated data.

Definitions are built at import time, so a broken questionnaire (a choice question without
options, a ``show_if`` that looks forward, a duplicated key, an impossible range) fails the
import and every test, never a conversation. All texts are msgids, translated when shown.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

# The context key a ``ShowIf`` may test instead of an earlier answer, and its values.
AGE_GROUP = "age_group"
AGE_GROUPS = ("child", "teen", "adult")
AgeGroup = Literal["child", "teen", "adult"]

# The value of the extra choice that ``allow_other`` adds; options may not use it.
OTHER = "other"

OPTION_VALUE_PATTERN = r"^[a-z0-9_]{1,24}$"
# Digits for the questions asked per form of mentorship, e.g. ``cap_own_2`` (dialogs/mentor.py).
QUESTION_KEY_PATTERN = r"^[a-z_][a-z0-9_]{0,23}$"

# Default lengths of typed texts; a Telegram message holds 4096 characters.
TEXT_LENGTHS = {"short_text": (2, 200), "long_text": (2, 2000)}
MAX_TEXT_LENGTH = 4000
# Every point of a scale is a button, so a scale stays short.
MAX_SCALE_POINTS = 11


class QuestionKind(StrEnum):
    SHORT_TEXT = "short_text"
    LONG_TEXT = "long_text"
    SINGLE_CHOICE = "single_choice"
    MULTI_CHOICE = "multi_choice"
    NUMBER = "number"
    DATE = "date"
    YES_NO = "yes_no"
    SCALE = "scale"
    # Only the year of a date of birth (adults are asked no more than the reports need).
    BIRTH_YEAR = "birth_year"


TEXT_KINDS = frozenset({QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT})
CHOICE_KINDS = frozenset({QuestionKind.SINGLE_CHOICE, QuestionKind.MULTI_CHOICE})
RANGE_KINDS = frozenset({QuestionKind.NUMBER, QuestionKind.SCALE})
AGE_KINDS = frozenset({QuestionKind.DATE, QuestionKind.BIRTH_YEAR})


class Option(BaseModel):
    """An answer button: ``value`` is a stable code (callback data, database), ``label`` a msgid."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    value: str = Field(pattern=OPTION_VALUE_PATTERN)
    label: str = Field(min_length=1)


class ShowIf(BaseModel):
    """Show a question only when an earlier choice answer (or the age group) is one of ``any_of``.

    ``question`` is the key of an earlier single or multi-choice question, or ``"age_group"``
    to test the context value ``child`` (under 14), ``teen`` (14-17) or ``adult``.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    question: str = Field(min_length=1)
    any_of: list[str] = Field(min_length=1)


class Question(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    key: str = Field(pattern=QUESTION_KEY_PATTERN)
    kind: QuestionKind
    text: str = Field(min_length=1)
    hint: str | None = None
    required: bool = True

    # single_choice, multi_choice
    options: list[Option] = Field(default_factory=list)
    options_source: Literal["forms"] | None = None
    allow_other: bool = False
    max_choices: int | None = None

    # short_text, long_text (defaults filled from TEXT_LENGTHS)
    min_length: int | None = None
    max_length: int | None = None

    # number, scale
    min_value: int | None = None
    max_value: int | None = None
    # number: the lower bound is also the answer to this earlier number question ("from" -> "to")
    min_from: str | None = None
    # scale: msgids for the two ends
    scale_labels: tuple[str, str] | None = None

    # date; birth_year (both limits required: the years accepted follow from today's year)
    not_in_future: bool = False
    min_age_years: int | None = None
    max_age_years: int | None = None

    show_if: ShowIf | None = None

    # An optional question: the msgid of its skip button (and of the skipped answer shown
    # back), e.g. "Prefer not to say"; the runner's "Skip" when None.
    skip_label: str | None = None

    # A question no longer asked: it is kept only to read and show the answers given before
    # it was retired, until every question named here (the ones asked instead) is answered.
    replaced_by: tuple[str, ...] = ()

    # A short name (msgid) for lists, cards and registers, e.g. "Main request"; the question
    # text itself is phrased for asking, not for a column heading.
    label: str | None = None

    # The form of mentorship (its code) a question is asked for, when a person taking part in
    # several forms answers it once per form (dialogs/mentor.py); the runner names the form.
    for_form: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _default_text_lengths(cls, data: Any) -> Any:
        if isinstance(data, dict):
            bounds = TEXT_LENGTHS.get(str(data.get("kind")))
            if bounds is not None:
                data = dict(data)
                data.setdefault("min_length", bounds[0])
                data.setdefault("max_length", bounds[1])
        return data

    @model_validator(mode="after")
    def _consistent(self) -> Question:
        kind = self.kind
        errors: list[str] = []

        if kind in CHOICE_KINDS:
            if bool(self.options) == (self.options_source is not None):
                errors.append("a choice question needs either options or options_source")
            values = [option.value for option in self.options]
            if len(set(values)) != len(values):
                errors.append("option values repeat")
            if OTHER in values:
                errors.append(f"the option value {OTHER!r} is reserved for allow_other")
        elif self.options or self.options_source or self.allow_other:
            errors.append("options, options_source and allow_other are for choice questions")

        if self.max_choices is not None:
            if kind != QuestionKind.MULTI_CHOICE:
                errors.append("max_choices is for multi_choice")
            elif self.max_choices < 1:
                errors.append("max_choices must be at least 1")

        if kind in TEXT_KINDS:
            low, high = self.min_length, self.max_length
            if low is None or high is None or not 1 <= low <= high <= MAX_TEXT_LENGTH:
                errors.append(f"text lengths must satisfy 1 <= min <= max <= {MAX_TEXT_LENGTH}")
        elif self.min_length is not None or self.max_length is not None:
            errors.append("min_length and max_length are for text questions")

        if kind in RANGE_KINDS:
            low, high = self.min_value, self.max_value
            if low is None or high is None or low > high:
                errors.append("number and scale questions need min_value <= max_value")
            elif kind == QuestionKind.SCALE and (
                low < 0 or low == high or high - low >= MAX_SCALE_POINTS
            ):
                errors.append(f"a scale has from 2 to {MAX_SCALE_POINTS} points, from 0 up")
        elif self.min_value is not None or self.max_value is not None:
            errors.append("min_value and max_value are for number and scale questions")
        if self.min_from is not None and kind != QuestionKind.NUMBER:
            errors.append("min_from is for number questions")
        if self.scale_labels is not None and kind != QuestionKind.SCALE:
            errors.append("scale_labels are for scale questions")

        if kind in AGE_KINDS:
            low_age, high_age = self.min_age_years, self.max_age_years
            if (low_age is not None and low_age < 0) or (high_age is not None and high_age < 0):
                errors.append("ages cannot be negative")
            if low_age is not None and high_age is not None and low_age > high_age:
                errors.append("min_age_years is greater than max_age_years")
            if kind == QuestionKind.BIRTH_YEAR and (low_age is None or high_age is None):
                errors.append("a birth_year question needs min_age_years and max_age_years")
            if kind == QuestionKind.BIRTH_YEAR and self.not_in_future:
                errors.append("not_in_future is for date questions")
        elif self.not_in_future or self.min_age_years is not None or self.max_age_years is not None:
            errors.append("not_in_future and the age limits are for date and birth_year questions")

        if self.skip_label is not None and self.required:
            errors.append("skip_label is for questions that may be skipped")
        if self.replaced_by and (self.required or self.show_if is not None):
            errors.append("a retired question (replaced_by) is not required and has no show_if")

        if errors:
            raise ValueError(f"question {self.key!r}: " + "; ".join(errors))
        return self

    @property
    def retired(self) -> bool:
        """No longer asked; see ``replaced_by``."""
        return bool(self.replaced_by)

    @property
    def is_birth_date(self) -> bool:
        """A date with age limits is a date of birth: it sets the ``age_group`` context."""
        return self.kind == QuestionKind.DATE and (
            self.min_age_years is not None or self.max_age_years is not None
        )


class Questionnaire(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    key: str = Field(pattern=QUESTION_KEY_PATTERN)
    title: str = Field(min_length=1)
    intro: str = Field(min_length=1)
    questions: list[Question] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> Questionnaire:
        earlier: dict[str, Question] = {}
        retired: set[str] = set()
        errors: list[str] = []
        for question in self.questions:
            if question.key == AGE_GROUP:
                errors.append(f"{AGE_GROUP!r} is a context key, not a question key")
            if question.key in earlier:
                errors.append(f"the key {question.key!r} repeats")
            if question.show_if is not None:
                errors.extend(_show_if_errors(question, earlier))
            if question.show_if is not None and question.show_if.question in retired:
                errors.append(f"{question.key!r}: show_if refers to a retired question")
            if question.min_from is not None:
                source = earlier.get(question.min_from)
                if source is None or source.kind != QuestionKind.NUMBER:
                    errors.append(
                        f"{question.key!r}: min_from must name an earlier number question"
                    )
            earlier[question.key] = question
            if question.retired:
                retired.add(question.key)
        for question in self.questions:
            for key in question.replaced_by:
                replacement = earlier.get(key)
                if replacement is None or replacement.retired:
                    errors.append(
                        f"{question.key!r}: replaced_by must name questions that are asked"
                    )
        if errors:
            raise ValueError(f"questionnaire {self.key!r}: " + "; ".join(errors))
        return self

    def question(self, key: str) -> Question:
        for question in self.questions:
            if question.key == key:
                return question
        raise KeyError(f"questionnaire {self.key!r} has no question {key!r}")

    def index(self, key: str) -> int:
        for position, question in enumerate(self.questions):
            if question.key == key:
                return position
        raise KeyError(f"questionnaire {self.key!r} has no question {key!r}")


def _show_if_errors(question: Question, earlier: dict[str, Question]) -> list[str]:
    assert question.show_if is not None
    condition = question.show_if
    where = f"{question.key!r}: show_if"
    if condition.question == AGE_GROUP:
        unknown = set(condition.any_of) - set(AGE_GROUPS)
        return [f"{where} tests unknown age groups {sorted(unknown)}"] if unknown else []
    source = earlier.get(condition.question)
    if source is None:
        return [f"{where} refers to {condition.question!r}, which is not an earlier question"]
    if source.kind not in CHOICE_KINDS:
        return [f"{where} refers to {condition.question!r}, which is not a choice question"]
    if source.options_source is not None:
        return []  # options known only at run time
    known = {option.value for option in source.options} | ({OTHER} if source.allow_other else set())
    unknown = set(condition.any_of) - known
    return [f"{where} tests unknown values {sorted(unknown)}"] if unknown else []
