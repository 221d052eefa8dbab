"""The pair's individual plan in the chat: the mentor builds it after the planning meeting
(the program's end, then each goal with its deadline, how success will be seen and its
activities) and submits it to the curator; either side marks progress on the approved plan's
goals. The mentee sees the plan when it is submitted, approved or returned, and tells the
mentor what to change (the mentor leads the plan, as the documents have it). The curator's
side is handlers/plan_review.py; texts and buttons are in handlers/plan_views.py."""

from __future__ import annotations

from datetime import date
from typing import Any

from aiogram import F, Router
from aiogram.filters.state import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from bot.meeting_sides import Side
from bot.models.plans import PlanGoal
from bot.outdated import Outdated
from bot.plans import PlanProblem, ProgramBounds, Submitted
from bot.screens import Screen
from bot.services import Services
from dialogs.dates import DateTextError, parse_date_text
from dialogs.plan import LIMITS, PlanStep, add_months, clean_text, parse_activities
from handlers.address import is_minor
from handlers.plan_people import plan_people, plan_title
from handlers.plan_views import (
    MONTH_CHOICES,
    PlanAct,
    PlanAction,
    PlanMark,
    bad_activities,
    change_plan_row,
    draft_screen,
    end_prompt,
    goals_to_mark_screen,
    history_text,
    marked_text,
    mentee_submitted_screen,
    problem_text,
    progress_choices_screen,
    progress_offer_screen,
    review_screen,
    step_prompt,
    submitted_text,
    text_too_long,
    version_text,
)
from handlers.render import answer, drop_message_keyboard, pressed_message
from handlers.states import PlanDialogue
from handlers.texts import current_locale


# -- the draft in the dialogue's data -------------------------------------------------------------
def goal_data(goal: PlanGoal) -> dict[str, Any]:
    return {
        "text": goal.text,
        "deadline": goal.deadline.isoformat(),
        "measure": goal.measure,
        "activities": list(goal.activities),
    }


def goals_of(data: dict[str, Any]) -> list[PlanGoal]:
    return [
        PlanGoal(
            str(g["text"]),
            date.fromisoformat(str(g["deadline"])),
            str(g["measure"]),
            tuple(str(a) for a in g["activities"]),
        )
        for g in data.get("goals") or []
    ]


def end_of(data: dict[str, Any]) -> date | None:
    return date.fromisoformat(str(data["end"])) if data.get("end") else None


async def builder_side(services: Services, pair_id: int, telegram_id: int) -> Side:
    side = await services.plans.builder(pair_id, telegram_id)
    if side is None:
        raise Outdated(problem_text(PlanProblem.NOT_YOURS, None, current_locale()))
    return side


async def in_step(
    query: CallbackQuery, state: FSMContext, pair_id: int, step: State
) -> dict[str, Any]:
    """The dialogue's data when it is at ``step`` for this pair; else outdated."""
    data = await state.get_data()
    if await state.get_state() != step.state or int(data.get("pair_id") or 0) != pair_id:
        raise Outdated(_("This button is outdated. Please use the latest message or /help."))
    return data


async def show_draft(message: Message, state: FSMContext, data: dict[str, Any]) -> None:
    end = end_of(data)
    assert end is not None
    await state.set_state(PlanDialogue.draft)
    await state.set_data(data)
    await answer(message, draft_screen(int(data["pair_id"]), end, goals_of(data), current_locale()))


async def ask_goal(message: Message, state: FSMContext, data: dict[str, Any]) -> None:
    await state.set_state(PlanDialogue.goal)
    await state.set_data({**data, "current": {}})
    await message.answer(step_prompt(PlanStep.GOAL, len(data.get("goals") or []) + 1))


async def ask_end(message: Message, state: FSMContext, side: Side, services: Services) -> None:
    bounds = await services.plans.bounds(side.people.pair)
    await state.set_state(PlanDialogue.end)
    await state.set_data({"pair_id": side.people.pair.id, "goals": []})
    await answer(message, end_prompt(bounds, current_locale(), side.people.pair.id))


