"""The monitoring poll "before" offered with a reason and a «Start» button, not started
unannounced; one reminder a day later (bot/monitoring_offers.py decides who is due, the job
is jobs/monitoring_offers.py).

Texts and buttons are in handlers/monitoring_views.py."""

from __future__ import annotations

import logging

from aiogram import Router
from aiogram.types import CallbackQuery, Message

from bot.outdated import Outdated
from bot.services import Services
from handlers.monitoring_views import (
    StartMonitoring,
    already_completed,
)
from handlers.outdated import outdated_button_text
from handlers.render import drop_message_keyboard
from handlers.responses import send_monitoring_before

log = logging.getLogger(__name__)


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


def build_router() -> Router:
    router = Router(name="monitoring_offer")
    router.callback_query.register(on_start, StartMonitoring.filter())
    return router
