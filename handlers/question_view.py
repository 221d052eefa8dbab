"""How one question looks, the same in the main questionnaire and in the repeated forms.

The two runners differ only in their button data, so each passes the packing of its own
``CallbackData``: ``pick(option value)`` for an option and ``control(action)`` for the
:class:`Control` buttons. The result is a neutral :class:`~bot.screens.Screen`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from enum import StrEnum

from aiogram.utils.i18n import gettext as _

from bot.html_text import quote
from bot.screens import Button, Screen
from dialogs.forms import FORM_DESCRIPTIONS, FederalForm
from dialogs.model import Option, Question, QuestionKind
from handlers.address import you


class Control(StrEnum):
    """The buttons under a question besides its options."""

    DONE = "done"
    SKIP = "skip"
    BACK = "back"


# Questions answered by typing a message (a scale and yes/no show buttons instead).
_TYPED = (
    QuestionKind.SHORT_TEXT,
    QuestionKind.LONG_TEXT,
    QuestionKind.NUMBER,
    QuestionKind.DATE,
    QuestionKind.BIRTH_YEAR,
)


def question_text(
    question: Question,
    number: int,
    total: int,
    options: Sequence[Option],
    heading: str | None = None,
    *,
    minor: bool = False,
) -> str:
    """The line "Question N of M", the question, its hint and how to answer it (HTML), in
    the reader's form of address (``minor``: a person under 18)."""
    lines = [heading] if heading else []
    lines += [
        _("Question {number} of {total}").format(number=number, total=total),
        f"<b>{quote(you(minor, question.text))}</b>",
    ]
    if question.hint:
        lines.append(f"<i>{quote(you(minor, question.hint))}</i>")
    if question.kind == QuestionKind.SCALE and question.scale_labels:
        low, high = question.scale_labels
        lines.append(
            quote(
                _("{min} — {low}, {max} — {high}").format(
                    min=question.min_value, low=_(low), max=question.max_value, high=_(high)
                )
            )
        )
    if question.kind in _TYPED:
        lines.append(you(minor, "Type your answer in a message."))
    if question.options_source == "forms":
        # Each form with its one-line description, so that a pupil knows what it means.
        for option in options:
            if option.value in FORM_DESCRIPTIONS:
                description = _(FORM_DESCRIPTIONS[FederalForm(option.value)])
                lines.append(f"• <b>{quote(_(option.label))}</b>: {quote(description)}")
    if question.kind == QuestionKind.MULTI_CHOICE:
        lines.append(you(minor, "Tap the options, then «Done»."))
    return "\n".join(lines)


def question_screen(
    question: Question,
    text: str,
    options: Sequence[Option],
    selected: Sequence[str],
    *,
    can_go_back: bool,
    pick: Callable[[str], str],
    control: Callable[[Control], str],
) -> Screen:
    """The question's text with the option buttons (a chosen one of a multi-choice marked
    ✓), two a row or up to six points of a scale a row, then a row of done / skip / back.
    ``pick(value)`` and ``control(action)`` give the packed callback data of each button."""
    multi = question.kind == QuestionKind.MULTI_CHOICE
    buttons = []
    for option in options:
        label = _(option.label)
        if multi and option.value in selected:
            label = "✓ " + label
        buttons.append(Button(label, pick(option.value)))
    width = 6 if question.kind == QuestionKind.SCALE else 2
    rows = [tuple(buttons[i : i + width]) for i in range(0, len(buttons), width)]
    # The controls always start a row of their own.
    controls = []
    if multi:
        controls.append(Button(_("Done"), control(Control.DONE)))
    if not question.required:
        skip = _(question.skip_label) if question.skip_label else _("Skip")
        controls.append(Button(skip, control(Control.SKIP)))
    if can_go_back:
        controls.append(Button(_("← Back"), control(Control.BACK)))
    if controls:
        rows.append(tuple(controls))
    return Screen(text, tuple(rows))
