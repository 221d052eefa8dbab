"""/stats: the indicators of the current cycle as a short message and a PNG chart; monitoring
before and after; the summary over organizations for coordinators and administrators.
/indicators: the curator enters the denominators of the year and the organization's targets.

Who sees what is decided by :class:`bot.reports.indicators.IndicatorService` (read from the
database at every press): the curator of an organization sees it, a municipal coordinator or an
administrator the sum over the organizations they cover, anyone else a friendly refusal.
Texts, numbers and buttons are in handlers/stats_views.py.
"""

from __future__ import annotations

import asyncio
import logging

from aiogram import Bot, F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot.outdated import Outdated
from bot.reports.chart import render_chart
from bot.reports.indicator_figures import Indicators
from bot.reports.targets import InputProblem
from bot.screens import Button, Screen
from bot.services import Services
from handlers.filters import curator_router
from handlers.render import answer, send
from handlers.states import IndicatorsDialogue
from handlers.stats_figures import chart_bars
from handlers.stats_views import (
    PROBLEMS,
    TARGET_PREFIX,
    TARGET_PROBLEMS,
    IndicatorEdit,
    StatsPage,
    StatsView,
    field_prompt,
    indicators_screen,
    indicators_screens,
    monitoring_screens,
    organization_heading,
    organization_rows,
    outdated_indicators,
    outdated_stats,
    refusal,
    summary_chart_title,
    summary_heading,
)

log = logging.getLogger(__name__)


async def chart_png(indicators: Indicators, title: str, locale: str) -> bytes:
    bars = chart_bars(indicators, locale)
    # Drawing takes a noticeable fraction of a second: off the event loop.
    return await asyncio.to_thread(
        render_chart,
        bars,
        title=title,
        target_label=_("target"),
        value_label=_("share, %"),
    )


async def own_form_titles(services: Services, organization_ids: tuple[int, ...]) -> dict[str, str]:
    if len(organization_ids) != 1:
        return {}
    forms = await services.organizations.forms(organization_ids[0])
    return {form.code: form.title for form in forms if form.title}


async def send_indicators(
    bot: Bot,
    chat_id: int,
    services: Services,
    indicators: Indicators,
    heading: str,
    chart_title: str,
    locale: str,
    rows: tuple[tuple[Button, ...], ...] = (),
) -> None:
    titles = await own_form_titles(services, indicators.organization_ids)
    png = await chart_png(indicators, chart_title, locale)
    for screen in indicators_screens(indicators, heading, titles, locale, rows, png):
        await send(bot, chat_id, screen)


async def send_organization(
    bot: Bot, chat_id: int, services: Services, organization_id: int, locale: str, covered: int
) -> bool:
    indicators = await services.indicators.for_viewer(
        chat_id, organization_id, is_admin=services.is_admin(chat_id)
    )
    organization = await services.organizations.get(organization_id)
    if indicators is None or organization is None:
        return False
    await send_indicators(
        bot, chat_id, services, indicators, organization_heading(organization.name),
        organization.name, locale, organization_rows(covered),
    )  # fmt: skip
    return True


async def send_summary(bot: Bot, chat_id: int, services: Services, locale: str) -> bool:
    summary = await services.indicators.summary_for(chat_id, is_admin=services.is_admin(chat_id))
    if summary is None:
        return False
    count = len(summary.organization_ids)
    await send_indicators(
        bot, chat_id, services, summary, summary_heading(count), summary_chart_title(count),
        locale,
    )  # fmt: skip
    return True


async def send_monitoring(
    bot: Bot, chat_id: int, services: Services, organization_id: int, locale: str
) -> None:
    rows = await services.monitoring.rows(organization_id)
    titles = await own_form_titles(services, (organization_id,)) if rows else {}
    for screen in monitoring_screens(rows, titles, locale):
        await send(bot, chat_id, screen)


# --- /stats -------------------------------------------------------------------------------


async def show_stats(message: Message, services: Services, bot: Bot, i18n: I18n) -> None:
    assert message.from_user is not None
    await send_stats(bot, message.chat.id, message.from_user.id, services, i18n)


async def send_stats(bot: Bot, chat_id: int, user: int, services: Services, i18n: I18n) -> None:
    """/stats for this user (a command or the curator panel's button): their organization's
    figures, the summary of those they coordinate, or a refusal."""
    viewer = await services.indicators.viewer(user, is_admin=services.is_admin(user))
    locale = i18n.current_locale
    if viewer.curated is not None:
        covered = len([o for o in viewer.covered if o != viewer.curated])
        if await send_organization(bot, chat_id, services, viewer.curated, locale, covered):
            return
    if viewer.covered and await send_summary(bot, chat_id, services, locale):
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
    user = query.from_user.id
    viewer = await services.indicators.viewer(user, is_admin=services.is_admin(user))
    if viewer.curated is None:
        refuse(viewer.allowed, callback_answer)
        return
    await send_monitoring(bot, user, services, viewer.curated, i18n.current_locale)


async def on_summary(
    query: CallbackQuery, callback_answer: CallbackAnswer, services: Services, bot: Bot, i18n: I18n
) -> None:
    user = query.from_user.id
    viewer = await services.indicators.viewer(user, is_admin=services.is_admin(user))
    if not viewer.covered or not await send_summary(bot, user, services, i18n.current_locale):
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

    editing = curator_router("indicators")
    editing.message.register(show_indicators, Command("indicators"))
    editing.callback_query.register(ask_value, IndicatorEdit.filter())
    editing.message.register(
        receive_value, StateFilter(IndicatorsDialogue.value), F.text, ~F.text.startswith("/")
    )
    router.include_router(editing)
    return router
