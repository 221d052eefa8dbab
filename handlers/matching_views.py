"""Texts and buttons of the matching: proposals with their explanation, the batch under
them, and why a mentee is still without a pair."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from typing import Any

from aiogram.filters.callback_data import CallbackData
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from bot.admission import MentorCard
from bot.html_text import quote
from bot.matching.constraints import Violation
from bot.models.matching import ProposalRow
from bot.pairing import Problem
from bot.screens import Button, Screen
from handlers.paging import navigation_row
from handlers.people import display_name, explanation, profile_lines, violation_text

Rows = tuple[tuple[Button, ...], ...]


class MenuStep(StrEnum):
    RUN = "run"
    NEXT = "next"
    UNMATCHED = "unmatched"
    ROUND = "round"


class ProposalStep(StrEnum):
    APPROVE = "approve"
    REJECT = "reject"
    SKIP = "skip"


class MatchMenu(CallbackData, prefix="mt1m"):
    action: MenuStep


class ProposalAct(CallbackData, prefix="mt1p"):
    proposal_id: int
    action: ProposalStep


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


def menu_rows() -> Rows:
    return tuple(
        (Button(title, data=MatchMenu(action=step).pack()),)
        for step, title in (
            (MenuStep.RUN, _("Run the matching")),
            (MenuStep.NEXT, _("Open proposals")),
            (MenuStep.UNMATCHED, _("Mentees without a pair")),
            (MenuStep.ROUND, _("Preference round")),
        )
    )


def menu_screen(mentees: int, mentors: int, places: int) -> Screen:
    return Screen(
        _(
            "<b>Forming pairs and groups</b>\n"
            "Ready mentees without a pair: {mentees}\n"
            "Admitted mentors with free places: {mentors} ({places})\n\n"
            "The matching proposes the best pairs for the whole cohort at once; nobody is told "
            "anything until you approve."
        ).format(
            mentees=mentees,
            mentors=mentors,
            places=ngettext("{n} place", "{n} places", places).format(n=places),
        ),
        menu_rows(),
    )


def with_menu(text: str) -> Screen:
    """A short result with the matching's menu under it."""
    return Screen(text, menu_rows())


def run_done(proposals: int, unmatched: int) -> Screen:
    return Screen(
        _("Matching done: proposals — {proposals}; without a pair — {unmatched}.").format(
            proposals=proposals, unmatched=unmatched
        )
    )


def problem_text(problem: Problem) -> str:
    texts = {
        Problem.DECIDED: _("Already decided: here is the current state."),
        Problem.NOT_FOUND: _("This proposal is no longer available."),
        Problem.MENTEE_BUSY: _("The mentee is already in a pair."),
        Problem.MENTOR_FULL: _("The mentor has no free places left."),
        Problem.NOT_READY: _("One of them is no longer ready (consent or questionnaire)."),
        Problem.NOT_CHECKED: _(
            "The mentee's legal representative has not been checked yet: confirm them in "
            "/candidates (against the school's records or a paper consent) first."
        ),
    }
    return texts.get(problem, _("This proposal is no longer available."))


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
        ngettext(
            "<b>Proposal No. {rank}</b> · {score} point",
            "<b>Proposal No. {rank}</b> · {score} points",
            proposal.score,
        ).format(rank=proposal.rank, score=proposal.score),
        _("Mentee: {name}").format(name=quote(display_name(proposal.mentee_id, mentee))),
        *[f"  {line}" for line in profile_lines("mentee", mentee)[:3]],
        _("Mentor: {name}").format(name=quote(display_name(proposal.mentor_id, mentor))),
        *[f"  {line}" for line in profile_lines("mentor", mentor)[:2]],
        _("Why: {why}").format(why=explanation(proposal.explanation)),
    ]
    if proposal.status != "open":
        lines.append(status_line(proposal.status))
    return "\n".join(lines)


def proposal_rows(proposal: ProposalRow) -> Rows:
    if proposal.status != "open":
        return ()
    titles = {
        ProposalStep.APPROVE: _("Approve"),
        ProposalStep.REJECT: _("Reject"),
        ProposalStep.SKIP: _("Skip"),
    }
    return (
        tuple(
            Button(title, data=ProposalAct(proposal_id=proposal.id, action=step).pack())
            for step, title in titles.items()
        ),
    )


