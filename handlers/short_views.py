"""What a short-term pair is told after its first meeting: the next one is the final meeting,
unless it asks for one more working meeting first (handlers/short_pairs.py acts)."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData
from aiogram.utils.i18n import gettext as _

from bot.screens import Button, Screen
from bot.short_pairs import MAX_FURTHER, ShortProblem
from handlers.callbacks import Id
from handlers.meeting_texts import MeetPlan


class ShortMore(CallbackData, prefix="sht1m"):
    pair_id: Id


def final_next_screen(pair_id: int) -> Screen:
    return Screen(
        _(
            "Please propose the final meeting with your pair, where you sum up your goal. If "
            "you need more time for the goal, plan one more working meeting first."
        ),
        (
            (Button(_("Propose the final meeting"), data=MeetPlan(pair_id=pair_id).pack()),),
            (Button(_("One more working meeting first"), data=ShortMore(pair_id=pair_id).pack()),),
        ),
    )


def more_agreed_screen(pair_id: int) -> Screen:
    return Screen(
        _("Fine: your next meeting is a working one, and the final meeting comes after it."),
        ((Button(_("Propose a meeting"), data=MeetPlan(pair_id=pair_id).pack()),),),
    )


def problem_text(problem: ShortProblem) -> str:
    return {
        ShortProblem.NOT_YOURS: _("This pair is no longer active."),
        ShortProblem.NOT_SHORT: _("This pair's form is no longer short-term."),
        ShortProblem.NOT_YET: _("Please hold your first meeting first."),
        ShortProblem.FINISHED: _("Your pair has already held its final meeting."),
        ShortProblem.PLANNED: _(
            "A meeting is already planned: hold it, move it or cancel it in /meetings first."
        ),
        ShortProblem.TOO_MANY: _(
            "A short-term pair has at most {count} working meetings before the final one."
        ).format(count=MAX_FURTHER + 1),
        ShortProblem.ASKED: _("Already agreed: your next meeting is a working one."),
    }[problem]
