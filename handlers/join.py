"""Joining from an invitation: age, then consent as its own message, then the questionnaire."""

from __future__ import annotations

from datetime import date

from aiogram import Bot, F, Router
from aiogram.filters import StateFilter
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from aiogram.utils.text_decorations import html_decoration as hd

from bot.participants import MIN_AGE, AgeGroup, Status
from bot.services import Services
from dialogs.answers import age_in_years
from dialogs.consent import SELF_CONSENT
from dialogs.dates import DateTextError, parse_date_text
from handlers import questionnaire
from handlers.address import is_minor, you
from handlers.guardian_link import send_guardian_link
from handlers.screens_out import drop_message_keyboard
from handlers.states import JoinDialogue
from storage.repositories.invitations import Invitation
from storage.repositories.participants import Participant


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


def second_role_keyboard(invitation: Invitation) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    text = (
        _("Yes, join as a mentor")
        if invitation.role.value == "mentor"
        else _("Yes, join as a mentee")
    )
    builder.button(
        text=text, callback_data=SecondRoleAnswer(invitation_id=invitation.id, join=True)
    )
    builder.button(
        text=_("No"), callback_data=SecondRoleAnswer(invitation_id=invitation.id, join=False)
    )
    builder.adjust(1)
    return builder.as_markup()


def age_keyboard() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("I am 18 or older"), callback_data=AgeAnswer(adult=True))
    builder.button(text=_("I am under 18"), callback_data=AgeAnswer(adult=False))
    builder.adjust(1)
    return builder.as_markup()


def agreement_keyboard(agree: CallbackData, decline: CallbackData) -> InlineKeyboardMarkup:
    """The two buttons under every consent text."""
    builder = InlineKeyboardBuilder()
    builder.button(text=_("I agree"), callback_data=agree)
    builder.button(text=_("I do not agree"), callback_data=decline)
    builder.adjust(2)
    return builder.as_markup()


def consent_keyboard(participant_id: int) -> InlineKeyboardMarkup:
    return agreement_keyboard(
        ConsentAnswer(participant_id=participant_id, agree=True),
        ConsentAnswer(participant_id=participant_id, agree=False),
    )


async def organization_name(services: Services, organization_id: int) -> str:
    organization = await services.organizations.get(organization_id)
    return organization.name if organization else "—"


def self_consent_text(operator: str) -> str:
    return _(SELF_CONSENT).format(operator=hd.quote(operator))


async def begin(
    message: Message,
    invitation: Invitation,
    state: FSMContext,
    services: Services,
    bot: Bot,
    i18n: I18n,
) -> None:
    """/start with a participant's invitation: resume an earlier start, make sure a person who
    takes part in the other role means to join in this one too, or ask the age."""
    assert message.from_user is not None
    existing = await services.participants.find(
        invitation.organization_id, message.from_user.id, invitation.role.value
    )
    if existing is not None:
        await resume(message, existing, state, services, bot, i18n)
        return
    other = await services.participants.other_role(
        invitation.organization_id, message.from_user.id, invitation.role.value
    )
    if other is not None:
        await ask_second_role(message, invitation, other, state, services)
        return
    await ask_age(message, invitation, state, services)


async def ask_second_role(
    message: Message,
    invitation: Invitation,
    other: Participant,
    state: FSMContext,
    services: Services,
) -> None:
    name = await organization_name(services, invitation.organization_id)
    minor = is_minor(other)
    if other.role == "mentor":
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
    await state.set_state(JoinDialogue.second_role)
    await state.set_data({"invitation_id": invitation.id})
    await message.answer(
        text.format(organization=hd.quote(name)), reply_markup=second_role_keyboard(invitation)
    )