def proposal_screen(proposal: ProposalRow, answers: dict[int, dict[str, Any]]) -> Screen:
    return Screen(proposal_text(proposal, answers), proposal_rows(proposal))


def batch_screen(
    run_id: int, ranks: tuple[int, int], undecided: int, more: bool, total: int | None = None
) -> Screen:
    """«Approve all shown (n)» counts the shown proposals still undecided; the text (only
    when the batch is first shown) says how many are open."""
    rows: Rows = ()
    if undecided:
        data = ApproveShown(run_id=run_id, first=ranks[0], last=ranks[1]).pack()
        rows += ((Button(_("Approve all shown ({n})").format(n=undecided), data=data),),)
    if more:
        rows += ((Button(_("Next proposals"), data=MatchMenu(action=MenuStep.NEXT).pack()),),)
    text = ""
    if total is not None:
        text = ngettext(
            "Shown {shown} of {total} open proposal.",
            "Shown {shown} of {total} open proposals.",
            total,
        ).format(shown=undecided, total=total)
    return Screen(text, rows)


def approved_all(approved: int, failed: int) -> Screen:
    return with_menu(
        _("Approved: {approved}; could not be approved (changed meanwhile): {failed}.").format(
            approved=approved, failed=failed
        )
    )


def unmatched_screen(
    lines: list[str], buttons: Sequence[tuple[str, int]], page: int, pages: int, total: int
) -> Screen:
    """``lines`` say why each shown mentee waits; ``buttons`` are (name, mentee id)."""
    text = [_("<b>Mentees without a pair</b>: {n}").format(n=total), *lines]
    text.append(_("Recruit mentors of the missing profile, or assign a mentor directly."))
    rows: Rows = tuple(
        (
            Button(
                _("Assign a mentor: {name}").format(name=name),
                data=DirectMentee(mentee_id=mentee_id).pack(),
            ),
        )
        for name, mentee_id in buttons
    )
    rows += navigation_row(page, pages, lambda n: UnmatchedPage(page=n))
    return Screen("\n".join(text), rows)


def mentors_screen(mentee_id: int, cards: Sequence[MentorCard], page: int, pages: int) -> Screen:
    rows: Rows = tuple(
        (
            Button(
                display_name(card.participant.id, card.answers),
                data=DirectPick(mentee_id=mentee_id, mentor_id=card.participant.id).pack(),
            ),
        )
        for card in cards
    )
    rows += navigation_row(page, pages, lambda n: DirectMentee(mentee_id=mentee_id, page=n))
    return Screen(_("Choose the mentor:"), rows)


def violations_text(violations: Sequence[Violation]) -> str:
    return "; ".join(violation_text(v) for v in violations)


def breaks_rules_screen(mentee_id: int, mentor_id: int, violations: Sequence[Violation]) -> Screen:
    data = DirectPick(mentee_id=mentee_id, mentor_id=mentor_id, force=True).pack()
    return Screen(
        _("Warning: this assignment breaks the rules: {rules}.").format(
            rules=violations_text(violations)
        ),
        ((Button(_("Assign anyway"), data=data),),),
    )


def waiting_line(name: str, item: dict[str, Any] | None, decision: str | None) -> str:
    """Why a mentee is still without a pair, as the curator needs it to act."""
    if decision == "skipped":
        return _(
            "{name}: you skipped the proposed pair; the mentee stays in the pool for the next run"
        ).format(name=name)
    if decision == "rejected":
        return _(
            "{name}: you rejected the proposed pair; the next run looks for another mentor"
        ).format(name=name)
    if decision == "approved":
        return _(
            "{name}: the pair approved in the last run has ended; run the matching again"
        ).format(name=name)
    if item is None:
        return _("{name}: not in the last matching run yet; run the matching again").format(
            name=name
        )
    if item.get("had_allowed"):
        return _("{name}: the free places of suitable mentors went to other mentees").format(
            name=name
        )
    if item["reasons"] == [Violation.NO_CAPACITY.value]:
        return _("{name}: suitable mentors exist, but they have no free places").format(name=name)
    why = "; ".join(violation_text(r) for r in item["reasons"])
    return _("{name}: no suitable mentor ({why})").format(name=name, why=why)
