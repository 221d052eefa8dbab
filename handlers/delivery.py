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

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import contextmanager
from enum import Enum
from typing import Any
from urllib.parse import urlencode

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
)
from aiogram.methods import SendMessage
from aiogram.types import InlineKeyboardMarkup
from aiohttp import ClientError, ClientTimeout, hdrs

from bot.retry import without_session_retries
from bot.sender import RetryLater, Unreachable

# 400 answers that mean the chat is gone rather than that the message was wrong.
_GONE = ("chat not found", "user not found", "peer_id_invalid")


async def send_text(
    bot: Bot, chat_id: int, text: str, reply_markup: InlineKeyboardMarkup | None = None
) -> None:
    """Send one HTML message (with its buttons, if any) for the rate-limited sender."""
    with _in_sender_terms(), without_session_retries():
        await bot.send_message(chat_id, text, reply_markup=reply_markup)


@contextmanager
def _in_sender_terms() -> Iterator[None]:
    try:
        yield
    except TelegramRetryAfter as error:
        raise RetryLater(error.retry_after) from error
    except TelegramForbiddenError as error:  # blocked by the user, or the account is deleted
        raise Unreachable(error.message) from error
    except TelegramBadRequest as error:
        if any(reason in error.message.lower() for reason in _GONE):
            raise Unreachable(error.message) from error
        raise


Gate = Callable[[], Awaitable[bool]]


class _GateClosed(Exception):
    """The gate said no: the request is abandoned before a byte of it was written."""


# A connection that could not be made is retried after this pause (nothing went out).
UNREACHABLE_SERVER_PAUSE = 1.0


async def send_text_gated(
    bot: Bot,
    chat_id: int,
    text: str,
    gate: Gate,
    reply_markup: InlineKeyboardMarkup | None = None,
) -> bool:
    """Send one HTML message whose request is written only once ``gate()`` returns True.

    The caller commits "sent" in the gate. Everything slow (building the request, taking a
    connection from the pool) is done while the gate's commit runs, and after it only the
    request's bytes are written: a process killed between the commit and the write, which loses
    that message, has microseconds to be killed in instead of a whole request's worth of work.
    Returns False when the gate said no; then nothing was sent.
    """
    session = bot.session
    if not isinstance(session, AiohttpSession):  # another transport (the tests' recording one)
        if not await gate():
            return False
        await send_text(bot, chat_id, text, reply_markup=reply_markup)
        return True
    method = SendMessage(chat_id=chat_id, text=text, reply_markup=reply_markup)
    fields: list[tuple[str, Any]] = []
    for key, value in method.model_dump(warnings=False).items():
        prepared = session.prepare_value(value, bot=bot, files={})
        if prepared:
            # A str enum (the default parse mode) goes as its value, as aiogram's form sends it.
            fields.append((key, prepared.value if isinstance(prepared, Enum) else prepared))
    body = urlencode(fields).encode()
    opened = False

    async def gated_body() -> AsyncIterator[bytes]:
        nonlocal opened
        if not await gate():
            raise _GateClosed
        opened = True
        yield body

    client = await session.create_session()
    url = session.api.api_url(token=bot.token, method=method.__api_method__)
    headers = {
        hdrs.CONTENT_TYPE: "application/x-www-form-urlencoded",
        hdrs.CONTENT_LENGTH: str(len(body)),
    }
    try:
        async with client.post(
            url, data=gated_body(), headers=headers, timeout=ClientTimeout(total=session.timeout)
        ) as response:
            raw = await response.text()
    except (TimeoutError, ClientError, _GateClosed) as error:
        if not opened:
            if _closed_gate(error):
                return False
            # Nothing was written and nothing marked: try again after a pause.
            raise RetryLater(UNREACHABLE_SERVER_PAUSE) from error
        message = f"{type(error).__name__}: {error}"
        raise TelegramNetworkError(method=method, message=message) from error
    with _in_sender_terms():
        session.check_response(bot=bot, method=method, status_code=response.status, content=raw)
    return True


def _closed_gate(error: BaseException | None) -> bool:
    """aiohttp wraps what the body raised; find the gate's refusal among the causes."""
    while error is not None:
        if isinstance(error, _GateClosed):
            return True
        error = error.__cause__ or error.__context__
    return False
