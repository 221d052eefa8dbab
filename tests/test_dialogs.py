"""Answers to questionnaires: parsing typed text and pressed buttons, formatting, ages."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dialogs import answers as a
from dialogs.ages import age_group, age_in_years
from dialogs.answer_display import format_answer
from dialogs.answers import (
    AnswerError,
    ParsedAnswer,
    check_choice,
    check_choices,
    parse_other,
    parse_text,
    skip_answer,
    toggle_choice,
)
from dialogs.model import OTHER, Option, Question, QuestionKind
from dialogs.options import OTHER_LABEL, button_options, question_options
from dialogs.registry import get_questionnaire

TODAY = date(2026, 11, 23)
MENTOR = get_questionnaire("mentor")
MENTEE = get_questionnaire("mentee")
BIRTH = MENTEE.question("birth_date")
NAME = MENTEE.question("full_name")
MOTIVATION = MENTOR.question("motivation")
CAPACITY = MENTOR.question("capacity")
CATEGORY = MENTEE.question("category")
REQUEST = MENTEE.question("request")
FORM = MENTEE.question("form")
FORMS = [Option(value="pupil_pupil", label="Pupil – pupil"), Option(value="own_1", label="Chess")]

SCALE = Question(
    key="useful",
    kind=QuestionKind.SCALE,
    text="How useful?",
    min_value=1,
    max_value=5,
    scale_labels=("Not at all", "Very"),
)
YES_NO = Question(key="held", kind=QuestionKind.YES_NO, text="Did it take place?")
PLAIN_DATE = Question(key="when", kind=QuestionKind.DATE, text="When?")


def upper(msgid: str) -> str:
    """A stand-in translation that shows which strings went through it."""
    return msgid.upper()


def value(result: ParsedAnswer | AnswerError) -> object:
    assert isinstance(result, ParsedAnswer), result
    return result.value


def error(result: object) -> AnswerError:
    assert isinstance(result, AnswerError), result
    return result


# --- texts ---------------------------------------------------------------------------------


def test_short_text_is_stripped_and_collapsed() -> None:
    assert value(parse_text(NAME, "  Петров   Иван\nСергеевич ", today=TODAY)) == (
        "Петров Иван Сергеевич"
    )


def test_long_text_keeps_its_lines() -> None:
    text = "  Хочу помогать.\r\n\r\nИ учиться сам.   "
    assert value(parse_text(MOTIVATION, text, today=TODAY)) == "Хочу помогать.\n\nИ учиться сам."


def test_text_too_short_or_too_long() -> None:
    assert error(parse_text(NAME, " Я ", today=TODAY)) == AnswerError(
        a.MSG_TEXT_TOO_SHORT, {"min": 2}
    )
    long = "а" * 2001
    assert error(parse_text(MOTIVATION, long, today=TODAY)) == AnswerError(
        a.MSG_TEXT_TOO_LONG, {"max": 2000}
    )
    assert isinstance(parse_text(MOTIVATION, "а" * 2000, today=TODAY), ParsedAnswer)


@pytest.mark.parametrize("text", ["😀😀😀", "   ", "", "!!! ???", "👍🏻 🎉"])
def test_text_without_letters_or_digits_is_refused(text: str) -> None:
    assert error(parse_text(NAME, text, today=TODAY)).message == a.MSG_TEXT_NO_LETTERS


def test_a_number_is_fine_where_text_is_asked() -> None:
    assert value(parse_text(MENTEE.question("class_course"), "7", today=TODAY)) == "7"
    assert value(parse_text(NAME, "42", today=TODAY)) == "42"


def test_error_renders_with_its_params() -> None:
    problem = AnswerError(a.MSG_NUMBER, {"min": 1, "max": 10})
    assert problem.render(lambda s: s) == "Please type a whole number from 1 to 10."


# --- numbers and scales --------------------------------------------------------------------


@pytest.mark.parametrize(("text", "number"), [("3", 3), (" 10 ", 10), ("1 0", 10), ("+2", 2)])
def test_number(text: str, number: int) -> None:
    assert value(parse_text(CAPACITY, text, today=TODAY)) == number


@pytest.mark.parametrize("text", ["0", "11", "-1", "три", "2.5", "3 человека", "", "1e3", "٣"])
def test_number_refused(text: str) -> None:
    assert error(parse_text(CAPACITY, text, today=TODAY)) == AnswerError(
        a.MSG_NUMBER, {"min": 1, "max": 10}
    )


def test_huge_number_is_refused_cheaply() -> None:
    assert isinstance(parse_text(CAPACITY, "9" * 5000, today=TODAY), AnswerError)


def test_number_bounded_by_an_earlier_answer() -> None:
    to_age = MENTOR.question("mentee_age_to")
    answers = {"mentee_age_from": 14}
    assert error(parse_text(to_age, "12", today=TODAY, answers=answers)) == AnswerError(
        a.MSG_NUMBER, {"min": 14, "max": 80}
    )
    assert value(parse_text(to_age, "14", today=TODAY, answers=answers)) == 14
    assert value(parse_text(to_age, "12", today=TODAY)) == 12


def test_scale_typed_and_pressed() -> None:
    assert value(parse_text(SCALE, "4", today=TODAY)) == 4
    assert error(parse_text(SCALE, "6", today=TODAY)) == AnswerError(
        a.MSG_SCALE, {"min": 1, "max": 5}
    )
    assert [o.value for o in question_options(SCALE)] == ["1", "2", "3", "4", "5"]
    assert value(check_choice(SCALE, "5")) == 5
    assert error(check_choice(SCALE, "6")).message == a.MSG_UNKNOWN_OPTION


def test_yes_no_pressed_and_typed() -> None:
    assert value(check_choice(YES_NO, "yes")) is True
    assert value(check_choice(YES_NO, "no")) is False
    assert value(parse_text(YES_NO, "Да!", today=TODAY)) is True
    assert value(parse_text(YES_NO, "нет", today=TODAY)) is False
    assert error(parse_text(YES_NO, "может быть", today=TODAY)).message == a.MSG_USE_BUTTONS


# --- dates ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "12.03.2011",
        "12.3.2011",
        "12/03/2011",
        "12-03-2011",
        "2011-03-12",
        "12 03 2011",
        " 12 . 03 . 2011 ",
        "12 марта 2011",
        "12 Марта 2011 г.",
        "12 мар 2011",
        "12 мар. 2011",
        "12 март 2011",
        "12 марта 2011 года",
        "12 March 2011",
        "March 12, 2011",
        "12–03–2011",
    ],
)
def test_date_formats(text: str) -> None:
    assert value(parse_text(BIRTH, text, today=TODAY)) == "2011-03-12"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 января 2012", "2012-01-01"),
        ("5 фев 2012", "2012-02-05"),
        ("29 февраля 2012", "2012-02-29"),
        ("3 апреля 2012", "2012-04-03"),
        ("9 мая 2012", "2012-05-09"),
        ("10 июня 2012", "2012-06-10"),
        ("11 июля 2012", "2012-07-11"),
        ("12 авг 2012", "2012-08-12"),
        ("1 сентября 2012", "2012-09-01"),
        ("2 сент 2012", "2012-09-02"),
        ("3 окт. 2012", "2012-10-03"),
        ("4 ноября 2012", "2012-11-04"),
        ("31 дек 2012", "2012-12-31"),
        ("7 Сентября 2012", "2012-09-07"),
    ],
)
def test_russian_month_names(text: str, expected: str) -> None:
    assert value(parse_text(BIRTH, text, today=TODAY)) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("12.03.11", "short"),
        ("12 марта 11", "short"),
        ("30.02.2011", "no such"),
        ("31 апреля 2011", "no such"),
        ("12.13.2011", "no such"),
        ("12.03.211", "format"),
        ("12.03", "format"),
        ("вчера", "format"),
        ("12 мартобря 2011", "format"),
        ("123.03.2011", "format"),
        ("12.03.1800", "year"),
    ],
)
def test_bad_dates(text: str, message: str) -> None:
    from dialogs import dates

    expected = {
        "short": dates.MSG_DATE_SHORT_YEAR,
        "no such": dates.MSG_DATE_NO_SUCH,
        "format": dates.MSG_DATE_FORMAT,
        "year": dates.MSG_DATE_YEAR,
    }[message]
    assert error(parse_text(PLAIN_DATE, text, today=TODAY)).message == expected


def test_date_in_the_future() -> None:
    tomorrow = (TODAY + timedelta(days=1)).strftime("%d.%m.%Y")
    assert error(parse_text(BIRTH, tomorrow, today=TODAY)).message == a.MSG_DATE_FUTURE
    # A date without rules may be in the future (a meeting, say).
    assert value(parse_text(PLAIN_DATE, tomorrow, today=TODAY)) == "2026-11-24"


def test_date_of_birth_age_limits() -> None:
    too_young = AnswerError(a.MSG_AGE_RANGE, {"min": 10, "max": 80})
    assert error(parse_text(BIRTH, "24.11.2016", today=TODAY)) == too_young
    assert value(parse_text(BIRTH, "23.11.2016", today=TODAY)) == "2016-11-23"  # ten today
    assert value(parse_text(BIRTH, "24.11.1945", today=TODAY)) == "1945-11-24"  # eighty
    assert error(parse_text(BIRTH, "23.11.1945", today=TODAY)) == too_young


def test_one_sided_age_limits() -> None:
    adult = Question(key="born", kind=QuestionKind.DATE, text="Born?", min_age_years=18)
    old = Question(key="born", kind=QuestionKind.DATE, text="Born?", max_age_years=30)
    assert error(parse_text(adult, "01.01.2010", today=TODAY)) == AnswerError(
        a.MSG_AGE_MIN, {"min": 18}
    )
    assert error(parse_text(old, "01.01.1990", today=TODAY)) == AnswerError(
        a.MSG_AGE_MAX, {"max": 30}
    )
    # Age limits imply a date of birth, which cannot be in the future.
    assert error(parse_text(old, "01.01.2030", today=TODAY)).message == a.MSG_DATE_FUTURE


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)))
def test_any_date_written_dd_mm_yyyy_parses_back(day: date) -> None:
    assert value(parse_text(PLAIN_DATE, day.strftime("%d.%m.%Y"), today=TODAY)) == (day.isoformat())
    assert value(parse_text(PLAIN_DATE, day.isoformat(), today=TODAY)) == day.isoformat()


QUESTIONS = [q for questionnaire in (MENTOR, MENTEE) for q in questionnaire.questions]


@given(st.sampled_from([*QUESTIONS, SCALE, YES_NO, PLAIN_DATE]), st.text(max_size=300))
def test_parsing_never_raises(question: Question, text: str) -> None:
    result = parse_text(question, text, today=TODAY, answers={"mentee_age_from": 30})
    assert isinstance(result, ParsedAnswer | AnswerError)
    if isinstance(result, AnswerError):
        assert result.render(lambda s: s)  # every placeholder has its param
    other = parse_other(question, text)
    assert isinstance(other, ParsedAnswer | AnswerError)


@given(st.text(max_size=300))
def test_accepted_texts_fit_the_rules(text: str) -> None:
    result = parse_text(NAME, text, today=TODAY)
    if isinstance(result, ParsedAnswer):
        assert isinstance(result.value, str)
        assert 2 <= len(result.value) <= 150
        assert result.value == result.value.strip()


# --- choices -------------------------------------------------------------------------------


def test_single_choice() -> None:
    assert value(check_choice(CATEGORY, "teacher")) == {"choice": "teacher", "other": None}
    assert error(check_choice(CATEGORY, "astronaut")).message == a.MSG_UNKNOWN_OPTION
    assert error(check_choice(CATEGORY, OTHER)).message == a.MSG_OTHER_MISSING
    assert value(check_choice(CATEGORY, OTHER, other="  родитель ")) == {
        "choice": OTHER,
        "other": "родитель",
    }
    assert error(check_choice(CATEGORY, OTHER, other="🙂")).message == a.MSG_TEXT_NO_LETTERS


def test_choice_without_other_refuses_it() -> None:
    fmt = MENTEE.question("meeting_format")
    assert error(check_choice(fmt, OTHER, other="в парке")).message == a.MSG_UNKNOWN_OPTION
    assert error(parse_other(fmt, "в парке")).message == a.MSG_USE_BUTTONS
    assert [o.value for o in button_options(fmt)] == ["online", "in_person", "either"]
    assert button_options(CATEGORY)[-1] == Option(value=OTHER, label=OTHER_LABEL)


def test_choice_from_the_organisations_forms() -> None:
    assert question_options(FORM) == []
    assert question_options(FORM, FORMS) == FORMS
    assert value(check_choice(FORM, "own_1", FORMS)) == {"choice": "own_1", "other": None}
    assert error(check_choice(FORM, "own_2", FORMS)).message == a.MSG_UNKNOWN_OPTION


def test_typed_text_on_a_choice_question_asks_for_buttons() -> None:
    assert error(parse_text(CATEGORY, "ученик", today=TODAY)).message == a.MSG_USE_BUTTONS


def test_toggle_keeps_option_order_and_the_limit() -> None:
    selected: list[str] = []
    for pressed in ("exams", "adaptation", OTHER):
        result = toggle_choice(REQUEST, selected, pressed)
        assert isinstance(result, list)
        selected = result
    assert selected == ["adaptation", "exams", OTHER]
    assert error(toggle_choice(REQUEST, selected, "sport")) == AnswerError(
        a.MSG_TOO_MANY, {"max": 3}
    )
    assert toggle_choice(REQUEST, selected, "adaptation") == ["exams", OTHER]
    assert error(toggle_choice(REQUEST, selected, "nonsense")).message == a.MSG_UNKNOWN_OPTION
    assert error(toggle_choice(CATEGORY, [], "pupil")).message == a.MSG_UNKNOWN_OPTION


def test_check_choices() -> None:
    assert value(check_choices(REQUEST, ["exams", "adaptation", "exams"])) == {
        "choices": ["adaptation", "exams"],
        "other": None,
    }
    assert value(check_choices(REQUEST, [OTHER, "exams"], other="шахматы")) == {
        "choices": ["exams", OTHER],
        "other": "шахматы",
    }
    assert error(check_choices(REQUEST, [OTHER])).message == a.MSG_OTHER_MISSING
    assert error(check_choices(REQUEST, [])).message == a.MSG_NONE_CHOSEN
    assert error(check_choices(REQUEST, ["exams", "sport", "art"])).message == (
        a.MSG_UNKNOWN_OPTION  # "art" is an interest, not a topic
    )
    assert error(check_choices(REQUEST, ["exams", "sport", "burnout", "gifted"])) == (
        AnswerError(a.MSG_TOO_MANY, {"max": 3})
    )
    # Text for "other" without "other" chosen is dropped.
    assert value(check_choices(REQUEST, ["exams"], other="x y")) == {
        "choices": ["exams"],
        "other": None,
    }


def test_skip() -> None:
    assert value(skip_answer(MENTOR.question("achievements"))) is None
    assert error(skip_answer(NAME)).message == a.MSG_REQUIRED


# --- formatting ----------------------------------------------------------------------------


def test_format_answer() -> None:
    assert format_answer(BIRTH, "2011-03-12", upper) == "12.03.2011"
    assert format_answer(NAME, "Иван <b>", upper) == "Иван <b>"  # the caller escapes
    assert format_answer(CAPACITY, 3, upper) == "3"
    assert format_answer(YES_NO, True, upper) == "YES"
    assert format_answer(YES_NO, False, upper) == "NO"
    assert format_answer(MENTOR.question("contact"), None, upper) == "SKIPPED"
    assert format_answer(CATEGORY, {"choice": "pupil", "other": None}, upper) == ("PUPIL AT SCHOOL")
    assert format_answer(CATEGORY, {"choice": OTHER, "other": "папа"}, lambda s: s) == (
        "Other: “папа”"
    )
    assert format_answer(
        REQUEST, {"choices": ["adaptation", OTHER], "other": "шахматы"}, lambda s: s
    ) == ("Settling in at a new school, Other: “шахматы”")
    assert format_answer(FORM, {"choice": "own_1", "other": None}, lambda s: s, FORMS) == "Chess"
    # A code that left the list (a form closed) still shows something.
    assert format_answer(FORM, {"choice": "own_9", "other": None}, lambda s: s, FORMS) == "own_9"


def test_format_answer_of_a_stored_date_that_is_not_iso() -> None:
    assert format_answer(BIRTH, "12.03.2011", upper) == "12.03.2011"


# --- ages ----------------------------------------------------------------------------------


def test_ages() -> None:
    birth = date(2012, 11, 24)
    assert age_in_years(birth, date(2026, 11, 23)) == 13
    assert age_in_years(birth, date(2026, 11, 24)) == 14
    assert age_group(birth, date(2026, 11, 23)) == "child"
    assert age_group(birth, date(2026, 11, 24)) == "teen"
    assert age_group(date(2008, 11, 24), date(2026, 11, 23)) == "teen"
    assert age_group(date(2008, 11, 23), date(2026, 11, 23)) == "adult"
    leap = date(2012, 2, 29)
    assert age_in_years(leap, date(2026, 2, 28)) == 13
    assert age_in_years(leap, date(2026, 3, 1)) == 14
