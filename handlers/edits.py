"""Editing a message the bot sent: editing it into the state it already has is not an error.

Telegram answers such an edit with 400 "message is not modified"; it comes from a double tap,
a repeated press or two views that render the same. One request middleware on the session
turns that answer into success for every edit the bot makes, so no handler has to remember it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from aiogram.client.session.middlewares.base import BaseRequestMiddleware
from aiogram.exceptions import TelegramBadRequest
from aiogram.methods import EditMessageCaption, EditMessageReplyMarkup, EditMessageText

if TYPE_CHECKING:
    from aiogram import Bot
    from aiogram.client.session.middlewares.base import NextRequestMiddlewareType
    from aiogram.methods import TelegramMethod
    from aiogram.methods.base import Response, TelegramType

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
