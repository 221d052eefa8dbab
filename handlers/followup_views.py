"""The views after a meeting: "did the meeting take place?", what follows the answers, and
what the curators hear of a pair that needs attention. Texts are built in the reader's
language (the outbox's render functions call the ``*_screen`` builders)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from aiogram.filters.callback_data import CallbackData
from aiogram.utils.i18n import gettext as _
from babel.dates import format_date

from bot.cadence import ALERTING_QUESTIONS, Raised, Reason
from bot.followups import Answer, FollowupJob
from bot.formatting import format_moment
from bot.html_text import quote
from bot.meeting_sides import MeetingProblem, MeetingView, Side
from bot.pairing import PairPeople
from bot.screens import Button, Screen
from dialogs.answer_display import format_answer
from dialogs.compatibility import COMPATIBILITY
from handlers.meeting_texts import MeetPlan, kind_title, meeting_text, other_name, problem_text
from handlers.people import display_name
from handlers.plan_views import PlanAction, act
from handlers.texts import current_locale

# Names of one side and their compatibility answers, shown to the curators.
Answered = tuple[str, Mapping[str, Any]]


class FollowupAnswer(CallbackData, prefix="fu1"):
    meeting_id: int
    answer: str  # held, moved, not_held


class ReasonSkip(CallbackData, prefix="fu1s"):
    meeting_id: int


# -- the question --------------------------------------------------------------------------------
def answer_rows(meeting_id: int) -> tuple[tuple[Button, ...], ...]:
    return tuple(
        (Button(title, data=FollowupAnswer(meeting_id=meeting_id, answer=answer.value).pack()),)
        for answer, title in (
            (Answer.HELD, _("✅ Yes, we met")),
            (Answer.MOVED, _("🔁 It was moved")),
            (Answer.NOT_HELD, _("❌ It did not happen")),
        )
    )


def question_screen(job: FollowupJob, side: Side) -> Screen:
    values = {
        "kind": kind_title(job.meeting.kind),
        "name": quote(other_name(side)),
        "when": format_moment(job.meeting.starts_at, current_locale(), side.timezone),
    }
    if job.last:
        text = _(
            "A reminder: please tell us whether the {kind} with {name} on {when} took place."
        ).format(**values)
    else:
        text = _("How did it go? Did the {kind} with {name} on {when} take place?").format(**values)
    return Screen(text, answer_rows(job.meeting.id))


# -- after the answers ---------------------------------------------------------------------------
def followup_problem(problem: MeetingProblem) -> str:
    if problem is MeetingProblem.NOT_YET:
        return _("This meeting has not taken place yet.")
    if problem is MeetingProblem.DECIDED:
        return _("You have already answered about this meeting. Thank you!")
    return problem_text(problem)


def different_answers_text() -> str:
    return _(
        "Thank you, your answer is saved. Your pair answered differently; the curator will "
        "see both answers."
    )


def reason_screen(meeting_id: int) -> Screen:
    """After «It did not happen»: why, with «Skip»."""
    return Screen(
        _("What got in the way? Write it in one message (your curator will see it)."),
        ((Button(_("Skip"), data=ReasonSkip(meeting_id=meeting_id).pack()),),),
    )


def new_time_screen(pair_id: int, planned_id: int | None) -> Screen:
    """After the reason: move the meeting already planned (``planned_id``), or find a time."""
    if planned_id is not None:
        text = _("Thank you, your answer is saved. The next meeting is already planned; you "
                 "can move it if needed.")  # fmt: skip
        button = Button(
            _("Move the next meeting"),
            data=MeetPlan(pair_id=pair_id, replaces=planned_id).pack(),
        )
    else:
        text = _("Thank you, your answer is saved. Shall we find a new time?")
        button = Button(_("Propose a new time"), data=MeetPlan(pair_id=pair_id).pack())
    return Screen(text, ((button,),))


def goals_screen(pair_id: int) -> Screen:
    # The plan built with the curator (handlers/plans.py); GoalsStart stays for old messages.
    text = _(
        "The planning meeting has taken place. Please build the individual plan of your "
        "pair: the program's end, the goals with their deadlines, how success will be seen "
        "and the activities. Your mentee will see it, and the curator approves it."
    )
    return Screen(
        text,
        (
            (
                Button(
                    _("Build the plan"),
                    data=act(pair_id, PlanAction.START),
                ),
            ),
        ),
    )


def next_meeting_screen(view: MeetingView, skipped: Sequence[tuple[date, str]]) -> Screen:
    locale = current_locale()
    lines = [
        _("The next meeting is planned by your rhythm:\n{meeting}").format(
            meeting=meeting_text(view, locale)
        )
    ]
    for day, title in skipped:
        lines.append(
            _(
                "{date} falls on the holidays ({title}), so the meeting is on the "
                "next date of your rhythm."
            ).format(date=format_date(day, "long", locale=locale), title=quote(title))
        )
    lines.append(_("If the time does not suit you, you can move it in /meetings."))
    move = MeetPlan(pair_id=view.meeting.pair_id, replaces=view.meeting.id).pack()
    return Screen("\n".join(lines), ((Button(_("Move"), data=move),),))


def propose_next_screen(pair_id: int, kind: str) -> Screen:
    text = _("Please propose the next meeting with your pair: {kind}.").format(
        kind=kind_title(kind)
    )
    return Screen(text, ((Button(_("Propose a meeting"), data=MeetPlan(pair_id=pair_id).pack()),),))


# -- the curator hears of a pair that needs attention --------------------------------------------
def attention_reason_text(reason: str) -> str:
    return {
        Reason.MISSED_TWICE.value: _("two meetings in a row did not happen"),
        Reason.INCOMPATIBLE.value: _(
            "an answer after the trial meeting: not comfortable working together, or not "
            "clear what to do together"
        ),
        Reason.OVERDUE.value: _(
            "no meeting for longer than the pair's interval (holidays not counted), even "
            "after a reminder"
        ),
    }.get(reason, reason)


def pair_title(people: PairPeople) -> str:
    mentor = display_name(people.mentor.id, people.mentor_answers)
    mentee = display_name(people.mentee.id, people.mentee_answers)
    return f"{mentor} — {mentee}"


def side_answers(side: Side) -> dict[str, Any]:
    people = side.people
    return people.mentor_answers if side.me.id == people.mentor.id else people.mentee_answers


def compatibility_answers_text(name: str, answers: Mapping[str, Any]) -> str:
    """One side's answers to the two questions that can alert the curator."""
    shown = [
        f"{_(question.label or question.text)}: {format_answer(question, answers[question.key], _)}"
        for question in COMPATIBILITY.questions
        if question.key in ALERTING_QUESTIONS and answers.get(question.key) is not None
    ]
    return _("{name} answered: {answers}").format(name=quote(name), answers=quote("; ".join(shown)))


def comment_text(comment: str | None) -> str:
    return "\n" + _("Comment: {text}").format(text=quote(comment)) if comment else ""


def attention_screen(raised: Raised, answered: Answered | None = None) -> Screen:
    detail = comment_text(raised.attention.detail)
    if answered is not None:
        detail = "\n" + compatibility_answers_text(*answered) + detail
    return Screen(
        _(
            "⚠️ The pair {pair} needs attention: {reason}.{detail}\n"
            "All such pairs: /curator → «Meetings»."
        ).format(
            pair=quote(pair_title(raised.people)),
            reason=attention_reason_text(raised.attention.reason),
            detail=detail,
        )
    )


def second_answer_screen(people: PairPeople, answered: Answered, comment: str | None) -> Screen:
    return Screen(
        _(
            "⚠️ One more answer after the trial meeting in the pair {pair}, which is "
            "already on the list of pairs needing attention:\n{answers}{detail}\n"
            "All such pairs: /curator → «Meetings»."
        ).format(
            pair=quote(pair_title(people)),
            answers=compatibility_answers_text(*answered),
            detail=comment_text(comment),
        )
    )
