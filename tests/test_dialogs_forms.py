"""The short repeated forms: their keys (reports and exports read them), their shape, and the
pure functions beside them."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from babel.messages.pofile import read_po
from pydantic import ValidationError

from dialogs.answers import AnswerError, ParsedAnswer, check_choice, parse_text
from dialogs.compatibility import COMPATIBILITY, is_incompatible
from dialogs.feedback import MEETING_FEEDBACK
from dialogs.final_poll import FINAL_MENTEE, FINAL_MENTOR, SATISFIED_FROM
from dialogs.model import Question, QuestionKind, Questionnaire
from dialogs.monitoring import (
    EMPLOYER,
    MONITORING_FORMS,
    MONITORING_PARAMETERS,
    PUPIL,
    STUDENT,
    TEACHER,
    monitoring_form_for,
)
from dialogs.navigation import next_question_key
from dialogs.options import question_options
from dialogs.registry import FORMS, QUESTIONNAIRES, get_form
from dialogs.tags import TOPICS

ROOT = Path(__file__).resolve().parent.parent
TODAY = date(2026, 11, 23)


def shape(form: Questionnaire) -> list[tuple[str, QuestionKind, bool]]:
    return [(q.key, q.kind, q.required) for q in form.questions]


def test_registry_holds_every_form_and_keeps_the_questionnaires_apart() -> None:
    assert set(FORMS) == {
        "meeting_feedback",
        "compatibility",
        "monitoring_pupil",
        "monitoring_teacher",
        "monitoring_employer",
        "monitoring_student",
        "final_mentee",
        "final_mentor",
    }
    assert set(QUESTIONNAIRES) == {"mentor", "mentee"}
    assert get_form("compatibility") is COMPATIBILITY
    with pytest.raises(KeyError):
        get_form("mentor")


def test_meeting_feedback() -> None:
    S, M, L = QuestionKind.SCALE, QuestionKind.MULTI_CHOICE, QuestionKind.LONG_TEXT
    assert shape(MEETING_FEEDBACK) == [
        ("usefulness", S, True),
        ("worked_on", M, False),
        ("went_well", L, False),
        ("to_change", L, False),
        ("comment", L, False),
    ]
    usefulness = MEETING_FEEDBACK.question("usefulness")
    assert (usefulness.min_value, usefulness.max_value) == (1, 5)
    assert usefulness.scale_labels is not None
    worked_on = MEETING_FEEDBACK.question("worked_on")
    # The same topics as the mentor's competencies and the mentee's request.
    assert worked_on.options == TOPICS
    assert worked_on.allow_other


def test_compatibility() -> None:
    assert shape(COMPATIBILITY) == [
        ("comfortable", QuestionKind.SINGLE_CHOICE, True),
        ("understand_plan", QuestionKind.YES_NO, True),
        ("for_curator", QuestionKind.LONG_TEXT, False),
    ]
    values = [o.value for o in COMPATIBILITY.question("comfortable").options]
    assert values == ["yes", "rather_yes", "rather_no", "no"]


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ({"comfortable": {"choice": "yes", "other": None}}, False),
        ({"comfortable": {"choice": "rather_yes", "other": None}}, False),
        ({"comfortable": {"choice": "rather_no", "other": None}}, True),
        ({"comfortable": {"choice": "no", "other": None}}, True),
        ({"comfortable": "no"}, True),
        ({"comfortable": "rather_yes"}, False),
        ({}, False),
        ({"comfortable": None}, False),
        ({"comfortable": 3}, False),
    ],
)
def test_is_incompatible(answers: dict[str, Any], expected: bool) -> None:
    assert is_incompatible(answers) is expected


def test_incompatible_from_a_pressed_button() -> None:
    question = COMPATIBILITY.question("comfortable")
    parsed = check_choice(question, "rather_no")
    assert isinstance(parsed, ParsedAnswer)
    assert is_incompatible({"comfortable": parsed.value})
    fine = check_choice(question, "rather_yes")
    assert isinstance(fine, ParsedAnswer)
    assert not is_incompatible({"comfortable": fine.value})


def test_monitoring_forms_are_short_scales_with_labels() -> None:
    assert set(MONITORING_FORMS) == {PUPIL, TEACHER, EMPLOYER, STUDENT}
    for form in MONITORING_FORMS.values():
        assert len(form.questions) <= 10, "a few minutes at most"
        for question in form.questions:
            assert question.label, f"{form.key}.{question.key} needs a label for the report"
            assert question.required
            if question.kind == QuestionKind.SCALE:
                assert question.scale_labels is not None
                assert (question.min_value, question.max_value) in ((1, 5), (0, 10))
            else:
                assert question.kind == QuestionKind.NUMBER


def test_monitoring_parameters() -> None:
    assert MONITORING_PARAMETERS == {
        PUPIL: [
            "engagement",
            "performance",
            "soft_skills",
            "attend_wish",
            "anxiety",
            "future",
            "emotional_state",
            "high_results",
        ],
        TEACHER: ["burnout", "profession_satisfaction", "staff_climate"],
        EMPLOYER: ["success", "expected_involvement", "real_involvement", "internships"],
        STUDENT: [
            "engagement",
            "performance",
            "soft_skills",
            "attend_wish",
            "anxiety",
            "profession",
            "emotional_state",
            "high_results",
        ],
    }
    internships = MONITORING_FORMS[EMPLOYER].question("internships")
    assert parse_text(internships, " 3 ", today=TODAY) == ParsedAnswer(3)
    assert isinstance(parse_text(internships, "-1", today=TODAY), AnswerError)


def choice(value: str) -> dict[str, Any]:
    return {"choice": value, "other": None}


@pytest.mark.parametrize(
    ("role", "form_code", "answers", "expected"),
    [
        # A mentee's own answer to "who are you" decides.
        ("mentee", "student_pupil", {"category": choice("pupil")}, PUPIL),
        ("mentee", "employer_student", {"category": choice("student")}, STUDENT),
        ("mentee", "teacher_teacher", {"category": choice("young_teacher")}, TEACHER),
        ("mentee", "own_1", {"category": choice("teacher")}, TEACHER),
        ("mentee", "own_1", {"category": choice("employee")}, EMPLOYER),
        # Without a category (or with "other"), the form does.
        ("mentee", "teacher_teacher", {"category": {"choice": "other", "other": "x"}}, TEACHER),
        ("mentee", "teacher_teacher", {}, TEACHER),
        ("mentee", "pupil_pupil", {}, PUPIL),
        ("mentee", None, {}, PUPIL),
        # Mentors: by the form they take part in.
        ("mentor", "teacher_teacher", {}, TEACHER),
        ("mentor", "employer_pupil", {}, EMPLOYER),
        ("mentor", "employer_student", {}, EMPLOYER),
        ("mentor", "pupil_pupil", {}, PUPIL),
        ("mentor", "student_pupil", {}, STUDENT),  # a student never gets a school survey
        ("mentor", "own_3", {}, TEACHER),
        # A mentor has no "who are you" question: a stray category is not read.
        ("mentor", "employer_pupil", {"category": choice("pupil")}, EMPLOYER),
    ],
)
def test_monitoring_form_for(
    role: str, form_code: str | None, answers: dict[str, Any], expected: str
) -> None:
    assert monitoring_form_for(role, form_code, answers) == expected
    assert expected in MONITORING_FORMS


def test_monitoring_follows_the_kinds_a_form_declares() -> None:
    from dialogs.forms import ParticipantKind as K

    college = {"own_1": (K.TEACHER, K.STUDENT), "pupil_pupil": (K.STUDENT, K.STUDENT)}
    # «Педагог – студент»: the teacher gets the teachers' survey, the student the students'.
    assert monitoring_form_for("mentor", ["own_1"], {}, college) == TEACHER
    assert monitoring_form_for("mentee", "own_1", {}, college) == STUDENT
    # «ученик – ученик» run as «студент – студент»: no school survey on either side.
    assert monitoring_form_for("mentor", "pupil_pupil", {}, college) == STUDENT
    assert monitoring_form_for("mentee", "pupil_pupil", {}, college) == STUDENT
    # The mentee's own answer still comes first.
    assert monitoring_form_for("mentee", "own_1", {"category": choice("pupil")}, college) == PUPIL
    # A mentor in a teachers' form and a students' one is a teacher, one survey.
    both = ["teacher_teacher", "own_1"]
    assert monitoring_form_for("mentor", both, {}, college) == TEACHER
    # A mentor in «student – pupil» and «student – student» is a student.
    assert monitoring_form_for("mentor", ["student_pupil", "pupil_pupil"], {}, college) == STUDENT
    # The students' survey never says "school".
    student_form = MONITORING_FORMS[STUDENT]
    for question in student_form.questions:
        assert "school" not in question.text.lower()
    assert "school" not in student_form.title.lower() + student_form.intro.lower()


def test_final_polls() -> None:
    S, Y, L, C = (
        QuestionKind.SCALE,
        QuestionKind.YES_NO,
        QuestionKind.LONG_TEXT,
        QuestionKind.SINGLE_CHOICE,
    )
    assert shape(FINAL_MENTEE) == [
        ("satisfaction", S, True),
        ("contact", S, True),
        ("usefulness", S, True),
        ("goal_reached", C, True),
        ("recommend", Y, True),
        ("most_useful", L, True),
        ("improve", L, False),
        ("become_mentor", Y, True),
    ]
    assert shape(FINAL_MENTOR) == [
        ("satisfaction", S, True),
        ("organization", S, True),
        ("progress", S, True),
        ("recommend", Y, True),
        ("most_useful", L, True),
        ("hardest", L, False),
        ("support_lacked", L, False),
        ("improve", L, False),
        ("continue", Y, True),
    ]
    for form in (FINAL_MENTEE, FINAL_MENTOR):
        for question in form.questions:
            if question.kind == S:
                assert (question.min_value, question.max_value) == (0, 10)
                assert len(question_options(question)) == 11
    goal = [o.value for o in FINAL_MENTEE.question("goal_reached").options]
    assert goal == ["yes", "partly", "no"]
    assert SATISFIED_FROM == 7


def test_every_form_walks_to_the_end_and_has_labels() -> None:
    for form in FORMS.values():
        answers: dict[str, object] = {}
        asked: list[str] = []
        key = next_question_key(form, answers, {}, None)
        while key is not None:
            asked.append(key)
            answers[key] = None
            key = next_question_key(form, answers, {}, key)
        assert asked == [q.key for q in form.questions]
        assert all(q.label for q in form.questions), form.key


def test_a_broken_form_fails_at_definition() -> None:
    with pytest.raises(ValidationError):
        Questionnaire(
            key="broken",
            title="t",
            intro="i",
            questions=[
                Question(key="a", kind=QuestionKind.SCALE, text="x", min_value=1, max_value=5),
                Question(key="a", kind=QuestionKind.YES_NO, text="y"),
            ],
        )


def test_every_msgid_of_the_forms_is_extracted(tmp_path: Path) -> None:
    pot = tmp_path / "forms.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-k", "N_", "-k", "A_",
         "--no-wrap", "-o", str(pot), "dialogs"],
        cwd=ROOT, check=True, capture_output=True,
    )  # fmt: skip
    with pot.open("rb") as handle:
        extracted = {m.id for m in read_po(handle) if m.id}
    used: set[str] = set()
    for form in FORMS.values():
        used |= {form.title, form.intro}
        for question in form.questions:
            used |= {question.text, *(o.label for o in question.options)}
            used |= {q for q in (question.hint, question.label) if q}
            used |= set(question.scale_labels or ())
    assert used <= extracted, sorted(used - extracted)