async def on_second_role(
    query: CallbackQuery,
    callback_data: SecondRoleAnswer,
    state: FSMContext,
    services: Services,
    callback_answer: CallbackAnswer,
) -> None:
    if not isinstance(query.message, Message):
        return
    await drop_message_keyboard(query.message)
    data = await state.get_data()
    invitation = await services.invitations.get(callback_data.invitation_id)
    if invitation is None or data.get("invitation_id") != invitation.id:
        callback_answer.text = _("This button is outdated. Please use the latest message or /help.")
        return
    other = await services.participants.other_role(
        invitation.organization_id, query.from_user.id, invitation.role.value
    )
    if not callback_data.join:
        await state.clear()
        await query.message.answer(
            you(is_minor(other), "Fine, nothing has changed. Your answers: /profile")
        )
        return
    await ask_age(query.message, invitation, state, services)


async def ask_age(
    message: Message, invitation: Invitation, state: FSMContext, services: Services
) -> None:
    name = await organization_name(services, invitation.organization_id)
    await state.set_state(JoinDialogue.age)
    await state.set_data({"invitation_id": invitation.id})
    await message.answer(
        # Translators: the age is not known yet, so the adults' form of address.
        _(
            "You are invited to the mentorship programme of «{organization}» as {role}.\n\n"
            "First, how old are you? For participants under 18 a parent or another legal "
            "representative also gives consent."
        ).format(organization=hd.quote(name), role=role_title(invitation.role.value)),
        reply_markup=age_keyboard(),
    )


async def resume(
    message: Message,
    participant: Participant,
    state: FSMContext,
    services: Services,
    bot: Bot,
    i18n: I18n,
) -> None:
    """Pick up wherever this participant stopped."""
    status = await services.participants.status(participant)
    if status is Status.WAITING_CONSENT:
        await show_consent(message, participant, state, services, i18n)
    elif status is Status.WAITING_GUARDIAN and participant.age_group == AgeGroup.CHILD:
        await send_guardian_link(message, participant, services, bot)
    elif status is Status.QUESTIONNAIRE:
        await questionnaire.open_questionnaire(message, participant, state, services)
    else:
        await message.answer(
            you(
                is_minor(participant),
                "You already take part in this programme. Your answers: /profile",
            )
        )


async def on_age(
    query: CallbackQuery,
    callback_data: AgeAnswer,
    state: FSMContext,
    services: Services,
    bot: Bot,
    i18n: I18n,
) -> None:
    if not isinstance(query.message, Message):
        return
    await query.message.edit_reply_markup(reply_markup=None)
    if callback_data.adult:
        await create_participant(
            query.message, query.from_user.id, None, state, services, bot, i18n
        )
        return
    await state.set_state(JoinDialogue.birth_date)
    # Translators: to a person under 18: «ты» in Russian.
    await query.message.answer(_("Please type your date of birth, for example 12.03.2011."))


async def on_birth_date(
    message: Message, state: FSMContext, services: Services, bot: Bot, i18n: I18n
) -> None:
    assert message.from_user is not None
    today = services.clock.now().date()
    try:
        birth = parse_date_text(message.text or "")
    except DateTextError:
        # Translators: to a person under 18: «ты» in Russian.
        await message.answer(_("Please type the date like this: 12.03.2011."))
        return
    age = age_in_years(birth, today)
    if birth > today or age > 120:
        # Translators: to a person under 18: «ты» in Russian.
        await message.answer(_("Please check the date: it does not look like a date of birth."))
        return
    if age < MIN_AGE:
        await state.clear()
        await message.answer(
            _(
                "The mentorship programme is for participants from {age} years old. "
                "Please come back when you are older: we will be glad to see you!"
            ).format(age=MIN_AGE)
        )
        return
    await create_participant(
        message, message.from_user.id, birth if age < 18 else None, state, services, bot, i18n
    )


