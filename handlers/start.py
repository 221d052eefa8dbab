"""/start and /help: what the programme is and what this person can do here.

Texts are in handlers/start_views.py."""

from __future__ import annotations

import re

from aiogram import Bot, Router
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.types import Message
from aiogram.utils.i18n import I18n

from bot.invitations import InvitationStatus
from bot.models.invitations import InvitationRole
from bot.participants import Status
from bot.screens import Screen
from bot.services import Services
from handlers import guardian, join, representative
from handlers.curator import accept_curator_invitation
from handlers.render import answer
from handlers.start_views import (
    damaged_link,
    help_screen,
    invitation_problem,
    participant_hello,
    welcome_back,
    welcome_text,
)
from storage.repositories.identity import Identity

# Deep-link payloads Telegram allows: up to 64 characters of A-Z, a-z, 0-9, _ and -.
START_PAYLOAD = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


async def start_with_payload(
    message: Message,
    command: CommandObject,
    state: FSMContext,
    services: Services,
    bot: Bot,
    i18n: I18n,
) -> None:
    """/start <token>: a participant's or curator's invitation, or a parent's consent link."""
    payload = (command.args or "").strip()
    if not START_PAYLOAD.match(payload):
        await answer(message, damaged_link())
        return
    lookup = await services.invitations.lookup(payload)
    invitation = lookup.invitation
    if invitation is not None and invitation.role is InvitationRole.CURATOR:
        await state.clear()
        await accept_curator_invitation(message, payload, services)
        return
    if invitation is not None and lookup.status is InvitationStatus.ACTIVE:
        await state.clear()
        await join.begin(message, invitation, state, services, bot, i18n)
        return
    if invitation is not None:
        await answer(message, Screen(invitation_problem(lookup.status)))
        return
    await state.clear()
    if await guardian.open_link(message, payload, state, services):
        return
    await answer(message, Screen(invitation_problem(InvitationStatus.UNKNOWN)))


async def start(
    message: Message,
    state: FSMContext,
    services: Services,
    bot: Bot,
    i18n: I18n,
    identity: Identity | None = None,
) -> None:
    """Plain /start: pick up an unfinished joining, or greet and explain how to join."""
    assert message.from_user is not None
    # The person's participations and consents come with the update (read once per update).
    if identity is not None and identity.telegram_id == message.from_user.id:
        participations = list(identity.participants)
        statuses = [identity.status(participant) for participant in participations]
    else:
        participations = await services.participants.of_user(message.from_user.id)
        statuses = [await services.participants.status(p) for p in participations]
    for participant, status in zip(participations, statuses, strict=True):
        if status is not Status.READY:
            await answer(message, welcome_back())
            await join.resume(message, participant, state, services, bot, i18n, status=status)
            return
    if participations:
        await answer(message, participant_hello(message.from_user.first_name))
    # A legal representative of a minor: their children with the actions (read only for a
    # person who gave such a consent: who-am-I says so).
    known = identity is not None and identity.telegram_id == message.from_user.id
    if (not known or (identity is not None and identity.represents)) and (
        await representative.show_children(message, services)
    ):
        return
    if participations:
        return
    await answer(message, Screen(welcome_text(message.from_user.first_name)))


async def show_help(message: Message, services: Services, identity: Identity | None = None) -> None:
    assert message.from_user is not None
    user_id = message.from_user.id
    if identity is not None and identity.telegram_id == user_id:
        curator = identity.curator_org_id is not None
        coordinator = identity.is_coordinator
    else:
        curator = await services.organizations.curator_organization_id(user_id) is not None
        coordinator = await services.coordinators.is_coordinator(user_id)
    admin = services.is_admin(user_id)
    await answer(message, help_screen(curator=curator, admin=admin, coordinator=coordinator))


def build_router() -> Router:
    router = Router(name="start")
    router.message.register(start_with_payload, CommandStart(deep_link=True))
    router.message.register(start, CommandStart())
    router.message.register(show_help, Command("help"))
    return router
