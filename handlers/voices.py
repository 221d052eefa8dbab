"""«Participants' feedback»: the free answers of the final polls and of the compatibility form
for a period, in pages (/voices, the curator's panel, the ranking's button). It is a report of
the period picker (handlers/period_picker.py): the current cycle by default, another period
chosen with «Период: …» under it, the pages turned for the same period; every press is checked
again (the curator's own organization, a cycle of it). The texts are in
:mod:`handlers.voice_views`."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.types import Message
from aiogram.utils.i18n import I18n

from bot.screens import Screen
from bot.services import Services
from handlers import period_picker
from handlers.filters import curator_router
from handlers.period_picker import ReportRequest, curator_scope
from handlers.voice_views import (
    OLD_VOICES_OPEN,
    OLD_VOICES_PAGE,
    VOICES_REPORT,
    not_theirs_text,
    voices_screen,
)


async def voices_page(request: ReportRequest, page: int) -> Screen | None:
    """A page of the period's list; None when the period is not the organization's."""
    organization_id = request.scope.organization_ids[0]
    found = await request.services.voices.page(organization_id, request.period, page)
    if found is None:
        return None
    return voices_screen(found, request.label, request.locale)


VOICES = period_picker.paged_report(VOICES_REPORT, curator_scope, voices_page)


async def send_voices(bot: Bot, chat_id: int, user: int, services: Services, locale: str) -> None:
    """The first page of the current cycle's list as a new message."""
    await period_picker.send_current(
        bot, chat_id, user, services, locale, VOICES, not_theirs_text()
    )


async def voices_command(message: Message, services: Services, bot: Bot, i18n: I18n) -> None:
    assert message.from_user is not None
    await send_voices(bot, message.chat.id, message.from_user.id, services, i18n.current_locale)


def build_router() -> Router:
    router = curator_router("voices")
    router.message.register(voices_command, Command("voices"))
    period_picker.attach(router, VOICES)
    # Buttons of an earlier version: a page (the current cycle's list in its place), and
    # «Participants' feedback» under an earlier ranking (the current cycle's list below it).
    router.callback_query.register(
        period_picker.old_button_handler(VOICES), F.data.startswith(OLD_VOICES_PAGE)
    )
    router.callback_query.register(
        period_picker.old_button_handler(VOICES, in_place=False),
        F.data.startswith(OLD_VOICES_OPEN),
    )
    return router
