"""Stage 7 for the curator and the pairs: /cycle, closing, the final meeting and polls,
results and good practice, the mentor ranking, the mentor base and the next cycle; the
buttons of the curator's panel (/curator) that open the reports of the cycle.

The scheduler's tick (:func:`run_cycle_tick`) does what the closing asks of the bot; the
curator's buttons only change the cycle and then run the same tick, so nothing waits for it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date

from aiogram import Bot, F, Router
from aiogram.filters import Command, StateFilter
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import I18n, ngettext
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from aiogram.utils.text_decorations import html_decoration as hd
from babel.dates import format_date
from babel.numbers import format_decimal

from bot.cycles import (
    RESULTS_LIMIT,
    CycleProblem,
    CycleSummary,
    FinalMeetingDue,
    NewCycle,
    PollDue,
    ResultsDue,
)
from bot.invitations import invitation_link
from bot.participants import AgeGroup
from bot.services import Services
from dialogs.dates import MSG_DATE_FORMAT, DateTextError, parse_date_text
from handlers import export, stats
from handlers.curator import bot_username
from handlers.filters import curator_router
from handlers.meetings import MeetPlan
from handlers.notify import notify
from handlers.paging import attach_navigation, page_of
from handlers.people import display_name
from handlers.responses import on_completed, send_form, send_monitoring_before
from handlers.states import CycleDialogue, PairResultsDialogue
from storage.repositories.cycles import Cycle, MentorFigures
from storage.repositories.matching import Pair
from storage.repositories.responses import Response

log = logging.getLogger(__name__)

# Writes a message and its buttons; called in the recipient's language.
Composer = Callable[[], tuple[str, InlineKeyboardMarkup | None]]

RANK_PAGE = 8
PAIRS_PAGE = 8


class CycleAct(CallbackData, prefix="cy1a"):
    # end_date, close, close_yes, finish, finish_yes, new, new_yes, ranking, pairs, base, view
    action: str


class RankPage(CallbackData, prefix="cy1r"):
    page: int


class FinishedPage(CallbackData, prefix="cy1f"):
    page: int


class PairCard(CallbackData, prefix="cy1p"):
    pair_id: int


class PairGood(CallbackData, prefix="cy1g"):
    pair_id: int


class PairResultsEdit(CallbackData, prefix="cy1e"):
    pair_id: int


class ReportView(CallbackData, prefix="cy1v"):
    """A button of the curator's panel that opens what a command shows."""

    view: str  # ranking, stats, indicators, export


class MentorResults(CallbackData, prefix="cyr1"):
    """The mentor's button under "write the results of your pair"."""

    pair_id: int


# -- texts ---------------------------------------------------------------------------------------
def day_text(day: date, locale: str) -> str:
    return format_date(day, "long", locale=locale)


def problem_text(problem: CycleProblem) -> str:
    texts = {
        CycleProblem.NOT_FOUND: _("This pair is not in your organization."),
        CycleProblem.ALREADY_CLOSING: _("The cycle is already being closed."),
        CycleProblem.NOT_CLOSING: _("First close the cycle: /closecycle"),
        CycleProblem.PAIRS_ACTIVE: _(
            "Some pairs have not held their final meeting yet. Wait for them, or finish the "
            "cycle now in /cycle."
        ),
        CycleProblem.DATE_IN_PAST: _(
            "This date has already passed. Please type a date from today on."
        ),
        CycleProblem.NOT_COMPLETED: _("The results are written once the pair has completed."),
        CycleProblem.BAD_TEXT: ngettext(
            "Please write the results in 3 to {limit} character.",
            "Please write the results in 3 to {limit} characters.",
            RESULTS_LIMIT,
        ).format(limit=RESULTS_LIMIT),
        CycleProblem.DECIDED: _("This has already been done."),
    }
    return texts[problem]


