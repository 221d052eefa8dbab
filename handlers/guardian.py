"""A parent or other legal representative consents for a minor through a single-use link."""

from __future__ import annotations

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

from bot.outdated import Outdated
from bot.participants import AgeGroup, GuardianCase, GuardianProblem, Relation, clean_full_name
from bot.screens import Screen
from bot.services import Services
from dialogs.consent import RELATION_LABELS, REPRESENTATIVE_CONSENT
from handlers.join import organization_name
from handlers.join_views import agreement_row
from handlers.outdated import outdated_button_text
from handlers.render import markup_of
from handlers.states import GuardianDialogue


class RelationChoice(CallbackData, prefix="grd1r"):
    relation: Relation


class GuardianDecision(CallbackData, prefix="grd1c"):
    request_id: int
    agree: bool


def relation_keyboard() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for relation in Relation:
        builder.button(
            text=_(RELATION_LABELS[relation.value]).capitalize(),
            callback_data=RelationChoice(relation=relation),
        )
    builder.adjust(2)
    return builder.as_markup()


def decision_keyboard(request_id: int) -> InlineKeyboardMarkup | None:
    row = agreement_row(
        GuardianDecision(request_id=request_id, agree=True).pack(),
        GuardianDecision(request_id=request_id, agree=False).pack(),
    )
    return markup_of(Screen("", (row,)))


def consent_text(
    case: GuardianCase, operator: str, name: str, relation: str, child_name: str
) -> str:
    """The consent as shown; the child is named by the full name the representative typed."""
    birth = case.child.birth_date.strftime("%d.%m.%Y") if case.child.birth_date else "—"
    return _(REPRESENTATIVE_CONSENT).format(
        representative=hd.quote(name),
        relation=_(RELATION_LABELS[relation]),
        child=hd.quote(child_name),
        birth_date=birth,
        operator=hd.quote(operator),
    )


async def open_link(message: Message, token: str, state: FSMContext, services: Services) -> bool:
    """/start with a guardian token; False when the token is not a guardian link at all."""
    assert message.from_user is not None
    outcome = await services.participants.open_guardian_link(token, message.from_user.id)
    if outcome is GuardianProblem.UNKNOWN:
        return False
    if outcome is GuardianProblem.OWN_LINK:
        await message.answer(
            _(
                "This link is for your parent or legal representative, not for you. "
                "Please forward my message with the link to them."
            )
        )
        return True
    if outcome is GuardianProblem.ALREADY_GIVEN:
        await message.answer(_("Consent for this child has already been given. Thank you!"))
        return True
    if outcome is GuardianProblem.TAKEN:
        await message.answer(
            _(
                "This link has already been opened by another person. If that was not you, "
                "ask the child to send you a new link."
            )
        )
        return True
    assert isinstance(outcome, GuardianCase)
    operator = await organization_name(services, outcome.child.organization_id)
    await state.set_state(GuardianDialogue.name)
    await state.set_data({"request_id": outcome.request.id, "token": token})
    birth = outcome.child.birth_date.strftime("%d.%m.%Y") if outcome.child.birth_date else "—"
    await message.answer(
        _(
            "Hello! A child (date of birth {birth_date}; in Telegram: {child}) is joining the "
            "mentorship programme of «{organization}» and needs the consent of a parent or "
            "another legal representative.\n\nPlease type your full name (surname, first "
            "name, patronymic)."
        ).format(
            child=hd.quote(outcome.request.child_name),
            birth_date=birth,
            organization=hd.quote(operator),
        )
    )
    return True


async def _case(state: FSMContext, services: Services, telegram_id: int) -> GuardianCase | None:
    token = str((await state.get_data()).get("token", ""))
    outcome = await services.participants.open_guardian_link(token, telegram_id)
    return outcome if isinstance(outcome, GuardianCase) else None


