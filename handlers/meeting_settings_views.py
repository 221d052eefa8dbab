"""The views of /meetingsettings: the settings and the prompt for each value, and the choice of
what a pair of each form must have held to complete the programme (handlers/meeting_settings.py
acts)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from aiogram.filters.callback_data import CallbackData
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from bot.cycles import MEETING_ORDER
from bot.followups import FollowupSettingsProblem
from bot.html_text import quote
from bot.reminders import SettingsProblem
from bot.schedule import MeetingKind
from bot.screens import Button, Rows, Screen
from handlers.meeting_texts import kind_title


class SettingField(StrEnum):
    REMINDERS = "reminders"
    LENGTH = "length"
    FOLLOWUP = "followup"
    GRACE = "grace"


class SettingsEdit(CallbackData, prefix="mst1"):
    field: SettingField


class CompletionStep(StrEnum):
    FORM = "form"  # the choices of one form's minimum in place of the settings
    SET = "set"  # one of them chosen
    BACK = "back"  # the settings again, nothing changed


class CompletionEdit(CallbackData, prefix="mst1c"):
    """A press about what a pair of ``form`` must have held to complete the programme."""

    action: CompletionStep
    form: str
    kind: str = ""


@dataclass(frozen=True)
class FormMinimum:
    """A form the organization runs, named for the reader, and its minimum meeting."""

    code: str
    title: str
    kind: MeetingKind


def _meeting(kind: MeetingKind) -> str:
    return kind_title(kind.value)


def completion_lines(minimums: Sequence[FormMinimum]) -> list[str]:
    if not minimums:
        return []
    lines = [
        "",
        _("<b>Completing the programme</b>"),
        _(
            "A pair has completed the programme when it held its final meeting. When you finish "
            "the cycle earlier, a pair has completed it if it held at least this meeting or a "
            "later one:"
        ),
    ]
    lines += [f"• {quote(item.title)}: {_meeting(item.kind)}" for item in minimums]
    return lines


def completion_rows(minimums: Sequence[FormMinimum]) -> Rows:
    return tuple(
        (
            Button(
                _("Completing: {form}").format(form=item.title),
                data=CompletionEdit(action=CompletionStep.FORM, form=item.code).pack(),
            ),
        )
        for item in minimums
    )


def completion_choice(item: FormMinimum) -> Screen:
    """The meetings to choose from for one form, the present one marked, and «Back»."""
    text = _(
        "<b>Completing the programme: {form}</b>\n"
        "Minimum to complete the programme: {meeting}.\n\n"
        "A pair of this form that held this meeting or a later one has completed the programme "
        "when you finish the cycle; the final meeting always completes it. Choose the meeting:"
    ).format(form=quote(item.title), meeting=_meeting(item.kind))
    rows = tuple(
        (
            Button(
                ("✓ " if kind is item.kind else "") + _meeting(kind).capitalize(),
                data=CompletionEdit(
                    action=CompletionStep.SET, form=item.code, kind=kind.value
                ).pack(),
            ),
        )
        for kind in MEETING_ORDER
    )
    back = Button(
        _("← Back"), data=CompletionEdit(action=CompletionStep.BACK, form=item.code).pack()
    )
    return Screen(text, (*rows, (back,)))


def completion_saved(item: FormMinimum) -> str:
    return _("Saved: {form} — {meeting}.").format(form=item.title, meeting=_meeting(item.kind))


def form_gone() -> str:
    return _("Your organization does not run this form now; here are the settings as they are.")


def settings_screen(
    reminder_minutes: tuple[int, ...],
    meeting_minutes: int,
    followup_minutes: int,
    grace_days: int,
    minimums: Sequence[FormMinimum] = (),
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
        *completion_lines(minimums),
    ]
    titles = (
        (_("Change the reminders"), SettingField.REMINDERS),
        (_("Change the length"), SettingField.LENGTH),
        (_("Change the follow-up delay"), SettingField.FOLLOWUP),
        (_("Change the grace days"), SettingField.GRACE),
    )
    rows = tuple((Button(title, data=SettingsEdit(field=field).pack()),) for title, field in titles)
    return Screen("\n".join(lines), rows + completion_rows(minimums))


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
