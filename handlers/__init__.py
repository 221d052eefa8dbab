"""aiogram routers, one module per area; :func:`setup_handlers` wires them into a dispatcher."""

from __future__ import annotations

from aiogram import Dispatcher, F, Router
from aiogram.enums import ChatType

from handlers import (
    access,
    candidates,
    common,
    curator,
    fallback,
    guardian,
    join,
    language,
    organizations,
    questionnaire,
    rights,
    start,
    support,
)
from handlers.errors import register_error_handler


def get_routers() -> list[Router]:
    # /cancel first (it works inside any dialogue); the fallback last (it takes anything).
    # access refuses role commands and buttons: after every role-filtered router.
    # Built anew each time: a router can belong to one dispatcher only.
    return [
        module.build_router()
        for module in (
            common,
            start,
            language,
            support,
            organizations,
            curator,
            candidates,
            join,
            guardian,
            questionnaire,
            rights,
            access,
            fallback,
        )
    ]


def setup_handlers(dispatcher: Dispatcher) -> None:
    # Private chats with a person only: added to a class group chat, the bot stays silent
    # instead of answering every message; channel posts have no person to answer.
    dispatcher.message.filter(F.chat.type == ChatType.PRIVATE, F.from_user)
    dispatcher.include_routers(*get_routers())
    register_error_handler(dispatcher)
