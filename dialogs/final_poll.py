"""The satisfaction polls at the end of a cycle (subject ``cycle:<cycle id>``)."""

from __future__ import annotations

from dialogs.i18n import N_
from dialogs.model import Option, Question, QuestionKind, Questionnaire

# A person is satisfied when they give 7 or more of 10 (the indicator "satisfaction").
SATISFIED_FROM = 7

FINAL_MENTEE_KEY = "final_mentee"
FINAL_MENTOR_KEY = "final_mentor"


def _ten(key: str, label: str, text: str, low: str, high: str) -> Question:
    return Question(
        key=key,
        label=label,
        kind=QuestionKind.SCALE,
        text=text,
        min_value=0,
        max_value=10,
        scale_labels=(low, high),
    )


# Asked of mentees and mentors alike, in the same words.
_MOST_USEFUL = Question(
    key="most_useful",
    label=N_("Most useful"),
    kind=QuestionKind.LONG_TEXT,
    text=N_("What was the most useful for you?"),
)
_IMPROVE = Question(
    key="improve",
    label=N_("What to improve"),
    kind=QuestionKind.LONG_TEXT,
    text=N_("What should we improve in the programme?"),
    hint=N_("You can skip this question."),
    required=False,
)

FINAL_MENTEE = Questionnaire(
    key=FINAL_MENTEE_KEY,
    title=N_("The programme is over: your opinion"),
    intro=N_(
        "The mentoring programme is coming to an end. Please answer a few questions: "
        "it helps to make the programme better for everyone."
    ),
    questions=[
        _ten(
            "satisfaction",
            N_("Satisfaction with taking part"),
            N_("How much did you like taking part in the programme?"),
            N_("not at all"),
            N_("very much"),
        ),
        _ten(
            "contact",
            N_("Contact with the mentor"),
            N_("How comfortable was it to talk with your mentor?"),
            N_("very uncomfortable"),
            N_("very comfortable"),
        ),
        _ten(
            "usefulness",
            N_("Usefulness of the meetings"),
            N_("How useful were the meetings for you?"),
            N_("not useful at all"),
            N_("very useful"),
        ),
        Question(
            key="goal_reached",
            label=N_("Goal reached"),
            kind=QuestionKind.SINGLE_CHOICE,
            text=N_("Did you reach your goal?"),
            options=[
                Option(value="yes", label=N_("Yes")),
                Option(value="partly", label=N_("Partly")),
                Option(value="no", label=N_("No")),
            ],
        ),
        Question(
            key="recommend",
            label=N_("Would recommend the programme"),
            kind=QuestionKind.YES_NO,
            text=N_("Would you advise a friend to take part in the programme?"),
        ),
        _MOST_USEFUL,
        _IMPROVE,
        Question(
            key="become_mentor",
            label=N_("Wants to become a mentor"),
            kind=QuestionKind.YES_NO,
            text=N_("Would you like to become a mentor yourself next time?"),
        ),
    ],
)

FINAL_MENTOR = Questionnaire(
    key=FINAL_MENTOR_KEY,
    title=N_("The programme is over: your opinion"),
    intro=N_(
        "Thank you for your work as a mentor! Please answer a few questions about the "
        "programme: it takes about two minutes."
    ),
    questions=[
        _ten(
            "satisfaction",
            N_("Overall satisfaction"),
            N_("How satisfied are you with taking part in the programme overall?"),
            N_("not satisfied"),
            N_("fully satisfied"),
        ),
        _ten(
            "organization",
            N_("Organization of the programme"),
            N_("How well was the programme organized?"),
            N_("very badly"),
            N_("very well"),
        ),
        _ten(
            "progress",
            N_("Progress of the mentee"),
            N_("How much progress did your mentee make?"),
            N_("no progress"),
            N_("great progress"),
        ),
        Question(
            key="recommend",
            label=N_("Would recommend the programme"),
            kind=QuestionKind.YES_NO,
            text=N_("Would you recommend colleagues to become mentors?"),
        ),
        # Every participant is asked what was most useful and (below) what to improve, in
        # the mentee's words, so one translation serves both polls.
        _MOST_USEFUL,
        Question(
            key="hardest",
            label=N_("What was hardest"),
            kind=QuestionKind.LONG_TEXT,
            text=N_("What was the hardest for you?"),
            hint=N_("You can skip this question."),
            required=False,
        ),
        Question(
            key="support_lacked",
            label=N_("Support that was lacking"),
            kind=QuestionKind.LONG_TEXT,
            text=N_("What support did you lack?"),
            hint=N_("You can skip this question."),
            required=False,
        ),
        _IMPROVE,
        Question(
            key="continue",
            label=N_("Will continue as a mentor"),
            kind=QuestionKind.YES_NO,
            text=N_("Will you continue as a mentor in the next cycle?"),
        ),
    ],
)
