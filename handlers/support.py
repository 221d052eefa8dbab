"""/support: a short dialogue that sends a person's message to the bot's administrators.

Texts and buttons are in handlers/support_views.py."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import I18n

from bot.formatting import format_moment
from bot.screens import Screen
from bot.services import Services
from bot.support import (
    MAX_BODY_LENGTH,
    SupportRejection,
    SupportRequest,
    SupportService,
    SupportTopic,
)
from handlers.callbacks import SupportAction, SupportStep, SupportTopicChoice
from handlers.render import answer, drop_message_keyboard, edit
from handlers.states import SupportDialogue
from handlers.support_views import (
    body_prompt,
    cancelled,
    confirmation_screen,
    no_commands,
    only_text,
    request_screen,
    sent_notice,
    sent_screen,
    too_many,
    too_many_notice,
    topic_chosen,
    topic_screen,
)
from handlers.texts import too_long_text


async def start_support(message: Message, state: FSMContext) -> None:
    await state.set_state(SupportDialogue.topic)
    await state.set_data({})
    await answer(message, topic_screen())


async def choose_topic(
    query: CallbackQuery, callback_data: SupportTopicChoice, state: FSMContext
) -> None:
    await state.update_data(topic=callback_data.topic.value)
    await state.set_state(SupportDialogue.body)
    if isinstance(query.message, Message):
        await edit(query, topic_chosen(callback_data.topic))
        await answer(query.message, Screen(body_prompt()))


async def receive_body(message: Message, state: FSMContext) -> None:
    body = message.text or ""
    if body.startswith("/"):
        await answer(message, no_commands())
        return
    rejection = SupportService.check_body(body)
    if rejection is SupportRejection.TOO_LONG:
        await answer(message, Screen(too_long_text(len(body.strip()), MAX_BODY_LENGTH)))
        return
    if rejection is SupportRejection.EMPTY:
        await answer(message, Screen(body_prompt()))
        return
    await state.update_data(body=body.strip())
    await state.set_state(SupportDialogue.confirm)
    await answer(message, confirmation_screen(body.strip()))


async def body_not_text(message: Message) -> None:
    await answer(message, only_text())


async def cancel_support(query: CallbackQuery, state: FSMContext) -> None:
    await state.clear()
    await edit(query, cancelled())


async def edit_body(query: CallbackQuery, state: FSMContext) -> None:
    await state.set_state(SupportDialogue.body)
    if isinstance(query.message, Message):
        await drop_message_keyboard(query.message)
        await answer(query.message, Screen(body_prompt()))


async def send_support(
    query: CallbackQuery,
    state: FSMContext,
    services: Services,
    i18n: I18n,
    callback_answer: CallbackAnswer,
) -> None:
    data = await state.get_data()
    try:
        topic = SupportTopic(data.get("topic", ""))
    except ValueError:
        topic = SupportTopic.QUESTION
    outcome = await services.support.submit(query.from_user.id, topic, str(data.get("body", "")))
    if outcome.rejection is SupportRejection.TOO_MANY:
        await state.clear()
        callback_answer.text = too_many_notice()
        await edit(query, too_many())
        return
    if outcome.request is None:
        await state.set_state(SupportDialogue.body)
        if isinstance(query.message, Message):
            await answer(query.message, Screen(body_prompt()))
        return
    await state.clear()
    request = outcome.request
    when = format_moment(
        request.created_at, i18n.current_locale, services.settings.default_timezone
    )
    callback_answer.text = sent_notice()
    await edit(query, sent_screen(request.id, when))
    await notify_admins(services, outcome.notify, request, query)


async def notify_admins(
    services: Services,
    admin_ids: tuple[int, ...],
    request: SupportRequest,
    query: CallbackQuery,
) -> None:
    """Each administrator reads the request in their own language; the request is stored
    whether or not it reaches them."""
    name, sender_id = query.from_user.full_name, query.from_user.id
    for admin_id in admin_ids:
        await services.outbox.send(
            admin_id, lambda: request_screen(request, name, sender_id), kind="support_request"
        )


def build_router() -> Router:
    router = Router(name="support")
    router.message.register(start_support, Command("support"))
    router.callback_query.register(
        choose_topic, SupportTopicChoice.filter(), StateFilter(SupportDialogue.topic)
    )
    router.message.register(receive_body, StateFilter(SupportDialogue.body), F.text)
    router.message.register(body_not_text, StateFilter(SupportDialogue.body))
    router.callback_query.register(
        cancel_support,
        SupportAction.filter(F.action == SupportStep.CANCEL),
        StateFilter(SupportDialogue),
    )
    router.callback_query.register(
        edit_body,
        SupportAction.filter(F.action == SupportStep.EDIT),
        StateFilter(SupportDialogue.confirm),
    )
    router.callback_query.register(
        send_support,
        SupportAction.filter(F.action == SupportStep.SEND),
        StateFilter(SupportDialogue.confirm),
    )
    return router
