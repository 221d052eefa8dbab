"""What the administrators are told when the nightly backup fails (built inside the outbox's
render, in the reader's language)."""

from __future__ import annotations

from datetime import date

from aiogram.utils.i18n import gettext as _
from babel.dates import format_date

from bot.html_text import quote
from bot.screens import Screen
from handlers.texts import current_locale


def backup_failed_screen(day: date, folder: str, error: str) -> Screen:
    return Screen(
        _(
            "⚠️ The nightly backup of the database for {day} failed.\n"
            "Folder: <code>{folder}</code>\n"
            "Reason: <code>{error}</code>\n\n"
            "The bot keeps working and tries again in an hour. Check the free disk space and "
            "the folder's permissions; a copy can also be made by hand: "
            "<code>python -m bot backup --out FILE</code>."
        ).format(
            day=format_date(day, "long", locale=current_locale()),
            folder=quote(folder),
            error=quote(error[:500]),
        )
    )
