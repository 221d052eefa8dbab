"""Stage 4: the curator admits or declines mentor candidates and marks the trained ones."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command, StateFilter
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from aiogram.utils.text_decorations import html_decoration as hd

from bot.pairing import MentorCard, Problem
from bot.screens import Screen
from bot.services import Services
from handlers.filters import curator_router
from handlers.paging import attach_navigation, page_of
from handlers.people import age_range_line, answer_line, display_name, profile_lines
from handlers.states import DeclineReason
from handlers.texts import split_message

PAGE_SIZE = 8


class AdmissionList(CallbackData, prefix="adm1l"):
    page: int


class AdmissionCard(CallbackData, prefix="adm1c"):
    participant_id: int


class AdmissionAction(CallbackData, prefix="adm1a"):
    participant_id: int
    action: str  # admit, decline, trained, noreason


def card_state(card: MentorCard) -> str:
    if card.admission is None:
        return _("waiting for a decision")
    if card.admission.decision == "declined":
        return _("declined")
    return _("admitted, trained") if card.admission.trained else _("admitted")


async def list_view(
    services: Services, organization_id: int, page: int
) -> tuple[str, InlineKeyboardMarkup]:
    cards = await services.pairing.mentor_cards(organization_id)
    # Undecided first: that is what the curator came for.
    cards.sort(key=lambda c: (c.admission is not None, c.participant.id))
    shown, page, pages = page_of(cards, page, PAGE_SIZE)
    builder = InlineKeyboardBuilder()
    for card in shown:
        name = display_name(card.participant.id, card.answers)
        builder.button(
            text=f"{name} — {card_state(card)}",
            callback_data=AdmissionCard(participant_id=card.participant.id),
        )
    builder.adjust(1)
    attach_navigation(builder, page, pages, lambda n: AdmissionList(page=n))
    waiting = sum(1 for c in cards if c.admission is None)
    if not cards:
        text = _("No mentor has completed the questionnaire yet.")
    else:
        text = _(
            "<b>Mentor admission</b>: {total} with a completed questionnaire, {waiting} waiting "
            "for your decision. Only admitted mentors take part in matching."
        ).format(total=len(cards), waiting=waiting)
    return text, builder.as_markup()


async def show_list(message: Message, services: Services, curator_org_id: int) -> None:
    text, markup = await list_view(services, curator_org_id, 0)
    await message.answer(text, reply_markup=markup)


async def turn_page(
    query: CallbackQuery, callback_data: AdmissionList, services: Services, curator_org_id: int
) -> None:
    text, markup = await list_view(services, curator_org_id, callback_data.page)
    if isinstance(query.message, Message):
        await query.message.edit_text(text, reply_markup=markup)


def card_keyboard(card: MentorCard) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    pid = card.participant.id
    if card.admission is None:
        builder.button(
            text=_("Admit"), callback_data=AdmissionAction(participant_id=pid, action="admit")
        )
        builder.button(
            text=_("Decline"), callback_data=AdmissionAction(participant_id=pid, action="decline")
        )
    elif card.admission.decision == "admitted" and not card.admission.trained:
        builder.button(
            text=_("Mark as trained"),
            callback_data=AdmissionAction(participant_id=pid, action="trained"),
        )
    builder.button(text=_("← To the list"), callback_data=AdmissionList(page=0))
    builder.adjust(2, 1)
    return builder.as_markup()


def card_text(card: MentorCard) -> str:
    lines = [
        f"<b>{hd.quote(display_name(card.participant.id, card.answers))}</b>",
        _("Status: {status}").format(status=card_state(card)),
    ]
    if card.admission is not None and card.admission.reason:
        lines.append(_("Reason: {reason}").format(reason=hd.quote(card.admission.reason)))
    lines += profile_lines("mentor", card.answers)
    for key in ("achievements", "motivation", "mentee_age_from", "capacity", "time_resource"):
        if key == "mentee_age_from":
            line = age_range_line(card.answers)  # both age answers, as one range
        else:
            line = answer_line("mentor", key, card.answers)
        if line:
            lines.append(line)
    return "\n".join(lines)


async def show_card(message: Message, card: MentorCard, *, edit: bool) -> None:
    text = split_message(card_text(card))[0]
    if edit:
        await message.edit_text(text, reply_markup=card_keyboard(card))
    else:
        await message.answer(text, reply_markup=card_keyboard(card))


async def open_card(
    query: CallbackQuery,
    callback_data: AdmissionCard,
    services: Services,
    curator_org_id: int,
    callback_answer: CallbackAnswer,
) -> None:
    card = await services.pairing.mentor_card(curator_org_id, callback_data.participant_id)
    if card is None or not isinstance(query.message, Message):
        callback_answer.text = _("This mentor is no longer among the candidates.")
        return
    await show_card(query.message, card, edit=True)


async def act(
    query: CallbackQuery,
    callback_data: AdmissionAction,
    state: FSMContext,
    services: Services,
    curator_org_id: int,
    bot: Bot,
    i18n: I18n,
    callback_answer: CallbackAnswer,
) -> None:
    pairing = services.pairing
    pid = callback_data.participant_id
    if callback_data.action == "admit":
        problem = await pairing.admit(curator_org_id, pid, query.from_user.id)
    elif callback_data.action == "decline":
        problem = await pairing.decline(curator_org_id, pid, query.from_user.id, None)
    elif callback_data.action == "trained":
        problem = await pairing.mark_trained(curator_org_id, pid)
    else:
        problem = None
    card = await pairing.mentor_card(curator_org_id, pid)
    if problem is Problem.DECIDED:
        callback_answer.text = _("Already decided: here is the current state.")
    elif problem is not None or card is None:
        callback_answer.text = _("This mentor is no longer among the candidates.")
        return
    if isinstance(query.message, Message) and card is not None:
        await show_card(query.message, card, edit=True)
    if problem is not None or card is None:
        return
    if callback_data.action == "admit":
        await tell_mentor(
            bot, i18n, services, card.participant.telegram_id, admitted=True, reason=None
        )
    elif callback_data.action == "decline":
        await state.set_state(DeclineReason.text)
        await state.set_data({"participant_id": pid})
        builder = InlineKeyboardBuilder()
        builder.button(
            text=_("Without a reason"),
            callback_data=AdmissionAction(participant_id=pid, action="noreason"),
        )
        if isinstance(query.message, Message):
            await query.message.answer(
                _(
                    "If you like, type the reason for the candidate in one message; "
                    "it will be sent to them."
                ),
                reply_markup=builder.as_markup(),
            )
    elif callback_data.action == "noreason":
        await state.clear()
        await tell_mentor(
            bot, i18n, services, card.participant.telegram_id, admitted=False, reason=None
        )


async def receive_reason(
    message: Message,
    state: FSMContext,
    services: Services,
    curator_org_id: int,
    bot: Bot,
    i18n: I18n,
) -> None:
    data = await state.get_data()
    pid = int(data.get("participant_id", 0))
    reason = " ".join((message.text or "").split())[:500]
    await state.clear()
    if not reason or not await services.pairing.set_decline_reason(curator_org_id, pid, reason):
        await message.answer(_("This mentor is no longer among the candidates."))
        return
    card = await services.pairing.mentor_card(curator_org_id, pid)
    if card is not None:
        await tell_mentor(
            bot, i18n, services, card.participant.telegram_id, admitted=False, reason=reason
        )
    await message.answer(_("The reason is sent to the candidate."))


async def tell_mentor(
    bot: Bot,
    i18n: I18n,
    services: Services,
    telegram_id: int,
    *,
    admitted: bool,
    reason: str | None,
) -> None:
    def render() -> Screen:
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
                    "The curator has decided not to admit you as a mentor this time. "
                    "Reason: {reason}"
                ).format(reason=hd.quote(reason))
            )
        return Screen(
            _(
                "The curator has decided not to admit you as a mentor this time. "
                "Thank you for your wish to help!"
            )
        )

    # In the candidate's language, whoever decided (bot and i18n are the outbox's now).
    await services.outbox.send(telegram_id, render, kind="admission_decision")


def build_router() -> Router:
    router = curator_router("admission")
    router.message.register(show_list, Command("admission"))
    router.callback_query.register(turn_page, AdmissionList.filter())
    router.callback_query.register(open_card, AdmissionCard.filter())
    router.callback_query.register(act, AdmissionAction.filter())
    router.message.register(
        receive_reason, StateFilter(DeclineReason.text), F.text, ~F.text.startswith("/")
    )
    return router
