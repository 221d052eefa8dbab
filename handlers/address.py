"""The form of address per audience: «ты» for a person under 18, «вы» for adults.

Texts that speak to the reader are written ``you(minor, "…")`` here, or marked ``A_`` in the
dialogs and shown with ``you(minor, msgid)``; see :mod:`dialogs.i18n` for how the two catalog
entries are made. A text shown before the age is known uses the adults' form.
"""

from __future__ import annotations

from collections.abc import Callable

from aiogram.utils.i18n import I18n

from bot.models.participants import Participant
from dialogs.i18n import MINOR


def is_minor(participant: Participant | None) -> bool:
    return participant is not None and participant.age_group != "adult"


def you(minor: bool, message: str) -> str:
    """``message`` in the current locale, in the reader's form of address."""
    i18n = I18n.get_current(no_error=True)
    if i18n is None:
        return message
    if minor:
        translations = i18n.locales.get(i18n.current_locale)
        if translations is not None:
            text = translations.pgettext(MINOR, message)
            if text != message:
                return text
    return i18n.gettext(message)


def gettext_for(minor: bool) -> Callable[[str], str]:
    """A one-argument gettext in the reader's form of address (for ``AnswerError.render``)."""
    return lambda message: you(minor, message)
