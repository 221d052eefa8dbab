"""Showing a :class:`bot.screens.Screen` in Telegram, for the routers of the joining
conversation, the questionnaire and the short forms: their views build screens, these helpers
are the edge where a screen becomes a message (or an edit of the pressed one).

Editing a message into the state it already has is not an error (the session's middleware in
:mod:`handlers.edits` takes "message is not modified"); a message gone or too old to edit is
left as it is, since its buttons are checked again when pressed.
"""

from __future__ import annotations

import logging

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import Message

from bot.screens import Screen
from handlers.render import markup_of

log = logging.getLogger(__name__)


async def answer_screen(message: Message, screen: Screen) -> Message:
    """Send the screen as a new message to the chat of ``message``."""
    return await message.answer(screen.text, reply_markup=markup_of(screen))


async def edit_into(message: Message, screen: Screen) -> None:
    """Turn the pressed message into the screen (text and buttons)."""
    await message.edit_text(screen.text, reply_markup=markup_of(screen))


async def edit_buttons(message: Message, screen: Screen) -> None:
    """Only the buttons of the pressed message become the screen's (its text stays)."""
    try:
        await message.edit_reply_markup(reply_markup=markup_of(screen))
    except TelegramBadRequest as error:
        log.debug("Buttons of message %s not changed: %s", message.message_id, error.message)


async def drop_keyboard(bot: Bot, chat_id: int, message_id: int) -> None:
    """Take the buttons off an answered question, so that only the current one has live
    buttons. A message gone or too old changes nothing for the person: only logged."""
    try:
        await bot.edit_message_reply_markup(chat_id=chat_id, message_id=message_id)
    except TelegramBadRequest as error:
        log.debug("Buttons of message %s not removed: %s", message_id, error.message)


async def drop_message_keyboard(message: Message) -> None:
    if message.bot is not None:
        await drop_keyboard(message.bot, message.chat.id, message.message_id)