# -- building --------------------------------------------------------------------------------
async def on_start(
    query: CallbackQuery, callback_data: PlanAct, state: FSMContext, services: Services
) -> None:
    side = await builder_side(services, callback_data.pair_id, query.from_user.id)
    message = pressed_message(query)
    plan = await services.plans.of_pair(callback_data.pair_id)
    source = plan.pending if plan.pending is not None else plan.in_force
    if source is None:
        await ask_end(message, state, side, services)
        return
    # A change starts from the newest version: the goals stay, any of them can be added to.
    await show_draft(
        message,
        state,
        {
            "pair_id": side.people.pair.id,
            "end": source.program_end.isoformat(),
            "goals": [goal_data(goal) for goal in source.goals],
        },
    )


async def on_restart(
    query: CallbackQuery, callback_data: PlanAct, state: FSMContext, services: Services
) -> None:
    await in_step(query, state, callback_data.pair_id, PlanDialogue.draft)
    side = await builder_side(services, callback_data.pair_id, query.from_user.id)
    await ask_end(pressed_message(query), state, side, services)


async def set_end(
    message: Message, state: FSMContext, services: Services, side: Side, end: date
) -> None:
    bounds = await services.plans.bounds(side.people.pair)
    problem = services.plans.check_end(bounds, end)
    if problem is not None:
        await message.answer(problem_text(problem, bounds, current_locale()))
        return
    data = await state.get_data()
    await ask_goal(message, state, {**data, "end": end.isoformat()})


async def on_months(
    query: CallbackQuery, callback_data: PlanAct, state: FSMContext, services: Services
) -> None:
    await in_step(query, state, callback_data.pair_id, PlanDialogue.end)
    if callback_data.value not in MONTH_CHOICES:
        raise Outdated()
    side = await builder_side(services, callback_data.pair_id, query.from_user.id)
    end = add_months(side.people.pair.started_on, callback_data.value)
    await set_end(pressed_message(query), state, services, side, end)


async def on_default_end(
    query: CallbackQuery, callback_data: PlanAct, state: FSMContext, services: Services
) -> None:
    await in_step(query, state, callback_data.pair_id, PlanDialogue.end)
    side = await builder_side(services, callback_data.pair_id, query.from_user.id)
    bounds = await services.plans.bounds(side.people.pair)
    if bounds.default is None:
        raise Outdated()
    await set_end(pressed_message(query), state, services, side, bounds.default)


async def typed_side(message: Message, state: FSMContext, services: Services) -> Side | None:
    data = await state.get_data()
    user = message.from_user.id if message.from_user else 0
    side = await services.plans.builder(int(data.get("pair_id") or 0), user)
    if side is None:
        await state.clear()
        await message.answer(problem_text(PlanProblem.NOT_YOURS, None, current_locale()))
    return side


async def typed_date(message: Message) -> date | None:
    try:
        return parse_date_text(message.text or "")
    except DateTextError as error:
        await message.answer(_(error.message))
        return None


async def on_end_text(message: Message, state: FSMContext, services: Services) -> None:
    side = await typed_side(message, state, services)
    day = await typed_date(message) if side else None
    if side is not None and day is not None:
        await set_end(message, state, services, side, day)


async def typed_text(message: Message, limit: int) -> str | None:
    text = clean_text(message.text or "")
    if len(text) < 2:
        await message.answer(problem_text(PlanProblem.EMPTY, None, current_locale()))
        return None
    if len(text) > limit:
        await message.answer(text_too_long(limit))
        return None
    return text


async def on_goal_text(message: Message, state: FSMContext, services: Services) -> None:
    if await typed_side(message, state, services) is None:
        return
    text = await typed_text(message, LIMITS.goal_text)
    if text is None:
        return
    data = await state.get_data()
    await state.set_state(PlanDialogue.deadline)
    await state.set_data({**data, "current": {"text": text}})
    await message.answer(step_prompt(PlanStep.DEADLINE))


