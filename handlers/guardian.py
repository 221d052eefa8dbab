"""A parent or other legal representative consents for a minor through a single-use link.

Texts and buttons are in handlers/guardian_views.py."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import (
    CallbackQuery,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)
from aiogram.utils.i18n import I18n

from bot.outdated import Outdated
from bot.participants import (
    AgeGroup,
    GuardianCase,
    GuardianProblem,
    Relation,
    clean_full_name,
    clean_phone,
)
from bot.services import Services
from handlers.guardian_views import (
    GuardianDecision,
    RelationChoice,
    agreed_screen,
    child_name_prompt,
    child_name_unreadable,
    child_told_agreed,
    child_told_declined,
    consent_screen,
    consent_text,
    declined_screen,
    greeting_screen,
    link_gone,
    link_problem,
    name_unreadable,
    phone_not_typed,
    phone_not_yours,
    phone_prompt,
    phone_received,
    relation_screen,
    share_phone_button,
    type_the_name,
)
from handlers.join import organization_name
from handlers.outdated import outdated_button_text
from handlers.render import answer, drop_message_keyboard, send
from handlers.representative import ask_curators_to_check
from handlers.states import GuardianDialogue


async def open_link(message: Message, token: str, state: FSMContext, services: Services) -> bool:
    """/start with a guardian token; False when the token is not a guardian link at all."""
    assert message.from_user is not None
    outcome = await services.participants.open_guardian_link(token, message.from_user.id)
    if outcome is GuardianProblem.UNKNOWN:
        return False
    if not isinstance(outcome, GuardianCase):
        await answer(message, link_problem(outcome))
        return True
    operator = await organization_name(services, outcome.child.organization_id)
    await state.set_state(GuardianDialogue.name)
    await state.set_data({"request_id": outcome.request.id, "token": token})
    await answer(message, greeting_screen(outcome, operator))
    return True


async def _case(state: FSMContext, services: Services, telegram_id: int) -> GuardianCase | None:
    token = str((await state.get_data()).get("token", ""))
    outcome = await services.participants.open_guardian_link(token, telegram_id)
    return outcome if isinstance(outcome, GuardianCase) else None


async def on_name(message: Message, state: FSMContext) -> None:
    name = clean_full_name(message.text or "")
    if name is None:
        await answer(message, name_unreadable())
        return
    await state.update_data(name=name)
    await state.set_state(GuardianDialogue.child_name)
    await answer(message, child_name_prompt())


async def on_child_name(message: Message, state: FSMContext) -> None:
    name = clean_full_name(message.text or "")
    if name is None:
        await answer(message, child_name_unreadable())
        return
    await state.update_data(child_name=name)
    await state.set_state(GuardianDialogue.relation)
    await answer(message, relation_screen())


async def typed_name_expected(message: Message) -> None:
    await answer(message, type_the_name())


async def on_relation(
    query: CallbackQuery,
    callback_data: RelationChoice,
    state: FSMContext,
    services: Services,
    i18n: I18n,
) -> None:
    case = await _case(state, services, query.from_user.id)
    if case is None or not isinstance(query.message, Message):
        await state.clear()
        raise Outdated(link_gone())
    await state.update_data(
        relation=callback_data.relation.value, consent_locale=i18n.current_locale
    )
    await state.set_state(GuardianDialogue.phone)
    await drop_message_keyboard(query.message)
    await _ask_phone(query.message, phone_prompt().text)


async def _ask_phone(message: Message, text: str) -> None:
    """The text with Telegram's own button that shares the sender's number (a reply keyboard:
    an inline button cannot ask for a contact)."""
    share = KeyboardButton(text=share_phone_button(), request_contact=True)
    markup = ReplyKeyboardMarkup(keyboard=[[share]], resize_keyboard=True, one_time_keyboard=True)
    await message.answer(text, reply_markup=markup)


async def on_contact(message: Message, state: FSMContext, services: Services) -> None:
    """Only the sender's own contact is accepted: Telegram vouches that the number is theirs."""
    assert message.from_user is not None and message.contact is not None
    if message.contact.user_id != message.from_user.id:
        await _ask_phone(message, phone_not_yours().text)
        return
    case = await _case(state, services, message.from_user.id)
    if case is None:
        await state.clear()
        await message.answer(link_gone(), reply_markup=ReplyKeyboardRemove())
        return
    phone = clean_phone(message.contact.phone_number)
    await state.update_data(phone=phone)
    await state.set_state(GuardianDialogue.consent)
    data = await state.get_data()
    await message.answer(phone_received(phone).text, reply_markup=ReplyKeyboardRemove())
    operator = await organization_name(services, case.child.organization_id)
    consent = consent_text(
        case,
        operator,
        str(data.get("name", "")),
        str(data.get("relation", "other")),
        str(data.get("child_name", "")),
        phone,
    )
    await answer(message, consent_screen(consent, case.request.id))


