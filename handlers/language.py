"""/language: the person picks Russian or English; the choice is stored."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.services import Services
from handlers.callbacks import LanguageChoice
from handlers.commands import refresh_chat_commands

# Each language is named in itself, so a person can find theirs whatever is shown now.
LANGUAGE_NAMES = {"ru": "Русский", "en": "English"}


def language_keyboard(current: str, supported: tuple[str, ...]) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for code in supported:
        mark = "✓ " if code == current else ""
        builder.button(
            text=mark + LANGUAGE_NAMES.get(code, code), callback_data=LanguageChoice(code=code)
        )
    builder.adjust(2)
    return builder.as_markup()


async def ask_language(message: Message, services: Services, i18n: I18n) -> None:
    await message.answer(
        _("Choose the language I will speak to you:"),
        reply_markup=language_keyboard(i18n.current_locale, services.languages.supported),
    )


async def choose_language(
    query: CallbackQuery,
    callback_data: LanguageChoice,
    services: Services,
    i18n: I18n,
    bot: Bot,
    callback_answer: CallbackAnswer,
) -> None:
    if not await services.languages.choose(query.from_user.id, callback_data.code):
        callback_answer.text = _("This language is not available.")
        return
    with i18n.use_locale(callback_data.code):
        callback_answer.text = _("Done")
        if isinstance(query.message, Message):
            await query.message.edit_text(
                _("I will speak English with you now. /help"),
                reply_markup=None,
            )
        await refresh_chat_commands(bot, services, query.from_user.id)


# A press on a language button whose data did not parse (forged or from an old version).
async def unknown_language(query: CallbackQuery, callback_answer: CallbackAnswer) -> None:
    callback_answer.text = _("This language is not available.")


def build_router() -> Router:
    router = Router(name="language")
    router.message.register(ask_language, Command("language"))
    router.callback_query.register(choose_language, LanguageChoice.filter())
    router.callback_query.register(unknown_language, F.data.startswith("lang1:"))
    return router
