"""Texts and buttons of the matching: proposals with their explanation, the batch under
them, and why a mentee is still without a pair."""

from __future__ import annotations

from typing import Any

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext
from aiogram.utils.keyboard import InlineKeyboardBuilder
from aiogram.utils.text_decorations import html_decoration as hd

from bot.matching.constraints import Violation
from handlers.people import display_name, explanation, profile_lines, violation_text
from storage.repositories.matching import ProposalRow


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


def batch_keyboard(
    run_id: int, ranks: tuple[int, int], undecided: int, more: bool
) -> InlineKeyboardMarkup | None:
    """«Approve all shown (n)» counts the shown proposals still undecided."""
    builder = InlineKeyboardBuilder()
    if undecided:
        builder.button(
            text=_("Approve all shown ({n})").format(n=undecided),
            callback_data=ApproveShown(run_id=run_id, first=ranks[0], last=ranks[1]),
        )
    if more:
        builder.button(text=_("Next proposals"), callback_data=MatchMenu(action="next"))
    builder.adjust(1)
    markup = builder.as_markup()
    return markup if markup.inline_keyboard else None


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
