"""The one error handler: log with context, tell the person what to do next."""

from __future__ import annotations

import logging

from aiogram import Bot, Dispatcher
from aiogram.exceptions import TelegramAPIError
from aiogram.types import ErrorEvent
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot.services import Services

log = logging.getLogger(__name__)


def _event_context(event: ErrorEvent) -> tuple[str, int | None, int | None]:
    """Update type, chat and user ids: enough to find the case, no personal data."""
    update = event.update
    kind = update.event_type
    user = getattr(update.event, "from_user", None)
    chat_id: int | None = None
    if update.message is not None:
        chat_id = update.message.chat.id
    elif update.callback_query is not None and update.callback_query.message is not None:
        chat_id = update.callback_query.message.chat.id
    elif user is not None:
        chat_id = user.id
    return kind, chat_id, user.id if user is not None else None


async def on_error(event: ErrorEvent, bot: Bot, i18n: I18n, services: Services) -> None:
    kind, chat_id, user_id = _event_context(event)
    log.error(
        "Failed to handle update %s (%s) from user %s: %s",
        event.update.update_id,
        kind,
        user_id,
        type(event.exception).__name__,
        exc_info=event.exception,
    )
    if chat_id is None:
        return
    locale = await _locale_for(services, event, user_id)
    with i18n.context(), i18n.use_locale(locale):
        text = _(
            "Sorry, something went wrong on my side, and your last action was not completed. "
            "Please try again in a minute. If it happens again, write to /support."
        )
    try:
        await bot.send_message(chat_id, text)
    except TelegramAPIError as error:
        log.warning("Could not tell chat %s about the failure: %s", chat_id, error)


async def _locale_for(services: Services, event: ErrorEvent, user_id: int | None) -> str:
    if user_id is None:
        return services.languages.default
    user = getattr(event.update.event, "from_user", None)
    try:
        return await services.languages.resolve(user_id, getattr(user, "language_code", None))
    except Exception:  # the failure may be the database itself
        return services.languages.default


def register_error_handler(dispatcher: Dispatcher) -> None:
    # On the dispatcher itself: errors travel up the router tree, never sideways.
    dispatcher.errors.register(on_error)
