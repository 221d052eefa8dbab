"""Meetings of a pair: one side picks a day, a time and a format, the other confirms.

The texts and keyboards are in handlers/meeting_texts.py; what the other side hears goes
through the outbox, in their language.
"""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot.meeting_changes import Cancelled
from bot.meeting_sides import MeetingProblem, Side
from bot.outdated import Outdated
from bot.screens import Screen
from bot.services import Services
from handlers import group_views as group_texts
from handlers import groups
from handlers.meeting_texts import (
    MeetAnswer,
    MeetCancel,
    MeetDay,
    MeetFormat,
    MeetHeader,
    MeetNoop,
    MeetPlan,
    MeetTime,
    calendar_screen,
    cancel_reason_prompt,
    cancelled_text,
    confirmed_text,
    formats_screen,
    no_plan_screen,
    outdated_button,
    parse_at,
    parse_day,
    place_prompt,
    problem_text,
    proposal_screen,
    proposal_sent_text,
    times_screen,
    upcoming_screen,
)
from handlers.pair_plans import pair_summaries
from handlers.render import answer, drop_message_keyboard, edit
from handlers.representative import tell_of_meeting
from handlers.states import MeetingDialogue
from handlers.texts import reason_from


async def start_planning(message: Message, side: Side, services: Services, replaces: int) -> None:
    today = services.meetings.local_today(side.timezone)
    holidays = await services.meetings.holidays(side, today)
    await answer(message, calendar_screen(side, today, replaces, holidays))


async def on_plan(query: CallbackQuery, callback_data: MeetPlan, services: Services) -> None:
    side = await services.meetings.side(callback_data.pair_id, query.from_user.id)
    if side is None or not isinstance(query.message, Message):
        raise Outdated(_("This pair is no longer active."))
    if side.me.id != side.people.mentor.id and await services.groups.of_pair(side.people.pair.id):
        raise Outdated(group_texts.member_waits_text())  # the group's mentor schedules
    if callback_data.replaces:
        problem = await services.meetings.movable(
            callback_data.pair_id, callback_data.replaces, query.from_user.id
        )
        if problem is not None:
            raise Outdated(problem_text(problem))
    await start_planning(query.message, side, services, callback_data.replaces)


async def on_day(query: CallbackQuery, callback_data: MeetDay, services: Services) -> None:
    day = parse_day(callback_data.day)
    side = await services.meetings.side(callback_data.pair_id, query.from_user.id)
    if day is None or side is None or not isinstance(query.message, Message):
        raise Outdated(outdated_button())
    await edit(query, times_screen(callback_data.pair_id, day, callback_data.replaces))


async def on_time(query: CallbackQuery, callback_data: MeetTime, services: Services) -> None:
    valid = parse_day(callback_data.day) and parse_at(callback_data.at)
    side = await services.meetings.side(callback_data.pair_id, query.from_user.id)
    if not valid or side is None or not isinstance(query.message, Message):
        raise Outdated(outdated_button())
    await edit(
        query,
        formats_screen(
            callback_data.pair_id, callback_data.day, callback_data.at, callback_data.replaces
        ),
    )


async def on_format(
    query: CallbackQuery, callback_data: MeetFormat, state: FSMContext, services: Services
) -> None:
    valid = parse_day(callback_data.day) and parse_at(callback_data.at)
    side = await services.meetings.side(callback_data.pair_id, query.from_user.id)
    if not valid or side is None or not isinstance(query.message, Message):
        raise Outdated(outdated_button())
    await state.set_state(MeetingDialogue.place)
    await state.set_data(callback_data.model_dump())
    await drop_message_keyboard(query.message)
    await query.message.answer(place_prompt(callback_data.online))


async def on_place(message: Message, state: FSMContext, services: Services) -> None:
    assert message.from_user is not None
    data = await state.get_data()
    await state.clear()
    day, at = parse_day(str(data.get("day"))), parse_at(str(data.get("at")))
    if day is None or at is None:
        await message.answer(problem_text(MeetingProblem.NOT_YOURS))
        return
    pair_id = int(data.get("pair_id", 0))
    if await services.groups.of_pair(pair_id) is not None:
        await groups.schedule(
            message,
            services,
            pair_id,
            day,
            at,
            "online" if data.get("online") else "in_person",
            message.text or "",
            int(data.get("replaces") or 0) or None,
        )
        return
    result = await services.meetings.propose(
        pair_id,
        message.from_user.id,
        day,
        at,
        "online" if data.get("online") else "in_person",
        message.text or "",
        replaces=int(data.get("replaces") or 0) or None,
    )
    if isinstance(result, MeetingProblem):
        await message.answer(problem_text(result))
        return
    await message.answer(proposal_sent_text(result))
    await services.outbox.send(
        result.side.other.telegram_id, lambda: proposal_screen(result), kind="meeting_proposal"
    )


