"""After a meeting: the answers to "did the meeting take place?" and what follows them.

The question itself is sent by the follow-up job (:mod:`jobs.followups`); the texts and
keyboards are in :mod:`handlers.followup_views`. "Yes" opens the feedback form (after the
trial meeting both also get the compatibility form; after the planning meeting the mentor
records the goals); "it was moved" opens the usual proposal with the old meeting replaced;
"it did not happen" asks why and offers a new time. The next regular meeting follows the
pair's rhythm. Messages to the other people go through the outbox.
"""

from __future__ import annotations

import logging

from aiogram import Bot, F, Router
from aiogram.filters.state import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot.cadence import alerts_curator
from bot.followups import Answer
from bot.meeting_changes import NextPlan, Settled
from bot.meeting_sides import MeetingProblem, MeetingView, Side
from bot.models.responses import Response
from bot.schedule import MeetingKind
from bot.services import Services
from dialogs.forms import FormPace
from handlers import render
from handlers.attention import tell_curators_attention, tell_curators_second_answer
from handlers.dialogue import dialogue_message
from handlers.followup_views import (
    FollowupAnswer,
    ReasonSkip,
    different_answers_text,
    followup_problem,
    goals_screen,
    new_time_screen,
    next_meeting_screen,
    propose_next_screen,
    reason_screen,
    side_answers,
)
from handlers.meetings import start_planning
from handlers.people import display_name
from handlers.plans import offer_progress
from handlers.representative import tell_of_meeting
from handlers.responses import send_form
from handlers.short_views import final_next_screen
from handlers.states import FollowupDialogue
from handlers.texts import reason_from

log = logging.getLogger(__name__)


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
    result = await services.meeting_changes.settle(
        callback_data.meeting_id, query.from_user.id, answer
    )
    if isinstance(result, MeetingProblem):
        callback_answer.text = followup_problem(result)
        return
    await render.drop_message_keyboard(query.message)
    view = result.view
    organization_id = view.side.people.pair.organization_id
    if result.decided and view.meeting.status == "held":
        await services.cadence.meeting_held(view.meeting.pair_id)
    if result.decided and view.meeting.status == "missed":
        raised = await services.cadence.meeting_missed(organization_id, view.meeting.pair_id)
        if raised is not None:
            await tell_curators_attention(services, raised)
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
        await render.answer(query.message, reason_screen(view.meeting.id))
    if result.next is not None:
        await announce_next(bot, i18n, services, view.side, result.next)


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
        services,
        view.side.me.telegram_id,
        form="meeting_feedback",
        participant_id=view.side.me.id,
        subject=subject,
        meeting_id=meeting.id,
    )
    if meeting.kind == MeetingKind.REGULAR:
        await offer_progress(message, services, view.side)
    if not result.decided:
        return
    if meeting.kind == MeetingKind.TRIAL:
        for person in (view.side.me, view.side.other):
            await send_form(
                services,
                person.telegram_id,
                form="compatibility",
                participant_id=person.id,
                subject=subject,
                meeting_id=meeting.id,
            )
    if meeting.kind == MeetingKind.PLANNING:
        await services.outbox.send(
            view.side.people.mentor.telegram_id,
            lambda: goals_screen(meeting.pair_id),
            kind="goals_request",
        )


async def announce_next(
    bot: object, i18n: object, services: Services, side: Side, plan: NextPlan
) -> None:
    """Tell the pair what comes next: the regular meeting planned from the rhythm (and the
    dates skipped for the holidays), or ask the mentor to propose the next opening meeting.
    ``bot`` and ``i18n`` are not used (the outbox renders in each reader's language); they
    stay while handlers/meetings.py passes them."""
    people = side.people
    if plan.meeting is not None:
        view = MeetingView(plan.meeting, side)
        for person in (people.mentor, people.mentee):
            await services.outbox.send(
                person.telegram_id,
                lambda: next_meeting_screen(view, plan.skipped),
                kind="next_meeting",
            )
        # The next meeting is confirmed: the representatives who asked learn its time.
        await tell_of_meeting(services, view)
        return
    render = lambda: propose_next_screen(people.pair.id, plan.kind.value)  # noqa: E731
    if plan.kind is MeetingKind.FINAL and await services.meetings.pace_of(people.pair) is (
        FormPace.SHORT
    ):  # a short-term pair may ask for one more working meeting first
        render = lambda: final_next_screen(people.pair.id)  # noqa: E731
    await services.outbox.send(people.mentor.telegram_id, render, kind="next_meeting")


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
    await render.drop_message_keyboard(message)
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
    planned = ahead[0].meeting.id if ahead else None
    await render.answer(message, new_time_screen(pair_id, planned))


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
    if view is None:
        return
    side = view.side
    value = response.answers.get("for_curator")
    comment = " ".join(value.split())[:500] if isinstance(value, str) and value.strip() else None
    answered = (display_name(side.me.id, side_answers(side)), response.answers)
    raised = await services.cadence.incompatible(
        side.people.pair.organization_id, view.meeting.pair_id, comment
    )
    if raised is not None:
        await tell_curators_attention(services, raised, answered)
        return
    # Already on the list: by the other side's "no" to this form, or by this very response
    # (a hook run again), which must not be told twice.
    other = await services.responses.answers_of("compatibility", side.other.id, response.subject)
    if other is None or not alerts_curator(other):
        return
    await tell_curators_second_answer(services, side.people, answered, comment)


def build_router() -> Router:
    router = Router(name="followups")
    router.callback_query.register(on_answer, FollowupAnswer.filter())
    router.callback_query.register(on_reason_skip, ReasonSkip.filter())
    router.message.register(
        on_reason, StateFilter(FollowupDialogue.reason), F.text, ~F.text.startswith("/")
    )
    return router
