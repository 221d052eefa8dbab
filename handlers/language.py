"""/language: the person picks Russian or English; the choice is stored.

Texts and buttons are in handlers/language_views.py."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import I18n

from bot.outdated import Outdated
from bot.services import Services
from handlers.callbacks import LanguageChoice
from handlers.commands import refresh_chat_commands
from handlers.language_views import chosen_screen, done, language_screen, not_available
from handlers.render import answer, edit


async def ask_language(message: Message, services: Services, i18n: I18n) -> None:
    await answer(message, language_screen(i18n.current_locale, services.languages.supported))


async def choose_language(
    query: CallbackQuery,
    callback_data: LanguageChoice,
    services: Services,
    i18n: I18n,
    bot: Bot,
    callback_answer: CallbackAnswer,
) -> None:
    if not await services.languages.choose(query.from_user.id, callback_data.code):
        raise Outdated(not_available())
    with i18n.use_locale(callback_data.code):
        callback_answer.text = done()
        await edit(query, chosen_screen())
        await refresh_chat_commands(bot, services, query.from_user.id)


# A press on a language button whose data did not parse (forged or from an old version).
async def unknown_language(query: CallbackQuery) -> None:
    raise Outdated(not_available())


def build_router() -> Router:
    router = Router(name="language")
    router.message.register(ask_language, Command("language"))
    router.callback_query.register(choose_language, LanguageChoice.filter())
    router.callback_query.register(unknown_language, F.data.startswith("lang1:"))
    return router
