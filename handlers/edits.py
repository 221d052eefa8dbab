"""Editing a message the bot sent: editing it into the state it already has is not an error.

Telegram answers such an edit with 400 "message is not modified"; it comes from a double tap,
a repeated press or two views that render the same. One request middleware on the session
turns that answer into success for every edit the bot makes, so no handler has to remember it.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, cast

from aiogram import Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware
from aiogram.exceptions import TelegramBadRequest
from aiogram.methods import EditMessageCaption, EditMessageReplyMarkup, EditMessageText
from aiogram.types import InlineKeyboardMarkup, Message

if TYPE_CHECKING:
    from aiogram.client.session.middlewares.base import NextRequestMiddlewareType
    from aiogram.methods import TelegramMethod
    from aiogram.methods.base import Response, TelegramType

log = logging.getLogger(__name__)

_EDITS = (EditMessageText, EditMessageCaption, EditMessageReplyMarkup)


def is_unchanged(error: TelegramBadRequest) -> bool:
    return "message is not modified" in error.message


class UnchangedEditsMiddleware(BaseRequestMiddleware):
    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        try:
            return await make_request(bot, method)
        except TelegramBadRequest as error:
            if isinstance(method, _EDITS) and is_unchanged(error):
                # The edit methods return the message or True; the message is as wanted.
                return cast("Response[TelegramType]", True)
            raise


async def edit_text(message: Message, text: str, markup: InlineKeyboardMarkup | None) -> None:
    """E.g. a second press on a button whose result the message already shows (the session's
    middleware takes "not modified")."""
    await message.edit_text(text, reply_markup=markup)


async def edit_markup(
    bot: Bot, chat_id: int, message_id: int, markup: InlineKeyboardMarkup | None
) -> None:
    """The buttons of another message than the one pressed; one gone or too old to edit is
    left as it is (its buttons are checked again when pressed)."""
    try:
        await bot.edit_message_reply_markup(
            chat_id=chat_id, message_id=message_id, reply_markup=markup
        )
    except TelegramBadRequest as error:
        log.debug("Buttons of message %s not changed: %s", message_id, error.message)
