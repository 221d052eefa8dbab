"""Middlewares: updates handled once, the person's language, the updates still being handled."""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.dispatcher.event.bases import UNHANDLED
from aiogram.types import TelegramObject, Update, User
from aiogram.utils.i18n import I18n, I18nMiddleware

from bot.clock import Clock, to_db
from bot.services import Services
from storage.database import UpdateMark, current_update
from storage.repositories.updates import ProcessedUpdateRepository

log = logging.getLogger(__name__)

# Ids of updates handled lately, kept in memory: a repeat that changed nothing (and so left
# no row) is still dropped while the process runs. A few minutes' worth at a busy school.
RECENT_UPDATES_KEPT = 10_000


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


class ProcessedUpdates(BaseMiddleware):
    """One way in: an update is handled at most once.

    A repeat is dropped before any handler runs when it is still being handled or was handled
    lately by this process (kept in memory), or when the database holds its id: the id is
    written in the same transaction as the first change the update causes, so a crash before
    Telegram learned the offset (or a webhook retry) cannot apply the change twice.
    """

    def __init__(self, repository: ProcessedUpdateRepository, clock: Clock) -> None:
        self._repository = repository
        self._clock = clock
        self._recent: OrderedDict[int, None] = OrderedDict()

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        if not isinstance(event, Update):
            return await handler(event, data)
        update_id = event.update_id
        if update_id in self._recent or await self._repository.seen(update_id):
            log.info("Update %s was delivered again; dropped", update_id)
            return UNHANDLED
        self._remember(update_id)
        token = current_update.set(UpdateMark(update_id, to_db(self._clock.now())))
        try:
            return await handler(event, data)
        finally:
            current_update.reset(token)

    def _remember(self, update_id: int) -> None:
        self._recent[update_id] = None
        while len(self._recent) > RECENT_UPDATES_KEPT:
            self._recent.popitem(last=False)
