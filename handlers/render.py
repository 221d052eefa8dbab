"""Screens (:mod:`bot.screens`) to Telegram and back: the only place that knows both.

Routers render a view's :class:`Screen` with :func:`answer` (a new message in the chat of a
message), :func:`edit` (the pressed message becomes the screen) or :func:`send` (by chat id).
A screen with an :class:`Attachment` is always a new message: the file or the picture with
the text as its caption.
"""

from __future__ import annotations

import logging

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import (
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
)

from bot.outdated import Outdated
from bot.screens import Attachment, Button, Rows, Screen

# Telegram's limit for a caption; a longer text goes first as its own message.
CAPTION_LIMIT = 1024

log = logging.getLogger(__name__)


def markup_of(screen: Screen) -> InlineKeyboardMarkup | None:
    if not screen.rows:
        return None
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=b.text, callback_data=b.data, url=b.url) for b in row]
            for row in screen.rows
        ]
    )


def keyboard(rows: Rows) -> InlineKeyboardMarkup | None:
    """A view's rows of buttons as Telegram's inline keyboard (None when there are none)."""
    return markup_of(Screen("", rows))


def screen_of(text: str, markup: InlineKeyboardMarkup | None = None) -> Screen:
    """A screen from a text and the inline keyboard a view built with aiogram's builder."""
    if markup is None:
        return Screen(text)
    rows = tuple(
        tuple(Button(b.text, b.callback_data, b.url) for b in row) for row in markup.inline_keyboard
    )
    return Screen(text, rows)


async def send(bot: Bot, chat_id: int, screen: Screen) -> Message:
    """The screen as a new message in a chat."""
    if screen.attachment is not None:
        return await _send_attachment(bot, chat_id, screen, screen.attachment)
    return await bot.send_message(chat_id, screen.text, reply_markup=markup_of(screen))


async def answer(message: Message, screen: Screen) -> Message:
    """The screen as a new message in the chat of ``message``."""
    if screen.attachment is not None:
        assert message.bot is not None
        return await _send_attachment(message.bot, message.chat.id, screen, screen.attachment)
    return await message.answer(screen.text, reply_markup=markup_of(screen))


async def edit(target: CallbackQuery | Message, screen: Screen) -> None:
    """The pressed message (or ``target`` itself) shows the screen; an inaccessible message
    is left alone. A screen with an attachment is sent as a new message instead."""
    message = target.message if isinstance(target, CallbackQuery) else target
    if not isinstance(message, Message):
        return
    if screen.attachment is not None:
        await answer(message, screen)
        return
    # Editing into the state it already has is not an error (handlers/edits.py).
    await message.edit_text(screen.text, reply_markup=markup_of(screen))


async def answer_all(message: Message, screens: list[Screen]) -> None:
    for screen in screens:
        await answer(message, screen)


async def _send_attachment(
    bot: Bot, chat_id: int, screen: Screen, attachment: Attachment
) -> Message:
    caption = screen.text or None
    if caption is not None and len(caption) > CAPTION_LIMIT:
        await bot.send_message(chat_id, caption)
        caption = None
    file = BufferedInputFile(attachment.content, filename=attachment.filename)
    if attachment.photo:
        return await bot.send_photo(chat_id, file, caption=caption, reply_markup=markup_of(screen))
    return await bot.send_document(chat_id, file, caption=caption, reply_markup=markup_of(screen))


async def edit_buttons(message: Message, screen: Screen) -> None:
    """Only the buttons of the pressed message become the screen's (its text stays)."""
    assert message.bot is not None
    await set_buttons(message.bot, message.chat.id, message.message_id, screen)


async def set_buttons(bot: Bot, chat_id: int, message_id: int, screen: Screen | None) -> None:
    """The buttons of a message (None: none left), e.g. of another message than the one
    pressed, or of an answered question so that only the current one has live buttons. A
    message gone or too old to edit is left as it is: its buttons are checked when pressed."""
    markup = markup_of(screen) if screen is not None else None
    try:
        await bot.edit_message_reply_markup(
            chat_id=chat_id, message_id=message_id, reply_markup=markup
        )
    except TelegramBadRequest as error:
        log.debug("Buttons of message %s not changed: %s", message_id, error.message)


async def drop_keyboard(bot: Bot, chat_id: int, message_id: int) -> None:
    await set_buttons(bot, chat_id, message_id, None)


async def drop_message_keyboard(message: Message) -> None:
    if message.bot is not None:
        await drop_keyboard(message.bot, message.chat.id, message.message_id)


def pressed_message(query: CallbackQuery) -> Message:
    """The message whose button was pressed; one Telegram no longer shows (too old) makes the
    press outdated, answered in one place like any other."""
    if not isinstance(query.message, Message):
        raise Outdated()
    return query.message
