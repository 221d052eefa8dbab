"""Joining from an invitation: age, then consent as its own message, then the questionnaire.
The screens are in :mod:`handlers.join_views`; a press that no longer applies raises
:class:`bot.outdated.Outdated`."""

from __future__ import annotations

from datetime import date

from aiogram import Bot, F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import I18n

from bot.models.invitations import Invitation
from bot.models.participants import Participant
from bot.outdated import Outdated
from bot.participants import MIN_AGE, AgeGroup, Status
from bot.services import Services
from dialogs.ages import age_in_years
from dialogs.dates import DateTextError, parse_date_text
from handlers import questionnaire
from handlers.address import is_minor
from handlers.guardian_link import send_guardian_link
from handlers.join_views import (
    AgeAnswer,
    ConsentAnswer,
    SecondRoleAnswer,
    age_screen,
    already_taking_part_text,
    birth_date_format_text,
    birth_date_prompt,
    birth_date_unlikely_text,
    consent_intro_text,
    consent_recorded_text,
    consent_screen,
    declined_text,
    invitation_gone_text,
    nothing_changed_text,
    second_role_screen,
    self_consent_text,
    too_young_text,
)
from handlers.outdated import outdated_button_text
from handlers.render import answer, drop_message_keyboard
from handlers.states import JoinDialogue


async def organization_name(services: Services, organization_id: int) -> str:
    organization = await services.organizations.get(organization_id)
    return organization.name if organization else "—"


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
    screen = second_role_screen(
        invitation.id, invitation.role.value, other.role, is_minor(other), name
    )
    await state.set_state(JoinDialogue.second_role)
    await state.set_data({"invitation_id": invitation.id})
    await answer(message, screen)


async def on_second_role(
    query: CallbackQuery,
    callback_data: SecondRoleAnswer,
    state: FSMContext,
    services: Services,
    callback_answer: CallbackAnswer,
) -> None:
    data = await state.get_data()
    invitation = await services.invitations.get(callback_data.invitation_id)
    if (
        invitation is None
        or data.get("invitation_id") != invitation.id
        or not isinstance(query.message, Message)
    ):
        raise Outdated(outdated_button_text())
    await drop_message_keyboard(query.message)
    other = await services.participants.other_role(
        invitation.organization_id, query.from_user.id, invitation.role.value
    )
    if not callback_data.join:
        await state.clear()
        await query.message.answer(nothing_changed_text(is_minor(other)))
        return
    await ask_age(query.message, invitation, state, services)


async def ask_age(
    message: Message, invitation: Invitation, state: FSMContext, services: Services
) -> None:
    name = await organization_name(services, invitation.organization_id)
    await state.set_state(JoinDialogue.age)
    await state.set_data({"invitation_id": invitation.id})
    await answer(message, age_screen(name, invitation.role.value))


async def resume(
    message: Message,
    participant: Participant,
    state: FSMContext,
    services: Services,
    bot: Bot,
    i18n: I18n,
    *,
    status: Status | None = None,
) -> None:
    """Pick up wherever this participant stopped (``status``: already known, e.g. from the
    update's who-am-I read, saves reading the consents again)."""
    if status is None:
        status = await services.participants.status(participant)
    if status is Status.WAITING_CONSENT:
        await show_consent(message, participant, state, services, i18n)
    elif status is Status.WAITING_GUARDIAN and participant.age_group == AgeGroup.CHILD:
        await send_guardian_link(message, participant, services, bot)
    elif status is Status.QUESTIONNAIRE:
        await questionnaire.open_questionnaire(message, participant, state, services)
    else:
        await message.answer(already_taking_part_text(is_minor(participant)))


async def on_age(
    query: CallbackQuery,
    callback_data: AgeAnswer,
    state: FSMContext,
    services: Services,
    bot: Bot,
    i18n: I18n,
) -> None:
    if not isinstance(query.message, Message):
        raise Outdated(outdated_button_text())
    await drop_message_keyboard(query.message)
    if callback_data.adult:
        await create_participant(
            query.message, query.from_user.id, None, state, services, bot, i18n
        )
        return
    await state.set_state(JoinDialogue.birth_date)
    await query.message.answer(birth_date_prompt())


async def on_birth_date(
    message: Message, state: FSMContext, services: Services, bot: Bot, i18n: I18n
) -> None:
    assert message.from_user is not None
    today = services.clock.now().date()
    try:
        birth = parse_date_text(message.text or "")
    except DateTextError:
        await message.answer(birth_date_format_text())
        return
    age = age_in_years(birth, today)
    if birth > today or age > 120:
        await message.answer(birth_date_unlikely_text())
        return
    if age < MIN_AGE:
        await state.clear()
        await message.answer(too_young_text(MIN_AGE))
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
        await message.answer(invitation_gone_text(birth_date is not None))
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
    await message.answer(consent_intro_text(is_minor(participant)))
    await answer(message, consent_screen(participant.id, operator))


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
        raise Outdated(outdated_button_text())
    # A second press (a double tap, an old consent message) finds the decision taken.
    if await services.participants.status(participant) is not Status.WAITING_CONSENT:
        raise Outdated()
    await drop_message_keyboard(query.message)
    if not callback_data.agree:
        await services.participants.decline(participant)
        await state.clear()
        await query.message.answer(declined_text(is_minor(participant)))
        return
    data = await state.get_data()
    locale = str(data.get("consent_locale") or i18n.current_locale)
    operator = await organization_name(services, participant.organization_id)
    with i18n.use_locale(locale):
        shown = self_consent_text(operator)
    await services.participants.give_own_consent(participant, shown, locale)
    callback_answer.text = consent_recorded_text()
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
    await message.answer(birth_date_format_text())
