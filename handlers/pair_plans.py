"""A pair's rhythm of regular meetings and its plan (goals and the planned end date).

Both sides change the rhythm from /meetings: the weekday, the time, and an interval of one or
two weeks (longer only with the curator's consent). The mentor records up to three goals and
the planned end date after the planning meeting; both see them in /meetings. Texts and
keyboards are in handlers/pair_plan_views.py.
"""

from __future__ import annotations

from datetime import date, time

from aiogram import F, Router
from aiogram.filters.state import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot.followups import parse_goals
from bot.meeting_sides import MeetingProblem
from bot.models.plans import RhythmRow
from bot.outdated import Outdated
from bot.schedule import MAX_INTERVAL_WITHOUT_CONSENT, MEETING_TIMES
from bot.screens import Screen
from bot.services import Services
from dialogs.dates import DateTextError, parse_date_text
from handlers.dialogue import dialogue_message
from handlers.pair_plan_views import (
    EndSkip,
    GoalsStart,
    RhythmAct,
    RhythmField,
    bad_goals,
    change_rhythm_keyboard,
    end_date_keyboard,
    goals_prompt,
    interval_keyboard,
    outdated_button,
    plan_saved_text,
    plan_text,
    rhythm_menu,
    rhythm_problem,
    rhythm_saved_text,
    rhythm_text,
    time_keyboard,
    weekday_keyboard,
)
from handlers.plan_views import show_plan_row
from handlers.render import keyboard
from handlers.states import FollowupDialogue
from handlers.texts import current_locale

LONGEST_WITH_CONSENT = 4


async def pair_summaries(message: Message, services: Services, i18n: I18n) -> None:
    """For /meetings: each active pair's rhythm (with a button to change it) and plan, once
    the pair has them (from the planning meeting on)."""
    assert message.from_user is not None
    for pair_id in await services.meetings.pairs_without_plans(message.from_user.id, set()):
        rhythm = await services.followups.rhythm(pair_id)
        row = await services.pair_plans.plan_of(pair_id)
        plan = plan_text(row, i18n.current_locale)
        if rhythm is None and plan is None:
            continue
        lines = [rhythm_text(rhythm, i18n.current_locale)] if rhythm else []
        if plan:
            lines.append(plan)
        rows = change_rhythm_keyboard(pair_id)
        if row is not None and row.status is not None:
            rows += show_plan_row(pair_id)  # the individual plan (handlers/plans.py)
        await message.answer("\n\n".join(lines), reply_markup=keyboard(rows))


async def rhythm_of(query: CallbackQuery, services: Services, pair_id: int) -> RhythmRow:
    """The pair's rhythm if the presser is in the active pair; else the press is outdated."""
    found = await services.pair_plans.rhythm(pair_id, query.from_user.id)
    if found is None or not isinstance(query.message, Message):
        raise Outdated(rhythm_problem("not_yours"))
    return found[1]


async def on_rhythm_menu(
    query: CallbackQuery, callback_data: RhythmAct, services: Services, i18n: I18n
) -> None:
    rhythm = await rhythm_of(query, services, callback_data.pair_id)
    assert isinstance(query.message, Message)
    await query.message.answer(
        rhythm_text(rhythm, i18n.current_locale) + "\n" + _("What would you like to change?"),
        reply_markup=keyboard(rhythm_menu(callback_data.pair_id)),
    )


async def on_rhythm_weekday(
    query: CallbackQuery,
    callback_data: RhythmAct,
    services: Services,
    i18n: I18n,
    callback_answer: CallbackAnswer,
) -> None:
    await rhythm_of(query, services, callback_data.pair_id)
    assert isinstance(query.message, Message)
    pair_id, value = callback_data.pair_id, callback_data.value
    if value < 0:
        await query.message.answer(
            _("On which day?"),
            reply_markup=keyboard(weekday_keyboard(pair_id, i18n.current_locale)),
        )
        return
    if value > 6:
        raise Outdated(outdated_button())
    result = await services.pair_plans.change_rhythm(pair_id, query.from_user.id, weekday=value)
    await rhythm_saved(query.message, result, i18n, callback_answer)


async def on_rhythm_time(
    query: CallbackQuery,
    callback_data: RhythmAct,
    services: Services,
    i18n: I18n,
    callback_answer: CallbackAnswer,
) -> None:
    await rhythm_of(query, services, callback_data.pair_id)
    assert isinstance(query.message, Message)
    pair_id, value = callback_data.pair_id, callback_data.value
    if value < 0:
        await query.message.answer(
            _("At what time (local time of the organization)?"),
            reply_markup=keyboard(time_keyboard(pair_id)),
        )
        return
    if value >= 24 * 60 or time(*divmod(value, 60)) not in MEETING_TIMES:
        raise Outdated(outdated_button())
    result = await services.pair_plans.change_rhythm(
        pair_id, query.from_user.id, at=time(*divmod(value, 60))
    )
    await rhythm_saved(query.message, result, i18n, callback_answer)


