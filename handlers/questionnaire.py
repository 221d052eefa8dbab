"""One generic runner for every questionnaire held as data in ``dialogs``."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from aiogram.utils.text_decorations import html_decoration as hd

from bot.participants import Status
from bot.questionnaires import Outdated, Step
from bot.services import Services
from dialogs.answers import OTHER_PROMPT, AnswerError, format_answer
from dialogs.model import OTHER, QuestionKind
from handlers import question_view
from handlers.address import gettext_for, is_minor, you
from handlers.monitoring_offer import offer_text, start_keyboard
from handlers.states import QuestionnaireDialogue
from storage.repositories.participants import Participant

SUMMARY_ANSWER_LIMIT = 160  # characters of one answer in the summary, to stay within a message


class Pick(CallbackData, prefix="q1p"):
    """A pressed option: a single choice, yes/no, a point of a scale, or a toggle."""

    p: int
    k: str
    v: str


class Act(CallbackData, prefix="q1a"):
    """done, skip, back, confirm, open (resume) or edit of the question ``k``."""

    p: int
    a: str
    k: str = ""


def question_text(step: Step, selected: list[str]) -> str:
    assert step.question is not None
    return question_view.question_text(
        step.question, step.number, step.total, step.options, minor=is_minor(step.participant)
    )


def question_keyboard(step: Step, selected: list[str]) -> InlineKeyboardMarkup | None:
    question = step.question
    assert question is not None
    pid, key = step.participant.id, question.key
    return question_view.question_keyboard(
        question,
        step.options,
        selected,
        can_go_back=step.can_go_back,
        pick=lambda value: Pick(p=pid, k=key, v=value),
        control=lambda action: Act(p=pid, a=action, k=key),
    )


def summary_text(step: Step) -> str:
    minor = is_minor(step.participant)
    lines = [you(minor, "<b>Please check your questionnaire</b>"), ""]
    for number, question in enumerate(step.visible(), start=1):
        shown = format_answer(
            question, step.answers.get(question.key), _, step.options_of(question)
        )
        if len(shown) > SUMMARY_ANSWER_LIMIT:
            shown = shown[: SUMMARY_ANSWER_LIMIT - 1] + "…"
        lines.append(
            f"{number}. {hd.quote(_(question.label or question.text))}\n    {hd.quote(shown)}"
        )
    lines += ["", you(minor, "To change an answer, press its number.")]
    return "\n".join(lines)


def summary_keyboard(step: Step) -> InlineKeyboardMarkup:
    pid = step.participant.id
    builder = InlineKeyboardBuilder()
    visible = step.visible()
    for number, question in enumerate(visible, start=1):
        builder.button(text=str(number), callback_data=Act(p=pid, a="edit", k=question.key))
    confirmed = step.participant.confirmed_at is not None
    builder.button(
        text=_("Save changes") if confirmed else _("All correct, send"),
        callback_data=Act(p=pid, a="confirm"),
    )
    builder.adjust(*([6] * ((len(visible) + 5) // 6)), 1)
    return builder.as_markup()


async def show(message: Message, step: Step, state: FSMContext) -> None:
    """Send the current question, or the summary when every question is answered."""
    data = await state.get_data()
    if step.question is None:
        await state.update_data(
            participant_id=step.participant.id, selected=[], other=None, awaiting_other=False
        )
        await message.answer(summary_text(step), reply_markup=summary_keyboard(step))
        return
    selected: list[str] = list(data.get("selected") or [])
    if data.get("question") != step.question.key:
        selected = _initial_selection(step)
        await state.update_data(
            question=step.question.key, selected=selected, other=None, awaiting_other=False
        )
    sent = await message.answer(
        question_text(step, selected), reply_markup=question_keyboard(step, selected)
    )
    # Remembered so that a typed answer can take the buttons (skip, back) off this question.
    await state.update_data(participant_id=step.participant.id, question_message=sent.message_id)


def _initial_selection(step: Step) -> list[str]:
    """When an answered multi-choice question is asked again, start from the earlier answer."""
    assert step.question is not None
    value = step.answers.get(step.question.key)
    if step.question.kind == QuestionKind.MULTI_CHOICE and isinstance(value, dict):
        return [v for v in value.get("choices", []) if v != OTHER]
    return []


async def open_questionnaire(
    message: Message, participant: Participant, state: FSMContext, services: Services
) -> None:
    if not await services.questionnaires.may_start(participant):
        await message.answer(_("The questionnaire opens after the consent to data processing."))
        return
    await state.set_state(QuestionnaireDialogue.answering)
    await state.set_data({"participant_id": participant.id})
    step = await services.questionnaires.start(participant)
    if not step.answers or step.answers.keys() == {
        q.key for q in step.questionnaire.questions if q.is_birth_date
    }:
        await message.answer(hd.quote(you(is_minor(participant), step.questionnaire.intro)))
    await show(message, step, state)


async def _participant(
    services: Services,
    participant_id: int,
    telegram_id: int,
    callback_answer: CallbackAnswer | None = None,
) -> Participant | None:
    participant = await services.participants.owned(participant_id, telegram_id)
    if participant is None and callback_answer is not None:
        callback_answer.text = _("This button is outdated. Please use the latest message or /help.")
    return participant


async def after_answer(
    message: Message, result: Step | AnswerError, state: FSMContext, minor: bool
) -> None:
    if isinstance(result, AnswerError):
        await message.answer(hd.quote(result.render(gettext_for(minor))))
        return
    asked = (await state.get_data()).get("question_message")
    if isinstance(asked, int) and message.bot is not None:
        await question_view.drop_keyboard(message.bot, message.chat.id, asked)
    await show(message, result, state)


async def on_text(message: Message, state: FSMContext, services: Services) -> None:
    assert message.from_user is not None
    data = await state.get_data()
    participant = await _participant(
        services, int(data.get("participant_id", 0)), message.from_user.id
    )
    if participant is None:
        await state.clear()
        await message.answer(_("This questionnaire is no longer available. /help"))
        return
    step = await services.questionnaires.step(participant.id)
    minor = is_minor(participant)
    if step.question is None:
        await message.answer(
            you(
                minor,
                "Please check the answers above and press «All correct, send», "
                "or press a number to change an answer.",
            )
        )
        return
    key, text = step.question.key, message.text or ""
    try:
        if data.get("awaiting_other"):
            other = await services.questionnaires.check_other(participant.id, key, text)
            if isinstance(other, AnswerError):
                await message.answer(hd.quote(other.render(gettext_for(minor))))
                return
            if step.question.kind == QuestionKind.MULTI_CHOICE:
                selected = list(data.get("selected") or [])
                await state.update_data(other=other, awaiting_other=False)
                result = await services.questionnaires.answer_choices(
                    participant.id, key, [*selected, OTHER], other
                )
            else:
                result = await services.questionnaires.answer_choice(
                    participant.id, key, OTHER, other
                )
            await after_answer(message, result, state, minor)
            return
        result = await services.questionnaires.answer_text(participant.id, key, text)
    except Outdated:
        await show(message, await services.questionnaires.step(participant.id), state)
        return
    await after_answer(message, result, state, minor)


async def on_other_content(message: Message, state: FSMContext, services: Services) -> None:
    data = await state.get_data()
    participant = await services.participants.get(int(data.get("participant_id") or 0))
    await message.answer(
        you(is_minor(participant), "Please answer with text or with the buttons. To stop: /cancel")
    )


async def on_pick(
    query: CallbackQuery,
    callback_data: Pick,
    state: FSMContext,
    services: Services,
    callback_answer: CallbackAnswer,
) -> None:
    participant = await _participant(services, callback_data.p, query.from_user.id, callback_answer)
    if participant is None or not isinstance(query.message, Message):
        return
    await state.set_state(QuestionnaireDialogue.answering)
    step = await services.questionnaires.step(participant.id)
    if step.question is None or step.question.key != callback_data.k:
        callback_answer.text = _("This question has already been answered.")
        return
    question = step.question
    if callback_data.v == OTHER and question.allow_other:
        await state.update_data(participant_id=participant.id, awaiting_other=True)
        await query.message.answer(hd.quote(you(is_minor(participant), OTHER_PROMPT)))
        return
    if question.kind == QuestionKind.MULTI_CHOICE:
        data = await state.get_data()
        selected = list(data.get("selected") or []) if data.get("question") == question.key else []
        toggled = services.questionnaires.toggle(step, question.key, selected, callback_data.v)
        if isinstance(toggled, AnswerError):
            callback_answer.text = toggled.render(gettext_for(is_minor(participant)))
            return
        await state.update_data(
            participant_id=participant.id, question=question.key, selected=toggled
        )
        await query.message.edit_reply_markup(reply_markup=question_keyboard(step, toggled))
        return
    await question_view.drop_message_keyboard(query.message)
    result = await services.questionnaires.answer_choice(
        participant.id, question.key, callback_data.v
    )
    await after_answer(query.message, result, state, is_minor(participant))


async def on_act(
    query: CallbackQuery,
    callback_data: Act,
    state: FSMContext,
    services: Services,
    callback_answer: CallbackAnswer,
) -> None:
    participant = await _participant(services, callback_data.p, query.from_user.id, callback_answer)
    if participant is None or not isinstance(query.message, Message):
        return
    await state.set_state(QuestionnaireDialogue.answering)
    await state.update_data(participant_id=participant.id)
    questionnaires = services.questionnaires
    message = query.message
    minor = is_minor(participant)
    try:
        if callback_data.a == "open":
            await open_questionnaire(message, participant, state, services)
            return
        if callback_data.a == "confirm":
            await confirm(message, participant, state, services, callback_answer)
            return
        await question_view.drop_message_keyboard(message)
        if callback_data.a == "done":
            data = await state.get_data()
            selected = list(data.get("selected") or [])
            result = await questionnaires.answer_choices(
                participant.id, callback_data.k, selected, None
            )
            await after_answer(message, result, state, minor)
        elif callback_data.a == "skip":
            await after_answer(
                message, await questionnaires.skip(participant.id, callback_data.k), state, minor
            )
        elif callback_data.a == "back":
            await show(message, await questionnaires.back(participant.id, callback_data.k), state)
        elif callback_data.a == "edit":
            await state.update_data(question=None)
            await show(message, await questionnaires.edit(participant.id, callback_data.k), state)
    except Outdated:
        callback_answer.text = _("This question has already been answered.")
        await show(message, await questionnaires.step(participant.id), state)


async def confirm(
    message: Message,
    participant: Participant,
    state: FSMContext,
    services: Services,
    callback_answer: CallbackAnswer,
) -> None:
    was_confirmed = participant.confirmed_at is not None
    if not await services.questionnaires.confirm(participant.id):
        if was_confirmed:
            await message.edit_reply_markup(reply_markup=None)
            await state.clear()
            await message.answer(_("Your changes are saved. /profile"))
            return
        callback_answer.text = _("Some answers are missing.")
        await show(message, await services.questionnaires.step(participant.id), state)
        return
    await question_view.drop_message_keyboard(message)
    await state.clear()
    refreshed = await services.participants.get(participant.id)
    status = await services.participants.status(refreshed) if refreshed else None
    minor = is_minor(refreshed)
    if status is Status.WAITING_GUARDIAN:
        # Translators: only a person under 18 waits for a representative: «ты» in Russian.
        text = _(
            "Thank you, the questionnaire is saved! A mentor will be chosen as soon as your "
            "parent or legal representative gives consent. Your answers: /profile"
        )
    else:
        text = you(
            minor,
            "Thank you, the questionnaire is saved and passed to the curator: you have joined "
            "the programme. You can see or change your answers with /profile.",
        )
    # The poll "before" is offered with the last message of joining, not started unasked.
    offer = not was_confirmed and await services.responses.cycle_of(participant.id) is not None
    if offer:
        await services.monitoring_offers.offered(participant.id)
        await message.answer(
            text + "\n\n" + offer_text(minor), reply_markup=start_keyboard(participant.id)
        )
    else:
        await message.answer(text)


def build_router() -> Router:
    router = Router(name="questionnaire")
    router.callback_query.register(on_pick, Pick.filter())
    router.callback_query.register(on_act, Act.filter())
    router.message.register(
        on_text, StateFilter(QuestionnaireDialogue.answering), F.text, ~F.text.startswith("/")
    )
    router.message.register(on_other_content, StateFilter(QuestionnaireDialogue.answering), ~F.text)
    return router
