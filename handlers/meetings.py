"""Meetings of a pair: one side picks a day, a time and a format, the other confirms."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from aiogram import Bot, F, Router
from aiogram.filters import Command, StateFilter
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import I18n, get_i18n
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from aiogram.utils.text_decorations import html_decoration as hd
from babel.dates import get_day_names, get_month_names

from bot.formatting import format_moment
from bot.meetings import Cancelled, MeetingProblem, MeetingView, Side
from bot.schedule import MEETING_TIMES, CalendarDay, Holiday, calendar_days
from bot.services import Services
from handlers.notify import notify
from handlers.pair_plans import pair_summaries
from handlers.people import display_name
from handlers.states import MeetingDialogue
from handlers.texts import reason_from


class MeetPlan(CallbackData, prefix="mtg1s"):
    pair_id: int
    replaces: int = 0


class MeetDay(CallbackData, prefix="mtg1d"):
    pair_id: int
    day: str  # YYYYMMDD
    replaces: int = 0


class MeetTime(CallbackData, prefix="mtg1t"):
    pair_id: int
    day: str
    at: str  # HHMM
    replaces: int = 0


class MeetFormat(CallbackData, prefix="mtg1f"):
    pair_id: int
    day: str
    at: str
    online: bool
    replaces: int = 0


class MeetAnswer(CallbackData, prefix="mtg1a"):
    meeting_id: int
    confirm: bool


class MeetCancel(CallbackData, prefix="mtg1c"):
    meeting_id: int


class MeetNoop(CallbackData, prefix="mtg1n"):
    pass


class MeetHeader(CallbackData, prefix="mtg1h"):
    """The calendar's month and weekday captions: buttons that do nothing."""


def parse_day(value: str) -> date | None:
    """A day from button data (YYYYMMDD); None for anything forged or damaged."""
    try:
        return datetime.strptime(value, "%Y%m%d").date()
    except ValueError:
        return None


def parse_at(value: str) -> time | None:
    """A time from button data (HHMM); None for anything forged or damaged."""
    try:
        return datetime.strptime(value, "%H%M").time()
    except ValueError:
        return None


def kind_title(kind: str) -> str:
    titles = {
        "acquaintance": _("acquaintance meeting"),
        "trial": _("trial working meeting"),
        "planning": _("planning meeting"),
        "regular": _("regular meeting"),
        "final": _("final meeting"),
    }
    return titles.get(kind, kind)


def zone_label(moment: datetime, timezone: str) -> str:
    """The zone as people read it, by its offset at that moment: «UTC+9», «UTC+5:30», «UTC».

    An IANA name such as Asia/Chita means nothing to most pupils and parents."""
    offset = moment.astimezone(ZoneInfo(timezone)).utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds()) // 60
    if minutes == 0:
        return "UTC"
    sign = "+" if minutes > 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def meeting_text(view: MeetingView, locale: str) -> str:
    meeting = view.meeting
    when = format_moment(meeting.starts_at, locale, view.side.timezone)
    where = _("online: {place}") if meeting.meeting_format == "online" else _("in person: {place}")
    return _("{kind}, {when} ({zone})\n{where}").format(
        kind=kind_title(meeting.kind).capitalize(),
        when=when,
        zone=zone_label(meeting.starts_at, view.side.timezone),
        where=where.format(place=hd.quote(meeting.place)),
    )


def month_caption(first: date, last: date, locale: str) -> str:
    """«Март 2026», «Март – Апрель 2026» or «Декабрь 2026 – Январь 2027»: the months of the
    days that can be picked, in the standalone (nominative) form."""
    names = get_month_names("wide", context="stand-alone", locale=locale)

    def month(day: date) -> str:
        return str(names[day.month]).capitalize()

    if (first.year, first.month) == (last.year, last.month):
        return f"{month(first)} {first.year}"
    if first.year == last.year:
        return f"{month(first)} – {month(last)} {last.year}"
    return f"{month(first)} {first.year} – {month(last)} {last.year}"