async def on_rhythm_interval(
    query: CallbackQuery,
    callback_data: RhythmAct,
    services: Services,
    i18n: I18n,
    callback_answer: CallbackAnswer,
) -> None:
    rhythm = await rhythm_of(query, services, callback_data.pair_id)
    assert isinstance(query.message, Message)
    pair_id, value = callback_data.pair_id, callback_data.value
    if value < 0:
        longest = LONGEST_WITH_CONSENT if rhythm.curator_consent else MAX_INTERVAL_WITHOUT_CONSENT
        await query.message.answer(
            _("How often?"), reply_markup=keyboard(interval_keyboard(pair_id, longest))
        )
        return
    if not 1 <= value <= LONGEST_WITH_CONSENT:
        raise Outdated(outdated_button())
    result = await services.pair_plans.change_rhythm(
        pair_id, query.from_user.id, interval_weeks=value
    )
    await rhythm_saved(query.message, result, i18n, callback_answer)


async def rhythm_saved(
    message: Message, result: RhythmRow | str, i18n: I18n, callback_answer: CallbackAnswer
) -> None:
    if result == "interval_too_long":  # an explanation, not an outdated press
        callback_answer.text = rhythm_problem(result)
        callback_answer.show_alert = True
        return
    if isinstance(result, str):
        raise Outdated(rhythm_problem(result))
    await message.edit_reply_markup(reply_markup=None)
    await message.answer(rhythm_saved_text(result, i18n.current_locale))


# -- the goals and the planned end --------------------------------------------------------------
async def on_goals_start(
    query: CallbackQuery,
    callback_data: GoalsStart,
    state: FSMContext,
    services: Services,
) -> None:
    if not await services.pair_plans.may_record_plan(callback_data.pair_id, query.from_user.id):
        raise Outdated(
            _("Only the mentor of this pair records its goals, after the planning meeting.")
        )
    await state.set_state(FollowupDialogue.goals)
    await state.set_data({"pair_id": callback_data.pair_id})
    if isinstance(query.message, Message):
        await query.message.answer(goals_prompt())


async def on_goals(message: Message, state: FSMContext) -> None:
    goals = parse_goals(message.text or "")
    if goals is None:
        await message.answer(bad_goals())
        return
    data = await state.get_data()
    await state.set_state(FollowupDialogue.end_date)
    await state.set_data({"pair_id": data.get("pair_id"), "goals": goals})
    await message.answer(
        _("When do you plan to finish working together? Type a date, e.g. 25.05.2027."),
        reply_markup=keyboard(end_date_keyboard(int(data.get("pair_id") or 0))),
    )


async def on_end_date(message: Message, state: FSMContext, services: Services) -> None:
    try:
        planned_end = parse_date_text(message.text or "")
    except DateTextError as error:
        await message.answer(_(error.message))
        return
    # "The future" where the organization is: in Chita the next day begins at 15:00 UTC.
    data = await state.get_data()
    user = message.from_user.id if message.from_user else 0
    side = await services.meetings.side(int(data.get("pair_id") or 0), user)
    zone = side.timezone if side else services.settings.default_timezone
    if planned_end <= services.meetings.local_today(zone):
        await message.answer(_("Please type a date in the future."))
        return
    await save_plan(message, state, services, planned_end)


async def on_end_skip(
    query: CallbackQuery,
    callback_data: EndSkip,
    state: FSMContext,
    services: Services,
) -> None:
    message = await dialogue_message(
        query, state, FollowupDialogue.end_date, "pair_id", callback_data.pair_id
    )
    if message is None:
        raise Outdated(outdated_button())
    await message.edit_reply_markup(reply_markup=None)
    await save_plan(message, state, services, None, query.from_user.id)


async def save_plan(
    message: Message,
    state: FSMContext,
    services: Services,
    planned_end: date | None,
    telegram_id: int | None = None,
) -> None:
    data = await state.get_data()
    await state.clear()
    pair_id = int(data.get("pair_id") or 0)
    goals = [str(goal) for goal in data.get("goals") or []]
    user = telegram_id or (message.from_user.id if message.from_user else 0)
    problem = await services.pair_plans.record_plan(pair_id, user, goals, planned_end)
    side = await services.meetings.side(pair_id, user)
    if problem is MeetingProblem.NOT_YOURS or side is None or not goals:
        await message.answer(_("Only the mentor of this pair records its goals."))
        return
    if problem is MeetingProblem.BAD_GOALS:
        await message.answer(bad_goals())
        return
    if problem is not None:  # the end date: ask for it again
        await state.set_state(FollowupDialogue.end_date)
        await state.set_data(data)
        await message.answer(_("Please type a date in the future."))
        return
    plan = await services.pair_plans.plan_of(pair_id)
    await message.answer(plan_saved_text(plan, current_locale()))
    await services.outbox.send(
        side.other.telegram_id,
        lambda: Screen(plan_saved_text(plan, current_locale())),
        kind="plan_shared",
    )


def build_router() -> Router:
    router = Router(name="pair-plans")
    for field, handler in (
        (RhythmField.MENU, on_rhythm_menu),
        (RhythmField.WEEKDAY, on_rhythm_weekday),
        (RhythmField.TIME, on_rhythm_time),
        (RhythmField.INTERVAL, on_rhythm_interval),
    ):
        router.callback_query.register(handler, RhythmAct.filter(F.field == field))
    router.callback_query.register(on_goals_start, GoalsStart.filter())
    router.callback_query.register(on_end_skip, EndSkip.filter())
    router.message.register(
        on_goals, StateFilter(FollowupDialogue.goals), F.text, ~F.text.startswith("/")
    )
    router.message.register(
        on_end_date, StateFilter(FollowupDialogue.end_date), F.text, ~F.text.startswith("/")
    )
    return router
