"""The view of /curator: the curator's panel, one screen of buttons for the whole cycle."""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData
from aiogram.utils.i18n import gettext as _

from bot.html_text import quote
from bot.screens import Button, Screen
from handlers.paging import column


class SectionName(StrEnum):
    CANDIDATES = "candidates"
    ADMISSION = "admission"
    MATCHING = "matching"
    PAIRS = "pairs"
    INVITE = "invite"
    LINKS = "links"
    FORMS = "forms"
    HOLIDAYS = "holidays"
    MEETING_SETTINGS = "meeting_settings"
    MEETING_VIEWS = "meeting_views"
    CYCLE = "cycle"
    ENTERPRISES = "enterprises"


class Section(CallbackData, prefix="ws1"):
    name: SectionName


def section_titles() -> dict[SectionName, str]:
    return {
        SectionName.CANDIDATES: _("Candidates"),
        SectionName.ADMISSION: _("Mentor admission"),
        SectionName.MATCHING: _("Matching"),
        SectionName.PAIRS: _("Pairs and groups"),
        SectionName.INVITE: _("New invitation link"),
        SectionName.LINKS: _("Active links"),
        SectionName.FORMS: _("Forms of mentorship"),
        SectionName.HOLIDAYS: _("Holidays"),
        SectionName.MEETING_SETTINGS: _("Meeting settings"),
        SectionName.MEETING_VIEWS: _("Meetings"),
        SectionName.CYCLE: _("Cycle: closing, ranking, next cycle"),
        SectionName.ENTERPRISES: _("Enterprises"),
    }


def panel_screen(organization: str, reports: list[tuple[str, str]]) -> Screen:
    """``reports`` are (title, packed data) of the cycle's reports (handlers/cycles.py)."""
    buttons = [
        Button(title, data=Section(name=name).pack()) for name, title in section_titles().items()
    ]
    buttons += [Button(title, data=data) for title, data in reports]
    return Screen(
        _("<b>Curator's workspace</b> · «{organization}»\nWhat would you like to do?").format(
            organization=quote(organization)
        ),
        column(buttons, 2),
    )