async def on_deadline_text(message: Message, state: FSMContext, services: Services) -> None:
    side = await typed_side(message, state, services)
    day = await typed_date(message) if side else None
    if side is None or day is None:
        return
    data = await state.get_data()
    end = end_of(data)
    bounds: ProgramBounds = await services.plans.bounds(side.people.pair)
    problem = services.plans.check_deadline(bounds, end or day, day)
    if problem is not None:
        await message.answer(problem_text(problem, bounds, current_locale()))
        return
    await state.set_state(PlanDialogue.measure)
    await state.set_data(
        {**data, "current": {**data.get("current", {}), "deadline": day.isoformat()}}
    )
    await message.answer(step_prompt(PlanStep.MEASURE))


async def on_measure_text(message: Message, state: FSMContext, services: Services) -> None:
    if await typed_side(message, state, services) is None:
        return
    text = await typed_text(message, LIMITS.measure)
    if text is None:
        return
    data = await state.get_data()
    await state.set_state(PlanDialogue.activities)
    await state.set_data({**data, "current": {**data.get("current", {}), "measure": text}})
    await message.answer(step_prompt(PlanStep.ACTIVITIES))


async def on_activities_text(message: Message, state: FSMContext, services: Services) -> None:
    if await typed_side(message, state, services) is None:
        return
    activities = parse_activities(message.text or "")
    if activities is None:
        await message.answer(bad_activities())
        return
    data = await state.get_data()
    current = {**data.get("current", {}), "activities": activities}
    goals = [*(data.get("goals") or []), current]
    await show_draft(
        message, state, {"pair_id": data["pair_id"], "end": data["end"], "goals": goals}
    )


async def on_draft_text(message: Message) -> None:
    await message.answer(_("Please use the buttons under the draft: add a goal or submit it."))


async def on_add_goal(
    query: CallbackQuery, callback_data: PlanAct, state: FSMContext, services: Services
) -> None:
    data = await in_step(query, state, callback_data.pair_id, PlanDialogue.draft)
    await builder_side(services, callback_data.pair_id, query.from_user.id)
    if len(data.get("goals") or []) >= LIMITS.goals:
        raise Outdated(problem_text(PlanProblem.TOO_MANY_GOALS, None, current_locale()))
    message = pressed_message(query)
    await drop_message_keyboard(message)
    await ask_goal(message, state, data)


async def on_drop_last(
    query: CallbackQuery, callback_data: PlanAct, state: FSMContext, services: Services
) -> None:
    data = await in_step(query, state, callback_data.pair_id, PlanDialogue.draft)
    await builder_side(services, callback_data.pair_id, query.from_user.id)
    goals = list(data.get("goals") or [])
    if len(goals) < 2:
        raise Outdated()
    message = pressed_message(query)
    await drop_message_keyboard(message)
    await show_draft(message, state, {**data, "goals": goals[:-1]})


async def on_submit(
    query: CallbackQuery, callback_data: PlanAct, state: FSMContext, services: Services
) -> None:
    data = await in_step(query, state, callback_data.pair_id, PlanDialogue.draft)
    end = end_of(data)
    assert end is not None
    result = await services.plans.submit(
        callback_data.pair_id, query.from_user.id, end, goals_of(data)
    )
    message = pressed_message(query)
    if isinstance(result, PlanProblem):
        if result is PlanProblem.NOT_YOURS:
            await state.clear()
        raise Outdated(problem_text(result, None, current_locale()))
    await state.clear()
    await drop_message_keyboard(message)
    await message.answer(submitted_text())
    await tell_submitted(services, result)


async def tell_submitted(services: Services, submitted: Submitted) -> None:
    """The curators get the plan with their buttons; the mentee (a group's members) see it."""
    version = submitted.version
    change = (await services.plans.of_pair(version.pair_id)).in_force is not None
    people = await plan_people(services, version) or [submitted.side.people]
    title = plan_title(people)
    for curator in await services.organizations.curators(people[0].pair.organization_id):
        await services.outbox.send(
            curator.telegram_id,
            lambda: review_screen(title, version, current_locale(), change),
            kind="plan_review",
        )
    for pair in people:
        minor = is_minor(pair.mentee)
        await services.outbox.send(
            pair.mentee.telegram_id,
            lambda minor=minor: mentee_submitted_screen(  # type: ignore[misc]
                minor, version, current_locale()
            ),
            kind="plan_shared",
        )


