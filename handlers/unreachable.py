"""The curators hear, once, that a participant can no longer be reached through the bot.

Every path that finds it out calls :func:`tell_curators_unreachable` when
``services.announcements.mark_unreachable`` returned True (the person was reachable until
then): Telegram's ``my_chat_member`` "kicked" update (handlers/reachability), and a 403 to a
reminder, a follow-up question, a cadence nudge or a digest. Whichever comes first tells the
curators; the later ones find the person already marked and stay silent.
"""

from __future__ import annotations

import logging
from typing import Any

from aiogram import Bot
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from aiogram.utils.text_decorations import html_decoration as hd

from bot.sender import Outcome
from bot.services import Services
from handlers.delivery import send_text
from handlers.notify import notify
from handlers.people import display_name

log = logging.getLogger(__name__)


def unreachable_text(name: str) -> str:
    return _(
        "{name} has blocked the bot or deleted the account: messages from the bot no longer "
        "reach them. Please contact them directly."
    ).format(name=hd.quote(name))


async def tell_curators_unreachable(
    bot: Bot, i18n: I18n, services: Services, telegram_id: int
) -> int:
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
        for curator in await services.organizations.curators(organization_id):
            if curator.telegram_id == telegram_id:
                continue  # a curator who also takes part cannot be told through the bot
            locale = await services.languages.resolve(curator.telegram_id, None)
            with i18n.context(), i18n.use_locale(locale):
                text = unreachable_text(display_name(participant_id, answers))
            if await notify(bot, curator.telegram_id, text):
                told += 1
    return told


async def send_through_sender(
    bot: Bot,
    i18n: I18n,
    services: Services,
    chat_id: int,
    text: str,
    markup: InlineKeyboardMarkup | None = None,
) -> bool:
    """One message of a bulk send (a nudge, a digest, a question, a holiday notice): under
    Telegram's limits, not even tried for someone marked unreachable; a 403 marks the person
    and the curators hear of it the first time. Returns whether it was delivered."""
    if await services.announcements.is_unreachable(chat_id):
        return False
    delivery = await services.sender.send_one(
        chat_id, lambda chat: send_text(bot, chat, text, reply_markup=markup)
    )
    if delivery.outcome is Outcome.UNREACHABLE:
        if await services.announcements.mark_unreachable(chat_id):
            await tell_curators_unreachable(bot, i18n, services, chat_id)
    elif delivery.outcome is Outcome.FAILED:
        log.warning("Message to chat %s failed: %s", chat_id, delivery.detail)
    return delivery.outcome is Outcome.DELIVERED
