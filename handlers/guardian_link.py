"""The parent's link of a minor: sent when a child or teen joins, sent again on request, and
what a minor who writes while waiting for the parent's consent is told."""

from __future__ import annotations

from typing import Any

from aiogram import Bot, F, Router
from aiogram.filters import Filter, StateFilter
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message, User
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.invitations import invitation_link
from bot.models.participants import Participant
from bot.participants import AgeGroup, Status
from bot.services import Services

# Every text here is read by a person under 18 («ты» in Russian), except the one for the parent.


class ResendGuardianLink(CallbackData, prefix="grd1s"):
    participant_id: int


def resend_keyboard(participant_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(
        text=_("Send the link for my parent again"),
        callback_data=ResendGuardianLink(participant_id=participant_id),
    )
    return builder.as_markup()


async def send_guardian_link(
    message: Message, participant: Participant, services: Services, bot: Bot
) -> None:
    child_name = message.chat.full_name if message.chat else ""
    request = await services.participants.guardian_request(participant, child_name or "—")
    me = await bot.me()
    link = invitation_link(me.username or "", request.token)
    if participant.age_group == AgeGroup.CHILD:
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
    await message.answer(intro)
    await message.answer(
        # Translators: to the parent, an adult: «вы» in Russian.
        _(
            "Hello! Your child is joining the school mentorship programme and needs your "
            "consent to the processing of personal data. Please open this link in Telegram "
            "(it works once): {link}"
        ).format(link=link)
    )


class WaitingForGuardian(Filter):
    """Text from a minor whose participation waits for a parent's consent (no dialogue going
    on); injects ``waiting`` (the participation)."""

    async def __call__(
        self, message: Message, services: Services, event_from_user: User | None = None
    ) -> bool | dict[str, Any]:
        if event_from_user is None:
            return False
        waiting = await services.participants.waiting_for_guardian(event_from_user.id)
        return {"waiting": waiting} if waiting is not None else False


async def on_waiting_text(message: Message, waiting: Participant) -> None:
    if waiting.age_group == AgeGroup.CHILD:
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
    await message.answer(text, reply_markup=resend_keyboard(waiting.id))


async def on_resend(
    query: CallbackQuery,
    callback_data: ResendGuardianLink,
    services: Services,
    bot: Bot,
    callback_answer: CallbackAnswer,
) -> None:
    participant = await services.participants.owned(
        callback_data.participant_id, query.from_user.id
    )
    if participant is None or not isinstance(query.message, Message):
        callback_answer.text = _("This button is outdated. Please use the latest message or /help.")
        return
    if await services.participants.status(participant) is not Status.WAITING_GUARDIAN:
        # Translators: to a person under 18: «ты» in Russian.
        callback_answer.text = _("Your parent has already given consent.")
        return
    await send_guardian_link(query.message, participant, services, bot)


def build_router() -> Router:
    router = Router(name="guardian_link")
    router.callback_query.register(on_resend, ResendGuardianLink.filter())
    # After the dialogues and the short forms, before the fallback (handlers/__init__.py).
    router.message.register(
        on_waiting_text, StateFilter(None), F.text, ~F.text.startswith("/"), WaitingForGuardian()
    )
    return router
