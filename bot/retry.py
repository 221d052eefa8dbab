"""Client-side request middleware: wait out Telegram's flood control instead of failing.

Telegram answers 429 with ``retry_after`` seconds; the request is repeated after exactly that
wait, a few times at most, so a short burst never loses a message.

Bulk sends (:mod:`bot.sender`) wait out flood control themselves, pausing all their sends at
once; inside :func:`without_session_retries` this middleware lets a 429 through at once, so
the two never wait one after the other for the same answer.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING

from aiogram.client.session.middlewares.base import BaseRequestMiddleware
from aiogram.exceptions import TelegramRetryAfter

if TYPE_CHECKING:
    from aiogram import Bot
    from aiogram.client.session.middlewares.base import NextRequestMiddlewareType
    from aiogram.methods import TelegramMethod
    from aiogram.methods.base import Response, TelegramType

log = logging.getLogger(__name__)

_session_retries = ContextVar("session_retries", default=True)


@contextmanager
def without_session_retries() -> Iterator[None]:
    """Requests made inside (in this task) get a 429 raised to them instead of waited out."""
    token = _session_retries.set(False)
    try:
        yield
    finally:
        _session_retries.reset(token)


class RetryAfterMiddleware(BaseRequestMiddleware):
    def __init__(self, attempts: int = 3, longest_wait: float = 60.0) -> None:
        self._attempts = attempts
        self._longest_wait = longest_wait

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        if not _session_retries.get():
            return await make_request(bot, method)
        attempt = 0
        while True:
            try:
                return await make_request(bot, method)
            except TelegramRetryAfter as error:
                attempt += 1
                if attempt > self._attempts or error.retry_after > self._longest_wait:
                    raise
                log.warning(
                    "Flood control on %s: waiting %ss (attempt %d of %d)",
                    type(method).__name__,
                    error.retry_after,
                    attempt,
                    self._attempts,
                )
                await asyncio.sleep(error.retry_after)
