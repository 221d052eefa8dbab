"""Role filters, put on whole routers: ``router.message.filter(IsCurator())``.

Roles are read at the moment an update is handled, never taken from the update itself:
callback data is typed by the client and proves nothing.
"""

from __future__ import annotations

from typing import Any

from aiogram import Router
from aiogram.filters import Filter
from aiogram.types import TelegramObject, User

from bot.services import Services


class IsAdmin(Filter):
    """A bot administrator (``ADMIN_IDS``)."""

    async def __call__(
        self, event: TelegramObject, services: Services, event_from_user: User | None = None
    ) -> bool:
        return event_from_user is not None and services.is_admin(event_from_user.id)


class IsCurator(Filter):
    """A curator of an organization, per the database now; injects ``curator_org_id``."""

    async def __call__(
        self, event: TelegramObject, services: Services, event_from_user: User | None = None
    ) -> bool | dict[str, Any]:
        if event_from_user is None:
            return False
        organization_id = await services.organizations.curator_organization_id(event_from_user.id)
        if organization_id is None:
            return False
        return {"curator_org_id": organization_id}


def curator_router(name: str) -> Router:
    """A router whose every message and button handler is for curators only."""
    router = Router(name=name)
    router.message.filter(IsCurator())
    router.callback_query.filter(IsCurator())
    return router
