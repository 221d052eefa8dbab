"""/export: the curator chooses the period, then gets the organization's Excel workbook of it
(registers, pairs, meetings, feedback, monitoring, indicators). Building it runs in a thread;
the bot keeps answering.

The period's buttons are the period picker's (handlers/period_picker.py): the workbook is one
of its reports, so a typed range works here as under /stats. Texts are in
handlers/export_views.py."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import Message

from bot.models.periods import Period
from bot.reports.export import ExportError, ExportProblem
from bot.screens import Screen
from bot.services import Services
from handlers import period_picker
from handlers.export_views import (
    EXPORT_REPORT,
    choose_period,
    cycle_gone,
    organization_gone,
    other_organization,
    preparing,
    too_large,
    workbook_screen,
)
from handlers.filters import curator_router
from handlers.period_picker import PeriodReport, ReportRequest, curator_scope
from handlers.render import answer
from handlers.texts import current_locale

log = logging.getLogger(__name__)

# Telegram takes documents from bots up to 50 MB.
MAX_DOCUMENT_BYTES = 50 * 1024 * 1024


async def workbook_screens(request: ReportRequest) -> AsyncIterator[Screen]:
    """The notice (in place of the choice), then the file; the right is checked again."""
    services, user = request.services, request.telegram_id
    organization_id = request.scope.organization_ids[0]
    yield preparing(request.label)
    try:
        export = await services.exports.for_curator(
            user, organization_id, current_locale(), request.period
        )
    except ExportError as error:
        # The curator was removed, the organization deleted or the cycle is not its own.
        log.info("Export refused for %s: %s", user, error.problem)
        if error.problem is ExportProblem.NOT_CURATOR:
            yield other_organization()
        elif error.problem is ExportProblem.UNKNOWN_CYCLE:
            yield cycle_gone()
        else:
            yield organization_gone()
        return
    if len(export.content) > MAX_DOCUMENT_BYTES:
        yield too_large(organization_id, request.period, request.span)
        return
    yield workbook_screen(export.content, export.filename, request.label)


EXPORT = PeriodReport(EXPORT_REPORT, curator_scope, workbook_screens)


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
    """Ask this curator for the period of the workbook, in the chat of ``message`` (their
    command, or the panel under the button they pressed); the file follows the choice."""
    request = await period_picker.request_for(
        EXPORT, services, user_id, Period.current_cycle(), current_locale()
    )
    organization = await services.organizations.get(organization_id)
    if request is None or organization is None or request.scope.single != organization_id:
        await answer(message, other_organization())
        return
    rows = await period_picker.choices_rows(EXPORT, request, back=False)
    await answer(message, choose_period(organization.name, rows))


def build_router() -> Router:
    router = curator_router("export")
    router.message.register(send_export, Command("export"))
    period_picker.attach(router, EXPORT)
    return router
