"""One generic runner for every questionnaire held as data in ``dialogs``: the router. What it
shows is built in :mod:`handlers.questionnaire_views`; a press that no longer applies (a double
tap, an old message, someone else's button) raises :class:`bot.outdated.Outdated`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _

from bot.html_text import quote
from bot.models.participants import Participant
from bot.outdated import Outdated
from bot.questionnaires import Outdated as StaleAnswer
from bot.questionnaires import Step
from bot.services import Services
from dialogs.answers import OTHER_PROMPT, AnswerError
from dialogs.model import OTHER, QuestionKind
from handlers.address import gettext_for, is_minor, you
from handlers.monitoring_views import offer_text, start_rows
from handlers.outdated import outdated_button_text
from handlers.questionnaire_views import (
    Act,
    ActKind,
    Pick,
    already_answered_text,
    changes_saved_text,
    check_summary_text,
    intro_screen,
    not_yet_open_text,
    question_screen,
    saved_text,
    summary_screen,
)
from handlers.render import (
    answer,
    drop_keyboard,
    drop_message_keyboard,
    edit_buttons,
    keyboard,
    pressed_message,
)
from handlers.states import QuestionnaireDialogue
from storage.repositories.identity import Identity


async def show(message: Message, step: Step, state: FSMContext) -> None:
    """Send the current question, or the summary when every question is answered."""
    data = await state.get_data()
    if step.question is None:
        await state.update_data(
            participant_id=step.participant.id, selected=[], other=None, awaiting_other=False
        )
        await answer(message, summary_screen(step))
        return
    selected: list[str] = list(data.get("selected") or [])
    if data.get("question") != step.question.key:
        selected = _initial_selection(step)
        await state.update_data(
            question=step.question.key, selected=selected, other=None, awaiting_other=False
        )
    sent = await answer(message, question_screen(step, selected))
    # Remembered so that a typed answer can take the buttons (skip, back) off this question.
    await state.update_data(participant_id=step.participant.id, question_message=sent.message_id)


def _initial_selection(step: Step) -> list[str]:
    """When an answered multi-choice question is asked again, start from the earlier answer."""
    assert step.question is not None
    value = step.answers.get(step.question.key)
    if step.question.kind == QuestionKind.MULTI_CHOICE and isinstance(value, dict):
        # A single choice stored before the question allowed several (a mentor's form).
        single = value.get("choice")
        return [v for v in value.get("choices", [single] if single else []) if v != OTHER]
    return []


async def open_questionnaire(
    message: Message, participant: Participant, state: FSMContext, services: Services
) -> None:
    step = await services.questionnaires.open(participant)
    if step is None:
        await message.answer(not_yet_open_text())
        return
    first = not step.answers or step.answers.keys() == {
        q.key for q in step.questionnaire.questions if q.is_birth_date
    }
    data = await state.get_data()
    if (
        step.question is not None
        and await state.get_state() == QuestionnaireDialogue.answering.state
        and data.get("participant_id") == participant.id
        and data.get("question") == step.question.key
        and not data.get("awaiting_other")
    ):
        # The dialogue already stands at this question (/start again half-way): it is asked
        # again with the choices made so far, and nothing is stored (no commit). The earlier
        # message stays the one whose buttons a typed answer takes off.
        if first:
            await answer(message, intro_screen(step))
        await answer(message, question_screen(step, list(data.get("selected") or [])))
        return
    await state.set_state(QuestionnaireDialogue.answering)
    await state.set_data({"participant_id": participant.id})
    if first:
        await answer(message, intro_screen(step))
    await show(message, step, state)


async def after_answer(
    message: Message, result: Step | AnswerError, state: FSMContext, minor: bool
) -> None:
    if isinstance(result, AnswerError):
        await message.answer(quote(result.render(gettext_for(minor))))
        return
    asked = (await state.get_data()).get("question_message")
    if isinstance(asked, int) and message.bot is not None:
        await drop_keyboard(message.bot, message.chat.id, asked)
    await show(message, result, state)


async def _own_participant(
    services: Services, identity: Identity | None, participant_id: int, telegram_id: int
) -> Participant | None:
    """The participant, only if it is this person's own: from the update's who-am-I read
    when there is one (no statement), else asked of the service."""
    if identity is None or identity.telegram_id != telegram_id:
        return await services.participants.owned(participant_id, telegram_id)
    return next((p for p in identity.participants if p.id == participant_id), None)


async def _owned(
    services: Services, identity: Identity | None, participant_id: int, telegram_id: int
) -> Step | None:
    """The current step of the person's own participant (one statement), or None."""
    if await _own_participant(services, identity, participant_id, telegram_id) is None:
        return None
    return await services.questionnaires.step(participant_id)


