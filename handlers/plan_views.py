"""Texts and buttons of the pair's individual plan (handlers/plans.py and
handlers/plan_review.py act on them): building it, the curator's decision, progress."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Annotated
from zoneinfo import ZoneInfo

from aiogram.filters.callback_data import CallbackData
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext
from babel.dates import format_date
from pydantic import Field

from bot.html_text import quote
from bot.models.plans import PairPlan, PlanEvent, PlanGoal, PlanVersion
from bot.plans import PlanProblem, ProgramBounds
from bot.screens import Button, Rows, Screen
from dialogs.plan import (
    LIMITS,
    PLAN_STATUS_LABELS,
    PROGRESS_LABELS,
    STEP_PROMPTS,
    PlanStatus,
    PlanStep,
    Progress,
)
from handlers.address import you
from handlers.callbacks import Id
from handlers.meeting_texts import MeetPlan
from handlers.paging import column

# The lengths offered as buttons for a teacher's program; any date in range can be typed.
MONTH_CHOICES = (3, 4, 6, 9, 12)


class PlanAction(StrEnum):
    START = "start"  # build the plan, or change it (from the version in force or returned)
    MONTHS = "months"  # the program lasts ``value`` months from the pair's start
    DEFAULT_END = "default"  # the program ends with the cycle
    ADD_GOAL = "add"
    SUBMIT = "submit"
    RESTART = "restart"
    SHOW = "show"  # the plan and its history
    PROGRESS = "progress"  # the goals to mark progress on
    DROP_LAST = "drop"  # the draft without its last goal


class PlanAct(CallbackData, prefix="pl1"):
    pair_id: Id
    action: PlanAction
    value: Annotated[int, Field(ge=0, le=12)] = 0


class PlanMark(CallbackData, prefix="pl1m"):
    """Progress on goal ``position`` of version ``version_id``; no ``progress``: the choices."""

    pair_id: Id
    version_id: Id
    position: Annotated[int, Field(ge=1, le=LIMITS.goals)]
    progress: Progress | None = None


class ReviewAction(StrEnum):
    APPROVE = "approve"
    RETURN = "return"


class PlanReview(CallbackData, prefix="pl1r"):
    version_id: Id
    action: ReviewAction


def act(pair_id: int, action: PlanAction, value: int = 0) -> str:
    return PlanAct(pair_id=pair_id, action=action, value=value).pack()


def long_date(day: date, locale: str) -> str:
    return format_date(day, "long", locale=locale)


def progress_label(value: str) -> str:
    try:
        return _(PROGRESS_LABELS[Progress(value)])
    except ValueError:
        return value


def status_label(value: str) -> str:
    try:
        return _(PLAN_STATUS_LABELS[PlanStatus(value)])
    except ValueError:
        return value


def goals_text(goals: Sequence[PlanGoal], locale: str, progress: Sequence[str] = ()) -> list[str]:
    lines: list[str] = []
    for number, goal in enumerate(goals, 1):
        lines.append(f"<b>{number}. {quote(goal.text)}</b>")
        lines.append(_("Deadline: {date}").format(date=long_date(goal.deadline, locale)))
        lines.append(_("How success will be seen: {measure}").format(measure=quote(goal.measure)))
        lines.append(_("Activities:"))
        lines += [f"• {quote(activity)}" for activity in goal.activities]
        if progress:
            lines.append(
                _("Progress: {status}").format(status=progress_label(progress[number - 1]))
            )
    return lines


def version_text(version: PlanVersion, locale: str, *, title: str | None = None) -> str:
    lines = [title or _("Individual plan of the pair")]
    lines.append(
        _("End of the program: {date}").format(date=long_date(version.program_end, locale))
    )
    lines.append(_("Status: {status}").format(status=status_label(version.status)))
    if version.status == PlanStatus.RETURNED and version.comment:
        lines.append(_("The curator's comment: {comment}").format(comment=quote(version.comment)))
    lines.append("")
    shown_progress = version.progress if version.status == PlanStatus.APPROVED else ()
    lines += goals_text(version.goals, locale, shown_progress)
    return "\n".join(lines)


def draft_text(end: date, goals: Sequence[PlanGoal], locale: str) -> str:
    lines = [_("Draft of the plan")]
    lines.append(_("End of the program: {date}").format(date=long_date(end, locale)))
    lines.append("")
    lines += goals_text(goals, locale)
    return "\n".join(lines)


def history_text(events: Sequence[PlanEvent], locale: str, timezone: str) -> str:
    lines = [_("History of the plan:")]
    names = {
        "submitted": _("submitted to the curator"),
        "approved": _("approved by the curator"),
        "returned": _("returned by the curator"),
    }
    for event in events:
        day = long_date(event.at.astimezone(ZoneInfo(timezone)).date(), locale)
        line = f"{day}: {names.get(event.event, event.event)}"
        if event.comment:
            line += f" — {quote(event.comment)}"
        lines.append(line)
    return "\n".join(lines)


# -- building -------------------------------------------------------------------------------------
def end_prompt(bounds: ProgramBounds, locale: str, pair_id: int) -> Screen:
    text = (
        _(STEP_PROMPTS[PlanStep.END])
        + "\n"
        + _("It can end between {earliest} and {latest}.").format(
            earliest=long_date(bounds.earliest, locale), latest=long_date(bounds.latest, locale)
        )
    )
    buttons: list[Button] = []
    if bounds.teacher:
        buttons += [
            Button(
                ngettext("{n} month", "{n} months", months).format(n=months),
                data=PlanAct(pair_id=pair_id, action=PlanAction.MONTHS, value=months).pack(),
            )
            for months in MONTH_CHOICES
        ]
    if bounds.default is not None:
        buttons.append(
            Button(
                _("Until the end of the cycle ({date})").format(
                    date=long_date(bounds.default, locale)
                ),
                data=PlanAct(pair_id=pair_id, action=PlanAction.DEFAULT_END).pack(),
            )
        )
    return Screen(text, column(buttons, width=3) if buttons else ())


def step_prompt(step: PlanStep, number: int = 0) -> str:
    return _(STEP_PROMPTS[step]).format(number=number)


def draft_screen(pair_id: int, end: date, goals: Sequence[PlanGoal], locale: str) -> Screen:
    rows: list[tuple[Button, ...]] = []
    if len(goals) < LIMITS.goals:
        rows.append(
            (
                Button(
                    _("Add a goal"),
                    data=PlanAct(pair_id=pair_id, action=PlanAction.ADD_GOAL).pack(),
                ),
            )
        )
    if len(goals) > 1:
        rows.append((Button(_("Remove the last goal"), data=act(pair_id, PlanAction.DROP_LAST)),))
    rows.append(
        (
            Button(
                _("Submit to the curator"),
                data=PlanAct(pair_id=pair_id, action=PlanAction.SUBMIT).pack(),
            ),
        )
    )
    rows.append(
        (Button(_("Start again"), data=PlanAct(pair_id=pair_id, action=PlanAction.RESTART).pack()),)
    )
    return Screen(draft_text(end, goals, locale), tuple(rows))


def problem_text(problem: PlanProblem, bounds: ProgramBounds | None, locale: str) -> str:
    if problem is PlanProblem.END_PAST:
        return _("That date has already passed. Please type a date in the future.")
    if problem in (PlanProblem.END_TOO_SOON, PlanProblem.END_TOO_LATE) and bounds is not None:
        return _("The program can end between {earliest} and {latest}. Please type a date in "
                 "that range.").format(earliest=long_date(bounds.earliest, locale),
                                       latest=long_date(bounds.latest, locale))  # fmt: skip
    if problem is PlanProblem.DEADLINE_PAST:
        return _("The deadline must be a date in the future. Please type another date.")
    if problem is PlanProblem.DEADLINE_AFTER_END:
        return _("The deadline is after the end of the program. Please type a date before "
                 "the program ends or on that day.")  # fmt: skip
    if problem is PlanProblem.TOO_LONG:
        return _("That is too long. Please write it shorter.")
    if problem is PlanProblem.EMPTY:
        return _("Please write a few words.")
    if problem is PlanProblem.TOO_MANY_GOALS:
        return ngettext(
            "A plan can have at most {n} goal.", "A plan can have at most {n} goals.", LIMITS.goals
        ).format(n=LIMITS.goals)
    if problem is PlanProblem.NOT_YOURS:
        return _("Only the mentor of an active pair builds its plan, after the planning meeting.")
    return _("This has already changed. Please use the latest message.")


def text_too_long(limit: int) -> str:
    return ngettext(
        "Please keep it within {n} character.", "Please keep it within {n} characters.", limit
    ).format(n=limit)


def bad_activities() -> str:
    return _("Please write one to five activities, one per line, each up to 200 characters.")


def submitted_text() -> str:
    return _("The plan has been sent to the curator. You will be told when they decide.")


def mentee_submitted_screen(minor: bool, version: PlanVersion, locale: str) -> Screen:
    intro = you(
        minor,
        "Your mentor has sent the plan of your pair to the curator. Here it is; if you "
        "would like to change something, tell your mentor.",
    )
    return Screen(intro + "\n\n" + version_text(version, locale))


# -- the curator ------------------------------------------------------------------------------
@dataclass(frozen=True)
class PlanWho:
    """Whose plan: a pair («Mentor — Mentee») or a group («Mentor (Member, Member, ...)»)."""

    title: str
    group: bool = False


def review_screen(who: PlanWho, version: PlanVersion, locale: str, change: bool) -> Screen:
    if who.group:
        intro = (
            _("The group of {pair} asks to change its approved plan:")
            if change
            else _("The group of {pair} has submitted its plan for approval:")
        )
    else:
        intro = (
            _("The pair {pair} asks to change its approved plan:")
            if change
            else _("The pair {pair} has submitted its plan for approval:")
        )
    intro = intro.format(pair=quote(who.title))
    rows = (
        (
            Button(
                _("Approve the plan"),
                data=PlanReview(version_id=version.id, action=ReviewAction.APPROVE).pack(),
            ),
            Button(
                _("Return with a comment"),
                data=PlanReview(version_id=version.id, action=ReviewAction.RETURN).pack(),
            ),
        ),
    )
    return Screen(intro + "\n\n" + version_text(version, locale), rows)


def comment_prompt() -> str:
    return step_prompt(PlanStep.COMMENT)


def approved_curator_text(who: PlanWho) -> str:
    if who.group:
        text = _(
            "The plan of the group of {pair} is approved. The mentor and the members have "
            "been told."
        )
    else:
        text = _("The plan of the pair {pair} is approved. The pair has been told.")
    return text.format(pair=quote(who.title))


def returned_curator_text(who: PlanWho) -> str:
    if who.group:
        text = _("The plan of the group of {pair} is returned with your comment.")
    else:
        text = _("The plan of the pair {pair} is returned with your comment.")
    return text.format(pair=quote(who.title))


def already_decided() -> str:
    return _("This plan has already been decided on, or the pair has ended.")


def approved_screen(minor: bool, version: PlanVersion, locale: str) -> Screen:
    intro = you(minor, "The curator has approved the plan of your pair.")
    return Screen(intro + "\n\n" + version_text(version, locale))


def returned_screen(minor: bool, version: PlanVersion, locale: str, pair_id: int | None) -> Screen:
    intro = you(
        minor, "The curator has returned the plan of your pair for changes. Comment: {comment}"
    ).format(comment=quote(version.comment or ""))
    rows: Rows = ()
    if pair_id is not None:  # the mentor changes it
        rows = (
            (
                Button(
                    _("Change the plan"),
                    data=PlanAct(pair_id=pair_id, action=PlanAction.START).pack(),
                ),
            ),
        )
    return Screen(intro + "\n\n" + version_text(version, locale), rows)


# -- progress -------------------------------------------------------------------------------------
def progress_offer_screen(pair_id: int) -> Screen:
    return Screen(
        _("You can mark the progress on the goals of your plan."),
        (
            (
                Button(
                    _("Mark progress on the goals"),
                    data=PlanAct(pair_id=pair_id, action=PlanAction.PROGRESS).pack(),
                ),
            ),
        ),
    )


def goals_to_mark_screen(version: PlanVersion, locale: str) -> Screen:
    rows = tuple(
        (
            Button(
                f"{number}. {goal.text[:40]} — {progress_label(version.progress[number - 1])}",
                data=PlanMark(
                    pair_id=version.pair_id, version_id=version.id, position=number
                ).pack(),
            ),
        )
        for number, goal in enumerate(version.goals, 1)
    )
    return Screen(
        _("Which goal?") + "\n\n" + "\n".join(goals_text(version.goals, locale, version.progress)),
        rows,
    )


def progress_choices_screen(version: PlanVersion, position: int) -> Screen:
    goal = version.goals[position - 1]
    rows = column(
        [
            Button(
                _(PROGRESS_LABELS[value]),
                data=PlanMark(
                    pair_id=version.pair_id,
                    version_id=version.id,
                    position=position,
                    progress=value,
                ).pack(),
            )
            for value in Progress
        ],
        width=2,
    )
    return Screen(_("Goal: {goal}\nHow is it going?").format(goal=quote(goal.text)), rows)


def marked_text(version: PlanVersion, position: int) -> str:
    return _("Saved: «{goal}» — {status}.").format(
        goal=quote(version.goals[position - 1].text),
        status=progress_label(version.progress[position - 1]),
    )


def deadline_screen(minor: bool, version: PlanVersion, position: int, locale: str) -> Screen:
    goal = version.goals[position - 1]
    text = you(
        minor,
        "Two weeks or less remain until the deadline of the goal «{goal}» ({date}). "
        "How is it going? Mark the progress:",
    ).format(goal=quote(goal.text), date=long_date(goal.deadline, locale))
    return Screen(text, progress_choices_screen(version, position).rows)


def program_end_mentor_screen(pair_id: int, mentee_name: str) -> Screen:
    text = _(
        "The program of your pair with {name} has come to its end. Please propose the final "
        "meeting: sum up what you have achieved together. After it you both get a short "
        "final poll."
    ).format(name=quote(mentee_name))
    return Screen(
        text,
        ((Button(_("Propose the final meeting"), data=MeetPlan(pair_id=pair_id).pack()),),),
    )


def program_end_mentee_screen(minor: bool, mentor_name: str) -> Screen:
    return Screen(
        you(
            minor,
            "The program of your pair has come to its end. Your mentor {name} will propose "
            "a time for your final meeting, where you will sum up what you have achieved.",
        ).format(name=quote(mentor_name))
    )


# -- the curator's pair card ----------------------------------------------------------------------
def card_plan_text(plan: PairPlan, locale: str, timezone: str) -> str | None:
    """The plan in short for the curator's pair card: status, approval date, the program's
    end, and each goal with its deadline and progress."""
    version = plan.in_force or plan.pending
    if version is None:
        return None
    lines = [_("<b>Individual plan</b>: {status}").format(status=status_label(version.status))]
    if plan.in_force is not None and plan.in_force.decided_at is not None:
        approved = plan.in_force.decided_at.astimezone(ZoneInfo(timezone)).date()
        lines.append(_("Approved: {date}").format(date=long_date(approved, locale)))
    if plan.in_force is not None and plan.pending is not None:
        lines.append(
            _("The changed plan: {status}").format(status=status_label(plan.pending.status))
        )
    lines.append(
        _("End of the program: {date}").format(date=long_date(version.program_end, locale))
    )
    progress = version.progress if version.status == PlanStatus.APPROVED else ()
    for number, goal in enumerate(version.goals, 1):
        line = _("{number}. {goal} — until {date}").format(
            number=number, goal=quote(goal.text), date=long_date(goal.deadline, locale)
        )
        if progress:
            line += f" ({progress_label(progress[number - 1])})"
        lines.append(line)
    return "\n".join(lines)


def show_plan_row(pair_id: int) -> Rows:
    return ((Button(_("Individual plan"), data=act(pair_id, PlanAction.SHOW)),),)


def change_plan_row(pair_id: int) -> Rows:
    return ((Button(_("Change the plan"), data=act(pair_id, PlanAction.START)),),)
