"""Stage 5: run whole-cohort matching, read each explained proposal, approve in the chat."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import I18n, ngettext
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from aiogram.utils.text_decorations import html_decoration as hd

from bot.pairing import Outcome, Problem
from bot.services import Services
from handlers.edits import edit_markup, edit_text
from handlers.filters import curator_router
from handlers.matching_views import (
    ApproveShown,
    DirectMentee,
    DirectPick,
    MatchMenu,
    ProposalAct,
    UnmatchedPage,
    batch_keyboard,
    menu_keyboard,
    proposal_keyboard,
    proposal_text,
    waiting_line,
)
from handlers.paging import attach_navigation, page_of
from handlers.pairs import introduce
from handlers.people import display_name, violation_text
from handlers.preferences import show_round
from storage.repositories.matching import ProposalRow

SHOWN = 5  # proposals per batch: each is a message with its own buttons
# FSM data key: the message under the shown batch, whose «Approve all shown (n)» follows each
# single decision. Lost with the curator's FSM data (a dialogue's /cancel), the button keeps
# its count until pressed; pressing it approves only the proposals still undecided anyway.
BATCH_KEY = "matching_batch"
UNMATCHED_PAGE = 10
MENTORS_PAGE = 8


async def show_menu(message: Message, services: Services, curator_org_id: int) -> None:
    mentees, mentors = await services.pairing.cohort(curator_org_id)
    places = sum(m.capacity for m in mentors)
    await message.answer(
        _(
            "<b>Forming pairs and groups</b>\n"
            "Ready mentees without a pair: {mentees}\n"
            "Admitted mentors with free places: {mentors} ({places})\n\n"
            "The matching proposes the best pairs for the whole cohort at once; nobody is told "
            "anything until you approve."
        ).format(
            mentees=len(mentees),
            mentors=len(mentors),
            places=ngettext("{n} place", "{n} places", places).format(n=places),
        ),
        reply_markup=menu_keyboard(),
    )


async def show_batch(
    message: Message, services: Services, organization_id: int, state: FSMContext
) -> None:
    run = await services.pairing.latest_run(organization_id)
    if run is None:
        await message.answer(_("The matching has not been run yet."), reply_markup=menu_keyboard())
        return
    open_ = await services.pairing.open_proposals(organization_id, run.run_id)
    if not open_:
        await message.answer(
            _("No open proposals left. Run the matching again or see the mentees without a pair."),
            reply_markup=menu_keyboard(),
        )
        return
    answers = await services.pairing.answers(organization_id)
    batch = open_[:SHOWN]
    for proposal in batch:
        await message.answer(
            proposal_text(proposal, answers), reply_markup=proposal_keyboard(proposal)
        )
    summary = await message.answer(
        ngettext(
            "Shown {shown} of {total} open proposal.",
            "Shown {shown} of {total} open proposals.",
            len(open_),
        ).format(shown=len(batch), total=len(open_)),
        reply_markup=batch_keyboard(
            run.run_id, (batch[0].rank, batch[-1].rank), len(batch), len(open_) > len(batch)
        ),
    )
    await state.update_data(
        {
            BATCH_KEY: {
                "message_id": summary.message_id,
                "run_id": run.run_id,
                "first": batch[0].rank,
                "last": batch[-1].rank,
            }
        }
    )


async def recount_batch(
    bot: Bot, chat_id: int, services: Services, state: FSMContext, decided: ProposalRow
) -> None:
    """After a single decision: the shown batch's button counts what is still undecided."""
    batch = (await state.get_data()).get(BATCH_KEY)
    if not isinstance(batch, dict) or batch.get("run_id") != decided.run_id:
        return
    first, last = batch["first"], batch["last"]
    if not first <= decided.rank <= last:
        return
    open_ = await services.pairing.open_proposals(decided.organization_id, decided.run_id)
    shown = [p for p in open_ if first <= p.rank <= last]
    markup = batch_keyboard(decided.run_id, (first, last), len(shown), len(open_) > len(shown))
    await edit_markup(bot, chat_id, batch["message_id"], markup)