def cycle_text(summary: CycleSummary, locale: str) -> str:
    cycle, counts = summary.cycle, summary.counts
    lines = [
        _("<b>Cycle No. {number}</b> of the mentoring programme").format(number=cycle.number),
        _("Started: {date}").format(date=day_text(cycle.started_on, locale)),
    ]
    if cycle.planned_end is None:
        lines.append(_("Planned end: not set"))
    else:
        lines.append(_("Planned end: {date}").format(date=day_text(cycle.planned_end, locale)))
    if cycle.closing:
        lines.append(_("Status: closing — pairs hold their final meetings and answer the polls"))
    else:
        lines.append(_("Status: pairs are working"))
    lines.append(
        _(
            "Participants: {participants}; pairs: {pairs} (working: {active}, completed: "
            "{completed}, ended early: {early})"
        ).format(
            participants=counts.participants,
            pairs=counts.pairs,
            active=counts.active_pairs,
            completed=counts.completed_pairs,
            early=counts.ended_early,
        )
    )
    return "\n".join(lines)


def cycle_keyboard(cycle: Cycle, active_pairs: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    if not cycle.closing:
        builder.button(text=_("Set the planned end"), callback_data=CycleAct(action="end_date"))
        builder.button(text=_("Close the cycle"), callback_data=CycleAct(action="close"))
    else:
        if active_pairs:
            builder.button(text=_("Finish the cycle now"), callback_data=CycleAct(action="finish"))
        else:
            builder.button(text=_("Start the next cycle"), callback_data=CycleAct(action="new"))
    builder.button(text=_("Mentor ranking"), callback_data=CycleAct(action="ranking"))
    builder.button(text=_("Finished pairs"), callback_data=CycleAct(action="pairs"))
    builder.button(text=_("Mentor base"), callback_data=CycleAct(action="base"))
    builder.adjust(1)
    return builder.as_markup()


def confirm_keyboard(action: str, yes: str) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=yes, callback_data=CycleAct(action=f"{action}_yes"))
    builder.button(text=_("No, back"), callback_data=CycleAct(action="view"))
    builder.adjust(1)
    return builder.as_markup()


# -- the curator: /cycle and its buttons ---------------------------------------------------------
async def show_cycle(message: Message, services: Services, curator_org_id: int, i18n: I18n) -> None:
    summary = await services.cycles.summary(curator_org_id)
    await message.answer(
        cycle_text(summary, i18n.current_locale),
        reply_markup=cycle_keyboard(summary.cycle, summary.counts.active_pairs),
    )


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
    await message.answer(text, reply_markup=confirm_keyboard("close", _("Yes, close the cycle")))


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
    base = await services.cycles.mentor_base(curator_org_id)
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
    await message.answer(text, reply_markup=confirm_keyboard("new", _("Yes, start it")))


