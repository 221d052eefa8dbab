"""Stage 7 for the curator and the pairs: /cycle, closing, the ranking, the finished pairs,
results and good practice, the mentor base and the next cycle; the buttons of the curator's
panel (/curator) that open the reports of the cycle. The texts and keyboards are in
:mod:`handlers.cycle_views`.

The cycle job (:func:`jobs.cycles.run_cycle_tick`) does what the closing asks of the bot; the
curator's buttons only change the cycle and then run the same job, which queues its messages
in the outbox, so nothing waits for them.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from aiogram import Bot, F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import I18n, ngettext
from aiogram.utils.i18n import gettext as _

from bot.cycles import CycleProblem, NewCycle
from bot.invitations import invitation_link
from bot.models.responses import Response
from bot.outdated import Outdated
from bot.screens import Screen
from bot.services import Services
from dialogs.dates import MSG_DATE_FORMAT, DateTextError, parse_date_text
from handlers import period_picker
from handlers.curator import bot_username
from handlers.cycle_reports import (
    RANKING,
    REPORTS,
    answer_problem,
    ask_curator_results,
    ask_mentor_results,
    ranking_command,
    receive_curator_results,
    receive_mentor_results,
    results_not_text,
    send_ranking,
    show_card,
    toggle_good,
    turn_finished_page,
)
from handlers.cycle_views import (
    OLD_RANK_PAGE,
    CycleAct,
    CycleStep,
    FinishedPage,
    MentorResults,
    PairCard,
    PairGood,
    PairResultsEdit,
    ReportView,
    base_view,
    confirm_screen,
    cycle_screen,
    day_text,
    finished_view,
    invitation_screen,
    problem_text,
)
from handlers.filters import curator_router
from handlers.render import answer, pressed_message
from handlers.responses import send_monitoring_before
from handlers.states import CycleDialogue, PairResultsDialogue
from jobs.cycles import run_cycle_tick

log = logging.getLogger(__name__)


# -- the curator: /cycle and its buttons ---------------------------------------------------------
async def show_cycle(message: Message, services: Services, curator_org_id: int, i18n: I18n) -> None:
    summary = await services.cycles.summary(curator_org_id)
    await answer(message, cycle_screen(summary, i18n.current_locale))


async def close_command(message: Message, services: Services, curator_org_id: int) -> None:
    await ask_close(message, services, curator_org_id)


async def ask_close(message: Message, services: Services, curator_org_id: int) -> None:
    summary = await services.cycles.summary(curator_org_id)
    if summary.cycle.closing:
        await message.answer(problem_text(CycleProblem.ALREADY_CLOSING))
        return
    counts = summary.counts
    text = _(
        "Close cycle No. {number}? It affects {pairs} and {people}: each pair will be asked to "
        "hold its final meeting, and then everyone gets the final poll."
    ).format(
        number=summary.cycle.number,
        pairs=ngettext("{n} working pair", "{n} working pairs", counts.active_pairs).format(
            n=counts.active_pairs
        ),
        people=ngettext("{n} person", "{n} people", counts.people_in_active_pairs).format(
            n=counts.people_in_active_pairs
        ),
    )
    await answer(message, confirm_screen(text, CycleStep.CLOSE, _("Yes, close the cycle")))


async def new_command(message: Message, services: Services, curator_org_id: int) -> None:
    await ask_new(message, services, curator_org_id)


async def ask_new(message: Message, services: Services, curator_org_id: int) -> None:
    summary = await services.cycles.summary(curator_org_id)
    if not summary.cycle.closing:
        await message.answer(problem_text(CycleProblem.NOT_CLOSING))
        return
    if summary.counts.active_pairs:
        await message.answer(problem_text(CycleProblem.PAIRS_ACTIVE))
        return
    base = await services.cycle_closing.mentor_base(curator_org_id)
    continuing = sum(1 for entry in base if entry.source == "continuing_mentor")
    former = sum(1 for entry in base if entry.source == "former_mentee")
    text = _(
        "Start cycle No. {number}? Cycle No. {old} will be closed for good. Mentors who will "
        "continue: {continuing} — they stay admitted. Former mentees who want to become "
        "mentors: {former} — each gets a personal link to join as a mentor."
    ).format(
        number=summary.cycle.number + 1,
        old=summary.cycle.number,
        continuing=continuing,
        former=former,
    )
    await answer(message, confirm_screen(text, CycleStep.NEW, _("Yes, start it")))


async def on_view(
    query: CallbackQuery, services: Services, curator_org_id: int, i18n: I18n
) -> None:
    await show_cycle(pressed_message(query), services, curator_org_id, i18n)


async def on_end_date(query: CallbackQuery, state: FSMContext) -> None:
    message = pressed_message(query)
    await state.set_state(CycleDialogue.planned_end)
    await message.answer(
        _("Type the planned end date of the cycle, for example 25.05.2027. Or /cancel.")
    )


async def on_close(query: CallbackQuery, services: Services, curator_org_id: int) -> None:
    await ask_close(pressed_message(query), services, curator_org_id)


async def on_close_yes(query: CallbackQuery, services: Services, curator_org_id: int) -> None:
    message = pressed_message(query)
    closed = await services.cycles.start_closing(curator_org_id)
    if isinstance(closed, CycleProblem):
        raise Outdated(problem_text(closed))
    await message.answer(
        _(
            "The cycle is closing. Each working pair is asked to hold its final meeting; a "
            "pair completes when its final meeting has taken place."
        )
    )
    await run_cycle_tick(services)


async def on_finish(query: CallbackQuery, services: Services, curator_org_id: int) -> None:
    message = pressed_message(query)
    summary = await services.cycles.summary(curator_org_id)
    if not summary.cycle.closing:
        raise Outdated(problem_text(CycleProblem.NOT_CLOSING))
    # The rule is bot.cycles.completes_program: meeting once is not completing the program.
    text = ngettext(
        "Finish the cycle now? The {n} pair still working ends today. A pair that has held "
        "the meeting its form requires (by default, the planning meeting) or a later one "
        "completes the program and gets the final poll; a pair that has not (it only got "
        "acquainted, or never met) ends without completing the program.",
        "Finish the cycle now? The {n} pairs still working end today. A pair that has held "
        "the meeting its form requires (by default, the planning meeting) or a later one "
        "completes the program and gets the final poll; a pair that has not (it only got "
        "acquainted, or never met) ends without completing the program.",
        summary.counts.active_pairs,
    ).format(n=summary.counts.active_pairs)
    await answer(message, confirm_screen(text, CycleStep.FINISH, _("Yes, finish now")))


async def on_finish_yes(query: CallbackQuery, services: Services, curator_org_id: int) -> None:
    message = pressed_message(query)
    report = await services.cycles.finish_now(curator_org_id)
    if isinstance(report, CycleProblem):
        raise Outdated(problem_text(report))
    await message.answer(
        _("Done: completed pairs — {completed}, ended as not completed — {other}.").format(
            completed=report.completed, other=report.not_completed
        )
    )
    await run_cycle_tick(services)


async def on_new(query: CallbackQuery, services: Services, curator_org_id: int) -> None:
    await ask_new(pressed_message(query), services, curator_org_id)


async def on_new_yes(
    query: CallbackQuery, services: Services, curator_org_id: int, bot: Bot
) -> None:
    await start_new_cycle(pressed_message(query), services, curator_org_id, query.from_user.id, bot)


async def on_ranking(query: CallbackQuery, services: Services, bot: Bot, i18n: I18n) -> None:
    chat = pressed_message(query).chat.id
    await send_ranking(bot, chat, query.from_user.id, services, i18n.current_locale)


async def on_pairs(query: CallbackQuery, services: Services, curator_org_id: int) -> None:
    await answer(pressed_message(query), await finished_view(services, curator_org_id, 0))


async def on_base(query: CallbackQuery, services: Services, curator_org_id: int) -> None:
    await pressed_message(query).answer(await base_view(services, curator_org_id))


CYCLE_STEPS: dict[CycleStep, Callable[..., Awaitable[None]]] = {
    CycleStep.VIEW: on_view,
    CycleStep.END_DATE: on_end_date,
    CycleStep.CLOSE: on_close,
    CycleStep.CLOSE_YES: on_close_yes,
    CycleStep.FINISH: on_finish,
    CycleStep.FINISH_YES: on_finish_yes,
    CycleStep.NEW: on_new,
    CycleStep.NEW_YES: on_new_yes,
    CycleStep.RANKING: on_ranking,
    CycleStep.PAIRS: on_pairs,
    CycleStep.BASE: on_base,
}


async def receive_planned_end(
    message: Message,
    state: FSMContext,
    services: Services,
    curator_org_id: int,
    i18n: I18n,
) -> None:
    try:
        day = parse_date_text(message.text or "")
    except DateTextError as error:
        await message.answer(_(error.message))
        return
    result = await services.cycles.set_planned_end(curator_org_id, day)
    if isinstance(result, CycleProblem):
        await answer_problem(message, state, result, retry=CycleProblem.DATE_IN_PAST)
        return
    await state.clear()
    await message.answer(
        _(
            "The planned end is {date}. On that day the cycle starts closing by itself; two "
            "weeks before it, pairs plan their final meeting."
        ).format(date=day_text(day, i18n.current_locale))
    )


async def start_new_cycle(
    message: Message, services: Services, organization_id: int, curator_id: int, bot: Bot
) -> None:
    # Whatever the last pairs are still owed (polls, the mentor base) goes out first.
    await run_cycle_tick(services)
    result = await services.cycles.start_new(organization_id, curator_id)
    if isinstance(result, CycleProblem):
        await message.answer(problem_text(result))
        return
    await invite_former_mentees(bot, services, result)
    await ask_monitoring_before(bot, services, result)
    await message.answer(
        _(
            "Cycle No. {number} has started. Carried over: mentors who continue — {continuing}, "
            "participants still waiting for a pair — {waiting}. Invitations to join as a "
            "mentor sent: {invited}."
        ).format(
            number=result.cycle.number,
            continuing=result.continuing_mentors,
            waiting=result.waiting,
            invited=len(result.invitations),
        )
    )


async def invite_former_mentees(bot: Bot, services: Services, new: NewCycle) -> None:
    """Queued in the outbox: a large cycle's invitations go within the rate limit."""
    if not new.invitations:
        return
    username = await bot_username(bot, services)
    organization = await services.organizations.get(new.cycle.organization_id)
    name = organization.name if organization else ""

    def invite(link: str) -> Screen:
        return invitation_screen(name, link)

    links = [
        (participant.telegram_id, invitation_link(username, invitation.token))
        for participant, invitation in new.invitations
    ]
    await services.outbox.post(
        [(chat, lambda link=link: invite(link)) for chat, link in links],  # type: ignore[misc]
        kind="mentor_invitation",
    )