async def on_menu(
    query: CallbackQuery,
    callback_data: MatchMenu,
    services: Services,
    curator_org_id: int,
    state: FSMContext,
) -> None:
    if not isinstance(query.message, Message):
        return
    if callback_data.action == "run":
        summary = await services.pairing.run(
            curator_org_id,
            query.from_user.id,
            await services.preferences.for_matching(curator_org_id),
        )
        await query.message.answer(
            _("Matching done: proposals — {proposals}; without a pair — {unmatched}.").format(
                proposals=summary.proposals, unmatched=len(summary.unmatched)
            )
        )
        await show_batch(query.message, services, curator_org_id, state)
    elif callback_data.action == "next":
        await show_batch(query.message, services, curator_org_id, state)
    elif callback_data.action == "round":
        await show_round(query.message, services, curator_org_id)
    else:
        await show_unmatched(query.message, services, curator_org_id)


async def report(
    query: CallbackQuery, outcome: Outcome | Problem | None, callback_answer: CallbackAnswer
) -> None:
    problem = outcome.problem if isinstance(outcome, Outcome) else outcome
    texts = {
        Problem.DECIDED: _("Already decided: here is the current state."),
        Problem.NOT_FOUND: _("This proposal is no longer available."),
        Problem.MENTEE_BUSY: _("The mentee is already in a pair."),
        Problem.MENTOR_FULL: _("The mentor has no free places left."),
        Problem.NOT_READY: _("One of them is no longer ready (consent or questionnaire)."),
    }
    if problem is not None:
        callback_answer.text = texts.get(problem, _("This proposal is no longer available."))
        callback_answer.show_alert = problem is not Problem.DECIDED


async def on_proposal(
    query: CallbackQuery,
    callback_data: ProposalAct,
    services: Services,
    curator_org_id: int,
    bot: Bot,
    i18n: I18n,
    callback_answer: CallbackAnswer,
    state: FSMContext,
) -> None:
    pairing = services.pairing
    outcome: Outcome | Problem | None
    if callback_data.action == "approve":
        outcome = await pairing.approve(curator_org_id, callback_data.proposal_id)
    elif callback_data.action == "reject":
        outcome = await pairing.reject(curator_org_id, callback_data.proposal_id)
    else:
        outcome = await pairing.skip(curator_org_id, callback_data.proposal_id)
    await report(query, outcome, callback_answer)
    proposal = await pairing.proposal(curator_org_id, callback_data.proposal_id)
    if proposal is not None and isinstance(query.message, Message):
        answers = await pairing.answers(curator_org_id)
        await edit_text(
            query.message, proposal_text(proposal, answers), proposal_keyboard(proposal)
        )
        await recount_batch(bot, query.message.chat.id, services, state, proposal)
    if isinstance(outcome, Outcome) and outcome.pair is not None:
        people = await pairing.people(outcome.pair)
        if people is not None:
            await introduce(bot, i18n, services, people)


async def on_approve_shown(
    query: CallbackQuery,
    callback_data: ApproveShown,
    services: Services,
    curator_org_id: int,
    bot: Bot,
    i18n: I18n,
    callback_answer: CallbackAnswer,
) -> None:
    pairing = services.pairing
    approved, failed = 0, 0
    for proposal in await pairing.open_proposals(curator_org_id, callback_data.run_id):
        if not callback_data.first <= proposal.rank <= callback_data.last:
            continue
        outcome = await pairing.approve(curator_org_id, proposal.id)
        if outcome.pair is None:
            failed += 1
            continue
        approved += 1
        people = await pairing.people(outcome.pair)
        if people is not None:
            await introduce(bot, i18n, services, people)
    if isinstance(query.message, Message):
        await query.message.edit_reply_markup(reply_markup=None)
        await query.message.answer(
            _("Approved: {approved}; could not be approved (changed meanwhile): {failed}.").format(
                approved=approved, failed=failed
            ),
            reply_markup=menu_keyboard(),
        )
    if approved == 0 and failed == 0:
        callback_answer.text = _("Already decided: here is the current state.")


