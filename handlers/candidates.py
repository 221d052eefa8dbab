"""/candidates: the curator's view of the organization's participants by status."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from aiogram.utils.text_decorations import html_decoration as hd

from bot.participants import Status
from bot.services import Services
from handlers.filters import curator_router
from handlers.paging import attach_navigation, page_of

PAGE_SIZE = 30
STATUS_ORDER = (Status.WAITING_CONSENT, Status.WAITING_GUARDIAN, Status.QUESTIONNAIRE, Status.READY)


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
    }
    return titles[status]


def role_heading(role: str) -> str:
    return _("<b>Mentors</b>") if role == "mentor" else _("<b>Mentees</b>")


async def candidates_view(
    services: Services, organization_id: int, page: int
) -> tuple[str, InlineKeyboardMarkup | None]:
    rows = await services.participants.candidates(organization_id)
    lines: list[str] = []
    counts: dict[tuple[str, Status], int] = {}
    for row, status in rows:
        counts[(row.participant.role, status)] = counts.get((row.participant.role, status), 0) + 1
    for role in ("mentee", "mentor"):
        lines.append(role_heading(role))
        for status in STATUS_ORDER:
            lines.append(f"• {status_title(status)}: {counts.get((role, status), 0)}")
    refusals = await services.participants.refusals(organization_id)
    lines.append(
        _("Declined: {declined}; parents declined: {guardian}; withdrew: {withdrawn}").format(
            declined=refusals.get("declined", 0),
            guardian=refusals.get("guardian_declined", 0),
            withdrawn=refusals.get("withdrawn", 0),
        )
    )
    ordered = sorted(
        rows,
        key=lambda item: (
            item[0].participant.role,
            STATUS_ORDER.index(item[1]),
            item[0].participant.id,
        ),
    )
    chunk, page, pages = page_of(ordered, page, PAGE_SIZE)
    if chunk:
        lines += ["", _("Participants, page {page} of {pages}:").format(page=page + 1, pages=pages)]
    for row, status in chunk:
        name = row.full_name or _("Participant No. {id} (no name yet)").format(
            id=row.participant.id
        )
        role = _("mentor") if row.participant.role == "mentor" else _("mentee")
        lines.append(f"{hd.quote(name)} — {role}, {status_title(status)}")
    builder = InlineKeyboardBuilder()
    attach_navigation(builder, page, pages, lambda n: CandidatesPage(page=n))
    markup = builder.as_markup()
    return "\n".join(lines), markup if markup.inline_keyboard else None


async def show_candidates(message: Message, services: Services, curator_org_id: int) -> None:
    text, markup = await candidates_view(services, curator_org_id, 0)
    await message.answer(text, reply_markup=markup)


async def turn_page(
    query: CallbackQuery, callback_data: CandidatesPage, services: Services, curator_org_id: int
) -> None:
    text, markup = await candidates_view(services, curator_org_id, callback_data.page)
    if isinstance(query.message, Message):
        await query.message.edit_text(text, reply_markup=markup)


def build_router() -> Router:
    router = curator_router("candidates")
    router.message.register(show_candidates, Command("candidates"))
    router.callback_query.register(turn_page, CandidatesPage.filter())
    return router
