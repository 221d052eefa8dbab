"""The feedback form after every held meeting (форма обратной связи), from each side."""

from __future__ import annotations

from dialogs.i18n import N_
from dialogs.model import Question, QuestionKind, Questionnaire
from dialogs.tags import TOPICS

MEETING_FEEDBACK = Questionnaire(
    key="meeting_feedback",
    title=N_("Feedback on the meeting"),
    intro=N_(
        "Please tell us how the meeting went: it takes a minute. The curator sees the answers "
        "and uses them to support your pair."
    ),
    questions=[
        Question(
            key="usefulness",
            label=N_("Usefulness of the meeting"),
            kind=QuestionKind.SCALE,
            text=N_("How useful was the meeting for you?"),
            min_value=1,
            max_value=5,
            scale_labels=(N_("not useful at all"), N_("very useful")),
        ),
        Question(
            key="worked_on",
            label=N_("What we worked on"),
            kind=QuestionKind.MULTI_CHOICE,
            text=N_("What did you work on?"),
            hint=N_("Choose up to 3 topics or write your own. You can skip this question."),
            # The same topics as a mentor's competencies and a mentee's request, so feedback
            # can be compared with what the pair was matched for.
            options=TOPICS,
            allow_other=True,
            max_choices=3,
            required=False,
        ),
        Question(
            key="went_well",
            label=N_("What went well"),
            kind=QuestionKind.LONG_TEXT,
            text=N_("What went well?"),
            hint=N_("A few words. You can skip this question."),
            required=False,
        ),
        Question(
            key="to_change",
            label=N_("What to change"),
            kind=QuestionKind.LONG_TEXT,
            text=N_("What would you change next time?"),
            hint=N_("You can skip this question."),
            required=False,
        ),
        Question(
            key="comment",
            label=N_("Comment"),
            kind=QuestionKind.LONG_TEXT,
            text=N_("Anything else you would like to add?"),
            hint=N_("You can skip this question."),
            required=False,
        ),
    ],
)
