"""The monitoring poll "before" offered with a reason and a «Start» button, not started
unannounced; one reminder a day later (bot/monitoring_offers.py decides who is due)."""

from __future__ import annotations

import logging

from aiogram import Bot, Router
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _

from bot.screens import Button, Screen
from bot.sender import Outcome
from bot.services import Services
from handlers.address import is_minor, you
from handlers.render import drop_message_keyboard, markup_of
from handlers.responses import send_monitoring_before

log = logging.getLogger(__name__)


class StartMonitoring(CallbackData, prefix="mon1s"):
    participant_id: int


def start_data(participant_id: int) -> str:
    return StartMonitoring(participant_id=participant_id).pack()


def start_keyboard(participant_id: int) -> InlineKeyboardMarkup | None:
    return markup_of(Screen("", ((Button(_("Start"), data=start_data(participant_id)),),)))


def offer_text(minor: bool) -> str:
    return you(
        minor,
        "One more request: the school measures how the mentorship programme works, so it asks "
        "you to answer a short poll now and once more at the end. It takes about two minutes.",
    )


def reminder_text(minor: bool) -> str:
    return you(
        minor,
        "A reminder: the school asks you to answer a short poll about how the mentorship "
        "programme works. It takes about two minutes.",
    )


async def on_start(
    query: CallbackQuery,
    callback_data: StartMonitoring,
    services: Services,
    bot: Bot,
    callback_answer: CallbackAnswer,
) -> None:
    participant = await services.participants.owned(
        callback_data.participant_id, query.from_user.id
    )
    if participant is None or not isinstance(query.message, Message):
        callback_answer.text = _("This button is outdated. Please use the latest message or /help.")
        return
    await drop_message_keyboard(query.message)
    if not await send_monitoring_before(services, participant.id):
        callback_answer.text = _("This form is already completed. Thank you!")


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
            lambda minor=minor, pid=pid: Screen(  # type: ignore[misc]
                reminder_text(minor), ((Button(_("Start"), data=start_data(pid)),),)
            ),
            kind="monitoring_reminder",
        )
        if sent is not Outcome.DELIVERED:
            log.info("The monitoring reminder was not delivered to participant %s", participant_id)


def build_router() -> Router:
    router = Router(name="monitoring_offer")
    router.callback_query.register(on_start, StartMonitoring.filter())
    return router