async def on_answer(query: CallbackQuery, callback_data: MeetAnswer, services: Services) -> None:
    if not isinstance(query.message, Message):
        raise Outdated(outdated_button())
    if not callback_data.confirm:
        view = await services.meetings.view(callback_data.meeting_id, query.from_user.id)
        if view is None or view.meeting.status != "proposed":
            raise Outdated(problem_text(MeetingProblem.DECIDED))
        await drop_message_keyboard(query.message)
        await start_planning(query.message, view.side, services, 0)
        return
    result = await services.meetings.confirm(callback_data.meeting_id, query.from_user.id)
    if isinstance(result, MeetingProblem):
        raise Outdated(problem_text(result))
    await drop_message_keyboard(query.message)
    await query.message.answer(confirmed_text(result))
    await services.outbox.send(
        result.side.other.telegram_id,
        lambda: Screen(confirmed_text(result)),
        kind="meeting_confirmed",
    )
    await tell_of_meeting(services, result)


async def show_meetings(message: Message, services: Services, i18n: I18n) -> None:
    assert message.from_user is not None
    views = await services.meetings.upcoming(message.from_user.id)
    if not views:
        await message.answer(_("You have no planned meetings."))
    pairs = {v.side.people.pair.id for v in views}
    views, in_groups = await groups.show_group_meetings(message, services, views, pairs)
    for view in views:
        await answer(message, upcoming_screen(view))
    for side_pair in await services.meetings.pairs_without_plans(message.from_user.id, pairs):
        if side_pair not in in_groups:
            await answer(message, no_plan_screen(side_pair))
    await pair_summaries(message, services, i18n)


async def on_cancel(
    query: CallbackQuery,
    callback_data: MeetCancel,
    state: FSMContext,
    services: Services,
    callback_answer: CallbackAnswer,
) -> None:
    view = await services.meetings.view(callback_data.meeting_id, query.from_user.id)
    if view is None:
        raise Outdated(problem_text(MeetingProblem.DECIDED))
    if view.meeting.group_meeting_id is not None:
        raise Outdated(group_texts.group_cancel_text())
    problem = services.meeting_changes.cancel_problem(view.meeting)
    if problem is MeetingProblem.STARTED:  # an explanation, not an outdated press
        callback_answer.text = problem_text(problem)
        callback_answer.show_alert = True
        return
    if problem is not None:
        raise Outdated(problem_text(problem))
    await state.set_state(MeetingDialogue.cancel_reason)
    await state.set_data({"meeting_id": view.meeting.id})
    if isinstance(query.message, Message):
        await query.message.answer(cancel_reason_prompt())


async def on_cancel_reason(
    message: Message, state: FSMContext, services: Services, bot: Bot, i18n: I18n
) -> None:
    assert message.from_user is not None
    data = await state.get_data()
    reason = reason_from(message.text)
    if reason is None:
        await message.answer(_("Please describe the reason in 3 to 500 characters."))
        return
    await state.clear()
    result = await services.meeting_changes.cancel(
        int(data.get("meeting_id", 0)), message.from_user.id, reason
    )
    if isinstance(result, MeetingProblem):
        await message.answer(problem_text(result))
        return
    await message.answer(cancelled_text(result, reason))
    await services.outbox.send(
        result.side.other.telegram_id,
        lambda: Screen(cancelled_text(result, reason)),
        kind="meeting_cancelled",
    )
    await announce_after_cancel(bot, i18n, services, result)


async def announce_after_cancel(
    bot: Bot, i18n: I18n, services: Services, result: Cancelled
) -> None:
    """A cancelled regular meeting keeps the rhythm: both hear of the next one."""
    if result.next is None:
        return
    # handlers.followups imports this module: the announcement is imported when needed.
    from handlers.followups import announce_next

    await announce_next(bot, i18n, services, result.side, result.next)


async def on_noop(query: CallbackQuery, callback_answer: CallbackAnswer) -> None:
    callback_answer.text = _("This day cannot be chosen: it is past or on the holidays.")


async def on_header(query: CallbackQuery) -> None:
    """A caption of the calendar was pressed: nothing to do (the answer is automatic)."""


def build_router() -> Router:
    router = Router(name="meetings")
    router.message.register(show_meetings, Command("meetings"))
    router.callback_query.register(on_plan, MeetPlan.filter())
    router.callback_query.register(on_day, MeetDay.filter())
    router.callback_query.register(on_time, MeetTime.filter())
    router.callback_query.register(on_format, MeetFormat.filter())
    router.callback_query.register(on_answer, MeetAnswer.filter())
    router.callback_query.register(on_cancel, MeetCancel.filter())
    router.callback_query.register(on_noop, MeetNoop.filter())
    router.callback_query.register(on_header, MeetHeader.filter())
    router.message.register(
        on_place, StateFilter(MeetingDialogue.place), F.text, ~F.text.startswith("/")
    )
    router.message.register(
        on_cancel_reason,
        StateFilter(MeetingDialogue.cancel_reason),
        F.text,
        ~F.text.startswith("/"),
    )
    return router
