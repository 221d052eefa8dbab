"""A short-term pair asks for one more working meeting before its final one
(bot/short_pairs.py decides; the texts are in handlers/short_views.py)."""

from __future__ import annotations

from aiogram import Router
from aiogram.types import CallbackQuery

from bot.outdated import Outdated
from bot.services import Services
from handlers.render import edit
from handlers.short_views import ShortMore, more_agreed_screen, problem_text


async def on_more(query: CallbackQuery, callback_data: ShortMore, services: Services) -> None:
    problem = await services.short_pairs.one_more(callback_data.pair_id, query.from_user.id)
    if problem is not None:
        raise Outdated(problem_text(problem))
    await edit(query, more_agreed_screen(callback_data.pair_id))


def build_router() -> Router:
    router = Router(name="short_pairs")
    router.callback_query.register(on_more, ShortMore.filter())
    return router
