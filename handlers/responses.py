"""One runner for the short repeated forms (feedback, compatibility, monitoring, final polls).

A form is started from anywhere (a handler, or a scheduler job without an update) with
:func:`send_form`. Everything needed to go on is in the database and in the buttons: the
current question is the response's ``position``, a multi-choice selection travels in the
button data, and a typed answer finds its response by the person (the most recently touched
open response whose question takes typing), so nothing depends on FSM state set from a job.
The only FSM state is the short wait for the text of an "other" choice the person pressed.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Filter, StateFilter
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message, User
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from aiogram.utils.text_decorations import html_decoration as hd

from bot.responses import FormRefused, FormStep, Outdated
from bot.services import Services
from dialogs.answers import OTHER_PROMPT, AnswerError, selected_values
from dialogs.model import OTHER, Option, QuestionKind
from dialogs.monitoring import monitoring_form_for
from handlers import question_view
from handlers.address import gettext_for, is_minor, you
from handlers.states import ResponseDialogue
from handlers.unreachable import send_through_sender
from storage.repositories.responses import Response

log = logging.getLogger(__name__)

Hook = Callable[[Bot, Services, Response], Awaitable[None]]

PICK, DONE, SKIP, BACK = "p", "d", "s", "b"


class FormPick(CallbackData, prefix="rs1"):
    """A button of a form question.

    ``r`` response id, ``k`` question key, ``a`` action (p pick or toggle, d done, s skip,
    b back), ``v`` the option value, ``s`` a multi-choice selection so far: bit ``i`` is the
    ``i``-th option, so the selection survives restarts without any state.
    """

    r: int
    k: str
    a: str
    v: str = ""
    s: int = 0


# -- completion hooks ----------------------------------------------------------------------

_hooks: list[tuple[str, Hook]] = []


def on_completed(form_prefix: str) -> Callable[[Hook], Hook]:
    """Register ``hook(bot, services, response)`` for completed responses of the forms whose
    key starts with ``form_prefix`` ("compatibility", "final_", "monitoring_", ...)."""

    def register(hook: Hook) -> Hook:
        if (form_prefix, hook) not in _hooks:
            _hooks.append((form_prefix, hook))
        return hook

    return register


async def run_completion_hooks(bot: Bot, services: Services, response: Response) -> int:
    """Run the hooks of this form; a failing hook is logged and does not stop the others.
    Returns how many hooks failed."""
    failed = 0
    for prefix, hook in list(_hooks):
        if not response.form.startswith(prefix):
            continue
        try:
            await hook(bot, services, response)
        except Exception:
            failed += 1
            log.exception(
                "The completion hook %s failed for response %s (%s)",
                getattr(hook, "__qualname__", hook),
                response.id,
                response.form,
            )
    return failed


# -- rendering -----------------------------------------------------------------------------


def _choice_values(options: Sequence[Option]) -> list[str]:
    return [option.value for option in options if option.value != OTHER]


def selection_of(step: FormStep, mask: int) -> list[str]:
    """The option values a selection mask names (bits past the options are ignored)."""
    values = _choice_values(step.options)
    return [value for position, value in enumerate(values) if mask >> position & 1]


def mask_of(step: FormStep, selected: Sequence[str]) -> int:
    chosen = set(selected)
    values = _choice_values(step.options)
    return sum(1 << position for position, value in enumerate(values) if value in chosen)


def initial_selection(step: FormStep) -> list[str]:
    """A multi-choice question asked again (after "back") starts from the earlier answer."""
    if step.question is None or step.question.kind != QuestionKind.MULTI_CHOICE:
        return []
    return sorted(selected_values(step.answers.get(step.question.key)) - {OTHER})


def question_text(step: FormStep, minor: bool, heading: str | None = None) -> str:
    assert step.question is not None
    return question_view.question_text(
        step.question, step.number, step.total, step.options, heading, minor=minor
    )


async def minor_of(services: Services, step: FormStep) -> bool:
    """Whether the person answering is under 18 (addressed with «ты» in Russian)."""
    return is_minor(await services.participants.get(step.response.participant_id))


# The shared control buttons in this runner's short button data.
_CONTROLS = {question_view.DONE: DONE, question_view.SKIP: SKIP, question_view.BACK: BACK}


def question_keyboard(step: FormStep, selected: Sequence[str]) -> InlineKeyboardMarkup | None:
    question = step.question
    assert question is not None
    rid, key = step.response.id, question.key
    mask = mask_of(step, selected) if question.kind == QuestionKind.MULTI_CHOICE else 0

    def control(action: str) -> FormPick:
        code = _CONTROLS[action]
        # Only "done" needs the selection; skip and back leave a shorter button data.
        return FormPick(r=rid, k=key, a=code, s=mask if code == DONE else 0)

    return question_view.question_keyboard(
        question,
        step.options,
        selected,
        can_go_back=step.can_go_back,
        pick=lambda value: FormPick(r=rid, k=key, a=PICK, v=value, s=mask),
        control=control,
    )


def _heading(step: FormStep, intro: str | None, minor: bool) -> str:
    """The form's title, and its introduction when nothing has been answered yet."""
    title = f"<b>{hd.quote(_(step.questionnaire.title))}</b>"
    if step.answers:
        return title + "\n" + you(minor, "Let's go on from where you stopped.") + "\n"
    return title + "\n" + hd.quote(you(minor, intro or step.questionnaire.intro)) + "\n"


