"""The monitoring poll "before" offered with a reason and a «Start» button, not started
unannounced; one reminder a day later (bot/monitoring_offers.py decides who is due).

Texts and buttons are in handlers/monitoring_views.py."""

from __future__ import annotations

import logging

from aiogram import Router
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from bot.outdated import Outdated
from bot.screens import Screen
from bot.sender import Outcome
from bot.services import Services
from handlers.address import is_minor
from handlers.monitoring_views import (
    StartMonitoring,
    already_completed,
    reminder_screen,
    start_rows,
)
from handlers.outdated import outdated_button_text
from handlers.render import drop_message_keyboard, markup_of
from handlers.responses import send_monitoring_before

log = logging.getLogger(__name__)


def start_keyboard(participant_id: int) -> InlineKeyboardMarkup | None:
    """The «Start» button under the questionnaire's last message (handlers/questionnaire.py
    sends that message with aiogram still)."""
    return markup_of(Screen("", start_rows(participant_id)))


async def on_start(
    query: CallbackQuery, callback_data: StartMonitoring, services: Services
) -> None:
    participant = await services.participants.owned(
        callback_data.participant_id, query.from_user.id
    )
    if participant is None or not isinstance(query.message, Message):
        raise Outdated(outdated_button_text())
    await drop_message_keyboard(query.message)
    if not await send_monitoring_before(services, participant.id):
        raise Outdated(already_completed())


async def remind_monitoring(services: Services) -> None:
    """The scheduler's tick: the one reminder for those who have not opened the poll."""
    for participant_id in await services.monitoring_offers.due_reminders():
        participant = await services.participants.get(participant_id)
        if participant is None:
            continue
        minor = is_minor(participant)
        pid = participant.id
        sent = await services.outbox.send(
            participant.telegram_id,
            lambda minor=minor, pid=pid: reminder_screen(minor, pid),  # type: ignore[misc]
            kind="monitoring_reminder",
        )
        if sent is not Outcome.DELIVERED:
            log.info("The monitoring reminder was not delivered to participant %s", participant_id)


def build_router() -> Router:
    router = Router(name="monitoring_offer")
    router.callback_query.register(on_start, StartMonitoring.filter())
    return router
