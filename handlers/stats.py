"""/stats: the indicators as a short message and a PNG chart; monitoring before and after; the
summary over organizations for coordinators and administrators. Each is a report of a period
(the current cycle unless another is chosen with «Период: …» under it: handlers/period_picker.py).
/indicators: the curator enters the denominators of the year and the organization's targets.

Who sees what is decided by :class:`bot.reports.indicators.IndicatorService` (read from the
database at every press): the curator of an organization sees it, a municipal coordinator or an
administrator the sum over the organizations they cover, anyone else a friendly refusal.
Texts, numbers and buttons are in handlers/stats_views.py.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from functools import partial

from aiogram import Bot, F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot.models.periods import Period
from bot.outdated import Outdated
from bot.reports.chart import render_chart
from bot.reports.indicator_figures import Indicators
from bot.reports.targets import InputProblem
from bot.screens import Rows, Screen
from bot.services import Services
from handlers import period_picker
from handlers.filters import curator_router
from handlers.period_picker import (
    PeriodReport,
    ReportRequest,
    ReportScope,
    organization_scope,
    organizations_scope,
    request_for,
    send_report,
)
from handlers.period_views import capitalized
from handlers.render import answer, send
from handlers.states import IndicatorsDialogue
from handlers.stats_figures import chart_bars
from handlers.stats_views import (
    MONITORING_LATEST,
    MONITORING_REPORT,
    PROBLEMS,
    STATS_REPORT,
    SUMMARY_REPORT,
    TARGET_PREFIX,
    TARGET_PROBLEMS,
    IndicatorEdit,
    StatsPage,
    StatsView,
    field_prompt,
    indicators_screen,
    indicators_screens,
    monitoring_rows,
    monitoring_screens,
    organization_continued,
    organization_heading,
    organization_rows,
    outdated_indicators,
    outdated_stats,
    refusal,
    summary_chart_title,
    summary_continued,
    summary_heading,
    summary_rows,
)

log = logging.getLogger(__name__)


async def chart_png(indicators: Indicators, title: str, period: str, locale: str) -> bytes:
    bars = chart_bars(indicators, locale)
    # Drawing takes a noticeable fraction of a second: off the event loop.
    return await asyncio.to_thread(
        partial(
            render_chart,
            bars,
            title=title,
            target_label=_("target"),
            value_label=_("share, %"),
            period=capitalized(period),
        )
    )


async def own_form_titles(services: Services, organization_ids: tuple[int, ...]) -> dict[str, str]:
    if len(organization_ids) != 1:
        return {}
    forms = await services.organizations.forms(organization_ids[0])
    return {form.code: form.title for form in forms if form.title}


# --- who sees which report -------------------------------------------------------------------


async def curated_scope(services: Services, telegram_id: int) -> ReportScope | None:
    """The organization this person curates now."""
    viewer = await services.indicators.viewer(telegram_id, is_admin=services.is_admin(telegram_id))
    if viewer.curated is None:
        return None
    return await organization_scope(services, viewer.curated)


async def covered_scope(services: Services, telegram_id: int) -> ReportScope | None:
    """The organizations a coordinator or an administrator covers now."""
    viewer = await services.indicators.viewer(telegram_id, is_admin=services.is_admin(telegram_id))
    if not viewer.covered:
        return None
    return organizations_scope(services, viewer.covered)


# --- the reports, for any period --------------------------------------------------------------


async def organization_buttons(request: ReportRequest) -> Rows:
    services, user = request.services, request.telegram_id
    viewer = await services.indicators.viewer(user, is_admin=services.is_admin(user))
    covered = len([o for o in viewer.covered if o != viewer.curated])
    return organization_rows(covered, request.period, request.label)


async def organization_screens(request: ReportRequest) -> AsyncIterator[Screen]:
    """One organization's figures for the period: the text, then the chart."""
    services, user = request.services, request.telegram_id
    organization_id = request.scope.organization_ids[0]
    indicators = await services.indicators.for_viewer(
        user, organization_id, is_admin=services.is_admin(user), period=request.period
    )
    organization = await services.organizations.get(organization_id)
    if indicators is None or organization is None:
        return
    titles = await own_form_titles(services, indicators.organization_ids)
    png = await chart_png(indicators, organization.name, request.label, request.locale)
    screens = indicators_screens(
        indicators,
        organization_heading(organization.name, request.label),
        organization_continued(request.label),
        titles,
        request.locale,
        await organization_buttons(request),
        png,
        request.label,
    )
    for screen in screens:
        yield screen


