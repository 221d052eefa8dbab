"""The views of /language (handlers/language.py acts)."""

from __future__ import annotations

from aiogram.utils.i18n import gettext as _

from bot.screens import Button, Screen
from handlers.callbacks import LanguageChoice
from handlers.paging import column

# Each language is named in itself, so a person can find theirs whatever is shown now.
LANGUAGE_NAMES = {"ru": "Русский", "en": "English"}


def language_screen(current: str, supported: tuple[str, ...]) -> Screen:
    buttons = [
        Button(
            ("✓ " if code == current else "") + LANGUAGE_NAMES.get(code, code),
            data=LanguageChoice(code=code).pack(),
        )
        for code in supported
    ]
    return Screen(_("Choose the language I will speak to you:"), column(buttons, 2))


def chosen_screen() -> Screen:
    """In the language just chosen (the router switches the locale first)."""
    return Screen(_("I will speak English with you now. /help"))


def done() -> str:
    return _("Done")


def not_available() -> str:
    return _("This language is not available.")