def thanks_text(minor: bool = False) -> str:
    return you(minor, "Thank you! Your answers are saved.")


# -- sending from anywhere -----------------------------------------------------------------


async def send_form(
    bot: Bot,
    services: Services,
    chat_id: int,
    *,
    form: str,
    participant_id: int,
    subject: str,
    meeting_id: int | None = None,
    intro: str | None = None,
    i18n: I18n | None = None,
) -> bool:
    """Open the form (idempotently) and send its current question to the participant.

    Works inside an update and from a scheduler job: ``i18n`` is the application's I18n
    (``Application.i18n``); inside an update it may be left out. The text is in the
    recipient's language. ``intro`` (plain text or a msgid) replaces the form's own
    introduction. Returns whether a question was delivered: False when the response is
    already completed, the participant is gone or is not this chat, or Telegram refused.
    """
    translator = i18n or I18n.get_current(no_error=True)
    if translator is None:
        raise RuntimeError("send_form needs i18n= when called outside an update")
    participant = await services.participants.get(participant_id)
    if participant is None or participant.telegram_id != chat_id:
        log.info("Form %s not sent: participant %s is not chat %s", form, participant_id, chat_id)
        return False
    try:
        step = await services.responses.open(form, participant_id, subject, meeting_id=meeting_id)
    except FormRefused as error:
        log.info("Form %s not sent: %s", form, error)
        return False
    if step.question is None:
        return False
    locale = await services.languages.resolve(chat_id, None)
    minor = is_minor(participant)
    with translator.context(), translator.use_locale(locale):
        selected = initial_selection(step)
        text = question_text(step, minor, _heading(step, intro, minor))
        markup = question_keyboard(step, selected)
    # Not even tried for someone who blocked the bot: the form waits, opened.
    return await send_through_sender(bot, translator, services, chat_id, text, markup)


async def send_monitoring_before(
    bot: Bot, services: Services, participant_id: int, *, i18n: I18n | None = None
) -> bool:
    """The monitoring form of the participant's category, about the cycle they take part in
    (subject ``before:<cycle id>``); sent once, when the questionnaire is first confirmed, and
    to the people carried into a new cycle. ``i18n`` as for :func:`send_form`."""
    participant = await services.participants.get(participant_id)
    if participant is None:
        return False
    cycle_id = getattr(participant, "cycle_id", None) or await services.responses.cycle_of(
        participant_id
    )
    if cycle_id is None:
        log.warning("No cycle for participant %s: monitoring not sent", participant_id)
        return False
    answers = (await services.questionnaires.step(participant_id)).answers
    form_code = next(iter(selected_values(answers.get("form"))), None)
    form = monitoring_form_for(participant.role, form_code, answers)
    return await send_form(
        bot,
        services,
        participant.telegram_id,
        form=form,
        participant_id=participant_id,
        subject=f"before:{cycle_id}",
        i18n=i18n,
    )


# -- answering -----------------------------------------------------------------------------


async def _owned_step(services: Services, response_id: int, user: User) -> FormStep | None:
    """The step of this person's own response; None for someone else's or a missing one."""
    try:
        step = await services.responses.step(response_id)
    except Outdated:
        return None
    if await services.participants.owned(step.response.participant_id, user.id) is None:
        return None
    return step


async def _after_answer(
    message: Message, bot: Bot, services: Services, result: FormStep | AnswerError, minor: bool
) -> None:
    if isinstance(result, AnswerError):
        await message.answer(hd.quote(result.render(gettext_for(minor))))
        return
    await _show(message, bot, services, result, minor)


async def _show(
    message: Message, bot: Bot, services: Services, step: FormStep, minor: bool
) -> None:
    if step.just_completed:
        await message.answer(thanks_text(minor))
        await run_completion_hooks(bot, services, step.response)
        return
    if step.question is None:
        await message.answer(_("This form is already completed. Thank you!"))
        return
    await message.answer(
        question_text(step, minor), reply_markup=question_keyboard(step, initial_selection(step))
    )


async def _edit_markup(message: Message, markup: InlineKeyboardMarkup | None) -> None:
    """Change the buttons of a question message; a refused edit (the same buttons after a
    quick double tap, a message too old) is cosmetic and must not fail the answer."""
    try:
        await message.edit_reply_markup(reply_markup=markup)
    except TelegramBadRequest as error:
        log.debug("Buttons of message %s not changed: %s", message.message_id, error.message)


