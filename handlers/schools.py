"""/schools: a municipal coordinator (or an administrator) gets the table of the organizations
they cover, one school per line with its mark, worst first, in pages; then a PNG chart of the
worst; and from a button the combined Excel workbook (the registers of all of them and the
table). /export from someone who covers organizations and curates none gives the same
workbook (a curator's /export is their own organization's: handlers/export.py).

Who sees what is decided by :class:`bot.reports.schools.SchoolTableService` at every press:
a coordinator only the organizations they cover, an administrator all, anyone else (a curator
included: their own figures are in /stats) a refusal. Nothing here changes any data.
Texts and buttons are in handlers/school_views.py.
"""

from __future__ import annotations

import asyncio
import logging

from aiogram import Bot, F, Router
from aiogram.enums import ChatAction
from aiogram.filters import Command, CommandObject, Filter
from aiogram.types import CallbackQuery, Message, TelegramObject, User
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import I18n

from bot.models.periods import Period
from bot.outdated import Outdated
from bot.reports.export import ExportError
from bot.reports.export_book import CURRENT_CYCLE
from bot.reports.school_chart import render_school_chart
from bot.reports.schools import SchoolTable
from bot.screens import Screen
from bot.services import Services
from handlers.render import answer, edit, pressed_message, send
from handlers.school_views import (
    SchoolsAction,
    SchoolsView,
    chart_bars,
    chart_screen,
    chart_texts,
    one_workbook,
    outdated_schools,
    period_of,
    preparing,
    refusal,
    table_screen,
    too_large,
    workbook_screen,
)

log = logging.getLogger(__name__)

# Telegram takes documents from bots up to 50 MB.
MAX_DOCUMENT_BYTES = 50 * 1024 * 1024


async def _table(
    services: Services, user: int, period: Period, *, reuse: bool = False
) -> SchoolTable | None:
    return await services.schools.for_viewer(
        user, period, is_admin=services.is_admin(user), reuse=reuse
    )


async def _refusal(services: Services, user: int) -> str:
    curator = await services.organizations.curator_organization_id(user) is not None
    return refusal(curator)


async def send_schools(
    bot: Bot, chat_id: int, user: int, services: Services, period: Period, locale: str
) -> None:
    """The table's first page and the chart for this user, or a refusal."""
    if await services.schools.covered(user, is_admin=services.is_admin(user)):
        # A region's table takes seconds: show that the bot is at it.
        await bot.send_chat_action(chat_id, ChatAction.TYPING)
    table = await _table(services, user, period)
    if table is None:
        await send(bot, chat_id, Screen(await _refusal(services, user)))
        return
    await send(bot, chat_id, table_screen(table, 0, locale))
    if table.rows:
        # Drawing takes a noticeable fraction of a second: off the event loop.
        png = await asyncio.to_thread(
            render_school_chart, chart_bars(table, locale), chart_texts(table)
        )
        await send(bot, chat_id, chart_screen(png, table, locale))


async def show_schools(message: Message, services: Services, bot: Bot, i18n: I18n) -> None:
    assert message.from_user is not None
    await send_schools(
        bot, message.chat.id, message.from_user.id, services, CURRENT_CYCLE, i18n.current_locale
    )


def _period(data: SchoolsView) -> Period:
    period = period_of(data)
    if period is None:
        raise Outdated(outdated_schools())
    return period


async def _refuse_press(services: Services, user: int, callback_answer: CallbackAnswer) -> None:
    callback_answer.text = await _refusal(services, user)
    callback_answer.show_alert = True


async def on_page(
    query: CallbackQuery,
    callback_data: SchoolsView,
    callback_answer: CallbackAnswer,
    services: Services,
    i18n: I18n,
) -> None:
    period = _period(callback_data)
    user = query.from_user.id
    table = await _table(services, user, period, reuse=True)
    if table is None:
        await _refuse_press(services, user, callback_answer)
        return
    pressed_message(query)
    await edit(query, table_screen(table, callback_data.page, i18n.current_locale))


async def send_region_workbook(
    bot: Bot, chat_id: int, user: int, services: Services, period: Period, locale: str
) -> None:
    """The workbook of every organization this user covers, made in a thread; the right is
    checked again by the service."""
    await send(bot, chat_id, preparing())
    await bot.send_chat_action(chat_id, ChatAction.UPLOAD_DOCUMENT)
    try:
        export = await services.exports.for_coordinator(
            user, locale, period, is_admin=services.is_admin(user)
        )
    except ExportError as error:
        # The coordinator lost their organizations while the file was prepared.
        log.info("Coordinator export refused for %s: %s", user, error.problem)
        await send(bot, chat_id, Screen(await _refusal(services, user)))
        return
    if len(export.content) > MAX_DOCUMENT_BYTES:
        await send(bot, chat_id, too_large())
        return
    await send(bot, chat_id, workbook_screen(export.content, export.filename))


async def on_workbook(
    query: CallbackQuery,
    callback_data: SchoolsView,
    callback_answer: CallbackAnswer,
    services: Services,
    bot: Bot,
    i18n: I18n,
) -> None:
    period = _period(callback_data)
    user = query.from_user.id
    if not await services.schools.covered(user, is_admin=services.is_admin(user)):
        await _refuse_press(services, user, callback_answer)
        return
    await send_region_workbook(bot, user, user, services, period, i18n.current_locale)


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
    message: Message, command: CommandObject, services: Services, bot: Bot, i18n: I18n
) -> None:
    assert message.from_user is not None
    if (command.args or "").strip():
        await answer(message, one_workbook())
        return
    await send_region_workbook(
        bot, message.chat.id, message.from_user.id, services, CURRENT_CYCLE, i18n.current_locale
    )


def build_router() -> Router:
    router = Router(name="schools")
    # Everyone may ask; the service decides (coordinators, administrators).
    router.message.register(show_schools, Command("schools"))
    view = SchoolsView.filter
    router.callback_query.register(on_page, view(F.action == SchoolsAction.PAGE))
    router.callback_query.register(on_workbook, view(F.action == SchoolsAction.WORKBOOK))
    router.message.register(export_all, Command("export"), CoversAndCuratesNone())
    return router
