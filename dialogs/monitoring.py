"""Monitoring of the programme's influence (мониторинг влияния), asked twice with the same form:
before entering the programme (subject ``before:<cycle id>``) and after completing it
(``after:<cycle id>``). One form per category of participant; the report averages the numeric
parameters (:data:`MONITORING_PARAMETERS`) and compares before with after.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from dialogs.forms import KIND_PRIORITY, ParticipantKind, default_kinds
from dialogs.i18n import A_, N_
from dialogs.model import Question, QuestionKind, Questionnaire
from dialogs.navigation import selected_values

PUPIL = "monitoring_pupil"
TEACHER = "monitoring_teacher"
EMPLOYER = "monitoring_employer"
STUDENT = "monitoring_student"

_INTRO_ADULT = N_(
    "A short survey before and after the programme shows what mentoring changes. "
    "It takes about two minutes; there are no right or wrong answers."
)


def _scale(key: str, label: str, text: str, low: str, high: str) -> Question:
    return Question(
        key=key,
        label=label,
        kind=QuestionKind.SCALE,
        text=text,
        min_value=1,
        max_value=5,
        scale_labels=(low, high),
    )


MONITORING_PUPIL = Questionnaire(
    key=PUPIL,
    title=N_("A short survey about school"),
    intro=A_(
        "Please answer 8 short questions about how you feel at school. Tap a number from "
        "1 to 5. There are no right or wrong answers, and only the curator sees them."
    ),
    questions=[
        _scale(
            "engagement",
            N_("Engagement in learning"),
            A_("How much do you like learning new things at school?"),
            N_("not at all"),
            N_("very much"),
        ),
        _scale(
            "performance",
            N_("Performance in main subjects (self-assessment)"),
            A_("How well are you doing in your main school subjects?"),
            N_("badly"),
            N_("excellently"),
        ),
        _scale(
            "soft_skills",
            N_("Soft skills"),
            A_(
                "How easy is it for you to work in a team, speak in front of the class "
                "and come to an agreement with others?"
            ),
            N_("very hard"),
            N_("very easy"),
        ),
        _scale(
            "attend_wish",
            N_("Wish to attend school"),
            A_("How much do you want to go to school?"),
            N_("not at all"),
            N_("very much"),
        ),
        _scale(
            "anxiety",
            N_("Personal anxiety"),
            A_("How often do you feel worried or nervous at school?"),
            N_("almost never"),
            N_("very often"),
        ),
        _scale(
            "future",
            N_("Understanding of own future"),
            A_("Do you know what you would like to do when you grow up?"),
            N_("no idea yet"),
            N_("I know exactly"),
        ),
        _scale(
            "emotional_state",
            N_("Emotional state at school"),
            A_("How do you usually feel at school?"),
            N_("very bad"),
            N_("very good"),
        ),
        _scale(
            "high_results",
            N_("Wish for high results"),
            A_("How much do you want to get high results in your studies?"),
            N_("not at all"),
            N_("very much"),
        ),
    ],
)

MONITORING_TEACHER = Questionnaire(
    key=TEACHER,
    title=N_("Monitoring survey for teachers"),
    intro=_INTRO_ADULT,
    questions=[
        _scale(
            "burnout",
            N_("Professional burnout"),
            N_("How exhausted by your work do you feel?"),
            N_("not at all"),
            N_("completely exhausted"),
        ),
        _scale(
            "profession_satisfaction",
            N_("Satisfaction with the profession"),
            N_("How satisfied are you with your profession?"),
            N_("not satisfied"),
            N_("fully satisfied"),
        ),
        _scale(
            "staff_climate",
            N_("Psychological climate in the staff"),
            N_("How would you rate the psychological climate among your colleagues?"),
            N_("very tense"),
            N_("very friendly"),
        ),
    ],
)

MONITORING_EMPLOYER = Questionnaire(
    key=EMPLOYER,
    title=N_("Monitoring survey for employers"),
    intro=_INTRO_ADULT,
    questions=[
        _scale(
            "success",
            N_("Success of the programme for the enterprise"),
            N_("How successful is the mentoring programme for your enterprise?"),
            N_("not successful"),
            N_("very successful"),
        ),
        _scale(
            "expected_involvement",
            N_("Expected involvement"),
            N_("How much do you expect your enterprise to be involved in the programme?"),
            N_("minimally"),
            N_("fully"),
        ),
        _scale(
            "real_involvement",
            N_("Real involvement"),
            N_("How much is your enterprise actually involved in the programme now?"),
            N_("minimally"),
            N_("fully"),
        ),
        Question(
            key="internships",
            label=N_("Internship invitations"),
            kind=QuestionKind.NUMBER,
            text=N_(
                "How many pupils or students has your enterprise invited to an internship "
                "or practice during the programme?"
            ),
            hint=N_("Type a number; 0 if none yet."),
            min_value=0,
            max_value=1000,
        ),
    ],
)

# College and university students (issue 14): the pupils' measures in a college's words,
# with the understanding of the future profession in place of "what to do when you grow up".
MONITORING_STUDENT = Questionnaire(
    key=STUDENT,
    title=N_("A short survey about your studies"),
    intro=A_(
        "Please answer 8 short questions about your studies. Tap a number from 1 to 5. "
        "There are no right or wrong answers, and only the curator sees them."
    ),
    questions=[
        _scale(
            "engagement",
            N_("Engagement in studies"),
            A_("How involved are you in your studies?"),
            N_("not at all"),
            N_("very much"),
        ),
        _scale(
            "performance",
            N_("Performance in main disciplines (self-assessment)"),
            A_("How well are you doing in your main disciplines?"),
            N_("badly"),
            N_("excellently"),
        ),
        _scale(
            "soft_skills",
            N_("Soft skills"),
            A_(
                "How easy is it for you to work in a team, speak in front of the group "
                "and come to an agreement with others?"
            ),
            N_("very hard"),
            N_("very easy"),
        ),
        _scale(
            "attend_wish",
            N_("Wish to attend classes"),
            A_("How much do you want to go to your classes?"),
            N_("not at all"),
            N_("very much"),
        ),
        _scale(
            "anxiety",
            N_("Personal anxiety"),
            A_("How often do you feel worried or nervous during your studies?"),
            N_("almost never"),
            N_("very often"),
        ),
        _scale(
            "profession",
            N_("Understanding of the future profession"),
            A_("How well do you understand what your future profession will be like?"),
            N_("no idea yet"),
            N_("I know exactly"),
        ),
        _scale(
            "emotional_state",
            N_("Emotional state in studies"),
            A_("How do you usually feel at college or university?"),
            N_("very bad"),
            N_("very good"),
        ),
        _scale(
            "high_results",
            N_("Wish for high results"),
            A_("How much do you want to get high results in your studies and practice?"),
            N_("not at all"),
            N_("very much"),
        ),
    ],
)

MONITORING_FORMS: dict[str, Questionnaire] = {
    q.key: q
    for q in (MONITORING_PUPIL, MONITORING_TEACHER, MONITORING_EMPLOYER, MONITORING_STUDENT)
}

# The numeric parameters of each form, in the order a report shows them.
MONITORING_PARAMETERS: dict[str, list[str]] = {
    key: [q.key for q in form.questions if q.kind in (QuestionKind.SCALE, QuestionKind.NUMBER)]
    for key, form in MONITORING_FORMS.items()
}

_CATEGORY_KINDS: dict[str, ParticipantKind] = {
    "pupil": ParticipantKind.PUPIL,
    "student": ParticipantKind.STUDENT,
    "teacher": ParticipantKind.TEACHER,
    "young_teacher": ParticipantKind.TEACHER,
    "employee": ParticipantKind.EMPLOYER,
}

KIND_FORMS: dict[ParticipantKind, str] = {
    ParticipantKind.PUPIL: PUPIL,
    ParticipantKind.STUDENT: STUDENT,
    ParticipantKind.TEACHER: TEACHER,
    ParticipantKind.EMPLOYER: EMPLOYER,
}

# Who a form brings together, by code: (mentors, mentees), as the organization declared it.
FormKinds = Mapping[str, tuple[ParticipantKind, ParticipantKind]]


def monitoring_form_for(
    role: str,
    form_code: str | Sequence[str] | None,
    answers: Mapping[str, object],
    kinds: FormKinds | None = None,
) -> str:
    """The monitoring form that measures a participant.

    ``role`` is ``mentor`` or ``mentee``; ``form_code`` the form (or, for a mentor in several,
    the forms) they take part in; ``answers`` their questionnaire answers; ``kinds`` who each
    of the organization's forms brings together (``OrganizationForm.mentor_kind`` /
    ``mentee_kind``; a form missing from it has its default, :func:`default_kinds`).

    A mentee's own "who are you" answer decides first (a pupil, a student, a teacher or a
    young teacher, an employee); otherwise the form's mentees do. A mentor is who their
    forms' mentors are: a student mentor never gets the teachers' survey, a teacher mentor of
    a student group does. A mentor in several forms that declare different mentors (rare: a
    teacher who also leads as an employer) is measured by the first of teacher, employer,
    student, pupil among them, so that one person gets one survey.
    """
    known = kinds or {}
    codes = [form_code] if isinstance(form_code, str) else list(form_code or [])

    def of(code: str) -> tuple[ParticipantKind, ParticipantKind]:
        return known.get(code) or default_kinds(code)

    if role == "mentee":
        category = selected_values(answers.get("category"))
        for value, kind in _CATEGORY_KINDS.items():
            if value in category:
                return KIND_FORMS[kind]
        return KIND_FORMS[of(codes[0])[1]] if codes else PUPIL
    if not codes:
        return TEACHER
    declared = {of(code)[0] for code in codes}
    return KIND_FORMS[next(kind for kind in KIND_PRIORITY if kind in declared)]
