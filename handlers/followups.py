"""After a meeting: "did the meeting take place?", its answers, and what follows them.

The scheduler's tick sends the due questions (rows claimed in the database, so a restart
loses nothing and repeats nothing). "Yes" opens the feedback form (after the trial meeting
both also get the compatibility form; after the planning meeting the mentor records the
goals); "it was moved" opens the usual proposal with the old meeting replaced; "it did not
happen" asks why and offers a new time. The next regular meeting follows the pair's rhythm.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from typing import Any

from aiogram import Bot, F, Router
from aiogram.filters.callback_data import CallbackData
from aiogram.filters.state import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from aiogram.utils.text_decorations import html_decoration as hd
from babel.dates import format_date

from bot.cadence import Raised, Reason
from bot.followups import Answer, FollowupJob
from bot.formatting import format_moment
from bot.meetings import MeetingProblem, MeetingView, NextPlan, Settled, Side
from bot.pairing import PairPeople
from bot.schedule import MeetingKind
from bot.sender import Outcome
from bot.services import Services
from dialogs.answers import format_answer
from dialogs.compatibility import COMPATIBILITY, is_incompatible
from handlers.dialogue import dialogue_message
from handlers.meetings import (
    MeetPlan,
    kind_title,
    meeting_text,
    other_name,
    problem_text,
    start_planning,
)
from handlers.notify import notify
from handlers.pair_plans import GoalsStart
from handlers.people import display_name
from handlers.render import screen_of
from handlers.responses import on_completed, send_form
from handlers.states import FollowupDialogue
from handlers.texts import reason_from
from storage.repositories.responses import Response

log = logging.getLogger(__name__)


class FollowupAnswer(CallbackData, prefix="fu1"):
    meeting_id: int
    answer: str  # held, moved, not_held


class ReasonSkip(CallbackData, prefix="fu1s"):
    meeting_id: int


# -- the scheduler's tick ------------------------------------------------------------------------
def answer_keyboard(meeting_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for answer, title in (
        (Answer.HELD, _("✅ Yes, we met")),
        (Answer.MOVED, _("🔁 It was moved")),
        (Answer.NOT_HELD, _("❌ It did not happen")),
    ):
        builder.button(
            text=title, callback_data=FollowupAnswer(meeting_id=meeting_id, answer=answer.value)
        )
    builder.adjust(1)
    return builder.as_markup()


async def deliver_followups(bot: Bot, i18n: I18n, services: Services) -> int:
    """Ask every due question once (and the one repeat); returns how many were delivered."""
    jobs = await services.followups.claim()
    if not jobs:
        return 0
    outcomes = await asyncio.gather(*(ask_one(bot, i18n, services, job) for job in jobs))
    return sum(1 for delivered in outcomes if delivered)


async def ask_one(bot: Bot, i18n: I18n, services: Services, job: FollowupJob) -> bool:
    followup = job.followup
    side = await services.meetings.side(job.meeting.pair_id, followup.telegram_id)
    if side is None:  # the pair ended meanwhile
        await services.followups.settle(followup.id, "dropped")
        return False
    locale = await services.languages.resolve(followup.telegram_id, None)
    with i18n.context(), i18n.use_locale(locale):
        values = {
            "kind": kind_title(job.meeting.kind),
            "name": hd.quote(other_name(side)),
            "when": format_moment(job.meeting.starts_at, locale, side.timezone),
        }
        if job.last:
            text = _(
                "A reminder: please tell us whether the {kind} with {name} on {when} took place."
            ).format(**values)
        else:
            text = _("How did it go? Did the {kind} with {name} on {when} take place?").format(
                **values
            )
        markup = answer_keyboard(job.meeting.id)
    outcome = await services.outbox.send(
        followup.telegram_id, lambda: screen_of(text, markup), kind="followup"
    )
    if outcome is Outcome.UNREACHABLE:
        await services.followups.settle(followup.id, "unreachable")
    return outcome is Outcome.DELIVERED


# -- the answers ---------------------------------------------------------------------------------
def followup_problem(problem: MeetingProblem) -> str:
    if problem is MeetingProblem.NOT_YET:
        return _("This meeting has not taken place yet.")
    if problem is MeetingProblem.DECIDED:
        return _("You have already answered about this meeting. Thank you!")
    return problem_text(problem)


async def on_answer(
    query: CallbackQuery,
    callback_data: FollowupAnswer,
    state: FSMContext,
    services: Services,
    bot: Bot,
    i18n: I18n,
    callback_answer: CallbackAnswer,
) -> None:
    try:
        answer = Answer(callback_data.answer)
    except ValueError:
        answer = None
    if answer is None or not isinstance(query.message, Message):
        callback_answer.text = _("This button is outdated. Please use the latest message or /help.")
        return
    result = await services.meetings.settle(callback_data.meeting_id, query.from_user.id, answer)
    if isinstance(result, MeetingProblem):
        callback_answer.text = followup_problem(result)
        return
    await query.message.edit_reply_markup(reply_markup=None)
    view = result.view
    organization_id = view.side.people.pair.organization_id
    if result.decided and view.meeting.status == "held":
        await services.cadence.meeting_held(view.meeting.pair_id)
    if result.decided and view.meeting.status == "missed":
        raised = await services.cadence.meeting_missed(organization_id, view.meeting.pair_id)
        if raised is not None:
            await tell_curators_attention(bot, i18n, services, raised)
    if answer is Answer.HELD:
        await after_held(query.message, bot, i18n, services, result)
    elif view.meeting.status == "held":
        # The other side said first that it took place: both answers stay for the curator.
        await query.message.answer(different_answers_text())
    elif answer is Answer.MOVED:
        await query.message.answer(_("Let's choose the new date and time of the meeting."))
        await start_planning(query.message, view.side, services, view.meeting.id)
    else:
        await state.set_state(FollowupDialogue.reason)
        await state.set_data({"meeting_id": view.meeting.id})
        builder = InlineKeyboardBuilder()
        builder.button(text=_("Skip"), callback_data=ReasonSkip(meeting_id=view.meeting.id))
        await query.message.answer(
            _("What got in the way? Write it in one message (your curator will see it)."),
            reply_markup=builder.as_markup(),
        )
    if result.next is not None:
        await announce_next(bot, i18n, services, view.side, result.next)


def different_answers_text() -> str:
    return _(
        "Thank you, your answer is saved. Your pair answered differently; the curator will "
        "see both answers."
    )


async def after_held(
    message: Message, bot: Bot, i18n: I18n, services: Services, result: Settled
) -> None:
    view = result.view
    meeting = view.meeting
    if meeting.status != "held":
        # The other side said first that it did not happen: both answers stay for the curator.
        await message.answer(different_answers_text())
        return
    await message.answer(_("Great! A few short questions about the meeting, please."))
    subject = f"meeting:{meeting.id}"
    await send_form(
        bot,
        services,
        view.side.me.telegram_id,
        form="meeting_feedback",
        participant_id=view.side.me.id,
        subject=subject,
        meeting_id=meeting.id,
        i18n=i18n,
    )
    if not result.decided:
        return
    if meeting.kind == MeetingKind.TRIAL:
        for person in (view.side.me, view.side.other):
            await send_form(
                bot,
                services,
                person.telegram_id,
                form="compatibility",
                participant_id=person.id,
                subject=subject,
                meeting_id=meeting.id,
                i18n=i18n,
            )
    if meeting.kind == MeetingKind.PLANNING:
        mentor = view.side.people.mentor
        locale = await services.languages.resolve(mentor.telegram_id, None)
        with i18n.use_locale(locale):
            builder = InlineKeyboardBuilder()
            builder.button(
                text=_("Record the goals"), callback_data=GoalsStart(pair_id=meeting.pair_id)
            )
            text = _(
                "The planning meeting has taken place. Please record up to three goals of your "
                "work together and the planned end date: your mentee will see them too."
            )
        await notify(bot, mentor.telegram_id, text, builder.as_markup())


async def announce_next(
    bot: Bot, i18n: I18n, services: Services, side: Side, plan: NextPlan
) -> None:
    """Tell the pair what comes next: the regular meeting planned from the rhythm (and the
    dates skipped for the holidays), or ask the mentor to propose the next opening meeting."""
    people = side.people
    if plan.meeting is not None:
        view = MeetingView(plan.meeting, side)
        for person in (people.mentor, people.mentee):
            locale = await services.languages.resolve(person.telegram_id, None)
            with i18n.use_locale(locale):
                lines = [
                    _("The next meeting is planned by your rhythm:\n{meeting}").format(
                        meeting=meeting_text(view, locale)
                    )
                ]
                for day, title in plan.skipped:
                    lines.append(
                        _(
                            "{date} falls on the holidays ({title}), so the meeting is on the "
                            "next date of your rhythm."
                        ).format(
                            date=format_date(day, "long", locale=locale), title=hd.quote(title)
                        )
                    )
                lines.append(_("If the time does not suit you, you can move it in /meetings."))
                builder = InlineKeyboardBuilder()
                builder.button(
                    text=_("Move"),
                    callback_data=MeetPlan(pair_id=people.pair.id, replaces=plan.meeting.id),
                )
            await notify(bot, person.telegram_id, "\n".join(lines), builder.as_markup())
        return
    mentor = people.mentor
    locale = await services.languages.resolve(mentor.telegram_id, None)
    with i18n.use_locale(locale):
        builder = InlineKeyboardBuilder()
        builder.button(text=_("Propose a meeting"), callback_data=MeetPlan(pair_id=people.pair.id))
        text = _("Please propose the next meeting with your pair: {kind}.").format(
            kind=kind_title(plan.kind.value)
        )
    await notify(bot, mentor.telegram_id, text, builder.as_markup())


async def on_reason(message: Message, state: FSMContext, services: Services) -> None:
    assert message.from_user is not None
    reason = reason_from(message.text)
    if reason is None:
        await message.answer(_("Please describe it in 3 to 500 characters, or press «Skip»."))
        return
    data = await state.get_data()
    await state.clear()
    meeting_id = int(data.get("meeting_id") or 0)
    view = await services.meetings.view(meeting_id, message.from_user.id)
    if view is not None:
        await services.followups.set_reason(meeting_id, view.side.me.id, reason)
    await offer_new_time(message, services, message.from_user.id, view)


async def on_reason_skip(
    query: CallbackQuery,
    callback_data: ReasonSkip,
    state: FSMContext,
    services: Services,
    callback_answer: CallbackAnswer,
) -> None:
    message = await dialogue_message(
        query, state, FollowupDialogue.reason, "meeting_id", callback_data.meeting_id
    )
    if message is None:
        callback_answer.text = _("This button is outdated. Please use the latest message or /help.")
        return
    await state.clear()
    await message.edit_reply_markup(reply_markup=None)
    view = await services.meetings.view(callback_data.meeting_id, query.from_user.id)
    await offer_new_time(message, services, query.from_user.id, view)


async def offer_new_time(
    message: Message, services: Services, telegram_id: int, view: MeetingView | None
) -> None:
    if view is None:
        await message.answer(_("Thank you, your answer is saved."))
        return
    pair_id = view.meeting.pair_id
    ahead = [
        v for v in await services.meetings.upcoming(telegram_id) if v.meeting.pair_id == pair_id
    ]
    builder = InlineKeyboardBuilder()
    if ahead:
        builder.button(
            text=_("Move the next meeting"),
            callback_data=MeetPlan(pair_id=pair_id, replaces=ahead[0].meeting.id),
        )
        text = _("Thank you, your answer is saved. The next meeting is already planned; you "
                 "can move it if needed.")  # fmt: skip
    else:
        builder.button(text=_("Propose a new time"), callback_data=MeetPlan(pair_id=pair_id))
        text = _("Thank you, your answer is saved. Shall we find a new time?")
    await message.answer(text, reply_markup=builder.as_markup())


# -- the curator hears of a pair that needs attention --------------------------------------------
def attention_reason_text(reason: str) -> str:
    return {
        Reason.MISSED_TWICE.value: _("two meetings in a row did not happen"),
        Reason.INCOMPATIBLE.value: _(
            "an answer after the trial meeting: not comfortable working together, or not "
            "clear what to do together"
        ),
        Reason.OVERDUE.value: _("no meeting for more than two weeks, even after a reminder"),
    }.get(reason, reason)


def pair_title(people: PairPeople) -> str:
    mentor = display_name(people.mentor.id, people.mentor_answers)
    mentee = display_name(people.mentee.id, people.mentee_answers)
    return f"{mentor} — {mentee}"


# The answers of the compatibility form that alert the curator when they are a "no".
ALERTING_QUESTIONS = ("comfortable", "understand_plan")


def alerts_curator(answers: Mapping[str, Any]) -> bool:
    """A "no" from either side alerts the curator (the issue's wording): rather not or not
    comfortable working together, or not understanding what to do together."""
    return is_incompatible(answers) or answers.get("understand_plan") in (False, "no")


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
    return _("{name} answered: {answers}").format(
        name=hd.quote(name), answers=hd.quote("; ".join(shown))
    )


def comment_text(comment: str | None) -> str:
    return "\n" + _("Comment: {text}").format(text=hd.quote(comment)) if comment else ""


async def tell_curators_attention(
    bot: Bot,
    i18n: I18n,
    services: Services,
    raised: Raised,
    answered: tuple[str, Mapping[str, Any]] | None = None,
) -> None:
    """Once per raise: the pair, the reason, and the way to the list. ``answered`` is the
    name and the compatibility answers that raised it, shown before the comment."""
    people = raised.people
    for curator in await services.organizations.curators(people.pair.organization_id):
        locale = await services.languages.resolve(curator.telegram_id, None)
        with i18n.context(), i18n.use_locale(locale):
            detail = comment_text(raised.attention.detail)
            if answered is not None:
                detail = "\n" + compatibility_answers_text(*answered) + detail
            text = _(
                "⚠️ The pair {pair} needs attention: {reason}.{detail}\n"
                "All such pairs: /curator → «Meetings»."
            ).format(
                pair=hd.quote(pair_title(people)),
                reason=attention_reason_text(raised.attention.reason),
                detail=detail,
            )
        await notify(bot, curator.telegram_id, text)


async def tell_curators_second_answer(
    bot: Bot,
    i18n: I18n,
    services: Services,
    people: PairPeople,
    answered: tuple[str, Mapping[str, Any]],
    comment: str | None,
) -> None:
    """The other side's "no" after the trial meeting, while the pair is already on the list
    for the first one: no second reason, but the curator reads this answer and comment too."""
    for curator in await services.organizations.curators(people.pair.organization_id):
        locale = await services.languages.resolve(curator.telegram_id, None)
        with i18n.context(), i18n.use_locale(locale):
            text = _(
                "⚠️ One more answer after the trial meeting in the pair {pair}, which is "
                "already on the list of pairs needing attention:\n{answers}{detail}\n"
                "All such pairs: /curator → «Meetings»."
            ).format(
                pair=hd.quote(pair_title(people)),
                answers=compatibility_answers_text(*answered),
                detail=comment_text(comment),
            )
        await notify(bot, curator.telegram_id, text)


@on_completed("compatibility")
async def on_compatibility(bot: Bot, services: Services, response: Response) -> None:
    """A "no" puts the pair on the list and tells the curators at once; the other side's "no"
    after that reaches them too (the pair stays on the list once)."""
    if response.meeting_id is None or not alerts_curator(response.answers):
        return
    participant = await services.participants.get(response.participant_id)
    view = (
        await services.meetings.view(response.meeting_id, participant.telegram_id)
        if participant is not None
        else None
    )
    i18n = I18n.get_current(no_error=True)
    if view is None or i18n is None:
        return
    side = view.side
    value = response.answers.get("for_curator")
    comment = " ".join(value.split())[:500] if isinstance(value, str) and value.strip() else None
    answered = (display_name(side.me.id, side_answers(side)), response.answers)
    raised = await services.cadence.incompatible(
        side.people.pair.organization_id, view.meeting.pair_id, comment
    )
    if raised is not None:
        await tell_curators_attention(bot, i18n, services, raised, answered)
        return
    # Already on the list: by the other side's "no" to this form, or by this very response
    # (a hook run again), which must not be told twice.
    other = await services.responses.answers_of("compatibility", side.other.id, response.subject)
    if other is None or not alerts_curator(other):
        return
    await tell_curators_second_answer(bot, i18n, services, side.people, answered, comment)


def build_router() -> Router:
    router = Router(name="followups")
    router.callback_query.register(on_answer, FollowupAnswer.filter())
    router.callback_query.register(on_reason_skip, ReasonSkip.filter())
    router.message.register(
        on_reason, StateFilter(FollowupDialogue.reason), F.text, ~F.text.startswith("/")
    )
    return router
