"""The views of meetings: their button data, texts and keyboards (handlers/meetings.py acts).

Every function reads the language in force: in a reply, the person's; inside an outbox render,
the recipient's (:func:`handlers.render.current_locale` for Babel's dates).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from aiogram.filters.callback_data import CallbackData
from aiogram.utils.i18n import gettext as _
from babel.dates import get_day_names, get_month_names

from bot.formatting import format_moment
from bot.html_text import quote
from bot.meeting_sides import MeetingProblem, MeetingView, Side
from bot.schedule import MEETING_TIMES, CalendarDay, Holiday, calendar_days
from bot.screens import Button, Screen
from handlers.callbacks import Id
from handlers.paging import column
from handlers.people import display_name
from handlers.texts import current_locale


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
        where=where.format(place=quote(meeting.place)),
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


def calendar_rows(
    side: Side,
    today: date,
    replaces: int,
    holidays: list[Holiday],
    locale: str | None = None,
) -> tuple[tuple[Button, ...], ...]:
    """The next four weeks under a caption of their months and a row of weekdays. The day
    buttons keep their data (``MeetDay``), so calendars sent before still work."""
    locale = locale or current_locale()
    weeks = calendar_days(today, weeks=4, holidays=holidays)
    shown: list[CalendarDay] = [cell for week in weeks for cell in week if cell.day >= today]
    header = MeetHeader().pack()
    caption = Button(month_caption(shown[0].day, shown[-1].day, locale), data=header)
    weekdays = tuple(Button(name, data=header) for name in weekday_captions(locale))
    noop = MeetNoop().pack()

    def day_button(cell: CalendarDay) -> Button:
        if not cell.selectable:
            return Button("·", data=noop)
        data = MeetDay(
            pair_id=side.people.pair.id, day=cell.day.strftime("%Y%m%d"), replaces=replaces
        )
        return Button(str(cell.day.day), data=data.pack())

    return ((caption,), weekdays, *(tuple(day_button(cell) for cell in week) for week in weeks))


def calendar_prompt(side: Side) -> str:
    return _(
        "Choose the day of the meeting with {name} (the dates of the next four weeks, "
        "Monday first):"
    ).format(name=quote(other_name(side)))


def calendar_screen(
    side: Side,
    today: date,
    replaces: int,
    holidays: list[Holiday],
    locale: str | None = None,
) -> Screen:
    return Screen(calendar_prompt(side), calendar_rows(side, today, replaces, holidays, locale))


def times_screen(pair_id: int, day: date, replaces: int) -> Screen:
    """The picked day and its times, four in a row."""
    buttons = [
        Button(
            moment.strftime("%H:%M"),
            data=MeetTime(
                pair_id=pair_id,
                day=day.strftime("%Y%m%d"),
                at=moment.strftime("%H%M"),
                replaces=replaces,
            ).pack(),
        )
        for moment in MEETING_TIMES
    ]
    text = _("{day}: at what time (local time of the organization)?").format(
        day=day.strftime("%d.%m.%Y")
    )
    return Screen(text, column(buttons, 4))


def formats_screen(pair_id: int, day: str, at: str, replaces: int) -> Screen:
    row = tuple(
        Button(
            title,
            data=MeetFormat(
                pair_id=pair_id, day=day, at=at, online=online, replaces=replaces
            ).pack(),
        )
        for online, title in ((True, _("Online")), (False, _("In person")))
    )
    return Screen(_("How will you meet?"), (row,))


def place_prompt(online: bool) -> str:
    if online:
        return _("Send the link to the video meeting (or where it will be).")
    return _("Write where you will meet, e.g. «library, room 12».")


def my_answers(side: Side) -> dict[str, object]:
    people = side.people
    return people.mentor_answers if side.me.id == people.mentor.id else people.mentee_answers


def other_name(side: Side) -> str:
    people = side.people
    answers = people.mentee_answers if side.other.id == people.mentee.id else people.mentor_answers
    return display_name(side.other.id, answers)


def proposal_screen(proposed: MeetingView) -> Screen:
    """To the other side: the proposal with «Confirm» and «Propose another time»."""
    meeting_id = proposed.meeting.id
    rows = (
        (Button(_("Confirm"), data=MeetAnswer(meeting_id=meeting_id, confirm=True).pack()),),
        (
            Button(
                _("Propose another time"),
                data=MeetAnswer(meeting_id=meeting_id, confirm=False).pack(),
            ),
        ),
    )
    text = _("{name} proposes a meeting:\n{meeting}").format(
        name=quote(display_name(proposed.side.me.id, my_answers(proposed.side))),
        meeting=meeting_text(proposed),
    )
    return Screen(text, rows)


def proposal_sent_text(proposed: MeetingView) -> str:
    return _("Sent to {name} for confirmation:\n{meeting}").format(
        name=quote(other_name(proposed.side)), meeting=meeting_text(proposed)
    )


def confirmed_text(view: MeetingView) -> str:
    return _("The meeting is confirmed:\n{meeting}\nYour meetings: /meetings").format(
        meeting=meeting_text(view)
    )


def cancelled_text(view: MeetingView, reason: str) -> str:
    return _("The meeting is cancelled:\n{meeting}\nReason: {reason}").format(
        meeting=meeting_text(view), reason=quote(reason)
    )


def upcoming_screen(view: MeetingView) -> Screen:
    """One planned meeting in /meetings, with «Move» and «Cancel the meeting»."""
    status = _("confirmed") if view.meeting.status == "confirmed" else _("waiting for an answer")
    row = (
        Button(
            _("Move"),
            data=MeetPlan(pair_id=view.meeting.pair_id, replaces=view.meeting.id).pack(),
        ),
        Button(_("Cancel the meeting"), data=MeetCancel(meeting_id=view.meeting.id).pack()),
    )
    text = _("{meeting}\nWith: {name}; {status}").format(
        meeting=meeting_text(view), name=quote(other_name(view.side)), status=status
    )
    return Screen(text, (row,))


def no_plan_screen(pair_id: int) -> Screen:
    return Screen(
        _("No meeting is planned with your pair yet."),
        ((Button(_("Propose a meeting"), data=MeetPlan(pair_id=pair_id).pack()),),),
    )


def cancel_reason_prompt() -> str:
    return _(
        "Why is the meeting cancelled? Write it in one message; your pair will see it. Or /cancel."
    )


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