async def cycle_action(
    query: CallbackQuery,
    callback_data: CycleAct,
    state: FSMContext,
    services: Services,
    curator_org_id: int,
    bot: Bot,
    i18n: I18n,
    callback_answer: CallbackAnswer,
) -> None:
    message = query.message
    if not isinstance(message, Message):
        return
    action = callback_data.action
    if action == "view":
        await show_cycle(message, services, curator_org_id, i18n)
    elif action == "end_date":
        await state.set_state(CycleDialogue.planned_end)
        await message.answer(
            _("Type the planned end date of the cycle, for example 25.05.2027. Or /cancel.")
        )
    elif action == "close":
        await ask_close(message, services, curator_org_id)
    elif action == "close_yes":
        closed = await services.cycles.start_closing(curator_org_id)
        if isinstance(closed, CycleProblem):
            callback_answer.text = problem_text(closed)
            return
        await message.answer(
            _(
                "The cycle is closing. Each working pair is asked to hold its final meeting; a "
                "pair completes when its final meeting has taken place."
            )
        )
        await run_cycle_tick(bot, i18n, services)
    elif action == "finish":
        summary = await services.cycles.summary(curator_org_id)
        if not summary.cycle.closing:
            callback_answer.text = problem_text(CycleProblem.NOT_CLOSING)
            return
        await message.answer(
            ngettext(
                "Finish the cycle now? The {n} pair still working ends today: a pair that held "
                "at least one meeting is completed and gets the final poll; a pair that never "
                "met ends as not completed.",
                "Finish the cycle now? The {n} pairs still working end today: a pair that held "
                "at least one meeting is completed and gets the final poll; a pair that never "
                "met ends as not completed.",
                summary.counts.active_pairs,
            ).format(n=summary.counts.active_pairs),
            reply_markup=confirm_keyboard("finish", _("Yes, finish now")),
        )
    elif action == "finish_yes":
        report = await services.cycles.finish_now(curator_org_id)
        if isinstance(report, CycleProblem):
            callback_answer.text = problem_text(report)
            return
        await message.answer(
            _("Done: completed pairs — {completed}, ended as not completed — {other}.").format(
                completed=report.completed, other=report.not_completed
            )
        )
        await run_cycle_tick(bot, i18n, services)
    elif action == "new":
        await ask_new(message, services, curator_org_id)
    elif action == "new_yes":
        await start_new_cycle(message, services, curator_org_id, query.from_user.id, bot, i18n)
    elif action == "ranking":
        await ranking_command(message, services, curator_org_id, i18n)
    elif action == "pairs":
        text, markup = await finished_view(services, curator_org_id, 0)
        await message.answer(text, reply_markup=markup)
    elif action == "base":
        await message.answer(await base_view(services, curator_org_id))
    else:
        callback_answer.text = _("This button is out of date. Open /cycle again.")


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
    message: Message,
    services: Services,
    organization_id: int,
    curator_id: int,
    bot: Bot,
    i18n: I18n,
) -> None:
    # Whatever the last pairs are still owed (polls, the mentor base) goes out first.
    await run_cycle_tick(bot, i18n, services)
    result = await services.cycles.start_new(organization_id, curator_id)
    if isinstance(result, CycleProblem):
        await message.answer(problem_text(result))
        return
    await invite_former_mentees(bot, i18n, services, result)
    await ask_monitoring_before(bot, i18n, services, result)
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


async def invite_former_mentees(bot: Bot, i18n: I18n, services: Services, new: NewCycle) -> None:
    if not new.invitations:
        return
    username = await bot_username(bot, services)
    organization = await services.organizations.get(new.cycle.organization_id)
    name = organization.name if organization else ""
    for participant, invitation in new.invitations:
        link = invitation_link(username, invitation.token)

        def invite(link: str = link) -> tuple[str, InlineKeyboardMarkup | None]:
            text = _(
                "A new cycle of the mentoring programme begins at «{organization}». You said "
                "you would like to become a mentor — we are glad! Here is your personal link "
                "to join as a mentor (it works once, for 30 days): {link}"
            ).format(organization=hd.quote(name), link=hd.quote(link))
            return text, None

        await _tell(bot, i18n, services, participant.telegram_id, invite)


async def ask_monitoring_before(bot: Bot, i18n: I18n, services: Services, new: NewCycle) -> None:
    """The carried people answer the monitoring "before" of the new cycle (claimed once by
    the service), so that they get its "after" when their pair completes."""
    for participant in new.monitoring:
        if not await send_monitoring_before(bot, services, participant.id, i18n=i18n):
            log.info("The monitoring before was not sent to participant %s", participant.id)


# -- the curator: ranking, finished pairs, the base ----------------------------------------------
def average_text(value: float | None, locale: str) -> str:
    """An average with one decimal in the reader's locale (4,5 in Russian), or a dash."""
    return format_decimal(value, "0.0", locale=locale) if value is not None else "—"


def figures_line(position: int, item: MentorFigures, locale: str) -> str:
    name = hd.quote(item.full_name or _("Mentor No. {id}").format(id=item.mentor_id))
    usefulness = average_text(item.usefulness, locale)
    satisfaction = average_text(item.satisfaction, locale)
    return _(
        "{position}. <b>{name}</b>\n   usefulness of meetings {usefulness}/5 ({u_answers} "
        "answers) · mentees' satisfaction {satisfaction}/10 ({s_answers}) · meetings held "
        "{held} · completed pairs {completed} of {pairs}"
    ).format(
        position=position,
        name=name,
        usefulness=usefulness,
        u_answers=item.usefulness_answers,
        satisfaction=satisfaction,
        s_answers=item.satisfaction_answers,
        held=item.meetings_held,
        completed=item.completed,
        pairs=item.pairs,
    )


