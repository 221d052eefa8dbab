"""Stage 7, the curator's reports and the pairs' results: the mentor ranking of a period, the
finished pairs with their cards (what both sides said included) and good practices, the results
written by the curator or the mentor, and the buttons of the curator's panel (/curator) that
open the reports. Registered on the routers of :mod:`handlers.cycles`; texts and keyboards in
:mod:`handlers.cycle_views`.

The ranking is a report of the period picker (handlers/period_picker.py): the current cycle by
default, another period chosen with «Период: …» under it, its pages turned for the same period.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiogram import Bot
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot.cycles import CycleProblem
from bot.outdated import Outdated
from bot.screens import Screen
from bot.services import Services
from handlers import export, period_picker, stats, voices
from handlers.cycle_views import (
    RANKING_REPORT,
    FinishedPage,
    MentorResults,
    PairCard,
    PairGood,
    PairResultsEdit,
    Report,
    card_view,
    finished_view,
    problem_text,
    ranking_screen,
    results_prompt,
)
from handlers.period_picker import ReportRequest, curator_scope
from handlers.render import answer, edit, pressed_message
from handlers.states import CycleDialogue, PairResultsDialogue
from handlers.voice_views import not_theirs_text


async def ranking_page(request: ReportRequest, page: int) -> Screen | None:
    """A page of the mentors of the period; None when the period is not the organization's."""
    organization_id = request.scope.organization_ids[0]
    ranking = await request.services.pair_results.ranking(organization_id, request.period)
    if ranking is None:
        return None
    return ranking_screen(ranking, page, request.period, request.label, request.locale)


RANKING = period_picker.paged_report(RANKING_REPORT, curator_scope, ranking_page)


async def send_ranking(bot: Bot, chat_id: int, user: int, services: Services, locale: str) -> None:
    """The ranking of the current cycle as a new message, the choice of the period under it."""
    await period_picker.send_current(
        bot, chat_id, user, services, locale, RANKING, not_theirs_text()
    )


async def ranking_command(message: Message, services: Services, bot: Bot, i18n: I18n) -> None:
    assert message.from_user is not None
    await send_ranking(bot, message.chat.id, message.from_user.id, services, i18n.current_locale)


async def turn_finished_page(
    query: CallbackQuery, callback_data: FinishedPage, services: Services, curator_org_id: int
) -> None:
    await edit(query, await finished_view(services, curator_org_id, callback_data.page))


async def show_card(
    query: CallbackQuery,
    callback_data: PairCard,
    services: Services,
    curator_org_id: int,
    i18n: I18n,
) -> None:
    pair = await services.pair_results.pair(curator_org_id, callback_data.pair_id)
    if pair is None or not isinstance(query.message, Message):
        raise Outdated(problem_text(CycleProblem.NOT_FOUND))
    await answer(query.message, await card_view(services, pair, i18n.current_locale))


async def toggle_good(
    query: CallbackQuery,
    callback_data: PairGood,
    services: Services,
    curator_org_id: int,
    i18n: I18n,
    callback_answer: CallbackAnswer,
) -> None:
    pair = await services.pair_results.toggle_good_practice(curator_org_id, callback_data.pair_id)
    if pair is None:
        raise Outdated(problem_text(CycleProblem.NOT_FOUND))
    callback_answer.text = (
        _("Marked as a good practice") if pair.good_practice else _("Removed from good practices")
    )
    await edit(query, await card_view(services, pair, i18n.current_locale))


async def ask_curator_results(
    query: CallbackQuery,
    callback_data: PairResultsEdit,
    state: FSMContext,
    services: Services,
    curator_org_id: int,
) -> None:
    pair = await services.pair_results.pair(curator_org_id, callback_data.pair_id)
    if pair is None or not isinstance(query.message, Message):
        raise Outdated(problem_text(CycleProblem.NOT_FOUND))
    await ask_for_results(query.message, state, CycleDialogue.results, pair.id)


async def ask_for_results(message: Message, state: FSMContext, step: State, pair_id: int) -> None:
    """The curator and the mentor write a pair's results the same way, each in a dialogue."""
    await state.set_state(step)
    await state.set_data({"pair_id": pair_id})
    await message.answer(results_prompt())


async def answer_problem(
    message: Message, state: FSMContext, problem: CycleProblem, *, retry: CycleProblem
) -> None:
    """Say what is wrong with a typed answer; only after ``retry`` may the person type again,
    any other problem ends the dialogue."""
    await message.answer(problem_text(problem))
    if problem is not retry:
        await state.clear()


async def receive_curator_results(
    message: Message,
    state: FSMContext,
    services: Services,
    curator_org_id: int,
    i18n: I18n,
) -> None:
    data = await state.get_data()
    result = await services.pair_results.set_results(
        curator_org_id, int(data.get("pair_id", 0)), message.text
    )
    if isinstance(result, CycleProblem):
        await answer_problem(message, state, result, retry=CycleProblem.BAD_TEXT)
        return
    await state.clear()
    screen = await card_view(services, result, i18n.current_locale)
    await message.answer(_("The results are saved."))
    await answer(message, screen)


async def open_ranking(query: CallbackQuery, services: Services, bot: Bot, i18n: I18n) -> None:
    chat = pressed_message(query).chat.id
    await send_ranking(bot, chat, query.from_user.id, services, i18n.current_locale)


async def open_stats(query: CallbackQuery, services: Services, bot: Bot, i18n: I18n) -> None:
    chat = pressed_message(query).chat.id
    await stats.send_stats(bot, chat, query.from_user.id, services, i18n)


async def open_indicators(
    query: CallbackQuery, state: FSMContext, services: Services, curator_org_id: int, i18n: I18n
) -> None:
    await stats.show_indicators(pressed_message(query), state, services, curator_org_id, i18n)


async def open_export(query: CallbackQuery, services: Services, curator_org_id: int) -> None:
    await export.export_workbook(
        pressed_message(query), query.from_user.id, services, curator_org_id
    )


async def open_voices(query: CallbackQuery, services: Services, bot: Bot, i18n: I18n) -> None:
    chat = pressed_message(query).chat.id
    await voices.send_voices(bot, chat, query.from_user.id, services, i18n.current_locale)


# What each report button of the curator's panel opens: the same as its command.
REPORTS: dict[Report, Callable[..., Awaitable[None]]] = {
    Report.RANKING: open_ranking,
    Report.STATS: open_stats,
    Report.INDICATORS: open_indicators,
    Report.EXPORT: open_export,
    Report.VOICES: open_voices,
}


async def ask_mentor_results(
    query: CallbackQuery,
    callback_data: MentorResults,
    state: FSMContext,
    services: Services,
    callback_answer: CallbackAnswer,
) -> None:
    pair = await services.pair_results.mentor_pair(callback_data.pair_id, query.from_user.id)
    if pair is None or not pair.completed or not isinstance(query.message, Message):
        callback_answer.text = _("This button is not for you or is out of date.")
        return
    await ask_for_results(query.message, state, PairResultsDialogue.text, pair.id)


async def receive_mentor_results(message: Message, state: FSMContext, services: Services) -> None:
    if message.from_user is None:
        return
    data = await state.get_data()
    result = await services.pair_results.set_results_by_mentor(
        int(data.get("pair_id", 0)), message.from_user.id, message.text
    )
    if isinstance(result, CycleProblem):
        await answer_problem(message, state, result, retry=CycleProblem.BAD_TEXT)
        return
    await state.clear()
    await message.answer(_("Thank you! The results are saved; the curator will see them."))


async def results_not_text(message: Message) -> None:
    await message.answer(_("Please write the results as text, or /cancel."))
