"""Telegram's front end of the outbox: a screen becomes one message, sent behind the gate."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager

from aiogram import Bot
from aiogram.utils.i18n import I18n

from bot.outbox import Gate
from bot.screens import Screen
from handlers.delivery import send_text_gated
from handlers.render import markup_of


class TelegramFrontEnd:
    def __init__(self, bot: Bot) -> None:
        self._bot = bot

    async def deliver(self, chat_id: int, screen: Screen, gate: Gate) -> bool:
        return await send_text_gated(self._bot, chat_id, screen.text, gate, markup_of(screen))


def locale_scope(i18n: I18n) -> Callable[[str], AbstractContextManager[None]]:
    """The outbox renders each message inside the recipient's language."""

    @contextmanager
    def scope(locale: str) -> Iterator[None]:
        with i18n.context(), i18n.use_locale(locale):
            yield

    return scope
