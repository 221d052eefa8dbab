"""Middlewares: updates handled once, who is writing (read once per update) and the FSM, the
person's language, the updates still being handled."""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.dispatcher.event.bases import UNHANDLED
from aiogram.fsm.context import FSMContext
from aiogram.fsm.middleware import FSMContextMiddleware
from aiogram.types import TelegramObject, Update, User
from aiogram.utils.i18n import I18n, I18nMiddleware

from bot.clock import Clock, to_db
from bot.services import Services
from storage.database import UpdateMark, current_update
from storage.fsm import SQLiteStorage
from storage.repositories.identity import Identity, IdentityRepository

log = logging.getLogger(__name__)

# Ids of updates handled lately, kept in memory: a repeat that changed nothing (and so left
# no row) is still dropped while the process runs. A few minutes' worth at a busy school.
RECENT_UPDATES_KEPT = 10_000


class StoredLocaleMiddleware(I18nMiddleware):
    """The stored choice first, then Telegram's ``language_code``, then the default.

    The stored languages come with the update's :class:`Identity` (read once per update)."""

    def __init__(self, i18n: I18n, services: Services) -> None:
        super().__init__(i18n)
        self._services = services

    async def get_locale(self, event: TelegramObject, data: dict[str, Any]) -> str:
        user: User | None = data.get("event_from_user")
        if user is None:
            return self._services.languages.default
        identity: Identity | None = data.get("identity")
        if identity is None or identity.telegram_id != user.id:
            return await self._services.languages.resolve(user.id, user.language_code)
        return await self._services.languages.resolve_read(
            user.id, identity.language, identity.telegram_language, user.language_code
        )


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
    """One way in: an update is handled at most once; who is writing, read once; the FSM.

    A repeat is dropped before any handler runs when it is still being handled or was handled
    lately by this process (kept in memory), or when the database holds its id: the id is
    written in the same transaction as the first change the update causes, so a crash before
    Telegram learned the offset (or a webhook retry) cannot apply the change twice.

    The database check is a part of the update's who-am-I statement
    (:class:`storage.repositories.identity.IdentityRepository`), which also reads the
    person's roles, language, participations and FSM record: one statement for all the
    filters and middlewares that ask. The check stays as strong as a statement of its own:
    it runs before any handler of the update and reads the committed table, and a duplicate
    delivered while the first is still being handled is caught by the in-memory set first
    (the id goes in before the first await). The result is put in the handler data as
    ``identity`` and lives for this update only, so roles are never older than the update.

    This middleware takes the place of aiogram's FSM middleware (it uses that middleware's
    way of finding the chat's key and its per-chat lock): the who-am-I statement runs inside
    the lock, so an earlier update of the same person has finished, and committed, before
    this one reads who they are and where their dialogue stands. The FSM record an update
    changed is stored when its handler is done, still inside the lock (see
    :mod:`storage.fsm`).
    """

    def __init__(
        self,
        repository: IdentityRepository,
        clock: Clock,
        fsm: FSMContextMiddleware,
        storage: SQLiteStorage,
    ) -> None:
        self._repository = repository
        self._clock = clock
        self._fsm = fsm
        self._storage = storage
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
        if update_id in self._recent:
            log.info("Update %s was delivered again; dropped", update_id)
            return UNHANDLED
        self._remember(update_id)
        context = self._fsm.resolve_event_context(data["bot"], data)
        data["fsm_storage"] = self._storage
        if context is None:
            return await self._handle(handler, event, data, None)
        async with self._fsm.events_isolation.lock(key=context.key):
            return await self._handle(handler, event, data, context)

    async def _handle(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: Update,
        data: dict[str, Any],
        context: FSMContext | None,
    ) -> Any:
        user: User | None = data.get("event_from_user")
        fsm_key = self._storage.key_of(context.key) if context is not None else None
        as_of = self._storage.read_mark()
        # Set before the first statement: the whole handling of the update runs on the writer
        # without giving the loop a turn (see storage.database), the who-am-I statement too.
        token = current_update.set(UpdateMark(event.update_id, to_db(self._clock.now())))
        try:
            try:
                identity = await self._repository.who(
                    event.update_id, user.id if user is not None else None, fsm_key
                )
            except BaseException:
                self._recent.pop(event.update_id, None)  # not handled: a redelivery may retry
                raise
            if identity.seen:
                log.info("Update %s was delivered again; dropped", event.update_id)
                return UNHANDLED
            data["identity"] = identity
            records = self._storage.begin_update()
            try:
                if identity.fsm is not None:
                    fsm = identity.fsm
                    self._storage.preload(fsm.key, fsm.state, fsm.data, as_of, fsm.updated_at)
                if context is not None:
                    data.update({"state": context, "raw_state": await context.get_state()})
                try:
                    return await handler(event, data)
                finally:
                    await self._storage.flush()
            finally:
                self._storage.end_update(records)
        finally:
            current_update.reset(token)

    def _remember(self, update_id: int) -> None:
        self._recent[update_id] = None
        while len(self._recent) > RECENT_UPDATES_KEPT:
            self._recent.popitem(last=False)
