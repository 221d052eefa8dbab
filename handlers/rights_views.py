"""The views of the participant's rights: /profile, /mydata, /revoke and the notices of a
departure (handlers/rights.py acts). Dates arrive formatted in the reader's locale."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from aiogram.filters.callback_data import CallbackData
from aiogram.utils.i18n import gettext as _

from bot import html_text as hd
from bot.participants import Status
from bot.privacy import Departure
from bot.questionnaires import Step
from bot.screens import Attachment, Button, Screen
from dialogs.answer_display import format_answer
from handlers.address import you
from handlers.join_views import role_title
from handlers.questionnaire_views import Act, ActKind, answer_label
from handlers.texts import split_message


class RevokeDecision(CallbackData, prefix="rvk1"):
    confirm: bool


@dataclass(frozen=True)
class Participation:
    """One participation as /profile and /mydata show it."""

    organization: str
    role: str
    status: Status
    minor: bool
    joined: str  # formatted in the reader's locale and the organization's time zone
    step: Step
    consents: tuple[tuple[str, str], ...] = ()  # (kind, when formatted), /mydata only


def status_title(status: Status, minor: bool = False) -> str:
    titles = {
        Status.WAITING_CONSENT: you(minor, "waiting for your consent"),
        Status.WAITING_GUARDIAN: _("waiting for the consent of a parent or legal representative"),
        Status.QUESTIONNAIRE: _("questionnaire in progress"),
        Status.READY: _("questionnaire completed"),
        Status.WAITING_CHECK: _("waiting for the curator's check"),
    }
    return titles[status]


def participation_text(item: Participation) -> str:
    lines = [
        _("<b>«{organization}»</b>, {role}").format(
            organization=hd.quote(item.organization), role=role_title(item.role)
        ),
        _("Status: {status}").format(status=status_title(item.status, item.minor)),
        _("Joined: {when}").format(when=item.joined),
    ]
    for kind, when in item.consents:
        if kind == "self":
            lines.append(you(item.minor, "Your consent: {when}").format(when=when))
        else:
            lines.append(_("Consent of a legal representative: {when}").format(when=when))
    step = item.step
    for question in step.visible():
        if question.key in step.answers:
            shown = format_answer(
                question, step.answers[question.key], _, step.options_of(question)
            )
            label = answer_label(question, step.forms)
            lines.append(f"• {hd.quote(label)}: {hd.quote(shown)}")
    return "\n".join(lines)


def no_participation() -> Screen:
    # Translators: the age is not known: the adults' form of address.
    return Screen(
        _(
            "You do not take part in a programme yet. Open the invitation link from your "
            "curator to join."
        )
    )


def profile_screens(item: Participation, participant_id: int, may_change: bool) -> list[Screen]:
    """A participation in as many messages as it takes; the last has «Change answers»."""
    chunks = split_message(participation_text(item))
    rows: tuple[tuple[Button, ...], ...] = ()
    if may_change:
        change = Act(p=participant_id, a=ActKind.OPEN).pack()
        rows = ((Button(_("Change answers"), data=change),),)
    return [Screen(chunk) for chunk in chunks[:-1]] + [Screen(chunks[-1], rows)]


def my_data_screens(
    export: dict[str, Any], items: list[Participation], minor: bool, telegram_id: int
) -> list[Screen]:
    """Everything held, as text, then the same as a JSON file."""
    parts = [you(minor, "<b>Everything I keep about you</b>")]
    account = export["account"]
    parts.append(
        _("Language: {language}; messages to support: {count}").format(
            language=account["language"] or "—", count=len(account["support_requests"])
        )
    )
    for item in items:
        parts += ["", participation_text(item)]
    given = export["consents_given_as_representative"]
    if given:
        parts.append("")
        parts.append(
            _("Consents you gave as a legal representative: {count}").format(count=len(given))
        )
    if not export["participations"] and not given:
        parts.append(you(minor, "You do not take part in a programme."))
    parts += ["", _("The same data as a file is attached below.")]
    screens = [Screen(chunk) for chunk in split_message("\n".join(parts))]
    payload = json.dumps(export, ensure_ascii=False, indent=2).encode("utf-8")
    screens.append(
        Screen(
            you(minor, "Your data in JSON format."),
            attachment=Attachment(f"mydata-{telegram_id}.json", payload),
        )
    )
    return screens


@dataclass(frozen=True)
class Withdrawing:
    """What a withdrawal takes away, with the organizations named."""

    own: tuple[tuple[str, str], ...]  # (organization, role)
    represented: tuple[tuple[str, str | None], ...]  # (organization, child's name if known)
    minor: bool


def nothing_to_revoke(minor: bool) -> Screen:
    return Screen(
        you(minor, "You have not given consent to the processing of personal data in this bot.")
    )


def revoke_screen(what: Withdrawing) -> Screen:
    minor = what.minor
    lines = [you(minor, "You are withdrawing your consent to the processing of personal data:")]
    for organization, role in what.own:
        lines.append(
            _("• taking part in «{organization}» as {role}").format(
                organization=hd.quote(organization), role=role_title(role)
            )
        )
    for organization, child in what.represented:
        if child:
            lines.append(
                _("• the consent you gave for your child (ward) {child}, «{organization}»").format(
                    child=hd.quote(child), organization=hd.quote(organization)
                )
            )
        else:
            lines.append(
                _("• the consent you gave for a child in «{organization}»").format(
                    organization=hd.quote(organization)
                )
            )
    if what.represented:
        lines += ["", representative_effects()]
    lines += [
        "",
        you(
            minor,
            "All answers and data will be deleted for good, and the curator will be told. "
            "For the school's reports only an anonymous record of a pair stays (that it met, "
            "whether it completed the program), without the name or anything else about the "
            "person; the partner keeps their own answers. Are you sure?",
        ),
    ]
    rows = (
        (Button(_("Yes, withdraw and delete"), data=RevokeDecision(confirm=True).pack()),),
        (Button(_("Cancel"), data=RevokeDecision(confirm=False).pack()),),
    )
    return Screen("\n".join(lines), rows)


def representative_effects() -> str:
    """What withdrawing a consent given for a child does (bot.privacy.DataRightsService.withdraw
    and storage.repositories.participants.ParticipantRepository.delete do exactly this)."""
    return _(
        "<b>What happens for the child:</b>\n"
        "• the child's questionnaire and all the child's data are deleted, and so are your "
        "consent, your name and your phone number;\n"
        "• if the child has a mentor, the pair ends today and the planned meetings are "
        "cancelled;\n"
        "• the mentor and the curator are told that the participant has left the programme "
        "(the reason is not told);\n"
        "• what stays: anonymous counts for the school's reports, and the meetings already "
        "held as the pair's history, with the child's side left empty;\n"
        "• the child will no longer take part; to take part again, the child joins anew and "
        "a new consent is needed."
    )


def nothing_changed() -> str:
    return _("Nothing changed")


def withdrawn_screen(minor: bool, for_children: bool = False) -> Screen:
    if for_children:
        return Screen(
            _(
                "Your consent is withdrawn. The child's data, your consent, your name and your "
                "phone number have been deleted; the child's pair, if there was one, has ended "
                "and the planned meetings are cancelled. The mentor and the curator have been "
                "told that the participant left the programme. Only anonymous counts and the "
                "meetings "
                "already held (with the child's side empty) stay in the school's records."
            )
        )
    return Screen(
        you(
            minor,
            "Your consent is withdrawn and your data has been deleted. From now on I do not "
            "process anything about you in the programme. Thank you for taking part!",
        )
    )


def departure_text(departure: Departure, who: str, partner_minor: bool) -> str:
    if who == "partner":
        return you(
            partner_minor,
            "Your pair has ended: the other participant has left the programme. "
            "The curator knows and will help you further.",
        )
    if who == "child":
        # Translators: to a person under 18: «ты» in Russian.
        return _(
            "Your parent or legal representative has withdrawn the consent, so your "
            "data has been deleted and you no longer take part in the programme."
        )
    return _(
        "{name} ({role}) has withdrawn the consent to the processing of personal "
        "data. Their data has been deleted."
    ).format(
        name=hd.quote(departure.full_name or _("A participant")),
        role=_("mentor") if departure.role == "mentor" else _("mentee"),
    )
