"""/schools: a municipal coordinator (or an administrator) gets the table of the organizations
they cover, one school per line with its mark, worst first, in pages; then a PNG chart of the
worst; and from a button the combined Excel workbook (the registers of all of them and the
table) of the same period. /export from someone who covers organizations and curates none asks
for the period and gives the same workbook (a curator's /export is their own organization's:
handlers/export.py).

Both are reports of the period picker (handlers/period_picker.py): the current cycle by
default — for several organizations, each one's own current cycle; a single cycle is a period
only of a coordinator of one organization — any school year, calendar year or typed dates
chosen with «Период: …»; the pages turned for the same period.

Who sees what is decided by :class:`bot.reports.schools.SchoolTableService` at every press:
a coordinator only the organizations they cover, an administrator all, anyone else (a curator
included: their own figures are in /stats) a refusal. Nothing here changes any data.
Texts and buttons are in handlers/school_views.py.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator

from aiogram import Bot, F, Router
from aiogram.enums import ChatAction
from aiogram.filters import Command, CommandObject, Filter
from aiogram.types import Message, TelegramObject, User
from aiogram.utils.i18n import I18n

from bot.models.periods import Period
from bot.reports.export import ExportError
from bot.reports.school_chart import render_school_chart
from bot.screens import Screen
from bot.services import Services
from handlers import period_picker
from handlers.period_picker import (
    PeriodReport,
    ReportRequest,
    ReportScope,
    organization_scope,
    organizations_scope,
)
from handlers.render import answer, send
from handlers.school_views import (
    OLD_SCHOOLS_PAGE,
    OLD_SCHOOLS_WORKBOOK,
    REGION_EXPORT_REPORT,
    SCHOOLS_REPORT,
    chart_bars,
    chart_screen,
    chart_texts,
    choose_period,
    one_workbook,
    preparing,
    refusal,
    table_screen,
    too_large,
    workbook_screen,
)

log = logging.getLogger(__name__)

# Telegram takes documents from bots up to 50 MB.
MAX_DOCUMENT_BYTES = 50 * 1024 * 1024


async def covered_scope(services: Services, telegram_id: int) -> ReportScope | None:
    """The organizations whose table this person may see now (read from the database)."""
    ids = await services.schools.covered(telegram_id, is_admin=services.is_admin(telegram_id))
    if not ids:
        return None
    if len(set(ids)) == 1:
        return await organization_scope(services, ids[0])
    return organizations_scope(services, tuple(sorted(set(ids))))


async def _refusal(services: Services, user: int) -> str:
    curator = await services.organizations.curator_organization_id(user) is not None
    return refusal(curator)


# --- the table ----------------------------------------------------------------------------


async def table_page(request: ReportRequest, page: int) -> Screen | None:
    """A page of the table; a table of the same organizations and period counted a moment ago
    is shown again (turning pages of a region's table must not count it anew)."""
    services, user = request.services, request.telegram_id
    table = await services.schools.for_viewer(
        user, request.period, is_admin=services.is_admin(user), reuse=True
    )
    if table is None:
        return None
    return table_screen(table, page, request.label, request.locale)


async def table_screens(request: ReportRequest) -> AsyncIterator[Screen]:
    """The table's first page, counted now, then the chart."""
    services, user = request.services, request.telegram_id
    is_admin = services.is_admin(user)
    table = await services.schools.for_viewer(user, request.period, is_admin=is_admin)
    if table is None:
        return
    yield table_screen(table, 0, request.label, request.locale)
    if table.rows:
        # Drawing takes a noticeable fraction of a second: off the event loop.
        png = await asyncio.to_thread(
            render_school_chart, chart_bars(table, request.locale), chart_texts(request.label)
        )
        yield chart_screen(png, table, request.locale)


SCHOOLS = PeriodReport(SCHOOLS_REPORT, covered_scope, table_screens, page=table_page)


async def send_schools(bot: Bot, chat_id: int, user: int, services: Services, locale: str) -> None:
    """The table of the current cycles and the chart for this user, or a refusal."""
    request = await period_picker.request_for(
        SCHOOLS, services, user, Period.current_cycle(), locale
    )
    if request is None:
        await send(bot, chat_id, Screen(await _refusal(services, user)))
        return
    # A region's table takes seconds: show that the bot is at it.
    await bot.send_chat_action(chat_id, ChatAction.TYPING)
    await period_picker.send_report(bot, chat_id, SCHOOLS, request)


async def show_schools(message: Message, services: Services, bot: Bot, i18n: I18n) -> None:
    assert message.from_user is not None
    await send_schools(bot, message.chat.id, message.from_user.id, services, i18n.current_locale)


# --- the combined workbook -------------------------------------------------------------------


async def workbook_screens(request: ReportRequest) -> AsyncIterator[Screen]:
    """The notice (in place of the choice), then the file, made in a thread; the right is
    checked again by the service."""
    services, user = request.services, request.telegram_id
    yield preparing(request.label)
    try:
        export = await services.exports.for_coordinator(
            user, request.locale, request.period, is_admin=services.is_admin(user)
        )
    except ExportError as error:
        # The coordinator lost their organizations while the file was prepared.
        log.info("Coordinator export refused for %s: %s", user, error.problem)
        yield Screen(await _refusal(services, user))
        return
    if len(export.content) > MAX_DOCUMENT_BYTES:
        yield too_large()
        return
    yield workbook_screen(export.content, export.filename, request.label)


REGION_EXPORT = PeriodReport(REGION_EXPORT_REPORT, covered_scope, workbook_screens)


class CoversAndCuratesNone(Filter):
    """Someone who covers organizations (a coordinator, an administrator) and curates none:
    their /export is the workbook of all of them; a curator's stays their own school's."""

    async def __call__(
        self, event: TelegramObject, services: Services, event_from_user: User | None = None
    ) -> bool:
        if event_from_user is None:
            return False
        user = event_from_user.id
        if await services.organizations.curator_organization_id(user) is not None:
            return False
        return bool(await services.schools.covered(user, is_admin=services.is_admin(user)))


async def export_all(
    message: Message, command: CommandObject, services: Services, i18n: I18n
) -> None:
    """/export of a coordinator: the choice of the period; the file follows the choice."""
    assert message.from_user is not None
    if (command.args or "").strip():
        await answer(message, one_workbook())
        return
    user = message.from_user.id
    request = await period_picker.request_for(
        REGION_EXPORT, services, user, Period.current_cycle(), i18n.current_locale
    )
    if request is None:
        await answer(message, Screen(await _refusal(services, user)))
        return
    rows = await period_picker.choices_rows(REGION_EXPORT, request, back=False)
    await answer(message, choose_period(len(request.scope.organization_ids), rows))


def build_router() -> Router:
    router = Router(name="schools")
    # Everyone may ask; the service decides (coordinators, administrators).
    router.message.register(show_schools, Command("schools"))
    router.message.register(export_all, Command("export"), CoversAndCuratesNone())
    for report in (SCHOOLS, REGION_EXPORT):
        period_picker.attach(router, report)
    # Buttons of the table before it had the choice of the period: the current cycles' table,
    # and the workbook of such a table (it was always of the current cycles).
    router.callback_query.register(
        period_picker.old_button_handler(SCHOOLS), F.data.startswith(OLD_SCHOOLS_PAGE)
    )
    router.callback_query.register(
        period_picker.old_button_handler(REGION_EXPORT, in_place=False),
        F.data.startswith(OLD_SCHOOLS_WORKBOOK),
    )
    return router