async def on_text(
    message: Message, state: FSMContext, services: Services, identity: Identity | None = None
) -> None:
    assert message.from_user is not None
    data = await state.get_data()
    step = await _owned(
        services, identity, int(data.get("participant_id", 0)), message.from_user.id
    )
    if step is None:
        await state.clear()
        await message.answer(_("This questionnaire is no longer available. /help"))
        return
    participant = step.participant
    minor = is_minor(participant)
    if step.question is None:
        await message.answer(check_summary_text(minor))
        return
    key, text = step.question.key, message.text or ""
    try:
        if data.get("awaiting_other"):
            other = await services.questionnaires.check_other(participant.id, key, text, step)
            if isinstance(other, AnswerError):
                await message.answer(quote(other.render(gettext_for(minor))))
                return
            if step.question.kind == QuestionKind.MULTI_CHOICE:
                selected = list(data.get("selected") or [])
                await state.update_data(other=other, awaiting_other=False)
                result = await services.questionnaires.answer_choices(
                    participant.id, key, [*selected, OTHER], other, step
                )
            else:
                result = await services.questionnaires.answer_choice(
                    participant.id, key, OTHER, other, step
                )
            await after_answer(message, result, state, minor)
            return
        result = await services.questionnaires.answer_text(participant.id, key, text, step)
    except StaleAnswer:
        await show(message, await services.questionnaires.step(participant.id), state)
        return
    await after_answer(message, result, state, minor)


async def on_other_content(message: Message, state: FSMContext, services: Services) -> None:
    data = await state.get_data()
    participant = await services.participants.get(int(data.get("participant_id") or 0))
    await message.answer(
        you(is_minor(participant), "Please answer with text or with the buttons. To stop: /cancel")
    )


# -- presses -------------------------------------------------------------------------------


async def _presser(
    services: Services,
    participant_id: int,
    query: CallbackQuery,
    identity: Identity | None = None,
) -> Participant:
    """The participant the button is for, who must be the presser; else the press is old."""
    participant = await _own_participant(services, identity, participant_id, query.from_user.id)
    if participant is None or not isinstance(query.message, Message):
        raise Outdated(outdated_button_text())
    return participant


async def _current(services: Services, participant: Participant, key: str) -> Step:
    """The step whose question ``key`` the button answers; a button of an answered question
    (a double tap, an old message) is outdated and changes nothing."""
    step = await services.questionnaires.step(participant.id)
    if step.question is None or step.question.key != key:
        raise Outdated(already_answered_text())
    return step


async def on_pick(
    query: CallbackQuery,
    callback_data: Pick,
    state: FSMContext,
    services: Services,
    callback_answer: CallbackAnswer,
    identity: Identity | None = None,
) -> None:
    participant = await _presser(services, callback_data.p, query, identity)
    step = await _current(services, participant, callback_data.k)
    participant = step.participant
    message = pressed_message(query)
    await state.set_state(QuestionnaireDialogue.answering)
    question = step.question
    assert question is not None
    minor = is_minor(participant)
    if callback_data.v == OTHER and question.allow_other:
        await state.update_data(participant_id=participant.id, awaiting_other=True)
        await message.answer(quote(you(minor, OTHER_PROMPT)))
        return
    if question.kind == QuestionKind.MULTI_CHOICE:
        data = await state.get_data()
        selected = list(data.get("selected") or []) if data.get("question") == question.key else []
        toggled = services.questionnaires.toggle(step, question.key, selected, callback_data.v)
        if isinstance(toggled, AnswerError):
            callback_answer.text = toggled.render(gettext_for(minor))
            return
        await state.update_data(
            participant_id=participant.id, question=question.key, selected=toggled
        )
        await edit_buttons(message, question_screen(step, toggled))
        return
    await drop_message_keyboard(message)
    try:
        result = await services.questionnaires.answer_choice(
            participant.id, question.key, callback_data.v, step=step
        )
    except StaleAnswer:
        raise Outdated(already_answered_text()) from None
    await after_answer(message, result, state, minor)


async def _answered_by_control(
    query: CallbackQuery,
    callback_data: Act,
    state: FSMContext,
    services: Services,
    identity: Identity | None = None,
) -> tuple[Step, Message]:
    """The common start of done, skip and back: the presser's current question, whose
    buttons go."""
    participant = await _presser(services, callback_data.p, query, identity)
    step = await _current(services, participant, callback_data.k)
    message = pressed_message(query)
    await state.set_state(QuestionnaireDialogue.answering)
    await state.update_data(participant_id=participant.id)
    await drop_message_keyboard(message)
    return step, message


