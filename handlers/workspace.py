"""/curator: the curator's workspace, one panel of buttons for the whole cycle."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from aiogram.utils.text_decorations import html_decoration as hd

from bot.services import Services
from handlers import (
    admission,
    candidates,
    curator,
    cycles,
    holidays,
    matching,
    meeting_settings,
    meeting_views,
    pairs,
)
from handlers.filters import curator_router


class Section(CallbackData, prefix="ws1"):
    name: str


def panel_keyboard() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for name, title in (
        ("candidates", _("Candidates")),
        ("admission", _("Mentor admission")),
        ("matching", _("Matching")),
        ("pairs", _("Pairs and groups")),
        ("invite", _("New invitation link")),
        ("links", _("Active links")),
        ("forms", _("Forms of mentorship")),
        ("holidays", _("Holidays")),
        ("meeting_settings", _("Meeting settings")),
        ("meeting_views", _("Meetings")),
        ("cycle", _("Cycle: closing, ranking, next cycle")),
    ):
        builder.button(text=title, callback_data=Section(name=name))
    # The reports of the cycle: the same views as /ranking, /stats, /indicators, /export.
    cycles.add_report_buttons(builder)
    builder.adjust(2)
    return builder.as_markup()


async def show_panel(message: Message, services: Services, curator_org_id: int) -> None:
    organization = await services.organizations.get(curator_org_id)
    name = organization.name if organization else "—"
    await message.answer(
        _("<b>Curator's workspace</b> · «{organization}»\nWhat would you like to do?").format(
            organization=hd.quote(name)
        ),
        reply_markup=panel_keyboard(),
    )


async def open_section(
    query: CallbackQuery,
    callback_data: Section,
    services: Services,
    curator_org_id: int,
    bot: Bot,
    i18n: I18n,
) -> None:
    message = query.message
    if not isinstance(message, Message):
        return
    name = callback_data.name
    if name == "candidates":
        await candidates.show_candidates(message, services, curator_org_id)
    elif name == "admission":
        await admission.show_list(message, services, curator_org_id)
    elif name == "matching":
        await matching.show_menu(message, services, curator_org_id)
    elif name == "pairs":
        await pairs.show_pairs(message, services, curator_org_id)
    elif name == "invite":
        await curator.start_invite(message, services, curator_org_id)
    elif name == "links":
        await curator.show_links(message, services, curator_org_id, bot, i18n)
    elif name == "forms":
        await curator.show_forms(message, services, curator_org_id)
    elif name == "holidays":
        await holidays.show_holidays(message, services, curator_org_id)
    elif name == "meeting_settings":
        await meeting_settings.show_settings(message, services, curator_org_id)
    elif name == "meeting_views":
        await meeting_views.show_menu(message, services, curator_org_id)
    elif name == "cycle":
        await cycles.show_cycle(message, services, curator_org_id, i18n)


def build_router() -> Router:
    router = curator_router("workspace")
    router.message.register(show_panel, Command("curator"))
    router.callback_query.register(open_section, Section.filter())
    return router