async def summary_buttons(request: ReportRequest) -> Rows:
    return summary_rows(request.period, request.label)


async def summary_screens(request: ReportRequest) -> AsyncIterator[Screen]:
    """The figures summed over the organizations a coordinator or an administrator covers."""
    services, user = request.services, request.telegram_id
    summary = await services.indicators.summary_for(
        user, is_admin=services.is_admin(user), period=request.period
    )
    if summary is None:
        return
    count = len(summary.organization_ids)
    png = await chart_png(summary, summary_chart_title(count), request.label, request.locale)
    screens = indicators_screens(
        summary,
        summary_heading(count, request.label),
        summary_continued(request.label),
        {},
        request.locale,
        summary_rows(request.period, request.label),
        png,
        request.label,
    )
    for screen in screens:
        yield screen


async def monitoring_buttons(request: ReportRequest) -> Rows:
    return monitoring_rows(request.period, request.label)


async def monitoring_report(request: ReportRequest) -> AsyncIterator[Screen]:
    """Monitoring before and after of the curated organization's cycles of the period."""
    services = request.services
    organization_id = request.scope.organization_ids[0]
    rows = await services.monitoring.rows(organization_id, request.period)
    titles = await own_form_titles(services, (organization_id,)) if rows else {}
    buttons = monitoring_rows(request.period, request.label)
    for screen in monitoring_screens(rows, titles, request.locale, request.label, buttons):
        yield screen


STATS = PeriodReport(STATS_REPORT, curated_scope, organization_screens, organization_buttons)
SUMMARY = PeriodReport(SUMMARY_REPORT, covered_scope, summary_screens, summary_buttons)
MONITORING = PeriodReport(
    MONITORING_REPORT,
    curated_scope,
    monitoring_report,
    monitoring_buttons,
    current_label=MONITORING_LATEST,
)


async def send_current(
    bot: Bot, chat_id: int, user: int, services: Services, report: PeriodReport, locale: str
) -> bool:
    """The report for the default period as new messages; False when it is not this person's."""
    request = await request_for(report, services, user, Period.current_cycle(), locale)
    if request is None:
        return False
    await send_report(bot, chat_id, report, request)
    return True


# --- /stats -------------------------------------------------------------------------------


async def show_stats(message: Message, services: Services, bot: Bot, i18n: I18n) -> None:
    assert message.from_user is not None
    await send_stats(bot, message.chat.id, message.from_user.id, services, i18n)


async def send_stats(bot: Bot, chat_id: int, user: int, services: Services, i18n: I18n) -> None:
    """/stats for this user (a command or the curator panel's button): their organization's
    figures, the summary of those they coordinate, or a refusal; for the current cycle, with
    the choice of another period under it."""
    locale = i18n.current_locale
    if await send_current(bot, chat_id, user, services, STATS, locale):
        return
    if await send_current(bot, chat_id, user, services, SUMMARY, locale):
        return
    await send(bot, chat_id, Screen(refusal()))


def refuse(allowed: bool, callback_answer: CallbackAnswer) -> None:
    # Not an outdated press when the person may not see statistics at all: say why, plainly.
    if not allowed:
        callback_answer.text = refusal()
        callback_answer.show_alert = True
        return
    raise Outdated(outdated_stats())


async def on_monitoring(
    query: CallbackQuery, callback_answer: CallbackAnswer, services: Services, bot: Bot, i18n: I18n
) -> None:
    # A button of an earlier version: the monitoring for the default period.
    user = query.from_user.id
    if not await send_current(bot, user, user, services, MONITORING, i18n.current_locale):
        viewer = await services.indicators.viewer(user, is_admin=services.is_admin(user))
        refuse(viewer.allowed, callback_answer)