async def ranking_view(
    services: Services, organization_id: int, page: int, locale: str
) -> tuple[str, InlineKeyboardMarkup | None]:
    ranking = await services.cycles.ranking(organization_id)
    if not ranking:
        return _("No mentor has worked in a pair in this cycle yet."), None
    shown, page, pages = page_of(ranking, page, RANK_PAGE)
    lines = [
        _("<b>Mentor ranking</b> of the current cycle"),
        _(
            "Order: mentees' average usefulness of meetings, then their final satisfaction, "
            "meetings held, completed pairs."
        ),
        "",
    ]
    start = page * RANK_PAGE
    lines += [figures_line(start + i + 1, item, locale) for i, item in enumerate(shown)]
    builder = InlineKeyboardBuilder()
    attach_navigation(builder, page, pages, lambda n: RankPage(page=n))
    return "\n".join(lines), builder.as_markup() if pages > 1 else None


async def turn_rank_page(
    query: CallbackQuery,
    callback_data: RankPage,
    services: Services,
    curator_org_id: int,
    i18n: I18n,
) -> None:
    text, markup = await ranking_view(
        services, curator_org_id, callback_data.page, i18n.current_locale
    )
    if isinstance(query.message, Message):
        await query.message.edit_text(text, reply_markup=markup)


async def ranking_command(
    message: Message, services: Services, curator_org_id: int, i18n: I18n
) -> None:
    text, markup = await ranking_view(services, curator_org_id, 0, i18n.current_locale)
    await message.answer(text, reply_markup=markup)


async def pair_names(services: Services, pair: Pair) -> tuple[str, str]:
    people = await services.pairing.people(pair)
    if people is None:
        return (
            _("Participant No. {id}").format(id=pair.mentor_id),
            _("Participant No. {id}").format(id=pair.mentee_id),
        )
    return (
        display_name(people.mentor.id, people.mentor_answers),
        display_name(people.mentee.id, people.mentee_answers),
    )


async def finished_view(
    services: Services, organization_id: int, page: int
) -> tuple[str, InlineKeyboardMarkup | None]:
    pairs = await services.cycles.finished_pairs(organization_id)
    if not pairs:
        return _("No pair of this cycle has finished yet."), None
    shown, page, pages = page_of(pairs, page, PAIRS_PAGE)
    lines = [_("<b>Finished pairs</b> of the current cycle: {n}").format(n=len(pairs))]
    builder = InlineKeyboardBuilder()
    for pair in shown:
        mentor, mentee = await pair_names(services, pair)
        mark = "⭐ " if pair.good_practice else ""
        status = _("completed") if pair.completed else _("ended early")
        lines.append(f"{mark}{hd.quote(mentor)} → {hd.quote(mentee)}: {status}")
        builder.button(text=f"{mark}{mentee}", callback_data=PairCard(pair_id=pair.id))
    builder.adjust(1)
    attach_navigation(builder, page, pages, lambda n: FinishedPage(page=n))
    return "\n".join(lines), builder.as_markup()


async def turn_finished_page(
    query: CallbackQuery, callback_data: FinishedPage, services: Services, curator_org_id: int
) -> None:
    text, markup = await finished_view(services, curator_org_id, callback_data.page)
    if isinstance(query.message, Message):
        await query.message.edit_text(text, reply_markup=markup)


