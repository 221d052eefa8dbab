"""aiogram routers, one module per area; :func:`setup_handlers` wires them into a dispatcher."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiogram import Dispatcher, Router
from aiogram.dispatcher.event.handler import FilterObject

from handlers import (
    access,
    admission,
    announcements,
    candidates,
    common,
    coordinators,
    curator,
    cycles,
    enterprises,
    export,
    fallback,
    followups,
    form_profiles,
    group_curator,
    groups,
    guardian,
    guardian_link,
    holidays,
    join,
    language,
    matching,
    meeting_settings,
    meeting_views,
    meetings,
    monitoring_offer,
    organizations,
    pair_plans,
    pairs,
    plan_review,
    plans,
    preferences,
    questionnaire,
    reachability,
    representative,
    responses,
    rights,
    schools,
    short_pairs,
    speed,
    start,
    stats,
    support,
    voices,
    workspace,
)
from handlers.errors import register_error_handler
from handlers.filters import PrivateChatWithPerson


def get_routers() -> list[Router]:
    # /cancel first (it works inside any dialogue); the fallback last (it takes anything).
    # access refuses role commands and buttons: after every role-filtered router.
    # Built anew each time: a router can belong to one dispatcher only.
    curator_side = (
        organizations,
        curator,
        candidates,
        workspace,
        admission,
        matching,
        pairs,
        announcements,
        holidays,
        meeting_settings,
        cycles,
        voices,
        meeting_views,
        stats,
        schools,
        export,
        enterprises,
        speed,
        plan_review,
        form_profiles,
        group_curator,
    )
    participant_side = (
        *(join, guardian, questionnaire, monitoring_offer, rights, preferences, meetings),
        *(followups, pair_plans, plans, groups),
    )
    return [
        # coordinators: before start, whose /start <token> it takes for a coordinator link.
        *(module.build_router() for module in (common, coordinators, start, language)),
        *(module.build_router() for module in (support, reachability)),
        *(module.build_router() for module in curator_side),
        preferences.build_curator_router(),
        representative.build_curator_router(),
        *(module.build_router() for module in participant_side),
        cycles.build_participant_router(),
        speed.build_participant_router(),
        short_pairs.build_router(),
        representative.build_router(),
        # Typed answers to the short forms: after every dialogue, before the fallback.
        responses.build_router(),
        # A minor who writes while waiting for the parent's consent: told what is awaited.
        guardian_link.build_router(),
        access.build_router(),
        fallback.build_router(),
    ]


def setup_handlers(dispatcher: Dispatcher) -> None:
    # Private chats with a person only: added to a class group chat, the bot stays silent
    # instead of answering every message; channel posts have no person to answer.
    # (A filter class: the dispatcher's own filters are checked for every message.)
    dispatcher.message.filter(PrivateChatWithPerson())
    dispatcher.include_routers(*get_routers())
    register_error_handler(dispatcher)
    run_filters_inline(dispatcher)


def run_filters_inline(router: Router) -> int:
    """Let the plain (not async) filters of every router run on the event loop; returns how
    many were changed. (The routers' own filters, ``router.message.filter(...)``, are not
    reached: they are filter classes, which aiogram awaits.)

    aiogram hands every plain callable to a worker thread (``asyncio.to_thread``), magic
    filters (``F.text``, ``F.chat.type == ...``) included: some five per update, each a
    hand-over between threads that waits for the interpreter lock. The filters are small
    checks of the update's fields, so they run in place; what they receive is unchanged (the
    parameters aiogram took from the original callable are kept)."""
    changed = 0
    for each in router.chain_tail:
        for observer in each.observers.values():
            for handler in observer.handlers:
                for event_filter in handler.filters or ():
                    if not event_filter.awaitable:
                        _inline(event_filter)
                        changed += 1
    return changed


def _inline(event_filter: FilterObject) -> None:
    check: Callable[..., Any] = event_filter.callback

    async def inline(*args: Any, **kwargs: Any) -> Any:
        return check(*args, **kwargs)

    event_filter.callback = inline
    event_filter.awaitable = True
