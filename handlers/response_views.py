"""What the short repeated forms show: their buttons' data, a question as a neutral screen,
and the texts of thanks and refusal. The router is :mod:`handlers.responses`."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

from aiogram.filters.callback_data import CallbackData
from aiogram.utils.i18n import gettext as _

from bot.html_text import quote
from bot.responses import FormStep
from bot.screens import Screen
from dialogs.model import OTHER, Option, QuestionKind
from dialogs.navigation import selected_values
from handlers import question_view
from handlers.address import you


class FormAction(StrEnum):
    """Short packed values (the button data is at most 64 bytes); old buttons keep them."""

    PICK = "p"  # an option, or a toggle of a multi-choice
    DONE = "d"
    SKIP = "s"
    BACK = "b"


class FormPick(CallbackData, prefix="rs1"):
    """A button of a form question.

    ``r`` response id, ``k`` question key, ``a`` the action, ``v`` the option value, ``s`` a
    multi-choice selection so far: bit ``i`` is the ``i``-th option, so the selection
    survives restarts without any state.
    """

    r: int
    k: str
    a: FormAction
    v: str = ""
    s: int = 0


# The shared control buttons in this runner's short button data.
_CONTROLS = {
    question_view.Control.DONE: FormAction.DONE,
    question_view.Control.SKIP: FormAction.SKIP,
    question_view.Control.BACK: FormAction.BACK,
}


def _choice_values(options: Sequence[Option]) -> list[str]:
    return [option.value for option in options if option.value != OTHER]


def selection_of(step: FormStep, mask: int) -> list[str]:
    """The option values a selection mask names (bits past the options are ignored)."""
    values = _choice_values(step.options)
    return [value for position, value in enumerate(values) if mask >> position & 1]


def mask_of(step: FormStep, selected: Sequence[str]) -> int:
    chosen = set(selected)
    values = _choice_values(step.options)
    return sum(1 << position for position, value in enumerate(values) if value in chosen)


def initial_selection(step: FormStep) -> list[str]:
    """A multi-choice question asked again (after "back") starts from the earlier answer."""
    if step.question is None or step.question.kind != QuestionKind.MULTI_CHOICE:
        return []
    return sorted(selected_values(step.answers.get(step.question.key)) - {OTHER})


def question_screen(
    step: FormStep, selected: Sequence[str], minor: bool, heading: str | None = None
) -> Screen:
    question = step.question
    assert question is not None
    rid, key = step.response.id, question.key
    mask = mask_of(step, selected) if question.kind == QuestionKind.MULTI_CHOICE else 0

    def control(action: question_view.Control) -> str:
        code = _CONTROLS[action]
        # Only "done" needs the selection; skip and back leave a shorter button data.
        return FormPick(r=rid, k=key, a=code, s=mask if code == FormAction.DONE else 0).pack()

    text = question_view.question_text(
        question, step.number, step.total, step.options, heading, minor=minor
    )
    return question_view.question_screen(
        question,
        text,
        step.options,
        selected,
        can_go_back=step.can_go_back,
        pick=lambda value: FormPick(r=rid, k=key, a=FormAction.PICK, v=value, s=mask).pack(),
        control=control,
    )


def heading(step: FormStep, intro: str | None, minor: bool) -> str:
    """The form's title, and its introduction when nothing has been answered yet."""
    title = f"<b>{quote(_(step.questionnaire.title))}</b>"
    if step.answers:
        return title + "\n" + you(minor, "Let's go on from where you stopped.") + "\n"
    return title + "\n" + quote(you(minor, intro or step.questionnaire.intro)) + "\n"


def thanks_text(minor: bool = False) -> str:
    return you(minor, "Thank you! Your answers are saved.")


def completed_text() -> str:
    return _("This form is already completed. Thank you!")


def unavailable_text() -> str:
    return _("This form is no longer available.")


def already_answered_text() -> str:
    return _("This question has already been answered.")


def type_your_answer_text() -> str:
    return _("Please type your answer. To stop: /cancel")


def form_screen(step: FormStep, minor: bool, intro: str | None = None) -> Screen:
    """A form's current question as a whole screen, for jobs that queue forms in the outbox
    (called in the reader's language, inside the outbox's render)."""
    return question_screen(step, initial_selection(step), minor, heading(step, intro, minor))