async def ask_monitoring_before(bot: Bot, services: Services, new: NewCycle) -> None:
    """The carried people answer the monitoring "before" of the new cycle (claimed once by
    the service), so that they get its "after" when their pair completes."""
    for participant in new.monitoring:
        if not await send_monitoring_before(services, participant.id):
            log.info("The monitoring before was not sent to participant %s", participant.id)


async def date_not_text(message: Message) -> None:
    await message.answer(_(MSG_DATE_FORMAT))


async def final_poll_completed(bot: Bot, services: Services, response: Response) -> None:
    """At once rather than at the next tick: the answer may put the person in the base."""
    await services.cycle_closing.record_final(
        response.participant_id, response.form, response.subject, response.answers
    )


# -- routers -------------------------------------------------------------------------------------
def build_router() -> Router:
    router = curator_router("cycles")
    router.message.register(show_cycle, Command("cycle"))
    router.message.register(close_command, Command("closecycle"))
    router.message.register(new_command, Command("newcycle"))
    router.message.register(ranking_command, Command("ranking"))
    for step, handler in CYCLE_STEPS.items():
        router.callback_query.register(handler, CycleAct.filter(F.action == step))
    for report, opener in REPORTS.items():
        router.callback_query.register(opener, ReportView.filter(F.view == report))
    period_picker.attach(router, RANKING)
    router.callback_query.register(
        period_picker.old_button_handler(RANKING), F.data.startswith(OLD_RANK_PAGE)
    )
    router.callback_query.register(turn_finished_page, FinishedPage.filter())
    router.callback_query.register(show_card, PairCard.filter())
    router.callback_query.register(toggle_good, PairGood.filter())
    router.callback_query.register(ask_curator_results, PairResultsEdit.filter())
    router.message.register(
        receive_planned_end, StateFilter(CycleDialogue.planned_end), F.text, ~F.text.startswith("/")
    )
    router.message.register(
        receive_curator_results, StateFilter(CycleDialogue.results), F.text, ~F.text.startswith("/")
    )
    router.message.register(date_not_text, StateFilter(CycleDialogue.planned_end), ~F.text)
    router.message.register(results_not_text, StateFilter(CycleDialogue.results), ~F.text)
    return router


def build_participant_router() -> Router:
    router = Router(name="cycle_results")
    router.callback_query.register(ask_mentor_results, MentorResults.filter())
    router.message.register(
        receive_mentor_results,
        StateFilter(PairResultsDialogue.text),
        F.text,
        ~F.text.startswith("/"),
    )
    router.message.register(results_not_text, StateFilter(PairResultsDialogue.text), ~F.text)
    return router
