"""«Participants' feedback»: the free answers of the final polls and of the compatibility form
for a period, in pages (/voices, the curator's panel, the ranking's button). Every handler takes
the period (the current cycle by default) and the service checks it is the organization's.
The texts are in :mod:`handlers.voice_views`."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import I18n

from bot.models.periods import Period
from bot.outdated import Outdated
from bot.services import Services
from handlers.filters import curator_router
from handlers.render import answer, edit, pressed_message
from handlers.voice_views import (
    VoicesOpen,
    VoicesPage,
    not_theirs_text,
    unpack_period,
    voices_screen,
)


async def show_voices(
    message: Message,
    services: Services,
    curator_org_id: int,
    i18n: I18n,
    period: Period | None = None,
) -> None:
    """The first page of the period's list as a new message."""
    found = await services.voices.page(curator_org_id, period)
    if found is None:
        await message.answer(not_theirs_text())
        return
    await answer(message, voices_screen(found, i18n.current_locale))


async def voices_command(
    message: Message, services: Services, curator_org_id: int, i18n: I18n
) -> None:
    await show_voices(message, services, curator_org_id, i18n)


def period_of(packed: str) -> Period:
    period = unpack_period(packed)
    if period is None:
        raise Outdated()
    return period


async def open_voices(
    query: CallbackQuery,
    callback_data: VoicesOpen,
    services: Services,
    curator_org_id: int,
    i18n: I18n,
) -> None:
    period = period_of(callback_data.period)
    await show_voices(pressed_message(query), services, curator_org_id, i18n, period)


async def turn_voices_page(
    query: CallbackQuery,
    callback_data: VoicesPage,
    services: Services,
    curator_org_id: int,
    i18n: I18n,
) -> None:
    period = period_of(callback_data.period)
    found = await services.voices.page(curator_org_id, period, callback_data.page)
    if found is None:
        raise Outdated(not_theirs_text())
    await edit(query, voices_screen(found, i18n.current_locale))


def build_router() -> Router:
    router = curator_router("voices")
    router.message.register(voices_command, Command("voices"))
    router.callback_query.register(open_voices, VoicesOpen.filter())
    router.callback_query.register(turn_voices_page, VoicesPage.filter())
    return router
