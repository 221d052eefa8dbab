"""Questions that the mentor and the mentee questionnaires ask in the same words."""

from __future__ import annotations

from dialogs.i18n import A_, N_
from dialogs.model import Question, QuestionKind
from dialogs.tags import MEETING_FORMATS, TIMES_OF_DAY, WEEKDAYS


def full_name() -> Question:
    return Question(
        key="full_name",
        label=N_("Full name"),
        kind=QuestionKind.SHORT_TEXT,
        text=A_("Your full name"),
        hint=N_("Surname, first name and patronymic, for example: Ivanova Maria Petrovna."),
        max_length=150,
    )


def preferred_days() -> Question:
    return Question(
        key="days",
        label=N_("Convenient days"),
        kind=QuestionKind.MULTI_CHOICE,
        text=A_("Which days suit you for meetings?"),
        hint=A_("Choose all the days that suit you."),
        options=WEEKDAYS,
    )


def preferred_times() -> Question:
    return Question(
        key="times",
        label=N_("Convenient time"),
        kind=QuestionKind.MULTI_CHOICE,
        text=A_("What time of day suits you for meetings?"),
        hint=A_("Choose all that suit you."),
        options=TIMES_OF_DAY,
    )


def meeting_format() -> Question:
    return Question(
        key="meeting_format",
        label=N_("Meeting format"),
        kind=QuestionKind.SINGLE_CHOICE,
        text=A_("How would you like to meet?"),
        options=MEETING_FORMATS,
    )
