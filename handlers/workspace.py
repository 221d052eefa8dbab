"""/curator: the curator's workspace, one panel of buttons for the whole cycle; each section
button opens what its command shows (the panel's view is in handlers/workspace_views.py)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import I18n

from bot.services import Services
from handlers import (
    admission,
    candidates,
    curator,
    cycle_views,
    cycles,
    enterprises,
    holidays,
    matching,
    meeting_settings,
    meeting_views,
    pairs,
)
from handlers.filters import curator_router
from handlers.render import answer
from handlers.workspace_views import Section, SectionName, panel_screen

Opener = Callable[[Message, Services, int, Bot, I18n], Awaitable[None]]


async def show_panel(message: Message, services: Services, curator_org_id: int) -> None:
    organization = await services.organizations.get(curator_org_id)
    reports = [(title, data.pack()) for title, data in cycle_views.report_buttons()]
    await answer(message, panel_screen(organization.name if organization else "—", reports))


def openers() -> dict[SectionName, Opener]:
    """What each section shows: the same as its command."""
    return {
        SectionName.CANDIDATES: lambda m, s, o, b, i: candidates.show_candidates(m, s, o),
        SectionName.ADMISSION: lambda m, s, o, b, i: admission.show_list(m, s, o),
        SectionName.MATCHING: lambda m, s, o, b, i: matching.show_menu(m, s, o),
        SectionName.PAIRS: lambda m, s, o, b, i: pairs.show_pairs(m, s, o),
        SectionName.INVITE: lambda m, s, o, b, i: curator.start_invite(m, s, o),
        SectionName.LINKS: lambda m, s, o, b, i: curator.show_links(m, s, o, b, i),
        SectionName.FORMS: lambda m, s, o, b, i: curator.show_forms(m, s, o),
        SectionName.HOLIDAYS: lambda m, s, o, b, i: holidays.show_holidays(m, s, o),
        SectionName.MEETING_SETTINGS: lambda m, s, o, b, i: meeting_settings.show_settings(m, s, o),
        SectionName.MEETING_VIEWS: lambda m, s, o, b, i: meeting_views.show_menu(m, s, o),
        SectionName.CYCLE: lambda m, s, o, b, i: cycles.show_cycle(m, s, o, i),
        SectionName.ENTERPRISES: lambda m, s, o, b, i: enterprises.show_enterprises(m, s, o),
    }


def section_handler(opener: Opener) -> Callable[..., Awaitable[None]]:
    async def open_section(
        query: CallbackQuery, services: Services, curator_org_id: int, bot: Bot, i18n: I18n
    ) -> None:
        if isinstance(query.message, Message):
            await opener(query.message, services, curator_org_id, bot, i18n)

    return open_section


def build_router() -> Router:
    router = curator_router("workspace")
    router.message.register(show_panel, Command("curator"))
    # One handler per section, registered by its value.
    for name, opener in openers().items():
        router.callback_query.register(section_handler(opener), Section.filter(F.name == name))
    return router
