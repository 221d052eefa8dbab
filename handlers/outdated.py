"""The one answer to a press that no longer applies (see :mod:`bot.outdated`).

Registered inside aiogram's CallbackAnswerMiddleware, so the notice becomes the answer to the
press (a short toast), and the current state, when the exception carries it, replaces the old
message. An old message that cannot be edited any more is left as it is.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import CallbackQuery, Message, TelegramObject
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _

from bot.outdated import Outdated
from handlers.render import markup_of

log = logging.getLogger(__name__)


def already_done(showing_current: bool) -> str:
    if showing_current:
        return _("This is already done; here is how things stand now.")
    return _("This is already done.")


class OutdatedPresses(BaseMiddleware):
    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        try:
            return await handler(event, data)
        except Outdated as outdated:
            if not isinstance(event, CallbackQuery):
                raise
            answer: CallbackAnswer | None = data.get("callback_answer")
            notice = outdated.notice or already_done(outdated.current is not None)
            if answer is not None and not answer.answered:
                answer.text = notice
            else:
                await event.answer(notice)
            current = outdated.current
            if current is not None and isinstance(event.message, Message):
                try:
                    await event.message.edit_text(current.text, reply_markup=markup_of(current))
                except TelegramBadRequest as error:
                    log.info("The outdated message was left as it is: %s", error.message)
            return None


def outdated_button_text() -> str:
    return _("This button is outdated. Please use the latest message or /help.")


# Ids in callback data are SQLite integers: positive and below 2**63. A number outside that
# can only come from a forged press; it must never reach a repository (OverflowError there).
_NUMBER = re.compile(r"-?\d+")
_LARGEST_ID = 2**63 - 1


def out_of_range(data: str) -> bool:
    return any(
        not 0 <= int(part) <= _LARGEST_ID for part in data.split(":")[1:] if _NUMBER.fullmatch(part)
    )


class OutOfRangeIds(BaseMiddleware):
    """Outer: a press whose numbers no id can have is answered as outdated, before any
    filter or handler sees it."""

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        if isinstance(event, CallbackQuery) and event.data and out_of_range(event.data):
            await event.answer(outdated_button_text(), show_alert=True)
            return None
        return await handler(event, data)
