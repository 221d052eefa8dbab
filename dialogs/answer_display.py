"""Showing answers back: an answer as plain text for a summary, the profile or a report.

Pure functions: no I/O, no Telegram.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date

from dialogs.dates import format_date_ddmmyyyy
from dialogs.i18n import N_
from dialogs.model import OTHER, Option, Question, QuestionKind
from dialogs.options import NO_LABEL, YES_LABEL, options_or_own

# Words the runner shows; it translates them with ``_()`` like every msgid.
SKIPPED_LABEL = N_("Skipped")
OTHER_TEXT = N_("Other: “{text}”")


def format_answer(
    question: Question,
    value: object,
    translate: Callable[[str], str],
    options: Sequence[Option] | None = None,
) -> str:
    """An answer as plain text for a summary or the profile (not escaped: the caller escapes).

    Dates read DD.MM.YYYY, choices show their translated labels, the "other" text is quoted,
    and a skipped question reads as the translated "Skipped" (or the question's own word for
    it, such as "Prefer not to say").
    """
    if value is None:
        return translate(question.skip_label or SKIPPED_LABEL)
    if isinstance(value, bool):
        return translate(YES_LABEL if value else NO_LABEL)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        if question.kind == QuestionKind.DATE:
            try:
                return format_date_ddmmyyyy(date.fromisoformat(value))
            except ValueError:
                return value
        return value
    if isinstance(value, Mapping):
        labels = {option.value: option.label for option in options_or_own(question, options)}
        other = value.get("other")
        chosen = value.get("choices", [value.get("choice")])
        parts: list[str] = []
        for item in chosen if isinstance(chosen, list) else []:
            if item == OTHER:
                text = other if isinstance(other, str) else ""
                parts.append(translate(OTHER_TEXT).format(text=text))
            elif isinstance(item, str):
                parts.append(translate(labels[item]) if item in labels else item)
        return ", ".join(parts)
    return str(value)
