"""aiogram routers, one module per area; :func:`get_routers` assembles them in order."""

from __future__ import annotations

from aiogram import Router

from handlers import common, fallback, language, start, support


def get_routers() -> list[Router]:
    # /cancel first (it works inside any dialogue); the fallback last (it takes anything).
    # Built anew each time: a router can belong to one dispatcher only.
    return [module.build_router() for module in (common, start, language, support, fallback)]
