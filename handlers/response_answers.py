"""The short forms' handlers: presses on a question's buttons, typed answers, the text of an
"other" choice. Registered by :func:`handlers.responses.build_router`.

A press that no longer applies (a double tap, an old message, someone else's form) raises
:class:`bot.outdated.Outdated` and changes nothing. The FSM holds only the short wait for the
text of an "other" choice, and (in its data) the question message last sent here, whose
buttons a typed answer takes off.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

from aiogram.filters import Filter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message, User
from aiogram.utils.callback_answer import CallbackAnswer

from bot.html_text import quote
from bot.outdated import Outdated
from bot.responses import FormRefused, FormStep
from bot.responses import Outdated as StaleAnswer
from bot.services import Services
from dialogs.answers import OTHER_PROMPT, AnswerError
from dialogs.model import OTHER, QuestionKind
from handlers.address import gettext_for, is_minor, you
from handlers.completion_hooks import CompletionHooks
from handlers.outdated import outdated_button_text
from handlers.render import (
    answer,
    drop_keyboard,
    drop_message_keyboard,
    edit_buttons,
    pressed_message,
)
from handlers.response_views import (
    FormPick,
    already_answered_text,
    completed_text,
    initial_selection,
    question_screen,
    selection_of,
    thanks_text,
    type_your_answer_text,
    unavailable_text,
)
from handlers.states import ResponseDialogue

# The FSM data key of the question message last sent here: {"r": response id, "m": message id}.
_ASKED = "form_question"


async def minor_of(services: Services, step: FormStep) -> bool:
    """Whether the person answering is under 18 (addressed with «ты» in Russian)."""
    return is_minor(await services.participants.get(step.response.participant_id))


async def _owned_step(services: Services, response_id: int, user: User) -> FormStep | None:
    """The step of this person's own response; None for someone else's or a missing one."""
    try:
        step = await services.responses.step(response_id)
    except StaleAnswer:
        return None
    if await services.participants.owned(step.response.participant_id, user.id) is None:
        return None
    return step


async def _after_answer(
    message: Message,
    state: FSMContext,
    services: Services,
    hooks: CompletionHooks,
    result: FormStep | AnswerError,
    minor: bool,
) -> None:
    if isinstance(result, AnswerError):
        await message.answer(quote(result.render(gettext_for(minor))))
        return
    await _show(message, state, services, hooks, result, minor)


async def _show(
    message: Message,
    state: FSMContext,
    services: Services,
    hooks: CompletionHooks,
    step: FormStep,
    minor: bool,
) -> None:
    if step.just_completed:
        await message.answer(thanks_text(minor))
        if message.bot is not None:
            await hooks.run(message.bot, services, step.response)
        return
    if step.question is None:
        await message.answer(completed_text())
        return
    sent = await answer(message, question_screen(step, initial_selection(step), minor))
    # Remembered so that a typed answer can take this question's buttons (skip, back) off.
    await state.update_data({_ASKED: {"r": step.response.id, "m": sent.message_id}})


async def _pressed(query: CallbackQuery, callback_data: FormPick, services: Services) -> FormStep:
    """The step the pressed button answers: the presser's own response, still at the
    button's question. Anything else (a double tap, an old message, someone else's form) is
    an outdated press and changes nothing."""
    step = await _owned_step(services, callback_data.r, query.from_user)
    if step is None or not isinstance(query.message, Message):
        raise Outdated(outdated_button_text())
    if step.question is None:
        raise Outdated(completed_text())
    if step.question.key != callback_data.k:
        raise Outdated(already_answered_text())
    return step


async def _answered(
    query: CallbackQuery,
    state: FSMContext,
    services: Services,
    hooks: CompletionHooks,
    step: FormStep,
    answering: Awaitable[FormStep | AnswerError],
    callback_answer: CallbackAnswer,
) -> None:
    """The pressed question is answered (or left): its buttons go, the next one comes."""
    minor = await minor_of(services, step)
    try:
        result = await answering
    except StaleAnswer:
        raise Outdated(already_answered_text()) from None
    except FormRefused:
        raise Outdated(unavailable_text()) from None
    if isinstance(result, AnswerError):
        callback_answer.text = result.render(gettext_for(minor))
        return
    message = pressed_message(query)
    await drop_message_keyboard(message)
    await _show(message, state, services, hooks, result, minor)


async def on_pick(
    query: CallbackQuery,
    callback_data: FormPick,
    state: FSMContext,
    services: Services,
    completion_hooks: CompletionHooks,
    callback_answer: CallbackAnswer,
) -> None:
    step = await _pressed(query, callback_data, services)
    question, message, responses = step.question, pressed_message(query), services.responses
    assert question is not None
    rid, key, value = callback_data.r, callback_data.k, callback_data.v
    if value == OTHER and question.allow_other:
        await state.set_state(ResponseDialogue.other)
        await state.set_data(
            {"response_id": rid, "key": key, "selected": selection_of(step, callback_data.s)}
        )
        await message.answer(quote(you(await minor_of(services, step), OTHER_PROMPT)))
        return
    if question.kind == QuestionKind.MULTI_CHOICE:
        toggled = responses.toggle(step, key, selection_of(step, callback_data.s), value)
        if isinstance(toggled, AnswerError):
            callback_answer.text = toggled.render(gettext_for(await minor_of(services, step)))
            return
        minor = await minor_of(services, step)
        await edit_buttons(message, question_screen(step, toggled, minor))
        return
    answering = responses.answer_choice(rid, key, value)
    await _answered(query, state, services, completion_hooks, step, answering, callback_answer)


async def on_done(
    query: CallbackQuery,
    callback_data: FormPick,
    state: FSMContext,
    services: Services,
    completion_hooks: CompletionHooks,
    callback_answer: CallbackAnswer,
) -> None:
    step = await _pressed(query, callback_data, services)
    answering = services.responses.answer_choices(
        callback_data.r, callback_data.k, selection_of(step, callback_data.s)
    )
    await _answered(query, state, services, completion_hooks, step, answering, callback_answer)


async def on_skip(
    query: CallbackQuery,
    callback_data: FormPick,
    state: FSMContext,
    services: Services,
    completion_hooks: CompletionHooks,
    callback_answer: CallbackAnswer,
) -> None:
    step = await _pressed(query, callback_data, services)
    answering = services.responses.skip(callback_data.r, callback_data.k)
    await _answered(query, state, services, completion_hooks, step, answering, callback_answer)


async def on_back(
    query: CallbackQuery,
    callback_data: FormPick,
    state: FSMContext,
    services: Services,
    completion_hooks: CompletionHooks,
    callback_answer: CallbackAnswer,
) -> None:
    step = await _pressed(query, callback_data, services)
    answering = services.responses.back(callback_data.r, callback_data.k)
    await _answered(query, state, services, completion_hooks, step, answering, callback_answer)


class TypedFormAnswer(Filter):
    """A typed message answers the person's most recently touched open form whose current
    question takes typing; injects ``form_step``. Registered with ``StateFilter(None)``, so a
    dialogue in progress (an FSM state) always keeps its text."""

    async def __call__(
        self, message: Message, services: Services, event_from_user: User | None = None
    ) -> bool | dict[str, Any]:
        if event_from_user is None:
            return False
        step = await services.responses.typing_target(event_from_user.id)
        return {"form_step": step} if step is not None else False


async def _drop_asked(message: Message, state: FSMContext, response_id: int) -> None:
    """Take the buttons off the question a typed answer answered, if it was sent here."""
    asked = (await state.get_data()).get(_ASKED)
    if isinstance(asked, dict) and asked.get("r") == response_id and message.bot is not None:
        await drop_keyboard(message.bot, message.chat.id, int(asked.get("m") or 0))


async def on_typed(
    message: Message,
    form_step: FormStep,
    state: FSMContext,
    services: Services,
    completion_hooks: CompletionHooks,
) -> None:
    assert form_step.question is not None
    try:
        result = await services.responses.answer_text(
            form_step.response.id, form_step.question.key, message.text or ""
        )
    except StaleAnswer:
        await message.answer(already_answered_text())
        return
    except FormRefused:
        await message.answer(unavailable_text())
        return
    if not isinstance(result, AnswerError):
        await _drop_asked(message, state, form_step.response.id)
    minor = await minor_of(services, form_step)
    await _after_answer(message, state, services, completion_hooks, result, minor)


async def on_other_text(
    message: Message, state: FSMContext, services: Services, completion_hooks: CompletionHooks
) -> None:
    assert message.from_user is not None
    data = await state.get_data()
    step = await _owned_step(services, int(data.get("response_id") or 0), message.from_user)
    key = str(data.get("key") or "")
    if step is None or step.question is None or step.question.key != key:
        await state.clear()
        await message.answer(unavailable_text())
        return
    try:
        minor = await minor_of(services, step)
        other = await services.responses.check_other(step.response.id, key, message.text or "")
        if isinstance(other, AnswerError):
            await message.answer(quote(other.render(gettext_for(minor))))
            return
        await state.clear()
        if step.question.kind == QuestionKind.MULTI_CHOICE:
            selected = [str(v) for v in data.get("selected") or []]
            result = await services.responses.answer_choices(
                step.response.id, key, [*selected, OTHER], other
            )
        else:
            result = await services.responses.answer_choice(step.response.id, key, OTHER, other)
    except (StaleAnswer, FormRefused):
        await state.clear()
        await message.answer(already_answered_text())
        return
    await _after_answer(message, state, services, completion_hooks, result, minor)


async def on_other_content(message: Message) -> None:
    await message.answer(type_your_answer_text())