def weekday_captions(locale: str) -> list[str]:
    """Пн Вт Ср … (Mon Tue Wed …), Monday first as the calendar's columns."""
    names = get_day_names("abbreviated", context="stand-alone", locale=locale)
    return [str(names[weekday]).capitalize() for weekday in range(7)]


def calendar_keyboard(
    side: Side,
    today: date,
    replaces: int,
    holidays: list[Holiday],
    locale: str | None = None,
) -> InlineKeyboardMarkup:
    """The next four weeks under a caption of their months and a row of weekdays. The day
    buttons keep their data (``MeetDay``), so calendars sent before still work."""
    locale = locale or get_i18n().current_locale
    builder = InlineKeyboardBuilder()
    rows = calendar_days(today, weeks=4, holidays=holidays)
    shown: list[CalendarDay] = [cell for week in rows for cell in week if cell.day >= today]
    builder.button(
        text=month_caption(shown[0].day, shown[-1].day, locale), callback_data=MeetHeader()
    )
    for caption in weekday_captions(locale):
        builder.button(text=caption, callback_data=MeetHeader())
    for week in rows:
        for cell in week:
            if cell.selectable:
                builder.button(
                    text=str(cell.day.day),
                    callback_data=MeetDay(
                        pair_id=side.people.pair.id,
                        day=cell.day.strftime("%Y%m%d"),
                        replaces=replaces,
                    ),
                )
            else:
                builder.button(text="·", callback_data=MeetNoop())
    builder.adjust(1, *([7] * (len(rows) + 1)))
    return builder.as_markup()


async def start_planning(message: Message, side: Side, services: Services, replaces: int) -> None:
    today = services.meetings.local_today(side.timezone)
    other = display_name(
        side.other.id,
        side.people.mentee_answers
        if side.other.id == side.people.mentee.id
        else side.people.mentor_answers,
    )
    await message.answer(
        _(
            "Choose the day of the meeting with {name} (the dates of the next four weeks, "
            "Monday first):"
        ).format(name=hd.quote(other)),
        reply_markup=calendar_keyboard(
            side, today, replaces, await services.meetings.holidays(side, today)
        ),
    )


async def on_plan(
    query: CallbackQuery,
    callback_data: MeetPlan,
    services: Services,
    callback_answer: CallbackAnswer,
) -> None:
    side = await services.meetings.side(callback_data.pair_id, query.from_user.id)
    if side is None or not isinstance(query.message, Message):
        callback_answer.text = _("This pair is no longer active.")
        return
    if callback_data.replaces:
        problem = await services.meetings.movable(
            callback_data.pair_id, callback_data.replaces, query.from_user.id
        )
        if problem is not None:
            callback_answer.text = problem_text(problem)
            return
    await start_planning(query.message, side, services, callback_data.replaces)


async def on_day(
    query: CallbackQuery,
    callback_data: MeetDay,
    services: Services,
    callback_answer: CallbackAnswer,
) -> None:
    day = parse_day(callback_data.day)
    side = await services.meetings.side(callback_data.pair_id, query.from_user.id)
    if day is None or side is None or not isinstance(query.message, Message):
        callback_answer.text = _("This button is outdated. Please use the latest message or /help.")
        return
    builder = InlineKeyboardBuilder()
    for moment in MEETING_TIMES:
        builder.button(
            text=moment.strftime("%H:%M"),
            callback_data=MeetTime(
                pair_id=callback_data.pair_id,
                day=callback_data.day,
                at=moment.strftime("%H%M"),
                replaces=callback_data.replaces,
            ),
        )
    builder.adjust(4)
    await query.message.edit_text(
        _("{day}: at what time (local time of the organization)?").format(
            day=day.strftime("%d.%m.%Y")
        ),
        reply_markup=builder.as_markup(),
    )


