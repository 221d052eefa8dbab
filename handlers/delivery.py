"""The Telegram side of bulk sends: one message through the Bot, errors in the sender's terms.

:mod:`bot.sender` knows nothing of aiogram; it gets a ``send(chat_id)`` built here, which
raises :class:`~bot.sender.RetryLater` for flood control and :class:`~bot.sender.Unreachable`
for a chat the bot can no longer write to.

Flood control is waited out once, by the sender: the request runs inside
``without_session_retries()``, so the session's RetryAfterMiddleware (which would otherwise
wait up to three times itself and only then let the sender wait again) passes the 429 straight
through, and the sender pauses all bulk sends for exactly ``retry_after``.
"""

from __future__ import annotations

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError, TelegramRetryAfter
from aiogram.types import InlineKeyboardMarkup

from bot.retry import without_session_retries
from bot.sender import RetryLater, Unreachable

# 400 answers that mean the chat is gone rather than that the message was wrong.
_GONE = ("chat not found", "user not found", "peer_id_invalid")


async def send_text(
    bot: Bot, chat_id: int, text: str, reply_markup: InlineKeyboardMarkup | None = None
) -> None:
    """Send one HTML message (with its buttons, if any) for the rate-limited sender."""
    try:
        with without_session_retries():
            await bot.send_message(chat_id, text, reply_markup=reply_markup)
    except TelegramRetryAfter as error:
        raise RetryLater(error.retry_after) from error
    except TelegramForbiddenError as error:  # blocked by the user, or the account is deleted
        raise Unreachable(error.message) from error
    except TelegramBadRequest as error:
        if any(reason in error.message.lower() for reason in _GONE):
            raise Unreachable(error.message) from error
        raise