def _outdated_text() -> str:
    return _("This question has already been answered.")


async def on_button(
    query: CallbackQuery,
    callback_data: FormPick,
    state: FSMContext,
    services: Services,
    bot: Bot,
    callback_answer: CallbackAnswer,
) -> None:
    step = await _owned_step(services, callback_data.r, query.from_user)
    if step is None or not isinstance(query.message, Message):
        callback_answer.text = _("This button is outdated. Please use the latest message or /help.")
        return
    if step.question is None:
        callback_answer.text = _("This form is already completed. Thank you!")
        return
    question = step.question
    if question.key != callback_data.k:
        callback_answer.text = _outdated_text()
        return
    message, responses = query.message, services.responses
    rid, key, value = callback_data.r, callback_data.k, callback_data.v
    minor = await minor_of(services, step)
    result: FormStep | AnswerError
    try:
        if callback_data.a == PICK and value == OTHER and question.allow_other:
            await state.set_state(ResponseDialogue.other)
            await state.set_data(
                {"response_id": rid, "key": key, "selected": selection_of(step, callback_data.s)}
            )
            await message.answer(hd.quote(you(minor, OTHER_PROMPT)))
            return
        if callback_data.a == PICK and question.kind == QuestionKind.MULTI_CHOICE:
            toggled = responses.toggle(step, key, selection_of(step, callback_data.s), value)
            if isinstance(toggled, AnswerError):
                callback_answer.text = toggled.render(gettext_for(minor))
                return
            await _edit_markup(message, question_keyboard(step, toggled))
            return
        if callback_data.a == PICK:
            result = await responses.answer_choice(rid, key, value)
        elif callback_data.a == DONE:
            result = await responses.answer_choices(rid, key, selection_of(step, callback_data.s))
        elif callback_data.a == SKIP:
            result = await responses.skip(rid, key)
        elif callback_data.a == BACK:
            result = await responses.back(rid, key)
        else:
            callback_answer.text = _outdated_text()
            return
    except Outdated:
        callback_answer.text = _outdated_text()
        return
    except FormRefused:
        callback_answer.text = _("This form is no longer available.")
        return
    if isinstance(result, AnswerError):
        callback_answer.text = result.render(gettext_for(minor))
        return
    await _edit_markup(message, None)
    await _show(message, bot, services, result, minor)


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


async def on_typed(message: Message, form_step: FormStep, services: Services, bot: Bot) -> None:
    assert form_step.question is not None
    try:
        result = await services.responses.answer_text(
            form_step.response.id, form_step.question.key, message.text or ""
        )
    except Outdated:
        await message.answer(_outdated_text())
        return
    except FormRefused:
        await message.answer(_("This form is no longer available."))
        return
    await _after_answer(message, bot, services, result, await minor_of(services, form_step))


async def on_other_text(message: Message, state: FSMContext, services: Services, bot: Bot) -> None:
    assert message.from_user is not None
    data = await state.get_data()
    step = await _owned_step(services, int(data.get("response_id") or 0), message.from_user)
    key = str(data.get("key") or "")
    if step is None or step.question is None or step.question.key != key:
        await state.clear()
        await message.answer(_("This form is no longer available."))
        return
    try:
        minor = await minor_of(services, step)
        other = await services.responses.check_other(step.response.id, key, message.text or "")
        if isinstance(other, AnswerError):
            await message.answer(hd.quote(other.render(gettext_for(minor))))
            return
        await state.clear()
        if step.question.kind == QuestionKind.MULTI_CHOICE:
            selected = [str(v) for v in data.get("selected") or []]
            result = await services.responses.answer_choices(
                step.response.id, key, [*selected, OTHER], other
            )
        else:
            result = await services.responses.answer_choice(step.response.id, key, OTHER, other)
    except (Outdated, FormRefused):
        await state.clear()
        await message.answer(_outdated_text())
        return
    await _after_answer(message, bot, services, result, minor)


async def on_other_content(message: Message) -> None:
    await message.answer(_("Please type your answer. To stop: /cancel"))


def build_router() -> Router:
    router = Router(name="responses")
    router.callback_query.register(on_button, FormPick.filter())
    router.message.register(
        on_other_text, StateFilter(ResponseDialogue.other), F.text, ~F.text.startswith("/")
    )
    router.message.register(on_other_content, StateFilter(ResponseDialogue.other), ~F.text)
    # Ordered after every dialogue router, before the fallback: plain text with no dialogue
    # going on answers an open form, if the person has one waiting for typing.
    router.message.register(
        on_typed, StateFilter(None), F.text, ~F.text.startswith("/"), TypedFormAnswer()
    )
    return router
