"""Texts and keyboards of a pair's rhythm and plan (handlers/pair_plans.py acts on them)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext
from aiogram.utils.keyboard import InlineKeyboardBuilder
from aiogram.utils.text_decorations import html_decoration as hd
from babel.dates import format_date, get_day_names
from pydantic import Field

from bot.models.plans import PlanRow, RhythmRow
from bot.schedule import MEETING_TIMES
from handlers.callbacks import Id


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


def change_rhythm_keyboard(pair_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("Change the rhythm"), callback_data=RhythmAct(pair_id=pair_id))
    return builder.as_markup()


def weekday_keyboard(pair_id: int, locale: str) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for day in range(7):
        builder.button(
            text=weekday_name(day, locale),
            callback_data=RhythmAct(pair_id=pair_id, field=RhythmField.WEEKDAY, value=day),
        )
    builder.adjust(2)
    return builder.as_markup()


def time_keyboard(pair_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for moment in MEETING_TIMES:
        builder.button(
            text=moment.strftime("%H:%M"),
            callback_data=RhythmAct(
                pair_id=pair_id, field=RhythmField.TIME, value=moment.hour * 60 + moment.minute
            ),
        )
    builder.adjust(4)
    return builder.as_markup()


def interval_keyboard(pair_id: int, longest: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for weeks in range(1, longest + 1):
        builder.button(
            text=every_weeks(weeks),
            callback_data=RhythmAct(pair_id=pair_id, field=RhythmField.INTERVAL, value=weeks),
        )
    builder.adjust(1)
    return builder.as_markup()


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


def end_date_keyboard(pair_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("Not decided yet"), callback_data=EndSkip(pair_id=pair_id))
    return builder.as_markup()


def plan_saved_text(plan: PlanRow | None, locale: str) -> str:
    return _("The plan of your pair is saved.\n{plan}\nYou can see it in /meetings.").format(
        plan=plan_text(plan, locale) or ""
    )
