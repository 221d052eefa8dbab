"""The views of meetings: their button data, texts and keyboards (handlers/meetings.py acts).

Every function reads the language in force: in a reply, the person's; inside an outbox render,
the recipient's (:func:`handlers.render.current_locale` for Babel's dates).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from aiogram.utils.text_decorations import html_decoration as hd
from babel.dates import get_day_names, get_month_names

from bot.formatting import format_moment
from bot.meeting_sides import MeetingProblem, MeetingView, Side
from bot.schedule import MEETING_TIMES, CalendarDay, Holiday, calendar_days
from bot.screens import Screen
from handlers.callbacks import Id
from handlers.people import display_name
from handlers.render import current_locale, screen_of


class MeetPlan(CallbackData, prefix="mtg1s"):
    pair_id: Id
    replaces: Id = 0


class MeetDay(CallbackData, prefix="mtg1d"):
    pair_id: Id
    day: str  # YYYYMMDD
    replaces: Id = 0


class MeetTime(CallbackData, prefix="mtg1t"):
    pair_id: Id
    day: str
    at: str  # HHMM
    replaces: Id = 0


class MeetFormat(CallbackData, prefix="mtg1f"):
    pair_id: Id
    day: str
    at: str
    online: bool
    replaces: Id = 0


class MeetAnswer(CallbackData, prefix="mtg1a"):
    meeting_id: Id
    confirm: bool


class MeetCancel(CallbackData, prefix="mtg1c"):
    meeting_id: Id


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


def meeting_text(view: MeetingView, locale: str | None = None) -> str:
    meeting = view.meeting
    when = format_moment(meeting.starts_at, locale or current_locale(), view.side.timezone)
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
    locale = locale or current_locale()
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


def calendar_prompt(side: Side) -> str:
    return _(
        "Choose the day of the meeting with {name} (the dates of the next four weeks, "
        "Monday first):"
    ).format(name=hd.quote(other_name(side)))


def times_keyboard(pair_id: int, day: str, replaces: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for moment in MEETING_TIMES:
        builder.button(
            text=moment.strftime("%H:%M"),
            callback_data=MeetTime(
                pair_id=pair_id, day=day, at=moment.strftime("%H%M"), replaces=replaces
            ),
        )
    builder.adjust(4)
    return builder.as_markup()


def formats_keyboard(pair_id: int, day: str, at: str, replaces: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for online, title in ((True, _("Online")), (False, _("In person"))):
        builder.button(
            text=title,
            callback_data=MeetFormat(
                pair_id=pair_id, day=day, at=at, online=online, replaces=replaces
            ),
        )
    return builder.as_markup()


def my_answers(side: Side) -> dict[str, object]:
    people = side.people
    return people.mentor_answers if side.me.id == people.mentor.id else people.mentee_answers


def other_name(side: Side) -> str:
    people = side.people
    answers = people.mentee_answers if side.other.id == people.mentee.id else people.mentor_answers
    return display_name(side.other.id, answers)


def proposal_screen(proposed: MeetingView) -> Screen:
    """To the other side: the proposal with «Confirm» and «Propose another time»."""
    builder = InlineKeyboardBuilder()
    builder.button(
        text=_("Confirm"), callback_data=MeetAnswer(meeting_id=proposed.meeting.id, confirm=True)
    )
    builder.button(
        text=_("Propose another time"),
        callback_data=MeetAnswer(meeting_id=proposed.meeting.id, confirm=False),
    )
    builder.adjust(1)
    text = _("{name} proposes a meeting:\n{meeting}").format(
        name=hd.quote(display_name(proposed.side.me.id, my_answers(proposed.side))),
        meeting=meeting_text(proposed),
    )
    return screen_of(text, builder.as_markup())


def proposal_sent_text(proposed: MeetingView) -> str:
    return _("Sent to {name} for confirmation:\n{meeting}").format(
        name=hd.quote(other_name(proposed.side)), meeting=meeting_text(proposed)
    )


def confirmed_text(view: MeetingView) -> str:
    return _("The meeting is confirmed:\n{meeting}\nYour meetings: /meetings").format(
        meeting=meeting_text(view)
    )


def cancelled_text(view: MeetingView, reason: str) -> str:
    return _("The meeting is cancelled:\n{meeting}\nReason: {reason}").format(
        meeting=meeting_text(view), reason=hd.quote(reason)
    )


def upcoming_screen(view: MeetingView) -> Screen:
    """One planned meeting in /meetings, with «Move» and «Cancel the meeting»."""
    status = _("confirmed") if view.meeting.status == "confirmed" else _("waiting for an answer")
    builder = InlineKeyboardBuilder()
    builder.button(
        text=_("Move"),
        callback_data=MeetPlan(pair_id=view.meeting.pair_id, replaces=view.meeting.id),
    )
    builder.button(
        text=_("Cancel the meeting"), callback_data=MeetCancel(meeting_id=view.meeting.id)
    )
    text = _("{meeting}\nWith: {name}; {status}").format(
        meeting=meeting_text(view), name=hd.quote(other_name(view.side)), status=status
    )
    return screen_of(text, builder.as_markup())


def no_plan_screen(pair_id: int) -> Screen:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("Propose a meeting"), callback_data=MeetPlan(pair_id=pair_id))
    return screen_of(_("No meeting is planned with your pair yet."), builder.as_markup())


def outdated_button() -> str:
    return _("This button is outdated. Please use the latest message or /help.")


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