async def on_summary(
    query: CallbackQuery, callback_answer: CallbackAnswer, services: Services, bot: Bot, i18n: I18n
) -> None:
    # A button of an earlier version: the summary for the current cycles.
    user = query.from_user.id
    if not await send_current(bot, user, user, services, SUMMARY, i18n.current_locale):
        viewer = await services.indicators.viewer(user, is_admin=services.is_admin(user))
        refuse(viewer.allowed, callback_answer)


async def on_organization(
    query: CallbackQuery, callback_answer: CallbackAnswer, services: Services
) -> None:
    # No button carries it now; kept so an old one is answered as outdated, not ignored.
    user = query.from_user.id
    viewer = await services.indicators.viewer(user, is_admin=services.is_admin(user))
    refuse(viewer.allowed, callback_answer)


# --- /indicators: denominators and targets ----------------------------------------------------


async def indicators_view(
    services: Services, organization_id: int, locale: str, saved: bool = False
) -> Screen:
    row = await services.indicators.denominators(organization_id)
    targets = await services.indicators.targets(organization_id)
    current_year = services.indicators.school_year()
    return indicators_screen(row, targets, current_year, locale, saved)


async def show_indicators(
    message: Message, state: FSMContext, services: Services, curator_org_id: int, i18n: I18n
) -> None:
    await state.clear()
    await answer(message, await indicators_view(services, curator_org_id, i18n.current_locale))


async def ask_value(
    query: CallbackQuery, callback_data: IndicatorEdit, state: FSMContext, bot: Bot
) -> None:
    # The fields are the denominators and the targets known now; anything else is forged
    # or from an older version.
    prompt = field_prompt(callback_data.field)
    if prompt is None:
        raise Outdated(outdated_indicators())
    await state.set_state(IndicatorsDialogue.value)
    await state.set_data({"field": callback_data.field})
    await send(bot, query.from_user.id, Screen(prompt))


async def receive_value(
    message: Message, state: FSMContext, services: Services, curator_org_id: int, i18n: I18n
) -> None:
    assert message.from_user is not None
    field = str((await state.get_data()).get("field", ""))
    text = message.text or ""
    if field.startswith(TARGET_PREFIX):
        result: object = await services.indicators.set_target(
            curator_org_id, field.removeprefix(TARGET_PREFIX), text, message.from_user.id
        )
        problems = TARGET_PROBLEMS
    else:
        result = await services.indicators.set_denominator(
            curator_org_id, field, text, message.from_user.id
        )
        problems = PROBLEMS
    if isinstance(result, InputProblem):
        if result in problems:
            await message.answer(_(problems[result]))
            return
        await state.clear()
        await message.answer(_("Something has changed meanwhile. Please open /indicators again."))
        return
    await state.clear()
    screen = await indicators_view(services, curator_org_id, i18n.current_locale, saved=True)
    await answer(message, screen)


def build_router() -> Router:
    router = Router(name="stats")
    # Everyone may ask; the service decides what they see (curators, coordinators, admins).
    router.message.register(show_stats, Command("stats"))
    view = StatsView.filter
    router.callback_query.register(on_monitoring, view(F.view == StatsPage.MONITORING))
    router.callback_query.register(on_summary, view(F.view == StatsPage.SUMMARY))
    router.callback_query.register(on_organization, view(F.view == StatsPage.ORGANIZATION))
    for report in (STATS, SUMMARY, MONITORING):
        period_picker.attach(router, report)

    editing = curator_router("indicators")
    editing.message.register(show_indicators, Command("indicators"))
    editing.callback_query.register(ask_value, IndicatorEdit.filter())
    editing.message.register(
        receive_value, StateFilter(IndicatorsDialogue.value), F.text, ~F.text.startswith("/")
    )
    router.include_router(editing)
    return router
