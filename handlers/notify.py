"""Telling someone something outside the current conversation."""

from __future__ import annotations

import logging

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import InlineKeyboardMarkup

log = logging.getLogger(__name__)


async def notify(
    bot: Bot, chat_id: int, text: str, reply_markup: InlineKeyboardMarkup | None = None
) -> bool:
    """Send and report success; a person who blocked the bot must not fail the sender."""
    try:
        await bot.send_message(chat_id, text, reply_markup=reply_markup)
    except TelegramAPIError as error:
        log.warning("Could not notify chat %s: %s", chat_id, error)
        return False
    return True
