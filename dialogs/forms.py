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
