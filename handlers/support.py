"""/support: a short dialogue that sends a person's message to the bot's administrators."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import I18n, ngettext
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from aiogram.utils.text_decorations import html_decoration as hd

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
from handlers.states import SupportDialogue
from handlers.texts import too_long_text


def topic_title(topic: SupportTopic) -> str:
    titles = {
        SupportTopic.PROBLEM: _("Something does not work"),
        SupportTopic.QUESTION: _("A question"),
        SupportTopic.IDEA: _("An idea"),
    }
    return titles[topic]


def topic_keyboard() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for topic in SupportTopic:
        builder.button(text=topic_title(topic), callback_data=SupportTopicChoice(topic=topic))
    builder.button(text=_("Cancel"), callback_data=SupportAction(action=SupportStep.CANCEL))
    builder.adjust(1)
    return builder.as_markup()


def confirm_keyboard() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("Send"), callback_data=SupportAction(action=SupportStep.SEND))
    builder.button(text=_("Change the text"), callback_data=SupportAction(action=SupportStep.EDIT))
    builder.button(text=_("Cancel"), callback_data=SupportAction(action=SupportStep.CANCEL))
    builder.adjust(1, 2)
    return builder.as_markup()


def body_prompt() -> str:
    return ngettext(
        "Describe it in one message, up to {limit} character: what you did, "
        "what you expected and what happened. Please do not include passwords or documents.",
        "Describe it in one message, up to {limit} characters: what you did, "
        "what you expected and what happened. Please do not include passwords or documents.",
        MAX_BODY_LENGTH,
    ).format(limit=MAX_BODY_LENGTH)


async def start_support(message: Message, state: FSMContext) -> None:
    await state.set_state(SupportDialogue.topic)
    await state.set_data({})
    await message.answer(
        _("What would you like to write to the administrators about?"),
        reply_markup=topic_keyboard(),
    )


async def choose_topic(
    query: CallbackQuery, callback_data: SupportTopicChoice, state: FSMContext
) -> None:
    await state.update_data(topic=callback_data.topic.value)
    await state.set_state(SupportDialogue.body)
    if isinstance(query.message, Message):
        await query.message.edit_text(
            _("Topic: {topic}").format(topic=topic_title(callback_data.topic)), reply_markup=None
        )
        await query.message.answer(body_prompt())


async def receive_body(message: Message, state: FSMContext) -> None:
    body = message.text or ""
    if body.startswith("/"):
        await message.answer(
            _("Commands do not work in the middle of this dialogue. {prompt} Or /cancel.").format(
                prompt=body_prompt()
            )
        )
        return
    rejection = SupportService.check_body(body)
    if rejection is SupportRejection.TOO_LONG:
        await message.answer(too_long_text(len(body.strip()), MAX_BODY_LENGTH))
        return
    if rejection is SupportRejection.EMPTY:
        await message.answer(body_prompt())
        return
    await state.update_data(body=body.strip())
    await state.set_state(SupportDialogue.confirm)
    await show_confirmation(message, body.strip())


async def show_confirmation(message: Message, body: str) -> None:
    await message.answer(
        _(
            "This is what the administrators will receive:\n\n<blockquote>{body}</blockquote>"
        ).format(body=hd.quote(body)),
        reply_markup=confirm_keyboard(),
    )


async def body_not_text(message: Message) -> None:
    await message.answer(
        _("I can pass on only text. {prompt} Or /cancel.").format(prompt=body_prompt())
    )


async def cancel_support(query: CallbackQuery, state: FSMContext) -> None:
    await state.clear()
    if isinstance(query.message, Message):
        await query.message.edit_text(_("Cancelled: nothing was sent. /help"), reply_markup=None)


async def edit_body(query: CallbackQuery, state: FSMContext) -> None:
    await state.set_state(SupportDialogue.body)
    if isinstance(query.message, Message):
        await query.message.edit_reply_markup(reply_markup=None)
        await query.message.answer(body_prompt())


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
        callback_answer.text = _("Too many messages today")
        if isinstance(query.message, Message):
            await query.message.edit_text(
                _(
                    "You have already written several times today; the administrators will read "
                    "those messages first. Please try again tomorrow."
                ),
                reply_markup=None,
            )
        return
    if outcome.request is None:
        await state.set_state(SupportDialogue.body)
        if isinstance(query.message, Message):
            await query.message.answer(body_prompt())
        return
    await state.clear()
    request = outcome.request
    when = format_moment(
        request.created_at, i18n.current_locale, services.settings.default_timezone
    )
    callback_answer.text = _("Sent")
    if isinstance(query.message, Message):
        await query.message.edit_text(
            _(
                "Message No. {number} was sent on {when}. The administrators will look into it; "
                "thank you!"
            ).format(number=request.id, when=when),
            reply_markup=None,
        )
    await notify_admins(services, outcome.notify, request, query)


async def notify_admins(
    services: Services,
    admin_ids: tuple[int, ...],
    request: SupportRequest,
    query: CallbackQuery,
) -> None:
    """Each administrator reads the request in their own language; the request is stored
    whether or not it reaches them."""
    sender = query.from_user

    def render() -> Screen:
        return Screen(
            _(
                "<b>Message No. {number} to support</b> ({topic})\n"
                "From: {user} (id {user_id})\n\n<blockquote>{body}</blockquote>"
            ).format(
                number=request.id,
                topic=topic_title(SupportTopic(request.topic)),
                user=hd.link(hd.quote(sender.full_name), f"tg://user?id={sender.id}"),
                user_id=sender.id,
                body=hd.quote(request.body),
            )
        )

    for admin_id in admin_ids:
        await services.outbox.send(admin_id, render, kind="support_request")


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
