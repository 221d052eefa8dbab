"""The views of a form's profile (issue 14, colleges): who its mentors and mentees are, how
its pairs work and whether a mentor may lead a group. handlers/form_profiles.py acts.

The curator opens it from /forms («⚙️ Who takes part and how»)."""

from __future__ import annotations

from collections.abc import Sequence

from aiogram.filters.callback_data import CallbackData
from aiogram.utils.i18n import gettext as _

from bot.html_text import quote
from bot.models.organizations import OrganizationForm
from bot.screens import Button, Screen
from dialogs.forms import FORM_TITLES, FederalForm, FormPace, ParticipantKind, default_kinds
from handlers.paging import column


class FormProfiles(CallbackData, prefix="fp1l"):
    """The list of the organization's forms, each to open."""


class FormProfileOpen(CallbackData, prefix="fp1o"):
    code: str  # re-read from the curator's own organization


class FormMentorKind(CallbackData, prefix="fp1m"):
    code: str
    kind: ParticipantKind


class FormMenteeKind(CallbackData, prefix="fp1e"):
    code: str
    kind: ParticipantKind


class FormPaceChoice(CallbackData, prefix="fp1p"):
    code: str
    pace: FormPace


class FormGroups(CallbackData, prefix="fp1g"):
    code: str
    allowed: bool  # what the press sets


def form_name(form: OrganizationForm) -> str:
    if form.title is not None:
        return form.title
    return _(FORM_TITLES[FederalForm(form.code)])


def kind_title(kind: ParticipantKind) -> str:
    """Who a form's mentors or mentees are, plural."""
    titles = {
        ParticipantKind.PUPIL: _("pupils"),
        ParticipantKind.STUDENT: _("students"),
        ParticipantKind.TEACHER: _("teachers"),
        ParticipantKind.EMPLOYER: _("employers' representatives"),
    }
    return titles[kind]


def pace_title(pace: FormPace) -> str:
    titles = {
        FormPace.REGULAR: _("regular: the full cycle, a meeting at least every two weeks"),
        FormPace.SHORT: _("short-term: one or a few meetings towards one goal"),
        FormPace.SPEED: _("speed mentoring: one meeting with several mentors in turn"),
    }
    return titles[pace]


def pace_button(pace: FormPace) -> str:
    titles = {
        FormPace.REGULAR: _("Regular"),
        FormPace.SHORT: _("Short-term"),
        FormPace.SPEED: _("Speed mentoring"),
    }
    return titles[pace]


def profiles_button() -> Button:
    """The entry under /forms."""
    return Button(_("⚙️ Who takes part and how"), data=FormProfiles().pack())


def profiles_screen(forms: Sequence[OrganizationForm]) -> Screen:
    lines = [
        _("<b>Who takes part in each form, and how</b>"),
        _(
            "Open a form to say who its mentors and mentees are (this decides the questions "
            "of their questionnaires and their monitoring), how its pairs work and whether a "
            "mentor may lead a group."
        ),
        "",
    ]
    for form in forms:
        mark = "✅" if form.enabled else "⬜"
        lines.append(
            _("{mark} <b>{title}</b>: {mentors} → {mentees}").format(
                mark=mark,
                title=quote(form_name(form)),
                mentors=kind_title(form.mentor_kind),
                mentees=kind_title(form.mentee_kind),
            )
        )
    buttons = [
        Button(f"⚙️ {form_name(form)}", data=FormProfileOpen(code=form.code).pack())
        for form in forms
    ]
    return Screen("\n".join(lines), column(buttons))


def profile_screen(form: OrganizationForm) -> Screen:
    defaults = default_kinds(form.code)
    lines = [
        _("<b>Form “{title}”</b>").format(title=quote(form_name(form))),
        _("Mentors: {kind}").format(kind=kind_title(form.mentor_kind)),
        _("Mentees: {kind}").format(kind=kind_title(form.mentee_kind)),
        _("Pace: {pace}").format(pace=pace_title(form.pace)),
        _("A mentor may lead a group: yes")
        if form.allows_groups
        else _("A mentor may lead a group: no"),
        "",
    ]
    if form.is_own:
        lines.append(_("An own form: say who takes part, it decides the questions they get."))
    elif (form.mentor_kind, form.mentee_kind) != defaults:
        lines.append(
            _("The federal form keeps its title; here it brings together {mentors} and {mentees}.")
            .format(mentors=kind_title(form.mentor_kind), mentees=kind_title(form.mentee_kind))
        )  # fmt: skip
    lines.append(_("Tap to change. ● is the current choice."))

    def mark(on: bool, label: str) -> str:
        return f"● {label}" if on else label

    rows: list[tuple[Button, ...]] = []
    mentor_buttons = [
        Button(
            mark(kind is form.mentor_kind, _("Mentors: {kind}").format(kind=kind_title(kind))),
            data=FormMentorKind(code=form.code, kind=kind).pack(),
        )
        for kind in ParticipantKind
    ]
    rows += [tuple(mentor_buttons[:2]), tuple(mentor_buttons[2:])]
    mentee_buttons = [
        Button(
            mark(kind is form.mentee_kind, _("Mentees: {kind}").format(kind=kind_title(kind))),
            data=FormMenteeKind(code=form.code, kind=kind).pack(),
        )
        for kind in ParticipantKind
    ]
    rows += [tuple(mentee_buttons[:2]), tuple(mentee_buttons[2:])]
    rows.append(
        tuple(
            Button(
                mark(pace is form.pace, pace_button(pace)),
                data=FormPaceChoice(code=form.code, pace=pace).pack(),
            )
            for pace in FormPace
        )
    )
    groups = _("Groups allowed: switch off") if form.allows_groups else _("Groups off: allow them")
    rows.append(
        (Button(groups, data=FormGroups(code=form.code, allowed=not form.allows_groups).pack()),)
    )
    rows.append((Button(_("← All forms"), data=FormProfiles().pack()),))
    return Screen("\n".join(lines), tuple(rows))


def no_such_form() -> str:
    return _("Your organization has no such form.")


def unchanged() -> str:
    return _("It is already so: nothing changed.")


def changed(form: OrganizationForm) -> str:
    return _("Saved for “{title}”.").format(title=form_name(form))
