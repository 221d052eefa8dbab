"""A pair's rhythm of regular meetings and its plan (goals and the planned end date).

Both sides change the rhythm from /meetings: the weekday, the time, and an interval of one or
two weeks (longer only with the curator's consent). The mentor records up to three goals and
the planned end date after the planning meeting; both see them in /meetings.
"""

from __future__ import annotations

from datetime import date, time

from aiogram import Bot, F, Router
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

from bot.followups import parse_goals
from bot.meetings import MeetingProblem
from bot.schedule import MAX_INTERVAL_WITHOUT_CONSENT, MEETING_TIMES
from bot.services import Services
from dialogs.dates import DateTextError, parse_date_text
from handlers.dialogue import dialogue_message
from handlers.notify import notify
from handlers.states import FollowupDialogue
from storage.repositories.followups import PlanRow, RhythmRow

LONGEST_WITH_CONSENT = 4


class RhythmAct(CallbackData, prefix="rh1"):
    pair_id: int
    field: str = "menu"  # menu, weekday, time, interval (and their values)
    value: int = -1


class GoalsStart(CallbackData, prefix="pp1"):
    pair_id: int


class EndSkip(CallbackData, prefix="pp1e"):
    pair_id: int


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
    builder.button(text=_("Day"), callback_data=RhythmAct(pair_id=pair_id, field="weekday"))
    builder.button(text=_("Time"), callback_data=RhythmAct(pair_id=pair_id, field="time"))
    builder.button(text=_("Interval"), callback_data=RhythmAct(pair_id=pair_id, field="interval"))
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


async def on_rhythm(
    query: CallbackQuery,
    callback_data: RhythmAct,
    services: Services,
    i18n: I18n,
    callback_answer: CallbackAnswer,
) -> None:
    found = await services.meetings.rhythm(callback_data.pair_id, query.from_user.id)
    if found is None or not isinstance(query.message, Message):
        callback_answer.text = rhythm_problem("not_yours")
        return
    _side, rhythm = found
    field, value, pair_id = callback_data.field, callback_data.value, callback_data.pair_id
    locale = i18n.current_locale
    builder = InlineKeyboardBuilder()
    if field == "menu":
        await query.message.answer(
            rhythm_text(rhythm, locale) + "\n" + _("What would you like to change?"),
            reply_markup=rhythm_menu(pair_id),
        )
        return
    if value < 0 and field == "weekday":
        for day in range(7):
            builder.button(
                text=weekday_name(day, locale),
                callback_data=RhythmAct(pair_id=pair_id, field="weekday", value=day),
            )
        builder.adjust(2)
        await query.message.answer(_("On which day?"), reply_markup=builder.as_markup())
        return
    if value < 0 and field == "time":
        for moment in MEETING_TIMES:
            builder.button(
                text=moment.strftime("%H:%M"),
                callback_data=RhythmAct(
                    pair_id=pair_id, field="time", value=moment.hour * 60 + moment.minute
                ),
            )
        builder.adjust(4)
        await query.message.answer(
            _("At what time (local time of the organization)?"), reply_markup=builder.as_markup()
        )
        return
    if value < 0 and field == "interval":
        longest = LONGEST_WITH_CONSENT if rhythm.curator_consent else MAX_INTERVAL_WITHOUT_CONSENT
        for weeks in range(1, longest + 1):
            builder.button(
                text=every_weeks(weeks),
                callback_data=RhythmAct(pair_id=pair_id, field="interval", value=weeks),
            )
        builder.adjust(1)
        await query.message.answer(_("How often?"), reply_markup=builder.as_markup())
        return
    result: RhythmRow | str
    if field == "weekday" and 0 <= value <= 6:
        result = await services.meetings.change_rhythm(pair_id, query.from_user.id, weekday=value)
    elif field == "time" and 0 <= value < 24 * 60 and time(*divmod(value, 60)) in MEETING_TIMES:
        result = await services.meetings.change_rhythm(
            pair_id, query.from_user.id, at=time(*divmod(value, 60))
        )
    elif field == "interval" and 1 <= value <= LONGEST_WITH_CONSENT:
        result = await services.meetings.change_rhythm(
            pair_id, query.from_user.id, interval_weeks=value
        )
    else:
        result = "outdated"
    if isinstance(result, str):
        callback_answer.text = rhythm_problem(result)
        callback_answer.show_alert = result == "interval_too_long"
        return
    await query.message.edit_reply_markup(reply_markup=None)
    await query.message.answer(
        _(
            "Saved. {rhythm}\nThe next regular meeting will follow it; a meeting already "
            "planned stays as it is (you can move it in /meetings)."
        ).format(rhythm=rhythm_text(result, locale))
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
    callback_answer: CallbackAnswer,
) -> None:
    if not await services.meetings.may_record_plan(callback_data.pair_id, query.from_user.id):
        callback_answer.text = _(
            "Only the mentor of this pair records its goals, after the planning meeting."
        )
        return
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


async def on_end_date(
    message: Message, state: FSMContext, services: Services, bot: Bot, i18n: I18n
) -> None:
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
    await save_plan(message, state, services, bot, i18n, planned_end)


async def on_end_skip(
    query: CallbackQuery,
    callback_data: EndSkip,
    state: FSMContext,
    services: Services,
    bot: Bot,
    i18n: I18n,
    callback_answer: CallbackAnswer,
) -> None:
    message = await dialogue_message(
        query, state, FollowupDialogue.end_date, "pair_id", callback_data.pair_id
    )
    if message is None:
        callback_answer.text = _("This button is outdated. Please use the latest message or /help.")
        return
    await message.edit_reply_markup(reply_markup=None)
    await save_plan(message, state, services, bot, i18n, None, query.from_user.id)


async def save_plan(
    message: Message,
    state: FSMContext,
    services: Services,
    bot: Bot,
    i18n: I18n,
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
    for person in (side.me, side.other):
        locale = await services.languages.resolve(person.telegram_id, None)
        with i18n.use_locale(locale):
            text = _(
                "The plan of your pair is saved.\n{plan}\nYou can see it in /meetings."
            ).format(plan=plan_text(plan, locale) or "")
        await notify(bot, person.telegram_id, text)


def build_router() -> Router:
    router = Router(name="pair-plans")
    router.callback_query.register(on_rhythm, RhythmAct.filter())
    router.callback_query.register(on_goals_start, GoalsStart.filter())
    router.callback_query.register(on_end_skip, EndSkip.filter())
    router.message.register(
        on_goals, StateFilter(FollowupDialogue.goals), F.text, ~F.text.startswith("/")
    )
    router.message.register(
        on_end_date, StateFilter(FollowupDialogue.end_date), F.text, ~F.text.startswith("/")
    )
    return router
