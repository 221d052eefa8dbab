"""The curators hear, once, that a participant can no longer be reached through the bot.

The outbox calls :func:`tell_curators_unreachable` when it marks a person unreachable for the
first time: at a 403 to any message the bot started, or at Telegram's "kicked" update
(handlers/reachability). Whichever comes first tells the curators; the later ones find the
person already marked and stay silent.
"""

from __future__ import annotations

from typing import Any

from aiogram.utils.i18n import gettext as _

from bot.html_text import quote
from bot.screens import Screen
from bot.sender import Outcome
from bot.services import Services
from handlers.people import display_name


def unreachable_text(name: str) -> str:
    return _(
        "{name} has blocked the bot or deleted the account: messages from the bot no longer "
        "reach them. Please contact them directly."
    ).format(name=quote(name))


async def tell_curators_unreachable(services: Services, telegram_id: int) -> int:
    """Tell the curators of each organization the person takes part in (once per
    organization, whatever their roles there); returns how many curators were told.
    A person who is no participant (a curator only, a stranger) means nobody to tell."""
    people: dict[int, tuple[int, dict[str, Any]]] = {}  # organization -> participant, answers
    for participant in await services.participants.of_user(telegram_id):
        known = people.get(participant.organization_id)
        if known is not None and known[1].get("full_name"):
            continue
        answers = (await services.questionnaires.step(participant.id)).answers
        if known is None or answers.get("full_name"):
            people[participant.organization_id] = (participant.id, answers)
    told = 0
    for organization_id, (participant_id, answers) in people.items():
        name = display_name(participant_id, answers)
        for curator in await services.organizations.curators(organization_id):
            if curator.telegram_id == telegram_id:
                continue  # a curator who also takes part cannot be told through the bot
            outcome = await services.outbox.send(
                curator.telegram_id,
                lambda name=name: Screen(unreachable_text(name)),  # type: ignore[misc]
                kind="unreachable",
            )
            told += outcome is Outcome.DELIVERED
    return told