async def on_name(message: Message, state: FSMContext) -> None:
    name = clean_full_name(message.text or "")
    if name is None:
        await message.answer(
            _("Please type your full name in words, for example: Иванова Мария Петровна.")
        )
        return
    await state.update_data(name=name)
    await state.set_state(GuardianDialogue.child_name)
    await message.answer(
        _(
            "Now please type the full name of the child (surname, first name, patronymic), "
            "as in the birth certificate. The consent will name the child this way."
        )
    )


async def on_child_name(message: Message, state: FSMContext) -> None:
    name = clean_full_name(message.text or "")
    if name is None:
        await message.answer(
            _(
                "I could not read this as a full name. Please type the child's surname, first "
                "name and patronymic in words, for example: Иванова Злата Сергеевна."
            )
        )
        return
    await state.update_data(child_name=name)
    await state.set_state(GuardianDialogue.relation)
    await message.answer(_("Who are you to the child?"), reply_markup=relation_keyboard())


async def typed_name_expected(message: Message) -> None:
    await message.answer(_("Please type the name in a text message. To stop: /cancel"))


async def on_relation(
    query: CallbackQuery,
    callback_data: RelationChoice,
    state: FSMContext,
    services: Services,
    i18n: I18n,
    callback_answer: CallbackAnswer,
) -> None:
    case = await _case(state, services, query.from_user.id)
    if case is None or not isinstance(query.message, Message):
        await state.clear()
        raise Outdated(_("This link no longer works."))
    data = await state.get_data()
    await state.update_data(
        relation=callback_data.relation.value, consent_locale=i18n.current_locale
    )
    await state.set_state(GuardianDialogue.consent)
    operator = await organization_name(services, case.child.organization_id)
    await query.message.edit_reply_markup(reply_markup=None)
    await query.message.answer(
        consent_text(
            case,
            operator,
            str(data.get("name", "")),
            callback_data.relation.value,
            str(data.get("child_name", "")),
        ),
        reply_markup=decision_keyboard(case.request.id),
    )


async def on_decision(
    query: CallbackQuery,
    callback_data: GuardianDecision,
    state: FSMContext,
    services: Services,
    bot: Bot,
    i18n: I18n,
    callback_answer: CallbackAnswer,
) -> None:
    case = await _case(state, services, query.from_user.id)
    if case is None or case.request.id != callback_data.request_id:
        await state.clear()
        raise Outdated(outdated_button_text())
    if isinstance(query.message, Message):
        await query.message.edit_reply_markup(reply_markup=None)
    data = await state.get_data()
    await state.clear()
    if not callback_data.agree:
        await services.participants.guardian_declines(case)
        await bot.send_message(
            query.from_user.id,
            _(
                "Understood: you declined. The child's data has been deleted, and the child "
                "will not take part in the programme."
            ),
        )
        await services.outbox.send(
            case.child.telegram_id,
            lambda: Screen(
                _(
                    "Your parent or legal representative did not give consent, so you cannot take "
                    "part in the programme this time. Everything you entered has been deleted."
                )
            ),
            kind="guardian_declined",
        )
        return
    locale = str(data.get("consent_locale") or i18n.current_locale)
    name, relation = str(data.get("name", "")), str(data.get("relation", "other"))
    child_name = str(data.get("child_name", ""))
    operator = await organization_name(services, case.child.organization_id)
    with i18n.use_locale(locale):
        shown = consent_text(case, operator, name, relation, child_name)
    await services.participants.give_guardian_consent(
        case, query.from_user.id, name, Relation(relation), shown, locale, child_name
    )
    await bot.send_message(
        query.from_user.id,
        _(
            "Thank you! The consent is recorded. You can withdraw it at any time with /revoke; "
            "then the child's data will be deleted."
        ),
    )
    child_fills_in = case.child.age_group == AgeGroup.CHILD

    def to_child() -> Screen:
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

    await services.outbox.send(case.child.telegram_id, to_child, kind="guardian_agreed")


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
    router.callback_query.register(on_decision, GuardianDecision.filter())
    return router