async def on_time(
    query: CallbackQuery,
    callback_data: MeetTime,
    services: Services,
    callback_answer: CallbackAnswer,
) -> None:
    valid = parse_day(callback_data.day) and parse_at(callback_data.at)
    side = await services.meetings.side(callback_data.pair_id, query.from_user.id)
    if not valid or side is None or not isinstance(query.message, Message):
        callback_answer.text = _("This button is outdated. Please use the latest message or /help.")
        return
    builder = InlineKeyboardBuilder()
    for online, title in ((True, _("Online")), (False, _("In person"))):
        builder.button(
            text=title,
            callback_data=MeetFormat(
                pair_id=callback_data.pair_id,
                day=callback_data.day,
                at=callback_data.at,
                online=online,
                replaces=callback_data.replaces,
            ),
        )
    await query.message.edit_text(_("How will you meet?"), reply_markup=builder.as_markup())


async def on_format(
    query: CallbackQuery,
    callback_data: MeetFormat,
    state: FSMContext,
    services: Services,
    callback_answer: CallbackAnswer,
) -> None:
    valid = parse_day(callback_data.day) and parse_at(callback_data.at)
    side = await services.meetings.side(callback_data.pair_id, query.from_user.id)
    if not valid or side is None or not isinstance(query.message, Message):
        callback_answer.text = _("This button is outdated. Please use the latest message or /help.")
        return
    await state.set_state(MeetingDialogue.place)
    await state.set_data(callback_data.model_dump())
    await query.message.edit_reply_markup(reply_markup=None)
    if callback_data.online:
        await query.message.answer(_("Send the link to the video meeting (or where it will be)."))
    else:
        await query.message.answer(_("Write where you will meet, e.g. «library, room 12»."))


