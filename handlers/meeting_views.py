"""The curator's view of the pairs' meetings: the router (texts and keyboards are in
:mod:`handlers.meeting_board_views`; the daily cadence guard and the weekly digest are the
job :mod:`jobs.cadence`).

In /curator → «Meetings»: upcoming meetings, overdue pairs and unanswered follow-ups, the
pairs needing attention (with a way to resolve them), and each pair's history with its mark.
Every view re-reads the curator's organization and shows nothing of another organization.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiogram import Router
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot.outdated import Outdated
from bot.screens import Screen
from bot.services import Services
from handlers.filters import curator_router
from handlers.meeting_board_views import (
    Board,
    Consent,
    PairCard,
    Resolve,
    ViewMenu,
    attention_view,
    menu_view,
    organization_timezone,
    overdue_view,
    pair_card,
    pairs_view,
    upcoming_view,
)
from handlers.render import answer


async def show_menu(message: Message, services: Services, curator_org_id: int) -> None:
    await answer(message, await menu_view(services, curator_org_id))


async def on_view(
    query: CallbackQuery,
    callback_data: ViewMenu,
    services: Services,
    curator_org_id: int,
    i18n: I18n,
) -> None:
    if not isinstance(query.message, Message):
        raise Outdated()
    timezone = await organization_timezone(services, curator_org_id)
    show = BOARD[callback_data.view]
    screen = await show(services, curator_org_id, callback_data.page, i18n.current_locale, timezone)
    await answer(query.message, screen)


BoardView = Callable[[Services, int, int, str, str], Awaitable[Screen]]

# What each view of the board shows (organization, page, reader's locale, organization's zone).
BOARD: dict[Board, BoardView] = {
    Board.MENU: lambda services, org, page, locale, zone: menu_view(services, org),
    Board.UPCOMING: upcoming_view,
    Board.OVERDUE: overdue_view,
    Board.ATTENTION: attention_view,
    Board.PAIRS: lambda services, org, page, locale, zone: pairs_view(services, org, page),
}


async def on_pair(
    query: CallbackQuery,
    callback_data: PairCard,
    services: Services,
    curator_org_id: int,
    i18n: I18n,
    callback_answer: CallbackAnswer,
) -> None:
    card = await pair_card(
        services,
        curator_org_id,
        callback_data.pair_id,
        i18n.current_locale,
        await organization_timezone(services, curator_org_id),
    )
    if card is None or not isinstance(query.message, Message):
        callback_answer.text = _("This pair is not in your organization or has ended.")
        return
    await answer(query.message, card)


async def on_resolve(
    query: CallbackQuery,
    callback_data: Resolve,
    services: Services,
    curator_org_id: int,
    i18n: I18n,
    callback_answer: CallbackAnswer,
) -> None:
    if not await services.cadence.resolve(curator_org_id, callback_data.attention_id):
        callback_answer.text = _("Already resolved or not in your organization.")
        return
    callback_answer.text = _("Marked as resolved.")
    if isinstance(query.message, Message):
        timezone = await organization_timezone(services, curator_org_id)
        screen = await attention_view(services, curator_org_id, 0, i18n.current_locale, timezone)
        await answer(query.message, screen)


async def on_consent(
    query: CallbackQuery,
    callback_data: Consent,
    services: Services,
    curator_org_id: int,
    i18n: I18n,
    callback_answer: CallbackAnswer,
) -> None:
    changed = await services.pair_plans.set_rhythm_consent(
        curator_org_id, callback_data.pair_id, callback_data.allow
    )
    if changed is None or not isinstance(query.message, Message):
        callback_answer.text = _("This pair is not in your organization or has ended.")
        return
    callback_answer.text = _("Saved.")
    card = await pair_card(
        services,
        curator_org_id,
        callback_data.pair_id,
        i18n.current_locale,
        await organization_timezone(services, curator_org_id),
    )
    if card is not None:
        await answer(query.message, card)


def build_router() -> Router:
    router = curator_router("meeting-views")
    router.callback_query.register(on_view, ViewMenu.filter())
    router.callback_query.register(on_pair, PairCard.filter())
    router.callback_query.register(on_resolve, Resolve.filter())
    router.callback_query.register(on_consent, Consent.filter())
    return router
