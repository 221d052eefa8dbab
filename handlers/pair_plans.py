"""A pair's rhythm of regular meetings and its plan (goals and the planned end date).

Both sides change the rhythm from /meetings: the weekday, the time, and an interval of one or
two weeks (longer only with the curator's consent). The mentor records up to three goals and
the planned end date after the planning meeting; both see them in /meetings.
"""

from __future__ import annotations

from datetime import date, time
from enum import StrEnum
from typing import Annotated

from aiogram import F, Router
from aiogram.filters.callback_data import CallbackData
from aiogram.filters.state import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import I18n, ngettext
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from aiogram.utils.text_decorations import html_decoration as hd
from babel.dates import format_date, get_day_names
from pydantic import Field

from bot.followups import parse_goals
from bot.meetings import MeetingProblem
from bot.models.plans import PlanRow, RhythmRow
from bot.outdated import Outdated
from bot.schedule import MAX_INTERVAL_WITHOUT_CONSENT, MEETING_TIMES
from bot.screens import Screen
from bot.services import Services
from dialogs.dates import DateTextError, parse_date_text
from handlers.callbacks import Id
from handlers.dialogue import dialogue_message
from handlers.render import current_locale
from handlers.states import FollowupDialogue

LONGEST_WITH_CONSENT = 4


class RhythmField(StrEnum):
    MENU = "menu"
    WEEKDAY = "weekday"
    TIME = "time"
    INTERVAL = "interval"


class RhythmAct(CallbackData, prefix="rh1"):
    pair_id: Id
    field: RhythmField = RhythmField.MENU
    # -1: show the choices; else the weekday (0-6), the minute of the day or the weeks.
    value: Annotated[int, Field(ge=-1, le=10**6)] = -1


class GoalsStart(CallbackData, prefix="pp1"):
    pair_id: Id


class EndSkip(CallbackData, prefix="pp1e"):
    pair_id: Id


def weekday_name(weekday: int, locale: str) -> str:
    return str(get_day_names("wide", locale=locale)[weekday])


def every_weeks(weeks: int) -> str:
    # «раз в 1 неделю» is not how anyone says it: one week has words of its own.
    if weeks == 1:
        return _("every week")
    return ngettext("every {n} week", "every {n} weeks", weeks).format(n=weeks)


def rhythm_text(rhythm: RhythmRow, locale: str) -> str:
    every = every_weeks(rhythm.interval_weeks)
    return _("Regular meetings: {every}, {weekday} at {time}").format(
        every=every,
        weekday=weekday_name(rhythm.weekday, locale),
        time=rhythm.local_time.strftime("%H:%M"),
    )


def plan_text(plan: PlanRow | None, locale: str) -> str | None:
    if plan is None or not (plan.goals or plan.planned_end):
        return None
    lines = [_("Goals of the pair:")]
    lines += [f"{number}. {hd.quote(goal)}" for number, goal in enumerate(plan.goals, 1)]
    if plan.planned_end is not None:
        lines.append(
            _("Planned end: {date}").format(
                date=format_date(plan.planned_end, "long", locale=locale)
            )
        )
    return "\n".join(lines)


