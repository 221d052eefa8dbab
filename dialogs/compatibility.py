"""The compatibility form after the trial working meeting (пробная рабочая встреча)."""

from __future__ import annotations

from collections.abc import Mapping

from dialogs.i18n import N_
from dialogs.model import Option, Question, QuestionKind, Questionnaire
from dialogs.navigation import selected_values

INCOMPATIBLE_ANSWERS = frozenset({"rather_no", "no"})

COMPATIBILITY = Questionnaire(
    key="compatibility",
    title=N_("After the trial meeting"),
    intro=N_(
        "You have had your trial meeting. Three short questions help the curator to check "
        "that you are comfortable working together."
    ),
    questions=[
        Question(
            key="comfortable",
            label=N_("Comfortable to work together"),
            kind=QuestionKind.SINGLE_CHOICE,
            text=N_("Is it comfortable for you to work together?"),
            options=[
                Option(value="yes", label=N_("Yes")),
                Option(value="rather_yes", label=N_("Rather yes")),
                Option(value="rather_no", label=N_("Rather no")),
                Option(value="no", label=N_("No")),
            ],
        ),
        Question(
            key="understand_plan",
            label=N_("Understands what to do together"),
            kind=QuestionKind.YES_NO,
            text=N_("Do you understand what you will do together?"),
        ),
        Question(
            key="for_curator",
            label=N_("For the curator"),
            kind=QuestionKind.LONG_TEXT,
            text=N_("Is there anything the curator should know?"),
            hint=N_("Only the curator will read it. You can skip this question."),
            required=False,
        ),
    ],
)


def is_incompatible(answers: Mapping[str, object]) -> bool:
    """True when the person is rather not or not comfortable working together."""
    value = answers.get("comfortable")
    if isinstance(value, str):  # a bare code, as a report or a test may hold it
        return value in INCOMPATIBLE_ANSWERS
    return bool(selected_values(value) & INCOMPATIBLE_ANSWERS)
