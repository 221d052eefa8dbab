"""The mentor questionnaire (анкета наставника): the mentor base of the programme plus what
the road map asks of candidates (experience, motivation, preferences for mentees and meetings).

Adults give the year of birth only (minors gave a full date when joining): the indicator
"young people aged 15-19 who entered as mentors" needs it, nothing else does, so an adult may
decline and is then counted as of unknown age. The place of work or study is asked as two
questions, the organization and the position, so that enterprises can be counted; the one
question asked before (``workplace``) is kept retired to read the answers given to it.

A mentor may take part in several forms of one organization with this one questionnaire
(issue 14): ``form`` is a multiple choice. With one form chosen the questionnaire is
:data:`MENTOR` as it always was; with several, :func:`mentor_questionnaire` asks what differs
per form once for each chosen form in place of the single questions: how many mentees
(``capacity``) and, where the form's mentees are pupils or students, their ages
(``mentee_age_from`` / ``mentee_age_to``; teachers and employers are adults of any age). The
rest (competencies, interests, time, days, format, experience, motivation) is the person's
own and is asked once. :func:`mentor_form_answers` reads a form's values either way.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

from dialogs.common import full_name, meeting_format, preferred_days, preferred_times
from dialogs.forms import ParticipantKind, chosen_forms
from dialogs.i18n import A_, N_
from dialogs.model import AGE_GROUP, Option, Question, QuestionKind, Questionnaire, ShowIf
from dialogs.tags import INTERESTS, TOPICS
from dialogs.workplace import LEGACY_WORKPLACE, WORKPLACE_ORG, WORKPLACE_POSITION

MENTOR = Questionnaire(
    key="mentor",
    title=N_("Mentor questionnaire"),
    intro=A_(
        "These questions help the curator find mentees who suit you. It takes about "
        "10 minutes. You can go back to change an answer and skip the questions that "
        "are not required."
    ),
    questions=[
        full_name(),
        Question(
            key="birth_year",
            label=N_("Year of birth"),
            kind=QuestionKind.BIRTH_YEAR,
            text=N_("Your year of birth"),
            hint=N_(
                "The organization reports how many young people aged 15 to 19 have become "
                "mentors, so only the year is asked, for example: 1990. If you prefer not to "
                "say, press the button below."
            ),
            required=False,
            skip_label=N_("Prefer not to say"),
            min_age_years=18,
            max_age_years=100,
            show_if=ShowIf(question=AGE_GROUP, any_of=["adult"]),
        ),
        Question(
            key="contact",
            label=N_("Contact"),
            kind=QuestionKind.SHORT_TEXT,
            text=A_("How can your mentees contact you?"),
            hint=A_(
                "A phone number, e-mail or Telegram username. Only the mentees in your pair "
                "or group will see it. You can skip this question."
            ),
            required=False,
        ),
        Question(
            key=LEGACY_WORKPLACE,
            label=N_("Place of work or study"),
            kind=QuestionKind.SHORT_TEXT,
            text=N_("Your place of work or study"),
            required=False,
            replaced_by=(WORKPLACE_ORG, WORKPLACE_POSITION),
        ),
        Question(
            key=WORKPLACE_ORG,
            label=N_("Organization"),
            kind=QuestionKind.SHORT_TEXT,
            text=A_("Where do you work or study?"),
            hint=A_(
                "Only the name of the organization: a school, college, university or "
                "enterprise, for example: School No. 5; Polytechnic College; «Romashka» LLC. "
                "The position is the next question."
            ),
        ),
        Question(
            key=WORKPLACE_POSITION,
            label=N_("Position, class or course"),
            kind=QuestionKind.SHORT_TEXT,
            text=A_("Your position there, or your class or course"),
            hint=N_("For example: mathematics teacher; engineer; 10 «A» class; 2nd year."),
        ),
        Question(
            key="competencies",
            label=N_("Key competencies"),
            kind=QuestionKind.MULTI_CHOICE,
            text=A_("What can you help with?"),
            hint=A_("These are your key competencies. Choose up to 5 or add your own."),
            options=TOPICS,
            allow_other=True,
            max_choices=5,
        ),
        Question(
            key="subjects",
            label=N_("School subjects"),
            kind=QuestionKind.SHORT_TEXT,
            text=A_("Which school subjects can you help with?"),
            hint=N_("For example: mathematics, physics."),
            show_if=ShowIf(question="competencies", any_of=["school_subject"]),
        ),
        Question(
            key="achievements",
            label=N_("Achievements"),
            kind=QuestionKind.LONG_TEXT,
            text=A_("Your achievements that matter for the programme"),
            hint=A_(
                "Awards, projects, competitions, the results of your pupils or colleagues. "
                "You can skip this question."
            ),
            required=False,
        ),
        Question(
            key="interests",
            label=N_("Interests"),
            kind=QuestionKind.MULTI_CHOICE,
            text=A_("Your interests and hobbies"),
            hint=A_("Shared interests help to find a mentee. Choose up to 5."),
            options=INTERESTS,
            allow_other=True,
            max_choices=5,
        ),
        Question(
            key="form",
            label=N_("Forms of mentorship"),
            kind=QuestionKind.MULTI_CHOICE,
            text=A_("Which forms of mentorship would you like to take part in?"),
            hint=A_(
                "The first word names the mentor, the second the mentee: “Student – pupil” "
                "means that a student mentors a pupil. You can choose several: then a few "
                "questions are asked for each of them."
            ),
            options_source="forms",
        ),
        Question(
            key="mentee_age_from",
            label=N_("Mentees' age from"),
            kind=QuestionKind.NUMBER,
            text=A_("What is the youngest age of mentees you would like to work with?"),
            hint=A_("Type a number from 10 to 80."),
            min_value=10,
            max_value=80,
        ),
        Question(
            key="mentee_age_to",
            label=N_("Mentees' age to"),
            kind=QuestionKind.NUMBER,
            text=N_("And the oldest age?"),
            hint=A_("Type a number up to 80."),
            min_value=10,
            max_value=80,
            min_from="mentee_age_from",
        ),
        Question(
            key="capacity",
            label=N_("Mentees at most"),
            kind=QuestionKind.NUMBER,
            text=A_("How many mentees can you take?"),
            hint=N_("1 for one-to-one mentoring, more for a group (up to 10)."),
            min_value=1,
            max_value=10,
        ),
        Question(
            key="time_resource",
            label=N_("Time for the programme"),
            kind=QuestionKind.SINGLE_CHOICE,
            text=A_("How much time can you give to the programme?"),
            hint=A_("Count the meetings and the preparation for them."),
            options=[
                Option(value="hour_1", label=N_("About 1 hour a month")),
                Option(value="hours_2", label=N_("About 2 hours a month")),
                Option(value="hours_4", label=N_("About 4 hours a month")),
                Option(value="more", label=N_("More than 4 hours a month")),
            ],
        ),
        preferred_days(),
        preferred_times(),
        meeting_format(),
        Question(
            key="experience",
            label=N_("Experience of mentoring"),
            kind=QuestionKind.SINGLE_CHOICE,
            text=A_("How much experience in mentoring do you have?"),
            options=[
                Option(value="none", label=N_("No experience yet")),
                Option(value="some", label=N_("Some experience")),
                Option(value="a_lot", label=N_("A lot of experience")),
            ],
        ),
        Question(
            key="motivation",
            label=N_("Motivation"),
            kind=QuestionKind.LONG_TEXT,
            text=A_("Why would you like to become a mentor?"),
            hint=A_("A few sentences about your motivation and what you hope to achieve."),
        ),
    ],
)


# What differs per form, and the prefix of its per-form key: ``cap_teacher_teacher``.
PER_FORM_PREFIXES = {"capacity": "cap_", "mentee_age_from": "agelo_", "mentee_age_to": "agehi_"}
# The forms whose mentees' age is asked.
AGE_ASKED_KINDS = frozenset({ParticipantKind.PUPIL, ParticipantKind.STUDENT})


def per_form_key(key: str, code: str) -> str:
    return PER_FORM_PREFIXES[key] + code


def _per_form_questions(code: str, mentee_kind: ParticipantKind) -> list[Question]:
    single = {q.key: q for q in MENTOR.questions if q.key in PER_FORM_PREFIXES}
    asked = ["capacity"]
    if mentee_kind in AGE_ASKED_KINDS:
        asked = ["mentee_age_from", "mentee_age_to", "capacity"]
    questions = []
    for key in asked:
        update: dict[str, object] = {"key": per_form_key(key, code), "for_form": code}
        if single[key].min_from is not None:
            update["min_from"] = per_form_key(single[key].min_from or "", code)
        questions.append(Question.model_validate(single[key].model_dump() | update))
    return questions


@cache
def mentor_questionnaire(forms: tuple[tuple[str, ParticipantKind], ...]) -> Questionnaire:
    """The mentor questionnaire for these chosen forms ``(code, who its mentees are)``: with
    fewer than two it is :data:`MENTOR`; with several, the per-form questions of each form
    follow the ``form`` question and the single ones are not asked."""
    if len(forms) < 2:
        return MENTOR
    questions: list[Question] = []
    for question in MENTOR.questions:
        if question.key in PER_FORM_PREFIXES:
            continue
        questions.append(question)
        if question.key == "form":
            for code, mentee_kind in forms:
                questions += _per_form_questions(code, mentee_kind)
    return Questionnaire.model_validate(MENTOR.model_dump() | {"questions": questions})


@dataclass(frozen=True)
class MentorFormAnswers:
    """What a mentor said for one form: places, and the mentees' ages (None: not said)."""

    capacity: int | None
    age_from: int | None
    age_to: int | None


def _whole(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def mentor_form_answers(answers: Mapping[str, object], code: str) -> MentorFormAnswers:
    """A mentor's capacity and mentees' ages for one of their forms: the per-form answers
    when they chose several forms, else the single ones (every form then shares them)."""
    several = len(chosen_forms(answers.get("form"))) > 1

    def read(key: str) -> int | None:
        if several:
            return _whole(answers.get(per_form_key(key, code)))
        return _whole(answers.get(key))

    return MentorFormAnswers(read("capacity"), read("mentee_age_from"), read("mentee_age_to"))