async def card_view(
    services: Services, pair: Pair, locale: str
) -> tuple[str, InlineKeyboardMarkup]:
    mentor, mentee = await pair_names(services, pair)
    lines = [
        _("<b>{mentor} → {mentee}</b>").format(mentor=hd.quote(mentor), mentee=hd.quote(mentee))
    ]
    lines.append(_("Started: {date}").format(date=day_text(pair.started_on, locale)))
    if pair.ended_on is not None:
        lines.append(_("Ended: {date}").format(date=day_text(pair.ended_on, locale)))
    lines.append(
        _("Completed the programme: yes") if pair.completed else _("Completed the programme: no")
    )
    lines.append(
        _("Results: {results}").format(results=hd.quote(pair.results))
        if pair.results
        else _("Results: not written yet")
    )
    lines.append(_("⭐ A good practice (case) of the organization") if pair.good_practice else "")
    builder = InlineKeyboardBuilder()
    builder.button(
        text=_("Remove from good practices") if pair.good_practice else _("Mark as good practice"),
        callback_data=PairGood(pair_id=pair.id),
    )
    builder.button(text=_("Write the results"), callback_data=PairResultsEdit(pair_id=pair.id))
    builder.adjust(1)
    return "\n".join(line for line in lines if line), builder.as_markup()


async def show_card(
    query: CallbackQuery,
    callback_data: PairCard,
    services: Services,
    curator_org_id: int,
    i18n: I18n,
    callback_answer: CallbackAnswer,
) -> None:
    pair = await services.cycles.pair(curator_org_id, callback_data.pair_id)
    if pair is None or not isinstance(query.message, Message):
        callback_answer.text = problem_text(CycleProblem.NOT_FOUND)
        return
    text, markup = await card_view(services, pair, i18n.current_locale)
    await query.message.answer(text, reply_markup=markup)


async def toggle_good(
    query: CallbackQuery,
    callback_data: PairGood,
    services: Services,
    curator_org_id: int,
    i18n: I18n,
    callback_answer: CallbackAnswer,
) -> None:
    pair = await services.cycles.toggle_good_practice(curator_org_id, callback_data.pair_id)
    if pair is None:
        callback_answer.text = problem_text(CycleProblem.NOT_FOUND)
        return
    callback_answer.text = (
        _("Marked as a good practice") if pair.good_practice else _("Removed from good practices")
    )
    if isinstance(query.message, Message):
        text, markup = await card_view(services, pair, i18n.current_locale)
        await query.message.edit_text(text, reply_markup=markup)


async def ask_curator_results(
    query: CallbackQuery,
    callback_data: PairResultsEdit,
    state: FSMContext,
    services: Services,
    curator_org_id: int,
    callback_answer: CallbackAnswer,
) -> None:
    pair = await services.cycles.pair(curator_org_id, callback_data.pair_id)
    if pair is None or not isinstance(query.message, Message):
        callback_answer.text = problem_text(CycleProblem.NOT_FOUND)
        return
    await ask_for_results(query.message, state, CycleDialogue.results, pair.id)


def results_prompt() -> str:
    return ngettext(
        "Write the results of the pair in a few lines: what was achieved, what the mentee "
        "learned, what came of it (up to {limit} character). Or /cancel.",
        "Write the results of the pair in a few lines: what was achieved, what the mentee "
        "learned, what came of it (up to {limit} characters). Or /cancel.",
        RESULTS_LIMIT,
    ).format(limit=RESULTS_LIMIT)


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
    result = await services.cycles.set_results(
        curator_org_id, int(data.get("pair_id", 0)), message.text
    )
    if isinstance(result, CycleProblem):
        await answer_problem(message, state, result, retry=CycleProblem.BAD_TEXT)
        return
    await state.clear()
    text, markup = await card_view(services, result, i18n.current_locale)
    await message.answer(_("The results are saved."))
    await message.answer(text, reply_markup=markup)


async def base_view(services: Services, organization_id: int) -> str:
    base = await services.cycles.mentor_base(organization_id)
    if not base:
        return _(
            "The long-term mentor base is empty so far. Mentors who will continue and mentees "
            "who want to become mentors get into it from the final poll."
        )
    lines = [_("<b>Long-term mentor base</b>: {n}").format(n=len(base))]
    for entry in base[:50]:
        name = hd.quote(
            entry.full_name or _("Participant No. {id}").format(id=entry.participant_id)
        )
        source = (
            _("continues as a mentor")
            if entry.source == "continuing_mentor"
            else _("former mentee, wants to mentor")
        )
        lines.append(f"• {name} — {source}")
    if len(base) > 50:
        lines.append(_("…and {n} more").format(n=len(base) - 50))
    return "\n".join(lines)


