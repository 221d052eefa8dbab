"""The views of /meetingsettings: the settings and the prompt for each value
(handlers/meeting_settings.py acts)."""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from bot.followups import FollowupSettingsProblem
from bot.reminders import SettingsProblem
from bot.screens import Button, Screen


class SettingField(StrEnum):
    REMINDERS = "reminders"
    LENGTH = "length"
    FOLLOWUP = "followup"
    GRACE = "grace"


class SettingsEdit(CallbackData, prefix="mst1"):
    field: SettingField


def settings_screen(
    reminder_minutes: tuple[int, ...],
    meeting_minutes: int,
    followup_minutes: int,
    grace_days: int,
) -> Screen:
    minutes = ", ".join(str(m) for m in reminder_minutes)
    last = reminder_minutes[-1] if reminder_minutes else 0
    lines = [
        _("<b>Meeting settings</b>"),
        # Plural by the last number of the list: «за 1440, 60 минут».
        ngettext(
            "Reminders: {minutes} minute before a meeting",
            "Reminders: {minutes} minutes before a meeting",
            last,
        ).format(minutes=minutes),
        ngettext(
            "Usual length of a meeting: {length} minute",
            "Usual length of a meeting: {length} minutes",
            meeting_minutes,
        ).format(length=meeting_minutes),
        "",
        _("New values apply to meetings confirmed from now on."),
        "",
        ngettext(
            "«Did the meeting take place?» comes {n} minute after a meeting ends.",
            "«Did the meeting take place?» comes {n} minutes after a meeting ends.",
            followup_minutes,
        ).format(n=followup_minutes),
        ngettext(
            "A pair without a meeting for 14 days and {n} more day gets a reminder.",
            "A pair without a meeting for 14 days and {n} more days gets a reminder.",
            grace_days,
        ).format(n=grace_days),
        _(
            "Holidays are not counted. A pair whose longer rhythm you approved has its "
            "rhythm's interval instead of the 14 days."
        ),
    ]
    titles = (
        (_("Change the reminders"), SettingField.REMINDERS),
        (_("Change the length"), SettingField.LENGTH),
        (_("Change the follow-up delay"), SettingField.FOLLOWUP),
        (_("Change the grace days"), SettingField.GRACE),
    )
    rows = tuple((Button(title, data=SettingsEdit(field=field).pack()),) for title, field in titles)
    return Screen("\n".join(lines), rows)


def value_prompt(field: SettingField) -> Screen:
    prompts = {
        SettingField.REMINDERS: lambda: _(
            "How many minutes before a meeting should reminders come? Up to three numbers "
            "separated by commas, from 1 to 10080 (a week), for example: 1440, 60"
        ),
        SettingField.FOLLOWUP: lambda: _(
            "How many minutes after a meeting ends should «Did the meeting take place?» "
            "come? From 1 to 10080 (a week)."
        ),
        SettingField.GRACE: lambda: _(
            "How many days beyond the 14 days may a pair go without a meeting before it "
            "gets a reminder? From 0 to 30."
        ),
        SettingField.LENGTH: lambda: _(
            "How many minutes does a meeting usually last? From 5 to 600."
        ),
    }
    return Screen(prompts[field]())


def problem_screen(problem: SettingsProblem) -> Screen:
    return Screen(
        {
            SettingsProblem.REMINDERS: _(
                "Please write one to three whole numbers from 1 to 10080, separated by commas."
            ),
            SettingsProblem.LENGTH: _("Please write a whole number from 5 to 600."),
        }[problem]
    )


def followup_problem_screen(problem: FollowupSettingsProblem) -> Screen:
    if problem is FollowupSettingsProblem.DELAY:
        return Screen(_("Please write a whole number from 1 to 10080."))
    return Screen(_("Please write a whole number from 0 to 30."))
