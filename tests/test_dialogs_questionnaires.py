"""Questionnaire definitions: validation, the shared lists, visibility and navigation."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from babel.messages.pofile import read_po
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from dialogs.model import (
    AGE_GROUP,
    CHOICE_KINDS,
    OTHER,
    Option,
    Question,
    QuestionKind,
    Questionnaire,
    ShowIf,
)
from dialogs.navigation import (
    answer_context,
    is_complete,
    next_question_key,
    previous_question_key,
    question_position,
    visible_answers,
    visible_questions,
)
from dialogs.registry import QUESTIONNAIRES, get_questionnaire
from dialogs.tags import INTERESTS, LEARNER_TOPICS, TEACHER_TOPICS, TOPICS

ROOT = Path(__file__).resolve().parent.parent
TODAY = date(2026, 11, 23)
MENTOR = get_questionnaire("mentor")
MENTEE = get_questionnaire("mentee")
CHILD = {AGE_GROUP: "child"}
ADULT = {AGE_GROUP: "adult"}

PUPIL: dict[str, object] = {"category": {"choice": "pupil", "other": None}}
TEACHER: dict[str, object] = {"category": {"choice": "teacher", "other": None}}


def keys(questions: list[Question]) -> list[str]:
    return [q.key for q in questions]


# --- the definitions -----------------------------------------------------------------------


def test_registry() -> None:
    assert set(QUESTIONNAIRES) == {"mentor", "mentee"}
    assert get_questionnaire("mentee") is MENTEE
    with pytest.raises(KeyError):
        get_questionnaire("curator")


def test_mentor_questionnaire_follows_the_mentor_base() -> None:
    assert keys(MENTOR.questions) == [
        "full_name",
        "birth_year",
        "contact",
        "workplace",  # retired: read for the answers given before, never asked
        "workplace_org",
        "workplace_position",
        "competencies",
        "subjects",
        "achievements",
        "interests",
        "form",  # several forms may be chosen: the per-form questions follow it
        "mentee_age_from",
        "mentee_age_to",
        "capacity",
        "time_resource",
        "days",
        "times",
        "meeting_format",
        "experience",
        "motivation",
    ]
    competencies = MENTOR.question("competencies")
    assert competencies.options == TOPICS and competencies.allow_other
    assert competencies.max_choices == 5
    assert not MENTOR.question("contact").required
    assert not MENTOR.question("achievements").required
    assert MENTOR.question("form").options_source == "forms"
    assert MENTOR.question("form").kind == QuestionKind.MULTI_CHOICE
    capacity = MENTOR.question("capacity")
    assert (capacity.min_value, capacity.max_value) == (1, 10)
    birth_year = MENTOR.question("birth_year")
    assert birth_year.kind == QuestionKind.BIRTH_YEAR and not birth_year.required
    assert birth_year.skip_label == "Prefer not to say"
    assert birth_year.hint is not None and "15 to 19" in birth_year.hint
    assert MENTOR.question("workplace").retired
    assert MENTOR.question("workplace_org").required
    assert MENTOR.question("workplace_position").required


def test_mentee_questionnaire() -> None:
    request = MENTEE.question("request")
    assert request.options == TOPICS and request.allow_other and request.max_choices == 3
    birth = MENTEE.question("birth_date")
    assert birth.not_in_future and (birth.min_age_years, birth.max_age_years) == (10, 80)
    assert MENTEE.question("form").options_source == "forms"
    category = MENTEE.question("category")
    assert [o.value for o in category.options] == [
        "pupil",
        "student",
        "young_teacher",
        "teacher",
        "employee",
    ]
    assert category.allow_other


def test_the_shared_lists() -> None:
    for options in (TOPICS, INTERESTS):
        values = [o.value for o in options]
        assert len(values) == len(set(values))
    assert len(TOPICS) == len(LEARNER_TOPICS.topics) + len(TEACHER_TOPICS.topics)
    for questionnaire in QUESTIONNAIRES.values():
        for question in questionnaire.questions:
            for option in question.options:
                assert len(option.label) <= 30, option.label


def test_every_msgid_is_extracted(tmp_path: Path) -> None:
    """Texts held as data reach people only if ``pybabel extract -k N_ -k A_`` finds them."""
    pot = tmp_path / "dialogs.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-k", "N_", "-k", "A_",
         "--no-wrap", "-o", str(pot), "dialogs"],
        cwd=ROOT, check=True, capture_output=True,
    )  # fmt: skip
    with pot.open("rb") as handle:
        extracted = {m.id for m in read_po(handle) if m.id}
    used: set[str] = set()
    for questionnaire in QUESTIONNAIRES.values():
        used |= {questionnaire.title, questionnaire.intro}
        for question in questionnaire.questions:
            used |= {question.text, *(o.label for o in question.options)}
            used |= {question.hint} if question.hint else set()
            used |= set(question.scale_labels or ())
    assert used <= extracted, sorted(used - extracted)


# --- validation of broken definitions ------------------------------------------------------


def text(key: str, **extra: Any) -> Question:
    return Question(key=key, kind=QuestionKind.SHORT_TEXT, text="T", **extra)


def choice(key: str, *values: str, **extra: Any) -> Question:
    options = [Option(value=v, label=v) for v in values]
    return Question(key=key, kind=QuestionKind.SINGLE_CHOICE, text="T", options=options, **extra)


def questionnaire(*questions: Question) -> Questionnaire:
    return Questionnaire(key="test", title="T", intro="I", questions=list(questions))


@pytest.mark.parametrize(
    "build",
    [
        lambda: Question(key="c", kind=QuestionKind.SINGLE_CHOICE, text="T"),
        lambda: Question(key="c", kind=QuestionKind.MULTI_CHOICE, text="T", options=[]),
        lambda: choice("c", "a", "a"),
        lambda: choice("c", "a", OTHER, allow_other=True),
        lambda: choice("c", "a", options_source="forms"),
        lambda: choice("c", "a", max_choices=2),
        lambda: choice("Bad key", "a"),
        lambda: choice("c", "Bad value"),
        lambda: text("t", allow_other=True),
        lambda: text("t", min_length=10, max_length=5),
        lambda: text("t", min_length=0),
        lambda: text("t", min_value=1),
        lambda: Question(key="n", kind=QuestionKind.NUMBER, text="T"),
        lambda: Question(key="n", kind=QuestionKind.NUMBER, text="T", min_value=5, max_value=1),
        lambda: Question(key="s", kind=QuestionKind.SCALE, text="T", min_value=0, max_value=20),
        lambda: Question(key="s", kind=QuestionKind.SCALE, text="T", min_value=3, max_value=3),
        lambda: Question(
            key="d", kind=QuestionKind.DATE, text="T", min_age_years=30, max_age_years=10
        ),
        lambda: text("t", not_in_future=True),
        lambda: text("t", scale_labels=("a", "b")),
        lambda: Question(
            key="m", kind=QuestionKind.MULTI_CHOICE, text="T", options_source="forms", max_choices=0
        ),
        lambda: questionnaire(text("a"), text("a")),
        lambda: questionnaire(
            text("a", show_if=ShowIf(question="b", any_of=["x"])), choice("b", "x")
        ),
        lambda: questionnaire(text("a", show_if=ShowIf(question="zzz", any_of=["x"]))),
        lambda: questionnaire(text("b"), text("a", show_if=ShowIf(question="b", any_of=["x"]))),
        lambda: questionnaire(
            choice("b", "x"), text("a", show_if=ShowIf(question="b", any_of=["y"]))
        ),
        lambda: questionnaire(text("a", show_if=ShowIf(question=AGE_GROUP, any_of=["baby"]))),
        lambda: questionnaire(text("age_group")),
        lambda: questionnaire(
            text("a"),
            Question(
                key="n", kind=QuestionKind.NUMBER, text="T", min_value=1, max_value=2, min_from="a"
            ),
        ),
        lambda: questionnaire(),
        lambda: ShowIf(question="a", any_of=[]),
    ],
)
def test_broken_definitions_raise(build: Any) -> None:
    with pytest.raises(ValidationError):
        build()


def test_sound_definitions_pass() -> None:
    built = questionnaire(
        choice("b", "x", "y", allow_other=True),
        text("a", show_if=ShowIf(question="b", any_of=["y", OTHER])),
        Question(key="f", kind=QuestionKind.SINGLE_CHOICE, text="T", options_source="forms"),
        text("g", show_if=ShowIf(question="f", any_of=["pupil_pupil"])),
        text("h", show_if=ShowIf(question=AGE_GROUP, any_of=["child", "teen"])),
    )
    assert built.question("a").min_length == 2 and built.question("a").max_length == 200
    assert Question(key="l", kind=QuestionKind.LONG_TEXT, text="T").max_length == 2000
    with pytest.raises(KeyError):
        built.question("zzz")


def test_every_choice_question_has_its_options() -> None:
    for questionnaire_ in QUESTIONNAIRES.values():
        for question in questionnaire_.questions:
            if question.kind in CHOICE_KINDS:
                assert question.options or question.options_source


# --- visibility and navigation -------------------------------------------------------------


def test_a_child_is_asked_for_a_parents_contact() -> None:
    child = keys(visible_questions(MENTEE, {}, CHILD))
    assert "parent_contact" in child and "contact" not in child
    teen = keys(visible_questions(MENTEE, {}, {AGE_GROUP: "teen"}))
    assert "parent_contact" in teen and "contact" not in teen
    adult = keys(visible_questions(MENTEE, {}, ADULT))
    assert "contact" in adult and "parent_contact" not in adult
    unknown = keys(visible_questions(MENTEE, {}, {}))
    assert "contact" not in unknown and "parent_contact" not in unknown


def test_the_age_group_comes_from_the_date_of_birth() -> None:
    assert answer_context(MENTEE, {"birth_date": "2014-05-01"}, today=TODAY) == CHILD
    assert answer_context(MENTEE, {"birth_date": "2010-05-01"}, today=TODAY) == {AGE_GROUP: "teen"}
    # The answer is more exact than what the bot knew before; without it the base stays.
    assert answer_context(MENTEE, {"birth_date": "1990-05-01"}, today=TODAY, base=CHILD) == (ADULT)
    assert answer_context(MENTEE, {}, today=TODAY, base=CHILD) == CHILD
    assert answer_context(MENTEE, {"birth_date": None}, today=TODAY) == {}
    assert answer_context(MENTOR, {}, today=TODAY) == {}


def test_class_or_course_only_for_pupils_and_students() -> None:
    assert "class_course" in keys(visible_questions(MENTEE, PUPIL, CHILD))
    student: dict[str, object] = {"category": {"choice": "student", "other": None}}
    assert "class_course" in keys(visible_questions(MENTEE, student, ADULT))
    assert "class_course" not in keys(visible_questions(MENTEE, TEACHER, ADULT))
    other: dict[str, object] = {"category": {"choice": OTHER, "other": "мама"}}
    assert "class_course" not in keys(visible_questions(MENTEE, other, ADULT))
    assert "class_course" not in keys(visible_questions(MENTEE, {}, ADULT))


def test_school_subject_asks_which_one() -> None:
    request = {"request": {"choices": ["school_subject"], "other": None}}
    assert "subject" in keys(visible_questions(MENTEE, request, CHILD))
    competencies = {"competencies": {"choices": ["exams"], "other": None}}
    assert "subjects" not in keys(visible_questions(MENTOR, competencies, ADULT))


def answer_all(
    questionnaire_: Questionnaire, context: Mapping[str, str], given_: Mapping[str, object]
) -> tuple[list[str], dict[str, object]]:
    """Walk a questionnaire as the runner does, answering from ``given_`` or with "x"."""
    answers: dict[str, object] = {}
    asked: list[str] = []
    key = next_question_key(questionnaire_, answers, context, None)
    while key is not None:
        asked.append(key)
        answers[key] = given_.get(key, "x")
        key = next_question_key(questionnaire_, answers, context, key)
    return asked, answers


def test_walk_the_mentee_questionnaire_as_a_teacher() -> None:
    asked, answers = answer_all(MENTEE, ADULT, {**TEACHER, "contact": None})
    assert asked == [
        "full_name",
        "birth_date",
        "contact",
        "category",
        "request",
        "interests",
        "days",
        "times",
        "meeting_format",
        "form",
    ]
    assert is_complete(MENTEE, answers, ADULT)


def test_walk_the_mentee_questionnaire_as_a_pupil() -> None:
    asked, answers = answer_all(MENTEE, CHILD, PUPIL)
    assert asked[:5] == ["full_name", "birth_date", "parent_contact", "category", "class_course"]
    assert is_complete(MENTEE, answers, CHILD)


def test_a_required_question_skipped_is_not_complete() -> None:
    _, answers = answer_all(MENTEE, ADULT, TEACHER)
    assert is_complete(MENTEE, answers, ADULT)
    answers["full_name"] = None
    assert not is_complete(MENTEE, answers, ADULT)
    answers["full_name"] = "Иван"
    answers["contact"] = None  # optional: skipping it is fine
    assert is_complete(MENTEE, answers, ADULT)
    del answers["form"]
    assert not is_complete(MENTEE, answers, ADULT)
    assert next_question_key(MENTEE, answers, ADULT, "meeting_format") == "form"


def test_next_returns_to_an_earlier_unanswered_question() -> None:
    # The age group arrived only with the last answer: the contact was hidden until then.
    answers: dict[str, object] = {q.key: "x" for q in visible_questions(MENTEE, TEACHER, {})}
    answers.update(TEACHER)
    assert next_question_key(MENTEE, answers, {}, "form") is None
    assert next_question_key(MENTEE, answers, ADULT, "form") == "contact"


def test_next_after_an_unknown_key_starts_over() -> None:
    assert next_question_key(MENTEE, {}, ADULT, "renamed_long_ago") == "full_name"
    assert next_question_key(MENTEE, {"full_name": "x"}, ADULT, "renamed") == "birth_date"


def test_previous() -> None:
    assert previous_question_key(MENTEE, TEACHER, ADULT, "full_name") is None
    assert previous_question_key(MENTEE, TEACHER, ADULT, "category") == "contact"
    assert previous_question_key(MENTEE, TEACHER, CHILD, "category") == "parent_contact"
    # The hidden "class or course" is stepped over.
    assert previous_question_key(MENTEE, TEACHER, ADULT, "request") == "category"
    assert previous_question_key(MENTEE, PUPIL, CHILD, "request") == "class_course"
    # From the summary: the last question.
    assert previous_question_key(MENTEE, TEACHER, ADULT, None) == "form"
    assert previous_question_key(MENTEE, TEACHER, ADULT, "unknown") is None


def test_back_then_forward() -> None:
    """The runner drops the answer of the question it goes back to, then moves on as usual."""
    answers: dict[str, object] = {"full_name": "Иван", "birth_date": "1990-01-01"}
    context = answer_context(MENTEE, answers, today=TODAY)
    current = next_question_key(MENTEE, answers, context, "birth_date")
    assert current == "contact"
    back = previous_question_key(MENTEE, answers, context, current)
    assert back == "birth_date"
    answers.pop(back)
    answers[back] = "2014-01-01"  # answered again: now a child
    context = answer_context(MENTEE, answers, today=TODAY)
    assert next_question_key(MENTEE, answers, context, back) == "parent_contact"


def test_visible_answers_drop_what_a_changed_choice_hid() -> None:
    answers: dict[str, object] = {**PUPIL, "class_course": "6Б", "contact": "x"}
    assert visible_answers(MENTEE, answers, CHILD) == {**PUPIL, "class_course": "6Б"}
    assert visible_answers(MENTEE, answers, ADULT) == {**answers}
    answers.update(TEACHER)
    assert "class_course" not in visible_answers(MENTEE, answers, CHILD)


def test_question_position() -> None:
    # The total is the most this person can be asked (class and subject count as possible
    # until answered), so it is the same whatever is chosen along the way.
    assert question_position(MENTEE, TEACHER, ADULT, "full_name") == (1, 12)
    assert question_position(MENTEE, PUPIL, CHILD, "class_course") == (5, 12)
    # A date of birth the bot filled in itself is not counted.
    assert question_position(MENTEE, PUPIL, CHILD, "class_course", {"birth_date"}) == (4, 11)


def test_show_if_depends_on_a_visible_question_only() -> None:
    chain = questionnaire(
        choice("a", "x", "y"),
        choice("b", "p", "q", show_if=ShowIf(question="a", any_of=["x"])),
        text("c", show_if=ShowIf(question="b", any_of=["p"])),
    )
    answers: dict[str, object] = {
        "a": {"choice": "x", "other": None},
        "b": {"choice": "p", "other": None},
    }
    assert keys(visible_questions(chain, answers, {})) == ["a", "b", "c"]
    answers["a"] = {"choice": "y", "other": None}
    assert keys(visible_questions(chain, answers, {})) == ["a"]


@given(
    st.dictionaries(
        st.sampled_from([q.key for q in MENTEE.questions]),
        st.one_of(
            st.none(),
            st.text(max_size=5),
            st.integers(),
            st.fixed_dictionaries({"choice": st.sampled_from(["pupil", "teacher", OTHER])}),
            st.fixed_dictionaries({"choices": st.lists(st.sampled_from(["school_subject", 1]))}),
        ),
    ),
    st.sampled_from([{}, CHILD, ADULT, {AGE_GROUP: "teen"}]),
)
def test_navigation_never_fails_on_stored_answers(
    answers: dict[str, object], context: dict[str, str]
) -> None:
    visible = keys(visible_questions(MENTEE, answers, context))
    following = next_question_key(MENTEE, answers, context, None)
    assert following is None or (following in visible and following not in answers)
    if following is None:
        assert all(key in answers for key in visible)
    for key in visible:
        previous = previous_question_key(MENTEE, answers, context, key)
        assert previous is None or visible.index(previous) == visible.index(key) - 1