def rhythm_menu(pair_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(
        text=_("Day"), callback_data=RhythmAct(pair_id=pair_id, field=RhythmField.WEEKDAY)
    )
    builder.button(text=_("Time"), callback_data=RhythmAct(pair_id=pair_id, field=RhythmField.TIME))
    builder.button(
        text=_("Interval"), callback_data=RhythmAct(pair_id=pair_id, field=RhythmField.INTERVAL)
    )
    builder.adjust(3)
    return builder.as_markup()


async def pair_summaries(message: Message, services: Services, i18n: I18n) -> None:
    """For /meetings: each active pair's rhythm (with a button to change it) and plan, once
    the pair has them (from the planning meeting on)."""
    assert message.from_user is not None
    for pair_id in await services.meetings.pairs_without_plans(message.from_user.id, set()):
        rhythm = await services.followups.rhythm(pair_id)
        plan = plan_text(await services.meetings.plan_of(pair_id), i18n.current_locale)
        if rhythm is None and plan is None:
            continue
        lines = [rhythm_text(rhythm, i18n.current_locale)] if rhythm else []
        if plan:
            lines.append(plan)
        builder = InlineKeyboardBuilder()
        builder.button(text=_("Change the rhythm"), callback_data=RhythmAct(pair_id=pair_id))
        await message.answer("\n\n".join(lines), reply_markup=builder.as_markup())


def rhythm_problem(problem: str) -> str:
    if problem == "interval_too_long":
        return _(
            "Meetings less often than every two weeks need the curator's consent. "
            "Please ask your curator."
        )
    if problem == "not_yours":
        return _("This pair is no longer active.")
    return _("This button is outdated. Please use the latest message or /help.")


def outdated_button() -> str:
    return _("This button is outdated. Please use the latest message or /help.")


async def rhythm_of(query: CallbackQuery, services: Services, pair_id: int) -> RhythmRow:
    """The pair's rhythm if the presser is in the active pair; else the press is outdated."""
    found = await services.meetings.rhythm(pair_id, query.from_user.id)
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
        reply_markup=rhythm_menu(callback_data.pair_id),
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
        builder = InlineKeyboardBuilder()
        for day in range(7):
            builder.button(
                text=weekday_name(day, i18n.current_locale),
                callback_data=RhythmAct(pair_id=pair_id, field=RhythmField.WEEKDAY, value=day),
            )
        builder.adjust(2)
        await query.message.answer(_("On which day?"), reply_markup=builder.as_markup())
        return
    if value > 6:
        raise Outdated(outdated_button())
    result = await services.meetings.change_rhythm(pair_id, query.from_user.id, weekday=value)
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
        builder = InlineKeyboardBuilder()
        for moment in MEETING_TIMES:
            builder.button(
                text=moment.strftime("%H:%M"),
                callback_data=RhythmAct(
                    pair_id=pair_id, field=RhythmField.TIME, value=moment.hour * 60 + moment.minute
                ),
            )
        builder.adjust(4)
        await query.message.answer(
            _("At what time (local time of the organization)?"), reply_markup=builder.as_markup()
        )
        return
    if value >= 24 * 60 or time(*divmod(value, 60)) not in MEETING_TIMES:
        raise Outdated(outdated_button())
    result = await services.meetings.change_rhythm(
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
        builder = InlineKeyboardBuilder()
        longest = LONGEST_WITH_CONSENT if rhythm.curator_consent else MAX_INTERVAL_WITHOUT_CONSENT
        for weeks in range(1, longest + 1):
            builder.button(
                text=every_weeks(weeks),
                callback_data=RhythmAct(pair_id=pair_id, field=RhythmField.INTERVAL, value=weeks),
            )
        builder.adjust(1)
        await query.message.answer(_("How often?"), reply_markup=builder.as_markup())
        return
    if not 1 <= value <= LONGEST_WITH_CONSENT:
        raise Outdated(outdated_button())
    result = await services.meetings.change_rhythm(
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
    await message.answer(
        _(
            "Saved. {rhythm}\nThe next regular meeting will follow it; a meeting already "
            "planned stays as it is (you can move it in /meetings)."
        ).format(rhythm=rhythm_text(result, i18n.current_locale))
    )


# -- the goals and the planned end --------------------------------------------------------------
def goals_prompt() -> str:
    return _(
        "Write up to three goals of your work together, one per line. "
        "For example:\n1. Prepare for the olympiad\n2. Choose a topic for the project"
    )


async def on_goals_start(
    query: CallbackQuery,
    callback_data: GoalsStart,
    state: FSMContext,
    services: Services,
) -> None:
    if not await services.meetings.may_record_plan(callback_data.pair_id, query.from_user.id):
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
        await message.answer(
            _("Please write one to three goals, one per line, each up to 200 characters.")
        )
        return
    data = await state.get_data()
    await state.set_state(FollowupDialogue.end_date)
    await state.set_data({"pair_id": data.get("pair_id"), "goals": goals})
    builder = InlineKeyboardBuilder()
    builder.button(
        text=_("Not decided yet"), callback_data=EndSkip(pair_id=int(data.get("pair_id") or 0))
    )
    await message.answer(
        _("When do you plan to finish working together? Type a date, e.g. 25.05.2027."),
        reply_markup=builder.as_markup(),
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
    problem = await services.meetings.record_plan(pair_id, user, goals, planned_end)
    side = await services.meetings.side(pair_id, user)
    if problem is MeetingProblem.NOT_YOURS or side is None or not goals:
        await message.answer(_("Only the mentor of this pair records its goals."))
        return
    if problem is MeetingProblem.BAD_GOALS:
        await message.answer(
            _("Please write one to three goals, one per line, each up to 200 characters.")
        )
        return
    if problem is not None:  # the end date: ask for it again
        await state.set_state(FollowupDialogue.end_date)
        await state.set_data(data)
        await message.answer(_("Please type a date in the future."))
        return
    plan = await services.meetings.plan_of(pair_id)

    def saved_text() -> str:
        return _("The plan of your pair is saved.\n{plan}\nYou can see it in /meetings.").format(
            plan=plan_text(plan, current_locale()) or ""
        )

    await message.answer(saved_text())
    await services.outbox.send(
        side.other.telegram_id, lambda: Screen(saved_text()), kind="plan_shared"
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
