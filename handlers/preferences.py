"""The preference round: the curator opens it, participants pick up to three people.

Texts and buttons are in handlers/preference_views.py."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer

from bot.models.participants import Participant
from bot.outdated import Outdated
from bot.screens import Screen
from bot.services import Services
from handlers.filters import curator_router
from handlers.outdated import outdated_button_text
from handlers.preference_views import (
    PreferencePick,
    RoundAction,
    cards_screen,
    invitation_screen,
    invited_notice,
    limit_notice,
    not_open,
    pick_notice,
    round_screen,
)
from handlers.render import answer, edit


async def round_view(services: Services, organization_id: int) -> Screen:
    return round_screen(await services.preferences.is_open(organization_id))


async def show_round(message: Message, services: Services, curator_org_id: int) -> None:
    await answer(message, await round_view(services, curator_org_id))


async def open_round(
    query: CallbackQuery,
    services: Services,
    curator_org_id: int,
    callback_answer: CallbackAnswer,
) -> None:
    invited = await services.preferences.open(curator_org_id)
    # Queued: a whole cohort, each in their own language (bot and i18n are the outbox's).
    await services.outbox.post(
        [(candidate.telegram_id, invitation_screen) for candidate in invited],
        kind="preference_round",
    )
    callback_answer.text = invited_notice(len(invited))
    await edit(query, await round_view(services, curator_org_id))


async def close_round(query: CallbackQuery, services: Services, curator_org_id: int) -> None:
    await services.preferences.close(curator_org_id)
    await edit(query, await round_view(services, curator_org_id))


async def cards_view(services: Services, participant: Participant) -> Screen:
    org_id = participant.organization_id
    cards = await services.preferences.cards(org_id, participant.id)
    chosen = await services.preferences.chosen(org_id, participant.id) if cards else set()
    return cards_screen(participant.id, cards, chosen)


async def choose(message: Message, services: Services) -> None:
    assert message.from_user is not None
    for participant in await services.participants.of_user(message.from_user.id):
        cards = await services.preferences.cards(participant.organization_id, participant.id)
        if cards is not None:
            await answer(message, await cards_view(services, participant))
            return
    await answer(message, not_open())


async def on_pick(
    query: CallbackQuery,
    callback_data: PreferencePick,
    services: Services,
    callback_answer: CallbackAnswer,
) -> None:
    participant = await services.participants.owned(callback_data.chooser, query.from_user.id)
    if participant is None:
        raise Outdated(outdated_button_text())
    result = await services.preferences.toggle(
        participant.organization_id, participant.id, callback_data.chosen
    )
    if result is None:
        callback_answer.text = limit_notice()
        return
    callback_answer.text = pick_notice(result)
    await edit(query, await cards_view(services, participant))


def build_curator_router() -> Router:
    router = curator_router("preferences-curator")
    router.message.register(show_round, Command("preferences"))
    # One handler per value of the switch.
    router.callback_query.register(open_round, RoundAction.filter(F.open.is_(True)))
    router.callback_query.register(close_round, RoundAction.filter(F.open.is_(False)))
    return router


def build_router() -> Router:
    router = Router(name="preferences")
    router.message.register(choose, Command("choose"))
    router.callback_query.register(on_pick, PreferencePick.filter())
    return router
