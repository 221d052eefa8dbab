"""The views of the offered monitoring poll "before" (handlers/monitoring_offer.py acts)."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData
from aiogram.utils.i18n import gettext as _

from bot.screens import Button, Screen
from handlers.address import you


class StartMonitoring(CallbackData, prefix="mon1s"):
    participant_id: int


def start_rows(participant_id: int) -> tuple[tuple[Button, ...], ...]:
    return ((Button(_("Start"), data=StartMonitoring(participant_id=participant_id).pack()),),)


def offer_text(minor: bool) -> str:
    return you(
        minor,
        "One more request: the programme's curator measures how it works, so they ask "
        "you to answer a short poll now and once more at the end. It takes about two minutes.",
    )


def reminder_screen(minor: bool, participant_id: int) -> Screen:
    text = you(
        minor,
        "A reminder: the programme's curator asks you to answer a short poll about how the "
        "mentorship programme works. It takes about two minutes.",
    )
    return Screen(text, start_rows(participant_id))


def already_completed() -> str:
    return _("This form is already completed. Thank you!")
