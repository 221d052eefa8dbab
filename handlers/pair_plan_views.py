"""Texts and keyboards of a pair's rhythm and plan (handlers/pair_plans.py acts on them)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from aiogram.filters.callback_data import CallbackData
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext
from babel.dates import format_date, get_day_names
from pydantic import Field

from bot.html_text import quote
from bot.models.plans import PlanRow, RhythmRow
from bot.schedule import MEETING_TIMES
from bot.screens import Button, Rows
from handlers.callbacks import Id
from handlers.paging import column


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
    lines += [f"{number}. {quote(goal)}" for number, goal in enumerate(plan.goals, 1)]
    if plan.planned_end is not None:
        lines.append(
            _("Planned end: {date}").format(
                date=format_date(plan.planned_end, "long", locale=locale)
            )
        )
    return "\n".join(lines)


def rhythm_menu(pair_id: int) -> Rows:
    return column(
        [
            Button(_("Day"), data=RhythmAct(pair_id=pair_id, field=RhythmField.WEEKDAY).pack()),
            Button(_("Time"), data=RhythmAct(pair_id=pair_id, field=RhythmField.TIME).pack()),
            Button(
                _("Interval"), data=RhythmAct(pair_id=pair_id, field=RhythmField.INTERVAL).pack()
            ),
        ],
        width=3,
    )


def change_rhythm_keyboard(pair_id: int) -> Rows:
    return ((Button(_("Change the rhythm"), data=RhythmAct(pair_id=pair_id).pack()),),)


def weekday_keyboard(pair_id: int, locale: str) -> Rows:
    return column(
        [
            Button(
                weekday_name(day, locale),
                data=RhythmAct(pair_id=pair_id, field=RhythmField.WEEKDAY, value=day).pack(),
            )
            for day in range(7)
        ],
        width=2,
    )


def time_keyboard(pair_id: int) -> Rows:
    return column(
        [
            Button(
                moment.strftime("%H:%M"),
                data=RhythmAct(
                    pair_id=pair_id, field=RhythmField.TIME, value=moment.hour * 60 + moment.minute
                ).pack(),
            )
            for moment in MEETING_TIMES
        ],
        width=4,
    )


def interval_keyboard(pair_id: int, longest: int) -> Rows:
    return column(
        [
            Button(
                every_weeks(weeks),
                data=RhythmAct(pair_id=pair_id, field=RhythmField.INTERVAL, value=weeks).pack(),
            )
            for weeks in range(1, longest + 1)
        ]
    )


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


def rhythm_saved_text(rhythm: RhythmRow, locale: str) -> str:
    return _(
        "Saved. {rhythm}\nThe next regular meeting will follow it; a meeting already "
        "planned stays as it is (you can move it in /meetings)."
    ).format(rhythm=rhythm_text(rhythm, locale))


# -- the goals and the planned end --------------------------------------------------------------
def goals_prompt() -> str:
    return _(
        "Write up to three goals of your work together, one per line. "
        "For example:\n1. Prepare for the olympiad\n2. Choose a topic for the project"
    )


def bad_goals() -> str:
    return _("Please write one to three goals, one per line, each up to 200 characters.")


def end_date_keyboard(pair_id: int) -> Rows:
    return ((Button(_("Not decided yet"), data=EndSkip(pair_id=pair_id).pack()),),)


def plan_saved_text(plan: PlanRow | None, locale: str) -> str:
    return _("The plan of your pair is saved.\n{plan}\nYou can see it in /meetings.").format(
        plan=plan_text(plan, locale) or ""
    )
