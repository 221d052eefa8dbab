"""Role filters, put on whole routers: ``router.message.filter(IsCurator())``.

Roles are read at the moment an update is handled, never taken from the update itself:
callback data is typed by the client and proves nothing.
"""

from __future__ import annotations

from typing import Any

from aiogram import Router
from aiogram.enums import ChatType
from aiogram.filters import Filter
from aiogram.types import Message, TelegramObject, User

from bot.services import Services
from storage.repositories.identity import Identity


class PrivateChatWithPerson(Filter):
    """A message in a private chat, from a person: added to a class group chat, the bot stays
    silent; channel posts have no person to answer."""

    async def __call__(self, message: Message) -> bool:
        return message.chat.type == ChatType.PRIVATE and message.from_user is not None


class IsAdmin(Filter):
    """A bot administrator (``ADMIN_IDS``)."""

    async def __call__(
        self, event: TelegramObject, services: Services, event_from_user: User | None = None
    ) -> bool:
        return event_from_user is not None and services.is_admin(event_from_user.id)


class IsCurator(Filter):
    """A curator of an organization, per the database now; injects ``curator_org_id``.

    "Now" is the update's who-am-I statement (``identity``, read once per update by
    :class:`handlers.middlewares.ProcessedUpdates`): every curator router asks, and none of
    them costs a statement of its own."""

    async def __call__(
        self,
        event: TelegramObject,
        services: Services,
        event_from_user: User | None = None,
        identity: Identity | None = None,
    ) -> bool | dict[str, Any]:
        if event_from_user is None:
            return False
        if identity is not None and identity.telegram_id == event_from_user.id:
            organization_id = identity.curator_org_id
        else:
            organization_id = await services.organizations.curator_organization_id(
                event_from_user.id
            )
        if organization_id is None:
            return False
        return {"curator_org_id": organization_id}


class IsCoordinator(Filter):
    """A municipal coordinator (covers at least one organization), per the database now (the
    update's ``identity``, as for :class:`IsCurator`)."""

    async def __call__(
        self,
        event: TelegramObject,
        services: Services,
        event_from_user: User | None = None,
        identity: Identity | None = None,
    ) -> bool:
        if event_from_user is None:
            return False
        if identity is not None and identity.telegram_id == event_from_user.id:
            return identity.is_coordinator
        return await services.coordinators.is_coordinator(event_from_user.id)


def curator_router(name: str) -> Router:
    """A router whose every message and button handler is for curators only."""
    router = Router(name=name)
    router.message.filter(IsCurator())
    router.callback_query.filter(IsCurator())
    return router
