"""The views of a parent's consent for a minor and of the minor's link for the parent
(handlers/guardian.py and handlers/guardian_link.py act).

Every text to the minor is read by a person under 18 («ты» in Russian); the texts to the
parent or legal representative use «вы»."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData
from aiogram.utils.i18n import gettext as _

from bot import html_text as hd
from bot.participants import AgeGroup, GuardianCase, GuardianProblem, Relation
from bot.screens import Button, Screen
from dialogs.consent import RELATION_LABELS, REPRESENTATIVE_CONSENT
from handlers.join_views import agreement_row
from handlers.paging import column


class RelationChoice(CallbackData, prefix="grd1r"):
    relation: Relation


class GuardianDecision(CallbackData, prefix="grd1c"):
    request_id: int
    agree: bool


class ResendGuardianLink(CallbackData, prefix="grd1s"):
    participant_id: int


# -- the parent's dialogue ---------------------------------------------------------------
def link_problem(problem: GuardianProblem) -> Screen:
    """A link the representative cannot use (not UNKNOWN: that is not a guardian link)."""
    if problem is GuardianProblem.OWN_LINK:
        return Screen(
            _(
                "This link is for your parent or legal representative, not for you. "
                "Please forward my message with the link to them."
            )
        )
    if problem is GuardianProblem.ALREADY_GIVEN:
        return Screen(_("Consent for this child has already been given. Thank you!"))
    return Screen(
        _(
            "This link has already been opened by another person. If that was not you, "
            "ask the child to send you a new link."
        )
    )


def birth_date(case: GuardianCase) -> str:
    return case.child.birth_date.strftime("%d.%m.%Y") if case.child.birth_date else "—"


def greeting_screen(case: GuardianCase, operator: str) -> Screen:
    return Screen(
        _(
            "Hello! A child (date of birth {birth_date}; in Telegram: {child}) is joining the "
            "mentorship programme of «{organization}» and needs the consent of a parent or "
            "another legal representative.\n\nPlease type your full name (surname, first "
            "name, patronymic)."
        ).format(
            child=hd.quote(case.request.child_name),
            birth_date=birth_date(case),
            organization=hd.quote(operator),
        )
    )


def name_unreadable() -> Screen:
    return Screen(_("Please type your full name in words, for example: Иванова Мария Петровна."))


def child_name_prompt() -> Screen:
    return Screen(
        _(
            "Now please type the full name of the child (surname, first name, patronymic), "
            "as in the birth certificate. The consent will name the child this way."
        )
    )


def child_name_unreadable() -> Screen:
    return Screen(
        _(
            "I could not read this as a full name. Please type the child's surname, first "
            "name and patronymic in words, for example: Иванова Злата Сергеевна."
        )
    )


def relation_screen() -> Screen:
    buttons = [
        Button(
            _(RELATION_LABELS[relation.value]).capitalize(),
            data=RelationChoice(relation=relation).pack(),
        )
        for relation in Relation
    ]
    return Screen(_("Who are you to the child?"), column(buttons, 2))


def type_the_name() -> Screen:
    return Screen(_("Please type the name in a text message. To stop: /cancel"))


def link_gone() -> str:
    return _("This link no longer works.")


def consent_text(
    case: GuardianCase, operator: str, name: str, relation: str, child_name: str, phone: str
) -> str:
    """The consent as shown; the child is named by the full name the representative typed."""
    return _(REPRESENTATIVE_CONSENT).format(
        phone=hd.quote(phone),
        representative=hd.quote(name),
        relation=_(RELATION_LABELS[relation]),
        child=hd.quote(child_name),
        birth_date=birth_date(case),
        operator=hd.quote(operator),
    )


def share_phone_button() -> str:
    """The label of the reply keyboard's button that shares the person's own number."""
    return _("📱 Share my phone number")


def phone_prompt() -> Screen:
    return Screen(
        _(
            "Please share your phone number with the button «{button}» below. Telegram "
            "sends the number of your own account, so the curator can check against the "
            "school's records that you are the child's legal representative. The number is "
            "shown only to the curator; the mentor never sees it."
        ).format(button=share_phone_button())
    )


def phone_not_typed() -> Screen:
    return Screen(
        _(
            "A typed number cannot be checked. Please press the button «{button}» below: "
            "Telegram will send the number of your own account."
        ).format(button=share_phone_button())
    )


def phone_not_yours() -> Screen:
    return Screen(
        _(
            "This is somebody else's contact. Please share your own number with the button "
            "«{button}» below."
        ).format(button=share_phone_button())
    )


def phone_received(phone: str) -> Screen:
    return Screen(
        _("Thank you, your number {phone} is received. Here is the consent:").format(
            phone=hd.quote(phone)
        )
    )


def consent_screen(consent: str, request_id: int) -> Screen:
    row = agreement_row(
        GuardianDecision(request_id=request_id, agree=True).pack(),
        GuardianDecision(request_id=request_id, agree=False).pack(),
    )
    return Screen(consent, (row,))


def declined_screen() -> Screen:
    return Screen(
        _(
            "Understood: you declined. The child's data has been deleted, and the child "
            "will not take part in the programme."
        )
    )


def agreed_screen() -> Screen:
    return Screen(
        _(
            "Thank you! The consent is recorded. You can withdraw it at any time with /revoke; "
            "then the child's data will be deleted."
        )
    )


def child_told_declined() -> Screen:
    return Screen(
        _(
            "Your parent or legal representative did not give consent, so you cannot take "
            "part in the programme this time. Everything you entered has been deleted."
        )
    )


def child_told_agreed(child_fills_in: bool) -> Screen:
    if child_fills_in:
        return Screen(
            _(
                "Your parent or legal representative has agreed. Now let's fill in the "
                "questionnaire: press /start to begin."
            )
        )
    return Screen(
        _(
            "Your parent or legal representative has agreed. Now the curator can choose "
            "a mentor for you as soon as your questionnaire is ready."
        )
    )


# -- the minor's link for the parent --------------------------------------------------------
def link_intro(age_group: str) -> Screen:
    if age_group == AgeGroup.CHILD:
        # Translators: to a child under 14: «ты» in Russian.
        intro = _(
            "You are under 14, so a parent or another legal representative must agree first. "
            "Please forward the next message to your mum, dad or guardian. "
            "As soon as they agree, I will write to you and we will fill in the questionnaire."
        )
    else:
        # Translators: to a teen of 14 to 17: «ты» in Russian.
        intro = _(
            "You can fill in the questionnaire now. Because you are under 18, a parent or "
            "another legal representative must also agree before a mentor is chosen for you. "
            "Please forward the next message to them."
        )
    return Screen(intro)


def link_for_parent(link: str) -> Screen:
    return Screen(
        # Translators: to the parent, an adult: «вы» in Russian.
        _(
            "Hello! Your child is joining the school mentorship programme and needs your "
            "consent to the processing of personal data. Please open this link in Telegram "
            "(it works once): {link}"
        ).format(link=link)
    )


def waiting_screen(age_group: str, participant_id: int) -> Screen:
    if age_group == AgeGroup.CHILD:
        # Translators: to a child under 14: «ты» in Russian.
        text = _(
            "We are waiting for your parent or legal representative to agree: they need to "
            "open the link you forwarded to them and give consent. Then I will write to you, "
            "and we will fill in the questionnaire. If the link got lost, I can send it again."
        )
    else:
        # Translators: to a teen of 14 to 17: «ты» in Russian.
        text = _(
            "Your questionnaire is saved. We are waiting for your parent or legal "
            "representative to agree: they need to open the link you forwarded to them. Then "
            "the curator can choose a mentor for you. If the link got lost, I can send it again."
        )
    resend = ResendGuardianLink(participant_id=participant_id).pack()
    return Screen(text, ((Button(_("Send the link for my parent again"), data=resend),),))


def already_consented() -> str:
    # Translators: to a person under 18: «ты» in Russian.
    return _("Your parent has already given consent.")
