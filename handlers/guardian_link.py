"""The parent's link of a minor: sent when a child or teen joins, sent again on request, and
what a minor who writes while waiting for the parent's consent is told.

Texts and buttons are in handlers/guardian_views.py."""

from __future__ import annotations

from typing import Any

from aiogram import Bot, F, Router
from aiogram.filters import Filter, StateFilter
from aiogram.types import CallbackQuery, Message, User

from bot.invitations import invitation_link
from bot.models.participants import Participant
from bot.outdated import Outdated
from bot.participants import Status
from bot.services import Services
from handlers.guardian_views import (
    ResendGuardianLink,
    already_consented,
    link_for_parent,
    link_intro,
    waiting_screen,
)
from handlers.outdated import outdated_button_text
from handlers.render import answer


async def send_guardian_link(
    message: Message, participant: Participant, services: Services, bot: Bot
) -> None:
    child_name = message.chat.full_name if message.chat else ""
    request = await services.participants.guardian_request(participant, child_name or "—")
    me = await bot.me()
    await answer(message, link_intro(participant.age_group))
    await answer(message, link_for_parent(invitation_link(me.username or "", request.token)))


class WaitingForGuardian(Filter):
    """Text from a minor whose participation waits for a parent's consent (no dialogue going
    on); injects ``waiting`` (the participation)."""

    async def __call__(
        self, message: Message, services: Services, event_from_user: User | None = None
    ) -> bool | dict[str, Any]:
        if event_from_user is None:
            return False
        waiting = await services.participants.waiting_for_guardian(event_from_user.id)
        return {"waiting": waiting} if waiting is not None else False


async def on_waiting_text(message: Message, waiting: Participant) -> None:
    await answer(message, waiting_screen(waiting.age_group, waiting.id))


async def on_resend(
    query: CallbackQuery, callback_data: ResendGuardianLink, services: Services, bot: Bot
) -> None:
    participant = await services.participants.owned(
        callback_data.participant_id, query.from_user.id
    )
    if participant is None or not isinstance(query.message, Message):
        raise Outdated(outdated_button_text())
    if await services.participants.status(participant) is not Status.WAITING_GUARDIAN:
        raise Outdated(already_consented())
    await send_guardian_link(query.message, participant, services, bot)


def build_router() -> Router:
    router = Router(name="guardian_link")
    router.callback_query.register(on_resend, ResendGuardianLink.filter())
    # After the dialogues and the short forms, before the fallback (handlers/__init__.py).
    router.message.register(
        on_waiting_text, StateFilter(None), F.text, ~F.text.startswith("/"), WaitingForGuardian()
    )
    return router
