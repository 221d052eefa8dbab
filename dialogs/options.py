"""The answers a question offers as buttons, and the labels of the built-in ones.

Pure functions: no I/O, no Telegram.
"""

from __future__ import annotations

from collections.abc import Sequence

from dialogs.i18n import N_
from dialogs.model import CHOICE_KINDS, OTHER, Option, Question, QuestionKind

# Buttons the runner shows; it translates them with ``_()`` like every msgid.
OTHER_LABEL = N_("Other (your own answer)")
YES_LABEL = N_("Yes")
NO_LABEL = N_("No")


def question_options(question: Question, forms: Sequence[Option] = ()) -> list[Option]:
    """The answers a question offers as buttons, without the "other" choice.

    ``forms`` are the forms of mentorship the organisation runs, for ``options_source="forms"``.
    A yes/no question offers ``yes`` and ``no``; a scale offers its points as digits.
    """
    if question.kind in CHOICE_KINDS:
        return list(forms) if question.options_source == "forms" else list(question.options)
    if question.kind == QuestionKind.YES_NO:
        return [Option(value="yes", label=YES_LABEL), Option(value="no", label=NO_LABEL)]
    if question.kind == QuestionKind.SCALE:
        assert question.min_value is not None and question.max_value is not None
        points = range(question.min_value, question.max_value + 1)
        return [Option(value=str(point), label=str(point)) for point in points]
    return []


def button_options(question: Question, forms: Sequence[Option] = ()) -> list[Option]:
    """The buttons to show: :func:`question_options` plus "other" when the question allows it."""
    options = question_options(question, forms)
    if question.allow_other:
        options.append(Option(value=OTHER, label=OTHER_LABEL))
    return options


def options_or_own(question: Question, options: Sequence[Option] | None) -> list[Option]:
    return list(options) if options is not None else question_options(question)
