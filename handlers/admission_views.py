"""The views of mentor admission: button data, the list, the card and the candidate's news
(handlers/admission.py acts)."""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData
from aiogram.utils.i18n import gettext as _

from bot.admission import MentorCard, MentorPage
from bot.html_text import quote
from bot.screens import Button, Screen
from handlers.paging import navigation_row
from handlers.people import (
    age_range_line,
    answer_line,
    display_name,
    mentor_forms_lines,
    profile_lines,
)
from handlers.texts import split_message

PAGE_SIZE = 8


class AdmissionStep(StrEnum):
    ADMIT = "admit"
    DECLINE = "decline"
    TRAINED = "trained"
    NO_REASON = "noreason"


class AdmissionList(CallbackData, prefix="adm1l"):
    page: int


class AdmissionCard(CallbackData, prefix="adm1c"):
    participant_id: int


class AdmissionAction(CallbackData, prefix="adm1a"):
    participant_id: int
    action: AdmissionStep


def card_state(card: MentorCard) -> str:
    if card.admission is None:
        return _("waiting for a decision")
    if card.admission.decision == "declined":
        return _("declined")
    return _("admitted, trained") if card.admission.trained else _("admitted")


def list_screen(mentors: MentorPage) -> Screen:
    """One page of the list (undecided first: that is what the curator came for)."""
    rows: tuple[tuple[Button, ...], ...] = tuple(
        (
            Button(
                f"{display_name(card.participant.id, card.answers)} — {card_state(card)}",
                data=AdmissionCard(participant_id=card.participant.id).pack(),
            ),
        )
        for card in mentors.cards
    )
    rows += navigation_row(mentors.page, mentors.pages, lambda n: AdmissionList(page=n))
    if not mentors.total:
        text = _("No mentor has completed the questionnaire yet.")
    else:
        text = _(
            "<b>Mentor admission</b>: {total} with a completed questionnaire, {waiting} waiting "
            "for your decision. Only admitted mentors take part in matching."
        ).format(total=mentors.total, waiting=mentors.waiting)
    return Screen(text, rows)


def _action(pid: int, step: AdmissionStep) -> str:
    return AdmissionAction(participant_id=pid, action=step).pack()


def card_rows(card: MentorCard) -> tuple[tuple[Button, ...], ...]:
    pid = card.participant.id
    rows: tuple[tuple[Button, ...], ...] = ()
    if card.admission is None:
        rows = (
            (
                Button(_("Admit"), data=_action(pid, AdmissionStep.ADMIT)),
                Button(_("Decline"), data=_action(pid, AdmissionStep.DECLINE)),
            ),
        )
    elif card.admission.decision == "admitted" and not card.admission.trained:
        rows = ((Button(_("Mark as trained"), data=_action(pid, AdmissionStep.TRAINED)),),)
    return (*rows, (Button(_("← To the list"), data=AdmissionList(page=0).pack()),))


def card_text(card: MentorCard, form_names: dict[str, str] | None = None) -> str:
    lines = [
        f"<b>{quote(display_name(card.participant.id, card.answers))}</b>",
        _("Status: {status}").format(status=card_state(card)),
    ]
    if card.admission is not None and card.admission.reason:
        lines.append(_("Reason: {reason}").format(reason=quote(card.admission.reason)))
    lines += profile_lines("mentor", card.answers)
    lines += mentor_forms_lines(card.answers, form_names or {})
    for key in (
        "birth_year",
        "achievements",
        "motivation",
        "mentee_age_from",
        "capacity",
        "time_resource",
    ):
        if key == "mentee_age_from":
            line = age_range_line(card.answers)  # both age answers, as one range
        else:
            line = answer_line("mentor", key, card.answers)
        if line:
            lines.append(line)
    return "\n".join(lines)


def card_screen(card: MentorCard, form_names: dict[str, str] | None = None) -> Screen:
    return Screen(split_message(card_text(card, form_names))[0], card_rows(card))


def reason_prompt(pid: int) -> Screen:
    return Screen(
        _(
            "If you like, type the reason for the candidate in one message; "
            "it will be sent to them."
        ),
        ((Button(_("Without a reason"), data=_action(pid, AdmissionStep.NO_REASON)),),),
    )


def gone() -> str:
    return _("This mentor is no longer among the candidates.")


def already_decided() -> str:
    return _("Already decided: here is the current state.")


def decision_screen(*, admitted: bool, reason: str | None) -> Screen:
    """What the candidate reads about the curator's decision."""
    if admitted:
        return Screen(
            _(
                "Good news: the curator has admitted you as a mentor. "
                "When a mentee is chosen for you, I will introduce you."
            )
        )
    if reason:
        return Screen(
            _(
                "The curator has decided not to admit you as a mentor this time. Reason: {reason}"
            ).format(reason=quote(reason))
        )
    return Screen(
        _(
            "The curator has decided not to admit you as a mentor this time. "
            "Thank you for your wish to help!"
        )
    )
