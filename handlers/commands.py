"""The command menu, registered with setMyCommands in every supported language."""

from __future__ import annotations

from aiogram import Bot
from aiogram.types import BotCommand, BotCommandScopeChat, BotCommandScopeDefault
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _


def bot_commands() -> list[BotCommand]:
    """The menu in the current locale of the i18n context."""
    return [
        BotCommand(command="start", description=_("What the programme is and how to join")),
        BotCommand(command="help", description=_("What I can do for you")),
        BotCommand(command="language", description=_("Change the language")),
        BotCommand(command="support", description=_("Write to the administrators")),
        BotCommand(command="cancel", description=_("Stop the current dialogue")),
    ]


async def register_commands(bot: Bot, i18n: I18n) -> None:
    for locale in sorted(i18n.available_locales):
        with i18n.context(), i18n.use_locale(locale):
            await bot.set_my_commands(
                bot_commands(), scope=BotCommandScopeDefault(), language_code=locale
            )
    # Clients in any other language get the default locale's menu.
    with i18n.context(), i18n.use_locale(i18n.default_locale):
        await bot.set_my_commands(bot_commands(), scope=BotCommandScopeDefault())


async def register_chat_commands(bot: Bot, chat_id: int) -> None:
    """After /language the menu of this one chat follows the person's choice."""
    await bot.set_my_commands(bot_commands(), scope=BotCommandScopeChat(chat_id=chat_id))