# -- seeing the plan, progress -------------------------------------------------------------------
async def on_show(query: CallbackQuery, callback_data: PlanAct, services: Services) -> None:
    side = await services.plans.side(callback_data.pair_id, query.from_user.id)
    if side is None:
        raise Outdated(_("This pair is no longer active."))
    plan = await services.plans.of_pair(callback_data.pair_id)
    shown = [v for v in (plan.in_force, plan.pending) if v is not None]
    if not shown:
        raise Outdated(_("The pair has no plan yet."))
    locale = current_locale()
    texts = [version_text(v, locale) for v in shown]
    events = await services.plans.history(callback_data.pair_id)
    texts.append(history_text(events, locale, side.timezone))
    # The mentor changes an approved plan (the curator approves the change) or a returned one.
    mentor = side.me.id == side.people.mentor.id
    rows = change_plan_row(callback_data.pair_id) if mentor else ()
    await answer(pressed_message(query), Screen("\n\n".join(texts), rows))


async def on_progress(query: CallbackQuery, callback_data: PlanAct, services: Services) -> None:
    found = await services.plans.in_force_for(callback_data.pair_id, query.from_user.id)
    if found is None:
        raise Outdated(_("The pair has no approved plan."))
    await answer(pressed_message(query), goals_to_mark_screen(found[1], current_locale()))


async def on_mark(query: CallbackQuery, callback_data: PlanMark, services: Services) -> None:
    message = pressed_message(query)
    if callback_data.progress is None:
        found = await services.plans.in_force_for(callback_data.pair_id, query.from_user.id)
        if found is None or found[1].id != callback_data.version_id:
            raise Outdated(problem_text(PlanProblem.OUTDATED, None, current_locale()))
        if callback_data.position > len(found[1].goals):
            raise Outdated()
        await answer(message, progress_choices_screen(found[1], callback_data.position))
        return
    result = await services.plans.mark(
        callback_data.pair_id,
        query.from_user.id,
        callback_data.version_id,
        callback_data.position,
        callback_data.progress,
    )
    if result is PlanProblem.NOT_YOURS:
        raise Outdated(_("This pair is no longer active."))
    if isinstance(result, PlanProblem):
        raise Outdated(problem_text(result, None, current_locale()))
    await drop_message_keyboard(message)
    await message.answer(marked_text(result[1], callback_data.position))


def build_router() -> Router:
    router = Router(name="plans")
    for action, handler in (
        (PlanAction.START, on_start),
        (PlanAction.MONTHS, on_months),
        (PlanAction.DEFAULT_END, on_default_end),
        (PlanAction.ADD_GOAL, on_add_goal),
        (PlanAction.SUBMIT, on_submit),
        (PlanAction.RESTART, on_restart),
        (PlanAction.SHOW, on_show),
        (PlanAction.PROGRESS, on_progress),
        (PlanAction.DROP_LAST, on_drop_last),
    ):
        router.callback_query.register(handler, PlanAct.filter(F.action == action))
    router.callback_query.register(on_mark, PlanMark.filter())
    for step, typed in (
        (PlanDialogue.end, on_end_text),
        (PlanDialogue.goal, on_goal_text),
        (PlanDialogue.deadline, on_deadline_text),
        (PlanDialogue.measure, on_measure_text),
        (PlanDialogue.activities, on_activities_text),
        (PlanDialogue.draft, on_draft_text),
    ):
        router.message.register(typed, StateFilter(step), F.text, ~F.text.startswith("/"))
    return router


async def offer_progress(message: Message, services: Services, side: Side) -> None:
    """After a regular meeting took place: the progress on the approved plan's goals."""
    if (await services.plans.of_pair(side.people.pair.id)).in_force is not None:
        await answer(message, progress_offer_screen(side.people.pair.id))
