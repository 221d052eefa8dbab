"""Screens (:mod:`bot.screens`) to Telegram and back: the only place that knows both."""

from __future__ import annotations

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import get_i18n

from bot.screens import Button, Screen


def markup_of(screen: Screen) -> InlineKeyboardMarkup | None:
    if not screen.rows:
        return None
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=b.text, callback_data=b.data, url=b.url) for b in row]
            for row in screen.rows
        ]
    )


def screen_of(text: str, markup: InlineKeyboardMarkup | None = None) -> Screen:
    """A screen from a text and the inline keyboard a view built with aiogram's builder."""
    if markup is None:
        return Screen(text)
    rows = tuple(
        tuple(Button(b.text, b.callback_data, b.url) for b in row) for row in markup.inline_keyboard
    )
    return Screen(text, rows)


def current_locale() -> str:
    """The reader's locale inside a render function (or an update), for Babel's formatting."""
    return get_i18n().current_locale
