"""/export: the curator gets the organization's Excel workbook (registers, pairs, meetings,
feedback, monitoring, indicators). Building it runs in a thread; the bot keeps answering."""

from __future__ import annotations

import logging

from aiogram import Router
from aiogram.enums import ChatAction
from aiogram.filters import Command, CommandObject
from aiogram.types import BufferedInputFile, Message
from aiogram.utils.i18n import get_i18n
from aiogram.utils.i18n import gettext as _

from bot.reports.export import ExportError, ExportProblem
from bot.services import Services
from handlers.filters import curator_router

log = logging.getLogger(__name__)

# Telegram takes documents from bots up to 50 MB.
MAX_DOCUMENT_BYTES = 50 * 1024 * 1024


def other_organization() -> str:
    return _(
        "You can export only the data of the organization you curate. "
        "Send /export without a number to get it."
    )


async def send_export(
    message: Message, command: CommandObject, services: Services, curator_org_id: int
) -> None:
    assert message.from_user is not None
    argument = (command.args or "").strip()
    if argument and (not argument.isdigit() or int(argument) != curator_org_id):
        await message.answer(other_organization())
        return
    await export_workbook(message, message.from_user.id, services, curator_org_id)


async def export_workbook(
    message: Message, user_id: int, services: Services, organization_id: int
) -> None:
    """Make the workbook for this curator and send it into the chat of ``message`` (their
    command, or the panel under the button they pressed); the right is checked again."""
    await message.answer(_("Preparing the workbook: it may take a few seconds."))
    if message.bot is not None:
        await message.bot.send_chat_action(message.chat.id, ChatAction.UPLOAD_DOCUMENT)
    try:
        export = await services.exports.for_curator(
            user_id, organization_id, get_i18n().current_locale
        )
    except ExportError as error:
        # The curator was removed or the organization deleted while the file was prepared.
        log.info("Export refused for %s: %s", user_id, error.problem)
        if error.problem is ExportProblem.NOT_CURATOR:
            await message.answer(other_organization())
        else:
            await message.answer(_("This organization no longer exists."))
        return
    if len(export.content) > MAX_DOCUMENT_BYTES:
        await message.answer(
            _(
                "The workbook is larger than Telegram allows a bot to send (50 MB). Ask the "
                "administrator to make it on the server: python -m bot export --org {org} "
                "--out report.xlsx"
            ).format(org=organization_id)
        )
        return
    await message.answer_document(
        BufferedInputFile(export.content, filename=export.filename),
        caption=_(
            "The mentor base and the mentee base (appendices 2.2 and 2.3), pairs, meetings, "
            "feedback, monitoring and indicators. Dates are in the organization's time zone."
        ),
    )


def build_router() -> Router:
    router = curator_router("export")
    router.message.register(send_export, Command("export"))
    return router