# -- the curator's panel: the reports of the cycle ----------------------------------------------
def report_buttons() -> list[tuple[str, ReportView]]:
    """Buttons for the curator's panel (/curator) that open what /ranking, /stats,
    /indicators and /export show; labelled as those commands are in the menu."""
    return [
        (_("Mentor ranking"), ReportView(view="ranking")),
        (_("Statistics and indicators with a chart"), ReportView(view="stats")),
        (_("Numbers to compare with and targets"), ReportView(view="indicators")),
        (_("Excel workbook: registers and reports"), ReportView(view="export")),
    ]


def add_report_buttons(builder: InlineKeyboardBuilder) -> None:
    for text, data in report_buttons():
        builder.button(text=text, callback_data=data)


async def open_report(
    query: CallbackQuery,
    callback_data: ReportView,
    state: FSMContext,
    services: Services,
    curator_org_id: int,
    bot: Bot,
    i18n: I18n,
    callback_answer: CallbackAnswer,
) -> None:
    message = query.message
    if not isinstance(message, Message):
        return
    view = callback_data.view
    if view == "ranking":
        await ranking_command(message, services, curator_org_id, i18n)
    elif view == "stats":
        await stats.send_stats(bot, message.chat.id, query.from_user.id, services, i18n)
    elif view == "indicators":
        await stats.show_indicators(message, state, services, curator_org_id, i18n)
    elif view == "export":
        await export.export_workbook(message, query.from_user.id, services, curator_org_id)
    else:
        callback_answer.text = _("This button is outdated. Please use the latest message or /help.")


# -- the mentor writes the pair's results --------------------------------------------------------
async def ask_mentor_results(
    query: CallbackQuery,
    callback_data: MentorResults,
    state: FSMContext,
    services: Services,
    callback_answer: CallbackAnswer,
) -> None:
    pair = await services.cycles.mentor_pair(callback_data.pair_id, query.from_user.id)
    if pair is None or not pair.completed or not isinstance(query.message, Message):
        callback_answer.text = _("This button is not for you or is out of date.")
        return
    await ask_for_results(query.message, state, PairResultsDialogue.text, pair.id)


async def receive_mentor_results(message: Message, state: FSMContext, services: Services) -> None:
    if message.from_user is None:
        return
    data = await state.get_data()
    result = await services.cycles.set_results_by_mentor(
        int(data.get("pair_id", 0)), message.from_user.id, message.text
    )
    if isinstance(result, CycleProblem):
        await answer_problem(message, state, result, retry=CycleProblem.BAD_TEXT)
        return
    await state.clear()
    await message.answer(_("Thank you! The results are saved; the curator will see them."))


async def results_not_text(message: Message) -> None:
    await message.answer(_("Please write the results as text, or /cancel."))


async def date_not_text(message: Message) -> None:
    await message.answer(_(MSG_DATE_FORMAT))


# -- the scheduler's tick ------------------------------------------------------------------------
async def run_cycle_tick(bot: Bot, i18n: I18n, services: Services) -> None:
    """Start closing where the planned end came, complete pairs, send what is due, once."""
    cycles = services.cycles
    for cycle in await cycles.auto_close():
        await tell_curators_closing(bot, i18n, services, cycle)
    await cycles.complete_held()
    for due in await cycles.final_meeting_requests():
        await ask_final_meeting(bot, i18n, services, due)
    polls, results = await cycles.due_after_completion()
    for poll in polls:
        await open_poll(bot, i18n, services, poll)
    for request in results:
        await ask_results(bot, i18n, services, request)
    await cycles.sync_mentor_base()


async def _tell(
    bot: Bot, i18n: I18n, services: Services, telegram_id: int, compose: Composer
) -> None:
    """Send what ``compose`` writes, written in the recipient's language."""
    locale = await services.languages.resolve(telegram_id, None)
    with i18n.context(), i18n.use_locale(locale):
        text, markup = compose()
    await notify(bot, telegram_id, text, markup)


def _one_button(text: str, data: CallbackData) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=text, callback_data=data)
    return builder.as_markup()


