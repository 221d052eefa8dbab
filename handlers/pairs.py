"""Pairs and groups: introductions on approval, /pairs, and ending a pair early.

Texts and buttons are in handlers/pair_views.py."""

from __future__ import annotations

from collections import Counter

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from bot.outdated import Outdated
from bot.pairing import PairPeople
from bot.screens import Screen
from bot.services import Services
from handlers.filters import curator_router
from handlers.pair_views import (
    PAGE_SIZE,
    PairEnd,
    PairsPage,
    already_ended,
    ended_notice,
    ended_screen,
    introduction_screen,
    pairs_screen,
    reason_length,
    reason_prompt,
)
from handlers.render import answer, edit
from handlers.representative import tell_of_pair
from handlers.states import EndReason
from handlers.texts import reason_from


async def introduce_pair(services: Services, people: PairPeople) -> None:
    """Each side meets the other, in their own language (the curator approved the pair)."""
    await services.outbox.send(
        people.mentee.telegram_id,
        lambda: introduction_screen(people, to_mentor=False),
        kind="pair_introduction",
    )
    await services.outbox.send(
        people.mentor.telegram_id,
        lambda: introduction_screen(people, to_mentor=True),
        kind="pair_introduction",
    )
    # The mentee's legal representative: the mentor's name and role, no contact.
    await tell_of_pair(services, people)


async def introduce(bot: object, i18n: object, services: Services, people: PairPeople) -> None:
    """The signature handlers/matching.py calls; the messenger and i18n are not needed any
    more (the outbox has them). To go once matching.py calls :func:`introduce_pair`."""
    await introduce_pair(services, people)


async def pairs_view(services: Services, organization_id: int, page: int) -> Screen:
    # A count and one page in the database, then the page's people: a school's 200 pairs
    # are not read for the eight shown.
    shown, groups, total, page, pages = await services.pairing.active_pair_page(
        organization_id, page, PAGE_SIZE
    )
    return pairs_screen(total, Counter(groups), shown, page, pages)


async def show_pairs(message: Message, services: Services, curator_org_id: int) -> None:
    await answer(message, await pairs_view(services, curator_org_id, 0))


async def turn_page(
    query: CallbackQuery, callback_data: PairsPage, services: Services, curator_org_id: int
) -> None:
    await edit(query, await pairs_view(services, curator_org_id, callback_data.page))


async def ask_end(
    query: CallbackQuery,
    callback_data: PairEnd,
    state: FSMContext,
    services: Services,
    curator_org_id: int,
) -> None:
    pair = await services.pairing.pair(curator_org_id, callback_data.pair_id)
    if pair is None or pair.ended_on is not None:
        raise Outdated(already_ended())
    await state.set_state(EndReason.text)
    await state.set_data({"pair_id": pair.id})
    if isinstance(query.message, Message):
        await answer(query.message, reason_prompt())


async def end_with_reason(
    message: Message,
    state: FSMContext,
    services: Services,
    curator_org_id: int,
) -> None:
    data = await state.get_data()
    reason = reason_from(message.text)
    if reason is None:
        await answer(message, reason_length())
        return
    await state.clear()
    people = await services.pairing.end_pair(curator_org_id, int(data.get("pair_id", 0)), reason)
    if people is None:
        await answer(message, Screen(already_ended()))
        return
    await answer(message, ended_screen())
    for person in (people.mentor, people.mentee):
        await services.outbox.send(
            person.telegram_id, lambda: ended_notice(reason), kind="pair_ended"
        )


def build_router() -> Router:
    router = curator_router("pairs")
    router.message.register(show_pairs, Command("pairs"))
    router.callback_query.register(turn_page, PairsPage.filter())
    router.callback_query.register(ask_end, PairEnd.filter())
    router.message.register(
        end_with_reason, StateFilter(EndReason.text), F.text, ~F.text.startswith("/")
    )
    return router