async def create_participant(
    message: Message,
    telegram_id: int,
    birth_date: date | None,
    state: FSMContext,
    services: Services,
    bot: Bot,
    i18n: I18n,
) -> None:
    data = await state.get_data()
    invitation = await services.invitations.get(int(data.get("invitation_id", 0)))
    usable = invitation is not None and await services.invitations.resolve(invitation.token)
    if invitation is None or not usable or not await services.invitations.use(invitation.id):
        await state.clear()
        await message.answer(
            you(
                birth_date is not None,
                "This invitation no longer works. Please ask your curator for a new link.",
            )
        )
        return
    participant = await services.participants.join(
        organization_id=invitation.organization_id,
        telegram_id=telegram_id,
        role=invitation.role.value,
        birth_date=birth_date,
        invitation_id=invitation.id,
    )
    if participant is None:  # a double tap: the first one already created it
        participant = await services.participants.find(
            invitation.organization_id, telegram_id, invitation.role.value
        )
        if participant is None:
            return
    if participant.age_group == AgeGroup.CHILD:
        await state.clear()
        await send_guardian_link(message, participant, services, bot)
        return
    await show_consent(message, participant, state, services, i18n)


async def show_consent(
    message: Message, participant: Participant, state: FSMContext, services: Services, i18n: I18n
) -> None:
    operator = await organization_name(services, participant.organization_id)
    await state.set_state(JoinDialogue.consent)
    # The locale is kept so that the text agreed to can be rebuilt exactly for its fingerprint.
    await state.set_data({"participant_id": participant.id, "consent_locale": i18n.current_locale})
    await message.answer(
        you(
            is_minor(participant),
            "Before the questionnaire, please read the consent to the processing of personal "
            "data in the next message. Without it I cannot store your answers.",
        )
    )
    await message.answer(self_consent_text(operator), reply_markup=consent_keyboard(participant.id))


async def on_consent(
    query: CallbackQuery,
    callback_data: ConsentAnswer,
    state: FSMContext,
    services: Services,
    bot: Bot,
    i18n: I18n,
    callback_answer: CallbackAnswer,
) -> None:
    participant = await services.participants.owned(
        callback_data.participant_id, query.from_user.id
    )
    if participant is None or not isinstance(query.message, Message):
        callback_answer.text = _("This button is outdated. Please use the latest message or /help.")
        return
    if await services.participants.status(participant) is not Status.WAITING_CONSENT:
        callback_answer.text = _("Already decided.")
        await query.message.edit_reply_markup(reply_markup=None)
        return
    await query.message.edit_reply_markup(reply_markup=None)
    if not callback_data.agree:
        await services.participants.decline(participant)
        await state.clear()
        await query.message.answer(
            you(
                is_minor(participant),
                "You declined, and that is your right. I have not stored your answers or "
                "anything else about you except the fact of the refusal, without your name. "
                "If you change your mind, open the invitation link again.",
            )
        )
        return
    data = await state.get_data()
    locale = str(data.get("consent_locale") or i18n.current_locale)
    operator = await organization_name(services, participant.organization_id)
    with i18n.use_locale(locale):
        shown = self_consent_text(operator)
    await services.participants.give_own_consent(participant, shown, locale)
    callback_answer.text = _("Consent recorded")
    if participant.age_group == AgeGroup.TEEN:
        await send_guardian_link(query.message, participant, services, bot)
    await questionnaire.open_questionnaire(query.message, participant, state, services)


def build_router() -> Router:
    router = Router(name="join")
    router.callback_query.register(
        on_second_role, SecondRoleAnswer.filter(), StateFilter(JoinDialogue.second_role)
    )
    router.callback_query.register(on_age, AgeAnswer.filter(), StateFilter(JoinDialogue.age))
    router.message.register(on_birth_date, StateFilter(JoinDialogue.birth_date), F.text)
    router.message.register(birth_date_not_text, StateFilter(JoinDialogue.birth_date))
    router.callback_query.register(on_consent, ConsentAnswer.filter())
    return router


async def birth_date_not_text(message: Message) -> None:
    # Translators: to a person under 18: «ты» in Russian.
    await message.answer(_("Please type the date like this: 12.03.2011."))
