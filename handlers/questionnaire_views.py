"""What the main questionnaire shows: its buttons' data, the question and the summary as
neutral screens, and the texts of saving. The router is :mod:`handlers.questionnaire`."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

from aiogram.filters.callback_data import CallbackData
from aiogram.utils.i18n import gettext as _

from bot.html_text import quote
from bot.participants import Status
from bot.questionnaires import Step
from bot.screens import Button, Screen
from dialogs.answer_display import format_answer
from dialogs.model import Option, Question
from handlers import question_view
from handlers.address import is_minor, you

SUMMARY_ANSWER_LIMIT = 160  # characters of one answer in the summary, to stay within a message
SUMMARY_ROW = 6  # number buttons a row under the summary


class Pick(CallbackData, prefix="q1p"):
    """A pressed option: a single choice, yes/no, a point of a scale, or a toggle."""

    p: int
    k: str
    v: str


class ActKind(StrEnum):
    """The packed values are those of the first buttons: old messages keep working."""

    DONE = "done"
    SKIP = "skip"
    BACK = "back"
    CONFIRM = "confirm"
    OPEN = "open"  # resume (from the profile)
    EDIT = "edit"  # the question ``k``, from the summary


class Act(CallbackData, prefix="q1a"):
    p: int
    a: ActKind
    k: str = ""


# The shared controls under a question, in this runner's button data.
_CONTROLS = {
    question_view.Control.DONE: ActKind.DONE,
    question_view.Control.SKIP: ActKind.SKIP,
    question_view.Control.BACK: ActKind.BACK,
}


def form_label(code: str, forms: Sequence[Option]) -> str:
    """A form's name among the organization's forms (an own form's title as typed)."""
    for option in forms:
        if option.value == code:
            return _(option.label)
    return code


def answer_label(question: Question, forms: Sequence[Option]) -> str:
    """The short name of an answer in a summary or the profile; one given per form names
    its form: «Mentees at most (Педагог – студент)»."""
    label = _(question.label or question.text)
    if question.for_form:
        label += f" ({form_label(question.for_form, forms)})"
    return label


def for_form_heading(question: Question, forms: Sequence[Option]) -> str | None:
    """A question asked once per form names its form above it."""
    if not question.for_form:
        return None
    return _("Form “{form}”").format(form=quote(form_label(question.for_form, forms)))


def question_screen(step: Step, selected: list[str]) -> Screen:
    question = step.question
    assert question is not None
    pid, key = step.participant.id, question.key
    text = question_view.question_text(
        question,
        step.number,
        step.total,
        step.options,
        for_form_heading(question, step.forms),
        minor=is_minor(step.participant),
    )
    return question_view.question_screen(
        question,
        text,
        step.options,
        selected,
        can_go_back=step.can_go_back,
        pick=lambda value: Pick(p=pid, k=key, v=value).pack(),
        control=lambda action: Act(p=pid, a=_CONTROLS[action], k=key).pack(),
    )


def summary_screen(step: Step) -> Screen:
    """Every visible answer, numbered; a number button edits it, the last one saves."""
    minor = is_minor(step.participant)
    pid = step.participant.id
    visible = step.visible()
    lines = [you(minor, "<b>Please check your questionnaire</b>"), ""]
    for number, question in enumerate(visible, start=1):
        shown = format_answer(
            question, step.answers.get(question.key), _, step.options_of(question)
        )
        if len(shown) > SUMMARY_ANSWER_LIMIT:
            shown = shown[: SUMMARY_ANSWER_LIMIT - 1] + "…"
        label = answer_label(question, step.forms)
        lines.append(f"{number}. {quote(label)}\n    {quote(shown)}")
    lines += ["", you(minor, "To change an answer, press its number.")]
    numbers = [
        Button(str(number), Act(p=pid, a=ActKind.EDIT, k=question.key).pack())
        for number, question in enumerate(visible, start=1)
    ]
    rows = [tuple(numbers[i : i + SUMMARY_ROW]) for i in range(0, len(numbers), SUMMARY_ROW)]
    confirmed = step.participant.confirmed_at is not None
    save = _("Save changes") if confirmed else _("All correct, send")
    rows.append((Button(save, Act(p=pid, a=ActKind.CONFIRM).pack()),))
    return Screen("\n".join(lines), tuple(rows))


def intro_screen(step: Step) -> Screen:
    return Screen(quote(you(is_minor(step.participant), step.questionnaire.intro)))


def saved_text(status: Status | None, minor: bool) -> str:
    """The first confirmation of the questionnaire."""
    if status is Status.WAITING_GUARDIAN:
        # Translators: only a person under 18 waits for a representative: «ты» in Russian.
        return _(
            "Thank you, the questionnaire is saved! A mentor will be chosen as soon as your "
            "parent or legal representative gives consent. Your answers: /profile"
        )
    return you(
        minor,
        "Thank you, the questionnaire is saved and passed to the curator: you have joined "
        "the programme. You can see or change your answers with /profile.",
    )


def changes_saved_text() -> str:
    return _("Your changes are saved. /profile")


def already_answered_text() -> str:
    return _("This question has already been answered.")


def not_yet_open_text() -> str:
    return _("The questionnaire opens after the consent to data processing.")


def check_summary_text(minor: bool) -> str:
    return you(
        minor,
        "Please check the answers above and press «All correct, send», "
        "or press a number to change an answer.",
    )