async def phone_expected(message: Message) -> None:
    """A typed number (or anything else) while the contact button is on screen."""
    await _ask_phone(message, phone_not_typed().text)


async def decided_case(
    query: CallbackQuery, callback_data: GuardianDecision, state: FSMContext, services: Services
) -> GuardianCase:
    """The case the pressed consent is about; any other press is outdated."""
    case = await _case(state, services, query.from_user.id)
    if case is None or case.request.id != callback_data.request_id:
        await state.clear()
        raise Outdated(outdated_button_text())
    if isinstance(query.message, Message):
        await drop_message_keyboard(query.message)
    return case


async def on_decline(
    query: CallbackQuery,
    callback_data: GuardianDecision,
    state: FSMContext,
    services: Services,
    bot: Bot,
) -> None:
    case = await decided_case(query, callback_data, state, services)
    await state.clear()
    await services.participants.guardian_declines(case)
    await send(bot, query.from_user.id, declined_screen())
    await services.outbox.send(
        case.child.telegram_id, child_told_declined, kind="guardian_declined"
    )


async def on_agree(
    query: CallbackQuery,
    callback_data: GuardianDecision,
    state: FSMContext,
    services: Services,
    bot: Bot,
    i18n: I18n,
) -> None:
    case = await decided_case(query, callback_data, state, services)
    data = await state.get_data()
    phone = str(data.get("phone", ""))
    if not phone:
        # A consent screen shown before the phone was asked (an update of the bot): the
        # phone first, then the consent that names it.
        await state.set_state(GuardianDialogue.phone)
        if isinstance(query.message, Message):
            await _ask_phone(query.message, phone_prompt().text)
        return
    await state.clear()
    locale = str(data.get("consent_locale") or i18n.current_locale)
    name, relation = str(data.get("name", "")), str(data.get("relation", "other"))
    child_name = str(data.get("child_name", ""))
    operator = await organization_name(services, case.child.organization_id)
    with i18n.use_locale(locale):
        shown = consent_text(case, operator, name, relation, child_name, phone)
    recorded = await services.participants.give_guardian_consent(
        case, query.from_user.id, name, Relation(relation), shown, locale, child_name, phone
    )
    await send(bot, query.from_user.id, agreed_screen())
    child_fills_in = case.child.age_group == AgeGroup.CHILD
    await services.outbox.send(
        case.child.telegram_id, lambda: child_told_agreed(child_fills_in), kind="guardian_agreed"
    )
    if recorded:
        await ask_curators_to_check(services, case.child.organization_id, case.child.id)


def build_router() -> Router:
    router = Router(name="guardian")
    router.message.register(on_name, StateFilter(GuardianDialogue.name), F.text)
    router.message.register(on_child_name, StateFilter(GuardianDialogue.child_name), F.text)
    router.message.register(
        typed_name_expected, StateFilter(GuardianDialogue.name, GuardianDialogue.child_name)
    )
    router.callback_query.register(
        on_relation, RelationChoice.filter(), StateFilter(GuardianDialogue.relation)
    )
    router.message.register(on_contact, StateFilter(GuardianDialogue.phone), F.contact)
    router.message.register(phone_expected, StateFilter(GuardianDialogue.phone))
    # One handler per answer.
    router.callback_query.register(on_agree, GuardianDecision.filter(F.agree.is_(True)))
    router.callback_query.register(on_decline, GuardianDecision.filter(F.agree.is_(False)))
    return router
