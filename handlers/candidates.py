"""/candidates: the curator's view of the organization's participants by status (the texts
are in handlers/candidates_views.py)."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message

from bot.screens import Screen
from bot.services import Services
from handlers.candidates_views import PAGE_SIZE, STATUS_ORDER, CandidatesPage, candidates_screen
from handlers.filters import curator_router
from handlers.render import answer, edit


async def candidates_view(services: Services, organization_id: int, page: int) -> Screen:
    candidates = await services.participants.candidate_page(
        organization_id, page, PAGE_SIZE, STATUS_ORDER
    )
    refusals = await services.participants.refusals(organization_id)
    return candidates_screen(candidates, refusals)


async def show_candidates(message: Message, services: Services, curator_org_id: int) -> None:
    await answer(message, await candidates_view(services, curator_org_id, 0))


async def turn_page(
    query: CallbackQuery, callback_data: CandidatesPage, services: Services, curator_org_id: int
) -> None:
    await edit(query, await candidates_view(services, curator_org_id, callback_data.page))


def build_router() -> Router:
    router = curator_router("candidates")
    router.message.register(show_candidates, Command("candidates"))
    router.callback_query.register(turn_page, CandidatesPage.filter())
    return router
