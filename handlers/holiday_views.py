"""The views of /holidays: the list, the prompts and what a pair whose meeting falls on new
holidays is told (handlers/holidays.py acts)."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from bot import html_text as hd
from bot.holidays import HolidayProblem
from bot.meeting_sides import MeetingView
from bot.models.holidays import HolidayRow
from bot.screens import Button, Screen
from handlers.callbacks import Id
from handlers.meeting_texts import MeetPlan, meeting_text
from handlers.paging import column
from handlers.people import display_name


class HolidayAdd(CallbackData, prefix="hol1a"):
    pass


class HolidayRemove(CallbackData, prefix="hol1d"):
    holiday_id: Id


def holidays_screen(rows: list[HolidayRow], note: str | None = None) -> Screen:
    """The holidays not over yet, each with its «Delete» button; ``note`` follows the list."""
    buttons: list[Button] = []
    if rows:
        lines = [_("<b>Holidays</b>: no meetings are planned on these days.")]
        for number, row in enumerate(rows, start=1):
            lines.append(
                f"{number}. {row.starts_on:%d.%m.%Y} – {row.ends_on:%d.%m.%Y}: "
                f"{hd.quote(row.title)}"
            )
            buttons.append(
                Button(
                    _("Delete No. {n}").format(n=number),
                    data=HolidayRemove(holiday_id=row.id).pack(),
                )
            )
    else:
        lines = [_("No holidays are entered. Meetings can be planned on any day.")]
    buttons.append(Button(_("Add holidays"), data=HolidayAdd().pack()))
    text = "\n".join(lines)
    if note is not None:
        text += "\n\n" + note
    return Screen(text, column(buttons, 3))


def range_prompt() -> Screen:
    return Screen(
        _(
            "Write the dates and the name in one message, for example:\n"
            "30.12.2026 – 10.01.2027 Winter holidays"
        )
    )


def problem_text(problem: HolidayProblem) -> str:
    return {
        HolidayProblem.FORMAT: _(
            "Please write two dates and a name, for example: "
            "30.12.2026 – 10.01.2027 Winter holidays"
        ),
        HolidayProblem.ORDER: _("The end comes before the start; please check the dates."),
        HolidayProblem.TOO_LONG: _("Holidays longer than 120 days look like a typo; please check."),
        HolidayProblem.PAST: _("These holidays are already over."),
        HolidayProblem.TITLE: _("Please add a name of up to 100 characters after the dates."),
    }[problem]


def affected_text(count: int) -> str:
    if not count:
        return _("No planned meeting falls on these holidays.")
    return (
        ngettext(
            "{n} planned meeting falls on these holidays.",
            "{n} planned meetings fall on these holidays.",
            count,
        ).format(n=count)
        + " "
        + _(
            "The mentor of each such pair is asked to choose another date; until then the "
            "meeting stays as it is."
        )
    )


def already_deleted() -> str:
    return _("Already deleted: here is the current list.")


def move_screen(view: MeetingView, holiday: HolidayRow, to_mentor: bool) -> Screen:
    """A meeting agreed before the holidays were entered: the mentor gets the usual «Move»
    (the button of /meetings), the mentee hears that the mentor will propose another date.
    The meeting is not cancelled: it stays until the pair moves it."""
    people = view.side.people
    values = {"title": hd.quote(holiday.title), "meeting": meeting_text(view)}
    if not to_mentor:
        mentor_name = display_name(people.mentor.id, people.mentor_answers)
        return Screen(
            _(
                "The curator has entered holidays ({title}), and this meeting falls on "
                "them:\n{meeting}\n{name} will propose another date."
            ).format(name=hd.quote(mentor_name), **values)
        )
    text = _(
        "The curator has entered holidays ({title}), and this meeting falls on "
        "them:\n{meeting}\nPlease choose another date with «Move». Until then the "
        "meeting stays as it is."
    ).format(**values)
    move = Button(_("Move"), data=MeetPlan(pair_id=people.pair.id, replaces=view.meeting.id).pack())
    return Screen(text, ((move,),))
