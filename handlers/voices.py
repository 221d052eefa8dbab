"""«Participants' feedback»: the free answers of the final polls and of the compatibility form
for a period, in pages (/voices, the curator's panel, the ranking's button). It is a report of
the period picker (handlers/period_picker.py): the current cycle by default, another period
chosen with «Период: …» under it, the pages turned for the same period; every press is checked
again (the curator's own organization, a cycle of it). The texts are in
:mod:`handlers.voice_views`."""

from __future__ import annotations

from collections.abc import AsyncIterator

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import I18n

from bot.models.periods import Period
from bot.screens import Screen
from bot.services import Services
from handlers import period_picker
from handlers.filters import curator_router
from handlers.period_picker import PeriodReport, ReportRequest, curator_scope
from handlers.render import send
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


async def voices_screens(request: ReportRequest) -> AsyncIterator[Screen]:
    screen = await voices_page(request, 0)
    if screen is not None:
        yield screen


VOICES = PeriodReport(VOICES_REPORT, curator_scope, voices_screens, page=voices_page)


async def send_voices(bot: Bot, chat_id: int, user: int, services: Services, locale: str) -> None:
    """The first page of the current cycle's list as a new message."""
    request = await period_picker.request_for(
        VOICES, services, user, Period.current_cycle(), locale
    )
    if request is None:
        await send(bot, chat_id, Screen(not_theirs_text()))
        return
    await period_picker.send_report(bot, chat_id, VOICES, request)


async def voices_command(message: Message, services: Services, bot: Bot, i18n: I18n) -> None:
    assert message.from_user is not None
    await send_voices(bot, message.chat.id, message.from_user.id, services, i18n.current_locale)


async def old_voices_page(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    services: Services,
    bot: Bot,
    i18n: I18n,
) -> None:
    # A page of an earlier version: the current cycle's list in its place.
    await period_picker.old_button(query, VOICES, services, bot, i18n, callback_answer)


async def old_voices_open(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    services: Services,
    bot: Bot,
    i18n: I18n,
) -> None:
    # «Participants' feedback» under an earlier ranking: the current cycle's list below it.
    await period_picker.old_button(
        query, VOICES, services, bot, i18n, callback_answer, in_place=False
    )


def build_router() -> Router:
    router = curator_router("voices")
    router.message.register(voices_command, Command("voices"))
    period_picker.attach(router, VOICES)
    router.callback_query.register(old_voices_page, F.data.startswith(OLD_VOICES_PAGE))
    router.callback_query.register(old_voices_open, F.data.startswith(OLD_VOICES_OPEN))
    return router