async def tell_curators_closing(bot: Bot, i18n: I18n, services: Services, cycle: Cycle) -> None:
    def closing() -> tuple[str, InlineKeyboardMarkup | None]:
        text = _(
            "The planned end of cycle No. {number} has come, so the cycle is closing: each "
            "working pair is asked to hold its final meeting. See /cycle."
        ).format(number=cycle.number)
        return text, None

    for curator in await services.organizations.curators(cycle.organization_id):
        await _tell(bot, i18n, services, curator.telegram_id, closing)


async def ask_final_meeting(bot: Bot, i18n: I18n, services: Services, due: FinalMeetingDue) -> None:
    people = await services.pairing.people(due.pair)
    if people is None:
        return
    mentee_name = display_name(people.mentee.id, people.mentee_answers)
    mentor_name = display_name(people.mentor.id, people.mentor_answers)

    def to_mentor() -> tuple[str, InlineKeyboardMarkup | None]:
        text = _(
            "The programme cycle is coming to an end. Please propose the final meeting with "
            "{name}: sum up what you have achieved together. After it you both get a short "
            "final poll."
        ).format(name=hd.quote(mentee_name))
        return text, _one_button(_("Propose the final meeting"), MeetPlan(pair_id=due.pair.id))

    def to_mentee() -> tuple[str, InlineKeyboardMarkup | None]:
        if due.mentee.age_group == AgeGroup.ADULT:
            # Translators: to an adult mentee (a young teacher, a student): «вы» in Russian.
            text = _(
                "The programme cycle is coming to an end. Your mentor {name} will propose a "
                "time for your final meeting, where you will sum up what you have achieved."
            )
        else:
            # Translators: to a pupil: «ты» in Russian.
            text = _(
                "The programme cycle is coming to an end. Your mentor {name} will suggest the "
                "time of your final meeting, where you will talk about what you have achieved."
            )
        return text.format(name=hd.quote(mentor_name)), None

    await _tell(bot, i18n, services, due.mentor.telegram_id, to_mentor)
    await _tell(bot, i18n, services, due.mentee.telegram_id, to_mentee)


async def open_poll(bot: Bot, i18n: I18n, services: Services, poll: PollDue) -> None:
    sent = await send_form(
        bot,
        services,
        poll.participant.telegram_id,
        form=poll.form,
        participant_id=poll.participant.id,
        subject=poll.subject,
        i18n=i18n,
    )
    if not sent:
        log.info(
            "The form %s (%s) could not be sent to participant %s",
            poll.form,
            poll.subject,
            poll.participant.id,
        )


async def ask_results(bot: Bot, i18n: I18n, services: Services, due: ResultsDue) -> None:
    people = await services.pairing.people(due.pair)
    mentee_name = (
        display_name(people.mentee.id, people.mentee_answers) if people else str(due.mentee.id)
    )

    def request() -> tuple[str, InlineKeyboardMarkup | None]:
        text = _(
            "Your pair with {name} has completed the programme — thank you for your work! "
            "Please write the results of the pair in a few lines: they go to the mentor base "
            "of the organization."
        ).format(name=hd.quote(mentee_name))
        return text, _one_button(_("Write the results"), MentorResults(pair_id=due.pair.id))

    await _tell(bot, i18n, services, due.mentor.telegram_id, request)


@on_completed("final_")
async def final_poll_completed(bot: Bot, services: Services, response: Response) -> None:
    """At once rather than at the next tick: the answer may put the person in the base."""
    await services.cycles.record_final(
        response.participant_id, response.form, response.subject, response.answers
    )


# -- routers -------------------------------------------------------------------------------------
def build_router() -> Router:
    router = curator_router("cycles")
    router.message.register(show_cycle, Command("cycle"))
    router.message.register(close_command, Command("closecycle"))
    router.message.register(new_command, Command("newcycle"))
    router.message.register(ranking_command, Command("ranking"))
    router.callback_query.register(cycle_action, CycleAct.filter())
    router.callback_query.register(open_report, ReportView.filter())
    router.callback_query.register(turn_rank_page, RankPage.filter())
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
