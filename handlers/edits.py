"""Editing a message the bot sent: editing it into the state it already has is not an error."""

from __future__ import annotations

import logging

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import InlineKeyboardMarkup, Message

log = logging.getLogger(__name__)


def _unchanged(error: TelegramBadRequest) -> bool:
    return "message is not modified" in error.message


async def edit_text(message: Message, text: str, markup: InlineKeyboardMarkup | None) -> None:
    """E.g. a second press on a button whose result the message already shows."""
    try:
        await message.edit_text(text, reply_markup=markup)
    except TelegramBadRequest as error:
        if not _unchanged(error):
            raise


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
