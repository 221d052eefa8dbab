"""The mentee questionnaire (анкета наставляемого), in words a pupil of 11 understands.

The date of birth comes right after the name: it sets the age group, and a child's or a
teen's contact is a parent's or legal representative's one, asked in other words.

A college student is not asked school questions (issue 14): :func:`mentee_questionnaire`
with ``student=True`` asks the course and speciality instead of the class, a discipline
instead of a school subject, and names the topics in a college's words.
"""

from __future__ import annotations

from functools import cache

from dialogs.common import full_name, meeting_format, preferred_days, preferred_times
from dialogs.i18n import A_, N_
from dialogs.model import Option, Question, QuestionKind, Questionnaire, ShowIf
from dialogs.tags import INTERESTS, TOPICS

MENTEE = Questionnaire(
    key="mentee",
    title=N_("Mentee questionnaire"),
    intro=A_(
        "Answer a few questions so that we can find a mentor who suits you. "
        "It takes about 5 minutes. You can go back and change an answer."
    ),
    questions=[
        full_name(),
        Question(
            key="birth_date",
            label=N_("Date of birth"),
            kind=QuestionKind.DATE,
            text=A_("Your date of birth"),
            hint=N_("For example: 12.03.2011."),
            not_in_future=True,
            min_age_years=10,
            max_age_years=80,
        ),
        Question(
            key="contact",
            label=N_("Contact"),
            kind=QuestionKind.SHORT_TEXT,
            text=A_("How can your mentor contact you?"),
            hint=A_(
                "A phone number, e-mail or Telegram username. Only your mentor will see it. "
                "You can skip this question."
            ),
            required=False,
            show_if=ShowIf(question="age_group", any_of=["adult"]),
        ),
        Question(
            key="parent_contact",
            label=N_("Contact of a parent"),
            kind=QuestionKind.SHORT_TEXT,
            text=A_("How can your mentor contact your parent?"),
            hint=A_(
                "A phone number or e-mail of your mum, dad or another legal representative. "
                "Only your mentor will see it. You can skip this question."
            ),
            required=False,
            show_if=ShowIf(question="age_group", any_of=["child", "teen"]),
        ),
        Question(
            key="category",
            label=N_("Category"),
            kind=QuestionKind.SINGLE_CHOICE,
            text=A_("Who are you?"),
            options=[
                Option(value="pupil", label=N_("Pupil at school")),
                Option(value="student", label=N_("Student (college, university)")),
                Option(value="young_teacher", label=N_("Young teacher (0–3 years)")),
                Option(value="teacher", label=N_("Teacher")),
                Option(value="employee", label=N_("Employee of an enterprise")),
            ],
            allow_other=True,
        ),
        Question(
            key="class_course",
            label=N_("Class or course"),
            kind=QuestionKind.SHORT_TEXT,
            text=A_("Your class or course"),
            hint=N_("For example: 6B, or 2nd year."),
            min_length=1,
            max_length=50,
            show_if=ShowIf(question="category", any_of=["pupil", "student"]),
        ),
        Question(
            key="request",
            label=N_("Main request"),
            kind=QuestionKind.MULTI_CHOICE,
            text=A_("What would you like help with?"),
            hint=A_("This is your main request. Choose up to 3 or write your own."),
            options=TOPICS,
            allow_other=True,
            max_choices=3,
        ),
        Question(
            key="subject",
            label=N_("School subject"),
            kind=QuestionKind.SHORT_TEXT,
            text=A_("Which school subject do you need help with?"),
            hint=N_("For example: mathematics."),
            show_if=ShowIf(question="request", any_of=["school_subject"]),
        ),
        Question(
            key="interests",
            label=N_("Interests"),
            kind=QuestionKind.MULTI_CHOICE,
            text=A_("What do you like doing?"),
            hint=A_("Choose up to 5. It helps to find a mentor who likes the same things."),
            options=INTERESTS,
            allow_other=True,
            max_choices=5,
        ),
        preferred_days(),
        preferred_times(),
        meeting_format(),
        Question(
            key="form",
            label=N_("Form of mentorship"),
            kind=QuestionKind.SINGLE_CHOICE,
            text=A_("Who would you like as your mentor?"),
            hint=A_(
                "The first word is the mentor, the second is you. For example, "
                "“Student – pupil” means that a student helps a pupil."
            ),
            options_source="forms",
        ),
    ],
)


# The topics as a student reads them: the codes (and so matching) stay the same.
STUDENT_TOPIC_LABELS = {
    "adaptation": N_("Settling in at college"),
    "school_subject": N_("A subject or discipline"),
    "exams": N_("Exams and the session"),
}
STUDENT_TOPICS = [
    Option(value=o.value, label=STUDENT_TOPIC_LABELS.get(o.value, o.label)) for o in TOPICS
]

# In place of the class and of the school subject (a student who says "other" and chose a
# form for students is asked them too).
COURSE = Question(
    key="course",
    label=N_("Course and speciality"),
    kind=QuestionKind.SHORT_TEXT,
    text=A_("Your course and speciality"),
    hint=N_("For example: 2nd year, welding production."),
    min_length=1,
    max_length=100,
    show_if=ShowIf(question="category", any_of=["student", "other"]),
)
DISCIPLINE = Question(
    key="discipline",
    label=N_("Discipline"),
    kind=QuestionKind.SHORT_TEXT,
    text=A_("Which discipline or module do you need help with?"),
    hint=N_("For example: engineering graphics."),
    show_if=ShowIf(question="request", any_of=["school_subject"]),
)


@cache
def mentee_questionnaire(*, student: bool) -> Questionnaire:
    """The mentee questionnaire: :data:`MENTEE`, or its college version for a student."""
    if not student:
        return MENTEE
    questions: list[Question] = []
    for question in MENTEE.questions:
        if question.key == "class_course":
            questions.append(COURSE)
        elif question.key == "subject":
            questions.append(DISCIPLINE)
        elif question.key == "request":
            questions.append(question.model_copy(update={"options": STUDENT_TOPICS}))
        else:
            questions.append(question)
    return Questionnaire.model_validate(MENTEE.model_dump() | {"questions": questions})