async def on_done(
    query: CallbackQuery,
    callback_data: Act,
    state: FSMContext,
    services: Services,
    identity: Identity | None = None,
) -> None:
    step, message = await _answered_by_control(query, callback_data, state, services, identity)
    participant = step.participant
    selected = list((await state.get_data()).get("selected") or [])
    try:
        result = await services.questionnaires.answer_choices(
            participant.id, callback_data.k, selected, None, step
        )
    except StaleAnswer:
        raise Outdated(already_answered_text()) from None
    await after_answer(message, result, state, is_minor(participant))


async def on_skip(
    query: CallbackQuery,
    callback_data: Act,
    state: FSMContext,
    services: Services,
    identity: Identity | None = None,
) -> None:
    step, message = await _answered_by_control(query, callback_data, state, services, identity)
    participant = step.participant
    try:
        result = await services.questionnaires.skip(participant.id, callback_data.k, step)
    except StaleAnswer:
        raise Outdated(already_answered_text()) from None
    await after_answer(message, result, state, is_minor(participant))


async def on_back(
    query: CallbackQuery, callback_data: Act, state: FSMContext, services: Services
) -> None:
    step, message = await _answered_by_control(query, callback_data, state, services)
    try:
        step = await services.questionnaires.back(step.participant.id, callback_data.k)
    except StaleAnswer:
        raise Outdated(already_answered_text()) from None
    await show(message, step, state)


async def on_edit(
    query: CallbackQuery, callback_data: Act, state: FSMContext, services: Services
) -> None:
    """A number under the summary; the summary is outdated once a question is being asked."""
    participant = await _presser(services, callback_data.p, query)
    if (await services.questionnaires.step(participant.id)).question is not None:
        raise Outdated(already_answered_text())
    message = pressed_message(query)
    await state.set_state(QuestionnaireDialogue.answering)
    await state.update_data(participant_id=participant.id, question=None)
    await drop_message_keyboard(message)
    try:
        step = await services.questionnaires.edit(participant.id, callback_data.k)
    except StaleAnswer:
        raise Outdated(already_answered_text()) from None
    await show(message, step, state)


async def on_open(
    query: CallbackQuery, callback_data: Act, state: FSMContext, services: Services
) -> None:
    participant = await _presser(services, callback_data.p, query)
    await open_questionnaire(pressed_message(query), participant, state, services)


async def on_confirm(
    query: CallbackQuery,
    callback_data: Act,
    state: FSMContext,
    services: Services,
    callback_answer: CallbackAnswer,
) -> None:
    participant = await _presser(services, callback_data.p, query)
    message = pressed_message(query)
    was_confirmed = participant.confirmed_at is not None
    # The summary belongs to the answering dialogue; once confirmed, the dialogue is over, so
    # a second press (a double tap, an old summary) must not save and thank again.
    if was_confirmed and await state.get_state() != QuestionnaireDialogue.answering.state:
        raise Outdated()
    if not await services.questionnaires.confirm(participant.id):
        if was_confirmed:
            await drop_message_keyboard(message)
            await state.clear()
            await message.answer(changes_saved_text())
            return
        await state.set_state(QuestionnaireDialogue.answering)
        await state.update_data(participant_id=participant.id)
        callback_answer.text = _("Some answers are missing.")
        await show(message, await services.questionnaires.step(participant.id), state)
        return
    await drop_message_keyboard(message)
    await state.clear()
    refreshed = await services.participants.get(participant.id)
    status = await services.participants.status(refreshed) if refreshed else None
    minor = is_minor(refreshed)
    text = saved_text(status, minor)
    # The poll "before" is offered with the last message of joining, not started unasked.
    offer = not was_confirmed and await services.responses.cycle_of(participant.id) is not None
    if offer:
        await services.monitoring_offers.offered(participant.id)
        await message.answer(
            text + "\n\n" + offer_text(minor), reply_markup=keyboard(start_rows(participant.id))
        )
    else:
        await message.answer(text)


def build_router() -> Router:
    router = Router(name="questionnaire")
    router.callback_query.register(on_pick, Pick.filter())
    acts: dict[ActKind, Callable[..., Awaitable[None]]] = {
        ActKind.DONE: on_done,
        ActKind.SKIP: on_skip,
        ActKind.BACK: on_back,
        ActKind.EDIT: on_edit,
        ActKind.OPEN: on_open,
        ActKind.CONFIRM: on_confirm,
    }
    for kind, handler in acts.items():
        router.callback_query.register(handler, Act.filter(F.a == kind))
    router.message.register(
        on_text, StateFilter(QuestionnaireDialogue.answering), F.text, ~F.text.startswith("/")
    )
    router.message.register(on_other_content, StateFilter(QuestionnaireDialogue.answering), ~F.text)
    return router
