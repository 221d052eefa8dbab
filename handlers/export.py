"""/export: the curator gets the organization's Excel workbook (registers, pairs, meetings,
feedback, monitoring, indicators). Building it runs in a thread; the bot keeps answering.

Texts are in handlers/export_views.py."""

from __future__ import annotations

import logging

from aiogram import Router
from aiogram.enums import ChatAction
from aiogram.filters import Command, CommandObject
from aiogram.types import Message

from bot.reports.export import ExportError, ExportProblem
from bot.services import Services
from handlers.export_views import (
    organization_gone,
    other_organization,
    preparing,
    too_large,
    workbook_screen,
)
from handlers.filters import curator_router
from handlers.render import answer
from handlers.texts import current_locale

log = logging.getLogger(__name__)

# Telegram takes documents from bots up to 50 MB.
MAX_DOCUMENT_BYTES = 50 * 1024 * 1024


async def send_export(
    message: Message, command: CommandObject, services: Services, curator_org_id: int
) -> None:
    assert message.from_user is not None
    argument = (command.args or "").strip()
    if argument and (not argument.isdigit() or int(argument) != curator_org_id):
        await answer(message, other_organization())
        return
    await export_workbook(message, message.from_user.id, services, curator_org_id)


async def export_workbook(
    message: Message, user_id: int, services: Services, organization_id: int
) -> None:
    """Make the workbook for this curator and send it into the chat of ``message`` (their
    command, or the panel under the button they pressed); the right is checked again."""
    await answer(message, preparing())
    if message.bot is not None:
        await message.bot.send_chat_action(message.chat.id, ChatAction.UPLOAD_DOCUMENT)
    try:
        export = await services.exports.for_curator(user_id, organization_id, current_locale())
    except ExportError as error:
        # The curator was removed or the organization deleted while the file was prepared.
        log.info("Export refused for %s: %s", user_id, error.problem)
        if error.problem is ExportProblem.NOT_CURATOR:
            await answer(message, other_organization())
        else:
            await answer(message, organization_gone())
        return
    if len(export.content) > MAX_DOCUMENT_BYTES:
        await answer(message, too_large(organization_id))
        return
    await answer(message, workbook_screen(export.content, export.filename))


def build_router() -> Router:
    router = curator_router("export")
    router.message.register(send_export, Command("export"))
    return router
