"""The five forms of mentorship of the federal target model, with their names for people."""

from __future__ import annotations

from enum import StrEnum

from dialogs.i18n import N_


class FederalForm(StrEnum):
    PUPIL_PUPIL = "pupil_pupil"
    TEACHER_TEACHER = "teacher_teacher"
    STUDENT_PUPIL = "student_pupil"
    EMPLOYER_PUPIL = "employer_pupil"
    EMPLOYER_STUDENT = "employer_student"


# An organisation's own forms are stored with codes "own_<number>" and the title it typed.
OWN_FORM_PREFIX = "own_"

FORM_TITLES: dict[FederalForm, str] = {
    FederalForm.PUPIL_PUPIL: N_("Pupil – pupil"),
    FederalForm.TEACHER_TEACHER: N_("Teacher – teacher"),
    FederalForm.STUDENT_PUPIL: N_("Student – pupil"),
    FederalForm.EMPLOYER_PUPIL: N_("Employer – pupil"),
    FederalForm.EMPLOYER_STUDENT: N_("Employer – student"),
}

FORM_DESCRIPTIONS: dict[FederalForm, str] = {
    FederalForm.PUPIL_PUPIL: N_(
        "An older active pupil helps a younger one settle in, find motivation or catch up."
    ),
    FederalForm.TEACHER_TEACHER: N_(
        "An experienced teacher supports a young specialist or a newcomer to the school."
    ),
    FederalForm.STUDENT_PUPIL: N_(
        "A college or university student helps a pupil choose a path and try things out."
    ),
    FederalForm.EMPLOYER_PUPIL: N_(
        "A specialist from an enterprise shows a senior pupil a profession from the inside."
    ),
    FederalForm.EMPLOYER_STUDENT: N_(
        "A specialist from an enterprise helps a student gain professional skills and practice."
    ),
}


class ParticipantKind(StrEnum):
    """Who a form's mentors or mentees are: it decides which questions of the questionnaire
    they get and which monitoring form measures them."""

    PUPIL = "pupil"
    STUDENT = "student"
    TEACHER = "teacher"
    EMPLOYER = "employer"


class FormPace(StrEnum):
    """How a form's pairs work (the documents' kinds of mentoring)."""

    REGULAR = "regular"  # the full cycle, a meeting at least every two weeks
    SHORT = "short"  # short-term, goal-oriented: one or a few meetings, no two-weekly rhythm
    SPEED = "speed"  # speed mentoring: one meeting with several mentors in turn


# Who the federal forms bring together unless the organization says otherwise (a college runs
# «ученик – ученик» as «студент – студент»): (mentors, mentees).
FEDERAL_KINDS: dict[FederalForm, tuple[ParticipantKind, ParticipantKind]] = {
    FederalForm.PUPIL_PUPIL: (ParticipantKind.PUPIL, ParticipantKind.PUPIL),
    FederalForm.TEACHER_TEACHER: (ParticipantKind.TEACHER, ParticipantKind.TEACHER),
    FederalForm.STUDENT_PUPIL: (ParticipantKind.STUDENT, ParticipantKind.PUPIL),
    FederalForm.EMPLOYER_PUPIL: (ParticipantKind.EMPLOYER, ParticipantKind.PUPIL),
    FederalForm.EMPLOYER_STUDENT: (ParticipantKind.EMPLOYER, ParticipantKind.STUDENT),
}

# An own form that has not declared its people yet is read as the older code read it: staff
# lead it (teachers), its mentees are pupils.
OWN_FORM_DEFAULT_KINDS = (ParticipantKind.TEACHER, ParticipantKind.PUPIL)


def default_kinds(code: str) -> tuple[ParticipantKind, ParticipantKind]:
    """Who a form brings together when the organization has not declared it."""
    try:
        return FEDERAL_KINDS[FederalForm(code)]
    except ValueError:
        return OWN_FORM_DEFAULT_KINDS


def chosen_forms(value: object) -> list[str]:
    """The form codes of a stored ``form`` answer, in the order given: a mentee's (and an
    older mentor's) single choice ``{"choice": code}``, or a mentor's several forms
    ``{"choices": [code, ...]}`` (issue 14). Anything else: none."""
    if not isinstance(value, dict):
        return []
    choice = value.get("choice")
    if isinstance(choice, str):
        return [choice]
    choices = value.get("choices")
    if isinstance(choices, list):
        return list(dict.fromkeys(item for item in choices if isinstance(item, str)))
    return []


# Which monitoring form measures a kind of participant (dialogs/monitoring.py keys).
KIND_PRIORITY: tuple[ParticipantKind, ...] = (
    ParticipantKind.TEACHER,
    ParticipantKind.EMPLOYER,
    ParticipantKind.STUDENT,
    ParticipantKind.PUPIL,
)
