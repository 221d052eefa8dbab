"""The views of /candidates: the organization's participants by status (handlers/candidates.py
reads them)."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData
from aiogram.utils.i18n import gettext as _

from bot.html_text import quote
from bot.participants import CandidatePage, Status
from bot.screens import Screen
from handlers.paging import navigation_row
from handlers.representative_views import waiting_button

PAGE_SIZE = 30
ROLES = ("mentee", "mentor")
STATUS_ORDER = (
    Status.WAITING_CONSENT,
    Status.WAITING_GUARDIAN,
    Status.QUESTIONNAIRE,
    Status.READY,
    Status.WAITING_CHECK,
)


class CandidatesPage(CallbackData, prefix="cand1"):
    page: int


def status_title(status: Status) -> str:
    """The status as the curator speaks of a participant (the participant's own view says
    «ждём вашего согласия»; the curator reads about someone else)."""
    titles = {
        Status.WAITING_CONSENT: _("waiting for the participant's consent"),
        Status.WAITING_GUARDIAN: _("waiting for a parent's consent"),
        Status.QUESTIONNAIRE: _("filling in the questionnaire"),
        Status.READY: _("questionnaire completed"),
        Status.WAITING_CHECK: _("waiting for the curator's check"),
    }
    return titles[status]


def role_heading(role: str) -> str:
    return _("<b>Mentors</b>") if role == "mentor" else _("<b>Mentees</b>")


def candidates_screen(candidates: CandidatePage, refusals: dict[str, int]) -> Screen:
    """``candidates`` is one page as services.participants.candidate_page reads it."""
    lines: list[str] = []
    for role in ROLES:
        lines.append(role_heading(role))
        for status in STATUS_ORDER:
            lines.append(f"• {status_title(status)}: {candidates.counts.get((role, status), 0)}")
    lines.append(
        _("Declined: {declined}; parents declined: {guardian}; withdrew: {withdrawn}").format(
            declined=refusals.get("declined", 0),
            guardian=refusals.get("guardian_declined", 0),
            withdrawn=refusals.get("withdrawn", 0),
        )
    )
    page, pages = candidates.page, candidates.pages
    if candidates.rows:
        lines += ["", _("Participants, page {page} of {pages}:").format(page=page + 1, pages=pages)]
    for row, status in candidates.rows:
        participant = row.participant
        name = row.full_name or _("Participant No. {id} (no name yet)").format(id=participant.id)
        role = _("mentor") if participant.role == "mentor" else _("mentee")
        lines.append(f"{quote(name)} — {role}, {status_title(status)}")
    rows = navigation_row(page, pages, lambda n: CandidatesPage(page=n))
    # The minors whose legal representative the curator has yet to check: their own list.
    waiting = sum(candidates.counts.get((role, Status.WAITING_CHECK), 0) for role in ROLES)
    if waiting:
        rows = ((waiting_button(waiting),), *rows)
    return Screen("\n".join(lines), rows)
