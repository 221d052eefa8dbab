"""Middlewares: the person's language, and the count of updates still being handled."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, User
from aiogram.utils.i18n import I18n, I18nMiddleware

from bot.services import Services


class StoredLocaleMiddleware(I18nMiddleware):
    """The stored choice first, then Telegram's ``language_code``, then the default."""

    def __init__(self, i18n: I18n, services: Services) -> None:
        super().__init__(i18n)
        self._services = services

    async def get_locale(self, event: TelegramObject, data: dict[str, Any]) -> str:
        user: User | None = data.get("event_from_user")
        if user is None:
            return self._services.languages.default
        return await self._services.languages.resolve(user.id, user.language_code)


class InFlightUpdates(BaseMiddleware):
    """Counts updates being handled so that a stopping bot can let them finish."""

    def __init__(self) -> None:
        self._active = 0
        self._idle = asyncio.Event()
        self._idle.set()

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        self._active += 1
        self._idle.clear()
        try:
            return await handler(event, data)
        finally:
            self._active -= 1
            if self._active == 0:
                self._idle.set()

    @property
    def active(self) -> int:
        return self._active

    async def wait_idle(self, grace_seconds: float) -> bool:
        """True when every update finished within ``grace_seconds``."""
        try:
            await asyncio.wait_for(self._idle.wait(), grace_seconds)
        except TimeoutError:
            return False
        return True
