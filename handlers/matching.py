"""Stage 5: run whole-cohort matching, read each explained proposal, approve in the chat.

Texts and buttons are in handlers/matching_views.py. A press on a proposal decided already,
a batch with nothing left to approve or a direct assignment made already raises
:class:`Outdated`: one pair, a calm notice.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from bot.html_text import quote
from bot.models.matching import ProposalRow
from bot.outdated import Outdated
from bot.pairing import Outcome, Problem
from bot.services import Services
from handlers.filters import curator_router
from handlers.group_views import group_proposal_screen
from handlers.matching_views import (
    ApproveShown,
    DirectMentee,
    DirectPick,
    MatchMenu,
    MenuStep,
    ProposalAct,
    ProposalStep,
    UnmatchedPage,
    approved_all,
    batch_screen,
    breaks_rules_screen,
    mentors_screen,
    menu_screen,
    problem_text,
    proposal_screen,
    run_done,
    unmatched_screen,
    violations_text,
    waiting_line,
    with_menu,
)
from handlers.paging import page_of
from handlers.pairs import introduce_pair
from handlers.people import display_name
from handlers.preferences import show_round
from handlers.render import answer, edit, set_buttons

SHOWN = 5  # proposals per batch: each is a message with its own buttons
# FSM data key: the message under the shown batch, whose «Approve all shown (n)» follows each
# single decision. Lost with the curator's FSM data (a dialogue's /cancel), the button keeps
# its count until pressed; pressing it approves only the proposals still undecided anyway.
BATCH_KEY = "matching_batch"
UNMATCHED_PAGE = 10
MENTORS_PAGE = 8


async def show_menu(message: Message, services: Services, curator_org_id: int) -> None:
    mentees, mentors, places = await services.pairing.cohort_counts(curator_org_id)
    await answer(message, menu_screen(mentees, mentors, places))


async def show_batch(
    message: Message, services: Services, organization_id: int, state: FSMContext
) -> None:
    run = await services.pairing.latest_run(organization_id)
    if run is None:
        await answer(message, with_menu(_("The matching has not been run yet.")))
        return
    batch, open_count = await services.pairing.open_page(run.run_id, SHOWN)
    if not batch:
        await answer(
            message,
            with_menu(
                _(
                    "No open proposals left. Run the matching again or see the mentees "
                    "without a pair."
                )
            ),
        )
        return
    answers = await services.pairing.answers_of(
        [i for p in batch for i in (p.mentee_id, p.mentor_id)]
    )
    # A mentor's proposals that make a group are shown (and approved) as one.
    grouped = await services.groups.grouped_proposals(organization_id, batch, answers)
    in_groups = {p.id for members in grouped for p in members}
    for members in grouped:
        await answer(message, group_proposal_screen(members, answers))
    for proposal in batch:
        if proposal.id not in in_groups:
            await answer(message, proposal_screen(proposal, answers))
    ranks = (batch[0].rank, batch[-1].rank)
    summary = await answer(
        message, batch_screen(run.run_id, ranks, len(batch), open_count > len(batch), open_count)
    )
    await state.update_data(
        {
            BATCH_KEY: {
                "message_id": summary.message_id,
                "run_id": run.run_id,
                "first": ranks[0],
                "last": ranks[1],
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
    shown, open_count = await services.pairing.open_page(decided.run_id, SHOWN, (first, last))
    screen = batch_screen(decided.run_id, (first, last), len(shown), open_count > len(shown))
    await set_buttons(bot, chat_id, batch["message_id"], screen)


# -- the menu ----------------------------------------------------------------------------
async def on_run(
    query: CallbackQuery, services: Services, curator_org_id: int, state: FSMContext
) -> None:
    if not isinstance(query.message, Message):
        return
    summary = await services.pairing.run(
        curator_org_id,
        query.from_user.id,
        await services.preferences.for_matching(curator_org_id),
    )
    await answer(query.message, run_done(summary.proposals, len(summary.unmatched)))
    await show_batch(query.message, services, curator_org_id, state)


async def on_next(
    query: CallbackQuery, services: Services, curator_org_id: int, state: FSMContext
) -> None:
    if isinstance(query.message, Message):
        await show_batch(query.message, services, curator_org_id, state)


async def on_round(query: CallbackQuery, services: Services, curator_org_id: int) -> None:
    if isinstance(query.message, Message):
        await show_round(query.message, services, curator_org_id)


async def on_unmatched(query: CallbackQuery, services: Services, curator_org_id: int) -> None:
    if isinstance(query.message, Message):
        await show_unmatched(query.message, services, curator_org_id)


# -- one proposal ------------------------------------------------------------------------
async def decided(
    query: CallbackQuery,
    proposal_id: int,
    outcome: Outcome | Problem | None,
    services: Services,
    curator_org_id: int,
    state: FSMContext,
) -> None:
    """The proposal as it stands now in place of the pressed one; a decision that did not
    happen is an outdated press."""
    pairing = services.pairing
    proposal = await pairing.proposal(curator_org_id, proposal_id)
    screen = None
    if proposal is not None:
        sides = await pairing.answers_of((proposal.mentee_id, proposal.mentor_id))
        screen = proposal_screen(proposal, sides)
    problem = outcome.problem if isinstance(outcome, Outcome) else outcome
    if problem is not None:
        raise Outdated(problem_text(problem), current=screen)
    if proposal is None or screen is None:
        raise Outdated(problem_text(Problem.NOT_FOUND))
    await edit(query, screen)
    if isinstance(query.message, Message) and query.bot is not None:
        await recount_batch(query.bot, query.message.chat.id, services, state, proposal)
    if isinstance(outcome, Outcome) and outcome.pair is not None:
        people = await pairing.people(outcome.pair)
        if people is not None:
            await introduce_pair(services, people)


def deciding(step: ProposalStep) -> Callable[..., Awaitable[None]]:
    """The handler of one decision on a proposal: the service decides, one code renders."""

    async def handler(
        query: CallbackQuery,
        callback_data: ProposalAct,
        services: Services,
        curator_org_id: int,
        state: FSMContext,
    ) -> None:
        decide = {
            ProposalStep.APPROVE: services.pairing.approve,
            ProposalStep.REJECT: services.pairing.reject,
            ProposalStep.SKIP: services.pairing.skip,
        }[step]
        outcome = await decide(curator_org_id, callback_data.proposal_id)
        await decided(query, callback_data.proposal_id, outcome, services, curator_org_id, state)

    return handler


async def on_approve_shown(
    query: CallbackQuery, callback_data: ApproveShown, services: Services, curator_org_id: int
) -> None:
    pairing = services.pairing
    approved, failed = 0, 0
    made = []
    for proposal in await pairing.open_proposals(curator_org_id, callback_data.run_id):
        if not callback_data.first <= proposal.rank <= callback_data.last:
            continue
        outcome = await pairing.approve(curator_org_id, proposal.id)
        if outcome.pair is None:
            failed += 1
            continue
        approved += 1
        made.append(outcome.pair)
        people = await pairing.people(outcome.pair)
        if people is not None:
            await introduce_pair(services, people)
    # A mentor's pairs approved together as a group proposal was shown: they form the group.
    await services.groups.group_approved(curator_org_id, made)
    if approved == 0 and failed == 0:
        # A double tap, or every shown proposal decided one by one meanwhile.
        raise Outdated(problem_text(Problem.DECIDED))
    if isinstance(query.message, Message):
        await query.message.edit_reply_markup(reply_markup=None)
        await answer(query.message, approved_all(approved, failed))


# -- mentees without a pair and direct assignment ----------------------------------------
async def show_unmatched(
    message: Message, services: Services, organization_id: int, page: int = 0
) -> None:
    run = await services.pairing.latest_run(organization_id)
    waiting = await services.pairing.waiting_mentees(
        organization_id, run.run_id if run else None, page, UNMATCHED_PAGE
    )
    if not waiting.total:
        await message.answer(_("Every ready mentee has a pair or an open proposal."))
        return
    reasons = {item["mentee_id"]: item for item in (run.unmatched if run else [])}
    lines, buttons = [], []
    for mentee_id in waiting.mentee_ids:
        name = display_name(mentee_id, waiting.answers.get(mentee_id, {}))
        lines.append(
            waiting_line(quote(name), reasons.get(mentee_id), waiting.decisions.get(mentee_id))
        )
        buttons.append((name, mentee_id))
    await answer(
        message, unmatched_screen(lines, buttons, waiting.page, waiting.pages, waiting.total)
    )


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
        for c in await services.admission.mentor_cards(curator_org_id)
        if c.admission is not None and c.admission.decision == "admitted"
    ]
    if not isinstance(query.message, Message):
        return
    if not cards:
        await query.message.answer(_("There are no admitted mentors yet."))
        return
    shown, page, pages = page_of(cards, callback_data.page, MENTORS_PAGE)
    await answer(query.message, mentors_screen(callback_data.mentee_id, shown, page, pages))


async def on_direct_pick(
    query: CallbackQuery, callback_data: DirectPick, services: Services, curator_org_id: int
) -> None:
    mentee_id, mentor_id = callback_data.mentee_id, callback_data.mentor_id
    outcome = await services.pairing.assign_directly(
        curator_org_id, mentee_id, mentor_id, force=callback_data.force
    )
    if outcome.problem is Problem.VIOLATIONS and not callback_data.force:
        if isinstance(query.message, Message):
            await answer(
                query.message, breaks_rules_screen(mentee_id, mentor_id, outcome.violations)
            )
        return
    if outcome.problem is Problem.VIOLATIONS:
        raise Outdated(
            _("This assignment is impossible: {rules}.").format(
                rules=violations_text(outcome.violations)
            )
        )
    if outcome.pair is None:
        # A double tap finds the mentee in the pair the first tap created.
        raise Outdated(problem_text(outcome.problem or Problem.DECIDED))
    if isinstance(query.message, Message):
        await query.message.edit_reply_markup(reply_markup=None)
        await query.message.answer(_("Assigned directly: the pair is created."))
    people = await services.pairing.people(outcome.pair)
    if people is not None:
        await introduce_pair(services, people)


def build_router() -> Router:
    router = curator_router("matching")
    router.message.register(show_menu, Command("matching"))
    menu = MatchMenu.filter
    router.callback_query.register(on_run, menu(F.action == MenuStep.RUN))
    router.callback_query.register(on_next, menu(F.action == MenuStep.NEXT))
    router.callback_query.register(on_unmatched, menu(F.action == MenuStep.UNMATCHED))
    router.callback_query.register(on_round, menu(F.action == MenuStep.ROUND))
    act = ProposalAct.filter
    for step in (ProposalStep.APPROVE, ProposalStep.REJECT, ProposalStep.SKIP):
        router.callback_query.register(deciding(step), act(F.action == step))
    router.callback_query.register(on_approve_shown, ApproveShown.filter())
    router.callback_query.register(on_unmatched_page, UnmatchedPage.filter())
    router.callback_query.register(on_direct_mentee, DirectMentee.filter())
    router.callback_query.register(on_direct_pick, DirectPick.filter())
    return router
