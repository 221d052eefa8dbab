"""Stage 4: the curator admits or declines mentor candidates and marks the trained ones.

Texts and buttons are in handlers/admission_views.py; a press on a decided card or a mentor
who is gone raises :class:`Outdated`, answered by the one middleware.
"""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from bot.admission import MentorCard
from bot.outdated import Outdated
from bot.pairing import Problem
from bot.services import Services
from handlers.admission_views import (
    PAGE_SIZE,
    AdmissionAction,
    AdmissionCard,
    AdmissionList,
    AdmissionStep,
    already_decided,
    card_screen,
    decision_screen,
    gone,
    list_screen,
    reason_prompt,
)
from handlers.filters import curator_router
from handlers.people import form_names
from handlers.render import answer, edit
from handlers.states import DeclineReason


async def show_list(message: Message, services: Services, curator_org_id: int) -> None:
    mentors = await services.admission.mentor_page(curator_org_id, 0, PAGE_SIZE)
    await answer(message, list_screen(mentors))


async def _names(services: Services, organization_id: int) -> dict[str, str]:
    return form_names(await services.organizations.forms(organization_id))


async def turn_page(
    query: CallbackQuery, callback_data: AdmissionList, services: Services, curator_org_id: int
) -> None:
    mentors = await services.admission.mentor_page(curator_org_id, callback_data.page, PAGE_SIZE)
    await edit(query, list_screen(mentors))


async def open_card(
    query: CallbackQuery, callback_data: AdmissionCard, services: Services, curator_org_id: int
) -> None:
    card = await services.admission.mentor_card(curator_org_id, callback_data.participant_id)
    if card is None:
        raise Outdated(gone())
    await edit(query, card_screen(card, await _names(services, curator_org_id)))


async def decided_card(
    services: Services, curator_org_id: int, pid: int, problem: Problem | None
) -> MentorCard:
    """The card after a decision, shown in place of the pressed one; a decision that was
    taken already or a mentor who is gone is an outdated press."""
    card = await services.admission.mentor_card(curator_org_id, pid)
    if problem is Problem.DECIDED and card is not None:
        raise Outdated(
            already_decided(), current=card_screen(card, await _names(services, curator_org_id))
        )
    if problem is not None or card is None:
        raise Outdated(gone())
    return card


async def admit(
    query: CallbackQuery, callback_data: AdmissionAction, services: Services, curator_org_id: int
) -> None:
    pid = callback_data.participant_id
    problem = await services.admission.admit(curator_org_id, pid, query.from_user.id)
    card = await decided_card(services, curator_org_id, pid, problem)
    await edit(query, card_screen(card, await _names(services, curator_org_id)))
    await tell_mentor(services, card.participant.telegram_id, admitted=True, reason=None)


async def decline(
    query: CallbackQuery,
    callback_data: AdmissionAction,
    state: FSMContext,
    services: Services,
    curator_org_id: int,
) -> None:
    pid = callback_data.participant_id
    problem = await services.admission.decline(curator_org_id, pid, query.from_user.id, None)
    card = await decided_card(services, curator_org_id, pid, problem)
    await edit(query, card_screen(card, await _names(services, curator_org_id)))
    await state.set_state(DeclineReason.text)
    await state.set_data({"participant_id": pid})
    if isinstance(query.message, Message):
        await answer(query.message, reason_prompt(pid))


async def mark_trained(
    query: CallbackQuery, callback_data: AdmissionAction, services: Services, curator_org_id: int
) -> None:
    pid = callback_data.participant_id
    problem = await services.admission.mark_trained(curator_org_id, pid)
    card = await decided_card(services, curator_org_id, pid, problem)
    await edit(query, card_screen(card, await _names(services, curator_org_id)))


async def without_reason(
    query: CallbackQuery,
    callback_data: AdmissionAction,
    state: FSMContext,
    services: Services,
    curator_org_id: int,
) -> None:
    pid = callback_data.participant_id
    # Only right after a decline, once: the dialogue's data names this candidate.
    if (await state.get_data()).get("participant_id") != pid:
        raise Outdated()
    card = await decided_card(services, curator_org_id, pid, None)
    await state.clear()
    if card.admission is None or card.admission.decision != "declined":
        raise Outdated(current=card_screen(card, await _names(services, curator_org_id)))
    await edit(query, card_screen(card, await _names(services, curator_org_id)))
    await tell_mentor(services, card.participant.telegram_id, admitted=False, reason=None)


async def receive_reason(
    message: Message, state: FSMContext, services: Services, curator_org_id: int
) -> None:
    data = await state.get_data()
    pid = int(data.get("participant_id", 0))
    reason = " ".join((message.text or "").split())[:500]
    await state.clear()
    if not reason or not await services.admission.set_decline_reason(curator_org_id, pid, reason):
        await message.answer(gone())
        return
    card = await services.admission.mentor_card(curator_org_id, pid)
    if card is not None:
        await tell_mentor(services, card.participant.telegram_id, admitted=False, reason=reason)
    await message.answer(_("The reason is sent to the candidate."))


async def tell_mentor(
    services: Services, telegram_id: int, *, admitted: bool, reason: str | None
) -> None:
    # In the candidate's language, whoever decided (the outbox renders it for them).
    await services.outbox.send(
        telegram_id,
        lambda: decision_screen(admitted=admitted, reason=reason),
        kind="admission_decision",
    )


def build_router() -> Router:
    router = curator_router("admission")
    router.message.register(show_list, Command("admission"))
    router.callback_query.register(turn_page, AdmissionList.filter())
    router.callback_query.register(open_card, AdmissionCard.filter())
    actions = AdmissionAction.filter
    router.callback_query.register(admit, actions(F.action == AdmissionStep.ADMIT))
    router.callback_query.register(decline, actions(F.action == AdmissionStep.DECLINE))
    router.callback_query.register(mark_trained, actions(F.action == AdmissionStep.TRAINED))
    router.callback_query.register(without_reason, actions(F.action == AdmissionStep.NO_REASON))
    router.message.register(
        receive_reason, StateFilter(DeclineReason.text), F.text, ~F.text.startswith("/")
    )
    return router
