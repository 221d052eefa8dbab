"""What joining from an invitation shows: its buttons' data and its screens (the second
role, the age, the consent). The router is :mod:`handlers.join`."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData
from aiogram.utils.i18n import gettext as _

from bot.html_text import quote
from bot.screens import Button, Screen
from dialogs.consent import SELF_CONSENT
from handlers.address import you


class AgeAnswer(CallbackData, prefix="join1a"):
    adult: bool


class ConsentAnswer(CallbackData, prefix="join1c"):
    participant_id: int
    agree: bool


class SecondRoleAnswer(CallbackData, prefix="join1r"):
    """Someone who takes part in one role opened a link of the other: join in it too?"""

    invitation_id: int
    join: bool


def role_title(role: str) -> str:
    return _("a mentor") if role == "mentor" else _("a mentee")


def agreement_row(agree: str, decline: str) -> tuple[Button, ...]:
    """The two buttons under every consent text (packed callback data of each)."""
    return (Button(_("I agree"), agree), Button(_("I do not agree"), decline))


def second_role_screen(
    invitation_id: int, invited_as: str, other_role: str, minor: bool, organization: str
) -> Screen:
    if other_role == "mentor":
        text = you(
            minor,
            "You already take part in the mentorship programme of «{organization}» as a "
            "mentor. This link is for mentees. Do you really want to join as a mentee too?",
        )
    else:
        text = you(
            minor,
            "You already take part in the mentorship programme of «{organization}» as a "
            "mentee. This link is for mentors. Do you really want to join as a mentor too?",
        )
    yes = _("Yes, join as a mentor") if invited_as == "mentor" else _("Yes, join as a mentee")
    rows = (
        (Button(yes, SecondRoleAnswer(invitation_id=invitation_id, join=True).pack()),),
        (Button(_("No"), SecondRoleAnswer(invitation_id=invitation_id, join=False).pack()),),
    )
    return Screen(text.format(organization=quote(organization)), rows)


def age_screen(organization: str, role: str) -> Screen:
    # Translators: the age is not known yet, so the adults' form of address.
    text = _(
        "You are invited to the mentorship programme of «{organization}» as {role}.\n\n"
        "First, how old are you? For participants under 18 a parent or another legal "
        "representative also gives consent."
    ).format(organization=quote(organization), role=role_title(role))
    rows = (
        (Button(_("I am 18 or older"), AgeAnswer(adult=True).pack()),),
        (Button(_("I am under 18"), AgeAnswer(adult=False).pack()),),
    )
    return Screen(text, rows)


def self_consent_text(operator: str) -> str:
    return _(SELF_CONSENT).format(operator=quote(operator))


def consent_intro_text(minor: bool) -> str:
    return you(
        minor,
        "Before the questionnaire, please read the consent to the processing of personal "
        "data in the next message. Without it I cannot store your answers.",
    )


def consent_screen(participant_id: int, operator: str) -> Screen:
    row = agreement_row(
        ConsentAnswer(participant_id=participant_id, agree=True).pack(),
        ConsentAnswer(participant_id=participant_id, agree=False).pack(),
    )
    return Screen(self_consent_text(operator), (row,))


def declined_text(minor: bool) -> str:
    return you(
        minor,
        "You declined, and that is your right. I have not stored your answers or "
        "anything else about you except the fact of the refusal, without your name. "
        "If you change your mind, open the invitation link again.",
    )


def already_taking_part_text(minor: bool) -> str:
    return you(minor, "You already take part in this programme. Your answers: /profile")


def nothing_changed_text(minor: bool) -> str:
    return you(minor, "Fine, nothing has changed. Your answers: /profile")


def invitation_gone_text(minor: bool) -> str:
    return you(minor, "This invitation no longer works. Please ask your curator for a new link.")


def birth_date_prompt() -> str:
    # Translators: to a person under 18: «ты» in Russian.
    return _("Please type your date of birth, for example 12.03.2011.")


def birth_date_format_text() -> str:
    # Translators: to a person under 18: «ты» in Russian.
    return _("Please type the date like this: 12.03.2011.")


def birth_date_unlikely_text() -> str:
    # Translators: to a person under 18: «ты» in Russian.
    return _("Please check the date: it does not look like a date of birth.")


def too_young_text(min_age: int) -> str:
    return _(
        "The mentorship programme is for participants from {age} years old. "
        "Please come back when you are older: we will be glad to see you!"
    ).format(age=min_age)


def consent_recorded_text() -> str:
    return _("Consent recorded")
