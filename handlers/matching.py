"""Stage 5: run whole-cohort matching, read each explained proposal, approve in the chat."""

from __future__ import annotations

from typing import Any

from aiogram import Bot, Router
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from aiogram.utils.text_decorations import html_decoration as hd

from bot.pairing import Outcome, Problem
from bot.services import Services
from handlers.filters import curator_router
from handlers.paging import attach_navigation, page_of
from handlers.pairs import introduce
from handlers.people import display_name, explanation, profile_lines, violation_text
from handlers.preferences import show_round
from storage.repositories.matching import ProposalRow

SHOWN = 5  # proposals per batch: each is a message with its own buttons
UNMATCHED_PAGE = 10
MENTORS_PAGE = 8


class MatchMenu(CallbackData, prefix="mt1m"):
    action: str  # run, next, unmatched


class ProposalAct(CallbackData, prefix="mt1p"):
    proposal_id: int
    action: str  # approve, reject, skip


class ApproveShown(CallbackData, prefix="mt1s"):
    run_id: int
    first: int
    last: int


class UnmatchedPage(CallbackData, prefix="mt1u"):
    page: int


class DirectMentee(CallbackData, prefix="mt1e"):
    mentee_id: int
    page: int = 0


class DirectPick(CallbackData, prefix="mt1d"):
    mentee_id: int
    mentor_id: int
    force: bool = False


def menu_keyboard() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("Run the matching"), callback_data=MatchMenu(action="run"))
    builder.button(text=_("Open proposals"), callback_data=MatchMenu(action="next"))
    builder.button(text=_("Mentees without a pair"), callback_data=MatchMenu(action="unmatched"))
    builder.button(text=_("Preference round"), callback_data=MatchMenu(action="round"))
    builder.adjust(1)
    return builder.as_markup()


async def show_menu(message: Message, services: Services, curator_org_id: int) -> None:
    mentees, mentors = await services.pairing.cohort(curator_org_id)
    places = sum(m.capacity for m in mentors)
    await message.answer(
        _(
            "<b>Forming pairs and groups</b>\n"
            "Ready mentees without a pair: {mentees}\n"
            "Admitted mentors with free places: {mentors} (places: {places})\n\n"
            "The matching proposes the best pairs for the whole cohort at once; nobody is told "
            "anything until you approve."
        ).format(mentees=len(mentees), mentors=len(mentors), places=places),
        reply_markup=menu_keyboard(),
    )


def status_line(status: str) -> str:
    return {
        "approved": _("✅ Approved: the pair is created."),
        "rejected": _("❌ Rejected: this pair will not be proposed again."),
        "skipped": _("⏭ Skipped."),
    }.get(status, "")


def proposal_text(proposal: ProposalRow, answers: dict[int, dict[str, Any]]) -> str:
    mentee = answers.get(proposal.mentee_id, {})
    mentor = answers.get(proposal.mentor_id, {})
    lines = [
        _("<b>Proposal No. {rank}</b> · score {score}").format(
            rank=proposal.rank, score=proposal.score
        ),
        _("Mentee: {name}").format(name=hd.quote(display_name(proposal.mentee_id, mentee))),
        *[f"  {line}" for line in profile_lines("mentee", mentee)[:3]],
        _("Mentor: {name}").format(name=hd.quote(display_name(proposal.mentor_id, mentor))),
        *[f"  {line}" for line in profile_lines("mentor", mentor)[:2]],
        _("Why: {why}").format(why=explanation(proposal.explanation)),
    ]
    if proposal.status != "open":
        lines.append(status_line(proposal.status))
    return "\n".join(lines)


def proposal_keyboard(proposal: ProposalRow) -> InlineKeyboardMarkup | None:
    if proposal.status != "open":
        return None
    builder = InlineKeyboardBuilder()
    for action, title in (("approve", _("Approve")), ("reject", _("Reject")), ("skip", _("Skip"))):
        builder.button(
            text=title, callback_data=ProposalAct(proposal_id=proposal.id, action=action)
        )
    builder.adjust(3)
    return builder.as_markup()


async def show_batch(message: Message, services: Services, organization_id: int) -> None:
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
    builder = InlineKeyboardBuilder()
    builder.button(
        text=_("Approve all shown ({n})").format(n=len(batch)),
        callback_data=ApproveShown(run_id=run.run_id, first=batch[0].rank, last=batch[-1].rank),
    )
    if len(open_) > len(batch):
        builder.button(text=_("Next proposals"), callback_data=MatchMenu(action="next"))
    builder.adjust(1)
    await message.answer(
        _("Shown {shown} of {total} open proposals.").format(shown=len(batch), total=len(open_)),
        reply_markup=builder.as_markup(),
    )


async def on_menu(
    query: CallbackQuery,
    callback_data: MatchMenu,
    services: Services,
    curator_org_id: int,
    callback_answer: CallbackAnswer,
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
            _("Matching done: {proposals} proposals; without a pair: {unmatched}.").format(
                proposals=summary.proposals, unmatched=len(summary.unmatched)
            )
        )
        await show_batch(query.message, services, curator_org_id)
    elif callback_data.action == "next":
        await show_batch(query.message, services, curator_org_id)
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
        await query.message.edit_text(
            proposal_text(proposal, answers), reply_markup=proposal_keyboard(proposal)
        )
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
    proposed = set()
    if run is not None:
        proposed = {
            p.mentee_id for p in await services.pairing.open_proposals(organization_id, run.run_id)
        }
    waiting = [m for m in mentees if m.participant_id not in proposed]
    if not waiting:
        await message.answer(_("Every ready mentee has a pair or an open proposal."))
        return
    lines = [_("<b>Mentees without a pair</b>: {n}").format(n=len(waiting))]
    builder = InlineKeyboardBuilder()
    shown, page, pages = page_of(waiting, page, UNMATCHED_PAGE)
    for mentee in shown:
        name = display_name(mentee.participant_id, answers.get(mentee.participant_id, {}))
        item = reasons.get(mentee.participant_id)
        if item and item["reasons"]:
            why = "; ".join(violation_text(r) for r in item["reasons"])
            lines.append(
                _("{name}: no allowed mentor ({why})").format(name=hd.quote(name), why=why)
            )
        elif item:
            lines.append(
                _("{name}: the suitable mentors are taken by others").format(name=hd.quote(name))
            )
        else:
            lines.append(_("{name}: not in the last matching run").format(name=hd.quote(name)))
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