async def show_unmatched(
    message: Message, services: Services, organization_id: int, page: int = 0
) -> None:
    run = await services.pairing.latest_run(organization_id)
    mentees, _mentors = await services.pairing.cohort(organization_id)
    answers = await services.pairing.answers(organization_id)
    reasons = {item["mentee_id"]: item for item in (run.unmatched if run else [])}
    # The latest decision on each mentee's proposal of the run: "open" ones are still waiting.
    decided: dict[int, str] = {}
    if run is not None:
        for p in await services.pairing.run_proposals(organization_id, run.run_id):
            decided[p.mentee_id] = p.status
    waiting = [m for m in mentees if decided.get(m.participant_id) != "open"]
    if not waiting:
        await message.answer(_("Every ready mentee has a pair or an open proposal."))
        return
    lines = [_("<b>Mentees without a pair</b>: {n}").format(n=len(waiting))]
    builder = InlineKeyboardBuilder()
    shown, page, pages = page_of(waiting, page, UNMATCHED_PAGE)
    for mentee in shown:
        name = display_name(mentee.participant_id, answers.get(mentee.participant_id, {}))
        lines.append(
            waiting_line(
                hd.quote(name),
                reasons.get(mentee.participant_id),
                decided.get(mentee.participant_id),
            )
        )
        builder.button(
            text=_("Assign a mentor: {name}").format(name=name),
            callback_data=DirectMentee(mentee_id=mentee.participant_id),
        )
    builder.adjust(1)
    attach_navigation(builder, page, pages, lambda n: UnmatchedPage(page=n))
    lines.append(_("Recruit mentors of the missing profile, or assign a mentor directly."))
    await message.answer("\n".join(lines), reply_markup=builder.as_markup())


async def on_unmatched_page(
    query: CallbackQuery, callback_data: UnmatchedPage, services: Services, curator_org_id: int
) -> None:
    if isinstance(query.message, Message):
        await show_unmatched(query.message, services, curator_org_id, callback_data.page)


async def on_direct_mentee(
    query: CallbackQuery, callback_data: DirectMentee, services: Services, curator_org_id: int
) -> None:
    cards = [
        c
        for c in await services.pairing.mentor_cards(curator_org_id)
        if c.admission is not None and c.admission.decision == "admitted"
    ]
    if not isinstance(query.message, Message):
        return
    if not cards:
        await query.message.answer(_("There are no admitted mentors yet."))
        return
    shown, page, pages = page_of(cards, callback_data.page, MENTORS_PAGE)
    builder = InlineKeyboardBuilder()
    for card in shown:
        builder.button(
            text=display_name(card.participant.id, card.answers),
            callback_data=DirectPick(
                mentee_id=callback_data.mentee_id, mentor_id=card.participant.id
            ),
        )
    builder.adjust(1)
    mentee_id = callback_data.mentee_id
    attach_navigation(builder, page, pages, lambda n: DirectMentee(mentee_id=mentee_id, page=n))
    await query.message.answer(_("Choose the mentor:"), reply_markup=builder.as_markup())


async def on_direct_pick(
    query: CallbackQuery,
    callback_data: DirectPick,
    services: Services,
    curator_org_id: int,
    bot: Bot,
    i18n: I18n,
    callback_answer: CallbackAnswer,
) -> None:
    outcome = await services.pairing.assign_directly(
        curator_org_id,
        callback_data.mentee_id,
        callback_data.mentor_id,
        force=callback_data.force,
    )
    if not isinstance(query.message, Message):
        return
    if outcome.problem is Problem.VIOLATIONS and not callback_data.force:
        builder = InlineKeyboardBuilder()
        builder.button(
            text=_("Assign anyway"),
            callback_data=DirectPick(
                mentee_id=callback_data.mentee_id, mentor_id=callback_data.mentor_id, force=True
            ),
        )
        await query.message.answer(
            _("Warning: this assignment breaks the rules: {rules}.").format(
                rules="; ".join(violation_text(v) for v in outcome.violations)
            ),
            reply_markup=builder.as_markup(),
        )
        return
    if outcome.pair is None:
        await report(query, outcome, callback_answer)
        if outcome.problem is Problem.VIOLATIONS:
            callback_answer.text = _("This assignment is impossible: {rules}.").format(
                rules="; ".join(violation_text(v) for v in outcome.violations)
            )
        return
    await query.message.edit_reply_markup(reply_markup=None)
    await query.message.answer(_("Assigned directly: the pair is created."))
    people = await services.pairing.people(outcome.pair)
    if people is not None:
        await introduce(bot, i18n, services, people)


def build_router() -> Router:
    router = curator_router("matching")
    router.message.register(show_menu, Command("matching"))
    router.callback_query.register(on_menu, MatchMenu.filter())
    router.callback_query.register(on_proposal, ProposalAct.filter())
    router.callback_query.register(on_approve_shown, ApproveShown.filter())
    router.callback_query.register(on_unmatched_page, UnmatchedPage.filter())
    router.callback_query.register(on_direct_mentee, DirectMentee.filter())
    router.callback_query.register(on_direct_pick, DirectPick.filter())
    return router