async def on_place(
    message: Message, state: FSMContext, services: Services, bot: Bot, i18n: I18n
) -> None:
    assert message.from_user is not None
    data = await state.get_data()
    await state.clear()
    day, at = parse_day(str(data.get("day"))), parse_at(str(data.get("at")))
    if day is None or at is None:
        await message.answer(problem_text(MeetingProblem.NOT_YOURS))
        return
    result = await services.meetings.propose(
        int(data.get("pair_id", 0)),
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
    await message.answer(
        _("Sent to {name} for confirmation:\n{meeting}").format(
            name=hd.quote(other_name(result.side)),
            meeting=meeting_text(result, i18n.current_locale),
        )
    )
    locale = await services.languages.resolve(result.side.other.telegram_id, None)
    with i18n.use_locale(locale):
        builder = InlineKeyboardBuilder()
        builder.button(
            text=_("Confirm"), callback_data=MeetAnswer(meeting_id=result.meeting.id, confirm=True)
        )
        builder.button(
            text=_("Propose another time"),
            callback_data=MeetAnswer(meeting_id=result.meeting.id, confirm=False),
        )
        builder.adjust(1)
        text = _("{name} proposes a meeting:\n{meeting}").format(
            name=hd.quote(display_name(result.side.me.id, my_answers(result.side))),
            meeting=meeting_text(result, locale),
        )
    await notify(bot, result.side.other.telegram_id, text, builder.as_markup())


def my_answers(side: Side) -> dict[str, object]:
    people = side.people
    return people.mentor_answers if side.me.id == people.mentor.id else people.mentee_answers


def other_name(side: Side) -> str:
    people = side.people
    answers = people.mentee_answers if side.other.id == people.mentee.id else people.mentor_answers
    return display_name(side.other.id, answers)


def problem_text(problem: MeetingProblem) -> str:
    return {
        MeetingProblem.NOT_YOURS: _("This pair or meeting is no longer yours to change."),
        MeetingProblem.TOO_SOON: _(
            "That time is too soon or already past; please choose a later one: /meetings"
        ),
        MeetingProblem.TOO_LATE: _("Please choose a date within the next eight weeks."),
        MeetingProblem.BAD_PLACE: _("Please write the place or the link in 1 to 300 characters."),
        MeetingProblem.DECIDED: _("Already decided: see /meetings."),
        MeetingProblem.FINISHED: _("The final meeting of your pair has already been held."),
        MeetingProblem.HOLIDAY: _(
            "That day falls on the holidays; please choose another: /meetings"
        ),
        MeetingProblem.NOT_YET: _("This meeting has not taken place yet."),
        MeetingProblem.STARTED: _(
            "This meeting has already begun, so it cannot be cancelled. After it you will be "
            "asked whether it took place: answer there."
        ),
        MeetingProblem.BAD_GOALS: _(
            "Please write one to three goals, one per line, each up to 200 characters."
        ),
        MeetingProblem.BAD_END: _("Please type a date in the future."),
    }[problem]


async def on_answer(
    query: CallbackQuery,
    callback_data: MeetAnswer,
    services: Services,
    bot: Bot,
    i18n: I18n,
    callback_answer: CallbackAnswer,
) -> None:
    if not isinstance(query.message, Message):
        return
    if not callback_data.confirm:
        view = await services.meetings.view(callback_data.meeting_id, query.from_user.id)
        if view is None or view.meeting.status != "proposed":
            callback_answer.text = problem_text(MeetingProblem.DECIDED)
            return
        await query.message.edit_reply_markup(reply_markup=None)
        await start_planning(query.message, view.side, services, 0)
        return
    result = await services.meetings.confirm(callback_data.meeting_id, query.from_user.id)
    if isinstance(result, MeetingProblem):
        callback_answer.text = problem_text(result)
        return
    await query.message.edit_reply_markup(reply_markup=None)
    for person in (result.side.me, result.side.other):
        locale = await services.languages.resolve(person.telegram_id, None)
        with i18n.use_locale(locale):
            text = _("The meeting is confirmed:\n{meeting}\nYour meetings: /meetings").format(
                meeting=meeting_text(result, locale)
            )
        await notify(bot, person.telegram_id, text)


async def show_meetings(message: Message, services: Services, i18n: I18n) -> None:
    assert message.from_user is not None
    views = await services.meetings.upcoming(message.from_user.id)
    if not views:
        await message.answer(_("You have no planned meetings."))
    for view in views:
        status = (
            _("confirmed") if view.meeting.status == "confirmed" else _("waiting for an answer")
        )
        builder = InlineKeyboardBuilder()
        builder.button(
            text=_("Move"),
            callback_data=MeetPlan(pair_id=view.meeting.pair_id, replaces=view.meeting.id),
        )
        builder.button(
            text=_("Cancel the meeting"), callback_data=MeetCancel(meeting_id=view.meeting.id)
        )
        await message.answer(
            _("{meeting}\nWith: {name}; {status}").format(
                meeting=meeting_text(view, i18n.current_locale),
                name=hd.quote(other_name(view.side)),
                status=status,
            ),
            reply_markup=builder.as_markup(),
        )
    pairs = {v.side.people.pair.id for v in views}
    for side_pair in await services.meetings.pairs_without_plans(message.from_user.id, pairs):
        builder = InlineKeyboardBuilder()
        builder.button(text=_("Propose a meeting"), callback_data=MeetPlan(pair_id=side_pair))
        await message.answer(
            _("No meeting is planned with your pair yet."), reply_markup=builder.as_markup()
        )
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
        callback_answer.text = problem_text(MeetingProblem.DECIDED)
        return
    problem = services.meetings.cancel_problem(view.meeting)
    if problem is not None:
        callback_answer.text = problem_text(problem)
        callback_answer.show_alert = problem is MeetingProblem.STARTED
        return
    await state.set_state(MeetingDialogue.cancel_reason)
    await state.set_data({"meeting_id": view.meeting.id})
    if isinstance(query.message, Message):
        await query.message.answer(
            _(
                "Why is the meeting cancelled? Write it in one message; "
                "your pair will see it. Or /cancel."
            )
        )


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
    result = await services.meetings.cancel(
        int(data.get("meeting_id", 0)), message.from_user.id, reason
    )
    if isinstance(result, MeetingProblem):
        await message.answer(problem_text(result))
        return
    for person in (result.side.me, result.side.other):
        locale = await services.languages.resolve(person.telegram_id, None)
        with i18n.use_locale(locale):
            text = _("The meeting is cancelled:\n{meeting}\nReason: {reason}").format(
                meeting=meeting_text(result, locale), reason=hd.quote(reason)
            )
        await notify(bot, person.telegram_id, text)
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
